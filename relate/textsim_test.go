package relate

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/sajari/regression"

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

// TestTuneTopicWeight chooses topicScore's mix (run with TIAN_TUNE=1 -v)
// on the dev half of SOHU: the pairs at even 0-based lines of dd and dc.
// IDF comes from all the pairs' texts, as SpearmanOn counts it; the
// labels of the odd lines are dropped unread. It prints each feature mixed
// with the meaning model at weights 0.1, …, 1, and the keyword cosine with
// shares of the lead, picks the mix with the highest dd figure among those
// that keep dc at least at the meaning model's, and fails when that is not
// the stored choice.
func TestTuneTopicWeight(t *testing.T) {
	if os.Getenv("TIAN_TUNE") == "" {
		t.Skip("set TIAN_TUNE=1 to tune")
	}
	seg, err := segment.New(segment.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(shareddata.Path(t, "sts-zh"), "SOHU")
	var dev [2]struct {
		x [][numTextFeatures]float64
		y []float64
	}
	rho := func(k int, score func(f [numTextFeatures]float64) float64) float64 {
		got := make([]float64, len(dev[k].x))
		for i, x := range dev[k].x {
			got[i] = score(x)
		}
		return Spearman(got, dev[k].y)
	}
	for k, name := range []string{"dd", "dc"} {
		pairs, err := ReadSOHU(filepath.Join(dir, name+"-test.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		x, y := pairFeatures(seg, pairs)
		for i := 0; i < len(x); i += 2 {
			dev[k].x, dev[k].y = append(dev[k].x, [numTextFeatures]float64(x[i])), append(dev[k].y, y[i])
		}
	}
	floor := rho(1, defaultTextModel.score)
	fmt.Printf("meaning model: dev dd %.3f dc %.3f\n", rho(0, defaultTextModel.score), floor)
	type mix struct {
		feat         int
		share, w, dd float64
	}
	var best mix
	best.dd = -2
	for j := 0; j < numTextFeatures; j++ {
		shares := []float64{1}
		if j == featLead {
			shares = []float64{0.25, 0.5, 0.75, 1}
		}
		for _, share := range shares {
			for k := 1; k <= 10; k++ {
				m := mix{feat: j, share: share, w: float64(k) / 10}
				score := func(f [numTextFeatures]float64) float64 { return topicMix(f, m.feat, m.share, m.w) }
				m.dd = rho(0, score)
				dc := rho(1, score)
				fmt.Printf("%-9s share %.2f ×%.1f dev dd %.3f dc %.3f\n", textFeatureNames[j], share, m.w, m.dd, dc)
				if dc >= floor && m.dd > best.dd {
					best = m
				}
			}
		}
	}
	if best.feat != featLead || best.share != topicLeadShare || math.Abs(best.w-topicWordWeight) > 1e-9 {
		t.Errorf("the dev half picks %s share %.2f ×%.1f (dd %.3f); stored: lead share %.2f ×%.1f", textFeatureNames[best.feat], best.share, best.w, best.dd, topicLeadShare, topicWordWeight)
	}
}

// TestAlignmentAndBM25Query checks two of the long-text features on a
// proposal body: the body with its sentences reordered aligns fully, a
// body on another topic hardly; a short text all of whose keywords the
// body holds scores higher as a BM25 query than one sharing half of them.
func TestAlignmentAndBM25Query(t *testing.T) {
	seg, err := segment.New(segment.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	body := "我市老旧小区多建于上世纪九十年代，普遍没有电梯。高层住户特别是老年人上下楼十分困难。建议简化加装电梯审批流程，设立专项补贴。"
	reordered := "建议简化加装电梯审批流程，设立专项补贴。我市老旧小区多建于上世纪九十年代，普遍没有电梯。高层住户特别是老年人上下楼十分困难。"
	other := "校园周边流动摊贩增多，部分食品来源不明。建议建立联合检查机制，定期开展专项整治。"
	whole, half := "老旧小区加装电梯审批", "老旧小区垃圾分类"
	sc := NewScorer(seg, []string{body, reordered, other, whole, half}, DefaultParams())
	b := sc.view(body)
	if got := alignment(b.sentences, sc.view(reordered).sentences); math.Abs(got-1) > 1e-9 {
		t.Errorf("alignment with the sentences reordered: %.3f, want 1", got)
	}
	if got := alignment(b.sentences, sc.view(other).sentences); got > 0.3 {
		t.Errorf("alignment with a body on another topic: %.3f, want at most 0.3", got)
	}
	avg := sc.stats.avg(sc.stats.wordLen)
	in, part := bm25Query(sc.view(whole), b, avg, sc.stats), bm25Query(sc.view(half), b, avg, sc.stats)
	if !(in > part && part > 0 && in < 1) {
		t.Errorf("BM25 query: all keywords in the body %.3f, half %.3f: want 0 < half < all < 1", in, part)
	}
}

// fitLeastSquares returns the weights w (w[0] the intercept) minimising
// the squared error of w[0] + Σ w[i+1]·x[i] against y, with
// github.com/sajari/regression (its QR holds an n×n matrix: the 5,231
// pairs of STS-B train take about 220 MB and a second or two a fit, which
// only the tuning runs pay).
func fitLeastSquares(x [][]float64, y []float64) []float64 {
	var r regression.Regression
	for i := range x {
		r.Train(regression.DataPoint(y[i], x[i]))
	}
	if err := r.Run(); err != nil {
		panic("least squares: " + err.Error()) // the tuning data have more pairs than features
	}
	w := make([]float64, len(x[0])+1)
	for i := range w {
		w[i] = r.Coeff(i)
	}
	return w
}
