// Package newton fits the project's small maximum-likelihood models (the
// router's softmax and logistic regressions, the pair model of grouping)
// by Newton's method with the full Hessian. They have a handful of
// features and up to tens of thousands of rows, where Newton converges in
// a few steps; sajari/regression, the module's regression library, does
// least squares only, which is why this is written by hand.
package newton

import "math"

// Maximize maximises a concave log-likelihood minus a ridge penalty,
// Σ penalty[j]/2·w[j]², over w of size len(penalty), from w = 0. eval adds
// the gradient of the log-likelihood at w into g and its negated Hessian
// into h, and returns the log-likelihood. A step that lowers the
// penalised likelihood is halved until it does not (far from the optimum
// a softmax's full step overshoots); the search stops when no weight
// moves by 1e-9, after 100 steps, or when the Hessian is singular, which
// ok reports (w is then the last point reached).
func Maximize(penalty []float64, eval func(w, g []float64, h [][]float64) float64) (w []float64, ok bool) {
	d := len(penalty)
	at := func(w []float64) (float64, []float64, [][]float64) {
		g := make([]float64, d)
		h := make([][]float64, d)
		for j := range h {
			h[j] = make([]float64, d)
		}
		ll := eval(w, g, h)
		for j := range d {
			ll -= penalty[j] / 2 * w[j] * w[j]
			g[j] -= penalty[j] * w[j]
			h[j][j] += penalty[j] + 1e-9
		}
		return ll, g, h
	}
	w = make([]float64, d)
	ll, g, h := at(w)
	for range 100 {
		step, solved := Solve(h, g)
		if !solved {
			return w, false
		}
		next, nll, ng, nh := w, ll, g, h
		for range 30 {
			next = make([]float64, d)
			for j := range d {
				next[j] = w[j] + step[j]
			}
			if nll, ng, nh = at(next); nll >= ll-1e-9 {
				break
			}
			for j := range step {
				step[j] /= 2
			}
		}
		var change float64
		for j := range d {
			change = max(change, math.Abs(next[j]-w[j]))
		}
		w, ll, g, h = next, nll, ng, nh
		// by the step, not the gain: along a direction where the
		// likelihood is nearly flat (features that overlap) the gain is
		// negligible long before the weights settle
		done := change < 1e-9
		if done {
			break
		}
	}
	return w, true
}

// Ridge is a penalty of l2 on every one of d weights but those listed
// (an intercept, say).
func Ridge(d int, l2 float64, free ...int) []float64 {
	p := make([]float64, d)
	for j := range p {
		p[j] = l2
	}
	for _, j := range free {
		p[j] = 0
	}
	return p
}

// Solve solves a·x = b by Gaussian elimination with partial pivoting; a
// and b are overwritten. It reports false for a singular a.
func Solve(a [][]float64, b []float64) ([]float64, bool) {
	n := len(b)
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return nil, false
		}
		a[c], a[p], b[c], b[p] = a[p], a[c], b[p], b[c]
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < n; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < n; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}
