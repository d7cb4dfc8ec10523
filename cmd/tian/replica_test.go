package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"tian/postgres"
	"time"

	"tian"
)

// TestReplicas runs two tian serve processes on one PostgreSQL database,
// each with its own data directory (index and models cache), through five
// rounds of: a proposal written through replica A is found by search on
// replica B within 2 s; A is killed (SIGKILL) while writing and again
// during an import, while B answers searches, lists and reads with no
// error; nothing acknowledged is lost, the import is all or nothing; A
// restarts and catches up; the models retrained through B are the ones
// A serves. .ci/run runs it (TIAN_REPLICAS=1, with scripts/pg-test.sh
// setting TIAN_TEST_POSTGRES); it is skipped otherwise.
func TestReplicas(t *testing.T) {
	if os.Getenv("TIAN_REPLICAS") == "" {
		t.Skip("set TIAN_REPLICAS=1 and TIAN_TEST_POSTGRES (.ci/run does, through scripts/pg-test.sh)")
	}
	pgURL := freshSchema(t)
	bin := filepath.Join(t.TempDir(), "tian")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// the checks and the background readers each have a token (the
	// service limits each token's rate)
	cl := &replicaClient{secret: createToken(t, bin, pgURL), http: &http.Client{Timeout: 10 * time.Second}}
	bg := &replicaClient{secret: createToken(t, bin, pgURL), http: cl.http}
	// both start together on the empty database: one loads the demo
	// corpus, the other waits for it and does not load it again
	a := &replica{name: "A", bin: bin, db: pgURL, dir: t.TempDir()}
	b := &replica{name: "B", bin: bin, db: pgURL, dir: t.TempDir()}
	a.start(t)
	b.start(t)
	defer a.stop()
	defer b.stop()
	a.ready(t, cl)
	b.ready(t, cl)
	if n := cl.total(t, b, "q=养老&size=1"); n == 0 {
		t.Fatal("replica B finds no demo proposal about 养老")
	}
	var demo struct {
		Total int `json:"total"`
	}
	cl.get(t, b, "/api/v1/proposals?limit=1", &demo)
	if demo.Total < 1000 || demo.Total > 2000 {
		t.Fatalf("the demo corpus holds %d proposals after two replicas started on an empty database: loaded once?", demo.Total)
	}
	rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for round := 1; round <= 5; round++ {
		replicaRound(t, cl, bg, a, b, round, rng)
	}
}

// replicaRound is one round of TestReplicas; A is serving when it starts
// and when it ends.
func replicaRound(t *testing.T, cl, bg *replicaClient, a, b *replica, round int, rng *mrand.Rand) {
	// 1. written through A, found through B's search within 2 s
	var worst time.Duration
	for i := range 5 {
		p := testProposal(fmt.Sprintf("V%d%03d", round, i), 2040+round, "城南区推广透水铺装")
		start := time.Now()
		cl.create(t, a, p)
		for !slices.Contains(cl.found(t, b, "透水铺装", 2040+round), p.Number) {
			if time.Since(start) > 2*time.Second {
				t.Fatalf("round %d: %s, written through A, not found by search on B after 2 s", round, p.Number)
			}
			time.Sleep(20 * time.Millisecond)
		}
		worst = max(worst, time.Since(start))
	}

	// 2. A killed while it writes; B answers throughout
	readers := b.keepReading(t, bg, "透水铺装")
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p := testProposal(fmt.Sprintf("K%d%d%04d", round, w, i), 2050+round, "老旧小区加装电梯")
				if cl.tryCreate(a, p) {
					mu.Lock()
					acked = append(acked, p.Number)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(time.Duration(300+rng.IntN(1500)) * time.Millisecond)
	a.kill(t)
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatalf("round %d: no write through A was acknowledged before it was killed", round)
	}
	committed := cl.found(t, b, "加装电梯", 2050+round) // B's index, within 2 s of the last commit
	deadline := time.Now().Add(2 * time.Second)
	for !containsAll(committed, acked) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		committed = cl.found(t, b, "加装电梯", 2050+round)
	}
	inStore := cl.stored(t, b, 2050+round)
	for _, n := range acked {
		if !slices.Contains(inStore, n) {
			t.Fatalf("round %d: %s was acknowledged by A before it was killed but is not in the database", round, n)
		}
		if !slices.Contains(committed, n) {
			t.Fatalf("round %d: %s was acknowledged by A before it was killed but B's search does not find it", round, n)
		}
	}

	// 3. A restarts and catches up
	a.start(t)
	a.ready(t, cl)
	if got := cl.found(t, a, "加装电梯", 2050+round); !containsAll(got, committed) {
		t.Fatalf("round %d: A, restarted, finds %d of the %d proposals committed before it was killed", round, len(got), len(committed))
	}

	// 4. A killed during an import: all of it or none
	const n = 300
	var csv strings.Builder
	csv.WriteString("提案号,年度,标题,内容,提案人\n")
	for i := range n {
		num := fmt.Sprintf("I%d%04d", round, i)
		fmt.Fprintf(&csv, "%s,%d,关于推进社区嵌入式托育服务的提案（第%d件）,城东区0至3岁婴幼儿托位缺口较大，建议在社区嵌入托育点。,李敏\n", num, 2060+round, i)
	}
	importAcked := make(chan bool, 1)
	go func() { importAcked <- cl.tryImport(a, fmt.Sprintf("托育%d.csv", round), csv.String()) }()
	time.Sleep(time.Duration(50+rng.IntN(1200)) * time.Millisecond)
	a.kill(t)
	wasAcked := <-importAcked
	stored := len(cl.stored(t, b, 2060+round))
	if stored != 0 && stored != n {
		t.Fatalf("round %d: the import killed midway stored %d of %d proposals", round, stored, n)
	}
	if wasAcked && stored != n {
		t.Fatalf("round %d: the import was acknowledged but %d of %d proposals are stored", round, stored, n)
	}
	a.start(t)
	a.ready(t, cl)
	for _, r := range []*replica{a, b} {
		deadline := time.Now().Add(5 * time.Second)
		for len(cl.found(t, r, "托育", 2060+round)) != stored {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: replica %s finds %d of the import's %d stored proposals", round, r.name, len(cl.found(t, r, "托育", 2060+round)), stored)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	reads, failures := readers.stop()
	if len(failures) > 0 {
		t.Fatalf("round %d: B failed %d of %d requests while A was killed and restarted: %v", round, len(failures), reads, failures[:min(3, len(failures))])
	}

	// 5. retrained through B, served by A
	before := cl.models(t, a)
	cl.train(t, b)
	after := cl.models(t, b)
	if fmt.Sprint(after) == fmt.Sprint(before) {
		t.Fatalf("round %d: retraining on B left its models as they were: %v", round, after)
	}
	deadline = time.Now().Add(10 * time.Second)
	for fmt.Sprint(cl.models(t, a)) != fmt.Sprint(after) {
		if time.Now().After(deadline) {
			t.Fatalf("round %d: A serves %v, B retrained %v", round, cl.models(t, a), after)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("round %d: write on A found on B within %s (worst of 5); A killed after %d acknowledged writes, all found on B; "+
		"import killed: %d of %d stored (acknowledged: %v); B answered %d requests without error; A caught up; A serves B's retrained models %v",
		round, worst.Round(time.Millisecond), len(acked), stored, n, wasAcked, reads, after)
}

// replica is one tian serve process and its data directory.
type replica struct {
	name, bin, db, dir string
	base               string
	cmd                *exec.Cmd
	log                bytes.Buffer
}

func (r *replica) start(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r.base = "http://" + addr
	r.cmd = exec.Command(r.bin, "--db", r.db, "--data", r.dir, "serve", "--addr", addr)
	r.log.Reset()
	r.cmd.Stderr = &r.log
	out, _ := r.cmd.StdoutPipe()
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
		}
	}()
}

// ready waits until the replica answers /readyz with 200.
func (r *replica) ready(t *testing.T, cl *replicaClient) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if res, err := cl.http.Get(r.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) || r.cmd.ProcessState != nil {
			t.Fatalf("replica %s did not become ready:\n%s", r.name, tail(r.log.String(), 2000))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (r *replica) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	r.cmd.Wait()
}

func (r *replica) stop() {
	if r.cmd != nil && r.cmd.ProcessState == nil {
		r.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { r.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			r.cmd.Process.Kill()
		}
	}
}

// readers are requests sent to a replica in the background, counted.
type readers struct {
	stopc    chan struct{}
	wg       sync.WaitGroup
	reads    atomic.Int64
	mu       sync.Mutex
	failures []string
}

// keepReading sends searches, list pages and reads of one proposal to r
// until stopped, recording every failure.
func (r *replica) keepReading(t *testing.T, cl *replicaClient, q string) *readers {
	rd := &readers{stopc: make(chan struct{})}
	paths := []string{"/api/v1/search?q=" + url.QueryEscape(q) + "&size=20", "/api/v1/proposals?limit=50&offset=100", "/api/v1/search?q=" + url.QueryEscape("养老服务"), "/api/v1/stats?year=2024"}
	for w := range 2 {
		rd.wg.Add(1)
		go func() {
			defer rd.wg.Done()
			for i := w; ; i++ {
				select {
				case <-rd.stopc:
					return
				default:
				}
				path := paths[i%len(paths)]
				res, err := cl.do("GET", r.base+path, "", nil)
				rd.reads.Add(1)
				if err != nil {
					rd.fail(fmt.Sprintf("%s: %v", path, err))
					continue
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					rd.fail(fmt.Sprintf("%s: %d %s", path, res.StatusCode, tail(string(body), 200)))
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	return rd
}

func (rd *readers) fail(msg string) {
	rd.mu.Lock()
	rd.failures = append(rd.failures, msg)
	rd.mu.Unlock()
}

func (rd *readers) stop() (int64, []string) {
	close(rd.stopc)
	rd.wg.Wait()
	return rd.reads.Load(), rd.failures
}

// replicaClient speaks to the replicas with one token.
type replicaClient struct {
	secret string
	http   *http.Client
}

func (cl *replicaClient) do(method, u, contentType string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+cl.secret)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return cl.http.Do(req)
}

// get reads JSON into out, failing the test on any error.
func (cl *replicaClient) get(t *testing.T, r *replica, path string, out any) {
	t.Helper()
	res, err := cl.do("GET", r.base+path, "", nil)
	if err != nil {
		t.Fatalf("GET %s on %s: %v", path, r.name, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s on %s: %d %s", path, r.name, res.StatusCode, tail(string(b), 300))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("GET %s on %s: %v", path, r.name, err)
		}
	}
}

// stored is every proposal of a year in the database, as the replica's
// list reads it.
func (cl *replicaClient) stored(t *testing.T, r *replica, year int) []string {
	t.Helper()
	out := []string{}
	for {
		var page tian.ProposalPage
		cl.get(t, r, fmt.Sprintf("/api/v1/proposals?year=%d&limit=500&offset=%d", year, len(out)), &page)
		for _, p := range page.Proposals {
			out = append(out, p.Number)
		}
		if len(page.Proposals) == 0 || len(out) >= page.Total {
			return out
		}
	}
}

func (cl *replicaClient) total(t *testing.T, r *replica, query string) int {
	t.Helper()
	var res tian.SearchResult
	cl.get(t, r, "/api/v1/search?"+query, &res)
	return res.Total
}

// found is every proposal of a year the replica's search finds for q.
func (cl *replicaClient) found(t *testing.T, r *replica, q string, year int) []string {
	t.Helper()
	var out []string
	for page := 1; ; page++ {
		var res tian.SearchResult
		cl.get(t, r, fmt.Sprintf("/api/v1/search?q=%s&year=%d&size=100&page=%d", url.QueryEscape(q), year, page), &res)
		for _, h := range res.Hits {
			out = append(out, h.Number)
		}
		if len(res.Hits) == 0 || len(out) >= res.Total {
			return out
		}
	}
}

func (cl *replicaClient) create(t *testing.T, r *replica, p tian.Proposal) {
	t.Helper()
	body, _ := json.Marshal(p)
	res, err := cl.do("POST", r.base+"/api/v1/proposals", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("creating %s on %s: %v", p.Number, r.name, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("creating %s on %s: %d %s", p.Number, r.name, res.StatusCode, b)
	}
}

// tryCreate says whether the write was acknowledged (the replica may be
// killed under it).
func (cl *replicaClient) tryCreate(r *replica, p tian.Proposal) bool {
	body, _ := json.Marshal(p)
	res, err := cl.do("POST", r.base+"/api/v1/proposals", "application/json", bytes.NewReader(body))
	if err != nil {
		return false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == http.StatusCreated
}

// tryImport uploads a CSV and says whether its import was acknowledged as
// committed.
func (cl *replicaClient) tryImport(r *replica, name, content string) bool {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	res, err := cl.do("POST", r.base+"/api/v1/import", mw.FormDataContentType(), &buf)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	var rep tian.ImportReport
	if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&rep) != nil {
		return false // 202: the job was still running when the replica died
	}
	return rep.Committed
}

// models is what the replica says it serves.
func (cl *replicaClient) models(t *testing.T, r *replica) map[string]string {
	t.Helper()
	var st struct {
		Models map[string]string `json:"models"`
	}
	cl.get(t, r, "/readyz", &st)
	return st.Models
}

// train retrains the models through the replica and waits for the job.
func (cl *replicaClient) train(t *testing.T, r *replica) {
	t.Helper()
	res, err := cl.do("POST", r.base+"/api/v1/train", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted && res.StatusCode != http.StatusOK {
		t.Fatalf("training on %s: %d %s", r.name, res.StatusCode, b)
	}
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		var st struct {
			Running bool            `json:"running"`
			Error   json.RawMessage `json:"error"`
		}
		cl.get(t, r, "/api/v1/train", &st)
		if !st.Running {
			if len(st.Error) > 0 && string(st.Error) != "null" {
				t.Fatalf("training on %s failed: %s", r.name, st.Error)
			}
			return
		}
		time.Sleep(time.Second)
	}
	t.Fatalf("training on %s did not finish in 10 minutes", r.name)
}

func testProposal(number string, year int, topic string) tian.Proposal {
	return tian.Proposal{Number: number, Year: year, Title: "关于" + topic + "的提案（" + number + "）",
		Body: "城南区多个老旧小区居民反映，" + topic + "推进缓慢，建议市里统筹资金、简化审批。", Proposer: "王芳",
		ProposerType: tian.ProposerMember, Status: tian.StatusFiled}
}

// createToken makes an admin token with the command line on the shared
// database (no replica needed).
func createToken(t *testing.T, bin, db string) string {
	t.Helper()
	out, err := exec.Command(bin, "--db", db, "--data", t.TempDir(), "token", "create", "--role", "admin", "--name", "副本测试").CombinedOutput()
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`：(\S+)\s*$`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("token create printed %q", out)
	}
	return string(m[1])
}

// freshSchema is TIAN_TEST_POSTGRES with a schema of its own, dropped
// when the test ends.
func freshSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv("TIAN_TEST_POSTGRES")
	if base == "" {
		t.Skip("TIAN_TEST_POSTGRES is not set: no PostgreSQL server (scripts/pg-test.sh starts one)")
	}
	u, drop, err := postgres.NewSchema(context.Background(), base, "tian_replicas_")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { drop() })
	return u
}

func containsAll(have, want []string) bool {
	set := make(map[string]bool, len(have))
	for _, h := range have {
		set[h] = true
	}
	for _, w := range want {
		if !set[w] {
			return false
		}
	}
	return true
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
