package classify_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"tian"
	"tian/classify"
	"tian/index"
	"tian/internal/slowtest"
	"tian/sheet"
	"tian/sqlite"
)

// history is the demo corpus in a store with its index: the neighbours
// routing consults.
func history(t *testing.T) (*index.Index, []*tian.Proposal, []tian.Unit) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	units, err := sheet.ReadUnitsFS(tian.DemoFS(), tian.DemoUnits)
	if err != nil {
		t.Fatal(err)
	}
	db.ImportUnits(ctx, units, "test")
	res, err := sheet.ReadProposalsFS(tian.DemoFS(), tian.DemoProposals, sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportProposals(ctx, res.Records, tian.ImportOptions{File: "demo", Strict: true}); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(ctx, dir, db, seg(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ps, _ := db.Proposals(ctx, tian.ProposalFilter{})
	return ix, ps, units
}

// Trained on 2021–2023 and tested on 2024–2025, each proposal seeing only
// the history before its year.
func TestRouterByYear(t *testing.T) {
	slowtest.Gate(t)
	ctx := context.Background()
	ix, ps, units := history(t)
	var train, test []*tian.Proposal
	for _, p := range ps {
		if p.Year <= 2023 {
			train = append(train, p)
		} else {
			test = append(test, p)
		}
	}
	r, err := classify.TrainRouter(ctx, seg(t), train, units, ix, classify.DefaultRouterConfig())
	if err != nil {
		t.Fatal(err)
	}
	ev, err := classify.EvaluateRouter(ctx, r, ix, test)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("routing 2024–2025 (%d proposals): lead top-1 %.3f, top-3 %.3f; co-handling F1 %.3f (recall %.3f, precision %.3f, ECE %.4f); lead %v, co %v (threshold %.2f, calibration %v on %d)",
		ev.N, ev.Top1, ev.Top3, ev.CoF1, ev.CoRecall, ev.CoPrecison, ev.CoECE, r.Lead, r.Co, r.CoThreshold, r.CoCalibration, r.CalibratedOn)
	if ev.Top1 < 0.7 || ev.Top3 < 0.9 || ev.CoF1 < 0.3 {
		t.Errorf("lead top-1 %.3f, top-3 %.3f, co-handling F1 %.3f", ev.Top1, ev.Top3, ev.CoF1)
	}
	// the co-handling probabilities are calibrated on 2023, by a router
	// trained on 2021–2022: over every unit of the test years they stay
	// within 0.02 of the share that co-handled
	if r.CalibratedOn != 2023 || ev.CoECE > 0.02 {
		t.Errorf("co-handling calibrated on %d, ECE %.4f on the test years", r.CalibratedOn, ev.CoECE)
	}
	// a district's own problem goes to its government; evidence says why
	fireLane := tian.RouteRequest{Title: "关于整治城北区城中村消防通道堵塞问题的提案",
		Body: "城北区几个城中村巷道狭窄，电动车和杂物堵塞消防通道，建议城北区组织清理并加强执法。", Category: "社会建设", K: 3}
	rt, err := r.Route(ctx, ix, fireLane)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range append(rt.Lead, rt.Co...) {
		names = append(names, u.Unit)
	}
	if !strings.Contains(strings.Join(names, " "), "城北区人民政府") && !strings.Contains(strings.Join(names, " "), "市消防救援支队") {
		t.Errorf("routing of a 城北区 fire-lane problem: %v", names)
	}
	if len(rt.Lead[0].Cases) == 0 && len(rt.Lead[0].Duties) == 0 {
		t.Errorf("lead suggestion %+v carries no evidence", rt.Lead[0])
	}
	strengthBands(t, ctx, r, ix, test)
	// saving and loading keeps the answers
	var rb, tb bytes.Buffer
	r.WriteTo(&rb)
	r.TextModel().WriteTo(&tb)
	text, err := classify.ReadModel(&tb, seg(t))
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := classify.ReadRouter(&rb, text, units, seg(t))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := loaded.Route(ctx, ix, fireLane)
	if again.Lead[0].Unit != rt.Lead[0].Unit || loaded.Version() != r.Version() {
		t.Errorf("after loading: %s (%s), before: %s (%s)", again.Lead[0].Unit, loaded.Version(), rt.Lead[0].Unit, r.Version())
	}
	if _, err := classify.ReadRouter(strings.NewReader("{}"), text, units, seg(t)); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("empty router: err = %v", err)
	}
	_ = os.Getenv
}

// strengthBands routes the test years' proposals as a review does (the
// proposal itself left out of the history) and checks that the strength
// words mean what they say: a 较强 first lead candidate is right more
// often than a 一般 one, and that more often than a 较弱 one; likewise
// for co-handlers.
func strengthBands(t *testing.T, ctx context.Context, r *classify.Router, ix tian.Neighbours, test []*tian.Proposal) {
	t.Helper()
	type band struct{ n, right int }
	lead, co, likely := map[string]*band{}, map[string]*band{}, map[string]*band{tian.CoLikely: {}, tian.CoPossible: {}}
	for _, w := range []string{tian.StrengthHigh, tian.StrengthMedium, tian.StrengthLow} {
		lead[w], co[w] = &band{}, &band{}
	}
	for _, p := range test {
		if p.Status != tian.StatusFiled || p.LeadUnit == "" {
			continue
		}
		rt, err := r.Route(ctx, ix, tian.RouteRequest{Title: p.Title, Body: p.Body, Category: p.Category, K: 3, Exclude: p.Number, BeforeYear: p.Year + 1})
		if err != nil {
			t.Fatal(err)
		}
		b := lead[rt.Lead[0].Strength]
		b.n++
		if rt.Lead[0].Unit == p.LeadUnit {
			b.right++
		}
		for _, u := range rt.Co {
			right := slices.Contains(p.CoUnits, u.Unit)
			for _, b := range []*band{co[u.Strength], likely[u.Likelihood]} {
				b.n++
				if right {
					b.right++
				}
			}
		}
	}
	share := func(b *band) float64 { return float64(b.right) / float64(max(b.n, 1)) }
	l, p := likely[tian.CoLikely], likely[tian.CoPossible]
	t.Logf("co-handlers: %s %d/%d (%.2f), %s %d/%d (%.2f)", tian.CoLikely, l.right, l.n, share(l), tian.CoPossible, p.right, p.n, share(p))
	if l.n == 0 || p.n == 0 || share(l) <= share(p) {
		t.Errorf("a co-handler shown as %s is not right more often than one shown as %s", tian.CoLikely, tian.CoPossible)
	}
	for _, kind := range []struct {
		name  string
		bands map[string]*band
	}{{"lead", lead}, {"co", co}} {
		h, m, l := kind.bands[tian.StrengthHigh], kind.bands[tian.StrengthMedium], kind.bands[tian.StrengthLow]
		t.Logf("%s: 较强 %d/%d (%.2f), 一般 %d/%d (%.2f), 较弱 %d/%d (%.2f)", kind.name, h.right, h.n, share(h), m.right, m.n, share(m), l.right, l.n, share(l))
		if h.n == 0 || share(h) <= share(m) || (l.n > 0 && share(m) <= share(l)) {
			t.Errorf("%s strength words are not ordered by how often they are right", kind.name)
		}
	}
}

// titleNeighbours finds past proposals by the character pairs their
// titles share with the text's title: a stand-in for the index that
// honours before and exclude as the index does.
type titleNeighbours []*tian.Proposal

func (n titleNeighbours) SimilarText(_ context.Context, title, _ string, k, before int, exclude string) ([]tian.Match, error) {
	pairs := func(s string) map[string]bool {
		rs, out := []rune(s), map[string]bool{}
		for i := 0; i+1 < len(rs); i++ {
			out[string(rs[i:i+2])] = true
		}
		return out
	}
	want := pairs(title)
	var out []tian.Match
	for _, p := range n {
		if p.Number == exclude || (before != 0 && p.Year >= before) {
			continue
		}
		shared := 0
		for pr := range pairs(p.Title) {
			if want[pr] {
				shared++
			}
		}
		if shared > 3 {
			out = append(out, tian.Match{Number: p.Number, Year: p.Year, Title: p.Title, Score: float64(shared) / float64(len(want)+1),
				LeadUnit: p.LeadUnit, CoUnits: p.CoUnits})
		}
	}
	slices.SortStableFunc(out, func(a, b tian.Match) int { return cmpFloat(b.Score, a.Score) })
	return out[:min(k, len(out))], nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Each unit is suggested once, as a lead candidate or as a co-handler;
// each carries a rank, a strength word and its evidence in words; the
// proposal under review is never cited as evidence.
func TestRoutingNamesEachUnitOnce(t *testing.T) {
	ms, err := defaults()
	if err != nil {
		t.Fatal(err)
	}
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	nb := titleNeighbours(demo)
	ctx := context.Background()
	var cited, co int
	for i := 0; i < len(demo); i += 25 {
		p := demo[i]
		rt, err := ms.router.Route(ctx, nb, tian.RouteRequest{Title: p.Title, Body: p.Body, Category: p.Category, K: 3,
			Exclude: p.Number, BeforeYear: p.Year + 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(rt.Lead) != 3 {
			t.Errorf("%s: %d lead candidates, want 3", p.Number, len(rt.Lead))
		}
		seen := map[string]string{}
		for _, l := range []struct {
			name  string
			units []tian.UnitSuggestion
		}{{"主办", rt.Lead}, {"协办", rt.Co}} {
			for i, u := range l.units {
				if where, dup := seen[u.Unit]; dup {
					t.Errorf("%s: %s suggested as %s and as %s", p.Number, u.Unit, where, l.name)
				}
				seen[u.Unit] = l.name
				if u.Rank != i+1 || u.Strength == "" || len(u.Reasons) == 0 || !strings.ContainsAny(u.Reasons[0], "以职文") {
					t.Errorf("%s: %s %s: rank %d, strength %q, reasons %q", p.Number, l.name, u.Unit, u.Rank, u.Strength, u.Reasons)
				}
				// a probability, best first, and for a co-handler its word:
				// 较可能 from one half
				want := map[bool]string{true: tian.CoLikely, false: tian.CoPossible}[u.Probability >= 0.5]
				if l.name == "主办" {
					want = ""
				}
				if u.Probability < 0 || u.Probability > 1 || (want != "" && u.Probability == 0) || u.Likelihood != want ||
					(i > 0 && u.Probability > l.units[i-1].Probability) {
					t.Errorf("%s: %s %s: probability %.3f, likelihood %q, want %q", p.Number, l.name, u.Unit, u.Probability, u.Likelihood, want)
				}
				for _, c := range u.Cases {
					if c.Number == p.Number || c.Year > p.Year {
						t.Errorf("%s (%d): cites %s of %d as evidence for %s", p.Number, p.Year, c.Number, c.Year, u.Unit)
					}
				}
				cited += len(u.Cases)
			}
		}
		co += len(rt.Co)
	}
	if cited == 0 || co == 0 {
		t.Errorf("over the sample: %d cases cited, %d co-handlers", cited, co)
	}
}
