package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"tian"
	"tian/api"
	"tian/internal/diskspace/disktest"
)

// TestDiskFull runs a real `tian serve` on a 96 MB tmpfs data directory
// and, 10 times, writes, fills the disk to the last byte, writes and reads
// again, frees the disk and waits for the index to catch up. Writes on the
// full disk get 507 insufficient_storage (or are acknowledged), never 500;
// reads succeed; the process lives through all of it; and every write the
// service acknowledged is in the store and found by search afterwards.
// .ci/run runs it (TIAN_DISKFULL=1); it needs root to mount the tmpfs.
func TestDiskFull(t *testing.T) {
	if os.Getenv("TIAN_DISKFULL") == "" {
		t.Skip("set TIAN_DISKFULL=1 (.ci/run does)")
	}
	dir := disktest.Tmpfs(t, 96<<20)
	bin := filepath.Join(t.TempDir(), "tian")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s, alive := serveBinary(t, bin, dir)
	want := map[string]string{} // acknowledged: number → title, "" if deleted
	for round := 1; round <= 10; round++ {
		r := &fullDiskRound{t: t, s: s, n: round, want: want}
		r.writes("room")
		free := disktest.FillTo(t, dir, 8<<20)
		r.writes("tight") // past --min-free, short of the index's reserve
		r.tightBehind = r.behind()
		free()
		free = disktest.Fill(t, dir)
		r.writes("full")
		r.reads()
		alive()
		free()
		r.caughtUp()
		alive()
		r.verify()
		t.Logf("round %d: with room %v; 8 MB free %v, index behind %d; disk full %v (%d reads fine); index caught up in %s; %d acknowledged proposals all there",
			round, r.status["room"], r.status["tight"], r.tightBehind, r.status["full"], r.readsOK, r.catchUp.Round(100*time.Millisecond), len(want))
	}
}

// serveBinary starts bin serve, keeping 1 MB free for writes (the index
// keeps its default 64 MB), on the empty data directory dir (the first
// start loads the demo corpus and prints a sign-in link with an admin
// token) and waits until it is ready. alive fails the test, with the
// end of the service's stderr, once the process has died.
func serveBinary(t *testing.T, bin, dir string) (s *service, alive func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--data", dir, "serve", "--addr", addr, "--min-free", fmt.Sprint(1<<20))
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	var mu sync.Mutex
	cmd.Stderr = &lockedWriter{w: &stderr, mu: &mu}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	alive = func() {
		t.Helper()
		select {
		case <-exited:
			mu.Lock()
			defer mu.Unlock()
			tail := stderr.String()
			tail = tail[max(len(tail)-4000, 0):]
			t.Fatalf("tian serve died (%v):\n%s", cmd.ProcessState, tail)
		default:
		}
	}
	link := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := signinLink.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case link <- m:
				default:
				}
			}
		}
	}()
	select {
	case m := <-link:
		s = &service{base: "http://" + addr, token: m[2], stop: func() error { return cmd.Process.Signal(os.Interrupt) }}
	case <-exited:
		alive()
	case <-time.After(5 * time.Minute):
		t.Fatal("tian serve printed no sign-in link in 5 minutes")
	}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if res, err := http.Get(s.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, alive
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("tian serve was not ready in 2 minutes")
		}
		alive()
	}
}

// fullDiskRound is one round of TestDiskFull.
type fullDiskRound struct {
	t       *testing.T
	s       *service
	n       int
	want    map[string]string
	status  map[string]map[int]int // phase → HTTP status → count
	readsOK int
	// tightBehind is the index's lag with 8 MB free: writes are
	// acknowledged, the index (64 MB reserve) waits.
	tightBehind int64
	catchUp     time.Duration
}

// topics are realistic proposals, one a write.
var topics = []struct{ title, body string }{
	{"关于加快老旧小区加装电梯的提案", "城东区老旧小区多，居民年龄偏大，加装电梯审批环节多、资金分摊难。建议简化审批流程，加大财政补贴。"},
	{"关于完善社区嵌入式养老服务的提案", "社区养老服务站点不足，助餐、助浴服务覆盖面窄。建议利用闲置用房建设嵌入式养老服务设施。"},
	{"关于缓解中小学放学时段交通拥堵的提案", "学校周边接送车辆集中，早晚高峰拥堵严重。建议错峰放学，增设临时停车泊位和护学岗。"},
	{"关于加强古城历史建筑保护利用的提案", "古城部分历史建筑年久失修，利用方式单一。建议建立保护名录，引入社会资本活化利用。"},
	{"关于推动专精特新企业上市培育的提案", "我市专精特新企业数量增长快，但上市储备不足。建议设立上市培育库，提供一对一辅导。"},
}

// writes makes one of each write and records what was acknowledged.
// With room every write must succeed; on a short or full disk each gets
// 507 insufficient_storage or succeeds; never anything else.
func (r *fullDiskRound) writes(phase string) {
	t := r.t
	t.Helper()
	if r.status == nil {
		r.status = map[string]map[int]int{}
	}
	r.status[phase] = map[int]int{}
	num := func(i int) string {
		return fmt.Sprintf("2026%02d%s%d", r.n, map[string]string{"room": "1", "full": "2"}[phase], i)
	}
	check := func(what string, code int, body []byte, ok int) bool {
		t.Helper()
		r.status[phase][code]++
		if code == ok {
			return true
		}
		var er api.ErrorResponse
		json.Unmarshal(body, &er)
		if phase != "room" && code == http.StatusInsufficientStorage && er.Code == tian.ENOSPACE && er.Message != "" {
			return false
		}
		t.Errorf("round %d, %s, %s: %d %s", r.n, phase, what, code, body)
		return false
	}
	for i, tp := range topics[:3] {
		n, title := num(i), fmt.Sprintf("%s（%d）", tp.title, r.n)
		code, body := r.do("POST", "/api/v1/proposals", map[string]any{"number": n, "year": 2026, "title": title, "body": tp.body})
		if check("POST "+n, code, body, http.StatusCreated) {
			r.want[n] = title
		}
	}
	// PUT and DELETE what this phase created (a refused POST leaves nothing)
	updated := topics[3].title + "（修改）"
	if _, ok := r.want[num(0)]; ok {
		if code, body := r.do("PUT", "/api/v1/proposals/"+num(0), map[string]any{"year": 2026, "title": updated, "body": topics[3].body}); check("PUT", code, body, http.StatusOK) {
			r.want[num(0)] = updated
		}
	}
	if _, ok := r.want[num(1)]; ok {
		if code, body := r.do("DELETE", "/api/v1/proposals/"+num(1), nil); check("DELETE", code, body, http.StatusNoContent) {
			r.want[num(1)] = ""
		}
	}
	fb := map[string]any{"number": "20210205", "kind": "category", "suggested": "社会建设", "chosen": "社会建设"}
	code, body := r.do("POST", "/api/v1/feedback", fb)
	check("feedback", code, body, http.StatusCreated)
	imported := num(7)
	csv := fmt.Sprintf("提案号,年度,标题,内容,类别\n%s,2026,%s（%d）,%s,经济建设\n", imported, topics[4].title, r.n, topics[4].body)
	if code, body := r.upload("第"+fmt.Sprint(r.n)+"轮.csv", csv); check("import", code, body, http.StatusOK) {
		r.want[imported] = fmt.Sprintf("%s（%d）", topics[4].title, r.n)
	}
}

// reads must all succeed on the full disk.
func (r *fullDiskRound) reads() {
	r.t.Helper()
	for _, path := range []string{
		"/api/v1/search?q=" + url.QueryEscape("加装电梯"),
		"/api/v1/search?q=" + url.QueryEscape("养老服务 社区") + "&year=2026",
		"/api/v1/proposals/20210205",
		"/api/v1/proposals/20210205/similar?k=5",
		"/api/v1/proposals?year=2026&limit=20",
		"/readyz",
	} {
		if code, body := r.do("GET", path, nil); code != http.StatusOK {
			r.t.Errorf("round %d: GET %s on a full disk: %d %s", r.n, path, code, body)
		} else {
			r.readsOK++
		}
	}
	if code, body := r.do("POST", "/api/v1/similar", map[string]any{"title": topics[0].title, "body": topics[0].body}); code != http.StatusOK {
		r.t.Errorf("round %d: POST /api/v1/similar on a full disk: %d %s", r.n, code, body)
	} else {
		r.readsOK++
	}
}

// behind is the index's lag as /readyz shows it.
func (r *fullDiskRound) behind() int64 {
	var ready struct{ Index tian.IndexStatus }
	_, b := r.do("GET", "/readyz", nil)
	json.Unmarshal(b, &ready)
	return ready.Index.Behind
}

// caughtUp waits until /readyz shows the index with no lag and no error.
func (r *fullDiskRound) caughtUp() {
	r.t.Helper()
	start := time.Now()
	var ready struct{ Index tian.IndexStatus }
	for time.Since(start) < 2*time.Minute {
		ready.Index = tian.IndexStatus{Behind: -1}
		code, b := r.do("GET", "/readyz", nil)
		if json.Unmarshal(b, &ready); code == http.StatusOK && ready.Index.Behind == 0 && ready.Index.Error == "" {
			r.catchUp = time.Since(start)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	r.t.Fatalf("round %d: the index did not catch up in 2 minutes after the disk was freed: %+v", r.n, ready.Index)
}

// verify checks every acknowledged write in the store and in search.
func (r *fullDiskRound) verify() {
	t := r.t
	t.Helper()
	for n, title := range r.want {
		var p tian.Proposal
		code, b := r.do("GET", "/api/v1/proposals/"+n, nil)
		json.Unmarshal(b, &p)
		var res tian.SearchResult
		if c, b := r.do("GET", "/api/v1/search?q="+url.QueryEscape("提案号:"+n), nil); c != http.StatusOK || json.Unmarshal(b, &res) != nil {
			t.Errorf("round %d: searching for %s: %d %s", r.n, n, c, b)
		}
		switch {
		case title == "" && (code != http.StatusNotFound || res.Total != 0):
			t.Errorf("round %d: deleted %s: GET %d, %d search hits", r.n, n, code, res.Total)
		case title != "" && (code != http.StatusOK || p.Title != title):
			t.Errorf("round %d: acknowledged %s: GET %d %q, want %q", r.n, n, code, p.Title, title)
		case title != "" && res.Total != 1:
			t.Errorf("round %d: acknowledged %s is not found by search (%d hits)", r.n, n, res.Total)
		}
	}
}

// do sends a JSON request and returns the status and body. The token's
// rate limit is not under test: a 429 is waited out and retried.
func (r *fullDiskRound) do(method, path string, body any) (int, []byte) {
	return paced(func() (int, []byte) {
		var raw json.RawMessage
		code := r.s.call(r.t, method, path, body, &raw)
		return code, raw
	})
}

// paced retries a request the rate limit refused, after a second.
func paced(req func() (int, []byte)) (int, []byte) {
	for range 30 {
		if code, body := req(); code != http.StatusTooManyRequests {
			return code, body
		}
		time.Sleep(time.Second)
	}
	return req()
}

// upload imports a csv through the multipart import.
func (r *fullDiskRound) upload(name, csv string) (int, []byte) {
	return paced(func() (int, []byte) { return r.upload1(name, csv) })
}

func (r *fullDiskRound) upload1(name, csv string) (int, []byte) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	io.WriteString(fw, csv)
	mw.Close()
	req, _ := http.NewRequest("POST", r.s.base+"/api/v1/import", &buf)
	req.Header.Set("Authorization", "Bearer "+r.s.token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatalf("round %d: import: %v", r.n, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, bytes.TrimSpace(b)
}
