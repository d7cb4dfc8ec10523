package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserStats shows a year's statistics in the page.
func TestBrowserStats(t *testing.T) {
	b, _ := browserSetup(t, 3*time.Minute)
	b.open("/stats")
	b.stats()
	b.noErrors("the end")
}

func (b *browser) stats() {
	b.t.Helper()
	b.settle("stats")
	state := b.submit("stats", fill(map[string]string{"t-year": "2023"}), chromedp.Click(chromedp.ID("t-go")))
	b.noErrors("statistics")
	report := run(b, chromedp.Text(chromedp.ID("t-report")))
	bars := run(b, chromedp.Evaluate[int](`document.querySelectorAll("#t-chart rect").length`))
	if state != "done" || !strings.Contains(report, "共收到提案") || bars == 0 {
		b.t.Errorf("statistics: state %q, %d bars, report %q", state, bars, report)
	}
	b.shot("stats.png")
}
