package relate_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"tian"
	"tian/relate"
)

func TestTunePairModel(t *testing.T) {
	if os.Getenv("TIAN_TUNE") == "" {
		t.Skip("set TIAN_TUNE=1 to tune")
	}
	ctx := context.Background()
	rel := demo(t).bleve.Relations()
	for _, pw := range []float64{1, 2} {
		for _, nb := range []int{15} {
			for _, lk := range []string{"average", "graph"} {
				p := relate.DefaultParams()
				p.DomainPower = pw
				opt := relate.GroupOptions{Params: &p, Neighbors: nb, MinSize: 3, Linkage: lk}
				samples, err := rel.PairSamples(ctx, goldYears(t, 2021, 2022), opt)
				if err != nil {
					t.Fatal(err)
				}
				m, err := relate.FitPairModel(samples, 0.1)
				if err != nil {
					t.Fatal(err)
				}
				opt.Model = m
				grid := []float64{}
				for th := 0.3; th < 0.96; th += 0.05 {
					grid = append(grid, th)
				}
				sc, err := rel.ScoreThresholds(ctx, goldYears(t, 2021, 2022), grid, opt)
				if err != nil {
					t.Fatal(err)
				}
				best := sc[0]
				for _, s := range sc {
					if s.F1 > best.F1 {
						best = s
					}
				}
				m.Threshold = best.Threshold
				held, _ := rel.ScoreThresholds(ctx, goldYears(t, 2023, 2024, 2025), []float64{best.Threshold}, opt)
				evs, _ := rel.EvalGroups(ctx, readGold(t), []int{2023, 2024, 2025}, tian.GroupRequest{Threshold: best.Threshold}, opt)
				var all float64
				for _, e := range evs {
					all += e.F1 / 3
				}
				_ = 0
				fmt.Printf("%s power %g nb %d: %d pairs %d pos; w %s; best %.2f (F1 %.3f on 2021–22); 2023–25 filed F1 %.3f, all %.3f\n",
					lk, pw, nb, m.Pairs, m.Positives, fmtW(m.Weights), best.Threshold, best.F1, held[0].F1, all)
			}
		}
	}
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

func TestDumpPairs(t *testing.T) {
	if os.Getenv("TIAN_DUMP") == "" {
		t.Skip()
	}
	ctx := context.Background()
	rel := demo(t).bleve.Relations()
	p := relate.DefaultParams()
	tr, _ := rel.PairSamples(ctx, goldYears(t, 2021, 2022), relate.GroupOptions{Params: &p})
	m, _ := relate.FitPairModel(tr, 1)
	te, _ := rel.PairSamples(ctx, goldYears(t, 2023, 2024, 2025), relate.GroupOptions{Params: &p})
	f, _ := os.Create("/tmp/pairs.tsv")
	defer f.Close()
	for _, s := range te {
		fmt.Fprintf(f, "%s\t%s\t%v\t%.3f\t%s\n", s.A, s.B, s.Same, m.Prob(s.X), fmtW(s.X[:]))
	}
}
