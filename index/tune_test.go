package index_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"tian"
	"tian/relate"
)

// TestTune grid-searches the similarity parameters and the grouping
// threshold on the 2021–2022 gold (run with TIAN_TUNE=1 -v). The chosen
// values are DefaultParams and DefaultThreshold; the tests report quality
// on 2023–2025, which tuning never sees.
func TestTune(t *testing.T) {
	if os.Getenv("TIAN_TUNE") == "" {
		t.Skip("set TIAN_TUNE=1 to tune")
	}
	f := demo(t)
	g := readGoldIndex(t)
	for _, alpha := range []float64{0.6, 0.7, 0.8, 0.9} {
		for _, k := range []int{0} {
			for _, th := range []float64{0.11, 0.13, 0.15} {
				p := relate.DefaultParams()
				p.Alpha, p.ShingleK = alpha, k
				evs, err := f.ix.Relations().EvalGroups(context.Background(), g, []int{2021, 2022}, tian.GroupRequest{Threshold: th}, relate.GroupOptions{Params: &p})
				if err != nil {
					t.Fatal(err)
				}
				var f1, ari float64
				for _, e := range evs {
					f1 += e.F1 / 2
					ari += e.ARI / 2
				}
				fmt.Printf("alpha %.1f k %d threshold %.2f: F1 %.3f ARI %.3f (P %.2f R %.2f, %d groups)\n", alpha, k, th, f1, ari, evs[0].Precision, evs[0].Recall, evs[0].Groups)
			}
		}
	}
}

func TestTuneNearDuplicate(t *testing.T) {
	if os.Getenv("TIAN_TUNE") == "" {
		t.Skip("set TIAN_TUNE=1 to tune")
	}
	f := demo(t)
	g := readGoldIndex(t)
	for _, th := range []float64{0.2, 0.25, 0.3, 0.35, 0.4, 0.5} {
		p := relate.DefaultParams()
		p.NearDuplicate = th
		ev, err := f.ix.Relations().EvalDuplicates(context.Background(), g, []int{2021, 2022}, p)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("near-duplicate %.2f: P %.3f R %.3f F1 %.3f (%d flagged, %d gold)\n", th, ev.Precision, ev.Recall, ev.F1, ev.Flagged, ev.GoldPairs)
	}
	for _, linkage := range []string{"single", "average"} {
		for _, th := range []float64{0.10, 0.15, 0.2, 0.3} {
			evs, _ := f.ix.Relations().EvalGroups(context.Background(), g, []int{2021, 2022}, tian.GroupRequest{Threshold: th}, relate.GroupOptions{Linkage: linkage})
			fmt.Printf("%s linkage %.2f: F1 %.3f ARI %.3f groups %d, largest?\n", linkage, th, (evs[0].F1+evs[1].F1)/2, (evs[0].ARI+evs[1].ARI)/2, evs[0].Groups)
		}
	}
}

func readGoldIndex(t *testing.T) *relate.Gold {
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
