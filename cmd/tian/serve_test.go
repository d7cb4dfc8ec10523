package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tian/internal/slowtest"

	"tian"
)

// service is a running `tian serve` on a fresh data directory.
type service struct {
	base, token string
	stop        func() error
}

var (
	signinLink = regexp.MustCompile(`(http://\S+)/signin\?token=(\S+)`)
	madeToken  = regexp.MustCompile(`令牌 \d+（[^）]*）：(\S+)`)
)

// startService is the first start of `tian serve` on an empty data
// directory of the test's own.
func startService(t *testing.T) *service { return startServiceFor(t, true) }

// startServiceFor is the first start of `tian serve` on an empty data
// directory of the test's own: it must load the demo corpus and print a
// sign-in link with an admin token. sharedSeg gives it the test binary's
// segmenter (loaded once); a service that accepts committee words needs
// one of its own, for those words swap its segmenter's dictionary.
func startServiceFor(t *testing.T, sharedSeg bool) *service {
	t.Helper()
	return startServiceOn(t, t.TempDir(), sharedSeg, "")
}

// startServiceOn starts `tian serve` on dir. Without a token it is a
// first start, which must print a sign-in link whose admin token the
// service is called with; with one, dir already holds proposals, and the
// start must say where it serves and print no sign-in link.
func startServiceOn(t *testing.T, dir string, sharedSeg bool, token string) *service {
	t.Helper()
	var out bytes.Buffer
	var mu sync.Mutex
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), &lockedWriter{w: &out, mu: &mu}, io.Discard
	if sharedSeg {
		m.seg = sharedSegmenter(t, m)
	}
	ready := make(chan string, 1)
	m.listening = func(base string) { ready <- base }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, []string{"--data", dir, "serve", "--addr", "127.0.0.1:0"})
		m.Close()
	}()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve ended: %v", err)
	case <-time.After(5 * time.Minute):
		cancel()
		t.Fatal("serve did not start")
	}
	mu.Lock()
	printed := out.String()
	mu.Unlock()
	stop := func() error { cancel(); return <-done }
	if token == "" {
		match := signinLink.FindStringSubmatch(printed)
		if match == nil || match[1] != base {
			cancel()
			t.Fatalf("the first start on %s printed no sign-in link: %q", base, printed)
		}
		return &service{base: base, token: match[2], stop: stop}
	}
	if !strings.Contains(printed, "正在 "+base+" 提供") || strings.Contains(printed, "signin?token=") {
		cancel()
		t.Fatalf("a start on a data directory with proposals printed %q; want where it serves and no sign-in link", printed)
	}
	return &service{base: base, token: token, stop: stop}
}

// shared is one service for the tests that only read it or write
// proposals of their own, started once on a copy of the demo data
// directory with an admin token made by `tian token create`: loading the
// demo corpus into a fresh data directory is most of a first start's
// cost, more so under -race, and demoDir has paid it already. The first
// start itself (an empty directory: the demo corpus, the sign-in link)
// is startService's, which the browser tests and the adversarial suite
// against the real binary run (.ci/run).
var shared struct {
	once sync.Once
	s    *service
	t    *testing.T
}

func sharedService(t *testing.T) *service {
	t.Helper()
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "tian-shared-serve-")
		if err != nil {
			t.Fatal(err)
		}
		sharedDirs = append(sharedDirs, dir)
		if err := copyTree(demoDir(t), dir); err != nil {
			t.Fatalf("copying the demo data directory: %v", err)
		}
		shared.s = adminService(t, dir)
	})
	if shared.s == nil {
		t.Fatal("the shared service did not start")
	}
	return shared.s
}

// adminService starts `tian serve` on dir, a data directory with
// proposals, with an admin token made by `tian token create`.
func adminService(t *testing.T, dir string) *service {
	t.Helper()
	out, _, err := runIn(t, dir, "token", "create", "--role", "admin", "--name", "测试管理员")
	match := madeToken.FindStringSubmatch(out)
	if err != nil || match == nil {
		t.Fatalf("tian token create: %q, %v", out, err)
	}
	return startServiceOn(t, dir, true, match[1])
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (s *service) call(t *testing.T, method, path string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+path, r)
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

// `tian serve` on the demo data directory serves the real parts, also to
// the CLI through --server.
func TestServeEndToEnd(t *testing.T) {
	s := sharedService(t)
	if code := s.call(t, "GET", "/readyz", nil, nil); code != 200 {
		t.Fatalf("readyz %d", code)
	}
	var sg tian.Suggestion
	text := map[string]any{"title": "关于加快发展社区嵌入式养老服务的提案", "body": "城东区近四成社区没有养老服务站点，建议建设嵌入式养老服务设施。"}
	if code := s.call(t, "POST", "/api/v1/classify", text, &sg); code != 200 || sg.Labels[0].Label != "社会建设" {
		t.Errorf("classify: %d %+v", code, sg)
	}
	var res tian.SearchResult
	if code := s.call(t, "GET", "/api/v1/search?q=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF", nil, &res); code != 200 || res.Total < 10 {
		t.Errorf("search: %d, %d hits", code, res.Total)
	}
	var rt tian.Routing
	if code := s.call(t, "POST", "/api/v1/route", text, &rt); code != 200 || len(rt.Lead) == 0 {
		t.Errorf("route: %d %+v", code, rt)
	}
	var groups struct{ Groups []tian.Group }
	if code := s.call(t, "GET", "/api/v1/groups?year=2024", nil, &groups); code != 200 || len(groups.Groups) < 10 {
		t.Errorf("groups: %d, %d groups", code, len(groups.Groups))
	}
	var stats struct{ Report string }
	if code := s.call(t, "GET", "/api/v1/stats?year=2023", nil, &stats); code != 200 || !strings.HasPrefix(stats.Report, "2023年全年共收到提案") {
		t.Errorf("stats: %d %q", code, stats.Report)
	}

	// the CLI through the service: --server and --token
	out, _, err := runMain(t, "", "--server", s.base, "--token", s.token, "classify", "--json", "关于加快发展社区嵌入式养老服务的提案\n城东区社区养老服务站点不足。")
	if err != nil || !strings.Contains(out, `"label": "社会建设"`) {
		t.Errorf("classify --server: %q, %v", out, err)
	}
	out, _, err = runMain(t, "", "--server", s.base, "--token", s.token, "search", "加装电梯", "--json")
	if err != nil || !strings.Contains(out, "<mark>加装电梯</mark>") {
		t.Errorf("search --server: %.200q, %v", out, err)
	}
	if _, _, err := runMain(t, "", "--server", s.base, "--token", "tian_wrong", "similar", "20210205"); tian.ErrorCode(err) != tian.EUNAUTH {
		t.Errorf("a wrong token through the client: err = %v, want unauthorized", err)
	}
}

// Retraining swaps the models while classify, search and writes go on,
// failing none; shutdown is graceful. A slow gate (it retrains twice the
// demo corpus's models), run by .ci/run under the race detector.
func TestRetrainUnderLoad(t *testing.T) {
	slowtest.Gate(t)
	s := startService(t)
	text := map[string]any{"title": "关于加快发展社区嵌入式养老服务的提案", "body": "城东区近四成社区没有养老服务站点，建议建设嵌入式养老服务设施。"}
	// retrain while classifying: no request may fail during the swap
	var failed, served atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// classify, search and write at once while the models are retrained
	work := []func(i int) bool{
		func(int) bool {
			var out tian.Suggestion
			return s.call(t, "POST", "/api/v1/classify", text, &out) == 200 && len(out.Labels) > 0
		},
		func(int) bool {
			var out tian.SearchResult
			return s.call(t, "GET", "/api/v1/search?q=%E5%85%BB%E8%80%81", nil, &out) == 200 && out.Total > 0
		},
		func(i int) bool {
			p := tian.Proposal{Number: fmt.Sprintf("2026%04d", i), Year: 2026, Title: "关于城南区增设第" + fmt.Sprint(i) + "条公交线路的提案",
				Body: "城南区大学城公交线路少，建议增设线路。"}
			return s.call(t, "POST", "/api/v1/proposals", p, nil) == 201
		},
	}
	for _, do := range work {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if !do(i) {
					failed.Add(1)
				}
				served.Add(1)
				time.Sleep(50 * time.Millisecond) // within the token's rate limit
			}
		}()
	}
	if code := s.call(t, "POST", "/api/v1/train", nil, nil); code != 202 {
		t.Fatalf("train: %d", code)
	}
	var status struct {
		Running bool
		Steps   []string
		Error   string
	}
	// training every model takes a minute, and over half an hour under
	// -race (the category model's selection fits 36 models): wait while
	// the test's own deadline allows
	deadline := time.Now().Add(30 * time.Minute)
	if d, ok := t.Deadline(); ok {
		deadline = d.Add(-time.Minute)
	}
	for {
		time.Sleep(500 * time.Millisecond)
		s.call(t, "GET", "/api/v1/train", nil, &status)
		if !status.Running || time.Now().After(deadline) {
			break
		}
	}
	close(stop)
	wg.Wait()
	if status.Running || status.Error != "" || len(status.Steps) < 2 {
		t.Errorf("training: %+v", status)
	}
	if failed.Load() > 0 || served.Load() < 10 {
		t.Errorf("%d of %d requests failed during retraining", failed.Load(), served.Load())
	}
	if err := s.stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// Every route on the real store and index: refused without a token and
// with a lower role, answered with its own role; malformed input gets a
// 4xx with a JSON code, never a 5xx.
func TestEveryRouteOnRealParts(t *testing.T) {
	s := sharedService(t)
	tokens := map[tian.Role]string{tian.RoleAdmin: s.token}
	for _, r := range []tian.Role{tian.RoleMember, tian.RoleReviewer, tian.RoleStaff} {
		var created struct{ Secret string }
		if code := s.call(t, "POST", "/api/v1/tokens", map[string]string{"name": r.String(), "role": r.String()}, &created); code != 201 {
			t.Fatalf("creating a %s token: %d", r, code)
		}
		tokens[r] = created.Secret
	}
	text := map[string]any{"title": "关于加快发展社区嵌入式养老服务的提案", "body": "城东区社区养老服务站点不足。"}
	routes := []struct {
		method, path string
		body         any
		role         tian.Role
		status       int
	}{
		{"GET", "/api/v1/proposals?year=2024&limit=5", nil, tian.RoleMember, 200},
		{"GET", "/api/v1/proposals/20210205", nil, tian.RoleMember, 200},
		{"GET", "/api/v1/proposals/20210205/similar?k=3", nil, tian.RoleMember, 200},
		{"POST", "/api/v1/similar", text, tian.RoleMember, 200},
		{"GET", "/api/v1/search?q=%E5%85%BB%E8%80%81&year=2024", nil, tian.RoleMember, 200},
		{"GET", "/api/v1/stats?year=2024", nil, tian.RoleMember, 200},
		{"GET", "/api/v1/units", nil, tian.RoleMember, 200},
		{"GET", "/api/v1/categories", nil, tian.RoleMember, 200},
		{"GET", "/api/openapi.yaml", nil, tian.RoleMember, 200},
		{"POST", "/api/v1/classify", text, tian.RoleReviewer, 200},
		{"POST", "/api/v1/route", text, tian.RoleReviewer, 200},
		{"POST", "/api/v1/feedback", map[string]any{"number": "20210205", "kind": "category", "suggested": "社会建设", "chosen": "社会建设"}, tian.RoleReviewer, 201},
		{"GET", "/api/v1/groups?year=2023", nil, tian.RoleStaff, 200},
		{"GET", "/api/v1/export?format=jsonl&year=2021", nil, tian.RoleStaff, 200},
		{"GET", "/api/v1/train", nil, tian.RoleStaff, 200},
		{"GET", "/metrics", nil, tian.RoleStaff, 200},
		{"POST", "/api/v1/proposals", map[string]any{"number": "20269001", "year": 2026, "title": "关于在高铁南站增设共享单车停放点的提案", "body": "出站口单车乱停。"}, tian.RoleStaff, 201},
		{"PUT", "/api/v1/proposals/20269001", map[string]any{"year": 2026, "title": "关于在高铁南站增设电子围栏停放点的提案", "body": "出站口单车乱停。"}, tian.RoleStaff, 200},
		{"DELETE", "/api/v1/proposals/20269001", nil, tian.RoleStaff, 204},
		{"GET", "/api/v1/tokens", nil, tian.RoleAdmin, 200},
	}
	as := func(role tian.Role, method, path string, body any) int {
		saved := s.token
		s.token = tokens[role]
		if role == tian.RoleNone {
			s.token = ""
		}
		defer func() { s.token = saved }()
		return s.call(t, method, path, body, nil)
	}
	for _, r := range routes {
		if code := as(tian.RoleNone, r.method, r.path, r.body); code != 401 {
			t.Errorf("%s %s without a token: %d", r.method, r.path, code)
		}
		if r.role > tian.RoleMember {
			if code := as(r.role-1, r.method, r.path, r.body); code != 403 {
				t.Errorf("%s %s as %s: %d", r.method, r.path, r.role-1, code)
			}
		}
		if code := as(r.role, r.method, r.path, r.body); code != r.status {
			t.Errorf("%s %s as %s: %d, want %d", r.method, r.path, r.role, code, r.status)
		}
	}
	// a multipart upload through the real import, then found by search
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "2026.csv")
	fw.Write([]byte("提案号,年度,标题,内容,类别\n20269101,2026,关于在东湖湿地公园设立观鸟点的提案,东湖湿地公园候鸟增多，建议设立观鸟点和科普标识。,生态文明建设\n"))
	mw.Close()
	req, _ := http.NewRequest("POST", s.base+"/api/v1/import", &buf)
	req.Header.Set("Authorization", "Bearer "+tokens[tian.RoleStaff])
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var rep tian.ImportReport
	json.NewDecoder(res.Body).Decode(&rep)
	res.Body.Close()
	if res.StatusCode != 200 || rep.Inserted != 1 || rep.File != "2026.csv" {
		t.Errorf("import: %d %+v", res.StatusCode, rep)
	}
	var found tian.SearchResult
	s.call(t, "GET", "/api/v1/search?q=%E8%A7%82%E9%B8%9F%E7%82%B9", nil, &found)
	hit := false
	for _, h := range found.Hits {
		hit = hit || h.Number == "20269101"
	}
	if !hit {
		t.Errorf("the imported proposal is not found by search: %+v", found.Hits)
	}
	var created struct{ Token tian.APIToken }
	s.call(t, "POST", "/api/v1/tokens", map[string]string{"name": "temp", "role": "member"}, &created)
	if code := s.call(t, "DELETE", "/api/v1/tokens/"+strconvItoa(created.Token.ID), nil, nil); code != 204 {
		t.Errorf("revoke: %d", code)
	}
	for _, bad := range []struct{ method, path, body string }{
		{"POST", "/api/v1/classify", `{"title": 5}`},
		{"POST", "/api/v1/classify", strings.Repeat("x", 3<<20)},
		{"POST", "/api/v1/similar", `{"body":"养老","k":-3}`},
		{"GET", "/api/v1/search?q=" + strings.Repeat("%E5%85%BB+", 10_000), ""},
		{"GET", "/api/v1/search?facets=" + strings.Repeat("category,", 20_000), ""},
		{"GET", "/api/v1/search?page=5000&size=100", ""},
		{"GET", "/api/v1/search?facets=category,year,lead_unit,unit,proposer_type,status,session,year", ""},
		{"GET", "/api/v1/search?facet_size=100000", ""},
		{"GET", "/api/v1/groups?numbers=" + strings.Repeat("1,", 25000) + "&year=0", ""},
		{"POST", "/api/v1/route", `[]`},
		{"PUT", "/api/v1/proposals/19990001", `{"title":"关于不存在的提案"}`},
		// a 1 MB proposal
		{"POST", "/api/v1/proposals", `{"number":"20269201","title":"关于超长的提案","body":"` + strings.Repeat("长", 350_000) + `"}`},
		// a 50 MB upload
		{"POST", "/api/v1/import", strings.Repeat("x", 51<<20)},
	} {
		req, _ := http.NewRequest(bad.method, s.base+bad.path, strings.NewReader(bad.body))
		req.Header.Set("Authorization", "Bearer "+s.token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e struct{ Code, Message string }
		json.NewDecoder(res.Body).Decode(&e)
		res.Body.Close()
		if res.StatusCode < 400 || res.StatusCode >= 500 || e.Code == "" || e.Message == "" {
			t.Errorf("%s %.60s: %d %+v, want a 4xx with a code and message", bad.method, bad.path, res.StatusCode, e)
		}
	}
}

func strconvItoa(n int64) string { return fmt.Sprint(n) }
