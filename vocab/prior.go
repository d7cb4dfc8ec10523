package vocab

import (
	"math"
	"unicode/utf8"
)

// edgePrior knows how often each character begins and ends a term of the
// domain's lexicon. A committee's terms are built from a few heads and
// tails (…部门, …市委会, …改造, 市…, 民…), and a new term of the domain
// tends to share them, where a word of general language (不知道, 找不到)
// or a phrase (调研发现) does not.
type edgePrior struct {
	begin, end map[rune]int
}

// priorWeight scales the prior: a candidate's score is multiplied by
// 1 + priorWeight × (ln(1 + terms beginning with its first character) +
// ln(1 + terms ending with its last)). Chosen on the 2021–2022 ablation
// (0.1, 0.2, 0.4, 1 gave recall@300 0.503, 0.508, 0.503, 0.497 against
// 0.467 without the prior; precision@100 fell from 0.89 at 0.2 to 0.75
// at 1).
const priorWeight = 0.2

func newEdgePrior(lexicon []string) *edgePrior {
	p := &edgePrior{begin: make(map[rune]int), end: make(map[rune]int)}
	for _, w := range lexicon {
		if utf8.RuneCountInString(w) < 2 {
			continue
		}
		r := []rune(w)
		p.begin[r[0]]++
		p.end[r[len(r)-1]]++
	}
	return p
}

// weight is the factor of the score of a candidate w.
func (p *edgePrior) weight(w []rune) float64 {
	b, e := p.begin[w[0]], p.end[w[len(w)-1]]
	return 1 + priorWeight*(math.Log1p(float64(b))+math.Log1p(float64(e)))
}
