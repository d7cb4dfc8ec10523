package main

import (
	"strings"
	"testing"

	"tian"
	"tian/api"
)

// POST /api/v1/review on the real service: a 2025 proposal and a 2026
// copy of it. The 2026 copy is never 以往 (nor 同年) for the 2025
// original, which is 以往 for the copy; neither matches itself, in its
// similar and earlier proposals or in the history its routing cites; the
// original's text sent anew for 2025 is a near-duplicate to join
// (建议并案); texts with no Chinese are refused in Chinese.
func TestReviewAPI(t *testing.T) {
	s := sharedService(t)
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	var orig *tian.Proposal
	for _, p := range demo {
		if p.Year == 2025 && p.Status == tian.StatusFiled && len([]rune(p.Body)) > 300 {
			orig = p
			break
		}
	}
	if orig == nil {
		t.Fatal("no filed 2025 demo proposal")
	}
	copied := tian.Proposal{Number: "2026R0001", Year: 2026, Title: orig.Title, Body: orig.Body, Proposer: "测试委员", ProposerType: tian.ProposerMember}
	if code := s.call(t, "POST", "/api/v1/proposals", copied, nil); code != 201 {
		t.Fatalf("storing the 2026 copy: %d", code)
	}
	t.Cleanup(func() { s.call(t, "DELETE", "/api/v1/proposals/"+copied.Number, nil, nil) })

	review := func(req tian.ReviewRequest) *tian.Review {
		t.Helper()
		var r tian.Review
		if code := s.call(t, "POST", "/api/v1/review", req, &r); code != 200 {
			t.Fatalf("review %+v: %d", req, code)
		}
		return &r
	}
	numbers := func(ms []tian.Match) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Number)
		}
		return out
	}
	cited := func(r *tian.Review) []string {
		var out []string
		for _, u := range append(append([]tian.UnitSuggestion{}, r.Routing.Lead...), r.Routing.Co...) {
			for _, c := range u.Cases {
				out = append(out, c.Number)
			}
		}
		return out
	}
	r := review(tian.ReviewRequest{Number: orig.Number})
	all := strings.Join(append(append(numbers(r.Similar), numbers(r.Earlier)...), cited(r)...), " ")
	if r.Year != 2025 || strings.Contains(all, copied.Number) || strings.Contains(all, orig.Number) {
		t.Errorf("the 2025 original (year %d) shows itself or its 2026 copy: %s", r.Year, all)
	}
	for _, m := range r.Earlier {
		if m.Year >= 2025 {
			t.Errorf("以往 of a 2025 proposal holds %s of %d", m.Number, m.Year)
		}
	}
	r = review(tian.ReviewRequest{Number: copied.Number})
	if r.Year != 2026 || len(r.Earlier) == 0 || r.Earlier[0].Number != orig.Number || r.Earlier[0].Kind != tian.MatchResubmission {
		t.Errorf("the 2026 copy: year %d, earlier %v; want the 2025 original first as a resubmission", r.Year, numbers(r.Earlier))
	}
	if all := strings.Join(append(numbers(r.Similar), cited(r)...), " "); strings.Contains(all, copied.Number) {
		t.Errorf("the 2026 copy matches itself: %s", all)
	}
	if r.MergeInto != nil {
		t.Errorf("the 2026 copy would join %s, of another year", r.MergeInto.Number)
	}
	r = review(tian.ReviewRequest{Title: orig.Title, Body: orig.Body, Year: 2025})
	if r.Recommendation != tian.RecommendMerge || r.MergeInto == nil || r.MergeInto.Number != orig.Number || r.Reason == "" {
		t.Errorf("the original's text sent anew for 2025: %q %+v %q; want 建议并案 with %s", r.Recommendation, r.MergeInto, r.Reason, orig.Number)
	}
	if r.Filing == nil || len(r.Categories) < 5 {
		t.Errorf("a review without filing advice (%v) or with %d categories", r.Filing, len(r.Categories))
	}

	long := strings.Repeat("建议加快老旧小区改造，完善社区养老服务设施。", 1500)
	for _, c := range []struct {
		name   string
		req    any
		status int
		says   string
	}{
		{"empty", tian.ReviewRequest{}, 400, "请填写"},
		{"punctuation", tian.ReviewRequest{Body: "。，、；！？……——"}, 400, "只有标点"},
		{"english", tian.ReviewRequest{Title: "On night buses", Body: "The city should run more night buses."}, 400, "没有汉字"},
		{"too long", tian.ReviewRequest{Title: "关于城市更新的提案", Body: long}, 413, "超过上限"},
		{"unknown number", tian.ReviewRequest{Number: "19990001"}, 404, "19990001"},
		{"unknown field", map[string]any{"title": "关于养老的提案", "k": 3}, 400, "JSON"},
	} {
		var e api.ErrorResponse
		if code := s.call(t, "POST", "/api/v1/review", c.req, &e); code != c.status || !strings.Contains(e.Message, c.says) || e.RequestID == "" {
			t.Errorf("%s: %d %+v; want %d saying %q", c.name, code, e, c.status, c.says)
		}
	}
}
