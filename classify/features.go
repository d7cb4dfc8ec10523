package classify

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"tian"
)

// FeatureConfig says which features a model uses.
type FeatureConfig struct {
	Words       bool    `json:"words"`
	WordPairs   bool    `json:"word_pairs,omitempty"` // adjacent words as well (word 1–2-grams)
	CharNGrams  []int   `json:"char_ngrams"`          // lengths of character n-grams
	TitleWeight float64 `json:"title_weight"`         // how many times title features count
	MinDF       int     `json:"min_df"`               // features in fewer training documents are dropped
	MaxFeatures int     `json:"max_features"`         // keep the most frequent
	// Digits reads every digit of a character n-gram as 0, so that
	// numbers count by their shape.
	Digits bool `json:"digits,omitempty"`
	// ByView scales the word features and the character features to the
	// same length, so that neither view outweighs the other.
	ByView bool `json:"by_view,omitempty"`
}

// has reports whether feature f is one cfg asks for.
func (cfg FeatureConfig) has(f string) bool {
	switch f[0] {
	case 'w':
		return cfg.Words
	case 'b':
		return cfg.WordPairs
	case 'c':
		return slices.Contains(cfg.CharNGrams, utf8.RuneCountInString(f)-2)
	}
	return false
}

// union is a configuration extracting every feature of any of cfgs.
func union(cfgs []FeatureConfig) FeatureConfig {
	var u FeatureConfig
	for _, c := range cfgs {
		u.Words = u.Words || c.Words
		u.WordPairs = u.WordPairs || c.WordPairs
		u.Digits = u.Digits || c.Digits
		for _, n := range c.CharNGrams {
			if !slices.Contains(u.CharNGrams, n) {
				u.CharNGrams = append(u.CharNGrams, n)
			}
		}
	}
	return u
}

// DefaultFeatures are words and character 1–3-grams, the title twice
// (chosen by cross-validation on the THUCNews dev split, tune_test.go).
func DefaultFeatures() FeatureConfig {
	return FeatureConfig{Words: true, CharNGrams: []int{1, 2, 3}, TitleWeight: 2, MinDF: 2, MaxFeatures: 400_000}
}

// vocab maps features to columns, with their IDF.
type vocab struct {
	index  map[string]int32
	terms  []string
	idf    []float32
	byView bool
}

// sparse is a feature vector: sorted columns and their values.
type sparse struct {
	idx []int32
	val []float32
}

// extractor turns text into raw feature counts.
type extractor struct {
	seg tian.Segmenter
	cfg FeatureConfig
}

// counts returns the features of a title and body with their (weighted)
// counts. Word features are "w:" + word, pairs of adjacent words "b:" +
// both, space-separated; character n-grams "c:" + gram.
func (e extractor) counts(title, body string) map[string]float64 {
	out := map[string]float64{}
	e.add(out, title, e.cfg.TitleWeight)
	e.add(out, body, 1)
	return out
}

func (e extractor) add(out map[string]float64, text string, w float64) {
	if text == "" || w == 0 {
		return
	}
	if e.cfg.Words || e.cfg.WordPairs {
		prev := ""
		for _, t := range e.seg.Cut(text, tian.CutOptions{Mode: tian.ModeExact, DropStop: true, DropPunct: true}) {
			word := strings.ToLower(t.Text)
			if e.cfg.Words {
				out["w:"+word] += w
			}
			if e.cfg.WordPairs && prev != "" {
				out["b:"+prev+" "+word] += w
			}
			prev = word
		}
	}
	if len(e.cfg.CharNGrams) > 0 {
		rs := lowerLetters(e.seg.Normalize(text))
		if e.cfg.Digits {
			for i, r := range rs {
				if unicode.IsDigit(r) {
					rs[i] = '0'
				}
			}
		}
		for _, n := range e.cfg.CharNGrams {
			for i := 0; i+n <= len(rs); i++ {
				out["c:"+string(rs[i:i+n])] += w
			}
		}
	}
}

// lowerLetters are the letters and digits of s, lower-cased: what
// character n-grams are cut from.
func lowerLetters(s string) []rune {
	rs := tian.Letters(s)
	for i, r := range rs {
		rs[i] = unicode.ToLower(r)
	}
	return rs
}

// buildVocab keeps the features cfg asks for seen in at least MinDF
// documents, the most frequent MaxFeatures of them, in a deterministic
// order.
func buildVocab(docs []map[string]float64, cfg FeatureConfig) *vocab {
	df := map[string]int{}
	for _, d := range docs {
		for f := range d {
			df[f]++
		}
	}
	for f := range df {
		if !cfg.has(f) {
			delete(df, f)
		}
	}
	type fd struct {
		f string
		n int
	}
	var keep []fd
	for f, n := range df {
		if n >= max(cfg.MinDF, 1) {
			keep = append(keep, fd{f, n})
		}
	}
	sort.Slice(keep, func(i, j int) bool {
		if keep[i].n != keep[j].n {
			return keep[i].n > keep[j].n
		}
		return keep[i].f < keep[j].f
	})
	if cfg.MaxFeatures > 0 && len(keep) > cfg.MaxFeatures {
		keep = keep[:cfg.MaxFeatures]
	}
	sort.Slice(keep, func(i, j int) bool { return keep[i].f < keep[j].f })
	v := &vocab{index: make(map[string]int32, len(keep)), terms: make([]string, len(keep)), idf: make([]float32, len(keep)), byView: cfg.ByView}
	for i, k := range keep {
		v.index[k.f] = int32(i)
		v.terms[i] = k.f
		v.idf[i] = float32(tian.IDF(len(docs), k.n))
	}
	return v
}

// vector weighs counts by sublinear TF times IDF (tian.TFIDF's weights,
// over columns rather than terms) and normalises to unit length (by view,
// each view to the same share, when the vocabulary says so); features
// outside the vocabulary are dropped.
func (v *vocab) vector(counts map[string]float64) sparse {
	var s sparse
	for f, c := range counts {
		if i, ok := v.index[f]; ok {
			s.idx = append(s.idx, i)
			s.val = append(s.val, float32(tian.SublinearTF(c)*float64(v.idf[i])))
		}
	}
	sort.Sort(byIndex(s))
	var norm [2]float64
	view := func(i int) int {
		if v.byView && v.terms[s.idx[i]][0] == 'c' {
			return 1
		}
		return 0
	}
	for i, x := range s.val {
		norm[view(i)] += float64(x) * float64(x)
	}
	views := 0
	for _, n := range norm {
		if n > 0 {
			views++
		}
	}
	for i := range s.val {
		s.val[i] *= float32(1 / math.Sqrt(norm[view(i)]*float64(views)))
	}
	return s
}

type byIndex sparse

func (b byIndex) Len() int           { return len(b.idx) }
func (b byIndex) Less(i, j int) bool { return b.idx[i] < b.idx[j] }
func (b byIndex) Swap(i, j int) {
	b.idx[i], b.idx[j] = b.idx[j], b.idx[i]
	b.val[i], b.val[j] = b.val[j], b.val[i]
}
