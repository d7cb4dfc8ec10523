package vocab

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"tian"
)

// Options bound the search. A zero field takes its default (DefaultOptions).
type Options struct {
	MinLen, MaxLen int // runes of a candidate, 2..8
	MinFreq        int // occurrences a candidate needs
	Limit          int // candidates returned
	Examples       int // contexts per candidate
	// Lexicon is the domain's terms (a committee's dictionary). When set,
	// a candidate that begins or ends with a character that often begins
	// or ends a term is raised (see edgePrior).
	Lexicon []string
}

// DefaultOptions returns the defaults: 2–8 runes, at least 3 occurrences,
// the best 300 candidates with 3 examples each.
func DefaultOptions() Options {
	return Options{MinLen: 2, MaxLen: 8, MinFreq: 3, Limit: 300, Examples: 3}
}

// Candidate is a string that behaves like a word no dictionary holds.
type Candidate struct {
	Word string
	Freq int // occurrences
	Docs int // texts it occurs in
	// Cohesion is the weakest binary split's pointwise mutual information,
	// min over w = a·b of ln(P(w) / (P(a)·P(b))), probabilities per Han
	// character of the corpus.
	Cohesion float64
	// LeftEntropy and RightEntropy are the branching entropies (nats) of
	// the character before and after an occurrence.
	LeftEntropy, RightEntropy float64
	Score                     float64
	// Examples are short contexts around occurrences in different texts,
	// in the order of the texts, e.g. "…推动首发经济发展…".
	Examples []string
}

// Discover finds the candidate words of texts, best first; see the package
// documentation for the scores and filters. known says whether a string is
// already a word (the segmenter's dictionary lookup). The order is
// deterministic: by score, then by word. Bad options are an EINVALID
// error; a cancelled ctx returns ctx's error.
func Discover(ctx context.Context, texts []string, known func(string) bool, opt Options) ([]Candidate, error) {
	opt, err := opt.resolve()
	if err != nil {
		return nil, err
	}
	if known == nil {
		known = func(string) bool { return false }
	}
	st, err := count(ctx, newCorpus(texts), opt, known)
	if err != nil {
		return nil, err
	}
	cands := st.candidates()
	if len(opt.Lexicon) > 0 {
		p := newEdgePrior(opt.Lexicon)
		for _, g := range cands {
			g.score *= p.weight(g.runes)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(cands, func(a, b *gram) int {
		if o := cmp.Compare(b.score, a.score); o != 0 {
			return o
		}
		return cmp.Compare(a.word, b.word)
	})
	out := make([]Candidate, 0, min(len(cands), opt.Limit))
	for _, g := range cands[:min(len(cands), opt.Limit)] {
		out = append(out, Candidate{Word: g.word, Freq: g.freq(), Docs: g.docs,
			Cohesion: g.cohesion, LeftEntropy: g.left, RightEntropy: g.right, Score: g.score,
			Examples: st.examples(texts, g, opt.Examples)})
	}
	return out, nil
}

// resolve fills the zero fields with the defaults and checks the rest; a
// bad option is an EINVALID error with a message for the user.
func (o Options) resolve() (Options, error) {
	def := DefaultOptions()
	for _, f := range []struct {
		name string
		v    *int
		def  int
	}{{"最短词长", &o.MinLen, def.MinLen}, {"最长词长", &o.MaxLen, def.MaxLen}, {"最低出现次数", &o.MinFreq, def.MinFreq},
		{"候选词数", &o.Limit, def.Limit}, {"例句数", &o.Examples, def.Examples}} {
		if *f.v < 0 {
			return o, invalid("%s不能为负数（%d）", f.name, *f.v)
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	if o.MinLen < 2 || o.MaxLen > 8 || o.MinLen > o.MaxLen {
		return o, invalid("词长应在 2 到 8 个字之间，且最短不超过最长（最短 %d，最长 %d）", o.MinLen, o.MaxLen)
	}
	return o, nil
}

func invalid(format string, args ...any) error {
	return &tian.Error{Code: tian.EINVALID, Op: "vocab.Discover", Message: fmt.Sprintf(format, args...)}
}

// score ranks a candidate: ln(freq) × cohesion × min(left, right entropy)
// × (1 + max(residual IDF, 0)). See the package documentation for why this
// form.
func score(g *gram, docs int) float64 {
	h := min(g.left, g.right)
	if h <= 0 || g.cohesion <= 0 {
		return 0
	}
	burst := 1 + max(residualIDF(g.freq(), g.docs, docs), 0)
	return math.Log(float64(g.freq())) * g.cohesion * h * burst
}

// residualIDF is Church and Gale's residual IDF of a string occurring freq
// times in docs of n texts: its observed IDF less the IDF a Poisson
// distribution of the same rate predicts, in bits. Function phrases are
// spread like Poisson (near 0); terms come in bursts (above 0).
func residualIDF(freq, docs, n int) float64 {
	observed := -math.Log2(float64(docs) / float64(n))
	predicted := -math.Log2(1 - math.Exp(-float64(freq)/float64(n)))
	return observed - predicted
}
