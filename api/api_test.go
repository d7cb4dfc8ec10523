package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"tian"
	"tian/api"
)

// fakeServices answers from fixed, realistic data, so that these tests
// exercise HTTP: routing, access control, validation and JSON shapes. The
// end-to-end tests in cmd/tian run the real parts behind the same server.
type fakeServices struct {
	mu         sync.Mutex
	catchUp    int
	catchUpErr error         // what CatchUp fails with, if anything
	spaceErr   error         // what CheckSpace fails with, if anything
	importing  chan struct{} // when set, imports wait for it to close
	trained    chan struct{}
}

func (f *fakeServices) Search(_ context.Context, req tian.SearchRequest) (*tian.SearchResult, error) {
	if req.Size > 100 {
		return nil, tian.Errorf(tian.EINVALID, "size must be between 1 and 100")
	}
	return &tian.SearchResult{Total: 1, Page: 1, Size: 10, Hits: []tian.Hit{{Number: "20210205", Title: "关于简化老旧小区加装电梯审批流程的提案",
		TitleHTML: "关于简化老旧小区<mark>加装电梯</mark>审批流程的提案"}}, Facets: map[string][]tian.Count{"category": {{Name: "社会建设", Count: 1}}}}, nil
}

func (f *fakeServices) Similar(_ context.Context, req tian.SimilarRequest) ([]tian.Match, error) {
	if req.Number == "19990001" {
		return nil, tian.Errorf(tian.ENOTFOUND, "没有提案号为%s的提案", req.Number)
	}
	return []tian.Match{{Number: "20220205", Title: "关于进一步简化老旧小区加装电梯审批流程的提案", Score: 0.865, Kind: tian.MatchCopy,
		SharedTerms: []string{"加装电梯"}}}, nil
}

func (f *fakeServices) Groups(_ context.Context, req tian.GroupRequest) ([]tian.Group, error) {
	if req.Year == 0 {
		return nil, tian.Errorf(tian.EINVALID, "say which proposals to group")
	}
	return []tian.Group{{Label: []string{"加装电梯"}, Members: []tian.GroupMember{{Number: "20240201", Title: "关于成片加装电梯的提案", Reason: []string{"加装电梯"}}}}}, nil
}

func (f *fakeServices) Classify(_ context.Context, title, body string, k int) (*tian.Suggestion, error) {
	return &tian.Suggestion{Labels: []tian.Scored{{Label: "社会建设", Prob: 0.95}}, Evidence: []tian.Evidence{{Term: "养老服务", Weight: 0.2}}, Model: "category-test"}, nil
}

func (f *fakeServices) Route(_ context.Context, req tian.RouteRequest) (*tian.Routing, error) {
	return &tian.Routing{Lead: []tian.UnitSuggestion{{Unit: "市民政局", Score: 0.8}}, Model: "router-test"}, nil
}

func (f *fakeServices) CatchUp(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.catchUp++
	return f.catchUpErr
}

func (f *fakeServices) IndexStatus(context.Context) tian.IndexStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.catchUpErr != nil {
		return tian.IndexStatus{Behind: 1, Error: tian.ErrorMessage(f.catchUpErr)}
	}
	return tian.IndexStatus{}
}

func (f *fakeServices) CheckSpace(int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.spaceErr
}

func (f *fakeServices) Import(ctx context.Context, req tian.FileImport) (*tian.ImportReport, error) {
	if f.importing != nil {
		<-f.importing
	}
	b, err := os.ReadFile(req.Path)
	if err != nil {
		return nil, err
	}
	rows := bytes.Count(b, []byte("\n")) - 1
	if req.Progress != nil {
		req.Progress(rows, rows)
	}
	return &tian.ImportReport{File: req.Name, Rows: rows, Committed: true, Mapping: []tian.ColumnMapping{}, Unmapped: []string{}}, f.CatchUp(ctx)
}

func (f *fakeServices) Export(_ context.Context, w io.Writer, format string, _ tian.ProposalFilter) error {
	_, err := io.WriteString(w, "提案号,标题\n20210205,关于简化老旧小区加装电梯审批流程的提案\n")
	return err
}

func (f *fakeServices) ExportGroups(w io.Writer, _ []tian.Group) error {
	_, err := w.Write([]byte("PK"))
	return err
}

func (f *fakeServices) ExportDuplicates(w io.Writer, rep *tian.DuplicateReport) error {
	_, err := fmt.Fprintf(w, "PK %d", len(rep.Pairs))
	return err
}

func (f *fakeServices) ExportStats(w io.Writer, s *tian.Stats) error {
	_, err := io.WriteString(w, "PK "+s.Report())
	return err
}

func (f *fakeServices) Train(context.Context, func(string)) (string, error) {
	if f.trained != nil {
		<-f.trained
	}
	return "category-new", nil
}

func (f *fakeServices) Versions() map[string]string {
	return map[string]string{"category": "category-test"}
}

// memStore is an in-memory tian.Store and tian.TokenStore.
type memStore struct {
	mu        sync.Mutex
	proposals map[string]*tian.Proposal
	tokens    map[string]*tian.APIToken
	sessions  map[string]int64 // session secret → token id
	audit     []string
	feedback  []tian.Feedback
}

func newMemStore() *memStore {
	return &memStore{proposals: map[string]*tian.Proposal{"20210205": {Number: "20210205", Year: 2021,
		Title: "关于简化老旧小区加装电梯审批流程的提案", Body: "城东区建设路街道加装电梯审批慢。", Category: "社会建设"}},
		tokens: map[string]*tian.APIToken{}, sessions: map[string]int64{}}
}

func (m *memStore) Proposal(_ context.Context, n string) (*tian.Proposal, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p, ok := m.proposals[n]; ok {
		q := *p
		return &q, nil
	}
	return nil, tian.Errorf(tian.ENOTFOUND, "没有提案号为%s的提案", n)
}
func (m *memStore) ProposalsByNumber(context.Context, []string) (map[string]*tian.Proposal, error) {
	return nil, nil
}
func (m *memStore) Changes(context.Context, int64, int) ([]tian.Change, error) { return nil, nil }
func (m *memStore) Proposals(context.Context, tian.ProposalFilter) ([]*tian.Proposal, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*tian.Proposal
	for _, p := range m.proposals {
		out = append(out, p)
	}
	return out, nil
}
func (m *memStore) ListProposals(ctx context.Context, f tian.ProposalFilter, offset, limit int) (*tian.ProposalPage, error) {
	ps, _ := m.Proposals(ctx, f)
	n := len(ps)
	return &tian.ProposalPage{Total: n, Offset: offset, Proposals: ps[min(offset, n):min(offset+limit, n)]}, nil
}
func (m *memStore) CountProposals(context.Context) (int, error) { return len(m.proposals), nil }
func (m *memStore) ImportProposals(_ context.Context, recs []tian.Record, opt tian.ImportOptions) (*tian.ImportReport, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rep := &tian.ImportReport{Committed: true}
	for _, r := range recs {
		p := r.Proposal
		if probs := p.Check(); len(probs) > 0 {
			rep.Errors = append(rep.Errors, tian.RowError{Row: r.Row, Column: probs[0].Field, Message: probs[0].Message})
			continue
		}
		m.proposals[p.Number] = &p
		rep.Inserted++
	}
	m.audit = append(m.audit, opt.Actor+" import")
	return rep, nil
}
func (m *memStore) DeleteProposal(_ context.Context, n, actor string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.proposals[n]; !ok {
		return tian.Errorf(tian.ENOTFOUND, "no %s", n)
	}
	delete(m.proposals, n)
	m.audit = append(m.audit, actor+" delete "+n)
	return nil
}
func (m *memStore) AddFeedback(_ context.Context, f tian.Feedback) (int64, error) {
	if f.Kind != "category" && f.Kind != "lead_unit" && f.Kind != "co_unit" {
		return 0, tian.Errorf(tian.EINVALID, "feedback kind %q", f.Kind)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.feedback = append(m.feedback, f)
	return int64(len(m.feedback)), nil
}
func (m *memStore) Stats(_ context.Context, year int) (*tian.Stats, error) {
	return &tian.Stats{Year: year, Received: 743, Reviewed: 743, Filed: 618, Rejected: 125, FilingRate: tian.Percent(618, 743),
		Members: 465, Collective: 153}, nil
}
func (m *memStore) Units(context.Context) ([]tian.Unit, error) {
	return []tian.Unit{{Name: "市民政局"}}, nil
}
func (m *memStore) Categories(context.Context) ([]tian.Category, error) { return nil, nil }
func (m *memStore) CreateToken(_ context.Context, name string, role tian.Role, actor string) (string, *tian.APIToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	sec := "tian_secret_" + name
	t := &tian.APIToken{ID: int64(len(m.tokens) + 1), Name: name, Role: role.String()}
	m.tokens[sec] = t
	return sec, t, nil
}
func (m *memStore) Tokens(context.Context) ([]tian.APIToken, error) { return nil, nil }
func (m *memStore) RevokeToken(_ context.Context, id int64, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for s, t := range m.tokens {
		if t.ID == id {
			delete(m.tokens, s)
			return nil
		}
	}
	return tian.Errorf(tian.ENOTFOUND, "no token %d", id)
}
func (m *memStore) Authenticate(_ context.Context, sec string) (*tian.APIToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.tokens[sec]; ok {
		return t, nil
	}
	return nil, tian.Errorf(tian.EUNAUTH, "unknown token")
}
func (m *memStore) CreateSession(_ context.Context, id int64, _ time.Duration) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	sec := fmt.Sprintf("tians_session_%d_%d", id, len(m.sessions))
	m.sessions[sec] = id
	return sec, nil
}
func (m *memStore) SessionToken(_ context.Context, sec string) (*tian.APIToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id, ok := m.sessions[sec]; ok {
		for _, t := range m.tokens {
			if t.ID == id {
				return t, nil
			}
		}
	}
	return nil, tian.Errorf(tian.EUNAUTH, "登录已失效")
}
func (m *memStore) DeleteSession(_ context.Context, sec string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, sec)
	return nil
}
func (m *memStore) Audit(_ context.Context, actor, action, target, detail string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.audit = append(m.audit, actor+" "+action)
	return nil
}

type env struct {
	srv    *httptest.Server
	store  *memStore
	svc    *fakeServices
	tokens map[tian.Role]string
}

func newEnv(t testing.TB, cfg api.Config) *env {
	t.Helper()
	e := &env{store: newMemStore(), svc: &fakeServices{}, tokens: map[tian.Role]string{}}
	parts := api.Parts{Store: e.store, Tokens: e.store, Search: e.svc, Relate: e.svc, Suggest: e.svc, Models: e.svc,
		Import: e.svc, Export: e.svc, Stats: e.store, Health: e.svc}
	s := api.NewServer(parts, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	e.srv = httptest.NewServer(s.Handler())
	t.Cleanup(e.srv.Close)
	for _, r := range []tian.Role{tian.RoleMember, tian.RoleReviewer, tian.RoleStaff, tian.RoleAdmin} {
		sec, _, _ := e.store.CreateToken(context.Background(), r.String(), r, "test")
		e.tokens[r] = sec
	}
	return e
}

func (e *env) do(t testing.TB, role tian.Role, method, path, contentType string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if role != tian.RoleNone {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

// Every protected route refuses a missing token and a token of a lower
// role, and admits its own role.
func TestAccessControl(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	routes := []struct {
		method, path string
		role         tian.Role
	}{
		{"GET", "/api/v1/proposals", tian.RoleMember},
		{"GET", "/api/v1/proposals/20210205", tian.RoleMember},
		{"GET", "/api/v1/search?q=加装电梯", tian.RoleMember},
		{"GET", "/api/v1/proposals/20210205/similar", tian.RoleMember},
		{"GET", "/api/v1/stats", tian.RoleMember},
		{"GET", "/api/openapi.yaml", tian.RoleMember},
		{"POST", "/api/v1/classify", tian.RoleReviewer},
		{"POST", "/api/v1/route", tian.RoleReviewer},
		{"GET", "/api/v1/groups?year=2024", tian.RoleStaff},
		{"GET", "/api/v1/export?format=csv", tian.RoleStaff},
		{"GET", "/metrics", tian.RoleStaff},
		{"GET", "/api/v1/train", tian.RoleStaff},
		{"GET", "/api/v1/tokens", tian.RoleAdmin},
	}
	for _, r := range routes {
		body := func() io.Reader {
			return jsonBody(api.TextRequest{Title: "关于加快发展社区嵌入式养老服务的提案"})
		}
		if res, b := e.do(t, tian.RoleNone, r.method, r.path, "application/json", body()); res.StatusCode != http.StatusUnauthorized || !bytes.Contains(b, []byte(`"code":"unauthorized"`)) {
			t.Errorf("%s %s without a token: %d %s", r.method, r.path, res.StatusCode, b)
		}
		if r.role > tian.RoleMember {
			if res, b := e.do(t, r.role-1, r.method, r.path, "application/json", body()); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s with a %s token: %d %s", r.method, r.path, r.role-1, res.StatusCode, b)
			}
		}
		if res, b := e.do(t, r.role, r.method, r.path, "application/json", body()); res.StatusCode != http.StatusOK {
			t.Errorf("%s %s with a %s token: %d %s", r.method, r.path, r.role, res.StatusCode, b)
		}
	}
	for _, open := range []string{"/healthz", "/readyz", "/signin"} {
		if res, _ := e.do(t, tian.RoleNone, "GET", open, "", nil); res.StatusCode != http.StatusOK {
			t.Errorf("%s should be open: %d", open, res.StatusCode)
		}
	}
	if res, _ := e.do(t, tian.RoleNone, "GET", "/", "", nil); res.Request.URL.Path != "/signin" {
		t.Errorf("the pages without sign-in end at %s, want /signin", res.Request.URL.Path)
	}
}

// Malformed and oversized input gets a 4xx with a JSON code and message,
// never a 5xx.
func TestBadInputGets4xx(t *testing.T) {
	cfg := api.DefaultConfig()
	cfg.MaxBodyBytes = 1 << 10
	e := newEnv(t, cfg)
	big := strings.Repeat("养老", 2000)
	cases := []struct {
		method, path, ct, body string
		role                   tian.Role
		status                 int
	}{
		{"POST", "/api/v1/classify", "application/json", `{"title": "关于`, tian.RoleReviewer, 400},
		{"POST", "/api/v1/classify", "application/json", `{"text": "x"}`, tian.RoleReviewer, 400},
		{"POST", "/api/v1/classify", "application/json", `{}`, tian.RoleReviewer, 400},
		{"POST", "/api/v1/classify", "application/json", `{"title":"a"} {"title":"b"}`, tian.RoleReviewer, 400},
		{"POST", "/api/v1/classify", "application/json", `{"title":"` + big + `"}`, tian.RoleReviewer, 413},
		{"POST", "/api/v1/classify", "application/json", `{"title":"关于","k":1000}`, tian.RoleReviewer, 400},
		{"GET", "/api/v1/search?size=abc", "", "", tian.RoleMember, 400},
		{"GET", "/api/v1/search?size=100000", "", "", tian.RoleMember, 400},
		{"GET", "/api/v1/proposals?limit=0", "", "", tian.RoleMember, 400},
		{"GET", "/api/v1/proposals/19990001", "", "", tian.RoleMember, 404},
		{"GET", "/api/v1/proposals/19990001/similar", "", "", tian.RoleMember, 404},
		{"GET", "/api/v1/groups?threshold=7&year=2024", "", "", tian.RoleStaff, 400},
		{"GET", "/api/v1/groups", "", "", tian.RoleStaff, 400},
		{"GET", "/api/v1/export?format=pdf", "", "", tian.RoleStaff, 400},
		{"POST", "/api/v1/proposals", "application/json", `{"number":"20260001","title":""}`, tian.RoleStaff, 400},
		{"POST", "/api/v1/proposals", "application/json", `{"number":"20210205","title":"关于重复的提案"}`, tian.RoleStaff, 409},
		{"POST", "/api/v1/proposals", "application/json", `{"number":"20260001","title":"关于归档的提案","status":"归档"}`, tian.RoleStaff, 400},
		{"PUT", "/api/v1/proposals/20210205", "application/json", `{"number":"20210206","title":"关于的提案"}`, tian.RoleStaff, 400},
		{"DELETE", "/api/v1/proposals/19990001", "", "", tian.RoleStaff, 404},
		{"POST", "/api/v1/feedback", "application/json", `{"kind":"mood","chosen":"x"}`, tian.RoleReviewer, 400},
		{"POST", "/api/v1/import", "text/plain", "no form", tian.RoleStaff, 400},
		{"POST", "/api/v1/tokens", "application/json", `{"name":"x","role":"king"}`, tian.RoleAdmin, 400},
		{"DELETE", "/api/v1/tokens/abc", "", "", tian.RoleAdmin, 400},
		{"GET", "/api/v1/nothing", "", "", tian.RoleMember, 404},
		{"PATCH", "/api/v1/proposals", "", "", tian.RoleStaff, 400},
	}
	for _, c := range cases {
		res, b := e.do(t, c.role, c.method, c.path, c.ct, strings.NewReader(c.body))
		var er api.ErrorResponse
		if res.StatusCode != c.status || json.Unmarshal(b, &er) != nil || er.Code == "" || er.Message == "" {
			t.Errorf("%s %s %.40q: %d %s, want %d with a JSON code and message", c.method, c.path, c.body, res.StatusCode, b, c.status)
		}
		if res.Header.Get("X-Request-ID") == "" {
			t.Errorf("%s %s: no request id", c.method, c.path)
		}
	}
}

func TestProposalWritesAndImportUpdateIndex(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	// a status and proposer type as an integrator writes them are kept as
	// the office's words
	p := tian.Proposal{Number: "20260001", Year: 2026, Title: "关于城南区增设公交线路的提案", Body: "城南区大学城公交线路少。", Status: "filed", ProposerType: "个人"}
	res, b := e.do(t, tian.RoleStaff, "POST", "/api/v1/proposals", "application/json", jsonBody(p))
	if res.StatusCode != http.StatusCreated || !bytes.Contains(b, []byte("20260001")) {
		t.Fatalf("create: %d %s", res.StatusCode, b)
	}
	if got := e.store.proposals["20260001"]; got.Status != tian.StatusFiled || got.ProposerType != tian.ProposerMember {
		t.Errorf("stored status %q, proposer type %q; want 立案 and 委员", got.Status, got.ProposerType)
	}
	p.Status, p.ProposerType = "", ""
	p.Title = "关于城南区大学城增设公交线路的提案"
	if res, b := e.do(t, tian.RoleStaff, "PUT", "/api/v1/proposals/20260001", "application/json", jsonBody(p)); res.StatusCode != 200 || !bytes.Contains(b, []byte("大学城增设")) {
		t.Errorf("update: %d %s", res.StatusCode, b)
	}
	if res, _ := e.do(t, tian.RoleStaff, "DELETE", "/api/v1/proposals/20260001", "", nil); res.StatusCode != http.StatusNoContent {
		t.Errorf("delete: %d", res.StatusCode)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "2026.csv")
	fw.Write([]byte("提案号,标题\n20260002,关于加强湿地保护的提案\n20260003,关于推进古城夜游的提案\n"))
	mw.Close()
	res, b = e.do(t, tian.RoleStaff, "POST", "/api/v1/import", mw.FormDataContentType(), &buf)
	var rep tian.ImportReport
	if res.StatusCode != 200 || json.Unmarshal(b, &rep) != nil || rep.File != "2026.csv" || rep.Rows != 2 {
		t.Errorf("import: %d %s", res.StatusCode, b)
	}
	if e.svc.catchUp < 3 {
		t.Errorf("the index caught up %d times after three writes", e.svc.catchUp)
	}
	if len(e.store.audit) == 0 || !strings.HasPrefix(e.store.audit[0], "token:staff") {
		t.Errorf("writes were not audited with their token: %v", e.store.audit)
	}
}

func TestFeedbackTokensTraining(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	res, b := e.do(t, tian.RoleReviewer, "POST", "/api/v1/feedback", "application/json",
		jsonBody(tian.Feedback{Number: "20210205", Kind: "category", Suggested: "经济建设", Chosen: "社会建设"}))
	if res.StatusCode != http.StatusCreated || !bytes.Contains(b, []byte(`"accepted":false`)) || e.store.feedback[0].Actor != "token:reviewer" {
		t.Errorf("feedback: %d %s %+v", res.StatusCode, b, e.store.feedback)
	}
	res, b = e.do(t, tian.RoleAdmin, "POST", "/api/v1/tokens", "application/json", jsonBody(api.TokenRequest{Name: "李审查", Role: "reviewer"}))
	var created struct {
		Token  tian.APIToken `json:"token"`
		Secret string        `json:"secret"`
	}
	if res.StatusCode != http.StatusCreated || json.Unmarshal(b, &created) != nil || created.Secret == "" {
		t.Fatalf("create token: %d %s", res.StatusCode, b)
	}
	if res, _ := e.do(t, tian.RoleAdmin, "DELETE", "/api/v1/tokens/"+itoa(created.Token.ID), "", nil); res.StatusCode != http.StatusNoContent {
		t.Errorf("revoke: %d", res.StatusCode)
	}
	e.svc.trained = make(chan struct{})
	if res, _ := e.do(t, tian.RoleStaff, "POST", "/api/v1/train", "", nil); res.StatusCode != http.StatusAccepted {
		t.Errorf("train: %d", res.StatusCode)
	}
	if res, _ := e.do(t, tian.RoleStaff, "POST", "/api/v1/train", "", nil); res.StatusCode != http.StatusConflict {
		t.Errorf("second train while running: %d", res.StatusCode)
	}
	close(e.svc.trained)
}

func TestRateLimit(t *testing.T) {
	cfg := api.DefaultConfig()
	cfg.RatePerSecond, cfg.RateBurst = 1, 3
	e := newEnv(t, cfg)
	limited := 0
	for range 10 {
		if res, _ := e.do(t, tian.RoleMember, "GET", "/api/v1/stats", "", nil); res.StatusCode == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited < 5 {
		t.Errorf("%d of 10 quick requests were limited, want most", limited)
	}
}

// The OpenAPI document lists exactly the routes the server has.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	_, doc := e.do(t, tian.RoleMember, "GET", "/api/openapi.yaml", "", nil)
	documented := map[string]bool{}
	path := ""
	pathRe := regexp.MustCompile(`^  (/[^:]*):\s*$`)
	methodRe := regexp.MustCompile(`^    (get|post|put|delete|patch):`)
	for _, line := range strings.Split(string(doc), "\n") {
		if m := pathRe.FindStringSubmatch(line); m != nil {
			path = m[1]
		} else if m := methodRe.FindStringSubmatch(line); m != nil && path != "" {
			documented[strings.ToUpper(m[1])+" "+path] = true
		}
	}
	served := map[string]bool{"GET /healthz": true, "GET /readyz": true}
	for _, r := range api.Routes() {
		served[r] = true
	}
	for r := range served {
		if !documented[r] {
			t.Errorf("route %s is not in openapi.yaml", r)
		}
	}
	for r := range documented {
		if !served[r] {
			t.Errorf("openapi.yaml documents %s, which the server does not serve", r)
		}
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
