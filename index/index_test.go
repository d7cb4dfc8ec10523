package index_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"tian"
	"tian/index"
	"tian/internal/slowtest"
	"tian/relate"
)

func search(t *testing.T, req tian.SearchRequest) *tian.SearchResult {
	t.Helper()
	res, err := demo(t).ix.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%+v): %v", req, err)
	}
	return res
}

func TestSearchFindsAndHighlights(t *testing.T) {
	f := demo(t)
	res := search(t, tian.SearchRequest{Query: "加装电梯", Size: 20})
	if res.Total < 10 {
		t.Fatalf("加装电梯: %d hits, the corpus has a whole group of them", res.Total)
	}
	for _, h := range res.Hits {
		p := f.byNum[h.Number]
		if !strings.Contains(p.Title+p.Body, "加装电梯") && !strings.Contains(p.Title+p.Body, "加装") {
			t.Errorf("%s %s does not mention 加装电梯", h.Number, p.Title)
		}
		if !strings.Contains(h.TitleHTML+h.Snippet, "<mark>") {
			t.Errorf("%s: no highlight in %q / %q", h.Number, h.TitleHTML, h.Snippet)
		}
	}
	if top := f.byNum[res.Hits[0].Number]; !strings.Contains(top.Title, "电梯") {
		t.Errorf("top hit %q should carry the words in its title (title boost)", top.Title)
	}
}

func TestSearchTraditionalFindsSimplified(t *testing.T) {
	simp := search(t, tian.SearchRequest{Query: "专精特新 企业上市"})
	trad := search(t, tian.SearchRequest{Query: "專精特新 企業上市"})
	if simp.Total == 0 || simp.Total != trad.Total || simp.Hits[0].Number != trad.Hits[0].Number {
		t.Errorf("simplified %d hits, traditional %d", simp.Total, trad.Total)
	}
}

func TestSearchOperatorsAndFields(t *testing.T) {
	f := demo(t)
	all := search(t, tian.SearchRequest{Query: "停车"})
	not := search(t, tian.SearchRequest{Query: "停车 -城东区", Size: 100})
	if not.Total == 0 || not.Total >= all.Total {
		t.Errorf("停车 %d hits, 停车 -城东区 %d: exclusion should remove some", all.Total, not.Total)
	}
	for _, h := range not.Hits {
		if p := f.byNum[h.Number]; strings.Contains(p.Title+p.Body, "城东区") {
			t.Errorf("%s mentions 城东区 but -城东区 excluded it", h.Number)
		}
	}
	or := search(t, tian.SearchRequest{Query: "托育 OR 夜游"})
	a, b := search(t, tian.SearchRequest{Query: "托育"}), search(t, tian.SearchRequest{Query: "夜游"})
	if or.Total < a.Total || or.Total < b.Total || or.Total > a.Total+b.Total {
		t.Errorf("托育 %d, 夜游 %d, 托育 OR 夜游 %d", a.Total, b.Total, or.Total)
	}
	field := search(t, tian.SearchRequest{Query: "类别:文化建设 夜游", Size: 50})
	for _, h := range field.Hits {
		if h.Category != "文化建设" {
			t.Errorf("类别:文化建设 returned %s of %s", h.Number, h.Category)
		}
	}
	phrase := search(t, tian.SearchRequest{Query: `"老年助餐"`, Size: 50})
	for _, h := range phrase.Hits {
		if p := f.byNum[h.Number]; !strings.Contains(p.Title+p.Body, "老年助餐") {
			t.Errorf("phrase 老年助餐 matched %s, which lacks it", h.Number)
		}
	}
}

func TestSearchFiltersFacetsSortPaging(t *testing.T) {
	req := tian.SearchRequest{Query: "养老", YearFrom: 2023, YearTo: 2024, Proposer: "集体", Size: 5, Sort: "date"}
	res := search(t, req)
	if res.Total == 0 {
		t.Fatal("no collective proposals on 养老 in 2023–2024")
	}
	last := ""
	for _, h := range res.Hits {
		if h.Year < 2023 || h.Year > 2024 || h.ProposerType != "集体" {
			t.Errorf("%s (%d, %s) passes the filters", h.Number, h.Year, h.ProposerType)
		}
		if last != "" && h.Number > last {
			t.Errorf("date order: %s after %s", h.Number, last)
		}
		last = h.Number
	}
	sum := 0
	for _, c := range res.Facets["category"] {
		sum += c.Count
	}
	if sum != res.Total || len(res.Facets["year"]) == 0 || len(res.Facets["lead_unit"]) == 0 {
		t.Errorf("facets %v do not account for %d hits", res.Facets, res.Total)
	}
	page2 := search(t, tian.SearchRequest{Query: "养老", Size: 5, Page: 2})
	page1 := search(t, tian.SearchRequest{Query: "养老", Size: 5})
	if page2.Hits[0].Number == page1.Hits[0].Number || page2.Total != page1.Total {
		t.Error("page 2 repeats page 1")
	}
	unit := search(t, tian.SearchRequest{Unit: "市民政局", Size: 100})
	for _, h := range unit.Hits {
		p := demo(t).byNum[h.Number]
		if !slices.Contains(p.Units(), "市民政局") {
			t.Errorf("unit filter returned %s routed to %v", h.Number, p.Units())
		}
	}
}

func TestSearchBadRequests(t *testing.T) {
	ix := demo(t).ix
	for name, req := range map[string]tian.SearchRequest{
		"page 0 size":   {Size: -1},
		"deep paging":   {Page: 1001, Size: 10},
		"huge page":     {Size: 100_000},
		"sort":          {Sort: "random"},
		"facet":         {Facets: []string{"colour"}},
		"facet size":    {FacetSize: 100_000},
		"years":         {YearFrom: 2025, YearTo: 2021},
		"long query":    {Query: strings.Repeat("养老 ", 2000)},
		"many clauses":  {Query: strings.Repeat("a ", 65)},
		"too many facs": {Facets: []string{"category", "year", "lead_unit", "unit", "proposer_type", "status", "session", "category"}},
	} {
		if _, err := ix.Search(context.Background(), req); tian.ErrorCode(err) != tian.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
}

// Every gold near-duplicate pair of the years tuning never saw is found
// and flagged, and few other pairs are.
func TestSimilarFindsNearDuplicates(t *testing.T) {
	slowtest.Gate(t) // a corpus-wide evaluation: three years, every proposal against its candidates
	f := demo(t)
	g := readGoldIndex(t)
	ev, err := f.ix.Relations().EvalDuplicates(context.Background(), g, []int{2023, 2024, 2025}, relate.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("near_duplicate on 2023–2025: precision %.3f recall %.3f F1 %.3f (%d flagged, %d gold pairs)",
		ev.Precision, ev.Recall, ev.F1, ev.Flagged, ev.GoldPairs)
	if ev.Recall < 0.9 || ev.Precision < 0.8 {
		t.Errorf("near-duplicate precision %.2f recall %.2f", ev.Precision, ev.Recall)
	}
}

func TestSimilarByTextAndEarlierYears(t *testing.T) {
	f := demo(t)
	ms, err := f.ix.Similar(context.Background(), tian.SimilarRequest{
		Title: "关于解决老旧小区加装电梯难的提案",
		Body:  "城东区纺织厂家属院多为六层老楼，老人上下楼难，加装电梯协调难、审批慢、资金缺口大，建议简化审批并加大补贴。",
		K:     5, BeforeYear: 2024,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no earlier proposal on 加装电梯")
	}
	replies := 0
	for i, m := range ms {
		if m.Year >= 2024 {
			t.Errorf("%s is of %d, not before 2024", m.Number, m.Year)
		}
		if m.Score < 0 || m.Score > 1 || (i > 0 && m.Score > ms[i-1].Score) {
			t.Errorf("scores out of range or order: %v", ms)
		}
		if !slices.Contains(m.SharedTerms, "加装电梯") && !slices.Contains(m.SharedTerms, "电梯") {
			t.Errorf("%s %s: shared terms %v lack 加装电梯", m.Number, m.Title, m.SharedTerms)
		}
		if m.Reply != "" {
			replies++
		}
	}
	if replies == 0 {
		t.Error("earlier proposals came without their replies")
	}
	if _, err := f.ix.Similar(context.Background(), tian.SimilarRequest{Number: "19990001"}); tian.ErrorCode(err) != tian.ENOTFOUND {
		t.Errorf("unknown number: err = %v", err)
	}
}

// Groups on the years tuning never saw, against the gold: issue 13's
// acceptance, pairwise F1 at least 0.70 and 0.10 above the classical peer
// (TF-IDF words and characters, average linkage tuned on 2021–2022),
// whose figures scripts/peers.sh measures: 0.563 over all proposals,
// 0.601 over the filed ones.
func TestGroupsAgainstGold(t *testing.T) {
	f := demo(t)
	g := readGoldIndex(t)
	for _, c := range []struct {
		filed bool
		peer  float64
	}{{false, 0.563}, {true, 0.601}} {
		evs, err := f.ix.Relations().EvalGroups(context.Background(), g, []int{2023, 2024, 2025}, tian.GroupRequest{FiledOnly: c.filed}, relate.GroupOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var f1, ari float64
		for _, e := range evs {
			t.Logf("filed %v, %d: pairwise P %.3f R %.3f F1 %.3f, ARI %.3f (%d groups, %d gold)", c.filed, e.Year, e.Precision, e.Recall, e.F1, e.ARI, e.Groups, e.GoldGroups)
			f1 += e.F1 / float64(len(evs))
			ari += e.ARI / float64(len(evs))
		}
		t.Logf("filed %v: mean F1 %.3f, ARI %.3f (peer %.3f)", c.filed, f1, ari, c.peer)
		if f1 < max(0.70, c.peer+0.10) || ari < 0.70 {
			t.Errorf("filed %v: grouping fell to F1 %.3f ARI %.3f (peer %.3f)", c.filed, f1, ari, c.peer)
		}
	}
	groups, err := f.ix.Groups(context.Background(), tian.GroupRequest{Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	for _, gr := range groups {
		if len(gr.Members) < 3 || len(gr.Members) > 8 || len(gr.Label) < 1 || len(gr.Label) > 5 ||
			gr.Cohesion <= 0 || gr.Cohesion > 1 {
			t.Errorf("group %v: %d members, cohesion %.3f", gr.Label, len(gr.Members), gr.Cohesion)
		}
		for _, m := range gr.Members {
			if f.byNum[m.Number].Year != 2024 || len(m.Reason) == 0 {
				t.Errorf("member %s of %v: year %d, reason %v", m.Number, gr.Label, f.byNum[m.Number].Year, m.Reason)
			}
		}
	}
}

func TestAverageBeatsSingleLinkage(t *testing.T) {
	slowtest.Gate(t)
	f := demo(t)
	g := readGoldIndex(t)
	score := func(linkage string) float64 {
		evs, err := f.ix.Relations().EvalGroups(context.Background(), g, []int{2023, 2024, 2025}, tian.GroupRequest{}, relate.GroupOptions{Linkage: linkage, MaxSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var s float64
		for _, e := range evs {
			s += e.F1 / float64(len(evs))
		}
		return s
	}
	avg, single := score("average"), score("single")
	t.Logf("without re-splitting: average linkage F1 %.3f, single linkage %.3f", avg, single)
	if avg <= single {
		t.Errorf("average linkage (%.3f) should beat single linkage (%.3f), which chains topics together", avg, single)
	}
}

// The index follows the store: a new proposal is found after CatchUp, a
// deleted one is gone, and the last change is recorded.
func TestCatchUpFollowsStore(t *testing.T) {
	f := demo(t)
	ctx := context.Background()
	p := *f.byNum["20240107"]
	p.Number, p.Title = "20249901", "关于在城南区高铁南站增设共享单车停放点的提案"
	p.Body = "高铁南站出站口共享单车乱停乱放，建议增设电子围栏停放点。"
	query := tian.SearchRequest{Query: "高铁南站 共享单车 电子围栏", Size: 100}
	before := search(t, query).Total
	if _, err := f.store.ImportProposals(ctx, []tian.Record{{Row: 1, Proposal: p}}, storeOpts()); err != nil {
		t.Fatal(err)
	}
	if n, err := f.ix.CatchUp(ctx); err != nil || n != 1 {
		t.Fatalf("CatchUp applied %d, %v", n, err)
	}
	res := search(t, query)
	found := false
	for _, h := range res.Hits {
		found = found || h.Number == p.Number
	}
	if res.Total != before+1 || !found {
		t.Errorf("after adding %s: %d hits (before %d), found %v", p.Number, res.Total, before, found)
	}
	if err := f.store.DeleteProposal(ctx, p.Number, "test"); err != nil {
		t.Fatal(err)
	}
	f.ix.CatchUp(ctx)
	if res := search(t, query); res.Total != before {
		t.Errorf("after deleting %s: %d hits, want %d", p.Number, res.Total, before)
	}
	seq, _ := f.ix.LastChange()
	last, _ := f.store.LastChange(ctx)
	if seq != last {
		t.Errorf("index at change %d, store at %d", seq, last)
	}
}

// A second opener of an index that is held (by a running service, say)
// gets a conflict naming the service within seconds, never a wait
// without end on the index's lock.
func TestOpenHeldIndexFailsFast(t *testing.T) {
	f := demo(t)
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		ix, err := index.Open(context.Background(), f.dir, f.store, f.seg)
		if err == nil {
			ix.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if tian.ErrorCode(err) != tian.ECONFLICT || !strings.Contains(tian.ErrorMessage(err), "tian serve") {
			t.Errorf("opening a held index: %v after %s", err, time.Since(start))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("opening a held index still waits after 30 s")
	}
}

// A proposal under review, its text sent with its number to exclude,
// never matches itself as a duplicate; without the number it would.
func TestSimilarTextExcludesTheProposalUnderReview(t *testing.T) {
	f := demo(t)
	p := f.byNum["20210205"]
	if p == nil {
		t.Fatal("demo proposal 20210205 missing")
	}
	ctx := context.Background()
	with, err := f.ix.Similar(ctx, tian.SimilarRequest{Title: p.Title, Body: p.Body, K: 5})
	if err != nil || len(with) == 0 || with[0].Number != p.Number || !with[0].Duplicate() {
		t.Fatalf("its own text should find it first as a near-duplicate: %+v, %v", with, err)
	}
	without, err := f.ix.Similar(ctx, tian.SimilarRequest{Title: p.Title, Body: p.Body, K: 5, Exclude: p.Number})
	if err != nil || len(without) == 0 {
		t.Fatalf("with the number excluded: %+v, %v", without, err)
	}
	for _, m := range without {
		if m.Number == p.Number {
			t.Errorf("the proposal under review matched itself: %+v", m)
		}
	}
}

// Similar ranks a proposal's gold group-mates higher with the pair model
// than with the fixed blend it replaced: for each proposal of 2023–2025 in
// a gold group, the share of its five most similar proposals of the year
// that are in its group (of at most as many as it has mates).
func TestSimilarFindsGroupMates(t *testing.T) {
	slowtest.Gate(t)
	f := demo(t)
	g := readGoldIndex(t)
	rel := f.ix.Relations()
	precision := func(blend bool) float64 {
		var sum float64
		var n int
		for _, grp := range g.Groups {
			if grp.Year < 2023 {
				continue
			}
			mates := map[string]bool{}
			for _, m := range grp.Members {
				mates[m] = true
			}
			for _, m := range grp.Members {
				ms, err := rel.SimilarWith(context.Background(), tian.SimilarRequest{Number: m, K: 5, Year: grp.Year}, relate.SimilarOptions{Blend: blend})
				if err != nil {
					t.Fatal(err)
				}
				hit := 0
				for _, x := range ms {
					if mates[x.Number] {
						hit++
					}
				}
				sum += float64(hit) / float64(min(5, len(grp.Members)-1))
				n++
			}
		}
		return sum / float64(n)
	}
	model, blend := precision(false), precision(true)
	t.Logf("group-mates among the five most similar: pair model %.3f, fixed blend %.3f", model, blend)
	if model <= blend {
		t.Errorf("the pair model finds group-mates no better (%.3f) than the blend (%.3f)", model, blend)
	}
}
