package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"tian"
	"tian/api"
	"tian/internal/slowtest"
)

// pagePolicy is the Content-Security-Policy the pages must work under. The
// test's proxy sets it on every response, so a violation shows up as an
// error whether or not the server sends the header itself.
const pagePolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// TestBrowser drives the pages in headless Chromium (Debian's, installed by
// .ci/run) under pagePolicy: sign in with the first-start link, review
// proposals, search, open the groups and the statistics, and save
// screenshots (to $TIAN_SCREENSHOTS when set). Any JavaScript exception,
// console error or browser-log error (CSP violations are logged there)
// fails it. The review sweep covers 15 demo proposals and edge texts; with
// TIAN_BROWSER_SWEEP=1 every 7th demo proposal (225). Skipped where
// Chromium is absent.
func TestBrowser(t *testing.T) {
	slowtest.Gate(t) // the race detector adds nothing to a browser's view
	chromium := chromiumPath(t)
	s := sharedService(t)
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	sample, timeout := demo[:15], 3*time.Minute
	if os.Getenv("TIAN_BROWSER_SWEEP") == "1" {
		sample, timeout = nil, 15*time.Minute
		for i := 0; i < len(demo); i += 7 {
			sample = append(sample, demo[i])
		}
	}
	b := newBrowser(t, chromium, withPolicy(t, s.base), timeout)
	b.signIn(s.token)
	client := api.NewClient(s.base, s.token)

	r, problems := b.review(client, "关于加快发展社区嵌入式养老服务的提案",
		"城东区近四成社区没有养老服务站点，助餐、助浴需求大。建议利用闲置用房建设社区嵌入式养老服务设施，推动医养结合。")
	b.shot("review.png")
	for _, p := range problems {
		t.Errorf("review: %s", p)
	}
	if !strings.Contains(r.Cats, "→ 社会建设") {
		t.Errorf("review shows %q, want 社会建设 first", r.Cats)
	}
	b.feedback()
	b.sweep(client, sample)
	b.edgeTexts(client, demo)
	b.search()
	b.groups()
	b.stats()
	b.noErrors("the end")
	t.Logf("screenshots in %s", b.shots)
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is missing in CI: .ci/run installs it")
		}
		t.Skip("chromium not installed (apt-get install chromium; .ci/run does)")
	}
	return chromium
}

// withPolicy puts a reverse proxy in front of the service that adds
// pagePolicy to every response, and returns its address. The browser's Host
// is passed on, so that the service sees one origin.
func withPolicy(t *testing.T, base string) string {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = r.In.Host
		},
		ModifyResponse: func(res *http.Response) error {
			res.Header.Set("Content-Security-Policy", pagePolicy)
			return nil
		},
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

// browser is a Chromium tab on the pages that records every exception,
// console error and browser-log error they cause.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string

	mu   sync.Mutex
	errs []string
}

func newBrowser(t *testing.T, chromium, base string, timeout time.Duration) *browser {
	t.Helper()
	b := &browser{t: t, base: base, shots: os.Getenv("TIAN_SCREENSHOTS")}
	if b.shots == "" {
		b.shots = t.TempDir()
	}
	if err := os.MkdirAll(b.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(b.record))
	t.Cleanup(cancel)
	// the first Run starts the browser: without a timeout (see chromedp.Run)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	b.ctx, cancel = context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel)
	return b
}

// record keeps the events that mean the page went wrong. It runs on the
// tab's reading goroutine, so it only appends.
func (b *browser) record(ev any) {
	var msg string
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg = fmt.Sprintf("exception: %s %s (%s:%d:%d)", d.Text, describe(d.Exception), d.URL, d.LineNumber+1, d.ColumnNumber+1)
	case *runtime.EventConsoleAPICalled:
		if e.Type != runtime.ConsoleAPICalledTypeError && e.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var args []string
		for _, a := range e.Args {
			args = append(args, describe(a))
		}
		msg = "console." + string(e.Type) + ": " + strings.Join(args, " ")
	case *log.EventEntryAdded:
		if e.Entry.Level != log.EntryLevelError {
			return
		}
		msg = fmt.Sprintf("log (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL)
	default:
		return
	}
	// CSP reports run long: their first sentence names the directive
	if first, _, ok := strings.Cut(msg, ". "); ok {
		msg = first
	}
	b.mu.Lock()
	b.errs = append(b.errs, msg)
	b.mu.Unlock()
}

func describe(o *runtime.RemoteObject) string {
	switch {
	case o == nil:
		return ""
	case o.Description != "":
		first, _, _ := strings.Cut(o.Description, "\n")
		return first
	default:
		return string(o.Value)
	}
}

// takeErrors returns the errors recorded since the last call.
func (b *browser) takeErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	errs := b.errs
	b.errs = nil
	return errs
}

// noErrors fails the test when the page recorded errors during what.
func (b *browser) noErrors(what string) {
	b.t.Helper()
	for _, e := range b.takeErrors() {
		b.t.Errorf("%s: %s", what, e)
	}
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

func run[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// shot saves the whole page, or what the window shows when the page is
// longer than a few screens.
func (b *browser) shot(name string) {
	b.t.Helper()
	capture := chromedp.FullScreenshot(100)
	if run(b, chromedp.Evaluate[int](`document.documentElement.scrollHeight`)) > 4000 {
		capture = chromedp.CaptureScreenshot()
	}
	png := run(b, capture)
	if err := os.WriteFile(filepath.Join(b.shots, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// signIn checks that an unsigned visit lands on the sign-in page, then
// follows the first-start link.
func (b *browser) signIn(token string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(`input[name=token]`))
	if at := run(b, chromedp.Location()); !strings.HasSuffix(at, "/signin") {
		b.t.Errorf("unsigned visit ended at %s, want the sign-in page", at)
	}
	b.do(chromedp.Navigate(b.base+"/signin?token="+url.QueryEscape(token)), chromedp.WaitVisible(`#r-run`))
	b.settle("stats")
	for _, e := range b.takeErrors() {
		b.t.Errorf("sign-in and the first page: %s", e)
	}
}

// submit runs steps that start work in a page section (review, search,
// groups, stats) and waits until the section's data-run changes and its
// data-state leaves "busy": app.js marks every render so. It returns the
// final state ("done", "empty", "error"), or "timeout".
func (b *browser) submit(section string, steps ...chromedp.Action[chromedp.Void]) string {
	b.t.Helper()
	before := run(b, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById(%q).dataset.run || ""`, section)))
	b.do(steps...)
	return b.waitRun(section, before)
}

// settle waits for the section's first render after a page load.
func (b *browser) settle(section string) string {
	b.t.Helper()
	return b.waitRun(section, "")
}

// waitRun waits with a MutationObserver (no polling, no eval: Poll would
// build its predicate with new Function, which the policy forbids).
func (b *browser) waitRun(section, before string) string {
	b.t.Helper()
	js := fmt.Sprintf(`new Promise((resolve) => {
  const el = document.getElementById(%q);
  let obs, timer;
  const check = () => {
    const d = el.dataset;
    if (d.run === undefined || d.run === %q || d.state === "busy" || !d.state) return false;
    if (obs) obs.disconnect();
    clearTimeout(timer);
    resolve(d.state);
    return true;
  };
  if (check()) return;
  obs = new MutationObserver(check);
  obs.observe(el, { attributes: true });
  timer = setTimeout(() => { obs.disconnect(); resolve("timeout"); }, 20000);
})`, section, before)
	return run(b, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
}

// fill sets form fields by id, as pasting does: in one step, however long
// the text (typing 20,000 characters would take minutes), and also to "".
func fill(values map[string]string) chromedp.Action[chromedp.Void] {
	arg, err := json.Marshal(values)
	if err != nil {
		panic(err) // a map of strings always marshals
	}
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`for (const [id, v] of Object.entries(%s)) {
  const e = document.getElementById(id);
  e.value = v;
  e.dispatchEvent(new Event("input", { bubbles: true }));
}`, arg))
}

// reviewView is what the review section shows.
type reviewView struct {
	State   string
	Cats    string // the category bars' text
	Bars    int
	Units   int
	Similar int
	Marks   int    // highlighted evidence in the text
	Message string // errors and notices shown
}

const readReview = `(() => {
  const q = (s) => document.querySelectorAll(s);
  const text = (s) => Array.from(q(s)).map((e) => e.textContent).join(" ");
  return { State: document.getElementById("review").dataset.state || "",
    Cats: text("#r-cats .bar"), Bars: q("#r-cats .bar").length, Units: q("#r-units .unit").length,
    Similar: q("#r-similar li.match").length, Marks: q("#r-text mark").length,
    Message: text("#review .error, #review .notice") };
})()`

// review pastes a text into the review page, submits it and returns what
// the page shows, with its problems: errors in the console, a render that
// never finished, or fewer categories, units or similar proposals than
// the API returns for the text (asked directly, as the oracle).
func (b *browser) review(client *api.Client, title, body string) (reviewView, []string) {
	b.t.Helper()
	b.submit("review", fill(map[string]string{"r-title": title, "r-body": body}), chromedp.Click(chromedp.ID("r-run")))
	v := run(b, chromedp.Evaluate[reviewView](readReview))
	problems := b.takeErrors()
	switch {
	case strings.TrimSpace(title+body) == "":
		if v.State != "empty" || v.Message == "" {
			problems = append(problems, fmt.Sprintf("state %q, message %q; want a notice", v.State, v.Message))
		}
	case v.State != "done":
		problems = append(problems, fmt.Sprintf("state %q, page says %q", v.State, v.Message))
	default:
		problems = append(problems, b.compare(client, title, body, v)...)
	}
	return v, problems
}

// compare checks the rendered review against the API's answers.
func (b *browser) compare(client *api.Client, title, body string, v reviewView) []string {
	b.t.Helper()
	sg, err := client.Classify(b.ctx, title, body, 3)
	if err != nil {
		b.t.Fatal(err)
	}
	rt, err := client.Route(b.ctx, tian.RouteRequest{Title: title, Body: body, K: 3})
	if err != nil {
		b.t.Fatal(err)
	}
	ms, err := client.Similar(b.ctx, tian.SimilarRequest{Title: title, Body: body, K: 8})
	if err != nil {
		b.t.Fatal(err)
	}
	spans := 0
	for _, e := range sg.Evidence {
		spans += len(e.Spans)
	}
	var problems []string
	for _, c := range []struct {
		what            string
		shown, returned int
	}{
		{"categories", v.Bars, len(sg.Labels)},
		{"units", v.Units, len(rt.Lead) + len(rt.Co)},
		{"similar proposals", v.Similar, len(ms)},
	} {
		if c.shown != c.returned {
			problems = append(problems, fmt.Sprintf("shows %d %s, the API returned %d (page says %q)", c.shown, c.what, c.returned, v.Message))
		}
	}
	// overlapping spans show as one mark
	if (spans == 0) != (v.Marks == 0) || v.Marks > spans {
		problems = append(problems, fmt.Sprintf("shows %d evidence marks for %d spans", v.Marks, spans))
	}
	return problems
}

// feedback accepts the suggested category: a write from the page, which
// must pass the service's cross-origin checks.
func (b *browser) feedback() {
	b.t.Helper()
	state := b.submit("r-status", chromedp.Click(chromedp.CSS(`#r-cat-actions button`)))
	b.noErrors("feedback")
	if msg := run(b, chromedp.Text(chromedp.ID("r-status"))); state != "done" || !strings.Contains(msg, "已记录") {
		b.t.Errorf("feedback: state %q, page says %q", state, msg)
	}
}

// sweep reviews each proposal, reports the problems of the first few that
// have any, and counts them.
func (b *browser) sweep(client *api.Client, ps []*tian.Proposal) {
	b.t.Helper()
	start := time.Now()
	bad := 0
	for _, p := range ps {
		_, problems := b.review(client, p.Title, p.Body)
		if len(problems) == 0 {
			continue
		}
		if bad++; bad <= 5 {
			b.t.Errorf("review of %s %s: %s", p.Number, p.Title, strings.Join(problems, "; "))
		}
	}
	b.t.Logf("review sweep: %d proposals in %s, %d with problems", len(ps), time.Since(start).Round(time.Millisecond), bad)
	if bad > 0 {
		b.t.Errorf("review sweep: %d of %d proposals with problems", bad, len(ps))
	}
}

// edgeTexts reviews texts with little or too much in them, and a
// proposal number that does not exist (the page must say so in Chinese).
func (b *browser) edgeTexts(client *api.Client, demo []*tian.Proposal) {
	b.t.Helper()
	var long strings.Builder
	for i := 0; len([]rune(long.String())) < 20_000; i++ {
		long.WriteString(demo[i].Body)
	}
	cases := []struct{ name, title, body, shot string }{
		{"empty", "", "", "review-empty.png"},
		{"spaces", "  ", "\n\t", ""},
		{"english", "On night buses", "The city should run more night buses and add bus lanes on the ring road.", "review-english.png"},
		{"punctuation", "", "。，、；！？……——", "review-punctuation.png"},
		{"one character", "", "水", ""},
		{"20,000 characters", "关于城市更新的提案", string([]rune(long.String())[:20_000]), "review-long.png"},
	}
	for _, c := range cases {
		_, problems := b.review(client, c.title, c.body)
		for _, p := range problems {
			b.t.Errorf("review of the %s text: %s", c.name, p)
		}
		if c.shot != "" {
			b.shot(c.shot)
		}
	}
	b.do(fill(map[string]string{"r-number": "19990999"}))
	state := b.submit("review", chromedp.Click(chromedp.ID("r-load")))
	msg := run(b, chromedp.Evaluate[string](`document.getElementById("r-status").textContent`))
	b.shot("review-not-found.png")
	for _, e := range b.takeErrors() {
		if !strings.Contains(e, "404") { // the browser logs the failed fetch itself
			b.t.Errorf("loading an unknown proposal: %s", e)
		}
	}
	if state != "error" || !strings.Contains(msg, "未找到") {
		b.t.Errorf("loading an unknown proposal: state %q, page says %q; want 未找到", state, msg)
	}
	// a loaded proposal is analysed without matching itself
	b.do(fill(map[string]string{"r-number": "20210205"}))
	if state := b.submit("review", chromedp.Click(chromedp.ID("r-load"))); state != "done" {
		b.t.Errorf("loading 20210205: state %q", state)
	}
	if state := b.submit("review", chromedp.Click(chromedp.ID("r-run"))); state != "done" {
		b.t.Errorf("analysing the loaded 20210205: state %q", state)
	}
	similar := run(b, chromedp.Evaluate[string](`document.getElementById("r-similar").textContent`))
	if similar == "" || strings.Contains(similar, "20210205 ") {
		b.t.Errorf("the loaded proposal's similar proposals: %.300q; want some, and not itself", similar)
	}
	b.shot("review-loaded.png")
	b.do(fill(map[string]string{"r-number": ""}))
}

// search runs queries with nothing to match in them and one with hits.
func (b *browser) search() {
	b.t.Helper()
	b.do(chromedp.Click(`nav button[data-tab=search]`))
	for _, q := range []string{"", "elevator", "。，、；！？……——", "加装电梯"} {
		state := b.submit("search", fill(map[string]string{"s-q": q}), chromedp.Click(chromedp.ID("s-go")))
		b.noErrors(fmt.Sprintf("search %q", q))
		summary := run(b, chromedp.Text(chromedp.ID("s-summary")))
		if state != "done" || summary == "" {
			b.t.Errorf("search %q: state %q, summary %q", q, state, summary)
		}
		if q == "" {
			b.shot("search-empty.png")
		}
	}
	hits := run(b, chromedp.Text(chromedp.ID("s-hits")))
	if !strings.Contains(hits, "加装电梯") || run(b, chromedp.Evaluate[int](`document.querySelectorAll("#s-hits li mark").length`)) == 0 {
		b.t.Errorf("search shows %q, want marked hits", hits)
	}
	b.shot("search.png")
}

func (b *browser) groups() {
	b.t.Helper()
	b.do(chromedp.Click(`nav button[data-tab=groups]`))
	state := b.submit("groups", chromedp.Click(chromedp.ID("g-go")))
	b.noErrors("groups")
	groups := run(b, chromedp.Text(chromedp.ID("g-list")))
	if state != "done" || !strings.Contains(groups, "第1组") {
		b.t.Errorf("groups: state %q, show %q", state, groups)
	}
	b.shot("groups.png")
}

func (b *browser) stats() {
	b.t.Helper()
	b.do(chromedp.Click(`nav button[data-tab=stats]`))
	state := b.submit("stats", fill(map[string]string{"t-year": "2023"}), chromedp.Click(chromedp.ID("t-go")))
	b.noErrors("statistics")
	report := run(b, chromedp.Text(chromedp.ID("t-report")))
	bars := run(b, chromedp.Evaluate[int](`document.querySelectorAll("#t-chart rect").length`))
	if state != "done" || !strings.Contains(report, "共收到提案") || bars == 0 {
		b.t.Errorf("statistics: state %q, %d bars, report %q", state, bars, report)
	}
	b.shot("stats.png")
}
