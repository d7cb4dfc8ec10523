package classify

import (
	"math"
	"math/rand/v2"
	"testing"
)

// scoresFrom draws n documents over k classes: logits, and a label drawn
// from (1−s)·softmax(logits/t) + s/k, the truth a calibration should find.
func scoresFrom(n, k int, t, s float64, seed uint64) ([][]float64, []int) {
	rng := rand.New(rand.NewPCG(seed, 3))
	logits, gold := make([][]float64, n), make([]int, n)
	for i := range n {
		z := make([]float64, k)
		for c := range z {
			z[c] = rng.NormFloat64() * 3
		}
		logits[i] = z
		p := append([]float64(nil), z...)
		softmaxInPlace(p, t)
		smooth(p, s)
		u, acc := rng.Float64(), 0.0
		gold[i] = k - 1
		for c, q := range p {
			if acc += q; u < acc {
				gold[i] = c
				break
			}
		}
	}
	return logits, gold
}

// A model sure at the top and unsure below (its tempered probabilities
// mixed with the uniform one) is calibrated by the smoothing and the
// temperature together, where a temperature alone leaves an error.
func TestScalingRecoversSmoothing(t *testing.T) {
	logits, gold := scoresFrom(2500, 7, 1.5, 0.12, 1)
	temp, s := fitScaling(logits, gold)
	if math.Abs(s-0.12) > 0.04 || math.Abs(temp-1.5) > 0.3 {
		t.Errorf("fitted temperature %.3f and smoothing %.3f, drawn at 1.5 and 0.12", temp, s)
	}
	only := ece(probsAt(logits, fitTemperature(logits, gold)), gold)
	probs := probsAt(logits, temp)
	for _, p := range probs {
		smooth(p, s)
	}
	both := ece(probs, gold)
	if both >= only || both > 0.03 {
		t.Errorf("ECE %.3f with smoothing, %.3f with a temperature alone", both, only)
	}
}

// Calibrated scores need no smoothing.
func TestScalingLeavesCalibratedScores(t *testing.T) {
	logits, gold := scoresFrom(2500, 5, 1, 0, 2)
	temp, s := fitScaling(logits, gold)
	if s > 0.02 || math.Abs(temp-1) > 0.15 {
		t.Errorf("calibrated scores got temperature %.3f and smoothing %.3f", temp, s)
	}
}

// The reliability bins hold every prediction once, and the calibration
// error is their size-weighted gap.
func TestTopReliability(t *testing.T) {
	probs := [][]float64{{0.95, 0.05}, {0.92, 0.08}, {0.3, 0.7}, {0.55, 0.45}}
	gold := []int{0, 1, 1, 1}
	bins, e := topReliability(probs, gold)
	n := 0
	for _, b := range bins {
		n += b.N
	}
	if n != len(probs) || bins[9].N != 2 || bins[9].Observed != 0.5 || bins[6].N != 0 {
		t.Fatalf("bins %+v", bins)
	}
	// bin 9: mean 0.935, half right; bin 7: 0.7 right; bin 5: 0.55 wrong
	want := (2*math.Abs(0.935-0.5) + math.Abs(0.7-1) + math.Abs(0.55-0)) / 4
	if math.Abs(e-want) > 1e-9 || math.Abs(ece(probs, gold)-want) > 1e-9 {
		t.Errorf("ECE %.4f, want %.4f", e, want)
	}
}
