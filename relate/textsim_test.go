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

// TestTuneTextModel refits defaultTextModel (run with TIAN_TUNE=1 -v): the
// short model by least squares on STS-B train, its features by forward
// selection judged on train and shown on valid, the length bounds from the
// lengths of STS-B train and of the 2021–2022 proposals, and the long
// model's feature from titles against bodies of the 2021–2022 gold groups.
// It prints the figures and fails when the stored model differs from the
// refit. No test split and no SOHU pair is read.
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
	xt, yt, _ := pairFeatures(seg, train)
	xv, yv, _ := pairFeatures(seg, valid)
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
	fit := textModel{Short: fitLeastSquares(subsetCols(xt, shortFeatures), yt)}
	fit.ShortUpTo = percentile(longerLengths(seg, train), 0.99)
	var bodies []int
	for _, p := range proposalsOf(t, 2021, 2022) {
		bodies = append(bodies, len(tian.Letters(seg.Normalize(p.Body))))
	}
	fit.LongFrom = percentile(bodies, 0.05)
	fmt.Printf("fitted %+v\n", fit)
	for _, set := range []struct {
		name  string
		pairs []Pair
	}{{"train", train}, {"valid", valid}} {
		fmt.Printf("STS-B %s: model %.3f\n", set.name, modelSpearman(seg, set.pairs, fit))
	}
	for _, y := range []int{2021, 2022} {
		for _, titles := range []bool{true, false} {
			pairs := goldPairs(t, y, titles)
			x, labels, _ := pairFeatures(seg, pairs)
			fmt.Printf("gold %d titles %v (%d pairs):", y, titles, len(pairs))
			for j := 0; j < numTextFeatures; j++ {
				fmt.Printf(" %s %.3f", textFeatureNames[j], Spearman(column(x, j), labels))
			}
			short := fit
			short.ShortUpTo, short.LongFrom = 1<<30, 1<<30
			fmt.Printf(" short model %.3f model %.3f\n", modelSpearman(seg, pairs, short), modelSpearman(seg, pairs, fit))
		}
	}
	if fit.ShortUpTo != defaultTextModel.ShortUpTo || fit.LongFrom != defaultTextModel.LongFrom {
		t.Errorf("length bounds refit %d, %d; stored %d, %d", fit.ShortUpTo, fit.LongFrom, defaultTextModel.ShortUpTo, defaultTextModel.LongFrom)
	}
	for i, w := range fit.Short {
		if math.Abs(w-defaultTextModel.Short[i]) > 1e-3 {
			t.Errorf("short weight %d refit %.4f, stored %.4f", i, w, defaultTextModel.Short[i])
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
// pairs' own texts, as SpearmanOn does, and the texts' lengths.
func pairFeatures(seg tian.Segmenter, pairs []Pair) (x [][]float64, y []float64, lengths []int) {
	var corpus []string
	for _, p := range pairs {
		corpus = append(corpus, p.A, p.B)
	}
	sc := NewScorer(seg, corpus, DefaultParams())
	for _, p := range pairs {
		a, b := sc.view(p.A), sc.view(p.B)
		f := textFeatures(a, b, sc.stats)
		x = append(x, f[:])
		y = append(y, p.Score)
		lengths = append(lengths, a.letters, b.letters)
	}
	return x, y, lengths
}

func modelSpearman(seg tian.Segmenter, pairs []Pair, m textModel) float64 {
	x, y, lengths := pairFeatures(seg, pairs)
	long := m.longWeight(lengths)
	got := make([]float64, len(x))
	for i := range x {
		got[i] = m.score([numTextFeatures]float64(x[i]), long)
	}
	return Spearman(got, y)
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

func longerLengths(seg tian.Segmenter, pairs []Pair) []int {
	var out []int
	for _, p := range pairs {
		out = append(out, max(len(tian.Letters(seg.Normalize(p.A))), len(tian.Letters(seg.Normalize(p.B)))))
	}
	return out
}

func proposalsOf(t *testing.T, years ...int) []*tian.Proposal {
	t.Helper()
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	var out []*tian.Proposal
	for _, p := range ps {
		if hasInt(years, p.Year) {
			out = append(out, p)
		}
	}
	return out
}

// goldPairs are pairs of one year's proposals, scored 1 when the gold puts
// both in one group: with titles, the title of one against the body of
// another (a short text against a long one), else body against body.
// Every positive pair is kept and a fixed twenty-third of the others.
func goldPairs(t *testing.T, year int, titles bool) []Pair {
	f, err := os.Open("../testdata/gold.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := ReadGold(f)
	if err != nil {
		t.Fatal(err)
	}
	group := map[string]int{}
	for i, gg := range g.Groups {
		for _, m := range gg.Members {
			group[m] = i + 1
		}
	}
	of := proposalsOf(t, year)
	var out []Pair
	for i, a := range of {
		for j, b := range of {
			if i == j || (!titles && j < i) {
				continue
			}
			same := group[a.Number] != 0 && group[a.Number] == group[b.Number]
			if !same && (i*31+j*17)%23 != 0 {
				continue
			}
			p := Pair{A: a.Body, B: b.Body}
			if titles {
				p.A = a.Title
			}
			if same {
				p.Score = 1
			}
			out = append(out, p)
		}
	}
	return out
}
