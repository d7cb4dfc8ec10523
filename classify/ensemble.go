package classify

import "math"

// Member is one linear model of an ensemble: the view of the features it
// sees ("words" for words and word pairs, "chars" for character n-grams,
// "" for all) and its loss (TrainConfig.Loss; an SVM member takes C and
// NB from the TrainConfig).
type Member struct {
	View string `json:"view"`
	Loss string `json:"loss"`
}

// members are the linear models cfg asks for: its Members, or one over
// every feature with cfg.Loss.
func members(cfg TrainConfig) []Member {
	if len(cfg.Members) == 0 {
		return []Member{{Loss: cfg.Loss}}
	}
	return cfg.Members
}

// inView reports whether feature f belongs to view.
func inView(f, view string) bool {
	switch view {
	case "words":
		return f[0] == 'w' || f[0] == 'b'
	case "chars":
		return f[0] == 'c'
	}
	return true
}

// only keeps the entries of x whose features are in view.
func (v *vocab) only(x sparse, view string) sparse {
	if view == "" {
		return x
	}
	var s sparse
	for i, f := range x.idx {
		if inView(v.terms[f], view) {
			s.idx, s.val = append(s.idx, f), append(s.val, x.val[i])
		}
	}
	return s
}

// fitMembers fits each member of cfg on its view of xs.
func fitMembers(v *vocab, xs []sparse, ys []int, k int, cfg TrainConfig) []*linear {
	ms := members(cfg)
	out := make([]*linear, len(ms))
	for j, mem := range ms {
		sub := xs
		if mem.View != "" {
			sub = make([]sparse, len(xs))
			for i, x := range xs {
				sub[i] = v.only(x, mem.View)
			}
		}
		c := cfg
		c.Loss = mem.Loss
		out[j] = fitLinear(sub, ys, k, len(v.terms), c)
	}
	return out
}

// ensemble is a vocabulary, its members' linear models and their
// temperatures.
type ensemble struct {
	v     *vocab
	mems  []Member
	lins  []*linear
	temps []float64 // one per member when there are several
}

// memberScores writes member j's logits for x into z.
func (e ensemble) memberScores(j int, x sparse, z []float64) {
	e.lins[j].scores(e.v.only(x, e.mems[j].View), z)
}

// scores writes the logits of x into z: a single model's own, or the
// mean of the members' log-probabilities at their temperatures.
func (e ensemble) scores(x sparse, z []float64) {
	if len(e.lins) == 1 {
		e.lins[0].scores(x, z)
		return
	}
	each := make([][]float64, len(e.lins))
	for j := range e.lins {
		each[j] = make([]float64, len(z))
		e.memberScores(j, x, each[j])
	}
	combine(each, e.temps, z)
}

// combine writes into z the mean of the members' log-probabilities: the
// log-softmax of each member's logits at its temperature.
func combine(each [][]float64, temps []float64, z []float64) {
	clear(z)
	p := make([]float64, len(z))
	for j, l := range each {
		copy(p, l)
		softmaxInPlace(p, temps[j])
		for c := range z {
			z[c] += math.Log(math.Max(p[c], 1e-300)) / float64(len(each))
		}
	}
}

// fitTemperatures fits each member's temperature on held-out logits
// (member, document, class) when there are several members.
func fitTemperatures(logits [][][]float64, gold []int) []float64 {
	if len(logits) < 2 {
		return nil
	}
	out := make([]float64, len(logits))
	for j, l := range logits {
		out[j] = round4(fitTemperature(l, gold))
	}
	return out
}
