package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserSearch runs searches in the page.
func TestBrowserSearch(t *testing.T) {
	b, _ := browserSetup(t, 3*time.Minute)
	b.open("/search")
	b.search()
	b.noErrors("the end")
}

// search runs queries with nothing to match in them and one with hits.
func (b *browser) search() {
	b.t.Helper()
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
