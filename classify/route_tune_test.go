package classify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"tian"
	"tian/classify"
)

// The routing settings were chosen by rotating over the training years
// 2021–2023: each year held out in turn, the router trained on the other
// two and the held-out year's proposals consulting their neighbours. The
// test years (2024–2025) play no part. TIAN_TUNE=1 go test ./classify
// -run TuneRouting -v
func TestTuneRouting(t *testing.T) {
	if os.Getenv("TIAN_TUNE") == "" {
		t.Skip("TIAN_TUNE=1 runs the routing rotation")
	}
	ctx := context.Background()
	ix, ps, units := history(t)
	if drop := os.Getenv("TIAN_ROUTE_DROP"); drop != "" {
		defer classify.DropRouteFeatures(strings.Split(drop, ",")...)()
	}
	var n, top1, top3, hit, suggested, gold float64
	for _, held := range []int{2021, 2022, 2023} {
		var train, test []*tian.Proposal
		for _, p := range ps {
			switch {
			case p.Year == held:
				test = append(test, p)
			case p.Year <= 2023:
				train = append(train, p)
			}
		}
		cfg := classify.DefaultRouterConfig()
		if n, err := strconv.Atoi(os.Getenv("TIAN_ROUTE_NEIGHBOURS")); err == nil {
			cfg.Neighbours = n
		}
		if n, err := strconv.Atoi(os.Getenv("TIAN_ROUTE_MAXCO")); err == nil {
			cfg.MaxCoUnits = n
		}
		if n, err := strconv.Atoi(os.Getenv("TIAN_ROUTE_FOLDS")); err == nil {
			cfg.Folds = n
		}
		if l2, err := strconv.ParseFloat(os.Getenv("TIAN_ROUTE_L2"), 64); err == nil {
			cfg.L2 = l2
		}
		if loss := os.Getenv("TIAN_ROUTE_TEXT_LOSS"); loss != "" {
			cfg.Text.Loss = loss
		}
		if n, err := strconv.Atoi(os.Getenv("TIAN_ROUTE_TEXT_EPOCHS")); err == nil {
			cfg.Text.Epochs = n
		}
		r, err := classify.TrainRouter(ctx, seg(t), train, units, ix, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if dump := os.Getenv("TIAN_ROUTE_DUMP"); dump != "" {
			hs, err := classify.HeldOutCoScores(ctx, r, ix, test, 2023)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(map[string]any{"threshold": r.CoThreshold, "held": hs})
			os.WriteFile(fmt.Sprintf("%s-%d.json", dump, held), b, 0o644)
		}
		ev, err := classify.EvaluateHeldOutYear(ctx, r, ix, test, 2023)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d held out: top-1 %.3f, top-3 %.3f, co F1 %.3f (recall %.3f, precision %.3f, threshold %.2f), co ECE %.4f",
			held, ev.Top1, ev.Top3, ev.CoF1, ev.CoRecall, ev.CoPrecison, r.CoThreshold, ev.CoECE)
		n += float64(ev.N)
		top1 += ev.Top1 * float64(ev.N)
		top3 += ev.Top3 * float64(ev.N)
		hit += ev.CoRecall * float64(ev.CoGold)
		suggested += float64(ev.CoSuggested)
		gold += float64(ev.CoGold)
	}
	t.Logf("pooled: top-1 %.3f, top-3 %.3f, co F1 %.3f", top1/n, top3/n, 2*hit/(suggested+gold))
}
