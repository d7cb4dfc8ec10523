// Package synth scales a corpus for benchmarks: it makes as many
// proposals as asked by recombining the sentences of real ones. Each
// synthetic proposal keeps a source proposal's title, year, category and
// routing, and its body mixes the source's sentences with sentences of
// other proposals of the same category, so that the text reads like the
// corpus, term statistics stay realistic and no two bodies are equal.
// It is for measuring speed and size only, never quality.
package synth

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"

	"tian"
)

var sentenceEnd = regexp.MustCompile(`[^。！？；\n]+[。！？；\n]?`)

// Generator recombines a corpus.
type Generator struct {
	corpus     []*tian.Proposal
	byCategory map[string][][]string // category → proposals' sentences
	sentences  [][]string            // per corpus proposal
	rng        *rand.Rand
}

// New returns a generator over corpus with a fixed seed: the same seed
// gives the same proposals.
func New(corpus []*tian.Proposal, seed uint64) *Generator {
	g := &Generator{corpus: corpus, byCategory: map[string][][]string{}, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for _, p := range corpus {
		s := sentenceEnd.FindAllString(p.Body, -1)
		g.sentences = append(g.sentences, s)
		g.byCategory[p.Category] = append(g.byCategory[p.Category], s)
	}
	return g
}

// Proposal returns the i-th synthetic proposal. Numbers are the source's
// year followed by a seven-digit sequence, distinct from the corpus's.
func (g *Generator) Proposal(i int) tian.Proposal {
	src := g.corpus[i%len(g.corpus)]
	p := *src
	p.CoUnits = append([]string(nil), src.CoUnits...)
	p.Number = fmt.Sprintf("%d%07d", src.Year, i)
	p.MergedInto = ""
	if p.Status == tian.StatusMerged {
		p.Status = tian.StatusFiled
	}
	if i >= len(g.corpus) {
		p.Title = strings.TrimSuffix(src.Title, "的提案") + fmt.Sprintf("（第%d稿）的提案", i/len(g.corpus)+1)
	}
	own := g.sentences[i%len(g.corpus)]
	pool := g.byCategory[src.Category]
	var b strings.Builder
	for _, s := range own {
		if g.rng.IntN(2) == 0 && len(pool) > 0 {
			other := pool[g.rng.IntN(len(pool))]
			if len(other) > 0 {
				s = other[g.rng.IntN(len(other))]
			}
		}
		b.WriteString(s)
	}
	p.Body = b.String()
	return p
}

// Records returns n synthetic proposals as import records.
func (g *Generator) Records(n int) []tian.Record {
	out := make([]tian.Record, n)
	for i := range n {
		out[i] = tian.Record{Row: i + 2, Proposal: g.Proposal(i)}
	}
	return out
}
