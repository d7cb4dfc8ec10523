package classify

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"tian"
)

// FeatureConfig says which features a model uses.
type FeatureConfig struct {
	Words       bool    `json:"words"`
	CharNGrams  []int   `json:"char_ngrams"`  // lengths of character n-grams
	TitleWeight float64 `json:"title_weight"` // how many times title features count
	MinDF       int     `json:"min_df"`       // features in fewer training documents are dropped
	MaxFeatures int     `json:"max_features"` // keep the most frequent
}

// DefaultFeatures are words and character 1–3-grams, the title twice
// (chosen by cross-validation on the THUCNews dev split, tune_test.go).
func DefaultFeatures() FeatureConfig {
	return FeatureConfig{Words: true, CharNGrams: []int{1, 2, 3}, TitleWeight: 2, MinDF: 2, MaxFeatures: 400_000}
}

// vocab maps features to columns, with their IDF.
type vocab struct {
	index map[string]int32
	terms []string
	idf   []float32
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
// counts. Word features are "w:" + word; character n-grams "c:" + gram.
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
	if e.cfg.Words {
		for _, t := range e.seg.Cut(text, tian.CutOptions{Mode: tian.ModeExact, DropStop: true, DropPunct: true}) {
			out["w:"+strings.ToLower(t.Text)] += w
		}
	}
	if len(e.cfg.CharNGrams) > 0 {
		rs := lowerLetters(e.seg.Normalize(text))
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

// buildVocab keeps features seen in at least MinDF documents, the most
// frequent MaxFeatures of them, in a deterministic order.
func buildVocab(docs []map[string]float64, cfg FeatureConfig) *vocab {
	df := map[string]int{}
	for _, d := range docs {
		for f := range d {
			df[f]++
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
	v := &vocab{index: make(map[string]int32, len(keep)), terms: make([]string, len(keep)), idf: make([]float32, len(keep))}
	for i, k := range keep {
		v.index[k.f] = int32(i)
		v.terms[i] = k.f
		v.idf[i] = float32(tian.IDF(len(docs), k.n))
	}
	return v
}

// vector weighs counts by sublinear TF times IDF (tian.TFIDF's weights,
// over columns rather than terms) and normalises to unit length; features
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
	var norm float64
	for _, x := range s.val {
		norm += float64(x) * float64(x)
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := range s.val {
			s.val[i] *= inv
		}
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
