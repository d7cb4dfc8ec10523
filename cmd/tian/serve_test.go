package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tian"
)

// service is a running `tian serve` on a fresh data directory.
type service struct {
	base, token string
	stop        func() error
}

var signinLink = regexp.MustCompile(`(http://\S+)/signin\?token=(\S+)`)

func startService(t *testing.T) *service {
	t.Helper()
	var out bytes.Buffer
	var mu sync.Mutex
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), &lockedWriter{w: &out, mu: &mu}, io.Discard
	m.seg = sharedSegmenter(t, m)
	ready := make(chan string, 1)
	m.listening = func(base string) { ready <- base }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, []string{"--data", t.TempDir(), "serve", "--addr", "127.0.0.1:0"})
		m.Close()
	}()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve ended: %v", err)
	case <-time.After(5 * time.Minute):
		cancel()
		t.Fatal("serve did not start")
	}
	mu.Lock()
	match := signinLink.FindStringSubmatch(out.String())
	mu.Unlock()
	if match == nil {
		cancel()
		t.Fatalf("the first start printed no sign-in link: %q", out.String())
	}
	s := &service{base: match[1], token: match[2], stop: func() error { cancel(); return <-done }}
	return s
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

// The first start of `tian serve` on an empty data directory loads the
// demo corpus, prints a sign-in link with an admin token, and serves the
// real parts; retraining swaps the models while requests go on, failing
// none; shutdown is graceful.
func TestServeEndToEnd(t *testing.T) {
	s := startService(t)
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

	// retrain while classifying: no request may fail during the swap
	var failed, served atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var out tian.Suggestion
				if code := s.call(t, "POST", "/api/v1/classify", text, &out); code != 200 || len(out.Labels) == 0 {
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
	deadline := time.Now().Add(10 * time.Minute)
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
		t.Errorf("%d of %d classify requests failed during retraining", failed.Load(), served.Load())
	}
	if err := s.stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}
