package relate

import (
	"strings"
	"unicode"

	"tian"
)

// BM25's constants: how fast a term's count saturates, and how much a
// text's length discounts it.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// longFeatures fills the features meant for longer texts: BM25 weighting,
// IDF squared, BM25 of the shorter text as a query, sentence alignment,
// and the lead. They are candidates TestTuneTopicWeight shows beside the
// keyword cosine on the dev half of SOHU; only the lead is weighed
// (topicScore).
func longFeatures(f *[numTextFeatures]float64, a, b *textView, st *textStats) {
	avgWords, avgChars := st.avg(st.wordLen), st.avg(st.charLen)
	f[featBM25Word] = tian.Cosine(bm25(a.words, a.nwords, avgWords, st.wordIDF), bm25(b.words, b.nwords, avgWords, st.wordIDF))
	f[featBM25Char] = tian.Cosine(bm25(merge(a.char1, a.char2), a.length, avgChars, st.gramIDF), bm25(merge(b.char1, b.char2), b.length, avgChars, st.gramIDF))
	sq := func(t string) float64 { w := st.wordIDF(t); return w * w }
	f[featRareWord] = tfidfCosine(a.words, b.words, sq)
	f[featAlign] = alignment(a.sentences, b.sentences)
	f[featBM25Query] = bm25Query(a, b, avgWords, st)
	f[featLead] = tfidfCosine(a.lead, b.lead, st.wordIDF)
}

func (st *textStats) avg(total int) float64 {
	if st.n == 0 || total == 0 {
		return 1
	}
	return float64(total) / float64(st.n)
}

// bm25 weighs counts by BM25: idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avg)),
// scaled to unit length.
func bm25(counts map[string]float64, length int, avg float64, idf func(string) float64) map[string]float64 {
	out := make(map[string]float64, len(counts))
	norm := bm25K1 * (1 - bm25B + bm25B*float64(length)/avg)
	for t, tf := range counts {
		out[t] = idf(t) * tf * (bm25K1 + 1) / (tf + norm)
	}
	return tian.UnitLength(out)
}

// sentenceGrams splits text into sentences at 。！？；!?; and line breaks
// and returns each sentence's character 2-grams (a one-character sentence
// its character).
func sentenceGrams(text string) []map[string]bool {
	var out []map[string]bool
	for _, s := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune("。！？；!?;\n", r) }) {
		r := tian.Letters(strings.ToLower(s))
		if len(r) == 0 || (len(r) == 1 && !unicode.IsLetter(r[0])) {
			continue
		}
		out = append(out, gramSet(r, 2))
	}
	return out
}

// alignment matches each sentence of a to its most alike sentence of b by
// the Dice overlap of their 2-grams, and each of b to a, and averages the
// two means.
func alignment(a, b []map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return (bestMean(a, b) + bestMean(b, a)) / 2
}

func bestMean(a, b []map[string]bool) float64 {
	var sum float64
	for _, s := range a {
		var best float64
		for _, u := range b {
			if d := 2 * float64(sharedKeys(s, u)) / float64(len(s)+len(u)); d > best {
				best = d
			}
		}
		sum += best
	}
	return sum / float64(len(a))
}

// bm25Query scores the shorter text's keywords as a query against the
// longer text by BM25, over the score of a text holding every query term
// infinitely often: in [0,1).
func bm25Query(a, b *textView, avg float64, st *textStats) float64 {
	if a.nwords > b.nwords {
		a, b = b, a
	}
	norm := bm25K1 * (1 - bm25B + bm25B*float64(b.nwords)/avg)
	var got, most float64
	for t := range a.words {
		w := st.wordIDF(t)
		most += w * (bm25K1 + 1)
		tf := b.words[t]
		got += w * tf * (bm25K1 + 1) / (tf + norm)
	}
	if most == 0 {
		return 0
	}
	return got / most
}

// leadKeywords counts the keywords of a text's lead, its first leadRunes
// characters: the whole of a title, the opening sentence of a news text.
func leadKeywords(seg tian.Segmenter, text string) map[string]float64 {
	r := []rune(text)
	if len(r) > leadRunes {
		r = r[:leadRunes]
	}
	out := map[string]float64{}
	for _, t := range textKeywords(seg, string(r)) {
		out[t]++
	}
	return out
}
