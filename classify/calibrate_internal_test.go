package classify

import (
	"math"
	"math/rand/v2"
	"testing"
)

// scoresFrom draws n documents over k classes: logits, and a label drawn
// so that the top label is right with probability σ(a·logit(p)+b), p the
// top probability of softmax(logits), the others in their proportions:
// the truth a top recalibration should find (a = 1, b = 0: calibrated).
func scoresFrom(n, k int, a, b float64, seed uint64) ([][]float64, []int) {
	rng := rand.New(rand.NewPCG(seed, 3))
	logits, gold := make([][]float64, n), make([]int, n)
	for i := range n {
		z := make([]float64, k)
		for c := range z {
			z[c] = rng.NormFloat64() * 2.5
		}
		logits[i] = z
		p := append([]float64(nil), z...)
		softmaxInPlace(p, 1)
		c := argmax(p)
		q := sigmoid(a*logit(p[c]) + b)
		if rng.Float64() < q {
			gold[i] = c
			continue
		}
		// another label, in proportion to its probability
		u, acc := rng.Float64()*(1-p[c]), 0.0
		gold[i] = (c + 1) % k
		for j, v := range p {
			if j == c {
				continue
			}
			if acc += v; u < acc {
				gold[i] = j
				break
			}
		}
	}
	return logits, gold
}

// A model too sure at the top and too unsure below (the shape of the
// ensemble on the Teddy Cup messages: mean 0.965 right 0.93, mean 0.36
// right 0.6) is put right by recalibrating its top probability, where a
// temperature alone leaves an error.
func TestTopRecalibration(t *testing.T) {
	logits, gold := scoresFrom(3000, 7, 0.55, 0.5, 1)
	temp := fitTemperature(logits, gold)
	probs := probsAt(logits, temp)
	only := ece(probs, gold)
	top := fitTop(probs, gold)
	for _, p := range probs {
		recalibrateTop(p, top)
	}
	both := ece(probs, gold)
	t.Logf("ECE %.3f with a temperature alone, %.3f with the top recalibrated by %v", only, both, top)
	if both >= only/2 || both > 0.03 {
		t.Errorf("ECE %.3f with the top recalibrated (%v), %.3f with a temperature alone", both, top, only)
	}
	for i, p := range probs {
		var sum float64
		for _, v := range p {
			sum += v
		}
		if math.Abs(sum-1) > 1e-9 || argmax(p) != argmax(logits[i]) {
			t.Fatalf("document %d: probabilities %v (sum %v) from logits %v", i, p, sum, logits[i])
		}
	}
}

// Calibrated scores are left about as they are.
func TestTopLeavesCalibratedScores(t *testing.T) {
	logits, gold := scoresFrom(3000, 5, 1, 0, 2)
	top := fitTop(probsAt(logits, 1), gold)
	if math.Abs(top[0]-1) > 0.15 || math.Abs(top[1]) > 0.2 {
		t.Errorf("calibrated scores got a top recalibration %v", top)
	}
}

// Lowering a top probability never lets another label overtake it, and a
// certain prediction still leaves room for the others.
func TestRecalibrateTopKeepsTheOrder(t *testing.T) {
	p := []float64{0.5, 0.45, 0.05}
	recalibrateTop(p, []float64{1, -3}) // σ(logit(0.5)−3) ≈ 0.047
	if argmax(p) != 0 || math.Abs(p[0]+p[1]+p[2]-1) > 1e-12 || p[0] < p[1] {
		t.Errorf("recalibrated to %v", p)
	}
	q := []float64{1, 0, 0}
	recalibrateTop(q, []float64{0.5, 0})
	if q[0] >= 1 || q[1] <= 0 || math.Abs(q[0]+q[1]+q[2]-1) > 1e-12 {
		t.Errorf("a certain prediction recalibrated to %v", q)
	}
	r := []float64{0.7, 0.3}
	recalibrateTop(r, nil)
	if r[0] != 0.7 || r[1] != 0.3 {
		t.Errorf("no recalibration changed %v", r)
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

// Confidence that runs against being right (the surer, the more often
// wrong) is not turned upside down: every prediction gets the share right.
func TestTopWithoutSignal(t *testing.T) {
	probs := [][]float64{{0.9, 0.1}, {0.95, 0.05}, {0.55, 0.45}, {0.6, 0.4}}
	gold := []int{1, 1, 0, 0} // the sure ones wrong, the unsure ones right
	top := fitTop(probs, gold)
	if top[0] != 0 || math.Abs(sigmoid(top[1])-0.5) > 1e-3 {
		t.Fatalf("recalibration %v, want a = 0 and the share right, 0.5", top)
	}
	p := []float64{0.9, 0.1}
	recalibrateTop(p, top)
	if math.Abs(p[0]-0.5) > 1e-9 || math.Abs(p[1]-0.5) > 1e-9 {
		t.Errorf("recalibrated to %v", p)
	}
}
