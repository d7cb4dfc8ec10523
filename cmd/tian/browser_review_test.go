package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tian"
	"tian/api"
)

// TestBrowserReview reviews proposals in the page: one in detail, a sweep
// of demo proposals (15; with TIAN_BROWSER_SWEEP=1 every 7th, 225) and
// edge texts, comparing what it shows with the API's answers.
func TestBrowserReview(t *testing.T) {
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
	b, s := browserSetup(t, timeout)
	client := api.NewClient(s.base, s.token)
	b.open("/review")
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
	b.noErrors("the end")
	t.Logf("screenshots in %s", b.shots)
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
