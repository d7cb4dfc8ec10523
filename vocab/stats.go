package vocab

import (
	"context"
	"math"
	"slices"
	"strings"
)

// gram is an n-gram of the corpus with its statistics.
type gram struct {
	word        string
	runes       []rune
	lo, hi      int // its suffixes in stats.sa
	docs        int
	cohesion    float64
	left, right float64
	score       float64
}

func (g *gram) freq() int { return g.hi - g.lo }

// stats holds the counts of a corpus: every n-gram of up to MaxLen runes
// occurring MinFreq times or more, and those of MinLen runes or more that
// pass the stop patterns as the grams to score.
type stats struct {
	c     *corpus
	sa    []int32
	count map[string]int // n-grams of 1..MaxLen runes
	grams map[string]*gram
}

func count(ctx context.Context, c *corpus, opt Options, known func(string) bool) (*stats, error) {
	st := &stats{c: c, count: make(map[string]int), grams: make(map[string]*gram)}
	sa, lcp := c.suffixes(opt.MaxLen + 1)
	st.sa = sa
	groups(c, sa, lcp, opt.MaxLen, opt.MinFreq, func(g group) {
		p := sa[g.lo]
		w := c.text[p : p+int32(g.n)]
		st.count[string(w)] = g.hi - g.lo
		if g.n >= opt.MinLen && plausible(w, known) {
			st.grams[string(w)] = &gram{word: string(w), runes: w, lo: g.lo, hi: g.hi, right: g.entropy}
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := c.reversed()
	rsa, rlcp := r.suffixes(opt.MaxLen + 1)
	buf := make([]rune, opt.MaxLen)
	groups(r, rsa, rlcp, opt.MaxLen, opt.MinFreq, func(g group) {
		if g.n < 2 {
			return
		}
		p := rsa[g.lo]
		w := buf[:g.n]
		for i := range w {
			w[i] = r.text[int(p)+g.n-1-i]
		}
		if gr := st.grams[string(w)]; gr != nil {
			gr.left = g.entropy
		}
	})
	return st, ctx.Err()
}

// cohesion is the pointwise mutual information of w's weakest binary
// split. Every part occurs at least as often as w, so all are counted.
func (st *stats) cohesion(g *gram) float64 {
	n := float64(st.c.chars)
	best := math.Inf(1)
	for i := 1; i < len(g.runes); i++ {
		a, b := st.count[string(g.runes[:i])], st.count[string(g.runes[i:])]
		best = min(best, math.Log(n*float64(g.freq())/(float64(a)*float64(b))))
	}
	return best
}

// docs counts the texts g occurs in.
func (st *stats) docs(g *gram, seen map[int32]bool) int {
	clear(seen)
	for _, p := range st.sa[g.lo:g.hi] {
		seen[st.c.doc[p]] = true
	}
	return len(seen)
}

// candidates scores the grams and keeps those of a positive score that no
// longer candidate holds, in no particular order.
func (st *stats) candidates() []*gram {
	var kept []*gram
	seen := make(map[int32]bool)
	for _, g := range st.grams {
		g.cohesion = st.cohesion(g)
		g.docs = st.docs(g, seen)
		g.score = score(g, st.c.docs)
		if g.score > 0 {
			kept = append(kept, g)
		}
	}
	return st.maximal(kept)
}

// maximal drops a candidate inside a longer candidate that occurs nearly
// as often (at least nested of its occurrences): the shorter string is
// then a piece of the longer, as 首发经 of 首发经济.
func (st *stats) maximal(cands []*gram) []*gram {
	in := make(map[string]*gram, len(cands))
	for _, g := range cands {
		in[g.word] = g
	}
	drop := make(map[string]bool)
	for _, g := range cands {
		for i := range g.runes {
			for j := i + 2; j <= len(g.runes); j++ {
				if j-i == len(g.runes) {
					continue
				}
				if sub := in[string(g.runes[i:j])]; sub != nil && float64(g.freq()) >= nested*float64(sub.freq()) {
					drop[sub.word] = true
				}
			}
		}
	}
	return slices.DeleteFunc(cands, func(g *gram) bool { return drop[g.word] })
}

// nested is the share of a string's occurrences a longer candidate must
// hold for the string to count as its piece.
const nested = 0.9

// contextRunes is how much of the text an example shows on each side.
const contextRunes = 8

// examples returns up to n contexts of g, each from a different text, in
// the order of the texts.
func (st *stats) examples(texts []string, g *gram, n int) []string {
	pos := slices.Clone(st.sa[g.lo:g.hi])
	slices.Sort(pos)
	var out []string
	last := int32(-1)
	for _, p := range pos {
		d := st.c.doc[p]
		if d == last {
			continue
		}
		last = d
		out = append(out, excerpt([]rune(texts[d]), int(st.c.offset[p]), len(g.runes)))
		if len(out) == n {
			break
		}
	}
	return out
}

func excerpt(text []rune, at, n int) string {
	lo, hi := max(0, at-contextRunes), min(len(text), at+n+contextRunes)
	s := strings.Join(strings.Fields(string(text[lo:hi])), " ")
	if lo > 0 {
		s = "…" + s
	}
	if hi < len(text) {
		s += "…"
	}
	return s
}
