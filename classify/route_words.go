package classify

import (
	"maps"
	"math"
	"sort"

	"tian"
)

// wordsPerProfile is how many words each unit profile keeps.
const wordsPerProfile = 300

// learnWords makes each unit's co-handling profile from all the training
// proposals: the summed TF-IDF vectors of the proposals it co-handled,
// its strongest words kept. The IDF comes from the training proposals.
func (r *Router) learnWords(rs []routed) {
	docs := r.docWords(rs)
	df := map[string]int{}
	for _, ws := range docs {
		for w := range ws {
			df[w]++
		}
	}
	idf := make(map[string]float64, len(df))
	for w, d := range df {
		idf[w] = tian.IDF(len(rs), d)
	}
	r.wordDocs, r.allIDF = docs, idf
	all := func(int) bool { return true }
	r.LeadWords, r.CoWords = r.profiles(rs, all, leadOf), r.profiles(rs, all, coOf)
	r.WordIDF = map[string]float64{}
	for _, ps := range []map[string]map[string]float64{r.LeadWords, r.CoWords} {
		for _, p := range ps {
			for w := range p {
				r.WordIDF[w] = round4(idf[w])
			}
		}
	}
}

func leadOf(x routed) []string { return []string{x.lead} }
func coOf(x routed) []string   { return x.co }

// foldWords are the profiles made from the training proposals of the
// other folds, for the proposals of fold k.
func (r *Router) foldWords(rs []routed, k int) (lead, co map[string]map[string]float64) {
	other := func(i int) bool { return i%r.Config.Folds != k }
	return r.profiles(rs, other, leadOf), r.profiles(rs, other, coOf)
}

func (r *Router) docWords(rs []routed) []map[string]float64 {
	out := make([]map[string]float64, len(rs))
	for i, x := range rs {
		out[i] = r.wordCounts(x.p.Title, x.p.Body, nil)
	}
	return out
}

// titleWeight is how many times a title's words count.
const titleWeight = 3

// wordCounts counts the words of a title and body, the title's
// titleWeight times; keep, when not nil, says which words to count.
func (r *Router) wordCounts(title, body string, keep map[string]float64) map[string]float64 {
	tf := map[string]float64{}
	for i, text := range []string{title, body} {
		for _, w := range dutyWords(r.seg, text) {
			if _, ok := keep[w]; ok || keep == nil {
				tf[w] += float64(1 + (titleWeight-1)*(1-i))
			}
		}
	}
	return tf
}

func (r *Router) profiles(rs []routed, use func(int) bool, role func(routed) []string) map[string]map[string]float64 {
	sum := map[string]map[string]float64{}
	for i, x := range rs {
		if !use(i) {
			continue
		}
		v := tian.TFIDF(maps.Clone(r.wordDocs[i]), func(w string) float64 { return r.allIDF[w] })
		for _, u := range role(x) {
			for w, x := range v {
				add(sum, u, w, x)
			}
		}
	}
	out := make(map[string]map[string]float64, len(sum))
	for u, v := range sum {
		out[u] = strongest(v, wordsPerProfile)
	}
	return out
}

// strongest keeps the n largest weights of v, scaled to unit length and
// rounded.
func strongest(v map[string]float64, n int) map[string]float64 {
	ws := make([]string, 0, len(v))
	for w := range v {
		ws = append(ws, w)
	}
	sort.Slice(ws, func(i, j int) bool {
		if v[ws[i]] != v[ws[j]] {
			return v[ws[i]] > v[ws[j]]
		}
		return ws[i] < ws[j]
	})
	ws = ws[:min(n, len(ws))]
	var norm float64
	for _, w := range ws {
		norm += v[w] * v[w]
	}
	out := make(map[string]float64, len(ws))
	for _, w := range ws {
		out[w] = round4(v[w] / math.Sqrt(norm))
	}
	return out
}

// wordVector is a text's TF-IDF vector over the words of the co-handling
// profiles.
func (r *Router) wordVector(title, body string) map[string]float64 {
	return tian.TFIDF(r.wordCounts(title, body, r.WordIDF), func(w string) float64 { return r.WordIDF[w] })
}
