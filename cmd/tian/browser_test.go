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

	"tian/internal/slowtest"
)

// The browser tests drive the pages in headless Chromium (Debian's,
// installed by .ci/run) under pagePolicy and save screenshots (to
// $TIAN_SCREENSHOTS when set). Any JavaScript exception, console error or
// browser-log error (CSP violations are logged there) fails them. One file
// a page: browser_<page>_test.go.

// pagePolicy is the Content-Security-Policy the pages must work under. The
// test's proxy sets it on every response, so a violation shows up as an
// error whether or not the server sends the header itself.
const pagePolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// browserSetup starts (or shares) the service, a headless Chromium under
// pagePolicy, and signs in with the service's admin token. Skipped where
// Chromium is absent; run by .ci/run (TIAN_SLOW=1).
func browserSetup(t *testing.T, timeout time.Duration) (*browser, *service) {
	t.Helper()
	slowtest.Gate(t) // the race detector adds nothing to a browser's view
	chromium := chromiumPath(t)
	s := sharedService(t)
	b := newBrowser(t, chromium, withPolicy(t, s.base), timeout)
	b.signIn(s.token)
	return b, s
}

// open goes to one of the pages and waits for its header.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+path), chromedp.WaitVisible(`#top nav a`))
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
// follows the first-start link to the landing page.
func (b *browser) signIn(token string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(`input[name=token]`))
	if at := run(b, chromedp.Location()); !strings.HasSuffix(at, "/signin") {
		b.t.Errorf("unsigned visit ended at %s, want the sign-in page", at)
	}
	b.do(chromedp.Navigate(b.base+"/signin?token="+url.QueryEscape(token)), chromedp.WaitVisible(`#top nav a`))
	if at := run(b, chromedp.Location()); !strings.HasSuffix(at, "/review") {
		b.t.Errorf("the admin's sign-in landed on %s, want the review page", at)
	}
	for _, e := range b.takeErrors() {
		b.t.Errorf("sign-in and the first page: %s", e)
	}
}

// submit runs steps that start work in a page section (review, search,
// groups, stats) and waits until the section's data-run changes and its
// data-state leaves "busy": the pages mark every render so. It returns the
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
