package classify

import (
	"math"

	"tian/internal/newton"
)

// The router's two fits, by internal/newton (the one regression library
// the module uses, sajari/regression, does least squares only and holds an
// n×n matrix): the lead model is a softmax over the units of each proposal
// (a conditional logit), the co-handling model a logistic regression over
// (proposal, unit) rows. Both have a handful of features, so Newton's
// method with the full d×d Hessian converges in a few steps over tens of
// thousands of rows. Features are standardised inside the fit, with an L2
// penalty on the standardised weights; the returned coefficients apply to
// the raw features, intercept first (the softmax has none: it cancels).

// choice is one proposal of the lead fit: every unit's features and the
// unit that led.
type choice struct {
	x    [][]float64
	gold int
}

// example is one row of the co-handling fit.
type example struct {
	x []float64
	y bool
}

// scaler standardises features.
type scaler struct{ mean, sd []float64 }

func newScaler(rows [][]float64) scaler {
	d := len(rows[0])
	s := scaler{mean: make([]float64, d), sd: make([]float64, d)}
	for _, r := range rows {
		for j, v := range r {
			s.mean[j] += v
		}
	}
	for j := range s.mean {
		s.mean[j] /= float64(len(rows))
	}
	for _, r := range rows {
		for j, v := range r {
			s.sd[j] += (v - s.mean[j]) * (v - s.mean[j])
		}
	}
	for j := range s.sd {
		s.sd[j] = math.Sqrt(s.sd[j] / float64(len(rows)))
		if s.sd[j] < 1e-9 {
			s.sd[j] = 1
		}
	}
	return s
}

func (s scaler) apply(x []float64) []float64 {
	out := make([]float64, len(x))
	for j, v := range x {
		out[j] = (v - s.mean[j]) / s.sd[j]
	}
	return out
}

// fitSoftmax maximises the conditional likelihood of the gold units,
// P(u) ∝ exp(w·x_u), minus l2/2·|w|² on standardised features, and
// returns w for the raw features.
func fitSoftmax(cs []choice, l2 float64) []float64 {
	var all [][]float64
	for _, c := range cs {
		all = append(all, c.x...)
	}
	sc := newScaler(all)
	z := make([]choice, len(cs))
	for i, c := range cs {
		z[i] = choice{x: make([][]float64, len(c.x)), gold: c.gold}
		for u, x := range c.x {
			z[i].x[u] = sc.apply(x)
		}
	}
	d := len(sc.mean)
	w, _ := newton.Maximize(newton.Ridge(d, l2), func(w, g []float64, h [][]float64) (ll float64) {
		for _, c := range z {
			p := softmaxOf(c.x, w)
			mu := make([]float64, d)
			for u, x := range c.x {
				for j := range d {
					mu[j] += p[u] * x[j]
				}
			}
			ll += math.Log(max(p[c.gold], 1e-300))
			for j := range d {
				g[j] += c.x[c.gold][j] - mu[j]
			}
			for u, x := range c.x {
				for j := range d {
					for k := range d {
						h[j][k] += p[u] * (x[j] - mu[j]) * (x[k] - mu[k])
					}
				}
			}
		}
		return ll
	})
	out := make([]float64, d)
	for j := range d {
		out[j] = w[j] / sc.sd[j]
	}
	return out
}

// softmaxOf is P(u) ∝ exp(w·x_u).
func softmaxOf(xs [][]float64, w []float64) []float64 {
	p := make([]float64, len(xs))
	top := math.Inf(-1)
	for u, x := range xs {
		p[u] = dot(w, x)
		top = max(top, p[u])
	}
	var sum float64
	for u := range p {
		p[u] = math.Exp(p[u] - top)
		sum += p[u]
	}
	for u := range p {
		p[u] /= sum
	}
	return p
}

// fitLogistic maximises the likelihood of the rows' labels minus
// l2/2·|w|² on standardised features (the intercept unpenalised) and
// returns the intercept and the weights for the raw features.
func fitLogistic(rows []example, l2 float64) []float64 {
	xs := make([][]float64, len(rows))
	for i, r := range rows {
		xs[i] = r.x
	}
	sc := newScaler(xs)
	z := make([][]float64, len(rows))
	for i, r := range rows {
		z[i] = append([]float64{1}, sc.apply(r.x)...)
	}
	d := len(sc.mean) + 1
	w, _ := newton.Maximize(newton.Ridge(d, l2, 0), func(w, g []float64, h [][]float64) (ll float64) {
		for i, x := range z {
			p := sigmoid(dot(w, x))
			if rows[i].y {
				ll += math.Log(max(p, 1e-300))
			} else {
				ll += math.Log(max(1-p, 1e-300))
			}
			for j := range d {
				g[j] += (b2f(rows[i].y) - p) * x[j]
				for k := range d {
					h[j][k] += p * (1 - p) * x[j] * x[k]
				}
			}
		}
		return ll
	}) // the intercept is not penalised
	out := make([]float64, d)
	out[0] = w[0]
	for j := 1; j < d; j++ {
		out[j] = w[j] / sc.sd[j-1]
		out[0] -= out[j] * sc.mean[j-1]
	}
	return out
}

func dot(w, x []float64) float64 {
	var s float64
	for j, v := range x {
		s += w[j] * v
	}
	return s
}
