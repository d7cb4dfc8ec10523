package classify

import (
	"math"
	"math/rand/v2"
)

// linear is a multinomial logistic regression: k classes over d features,
// weights row-major (w[c*d+f]) and a bias per class.
type linear struct {
	k, d int
	w    []float64
	b    []float64
	// scale is the step of w's saved form (w[i] = q·scale, q an int16),
	// 0 until the model is sealed.
	scale float64
}

// optimiser settings of trainLinear.
type sgdConfig struct {
	epochs int
	rate   float64
	l2     float64
	seed   uint64
}

// trainLinear fits the model by stochastic gradient descent on the
// softmax cross-entropy with L2, with AdaGrad step sizes. The sample order
// of each epoch comes from a seeded generator, so training is
// deterministic. L2 shrinks the weights a sample touches (the usual
// sparse approximation).
func trainLinear(xs []sparse, ys []int, k, d int, cfg sgdConfig) *linear {
	m := &linear{k: k, d: d, w: make([]float64, k*d), b: make([]float64, k)}
	gw := make([]float64, k*d)
	gb := make([]float64, k)
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	z := make([]float64, k)
	const eps = 1e-8
	for epoch := range cfg.epochs {
		rng := rand.New(rand.NewPCG(cfg.seed, uint64(epoch)))
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, n := range order {
			x, y := xs[n], ys[n]
			m.scores(x, z)
			softmaxInPlace(z, 1)
			for c := range k {
				g := z[c]
				if c == y {
					g--
				}
				gb[c] += g * g
				m.b[c] -= cfg.rate * g / math.Sqrt(gb[c]+eps)
				row := c * d
				for i, f := range x.idx {
					j := row + int(f)
					gj := g*float64(x.val[i]) + cfg.l2*m.w[j]
					gw[j] += gj * gj
					m.w[j] -= cfg.rate * gj / math.Sqrt(gw[j]+eps)
				}
			}
		}
	}
	return m
}

// scores writes the class scores (logits) of x into z.
func (m *linear) scores(x sparse, z []float64) {
	for c := range m.k {
		s := m.b[c]
		row := c * m.d
		for i, f := range x.idx {
			s += m.w[row+int(f)] * float64(x.val[i])
		}
		z[c] = s
	}
}

// softmaxInPlace turns logits into probabilities at temperature t.
func softmaxInPlace(z []float64, t float64) {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = math.Max(mx, v)
	}
	var sum float64
	for i, v := range z {
		z[i] = math.Exp((v - mx) / t)
		sum += z[i]
	}
	for i := range z {
		z[i] /= sum
	}
}

// svmPasses bounds the passes of trainSVM's coordinate descent, which
// usually stops earlier, when no coordinate's projected gradient is
// large.
const svmPasses = 50

// svmConfig are the settings of trainSVM.
type svmConfig struct {
	c    float64 // cost of a margin violation (the inverse of the regularisation)
	nb   bool    // weigh features by their naive-Bayes log-count ratio (NBSVM)
	seed uint64
}

// trainSVM fits one linear SVM per class against the rest: L2-regularised
// squared hinge loss, solved exactly in the dual by coordinate descent
// (Hsieh et al. 2008, the method of LIBLINEAR's default solver) with a
// seeded order, so training is deterministic. The bias is the weight of
// a constant feature, regularised with the rest. With nb, each class sees
// its features scaled by their log-count ratio (Wang and Manning 2012);
// the scale is folded into the weights kept, so scoring is unchanged.
// Written by hand: the Go libraries at hand offer no sparse linear SVM.
func trainSVM(xs []sparse, ys []int, k, d int, cfg svmConfig) *linear {
	m := &linear{k: k, d: d, w: make([]float64, k*d), b: make([]float64, k)}
	for c := range k {
		scale := make([]float64, d)
		for j := range scale {
			scale[j] = 1
		}
		if cfg.nb {
			scale = logCountRatios(xs, ys, c, d)
		}
		w := m.w[c*d : (c+1)*d]
		m.b[c] = fitBinary(xs, ys, c, scale, w, cfg)
		for j := range w {
			w[j] *= scale[j]
		}
	}
	return m
}

// fitBinary fits class c against the rest on features scaled by scale,
// writing the weights into w and returning the bias.
func fitBinary(xs []sparse, ys []int, c int, scale, w []float64, cfg svmConfig) float64 {
	diag := 1 / (2 * cfg.c)
	q := make([]float64, len(xs))
	for i, x := range xs {
		q[i] = 1 + diag // the constant feature
		for n, f := range x.idx {
			v := float64(x.val[n]) * scale[f]
			q[i] += v * v
		}
	}
	alpha := make([]float64, len(xs))
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	var b float64
	for epoch := range svmPasses {
		rng := rand.New(rand.NewPCG(cfg.seed, uint64(c)<<32|uint64(epoch)))
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, i := range order {
			x, y := xs[i], -1.0
			if ys[i] == c {
				y = 1
			}
			s := b
			for n, f := range x.idx {
				s += w[f] * float64(x.val[n]) * scale[f]
			}
			g := y*s - 1 + diag*alpha[i]
			pg := g
			if alpha[i] == 0 {
				pg = math.Min(g, 0)
			}
			lo, hi = math.Min(lo, pg), math.Max(hi, pg)
			if pg == 0 {
				continue
			}
			old := alpha[i]
			alpha[i] = math.Max(old-g/q[i], 0)
			step := (alpha[i] - old) * y
			for n, f := range x.idx {
				w[f] += step * float64(x.val[n]) * scale[f]
			}
			b += step
		}
		if hi-lo < 0.1 { // LIBLINEAR's default stopping tolerance
			break
		}
	}
	return b
}

// logCountRatios are, for class c, the log ratio of how often each
// feature occurs in its documents to how often in the others' (presence
// counts, each smoothed by one, normalised by their sums).
func logCountRatios(xs []sparse, ys []int, c, d int) []float64 {
	p, q := make([]float64, d), make([]float64, d)
	for j := range d {
		p[j], q[j] = 1, 1
	}
	for i, x := range xs {
		to := q
		if ys[i] == c {
			to = p
		}
		for _, f := range x.idx {
			to[f]++
		}
	}
	var sp, sq float64
	for j := range d {
		sp, sq = sp+p[j], sq+q[j]
	}
	r := make([]float64, d)
	for j := range d {
		r[j] = math.Log(p[j] / sp / (q[j] / sq))
	}
	return r
}

// favour calls yield with each feature of x that favours class c: its
// value times how much more its weight favours c than the mean class.
func (m *linear) favour(x sparse, c int, yield func(f int32, v float64)) {
	for i, f := range x.idx {
		var mean float64
		for cc := range m.k {
			mean += m.w[cc*m.d+int(f)]
		}
		mean /= float64(m.k)
		if v := float64(x.val[i]) * (m.w[c*m.d+int(f)] - mean); v > 0 {
			yield(f, v)
		}
	}
}

// bayesAlpha smooths trainBayes's feature totals.
const bayesAlpha = 0.1

// trainBayes fits complement naive Bayes (Rennie et al. 2003) to the
// feature values: class c's weight for feature f is minus the log of its
// smoothed share of the feature mass of the other classes' documents,
// which suits unbalanced classes better than the multinomial model; there
// is no prior.
func trainBayes(xs []sparse, ys []int, k, d int) *linear {
	m := &linear{k: k, d: d, w: make([]float64, k*d), b: make([]float64, k)}
	total := make([]float64, d)
	byClass := make([]float64, k*d)
	for i, x := range xs {
		for n, f := range x.idx {
			total[f] += float64(x.val[n])
			byClass[ys[i]*d+int(f)] += float64(x.val[n])
		}
	}
	var all float64
	for _, v := range total {
		all += v
	}
	for c := range k {
		var mass float64
		for f := range d {
			mass += byClass[c*d+f]
		}
		for f := range d {
			rest := total[f] - byClass[c*d+f]
			m.w[c*d+f] = -math.Log((rest + bayesAlpha) / (all - mass + bayesAlpha*float64(d)))
		}
	}
	return m
}
