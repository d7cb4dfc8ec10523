package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"tian"
	"tian/api"
)

// fakeReviewer answers as the office's Reviewer does, from fixed data: a
// stored 2023 proposal reviewed by number, refusals of texts with no
// Chinese, and lists left nil, which the API must send as [].
type fakeReviewer struct {
	mu  sync.Mutex
	got []tian.ReviewRequest
}

func (f *fakeReviewer) Review(_ context.Context, req tian.ReviewRequest) (*tian.Review, error) {
	f.mu.Lock()
	f.got = append(f.got, req)
	f.mu.Unlock()
	switch {
	case req.Number == "19990001":
		return nil, tian.Errorf(tian.ENOTFOUND, "没有提案号为%s的提案", req.Number)
	case req.Number == "" && !strings.ContainsAny(req.Title+req.Body, "的关于建议提案"):
		return nil, tian.Errorf(tian.EINVALID, "文本中没有汉字：请填写中文的提案标题或正文")
	}
	r := &tian.Review{Number: req.Number, Year: 2023,
		Category:       &tian.Suggestion{Labels: []tian.Scored{{Label: "社会建设", Prob: 0.93}}, Evidence: []tian.Evidence{{Term: "加装电梯", Weight: 0.4}}},
		Routing:        &tian.Routing{Lead: []tian.UnitSuggestion{{Unit: "市住房和城乡建设局", Rank: 1, Strength: tian.StrengthHigh, Reasons: []string{"以往同类提案3件由该单位主办"}}}, Co: []tian.UnitSuggestion{}},
		Recommendation: tian.RecommendFile}
	if req.Number == "20230311" {
		m := tian.Match{Number: "20230045", Year: 2023, Title: "关于加快既有住宅加装电梯的提案", Score: 0.9, Kind: tian.MatchCopy, Status: "立案"}
		r.Similar, r.MergeInto, r.Recommendation = []tian.Match{m}, &m, tian.RecommendMerge
	}
	return r, nil
}

func reviewEnv(t *testing.T, rv tian.Reviewer) *env {
	t.Helper()
	e := &env{store: newMemStore(), svc: &fakeServices{}, tokens: map[tian.Role]string{}}
	parts := api.Parts{Store: e.store, Tokens: e.store, Search: e.svc, Relate: e.svc, Suggest: e.svc, Review: rv, Models: e.svc,
		Import: e.svc, Export: e.svc, Stats: e.store, Health: e.svc}
	e.srv = httptest.NewServer(api.NewServer(parts, slog.New(slog.NewTextHandler(io.Discard, nil)), api.DefaultConfig()).Handler())
	t.Cleanup(e.srv.Close)
	for _, r := range []tian.Role{tian.RoleMember, tian.RoleReviewer} {
		sec, _, _ := e.store.CreateToken(context.Background(), r.String(), r, "test")
		e.tokens[r] = sec
	}
	return e
}

// POST /api/v1/review answers a reviewer in one call, passes the number
// and year on, sends empty lists as [] and refuses in Chinese what the
// reviewer refuses; a member may not review.
func TestReviewRoute(t *testing.T) {
	rv := &fakeReviewer{}
	e := reviewEnv(t, rv)
	res, b := e.do(t, tian.RoleReviewer, "POST", "/api/v1/review", "application/json",
		jsonBody(map[string]any{"title": "关于简化老旧小区加装电梯审批的提案", "body": "城东区加装电梯审批慢。", "number": "20230311", "year": 2023}))
	if res.StatusCode != 200 {
		t.Fatalf("review: %d %s", res.StatusCode, b)
	}
	var r tian.Review
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Recommendation != tian.RecommendMerge || r.MergeInto == nil || r.MergeInto.Number != "20230045" || r.Routing.Lead[0].Strength != "较强" {
		t.Errorf("review: %s", b)
	}
	if got := rv.got[len(rv.got)-1]; got.Number != "20230311" || got.Year != 2023 {
		t.Errorf("the reviewer was asked %+v", got)
	}
	for _, field := range []string{`"categories":[]`, `"earlier":[]`} {
		if !strings.Contains(string(b), field) {
			t.Errorf("answer lacks %s: %s", field, b)
		}
	}
	if strings.Contains(string(b), "null") {
		t.Errorf("answer holds a null: %s", b)
	}
	cases := []struct {
		name   string
		role   tian.Role
		ct     string
		body   string
		status int
	}{
		{"english", tian.RoleReviewer, "application/json", `{"title":"On buses","body":"More night buses."}`, 400},
		{"punctuation", tian.RoleReviewer, "application/json", `{"body":"。，！？……"}`, 400},
		{"unknown number", tian.RoleReviewer, "application/json", `{"number":"19990001"}`, 404},
		{"unknown field", tian.RoleReviewer, "application/json", `{"title":"关于养老的提案","k":3}`, 400},
		{"not JSON", tian.RoleReviewer, "text/plain", `关于养老的提案`, 415},
		{"a member", tian.RoleMember, "application/json", `{"title":"关于养老的提案"}`, 403},
		{"no token", tian.RoleNone, "application/json", `{"title":"关于养老的提案"}`, 401},
	}
	for _, c := range cases {
		res, b := e.do(t, c.role, "POST", "/api/v1/review", c.ct, strings.NewReader(c.body))
		var er api.ErrorResponse
		json.Unmarshal(b, &er)
		if res.StatusCode != c.status || !hasHan(er.Message) || er.RequestID == "" || strings.Contains(string(b), "categories") {
			t.Errorf("%s: %d %s, want %d with a Chinese message", c.name, res.StatusCode, b, c.status)
		}
	}
}

// A service without a reviewer says so in Chinese (503), never a 500.
func TestReviewRouteWithoutReviewer(t *testing.T) {
	e := reviewEnv(t, nil)
	res, b := e.do(t, tian.RoleReviewer, "POST", "/api/v1/review", "application/json", jsonBody(map[string]string{"title": "关于养老的提案"}))
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), "审查") {
		t.Errorf("no reviewer: %d %s", res.StatusCode, b)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
