package relate_test

import (
	"context"
	"fmt"
	"testing"

	"tian"
)

// TestFakeEngineMatchesBleve runs Similar, Groups and Search over the
// in-memory fake engine and over bleve, on the demo corpus, and expects
// the same answers: the engine only fetches candidates, selects and
// counts; profiles, re-ranking, clustering and highlighting are relate's.
func TestFakeEngineMatchesBleve(t *testing.T) {
	f := demo(t)
	ctx := context.Background()
	t.Run("Similar", func(t *testing.T) {
		reqs := []tian.SimilarRequest{
			{Number: "20210205", K: 5}, {Number: "20230114", K: 5}, {Number: "20240303", K: 5},
			{Number: "20220435", K: 5}, {Number: "20250109", K: 5},
			{Title: "关于解决老旧小区加装电梯难的提案", Body: "老楼加装电梯协调难、审批慢、资金缺口大，建议简化审批并加大补贴。", K: 5, BeforeYear: 2024},
		}
		for _, req := range reqs {
			want, err := f.bleve.Similar(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.fake.Similar(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if w, g := matchesText(want), matchesText(got); w != g {
				t.Errorf("Similar(%+v)\nbleve: %s\nfake:  %s", req, w, g)
			}
		}
	})
	t.Run("Groups", func(t *testing.T) {
		for _, req := range []tian.GroupRequest{{Year: 2023}, {Year: 2024, FiledOnly: true, Threshold: 0.2}, {Numbers: f.years[2025][:120]}} {
			want, err := f.bleve.Groups(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.fake.Groups(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if w, g := groupsText(want), groupsText(got); w != g || len(want) == 0 {
				t.Errorf("Groups(%+v): %d groups over bleve, %d over the fake\nbleve: %s\nfake:  %s", req, len(want), len(got), w, g)
			}
		}
	})
	t.Run("Search", func(t *testing.T) {
		for _, req := range []tian.SearchRequest{
			{Query: "加装电梯"}, {Query: "停车 -城东区"}, {Query: "托育 OR 夜游"}, {Query: "类别:文化建设 夜游"},
			{Query: "年度:2021..2023 养老", Sort: "date"}, {Query: "养老", YearFrom: 2023, YearTo: 2024, Proposer: "集体"},
			{Unit: "市民政局", Facets: []string{"year", "unit"}},
			{Query: "市住房和城乡建设局"}, {Query: "住建局加装电梯"}, {Query: "城东区 停车", Facets: []string{"year", "lead_unit"}},
			{Query: "主办:住建局 电梯"}, {Unit: "民政局"},
		} {
			want, err := f.bleve.Search(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.fake.Search(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if want.Total != got.Total || fmt.Sprint(want.Facets) != fmt.Sprint(got.Facets) || want.Total == 0 {
				t.Errorf("Search(%+v): bleve %d hits %v, fake %d hits %v", req, want.Total, want.Facets, got.Total, got.Facets)
			}
			if req.Sort == "date" && fmt.Sprint(hitNumbers(want)) != fmt.Sprint(hitNumbers(got)) {
				t.Errorf("Search(%+v) by date: bleve %v, fake %v", req, hitNumbers(want), hitNumbers(got))
			}
		}
	})
}

// matchesText is what a Match says, but for its shared terms, whose order
// among terms of equal weight may vary with floating-point rounding.
func matchesText(ms []tian.Match) string {
	s := ""
	for _, m := range ms {
		s += fmt.Sprintf("%s %.3f %s %.3f %.3f; ", m.Number, m.Score, m.Kind, m.Cosine, m.Shingles)
	}
	return s
}

// groupsText is what groups say, but for their labels and reasons (as
// shared terms above).
func groupsText(gs []tian.Group) string {
	s := ""
	for _, g := range gs {
		s += fmt.Sprintf("[%.3f %s:", g.Cohesion, g.LeadUnit)
		for _, m := range g.Members {
			s += fmt.Sprintf(" %s %.3f", m.Number, m.Score)
		}
		s += "] "
	}
	return s
}

func hitNumbers(r *tian.SearchResult) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.Number)
	}
	return out
}
