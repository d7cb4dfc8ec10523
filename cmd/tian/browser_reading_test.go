package main

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// What a person reads on any page, checked the same way on each: Chinese
// words (no English labels, no raw codes, no "null" or "NaN" from a missing
// value), and a phone's width (390 pixels) with nothing running off the
// right edge.

// readingCheck lists what the page shows that a reader should not see:
// lower-case Latin words (raw codes such as member or near_duplicate, and
// English labels; capitalised ones are left alone: proposals write AED,
// APP, RCEP so), leaked JavaScript values, and how far the page is wider
// than the window.
const readingCheck = `(() => {
  const text = document.body.innerText;
  const allowed = new Set(["tian"]);
  const words = [...new Set((text.match(/(?<![A-Za-z])[a-z][A-Za-z_]{2,}/g) || []).filter((w) => !allowed.has(w)))];
  const leaks = ["null", "undefined", "NaN", "[object", "Infinity"].filter((w) => text.includes(w));
  const de = document.documentElement;
  return JSON.stringify({ words: words.slice(0, 12), leaks, overflow: de.scrollWidth - de.clientWidth });
})()`

type reading struct {
	Words    []string
	Leaks    []string
	Overflow int
}

func (b *browser) read() reading {
	b.t.Helper()
	var r reading
	if err := json.Unmarshal([]byte(run(b, chromedp.Evaluate[string](readingCheck))), &r); err != nil {
		b.t.Fatal(err)
	}
	return r
}

// readsWell fails when the page shows Latin words or leaked values; allow
// names the words the page may show here (a proposer or title's own).
func (b *browser) readsWell(what string, allow ...string) {
	b.t.Helper()
	r := b.read()
	var words []string
	for _, w := range r.Words {
		if !contains(allow, w) {
			words = append(words, w)
		}
	}
	if len(words) > 0 || len(r.Leaks) > 0 {
		b.t.Errorf("%s shows %s", what, strings.Join(append(words, r.Leaks...), ", "))
	}
}

// onPhone shows the page as on a phone 390 pixels wide, checks that
// nothing runs off its right edge, saves the screenshot, and goes back to
// the desktop window. wait runs after the resize (the page may draw anew).
func (b *browser) onPhone(what, shot string) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	if r := b.read(); r.Overflow > 0 {
		b.t.Errorf("%s on a 390px phone is %dpx wider than the screen", what, r.Overflow)
	}
	b.shot(shot)
	b.do(desktop())
}

// desktop ends the phone's emulation: the window's own size again.
func desktop() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{})
		return err
	})
}
