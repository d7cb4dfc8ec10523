package relate_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"testing"
	"tian"

	"tian/relate"
)

// TestTunePairModel chooses the pair model's settings on the 2021–2022
// gold alone (run with TIAN_TUNE=1 -v): each setting is fitted on one
// year, its threshold tuned there, and scored on the other year; the mean
// of the two is the setting's figure. The chosen ones are DefaultParams
// (DomainPower), pairL2, and GroupOptions' defaults.
func TestTunePairModel(t *testing.T) {
	if os.Getenv("TIAN_TUNE") == "" {
		t.Skip("set TIAN_TUNE=1 to tune")
	}
	ctx := context.Background()
	rel := demo(t).bleve.Relations()
	gold := readGold(t)
	for _, pw := range []float64{3, 4, 5} {
		for _, l2 := range []float64{0.1, 1, 3, 10} {
			p := relate.DefaultParams()
			p.DomainPower = pw
			var cross, ap float64
			for _, years := range [][2]int{{2021, 2022}, {2022, 2021}} {
				opt := relate.GroupOptions{MinSize: 3, Params: &p, Linkage: "average", Unlabelled: true}
				train, test := gold.Confirmed(years[0]), gold.Confirmed(years[1])
				samples, err := rel.PairSamples(ctx, train, opt)
				if err != nil {
					t.Fatal(err)
				}
				m, err := relate.FitPairModel(samples, l2)
				if err != nil {
					t.Fatal(err)
				}
				opt.Model = m
				sc, err := rel.ScoreThresholds(ctx, train, relate.PairGrid(), opt)
				if err != nil {
					t.Fatal(err)
				}
				best := relate.BestThreshold(sc)
				held, err := rel.ScoreThresholds(ctx, test, []float64{best.Threshold}, opt)
				if err != nil {
					t.Fatal(err)
				}
				cross += held[0].F1 / 2
				hs, err := rel.PairSamples(ctx, test, opt)
				if err != nil {
					t.Fatal(err)
				}
				ap += averagePrecision(m, hs) / 2
				fmt.Printf("  power %g l2 %g fit %d: threshold %.2f, F1 %.3f there, %.3f on %d; w %s\n", pw, l2, years[0], best.Threshold, best.F1, held[0].F1, years[1], fmtW(m.Weights))
			}
			fmt.Printf("power %g l2 %g: cross-year F1 %.3f, pair AP %.3f\n", pw, l2, cross, ap)
		}
	}
}

// averagePrecision ranks judged pairs by the model's probability and
// returns the mean precision at each pair that belongs together.
func averagePrecision(m *relate.PairModel, samples []relate.PairSample) float64 {
	sort.Slice(samples, func(i, j int) bool { return m.Prob(samples[i].X) > m.Prob(samples[j].X) })
	var hits, sum float64
	for k, s := range samples {
		if s.Same {
			hits++
			sum += hits / float64(k+1)
		}
	}
	if hits == 0 {
		return 0
	}
	return sum / hits
}

func fmtW(w []float64) string {
	s := ""
	for _, x := range w {
		s += fmt.Sprintf("%.2f ", x)
	}
	return s
}

func readGold(t *testing.T) *relate.Gold {
	t.Helper()
	fh, err := os.Open("../testdata/gold.json")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	g, err := relate.ReadGold(fh)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestCompareClustering compares ways of clustering the learned
// similarity graph on the 2021–2022 gold (run with TIAN_TUNE=1 -v): the
// model fitted on both years, each way's threshold tuned there, its F1
// there reported.
func TestCompareClusteringAcrossYears(t *testing.T) {
	if os.Getenv("TIAN_TUNE") == "" {
		t.Skip("set TIAN_TUNE=1 to tune")
	}
	ctx := context.Background()
	rel := demo(t).bleve.Relations()
	gold := readGold(t)
	for _, base := range []relate.GroupOptions{
		{Linkage: "average", Unlabelled: true},
		{Linkage: "average"},
		{Linkage: "graph", Strong: 0.98, Unlabelled: true},
		{Linkage: "graph", Strong: 0.98},
		{Linkage: "graph", Strong: 0.99},
		{Linkage: "graph", Strong: 0.95, Unlabelled: true},
		{Linkage: "graph", Strong: 0.95},
		{Linkage: "graph", Strong: 0.97},
	} {
		var cross float64
		for _, years := range [][2]int{{2021, 2022}, {2022, 2021}} {
			train, test := gold.Confirmed(years[0]), gold.Confirmed(years[1])
			m, err := rel.TrainPairModel(ctx, train)
			if err != nil {
				t.Fatal(err)
			}
			opt := base
			opt.Model = m
			sc, err := rel.ScoreThresholds(ctx, train, append(relate.PairGrid(), 0.97, 0.98, 0.99), opt)
			if err != nil {
				t.Fatal(err)
			}
			best := relate.BestThreshold(sc)
			held, err := rel.ScoreThresholds(ctx, test, []float64{best.Threshold}, opt)
			if err != nil {
				t.Fatal(err)
			}
			cross += held[0].F1 / 2
		}
		fmt.Printf("%s strong %.2f unlabelled %v: cross-year F1 %.3f\n", base.Linkage, base.Strong, base.Unlabelled, cross)
	}
}

func TestCompareClustering(t *testing.T) {
	if os.Getenv("TIAN_TUNE") == "" {
		t.Skip("set TIAN_TUNE=1 to tune")
	}
	ctx := context.Background()
	rel := demo(t).bleve.Relations()
	train := readGold(t).Confirmed(2021, 2022)
	m, err := rel.TrainPairModel(ctx, train)
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []relate.GroupOptions{
		{Linkage: "average", MinSize: 2, Unlabelled: true},
		{Linkage: "average", Unlabelled: true},
		{Linkage: "average", MaxSize: 6, Unlabelled: true},
		{Linkage: "average", MaxSize: 10, Unlabelled: true},
		{Linkage: "average"},
		{Linkage: "graph", Strong: 0.95, Unlabelled: true},
		{Linkage: "graph", Strong: 0.98, Unlabelled: true},
		{Linkage: "graph", Strong: 0.99, Unlabelled: true},
		{Linkage: "single", Unlabelled: true},
		{Linkage: "graph", Strong: 0.98},
		{Linkage: "graph", Strong: 0.99},
		{Linkage: "graph", Strong: 0.99, MinSize: 2},
	} {
		opt.Model = m
		grid := append(relate.PairGrid(), 0.97, 0.98, 0.99)
		sc, err := rel.ScoreThresholds(ctx, train, grid, opt)
		if err != nil {
			t.Fatal(err)
		}
		best := relate.BestThreshold(sc)
		fmt.Printf("%s min %d max %d strong %.2f unlabelled %v: threshold %.2f F1 %.3f\n", opt.Linkage, opt.MinSize, opt.MaxSize, opt.Strong, opt.Unlabelled, best.Threshold, best.F1)
	}
}

// TestRevisedGold trains on the revised gold's 2021–2022 groups and
// scores 2023–2025 against it (run with TIAN_TUNE=1 -v): what an office
// whose staff confirmed the revised groups would get.
func TestRevisedGold(t *testing.T) {
	if os.Getenv("TIAN_TUNE") == "" {
		t.Skip("set TIAN_TUNE=1 to tune")
	}
	ctx := context.Background()
	rel := demo(t).bleve.Relations()
	fh, err := os.Open("../testdata/gold_revised.json")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	g, err := relate.ReadGold(fh)
	if err != nil {
		t.Fatal(err)
	}
	m, err := rel.TrainPairModel(ctx, g.Confirmed(2021, 2022))
	if err != nil {
		t.Fatal(err)
	}
	for _, filed := range []bool{false, true} {
		evs, err := rel.EvalGroups(ctx, g, []int{2023, 2024, 2025}, tian.GroupRequest{FiledOnly: filed}, relate.GroupOptions{Model: m})
		if err != nil {
			t.Fatal(err)
		}
		var f1, p, r float64
		for _, e := range evs {
			f1, p, r = f1+e.F1/3, p+e.Precision/3, r+e.Recall/3
		}
		fmt.Printf("revised gold, trained on its 2021–2022 (threshold %.2f): filed %v F1 %.3f (P %.3f R %.3f)\n", m.Threshold, filed, f1, p, r)
	}
}
