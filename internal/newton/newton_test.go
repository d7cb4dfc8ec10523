package newton

import (
	"math"
	"math/rand/v2"
	"testing"
)

// A logistic regression drawn from known weights is fitted back close to
// them, the intercept unpenalised.
func TestMaximizeFitsLogistic(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 1))
	truth := []float64{-0.5, 1.5, -2}
	var xs [][]float64
	var ys []float64
	for range 20000 {
		x := []float64{1, rng.NormFloat64(), rng.NormFloat64()}
		z := truth[0] + truth[1]*x[1] + truth[2]*x[2]
		y := 0.0
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			y = 1
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	w, ok := Maximize(Ridge(3, 1e-3, 0), func(w, g []float64, h [][]float64) (ll float64) {
		for n, x := range xs {
			p := 1 / (1 + math.Exp(-(w[0]*x[0] + w[1]*x[1] + w[2]*x[2])))
			ll += ys[n]*math.Log(max(p, 1e-300)) + (1-ys[n])*math.Log(max(1-p, 1e-300))
			for i := range 3 {
				g[i] += (ys[n] - p) * x[i]
				for j := range 3 {
					h[i][j] += p * (1 - p) * x[i] * x[j]
				}
			}
		}
		return ll
	})
	if !ok {
		t.Fatal("the fit reported a singular Hessian")
	}
	for i := range truth {
		if math.Abs(w[i]-truth[i]) > 0.1 {
			t.Errorf("weights %v, drawn from %v", w, truth)
			break
		}
	}
}

// A strong penalty pulls the penalised weights to zero and leaves the
// free one to fit the mean: on a likelihood −(w−3)²/2 per weight, the
// optimum is 3/(1+penalty).
func TestMaximizeHonoursThePenalty(t *testing.T) {
	w, ok := Maximize(Ridge(2, 9, 1), func(w, g []float64, h [][]float64) float64 {
		var ll float64
		for j := range w {
			ll -= (w[j] - 3) * (w[j] - 3) / 2
			g[j] += 3 - w[j]
			h[j][j]++
		}
		return ll
	})
	if !ok || math.Abs(w[0]-0.3) > 1e-6 || math.Abs(w[1]-3) > 1e-6 {
		t.Errorf("w = %v (%v), want [0.3 3]", w, ok)
	}
}

func TestSolve(t *testing.T) {
	a := [][]float64{{0, 2, 1}, {1, 1, 1}, {2, 1, 3}} // the first pivot is zero: rows must swap
	x, ok := Solve(a, []float64{7, 6, 13})
	if !ok || math.Abs(x[0]-1) > 1e-12 || math.Abs(x[1]-2) > 1e-12 || math.Abs(x[2]-3) > 1e-12 {
		t.Errorf("x = %v (%v), want [1 2 3]", x, ok)
	}
	if _, ok := Solve([][]float64{{1, 2}, {2, 4}}, []float64{1, 2}); ok {
		t.Error("a singular system was solved")
	}
}
