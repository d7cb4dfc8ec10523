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
