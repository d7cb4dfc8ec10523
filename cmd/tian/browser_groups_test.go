package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserGroups groups a year's proposals in the page.
func TestBrowserGroups(t *testing.T) {
	b, _ := browserSetup(t, 3*time.Minute)
	b.open("/groups")
	b.groups()
	b.noErrors("the end")
}

func (b *browser) groups() {
	b.t.Helper()
	state := b.submit("groups", chromedp.Click(chromedp.ID("g-go")))
	b.noErrors("groups")
	groups := run(b, chromedp.Text(chromedp.ID("g-list")))
	if state != "done" || !strings.Contains(groups, "第1组") {
		b.t.Errorf("groups: state %q, show %q", state, groups)
	}
	b.shot("groups.png")
}
