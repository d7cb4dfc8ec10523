package classify

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The fits recover the weights that generated their data.
func TestFitSoftmaxRecoversWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	want := []float64{2, -1, 0.5}
	var cs []choice
	for range 3000 {
		c := choice{x: make([][]float64, 8)}
		for u := range c.x {
			c.x[u] = []float64{rng.NormFloat64(), rng.NormFloat64() * 3, rng.Float64()*4 + 10}
		}
		p := softmaxOf(c.x, want)
		r, acc := rng.Float64(), 0.0
		for u := range p {
			if acc += p[u]; r < acc {
				c.gold = u
				break
			}
		}
		cs = append(cs, c)
	}
	got := fitSoftmax(cs, 0.01)
	for j := range want {
		if math.Abs(got[j]-want[j]) > 0.15 {
			t.Errorf("softmax weights %v, want about %v", got, want)
			break
		}
	}
}

func TestFitLogisticRecoversWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	want := []float64{-3, 1.5, -0.5}
	var rows []example
	for range 20000 {
		x := []float64{rng.NormFloat64() + 2, rng.NormFloat64() * 2}
		rows = append(rows, example{x: x, y: rng.Float64() < sigmoid(want[0]+dot(want[1:], x))})
	}
	got := fitLogistic(rows, 0.01)
	for j := range want {
		if math.Abs(got[j]-want[j]) > 0.2 {
			t.Errorf("logistic weights %v, want about %v", got, want)
			break
		}
	}
}
