package main

// The adversarial suite of issue 10: each subtest of TestAdversarial does
// what a user or an attacker did to a real `tian serve`, run as a separate
// process from the built binary (so that its memory, its temporary files
// and its exit are its own), and asserts what must happen instead. It
// builds the binary and starts a dozen services, so it is gated:
//
//	TIAN_ADVERSARIAL=1 go test ./cmd/tian -run '^TestAdversarial' -count=1 -v

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"database/sql"
	"encoding/csv"
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
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"tian"
	"tian/api"
	"tian/synth"
)

func TestAdversarial(t *testing.T) {
	if os.Getenv("TIAN_ADVERSARIAL") == "" {
		t.Skip("the adversarial suite builds tian and runs it as a service for minutes: set TIAN_ADVERSARIAL=1 (.ci/run does)")
	}
	start := time.Now()
	a := newAdversary(t)
	t.Run("ResourceBounds", a.resourceBounds)
	t.Run("LongWorkIsAJob", a.longWork)
	t.Run("UploadsLeaveNoTempFiles", a.uploadsLeaveNoTempFiles)
	t.Run("CSRFAndCookie", a.csrfAndCookie)
	t.Run("FeedbackCannotPoison", a.feedbackCannotPoison)
	t.Run("ImportsKeepFields", a.importsKeepFields)
	t.Run("ExportsAreSafe", a.exportsAreSafe)
	t.Run("SmallOnes", a.smallOnes)
	t.Run("JSONNeverNull", a.jsonNeverNull)
	t.Logf("the adversarial suite took %v", time.Since(start).Round(time.Second))
}

// --- the services under attack

// adversary starts the suite's services: one binary, built once, and a
// data directory as the first start left it (the demo corpus, its index,
// the admin token of the sign-in link), which each service gets a copy of.
type adversary struct {
	bin, template, token string
}

func newAdversary(t *testing.T) *adversary {
	t.Helper()
	dir := t.TempDir()
	a := &adversary{bin: filepath.Join(dir, "tian"), template: filepath.Join(dir, "template")}
	if out, err := exec.Command("go", "build", "-o", a.bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	began := time.Now()
	p := a.launch(t, a.template)
	m := signinLink.FindStringSubmatch(p.output())
	if m == nil {
		t.Fatalf("the first start printed no sign-in link:\n%s", p.output())
	}
	a.token = m[2]
	if err := p.stop(); err != nil {
		t.Fatalf("stopping the first start: %v\n%s", err, p.tail())
	}
	t.Logf("first start (demo corpus, index, models) took %v", time.Since(began).Round(time.Millisecond))
	return a
}

// proc is one `tian serve` process. Its service answers as the admin.
type proc struct {
	*service
	cmd      *exec.Cmd
	dir, tmp string // the data directory; TMPDIR of the process
	mu       sync.Mutex
	out      bytes.Buffer // stdout and stderr
	exited   chan struct{}
	err      error // set when exited is closed
}

// serve starts a service on a copy of the template with its own TMPDIR.
func (a *adversary) serve(t *testing.T, args ...string) *proc {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if err := copyTree(a.template, dir); err != nil {
		t.Fatal(err)
	}
	return a.launch(t, dir, args...)
}

// launch starts `tian serve` on dir and waits until it is ready.
func (a *adversary) launch(t *testing.T, dir string, args ...string) *proc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := &proc{dir: dir, tmp: filepath.Join(t.TempDir(), "tmp"), exited: make(chan struct{})}
	if err := os.MkdirAll(p.tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(a.bin, append([]string{"--data", dir, "serve", "--addr", addr}, args...)...)
	p.cmd.Env = append(os.Environ(), "TMPDIR="+p.tmp)
	w := &lockedWriter{w: &p.out, mu: &p.mu}
	p.cmd.Stdout, p.cmd.Stderr = w, w
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() { p.cmd.Process.Kill(); <-p.exited })
	p.service = &service{base: "http://" + addr, token: a.token, stop: p.stop}
	p.waitReady(t)
	return p
}

func (p *proc) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			t.Fatalf("tian serve ended before it was ready: %v\n%s", p.err, p.tail())
		default:
		}
		if res, err := http.Get(p.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("tian serve was not ready within 5 minutes\n%s", p.tail())
}

// stop ends the service as an operator does (SIGTERM) and returns how it
// exited.
func (p *proc) stop() error {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		return p.err
	case <-time.After(time.Minute):
		p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("tian serve did not stop within a minute of SIGTERM")
	}
}

// alive fails the test if the process has ended.
func (p *proc) alive(t *testing.T) {
	t.Helper()
	select {
	case <-p.exited:
		t.Fatalf("tian serve died: %v\n%s", p.err, p.tail())
	default:
	}
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// tail is the end of the process's output, for failure messages.
func (p *proc) tail() string {
	s := p.output()
	if len(s) > 4000 {
		s = "…" + s[len(s)-4000:]
	}
	return s
}

// peakRSS is the process's peak resident set (VmHWM) in bytes.
func (p *proc) peakRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`VmHWM:\s*(\d+) kB`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no VmHWM in /proc/%d/status", p.cmd.Process.Pid)
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10
}

// copyTree copies a directory with its files' modes.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(dst, info.Mode().Perm())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, info.Mode().Perm())
	})
}

// --- talking to a service

// reply is a response read whole.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// noRedirects sees redirects instead of following them; its timeout is
// longer than any request of the suite should take.
var noRedirects = &http.Client{Timeout: 10 * time.Minute,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// send makes a request as the admin; headers add to or replace its
// headers, and an empty Authorization sends none.
func (p *proc) send(t *testing.T, method, path string, headers map[string]string, body io.Reader) reply {
	t.Helper()
	return p.sendVia(t, noRedirects, method, path, headers, body)
}

// sendVia is send through another client.
func (p *proc) sendVia(t *testing.T, cl *http.Client, method, path string, headers map[string]string, body io.Reader) reply {
	t.Helper()
	req, err := http.NewRequest(method, p.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	for k, v := range headers {
		req.Header.Set(k, v)
		if v == "" {
			req.Header.Del(k)
		}
	}
	res, err := cl.Do(req)
	if err != nil {
		t.Fatalf("%s %.80s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %.80s: reading the response: %v", method, path, err)
	}
	return reply{res.StatusCode, res.Header, b}
}

// sendJSON sends v as JSON.
func (p *proc) sendJSON(t *testing.T, method, path string, v any) reply {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return p.send(t, method, path, map[string]string{"Content-Type": "application/json"}, bytes.NewReader(b))
}

// upload posts a file as the import form's "file" field.
func (p *proc) upload(t *testing.T, path, name string, data []byte) reply {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	return p.send(t, "POST", path, map[string]string{"Content-Type": mw.FormDataContentType()}, &buf)
}

// job is a job as GET /api/v1/jobs/{id} shows it.
type job struct {
	ID     string             `json:"id"`
	State  string             `json:"state"`
	Steps  []string           `json:"steps"`
	Done   int                `json:"done"`
	Total  int                `json:"total"`
	Result json.RawMessage    `json:"result"`
	Error  *api.ErrorResponse `json:"error"`
}

// follow polls a job until it is no longer running.
func (p *proc) follow(t *testing.T, id string, limit time.Duration) job {
	t.Helper()
	deadline := time.Now().Add(limit)
	var j job
	for last := time.Now(); ; time.Sleep(time.Second) {
		r := p.send(t, "GET", "/api/v1/jobs/"+id, nil, nil)
		if r.status != 200 {
			t.Fatalf("GET /api/v1/jobs/%s: %d %s", id, r.status, r.body)
		}
		if err := json.Unmarshal(r.body, &j); err != nil {
			t.Fatalf("job %s: %v in %s", id, err, r.body)
		}
		if j.State != api.JobRunning {
			return j
		}
		if time.Since(last) > 30*time.Second {
			t.Logf("job %s: %d of %d, steps %q", id, j.Done, j.Total, j.Steps)
			last = time.Now()
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still running after %v: %+v", id, limit, j)
		}
		p.alive(t)
	}
}

// importFile uploads a file to /api/v1/import and, when the service
// answers 202, follows the job to its end. It returns the report, the
// first answer and how long the import took; a failed import fails t.
func (p *proc) importFile(t *testing.T, name string, data []byte) (tian.ImportReport, reply, time.Duration) {
	t.Helper()
	began := time.Now()
	r := p.upload(t, "/api/v1/import", name, data)
	var rep tian.ImportReport
	body := r.body
	switch r.status {
	case 200:
	case 202:
		loc := r.header.Get("Location")
		if !strings.HasPrefix(loc, "/api/v1/jobs/") {
			t.Fatalf("import of %s: 202 without a job Location: %q %s", name, loc, r.body)
		}
		j := p.follow(t, strings.TrimPrefix(loc, "/api/v1/jobs/"), 20*time.Minute)
		if j.State != api.JobDone {
			t.Fatalf("import job of %s ended %s: %+v", name, j.State, j.Error)
		}
		body = j.Result
	default:
		t.Fatalf("import of %s: %d %s", name, r.status, r.body)
	}
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatalf("import of %s: the report does not decode: %v in %s", name, err, body)
	}
	return rep, r, time.Since(began)
}

// wantError checks an error answer: one of the statuses, and the body
// {code, message in Chinese, request_id}.
func wantError(t *testing.T, what string, r reply, statuses ...int) {
	t.Helper()
	ok := false
	for _, s := range statuses {
		ok = ok || r.status == s
	}
	var e api.ErrorResponse
	err := json.Unmarshal(r.body, &e)
	switch {
	case !ok:
		t.Errorf("%s: %d %.300s, want %v", what, r.status, r.body, statuses)
	case err != nil || e.Code == "" || e.RequestID == "":
		t.Errorf("%s: %d with body %.300s, want {code, message, request_id}", what, r.status, r.body)
	case !hasHan(e.Message):
		t.Errorf("%s: %d with message %q, want one in Chinese", what, r.status, e.Message)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// names lists, sorted, the names in a listing such as GET
// /api/v1/categories ({"categories": [{"name": …}, …]}).
func (p *proc) names(t *testing.T, path, key string) []string {
	t.Helper()
	var out map[string][]struct {
		Name string `json:"name"`
	}
	if code := p.call(t, "GET", path, nil, &out); code != 200 {
		t.Fatalf("GET %s: %d", path, code)
	}
	var names []string
	for _, x := range out[key] {
		names = append(names, x.Name)
	}
	sort.Strings(names)
	return names
}

func (p *proc) categoryNames(t *testing.T) []string {
	t.Helper()
	return p.names(t, "/api/v1/categories", "categories")
}

// csvFile writes a header and rows as CSV.
func csvFile(header []string, rows ...[]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(header)
	w.WriteAll(rows)
	return buf.Bytes()
}

// openStore opens a service's database read-only, beside the service.
func openStore(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// --- 1. resource bounds

const (
	nsSheet = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsPkg   = "http://schemas.openxmlformats.org/package/2006/relationships"
	nsDoc   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
)

// handmadeXLSX packs a workbook by hand. listed says whether the workbook
// names a sheet (提案, at xl/worksheets/sheet1.xml); sheet, if set, writes
// that part. It returns the file and the bytes its parts expand to.
func handmadeXLSX(t *testing.T, listed bool, sheet func(io.Writer)) ([]byte, int64) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	sheets, rels, override := "<sheets/>", "", ""
	if listed {
		sheets = `<sheets><sheet name="提案" sheetId="1" r:id="rId1"/></sheets>`
		rels = `<Relationship Id="rId1" Type="` + nsDoc + `/worksheet" Target="worksheets/sheet1.xml"/>`
	}
	if sheet != nil {
		override = `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
	}
	parts := []struct {
		name  string
		write func(io.Writer)
	}{
		{"[Content_Types].xml", text(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			override + `</Types>`)},
		{"_rels/.rels", text(`<Relationships xmlns="` + nsPkg + `"><Relationship Id="rId1" Type="` + nsDoc +
			`/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		{"xl/workbook.xml", text(`<workbook xmlns="` + nsSheet + `" xmlns:r="` + nsDoc + `">` + sheets + `</workbook>`)},
		{"xl/_rels/workbook.xml.rels", text(`<Relationships xmlns="` + nsPkg + `">` + rels + `</Relationships>`)},
		{"xl/worksheets/sheet1.xml", sheet},
	}
	for _, part := range parts {
		if part.write == nil {
			continue
		}
		w, err := zw.Create(part.name)
		if err != nil {
			t.Fatal(err)
		}
		part.write(w)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var expanded int64
	for _, f := range zr.File {
		expanded += int64(f.UncompressedSize64)
	}
	return buf.Bytes(), expanded
}

func text(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }

// bombSheet writes a sheet of about size bytes: a header, then proposals
// whose body is one character 10,000 times, which deflate packs over five
// hundred to one.
func bombSheet(size int64) func(io.Writer) {
	body := strings.Repeat("长", 10000)
	return repeatedRows(size, func(w io.Writer, r int) int {
		return sheetRow(w, r, fmt.Sprintf("2024%06d", r), "2024", "关于加强社区养老服务体系建设的提案", body)
	})
}

// cellsSheet writes a sheet of about size bytes of one-cell rows:
// millions of cells.
func cellsSheet(size int64) func(io.Writer) {
	return repeatedRows(size, func(w io.Writer, _ int) int {
		n, _ := io.WriteString(w, `<row><c t="inlineStr"><is><t>关于加强社区养老服务的提案</t></is></c></row>`)
		return n
	})
}

// repeatedRows writes a sheet with a header row (提案号, 年度, 标题, 内容),
// then rows from row (which returns the bytes it wrote) until about size
// bytes are written.
func repeatedRows(size int64, row func(w io.Writer, r int) int) func(io.Writer) {
	return func(w io.Writer) {
		bw := bufio.NewWriterSize(w, 1<<20)
		defer bw.Flush()
		fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="%s"><sheetData>`, nsSheet)
		sheetRow(bw, 1, "提案号", "年度", "标题", "内容")
		for r, n := 2, int64(0); n < size; r++ {
			n += int64(row(bw, r))
		}
		io.WriteString(bw, `</sheetData></worksheet>`)
	}
}

// sheetRow writes row r of inline-string cells and returns its length.
func sheetRow(w io.Writer, r int, cells ...string) int {
	n, _ := fmt.Fprintf(w, `<row r="%d">`, r)
	for i, c := range cells {
		m, _ := fmt.Fprintf(w, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, r, c)
		n += m
	}
	m, _ := io.WriteString(w, `</row>`)
	return n + m
}

// Resource bounds: a zip bomb is refused early with the server's memory
// bounded; workbooks without a sheet are a 400 and a clean CLI error; a
// JSON Lines file with 16,000 distinct keys is answered.
func (a *adversary) resourceBounds(t *testing.T) {
	p := a.serve(t)
	t.Run("ZipBomb", func(t *testing.T) {
		for _, c := range []struct {
			name  string
			sheet func(io.Writer)
			size  int64
		}{
			{"a sheet of 1 GB", bombSheet(1 << 30), 1 << 30},
			{"a sheet of millions of cells", cellsSheet(256 << 20), 256 << 20},
		} {
			bomb, expanded := handmadeXLSX(t, true, c.sheet)
			idle := p.peakRSS(t)
			began := time.Now()
			r := p.upload(t, "/api/v1/import", "2024年提案汇总.xlsx", bomb)
			took := time.Since(began)
			wantError(t, c.name, r, http.StatusRequestEntityTooLarge)
			peak := p.peakRSS(t)
			t.Logf("%s: %.2f MB expanding to %.2f GB; answered %d in %v; server peak RSS %d MB before, %d MB after",
				c.name, float64(len(bomb))/(1<<20), float64(expanded)/(1<<30), r.status, took.Round(time.Millisecond), idle>>20, peak>>20)
			if peak > 500<<20 {
				t.Errorf("%s: refusing it took the server to %d MB RSS (VmHWM), want under 500 MB", c.name, peak>>20)
			}
			p.alive(t)
		}
		if code := p.call(t, "GET", "/api/v1/proposals/2024000002", nil, nil); code != 404 {
			t.Errorf("a row of the refused bomb is stored: GET 2024000002 = %d", code)
		}
	})
	t.Run("NoSheet", func(t *testing.T) {
		noSheets, _ := handmadeXLSX(t, false, nil)
		missing, _ := handmadeXLSX(t, true, nil)
		for _, c := range []struct {
			name string
			file []byte
		}{
			{"a workbook that lists no sheet", noSheets},
			{"a workbook whose listed sheet is missing", missing},
			{"a text file named .xlsx", []byte("提案号,标题\n20240001,关于加强社区养老服务的提案\n")},
		} {
			wantError(t, c.name+" through the API", p.upload(t, "/api/v1/import", "提案.xlsx", c.file), http.StatusBadRequest)
			a.cliRefuses(t, c.name, c.file)
		}
		p.alive(t)
	})
	t.Run("JSONLWithManyKeys", func(t *testing.T) {
		data, keys := manyKeysJSONL(1600, 10)
		rep, _, took := p.importFile(t, "自定义字段.jsonl", data)
		t.Logf("%.2f MB of JSON Lines with %d distinct unknown keys answered in %v", float64(len(data))/(1<<20), len(keys), took.Round(time.Millisecond))
		if took > 20*time.Second {
			t.Logf("NOTE: slow: %v for %d keys (the issue measured 62 s of CPU before the fix)", took, len(keys))
		}
		if rep.Inserted != 1600 || rep.Rejected != 0 {
			t.Errorf("report: inserted %d, rejected %d, want 1600 and 0 (%s)", rep.Inserted, rep.Rejected, rep.Summary())
		}
		seen := map[string]int{}
		for _, u := range rep.Unmapped {
			seen[u]++
		}
		for _, k := range keys {
			if seen[k] != 1 {
				t.Errorf("unknown key %q is listed %d times in the report's unmapped keys, want once", k, seen[k])
				break
			}
		}
		if len(rep.Unmapped) != len(keys) {
			t.Errorf("the report lists %d unmapped keys, want the %d unknown ones", len(rep.Unmapped), len(keys))
		}
	})
}

// cliRefuses runs `tian import` on a bad workbook: it must exit non-zero
// with a message, not panic.
func (a *adversary) cliRefuses(t *testing.T, what string, file []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "提案.xlsx")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(a.bin, "--data", t.TempDir(), "import", path).CombinedOutput()
	exit, _ := err.(*exec.ExitError)
	switch {
	case err == nil:
		t.Errorf("tian import, %s: exit 0, want an error\n%s", what, out)
	case exit == nil:
		t.Fatalf("tian import, %s: %v", what, err)
	case strings.Contains(string(out), "panic") || strings.Contains(string(out), "goroutine "):
		t.Errorf("tian import, %s: crashed (exit %d):\n%.2000s", what, exit.ExitCode(), out)
	case !strings.Contains(string(out), "tian:") || len(bytes.TrimSpace(out)) < 10:
		t.Errorf("tian import, %s: exit %d without a message: %q", what, exit.ExitCode(), out)
	}
}

// manyKeysJSONL writes n proposals, each with k keys of its own that no
// field takes, and returns the file and those keys.
func manyKeysJSONL(n, k int) ([]byte, []string) {
	var buf bytes.Buffer
	var keys []string
	for i := range n {
		fmt.Fprintf(&buf, `{"number":"2026%05d","year":2026,"title":"关于完善第%d号安置地块配套设施的提案","body":"第%d号安置地块入住率已过八成，但幼儿园、菜市场和公交站点仍未配套，建议限期补齐。"`, 80000+i, i+1, i+1)
		for j := range k {
			key := fmt.Sprintf("台账扩展字段%05d", i*k+j)
			keys = append(keys, key)
			fmt.Fprintf(&buf, `,%q:"区县台账附加信息，不属于提案字段"`, key)
		}
		buf.WriteString("}\n")
	}
	return buf.Bytes(), keys
}

// --- 2. long work

// proposalsCSV writes n synthetic proposals of a year (numbers year and a
// six-digit sequence from first; bodies cut to at most runes characters),
// recombined from the demo corpus.
func proposalsCSV(t *testing.T, n, first, year, runes int) []byte {
	t.Helper()
	corpus, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	gen := synth.New(corpus, uint64(year))
	rows := make([][]string, 0, n)
	for i := range n {
		sp := gen.Proposal(i)
		body := []rune(sp.Body)
		if len(body) > runes {
			body = body[:runes]
		}
		rows = append(rows, []string{fmt.Sprintf("%d%06d", year, first+i), strconv.Itoa(year), sp.Title, string(body), sp.Category})
	}
	return csvFile([]string{"提案号", "年度", "标题", "内容", "类别"}, rows...)
}

// Long work is a job: 150,000 rows answer 202, the job ends done with the
// index caught up, and the last row is found; grouping a huge set under a
// 3 s request deadline is a 504 or 413 in Chinese, never a 500.
func (a *adversary) longWork(t *testing.T) {
	p := a.serve(t, "--request-timeout", "3s")
	const n = 150_000
	data := proposalsCSV(t, n-1, 0, 2026, 48)
	last := tian.Proposal{Number: fmt.Sprintf("2026%06d", n-1), Year: 2026, Title: "关于在白鹭洲湿地公园设立候鸟救护站的提案",
		Body: "白鹭洲湿地公园每年冬季迎来上万只候鸟，受伤候鸟缺少就近救护，建议设立候鸟救护站。", Category: "生态文明建设"}
	data = append(data, csvFile(nil, []string{last.Number, "2026", last.Title, last.Body, last.Category})...)
	t.Logf("import file: %d rows, %.1f MB", n, float64(len(data))/(1<<20))
	rep, first, took := p.importFile(t, "2026年提案.csv", data)
	t.Logf("150,000 rows imported and indexed in %v: %s; server peak RSS %d MB", took.Round(time.Second), rep.Summary(), p.peakRSS(t)>>20)
	var accepted job
	json.Unmarshal(first.body, &accepted)
	if first.status != 202 || accepted.State != api.JobRunning || first.header.Get("Location") != "/api/v1/jobs/"+accepted.ID {
		t.Errorf("the first answer to a 150,000-row import: %d, Location %q, %.300s; want 202 with the running job at its Location",
			first.status, first.header.Get("Location"), first.body)
	}
	if rep.Inserted != n || rep.Rejected != 0 {
		t.Errorf("the job's report: %s; want %d inserted", rep.Summary(), n)
	}
	var ready struct{ Index tian.IndexStatus }
	if code := p.call(t, "GET", "/readyz", nil, &ready); code != 200 || ready.Index.Behind != 0 {
		t.Errorf("after the job was done, /readyz: %d, the index %d changes behind (%s)", code, ready.Index.Behind, ready.Index.Error)
	}
	var got tian.Proposal
	if code := p.call(t, "GET", "/api/v1/proposals/"+last.Number, nil, &got); code != 200 || got.Title != last.Title {
		t.Errorf("GET the last row: %d %q", code, got.Title)
	}
	var found tian.SearchResult
	code := p.call(t, "GET", "/api/v1/search?q="+url.QueryEscape(`"候鸟救护站" 白鹭洲`), nil, &found)
	if code != 200 || !hitsHave(found.Hits, last.Number) {
		t.Errorf("search for the last row: %d, %d hits, %s not among them", code, found.Total, last.Number)
	}
	a.groupUnderDeadline(t, p)
}

func hitsHave(hits []tian.Hit, number string) bool {
	for _, h := range hits {
		if h.Number == number {
			return true
		}
	}
	return false
}

// groupUnderDeadline asks for groups of 150,000 and of 10,000 proposals
// from a service whose requests may take 3 s.
func (a *adversary) groupUnderDeadline(t *testing.T, p *proc) {
	var numbers []string
	for i := range 10_000 {
		numbers = append(numbers, fmt.Sprintf("2026%06d", i*13))
	}
	for _, c := range []struct {
		what, query string
		want        []int
	}{
		{"grouping the 150,000 proposals of 2026", "year=2026", []int{413, 504}},
		{"grouping 10,000 proposals by number", "numbers=" + strings.Join(numbers, ","), []int{200, 413, 504}},
	} {
		began := time.Now()
		r := p.send(t, "GET", "/api/v1/groups?"+c.query, nil, nil)
		took := time.Since(began)
		t.Logf("%s under a 3 s deadline: %d after %v", c.what, r.status, took.Round(time.Millisecond))
		if r.status == 200 {
			continue
		}
		wantError(t, c.what, r, c.want...)
		if took > 30*time.Second {
			t.Errorf("%s: answered after %v, want about the 3 s deadline", c.what, took)
		}
	}
	began := time.Now()
	var res tian.SearchResult
	if code := p.call(t, "GET", "/api/v1/search?q=%E5%85%BB%E8%80%81", nil, &res); code != 200 {
		t.Errorf("a search after the stopped grouping: %d", code)
	}
	t.Logf("a search right after: %v", time.Since(began).Round(time.Millisecond))
	p.alive(t)
}

// --- 3. uploads

// Uploads over the 8 MB held in memory leave no multipart-* files (nor the
// service's own tian-upload-* copies) in the service's TMPDIR, whether the
// import succeeds, fails, is too large, carries a second file or is cut off.
func (a *adversary) uploadsLeaveNoTempFiles(t *testing.T) {
	p := a.serve(t)
	big := proposalsCSV(t, 12_000, 0, 2027, 2000)
	if len(big) < 9<<20 {
		t.Fatalf("the upload is %d bytes, want over 9 MB", len(big))
	}
	rep, _, _ := p.importFile(t, "2027年提案.csv", big)
	if rep.Inserted != 12_000 {
		t.Errorf("a %.1f MB import: %s", float64(len(big))/(1<<20), rep.Summary())
	}
	p.noTempFiles(t, "after a 12 MB import")

	junk := bytes.Repeat([]byte("这不是工作簿"), 12<<20/18)
	wantError(t, "12 MB of text named .xlsx", p.upload(t, "/api/v1/import", "坏文件.xlsx", junk), 400)
	p.noTempFiles(t, "after a refused 12 MB file")

	huge := bytes.Repeat(big, 60<<20/len(big)+1)
	wantError(t, "a 60 MB upload", p.upload(t, "/api/v1/import", "超大.csv", huge), 413)
	p.noTempFiles(t, "after a 60 MB upload")

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("attachment", "附件.csv")
	fw.Write(big)
	fw, _ = mw.CreateFormFile("file", "2027年补充.csv")
	fw.Write(csvFile([]string{"提案号", "年度", "标题", "内容"}, []string{"2027900001", "2027", "关于增设社区充电桩的提案", "老旧小区电动车充电难，建议增设充电桩。"}))
	mw.Close()
	r := p.send(t, "POST", "/api/v1/import", map[string]string{"Content-Type": mw.FormDataContentType()}, &buf)
	if r.status != 200 {
		t.Errorf("an import with a 12 MB second file field: %d %.300s", r.status, r.body)
	}
	p.noTempFiles(t, "after a form with a second 12 MB file")

	p.cutUpload(t, big)
	p.noTempFiles(t, "after an upload cut off at 10 MB of 20")
	p.alive(t)
}

// noTempFiles fails when the service's TMPDIR holds upload files a few
// seconds after the last request.
func (p *proc) noTempFiles(t *testing.T, when string) {
	t.Helper()
	var left []string
	for try := 0; try < 50; try++ {
		left = left[:0]
		entries, _ := os.ReadDir(p.tmp)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "multipart-") || strings.HasPrefix(e.Name(), "tian-upload-") {
				info, _ := e.Info()
				left = append(left, fmt.Sprintf("%s (%d bytes)", e.Name(), info.Size()))
			}
		}
		if len(left) == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("%s, the service's TMPDIR still holds %s", when, strings.Join(left, ", "))
}

// cutUpload announces a 20 MB upload, sends 10 MB of it and hangs up.
func (p *proc) cutUpload(t *testing.T, data []byte) {
	t.Helper()
	host := strings.TrimPrefix(p.base, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/v1/import HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: multipart/form-data; boundary=tianbound\r\nContent-Length: %d\r\n\r\n", host, p.token, 20<<20)
	fmt.Fprintf(conn, "--tianbound\r\nContent-Disposition: form-data; name=\"file\"; filename=\"中断.csv\"\r\nContent-Type: text/csv\r\n\r\n")
	conn.Write(data[:10<<20])
	time.Sleep(time.Second) // the service has spilled it to disk
	conn.Close()
	time.Sleep(time.Second)
}

// --- 4. CSRF and the cookie

var securityHeaderValues = map[string]string{
	"Referrer-Policy":        "no-referrer",
	"X-Frame-Options":        "DENY",
	"X-Content-Type-Options": "nosniff",
}

// wantSecurityHeaders checks the headers every response carries.
func wantSecurityHeaders(t *testing.T, what string, r reply) {
	t.Helper()
	for k, v := range securityHeaderValues {
		if got := r.header.Get(k); !strings.EqualFold(got, v) {
			t.Errorf("%s (%d): %s = %q, want %q", what, r.status, k, got, v)
		}
	}
	csp := r.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s (%d): Content-Security-Policy = %q, want a strict one", what, r.status, csp)
	}
}

// signIn follows the printed sign-in link and returns the session cookie.
func (p *proc) signIn(t *testing.T) string {
	t.Helper()
	r := p.send(t, "GET", "/signin?token="+p.token, map[string]string{"Authorization": ""}, nil)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
		t.Errorf("sign-in link: %d to %q, want 303 to / (the token gone from the address bar)", r.status, r.header.Get("Location"))
	}
	wantSecurityHeaders(t, "the sign-in redirect", r)
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name != "tian_session" {
			continue
		}
		if c.Value == "" || strings.Contains(c.Value, p.token) || strings.Contains(p.token, c.Value) {
			t.Errorf("the session cookie %q carries the API token", c.Value)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
			t.Errorf("the session cookie: HttpOnly %v, SameSite %v; want HttpOnly and Strict", c.HttpOnly, c.SameSite)
		}
		return c.Value
	}
	t.Fatalf("the sign-in link set no tian_session cookie: %q", r.header["Set-Cookie"])
	return ""
}

// Cross-site writes with the session cookie create nothing; the cookie is
// a session of its own, ended on the server by signing out; every answer
// carries the security headers; guessing tokens is throttled; a used
// token shows when it was used.
func (a *adversary) csrfAndCookie(t *testing.T) {
	p := a.serve(t)
	sid := p.signIn(t)
	other := fmt.Sprintf("http://127.0.0.1:%d", p.port()+1)
	asBrowser := func(method, path string, headers map[string]string, body string) reply {
		h := map[string]string{"Authorization": "", "Cookie": "tian_session=" + sid}
		for k, v := range headers {
			h[k] = v
		}
		return p.send(t, method, path, h, strings.NewReader(body))
	}
	// "/" sends a role to its first page (303); the admin's is 审查
	if landing := asBrowser("GET", "/", nil, ""); landing.status != http.StatusSeeOther || landing.header.Get("Location") != "/review" {
		t.Errorf("the address after signing in: %d to %q, want 303 to /review", landing.status, landing.header.Get("Location"))
	}
	page := asBrowser("GET", "/review", nil, "")
	if page.status != 200 || !strings.Contains(string(page.body), "<html") {
		t.Errorf("the page after signing in: %d", page.status)
	}
	wantSecurityHeaders(t, "the page", page)

	tokensBefore := p.names(t, "/api/v1/tokens", "tokens")
	attack := `{"number":"20268001","year":2026,"title":"关于在城南区增设社区食堂的提案","body":"城南区老年人就餐难，建议增设社区食堂。"}`
	mint := `{"name":"攻击者","role":"admin"}`
	for _, c := range []struct {
		what, path, body string
		headers          map[string]string
		status           int
	}{
		{"a text/plain form from another port", "/api/v1/proposals", attack, map[string]string{"Content-Type": "text/plain", "Origin": other}, 403},
		{"a text/plain form from another port minting a token", "/api/v1/tokens", mint, map[string]string{"Content-Type": "text/plain", "Origin": other}, 403},
		{"a url-encoded form, same-site", "/api/v1/tokens", "name=x&role=admin", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": other, "Sec-Fetch-Site": "same-site"}, 403},
		{"JSON from another port", "/api/v1/tokens", mint, map[string]string{"Content-Type": "application/json", "Origin": other, "Sec-Fetch-Site": "same-site"}, 403},
		{"text/plain without Origin or Sec-Fetch-Site", "/api/v1/proposals", attack, map[string]string{"Content-Type": "text/plain"}, 403},
		{"text/plain from the page's own origin", "/api/v1/proposals", attack, map[string]string{"Content-Type": "text/plain", "Origin": p.base}, 415},
	} {
		r := asBrowser("POST", c.path, c.headers, c.body)
		wantError(t, c.what, r, c.status)
		wantSecurityHeaders(t, c.what, r)
	}
	if code := p.call(t, "GET", "/api/v1/proposals/20268001", nil, nil); code != 404 {
		t.Errorf("a cross-site write created proposal 20268001: GET = %d", code)
	}
	if after := p.names(t, "/api/v1/tokens", "tokens"); !reflect.DeepEqual(after, tokensBefore) {
		t.Errorf("cross-site writes changed the tokens: %v → %v", tokensBefore, after)
	}
	// the page itself may write
	own := asBrowser("POST", "/api/v1/proposals", map[string]string{"Content-Type": "application/json", "Origin": p.base, "Sec-Fetch-Site": "same-origin"},
		strings.Replace(attack, "20268001", "20268002", 1))
	if own.status != 201 {
		t.Errorf("the page's own JSON write: %d %.300s", own.status, own.body)
	}

	for _, c := range []struct {
		what                   string
		method, path, body, ct string
		auth                   bool
	}{
		{"the sign-in page", "GET", "/signin", "", "", false},
		{"the health check", "GET", "/healthz", "", "", false},
		{"an API read", "GET", "/api/v1/categories", "", "", true},
		{"an unknown address", "GET", "/api/v1/nothing-here", "", "", true},
		{"a read without a token", "GET", "/api/v1/categories", "", "", false},
		{"malformed JSON", "POST", "/api/v1/classify", `{"title": 5}`, "application/json", true},
	} {
		h := map[string]string{"Content-Type": c.ct}
		if !c.auth {
			h["Authorization"] = ""
		}
		wantSecurityHeaders(t, c.what, p.send(t, c.method, c.path, h, strings.NewReader(c.body)))
	}

	p.lastUsed(t)

	out := asBrowser("POST", "/signout", map[string]string{"Origin": p.base, "Sec-Fetch-Site": "same-origin"}, "")
	if out.status != http.StatusSeeOther {
		t.Errorf("sign out: %d", out.status)
	}
	if r := asBrowser("GET", "/api/v1/categories", nil, ""); r.status != 401 {
		t.Errorf("the session still reads after signing out: %d", r.status)
	}
	p.guessing(t)
}

func (p *proc) port() int {
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(p.base, "http://"))
	n, _ := strconv.Atoi(port)
	return n
}

// lastUsed makes a token, uses it, and expects GET /api/v1/tokens to show
// when.
func (p *proc) lastUsed(t *testing.T) {
	t.Helper()
	var made struct {
		Token  tian.APIToken
		Secret string
	}
	if code := p.call(t, "POST", "/api/v1/tokens", map[string]string{"name": "王委员", "role": "member"}, &made); code != 201 {
		t.Fatalf("creating a member token: %d", code)
	}
	if r := p.send(t, "GET", "/api/v1/search?q=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF", map[string]string{"Authorization": "Bearer " + made.Secret}, nil); r.status != 200 {
		t.Fatalf("search with the member token: %d", r.status)
	}
	var used string
	for try := 0; try < 50 && used == ""; try++ {
		var out struct{ Tokens []tian.APIToken }
		p.call(t, "GET", "/api/v1/tokens", nil, &out)
		for _, tok := range out.Tokens {
			if tok.ID == made.Token.ID {
				used = tok.LastUsed
			}
		}
		if used == "" {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if used == "" {
		t.Errorf("GET /api/v1/tokens shows no last_used for a token that was just used")
	}
}

// guessing sends 25 wrong tokens from a fresh address, 127.0.0.2: after
// the burst of 20 failures it gets 429 in Chinese, while 127.0.0.1 goes on.
func (p *proc) guessing(t *testing.T) {
	t.Helper()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
	guesser := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}, Timeout: time.Minute}
	var codes []int
	var last reply
	for i := range 25 {
		last = p.sendVia(t, guesser, "GET", "/api/v1/categories", map[string]string{"Authorization": fmt.Sprintf("Bearer tian_guess%02d", i)}, nil)
		codes = append(codes, last.status)
	}
	for i, c := range codes {
		if i < 20 && c != 401 || i >= 20 && c != 429 {
			t.Errorf("25 wrong tokens from one address got %v, want 401 for the first 20, then 429", codes)
			break
		}
	}
	wantError(t, "the 25th wrong token", last, 429)
	wantSecurityHeaders(t, "the 25th wrong token", last)
	if last.header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
	if code := p.call(t, "GET", "/api/v1/categories", nil, nil); code != 200 {
		t.Errorf("another address with a good token, while 127.0.0.2 is throttled: %d", code)
	}
}

// --- 5. feedback

// Feedback cannot poison the model: verdicts with a made-up label or
// number are refused and not stored, retraining keeps the five real
// categories, and free text over 30,000 characters is refused.
func (a *adversary) feedbackCannotPoison(t *testing.T) {
	p := a.serve(t)
	cats := p.categoryNames(t)
	if len(cats) != 5 {
		t.Fatalf("the demo has %d categories, want 5: %v", len(cats), cats)
	}
	const poison = "<b>投毒类别</b>"
	poisoned := "关于在全市推广投毒类别管理的提案 各区县应当统一按照投毒类别处理所有提案，建议立即执行。"
	for i := range 40 {
		r := p.sendJSON(t, "POST", "/api/v1/feedback", tian.Feedback{Number: fmt.Sprintf("2099%04d", i), Kind: "category",
			Suggested: "社会建设", Chosen: poison, Text: poisoned})
		if r.status < 400 || r.status >= 500 {
			t.Errorf("poisoned feedback %d: %d %.200s, want 4xx", i, r.status, r.body)
		}
	}
	for _, f := range []tian.Feedback{
		{Number: "20210205", Kind: "category", Suggested: "社会建设", Chosen: poison},
		{Kind: "category", Suggested: "社会建设", Chosen: poison, Text: poisoned},
		{Number: "20990001", Kind: "category", Suggested: "社会建设", Chosen: "社会建设"},
		{Number: "20210205", Kind: "lead_unit", Suggested: "市民政局", Chosen: "<b>投毒单位</b>"},
	} {
		wantError(t, fmt.Sprintf("feedback %+v", f), p.sendJSON(t, "POST", "/api/v1/feedback", f), 400, 404, 422)
	}
	long := tian.Feedback{Number: "20210205", Kind: "category", Suggested: "社会建设", Chosen: "社会建设", Text: strings.Repeat("议", 30_001)}
	wantError(t, "feedback with 30,001 characters of text", p.sendJSON(t, "POST", "/api/v1/feedback", long), 413)
	db := openStore(t, filepath.Join(p.dir, "tian.db"))
	if n := count(t, db, `SELECT count(*) FROM feedback WHERE chosen LIKE '%投毒%' OR number LIKE '2099%' OR length(text) > 30000`); n != 0 {
		t.Errorf("%d refused feedbacks are stored", n)
	}

	r := p.send(t, "POST", "/api/v1/train", nil, nil)
	var started struct {
		Running bool
		Job     job
	}
	json.Unmarshal(r.body, &started)
	if r.status != 202 || !started.Running || started.Job.ID == "" {
		t.Fatalf("POST /api/v1/train: %d %.300s, want 202 with the running job", r.status, r.body)
	}
	began := time.Now()
	j := p.follow(t, started.Job.ID, 15*time.Minute)
	t.Logf("retraining took %v: %s, steps %q", time.Since(began).Round(time.Second), j.State, j.Steps)
	if j.State != api.JobDone {
		t.Fatalf("training ended %s: %+v", j.State, j.Error)
	}
	texts := []TextRequest{
		{Title: "关于加快发展社区嵌入式养老服务的提案", Body: "城东区近四成社区没有养老服务站点，建议建设嵌入式养老服务设施。"},
		{Title: poison, Body: poisoned},
		{Body: poisoned},
		{Body: "Proposal on protected bike lanes along the river."},
		{Body: "。，、；！？"},
		{Body: "毒"},
	}
	for _, text := range texts {
		text.K = 10
		var sg tian.Suggestion
		if code := p.call(t, "POST", "/api/v1/classify", text, &sg); code != 200 || len(sg.Labels) == 0 {
			t.Errorf("classify %.40q: %d %+v", text.Body, code, sg)
			continue
		}
		for _, l := range sg.Labels {
			if i := sort.SearchStrings(cats, l.Label); i == len(cats) || cats[i] != l.Label || strings.Contains(l.Label, "投毒") {
				t.Errorf("classify %.40q after retraining: label %q (%.4f) is not one of the five categories %v", text.Body, l.Label, l.Prob, cats)
			}
		}
	}
	if after := p.categoryNames(t); !reflect.DeepEqual(after, cats) {
		t.Errorf("the categories changed: %v → %v", cats, after)
	}
}

// TextRequest is the body of classify, route and similar.
type TextRequest = api.TextRequest

// --- 6. imports never lose fields

// fullProposal finds a demo proposal with every field an office fills.
func (p *proc) fullProposal(t *testing.T) tian.Proposal {
	t.Helper()
	var list struct{ Proposals []tian.Proposal }
	if code := p.call(t, "GET", "/api/v1/proposals?year=2023&limit=500", nil, &list); code != 200 {
		t.Fatalf("listing 2023: %d", code)
	}
	for _, c := range list.Proposals {
		if c.Session != "" && c.Proposer != "" && c.Category != "" && c.LeadUnit != "" && len(c.CoUnits) > 0 && c.Status != "" && c.Reply != "" {
			var full tian.Proposal
			if code := p.call(t, "GET", "/api/v1/proposals/"+c.Number, nil, &full); code != 200 {
				t.Fatalf("GET %s: %d", c.Number, code)
			}
			return full
		}
	}
	t.Fatal("no demo proposal of 2023 has session, proposer, category, units, status and reply")
	return tian.Proposal{}
}

// Re-importing a proposal from a file with only 提案号, 标题, 内容, 年度
// changes those and keeps every other field; a rejected row creates no
// category, in a lenient or a strict import.
func (a *adversary) importsKeepFields(t *testing.T) {
	p := a.serve(t)
	before := p.fullProposal(t)
	want := before
	want.Title = strings.TrimSuffix(before.Title, "的提案") + "（修改稿）的提案"
	header := []string{"提案号", "标题", "内容", "年度"}
	rep, _, _ := p.importFile(t, "标题修改.csv", csvFile(header, []string{before.Number, want.Title, before.Body, strconv.Itoa(before.Year)}))
	if rep.Updated != 1 || rep.Rejected != 0 {
		t.Errorf("re-import with four columns: %s, want 1 updated", rep.Summary())
	}
	fields := map[string]string{"提案号": "number", "标题": "title", "内容": "body", "年度": "year"}
	for _, h := range header {
		found := false
		for _, m := range rep.Mapping {
			found = found || strings.Contains(m.Column, h) && m.Field == fields[h]
		}
		if !found {
			t.Errorf("the report's mapping %+v does not send header %s to %s", rep.Mapping, h, fields[h])
		}
	}
	var after tian.Proposal
	if code := p.call(t, "GET", "/api/v1/proposals/"+before.Number, nil, &after); code != 200 {
		t.Fatalf("GET %s: %d", before.Number, code)
	}
	if diff := fieldDiff(want, after); diff != "" {
		t.Errorf("re-importing %s with four columns changed other fields:\n%s", before.Number, diff)
	}

	cats := p.categoryNames(t)
	newCat := []string{"提案号", "标题", "内容", "年度", "类别", "主办单位", "提交日期"}
	rejected := csvFile(newCat,
		[]string{"20269101", "关于发展海洋牧场的提案", "近海渔业资源衰退，建议发展海洋牧场。", "2026", "海洋经济", "市不存在管理局", "2026-01-15"},
		[]string{"20269102", "关于建设深海养殖基地的提案", "建议建设深海养殖基地。", "2026", "深海经济", "", "2026-13-45"})
	rep, _, _ = p.importFile(t, "新类别.csv", rejected)
	if rep.Rejected != 2 || rep.Inserted != 0 {
		t.Errorf("two bad rows with new categories: %s, want both rejected", rep.Summary())
	}
	strict := csvFile(newCat,
		[]string{"20269103", "关于发展海洋牧场的提案", "近海渔业资源衰退，建议发展海洋牧场。", "2026", "海洋经济", "", "2026-01-15"},
		[]string{"20269104", "关于建设深海养殖基地的提案", "建议建设深海养殖基地。", "2026", "深海经济", "市不存在管理局", "2026-01-16"})
	r := p.upload(t, "/api/v1/import?strict=true", "新类别严格.csv", strict)
	t.Logf("strict import with one bad row: %d %.200s", r.status, r.body)
	if after := p.categoryNames(t); !reflect.DeepEqual(after, cats) {
		t.Errorf("rejected rows changed the categories: %v → %v", cats, after)
	}
	for _, n := range []string{"20269101", "20269102", "20269103", "20269104"} {
		if code := p.call(t, "GET", "/api/v1/proposals/"+n, nil, nil); code != 404 {
			t.Errorf("GET %s of a rejected row or refused file: %d, want 404", n, code)
		}
	}
}

// fieldDiff lists the fields in which two proposals differ.
func fieldDiff(want, got tian.Proposal) string {
	var b strings.Builder
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	for i := range wv.NumField() {
		if w, g := wv.Field(i).Interface(), gv.Field(i).Interface(); !reflect.DeepEqual(w, g) {
			fmt.Fprintf(&b, "  %s: %.80q, want %.80q\n", wv.Type().Field(i).Name, fmt.Sprint(g), fmt.Sprint(w))
		}
	}
	return b.String()
}

// --- 7. exports

// Formula-like text is exported with a leading ', control characters are
// dropped, and each export imports back, giving back the same titles.
func (a *adversary) exportsAreSafe(t *testing.T) {
	p := a.serve(t)
	made := []tian.Proposal{
		{Number: "20267001", Title: `=HYPERLINK("http://x","点击")关于加强社区养老服务的提案`, Body: "城东区社区养老服务站点不足，建议增设。"},
		{Number: "20267002", Title: "+1关于增加城南区公交线路的提案", Body: "城南区大学城公交线路少，建议增设线路。"},
		{Number: "20267003", Title: "-2关于减少企业开办审批环节的提案", Body: "企业开办仍需多个环节，建议合并办理。"},
		{Number: "20267004", Title: "@SUM(A1)关于规范共享单车停放的提案", Body: "地铁站口单车乱停，建议设电子围栏。"},
		{Number: "20267005", Title: "关于整治老旧小区飞线充电的提案", Body: "老旧小区\x00电动车\x07飞线充电\x1b隐患突出，建议增设充电桩。", Proposer: "=cmd|' /C calc'!A0"},
		{Number: "20267006", Title: "关于加强校园周边交通安全的提案", Body: "=1+2 学校周边上下学时段拥堵，建议设置护学岗。", Reply: "@已办理：增设护学岗12处。"},
	}
	for _, pr := range made {
		pr.Year = 2026
		if r := p.sendJSON(t, "POST", "/api/v1/proposals", pr); r.status != 201 {
			t.Errorf("creating %s: %d %.200s", pr.Number, r.status, r.body)
		}
	}
	for _, format := range []string{"csv", "xlsx"} {
		r := p.send(t, "GET", "/api/v1/export?year=2026&format="+format, nil, nil)
		if r.status != 200 {
			t.Errorf("export %s: %d %.200s", format, r.status, r.body)
			continue
		}
		rows := exportedRows(t, format, r.body)
		checkCells(t, format, rows, made)
		rep, _, _ := p.importFile(t, "导出."+format, r.body)
		if rep.Rejected != 0 || !rep.Committed || rep.Rows != len(made) {
			t.Errorf("re-importing the %s export: %s %+v", format, rep.Summary(), rep.Errors)
		}
		for _, pr := range made[:4] {
			var got tian.Proposal
			if p.call(t, "GET", "/api/v1/proposals/"+pr.Number, nil, &got); got.Title != pr.Title {
				t.Errorf("after re-importing the %s export, %s is titled %q, want %q", format, pr.Number, got.Title, pr.Title)
			}
		}
	}
}

// exportedRows reads an export's cells.
func exportedRows(t *testing.T, format string, data []byte) [][]string {
	t.Helper()
	if format == "csv" {
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatalf("the csv export does not parse: %v", err)
		}
		return rows
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the xlsx export does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// checkCells fails on a cell that a spreadsheet would run as a formula or
// that holds a control character, and wants the made titles with a '.
func checkCells(t *testing.T, format string, rows [][]string, made []tian.Proposal) {
	t.Helper()
	titles := map[string]bool{}
	for i, row := range rows {
		for j, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("%s export, row %d, column %d: %.60q would run as a formula", format, i+1, j+1, cell)
			}
			if k := strings.IndexFunc(cell, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f }); k >= 0 {
				t.Errorf("%s export, row %d, column %d: control character %q in %.60q", format, i+1, j+1, cell[k], cell)
			}
			titles[cell] = true
		}
	}
	for _, pr := range made[:4] {
		if !titles["'"+pr.Title] {
			t.Errorf("%s export: no cell %q", format, "'"+pr.Title)
		}
	}
}

// --- 8. small ones

// Thresholds out of range are refused; the database, its WAL and a backup
// are private to their owner; a deleted proposal's text leaves the
// database file; a backup's MANIFEST counts what the backup holds.
func (a *adversary) smallOnes(t *testing.T) {
	p := a.serve(t)
	for _, v := range []string{"NaN", "Inf", "-Inf", "-1", "0", "1e309", "2"} {
		wantError(t, "groups with threshold="+v, p.send(t, "GET", "/api/v1/groups?year=2024&threshold="+url.QueryEscape(v), nil, nil), 400)
	}
	if r := p.send(t, "GET", "/api/v1/groups?year=2024&threshold=0.2", nil, nil); r.status != 200 {
		t.Errorf("groups with threshold=0.2: %d %.200s", r.status, r.body)
	}
	marker := fmt.Sprintf("XQZ%dMARK", time.Now().UnixNano())
	secret := tian.Proposal{Number: "20266601", Year: 2026, Title: "关于保护举报人个人信息的提案",
		Body: strings.Repeat("举报人信息须严格保密，"+marker+"，建议建立信息脱敏制度。", 100)}
	if r := p.sendJSON(t, "POST", "/api/v1/proposals", secret); r.status != 201 {
		t.Fatalf("creating the proposal with the marker: %d %.200s", r.status, r.body)
	}
	private(t, "the database files", p.dir, "tian.db", "tian.db-wal", "tian.db-shm")
	a.backupWhileWriting(t, p)
	if err := p.stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}
	if !bytes.Contains(storeBytes(t, p.dir), []byte(marker)) {
		t.Fatalf("the marker of a stored proposal is not in the database files: the secure_delete check would prove nothing")
	}
	p = a.launch(t, p.dir)
	if code := p.call(t, "DELETE", "/api/v1/proposals/20266601", nil, nil); code != 204 {
		t.Fatalf("deleting the proposal: %d", code)
	}
	if err := p.stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}
	if n := bytes.Count(storeBytes(t, p.dir), []byte(marker)); n > 0 {
		t.Errorf("a deleted proposal's text is still in the database files %d times (secure_delete)", n)
	}
}

// storeBytes reads the database file and its WAL, if any.
func storeBytes(t *testing.T, dir string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "tian.db"))
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(filepath.Join(dir, "tian.db-wal"))
	return append(b, wal...)
}

// private fails for a named file of dir that is missing or readable by
// others than its owner.
func private(t *testing.T, what, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		info, err := os.Stat(filepath.Join(dir, n))
		if err != nil {
			t.Errorf("%s: %v", what, err)
		} else if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %s has mode %v, want 0600", what, n, info.Mode().Perm())
		}
	}
}

// backupWhileWriting runs `tian backup` while proposals are being written
// and checks the backup's modes and MANIFEST against its own database.
func (a *adversary) backupWhileWriting(t *testing.T, p *proc) {
	t.Helper()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	written := 0
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			b, _ := json.Marshal(tian.Proposal{Number: fmt.Sprintf("2026%04d", 7000+i), Year: 2026,
				Title: fmt.Sprintf("关于城南区第%d批老旧小区改造的提案", i+1), Body: "城南区老旧小区管网老化，建议纳入改造计划。"})
			req, _ := http.NewRequest("POST", p.base+"/api/v1/proposals", bytes.NewReader(b))
			req.Header.Set("Authorization", "Bearer "+p.token)
			req.Header.Set("Content-Type", "application/json")
			if res, err := noRedirects.Do(req); err == nil { // not t.Fatal: this is not the test's goroutine
				res.Body.Close()
				if res.StatusCode == 201 {
					written++
				}
			}
		}
	}()
	dir := filepath.Join(t.TempDir(), "backup")
	out, err := exec.Command(a.bin, "--data", p.dir, "backup", dir).CombinedOutput()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("tian backup: %v\n%s", err, out)
	}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			private(t, "the backup", filepath.Dir(path), d.Name())
		}
		return nil
	})
	var manifest struct{ Counts map[string]int }
	b, err := os.ReadFile(filepath.Join(dir, "MANIFEST.json"))
	if err != nil || json.Unmarshal(b, &manifest) != nil || manifest.Counts["proposals"] == 0 {
		t.Fatalf("the backup's MANIFEST.json: %v %s", err, b)
	}
	db := openStore(t, filepath.Join(dir, "tian.db"))
	identifier := regexp.MustCompile(`^[a-z_]+$`)
	for table, n := range manifest.Counts {
		if !identifier.MatchString(table) {
			t.Errorf("MANIFEST counts %q", table)
		} else if got := count(t, db, "SELECT count(*) FROM "+table); got != n {
			t.Errorf("MANIFEST counts %d %s, the backup holds %d", n, table, got)
		}
	}
	t.Logf("backup while %d proposals were written: MANIFEST %v", written, manifest.Counts)
}

// --- 9. JSON never null

// nulls lists the JSON paths of the nulls in one or more JSON documents
// (JSON Lines: "$2.co_units" is a field of the second line).
func nulls(body []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var out []string
	for doc := 1; ; doc++ {
		var v any
		err := dec.Decode(&v)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		root := "$"
		if doc > 1 || dec.More() {
			root = fmt.Sprintf("$%d", doc)
		}
		walkNulls(v, root, &out)
	}
}

func walkNulls(v any, path string, out *[]string) {
	switch x := v.(type) {
	case nil:
		*out = append(*out, path)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkNulls(x[k], path+"."+k, out)
		}
	case []any:
		for i, e := range x {
			walkNulls(e, fmt.Sprintf("%s[%d]", path, i), out)
		}
	}
}

// noNulls fails on a null anywhere in a JSON answer.
func noNulls(t *testing.T, what string, r reply) {
	t.Helper()
	paths, err := nulls(r.body)
	if err != nil {
		t.Errorf("%s: %d, not JSON: %v: %.200s", what, r.status, err, r.body)
	}
	if len(paths) > 5 {
		paths = append(paths[:5], fmt.Sprintf("… %d in all", len(paths)))
	}
	if len(paths) > 0 {
		t.Errorf("%s: null at %s", what, strings.Join(paths, ", "))
	}
}

// Every GET route's JSON, and classify, route and similar on edge texts,
// hold no null anywhere.
func (a *adversary) jsonNeverNull(t *testing.T) {
	p := a.serve(t)
	full := p.fullProposal(t)
	bare := tian.Proposal{Number: "20265501", Year: 2026, Title: "关于增设社区图书角的提案", Body: "社区缺少阅读空间。"}
	if r := p.sendJSON(t, "POST", "/api/v1/proposals", bare); r.status != 201 {
		t.Fatalf("creating a bare proposal: %d %.200s", r.status, r.body)
	}
	imp := p.upload(t, "/api/v1/import", "一件.csv", csvFile([]string{"提案号", "年度", "标题", "内容"}, []string{"20265502", "2026", "关于整治夜间施工噪声的提案", "夜间施工噪声扰民。"}))
	if imp.status != 200 || imp.header.Get("X-Job-ID") == "" {
		t.Fatalf("a one-row import: %d, X-Job-ID %q", imp.status, imp.header.Get("X-Job-ID"))
	}
	noNulls(t, "POST /api/v1/import", imp)
	q := url.QueryEscape
	samples := map[string][]string{
		"GET /api/v1/proposals":                  {"?year=2024&limit=5", "?year=1999", "?category=" + q("不存在的类别")},
		"GET /api/v1/proposals/{number}":         {"/api/v1/proposals/" + full.Number, "/api/v1/proposals/" + bare.Number},
		"GET /api/v1/proposals/{number}/similar": {"/api/v1/proposals/" + full.Number + "/similar?k=5", "/api/v1/proposals/" + bare.Number + "/similar", "/api/v1/proposals/" + full.Number + "/similar?before_year=2021"},
		"GET /api/v1/search": {"?q=" + q("加装电梯"), "?q=" + q("zzzxqv"), "?q=" + q("。，、；！？"), "?q=", "?q=" + q("水") + "&facets=category,year,lead_unit,unit,proposer_type,status",
			"?q=" + q("养老") + "&year=1999"},
		"GET /api/v1/stats":         {"?year=2023", "?year=1999", ""},
		"GET /api/v1/units":         {""},
		"GET /api/v1/categories":    {""},
		"GET /api/v1/groups":        {"?year=2024", "?year=1999", "?numbers=" + full.Number, "?year=2026"},
		"GET /api/v1/duplicates":    {"?year=2024", "?year=1999", "?year=2026&lookback=3"},
		"GET /api/v1/export":        {"?format=jsonl&year=2026", "?format=jsonl&year=2023"},
		"GET /api/v1/train":         {""},
		"GET /api/v1/jobs":          {""},
		"GET /api/v1/jobs/{id}":     {"/api/v1/jobs/" + imp.header.Get("X-Job-ID")},
		"GET /api/v1/tokens":        {""},
		"GET /api/v1/me":            {""},
		"GET /api/v1/imports":       {"", "?offset=1000"},
		"GET /api/v1/words":         {""},
		"GET /api/v1/words/suggest": {"?year=2024&limit=20", "?year=2030", ""},
		"GET /api/v1/groups/{year}": {"/api/v1/groups/2024", "/api/v1/groups/1990", "/api/v1/groups/2024?include=all&threshold=0.5",
			"/api/v1/groups/2026?source=suggestion"},
		"GET /api/v1/groups/{year}/export":     nil, // a workbook (TestAdversarial12)
		"GET /api/v1/proposals/{number}/group": nil, // 404 until groups are saved (TestAdversarial12)
		"GET /api/openapi.yaml":                nil, // YAML
		"GET /metrics":                         nil, // Prometheus text
		"GET /readyz":                          {""},
		"GET /healthz":                         {""},
	}
	routes := append(api.Routes(), "GET /readyz", "GET /healthz")
	for _, route := range routes {
		path, isGET := strings.CutPrefix(route, "GET ")
		if !isGET {
			continue
		}
		list, ok := samples[route]
		if !ok {
			t.Errorf("no sample request for %s: add one so that every GET route is walked", route)
		}
		for _, s := range list {
			if !strings.HasPrefix(s, "/") {
				s = path + s
			}
			r := p.send(t, "GET", s, nil, nil)
			if r.status != 200 {
				t.Errorf("GET %s: %d %.200s", s, r.status, r.body)
				continue
			}
			noNulls(t, "GET "+s, r)
		}
	}
	texts := []TextRequest{
		{Title: full.Title, Body: full.Body},
		{Title: "Proposal on bike lanes", Body: "The city should build protected bike lanes along the river."},
		{Body: "。，、；！？"},
		{Body: "水"},
	}
	for _, path := range []string{"/api/v1/classify", "/api/v1/route", "/api/v1/similar"} {
		for _, text := range texts {
			r := p.sendJSON(t, "POST", path, text)
			what := fmt.Sprintf("POST %s %.30q", path, text.Title+text.Body)
			if r.status != 200 {
				wantError(t, what, r, 400)
				continue
			}
			noNulls(t, what, r)
		}
	}
}
