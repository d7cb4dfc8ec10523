package index

import (
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/registry"

	"tian"
	"tian/relate"
)

// The names bleve stores in every index's mapping. They are fixed
// forever: renaming one makes existing indexes unreadable.
const (
	TokenizerName = "tian_gse"
	AnalyzerName  = "tian_zh"
	// The exact-mode pair analyses quoted phrases at query time: a phrase
	// must match whole words, and search mode's parts (老年助餐 → 老年,
	// 助餐, at one position) would make any part match.
	ExactTokenizerName = "tian_gse_exact"
	ExactAnalyzerName  = "tian_zh_exact"
)

// analysisSegmenter is the segmenter the registered tokenizer uses.
// bleve builds analyzers from a global registry by name, so the segmenter
// reaches them through this package variable; Open sets it. One segmenter
// serves a process.
var analysisSegmenter atomic.Pointer[segmenterBox]

type segmenterBox struct{ s tian.Segmenter }

// AnalyseWith sets the segmenter every index of the process analyses
// with. Open calls it; a program (or test) that opens indexes with
// different segmenters calls it to give an open index its own back.
func AnalyseWith(s tian.Segmenter) { analysisSegmenter.Store(&segmenterBox{s}) }

// tokenizer adapts tian's segmenter to bleve.
type tokenizer struct{ opt tian.CutOptions }

func (tk tokenizer) Tokenize(input []byte) analysis.TokenStream {
	box := analysisSegmenter.Load()
	if box == nil {
		return nil
	}
	toks := box.s.Cut(string(input), tk.opt)
	out := make(analysis.TokenStream, len(toks))
	for i, t := range toks {
		out[i] = &analysis.Token{Term: []byte(t.Text), Start: t.Start, End: t.End, Position: t.Position,
			Type: analysis.Ideographic}
	}
	return out
}

func init() {
	register(TokenizerName, AnalyzerName, relate.IndexCut)
	register(ExactTokenizerName, ExactAnalyzerName, relate.ExactCut)
}

func register(tokenizerName, analyzerName string, opt tian.CutOptions) {
	if err := registry.RegisterTokenizer(tokenizerName, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
		return tokenizer{opt}, nil
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterAnalyzer(analyzerName, func(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
		tok, err := cache.TokenizerNamed(tokenizerName)
		if err != nil {
			return nil, err
		}
		lower, err := cache.TokenFilterNamed(lowercase.Name)
		if err != nil {
			return nil, err
		}
		return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: []analysis.TokenFilter{lower}}, nil
	}); err != nil {
		panic(err)
	}
}
