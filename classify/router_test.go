package classify_test

import (
	"bytes"
	"context"
	"os"
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
	t.Logf("routing 2024–2025 (%d proposals): lead top-1 %.3f, top-3 %.3f; co-handling recall %.3f, precision %.3f; %d rows, lead %v, co %v (threshold %.2f)",
		ev.N, ev.Top1, ev.Top3, ev.CoRecall, ev.CoPrecison, r.Rows, r.Lead, r.Co, r.CoThreshold)
	if ev.Top1 < 0.6 || ev.Top3 < 0.8 {
		t.Errorf("lead top-1 %.3f, top-3 %.3f", ev.Top1, ev.Top3)
	}
	// a district's own problem goes to its government; evidence says why
	rt, err := r.Route(ctx, ix, "关于整治城北区城中村消防通道堵塞问题的提案",
		"城北区几个城中村巷道狭窄，电动车和杂物堵塞消防通道，建议城北区组织清理并加强执法。", "社会建设", 3)
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
	if len(rt.Lead[0].Similar) == 0 && len(rt.Lead[0].Duties) == 0 {
		t.Errorf("lead suggestion %+v carries no evidence", rt.Lead[0])
	}
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
	again, _ := loaded.Route(ctx, ix, "关于整治城北区城中村消防通道堵塞问题的提案",
		"城北区几个城中村巷道狭窄，电动车和杂物堵塞消防通道，建议城北区组织清理并加强执法。", "社会建设", 3)
	if again.Lead[0].Unit != rt.Lead[0].Unit || loaded.Version() != r.Version() {
		t.Errorf("after loading: %s (%s), before: %s (%s)", again.Lead[0].Unit, loaded.Version(), rt.Lead[0].Unit, r.Version())
	}
	if _, err := classify.ReadRouter(strings.NewReader("{}"), text, units, seg(t)); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("empty router: err = %v", err)
	}
	_ = os.Getenv
}
