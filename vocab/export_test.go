package vocab

import (
	"context"
	"strings"
)

// Fate says what became of a string in discovery over texts: "rare" (below
// MinFreq), "stop:<rule>", "zero:<why>", "inside:<longer>" or "kept".
func Fate(texts []string, known func(string) bool, words []string) map[string]string {
	opt, _ := Options{}.resolve()
	st, _ := count(context.Background(), newCorpus(texts), opt, known)
	all := make(map[string]*gram)
	for w, g := range st.grams {
		all[w] = g
	}
	kept := st.candidates()
	in := make(map[string]bool)
	for _, g := range kept {
		in[g.word] = true
	}
	out := make(map[string]string)
	for _, w := range words {
		r := []rune(w)
		g := all[w]
		switch {
		case st.count[w] == 0:
			out[w] = "rare"
		case g == nil:
			out[w] = "stop:" + whyStop(r, known)
		case g.score <= 0:
			why := ""
			if g.left <= 0 {
				why += "L"
			}
			if g.right <= 0 {
				why += "R"
			}
			if g.cohesion <= 0 {
				why += "C"
			}
			out[w] = "zero:" + why
		case !in[w]:
			var longer []string
			for _, k := range kept {
				if len(k.runes) > len(r) && strings.Contains(k.word, w) && float64(k.freq()) >= nested*float64(g.freq()) {
					longer = append(longer, k.word)
				}
			}
			out[w] = "inside:" + strings.Join(longer, ",")
		default:
			out[w] = "kept"
		}
	}
	return out
}

func whyStop(w []rune, known func(string) bool) string {
	for _, r := range w {
		if r < han || strings.ContainsRune(innerChars, r) {
			return "inner"
		}
	}
	s := string(w)
	switch {
	case strings.ContainsRune(edgeChars, w[0]):
		return "edge-start"
	case free(w[len(w)-1], string(w[len(w)-2:]), known):
		return "edge-end"
	case strings.ContainsRune(tailChars, w[0]):
		return "tail"
	case quantity(w):
		return "quantity"
	}
	for _, o := range openers {
		if strings.HasPrefix(s, o) {
			return "opener"
		}
	}
	if known(s) {
		return "known"
	}
	return "particle"
}

// Stat returns a string's frequency, docs, cohesion, entropies and score.
func Stat(texts []string, known func(string) bool, words []string) map[string][6]float64 {
	opt, _ := Options{}.resolve()
	st, _ := count(context.Background(), newCorpus(texts), opt, known)
	st.candidates()
	out := make(map[string][6]float64)
	for _, w := range words {
		if g := st.grams[w]; g != nil {
			out[w] = [6]float64{float64(g.freq()), float64(g.docs), g.cohesion, g.left, g.right, g.score}
		}
	}
	return out
}
