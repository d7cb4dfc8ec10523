package relate

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"tian"
	"tian/internal/shareddata"
	"tian/segment"
)

// TestTuneTextModel refits defaultTextModel (run with TIAN_TUNE=1 -v): its
// features by forward selection judged on STS-B train and shown on valid,
// its weights by least squares on train. It prints the figures and fails
// when the stored weights differ from the refit. No test split and no SOHU
// pair is read.
func TestTuneTextModel(t *testing.T) {
	if os.Getenv("TIAN_TUNE") == "" {
		t.Skip("set TIAN_TUNE=1 to tune")
	}
	seg, err := segment.New(segment.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(shareddata.Path(t, "sts-zh"), "STS-B")
	train := readPairs(t, filepath.Join(dir, "STS-B.train.data"))
	valid := readPairs(t, filepath.Join(dir, "STS-B.valid.data"))
	xt, yt := pairFeatures(seg, train)
	xv, yv := pairFeatures(seg, valid)
	for j := 0; j < numTextFeatures; j++ {
		fmt.Printf("%-9s STS-B train %.3f valid %.3f\n", textFeatureNames[j], Spearman(column(xt, j), yt), Spearman(column(xv, j), yv))
	}
	var chosen []int
	for len(chosen) < numTextFeatures {
		best, rho := -1, -2.0
		for j := 0; j < numTextFeatures; j++ {
			if r := fitSpearman(xt, yt, xt, yt, append(chosen[:len(chosen):len(chosen)], j)); !hasInt(chosen, j) && r > rho {
				best, rho = j, r
			}
		}
		chosen = append(chosen, best)
		fmt.Printf("forward +%-9s train %.3f valid %.3f\n", textFeatureNames[best], rho, fitSpearman(xt, yt, xv, yv, chosen))
	}
	fit := textModel{Weights: fitLeastSquares(subsetCols(xt, modelFeatures), yt)}
	fmt.Printf("weights %.4f\n", fit.Weights)
	for _, set := range []struct {
		name string
		x    [][]float64
		y    []float64
	}{{"train", xt, yt}, {"valid", xv, yv}} {
		got := make([]float64, len(set.x))
		for i := range set.x {
			got[i] = fit.score([numTextFeatures]float64(set.x[i]))
		}
		fmt.Printf("STS-B %s: model %.3f\n", set.name, Spearman(got, set.y))
	}
	for i, w := range fit.Weights {
		if math.Abs(w-defaultTextModel.Weights[i]) > 1e-3 {
			t.Errorf("weight %d refit %.4f, stored %.4f", i, w, defaultTextModel.Weights[i])
		}
	}
}

func readPairs(t *testing.T, path string) []Pair {
	t.Helper()
	ps, err := ReadSTSB(path)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// pairFeatures computes the features of every pair with IDF from the
// pairs' own texts, as SpearmanOn does.
func pairFeatures(seg tian.Segmenter, pairs []Pair) (x [][]float64, y []float64) {
	var corpus []string
	for _, p := range pairs {
		corpus = append(corpus, p.A, p.B)
	}
	sc := NewScorer(seg, corpus, DefaultParams())
	for _, p := range pairs {
		f := textFeatures(sc.view(p.A), sc.view(p.B), sc.stats)
		x = append(x, f[:])
		y = append(y, p.Score)
	}
	return x, y
}

// fitSpearman fits least squares on the cols of (xt, yt) and returns the
// Spearman correlation of its predictions on (xv, yv).
func fitSpearman(xt [][]float64, yt []float64, xv [][]float64, yv []float64, cols []int) float64 {
	w := fitLeastSquares(subsetCols(xt, cols), yt)
	pred := make([]float64, len(xv))
	for i, xs := range subsetCols(xv, cols) {
		pred[i] = w[0]
		for j, v := range xs {
			pred[i] += w[j+1] * v
		}
	}
	return Spearman(pred, yv)
}

func subsetCols(x [][]float64, cols []int) [][]float64 {
	out := make([][]float64, len(x))
	for i := range x {
		for _, c := range cols {
			out[i] = append(out[i], x[i][c])
		}
	}
	return out
}

func column(x [][]float64, j int) []float64 {
	out := make([]float64, len(x))
	for i := range x {
		out[i] = x[i][j]
	}
	return out
}

func hasInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
