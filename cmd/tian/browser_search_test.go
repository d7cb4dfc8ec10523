package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tian"
	"tian/api"
)

// TestBrowserSearch searches in the page and compares what it shows with
// the API's answers: demo titles and words (a sample; every 5th title
// with TIAN_BROWSER_SWEEP=1), unit names, chips added and removed, empty
// results with their hint, English and punctuation, an address shared,
// back and forward, and a hit opened.
func TestBrowserSearch(t *testing.T) {
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	step, timeout := 131, 4*time.Minute
	if os.Getenv("TIAN_BROWSER_SWEEP") == "1" {
		step, timeout = 5, 20*time.Minute
	}
	var queries []string
	for i := 0; i < len(demo); i += step {
		queries = append(queries, strings.TrimSuffix(strings.TrimPrefix(demo[i].Title, "关于"), "的提案"))
	}
	queries = append(queries, "加装电梯", "老年助餐 OR 长者食堂", "停车 -城东区", "类别:文化建设 夜游", `"一老一小"`,
		"住建局", "市住房和城乡建设局 加装电梯", "專精特新", "")
	b, s := browserSetup(t, timeout)
	client := api.NewClient(s.base, s.token)
	b.open("/search")
	if state := b.settle("search"); state != "done" {
		t.Errorf("the page's first search: %s", state)
	}
	start, bad := time.Now(), 0
	for _, q := range queries {
		// Chromium refuses address changes beyond about 200 in 10 seconds
		// (history throttling); a person searches far slower, so the sweep
		// keeps under it rather than testing the browser's guard
		began := time.Now()
		problems := b.searchFor(client, q)
		if d := time.Since(began); d < 60*time.Millisecond {
			time.Sleep(60*time.Millisecond - d)
		}
		if len(problems) > 0 {
			if bad++; bad <= 5 {
				t.Errorf("search %q: %s", q, strings.Join(problems, "; "))
			}
		}
	}
	t.Logf("search sweep: %d queries in %s, %d with problems", len(queries), time.Since(start).Round(time.Millisecond), bad)
	b.shot("search.png")
	b.readsWell("the search page", "admin")
	b.onPhone("the search page", "search-phone.png")
	b.unitQuery()
	b.chips(client)
	b.emptyResults(client)
	b.sharedAddress(client)
	b.backAndForward()
	b.openHit()
	b.noErrors("the end")
	t.Logf("screenshots in %s", b.shots)
}

// searchView is what the search section shows.
type searchView struct {
	State, Summary, Units, Hint, Query, Location string
	Numbers                                      []string // the hits, in order
	Links                                        []string // each hit's title link
	Replies                                      []string // the 有答复 links
	Chips                                        []string
	Years                                        []string // the year facet's values
}

const readSearch = `(() => {
  const q = (s) => Array.from(document.querySelectorAll(s));
  const text = (id) => document.getElementById(id).textContent;
  return { State: document.getElementById("search").dataset.state || "", Summary: text("s-summary"),
    Units: text("s-units"), Hint: text("s-hint"), Query: document.getElementById("s-q").value, Location: location.search,
    Numbers: q("#s-hits li.hit small").map((e) => e.textContent.split(" · ")[0]),
    Links: q("#s-hits li.hit .title a").map((a) => a.getAttribute("href")),
    Replies: q("#s-hits li.hit a.badge").map((a) => a.getAttribute("href")),
    Chips: q("#s-chips .chip").map((c) => c.firstChild.textContent),
    Years: q("#s-facets a").filter((a) => /年（/.test(a.textContent)).map((a) => a.textContent.slice(0, 4)) };
})()`

func (b *browser) view() searchView {
	b.t.Helper()
	return run(b, chromedp.Evaluate[searchView](readSearch))
}

// searchFor types q into the page, submits it and compares the page with
// the API's answer to the same search.
func (b *browser) searchFor(client *api.Client, q string) []string {
	b.t.Helper()
	b.submit("search", fill(map[string]string{"s-q": q}), chromedp.Click(chromedp.ID("s-go")))
	return b.compareSearch(client, tian.SearchRequest{Query: q})
}

// compareSearch checks the page against the API's answer to req, and
// that the address holds the query.
func (b *browser) compareSearch(client *api.Client, req tian.SearchRequest) []string {
	b.t.Helper()
	v := b.view()
	problems := b.takeErrors()
	res, err := client.Search(context.Background(), req)
	if err != nil {
		return append(problems, "API: "+err.Error())
	}
	wantState := "done"
	if res.Total == 0 {
		wantState = "empty"
	}
	if v.State != wantState {
		problems = append(problems, fmt.Sprintf("state %q, want %q", v.State, wantState))
	}
	if res.Total > 0 && !strings.Contains(v.Summary, "共 "+strconv.Itoa(res.Total)+" 件") {
		problems = append(problems, fmt.Sprintf("summary %q, the API finds %d", v.Summary, res.Total))
	}
	var want, replies []string
	for _, h := range res.Hits {
		want = append(want, h.Number)
		if h.HasReply {
			replies = append(replies, "/p/"+h.Number+"#reply")
		}
	}
	if !slices.Equal(v.Numbers, want) {
		problems = append(problems, fmt.Sprintf("hits %v, the API %v", v.Numbers, want))
	}
	for i, l := range v.Links {
		if i < len(want) && l != "/p/"+want[i] {
			problems = append(problems, fmt.Sprintf("hit %d links %q", i+1, l))
		}
	}
	if !slices.Equal(v.Replies, replies) {
		problems = append(problems, fmt.Sprintf("有答复 links %v, want %v", v.Replies, replies))
	}
	if res.Total == 0 && (res.Hint == nil || !strings.Contains(v.Hint, res.Hint.Message)) {
		problems = append(problems, fmt.Sprintf("no hits and the hint %q, the API's %+v", v.Hint, res.Hint))
	}
	if got, _ := url.ParseQuery(strings.TrimPrefix(v.Location, "?")); strings.TrimSpace(req.Query) != got.Get("q") {
		problems = append(problems, fmt.Sprintf("the address %q does not hold the query %q", v.Location, req.Query))
	}
	if years := v.Years; !slices.IsSortedFunc(years, func(a, b string) int { return strings.Compare(b, a) }) {
		problems = append(problems, fmt.Sprintf("year facet %v not newest first", years))
	}
	return problems
}

// unitQuery: a unit's alias finds what it handles, and the page says how
// it read the word.
func (b *browser) unitQuery() {
	b.t.Helper()
	b.submit("search", fill(map[string]string{"s-q": "住建局"}), chromedp.Click(chromedp.ID("s-go")))
	v := b.view()
	if !strings.Contains(v.Units, "「住建局」按承办单位“市住房和城乡建设局”检索") || len(v.Numbers) == 0 {
		b.t.Errorf("住建局: units note %q, %d hits", v.Units, len(v.Numbers))
	}
	b.shot("search-unit.png")
}

// chips: a facet clicked becomes a chip, stays visible (and in force) for
// the next query, and its × removes it.
func (b *browser) chips(client *api.Client) {
	b.t.Helper()
	b.submit("search", fill(map[string]string{"s-q": "养老"}), chromedp.Click(chromedp.ID("s-go")))
	cat := run(b, chromedp.Evaluate[string](`document.querySelector("#s-facets h4 + a").textContent.split("（")[0]`))
	b.submit("search", chromedp.Click(`#s-facets h4 + a`))
	v := b.view()
	if !slices.Contains(v.Chips, "类别 "+cat) || !strings.Contains(v.Location, "category=") {
		b.t.Errorf("after clicking the facet %s: chips %v, address %q", cat, v.Chips, v.Location)
	}
	for _, p := range b.compareSearch(client, tian.SearchRequest{Query: "养老", Category: cat}) {
		b.t.Errorf("养老 in %s: %s", cat, p)
	}
	b.submit("search", chromedp.Click(`#s-facets a[href*="year_from"]`))
	b.shot("search-chips.png")
	v = b.view()
	if len(v.Chips) != 2 {
		b.t.Errorf("after the year facet: chips %v", v.Chips)
	}
	b.submit("search", fill(map[string]string{"s-q": "托育"}), chromedp.Click(chromedp.ID("s-go")))
	v = b.view()
	if len(v.Chips) != 2 || !strings.Contains(v.Summary+v.Hint, "当前筛选") {
		b.t.Errorf("a new query with facets in force: chips %v, summary %q: the filters must show", v.Chips, v.Summary)
	}
	for len(b.view().Chips) > 0 {
		b.submit("search", chromedp.Click(`#s-chips .chip .remove`))
	}
	v = b.view()
	if strings.Contains(v.Location, "category=") || strings.Contains(v.Location, "year_from") {
		b.t.Errorf("all chips removed, the address still filters: %q", v.Location)
	}
	for _, p := range b.compareSearch(client, tian.SearchRequest{Query: "托育"}) {
		b.t.Errorf("托育 after the chips went: %s", p)
	}
}

// emptyResults: English, punctuation only and an over-filtered search say
// why nothing was found; a widening button finds something.
func (b *browser) emptyResults(client *api.Client) {
	b.t.Helper()
	for _, c := range []struct{ q, want, shot string }{
		{"elevator", "「elevator」在全部档案中都没有出现", "search-english.png"},
		{"。，、；！？……——", "没有可检索的词", "search-punctuation.png"},
		{"加装电梯 夜游", "合在一起却没有", ""},
	} {
		b.submit("search", fill(map[string]string{"s-q": c.q}), chromedp.Click(chromedp.ID("s-go")))
		v := b.view()
		if v.State != "empty" || !strings.Contains(v.Hint, c.want) {
			b.t.Errorf("%q: state %q, hint %q; want %q", c.q, v.State, v.Hint, c.want)
		}
		if c.shot != "" {
			b.shot(c.shot)
		}
	}
	b.do(chromedp.Navigate(b.base + "/search?q=" + url.QueryEscape("老旧小区 加装电梯") + "&category=文化建设&year_from=2021&year_to=2021"))
	b.settle("search")
	v := b.view()
	if v.State != "empty" || !strings.Contains(v.Hint, "去掉筛选「类别 文化建设」") || len(v.Chips) != 2 {
		b.t.Errorf("over-filtered: state %q, hint %q, chips %v", v.State, v.Hint, v.Chips)
	}
	b.shot("search-hint.png")
	b.submit("search", chromedp.Click(`#s-hint button.widen`))
	v = b.view()
	if v.State != "done" || strings.Contains(v.Location, "category=") {
		b.t.Errorf("after widening: state %q, address %q", v.State, v.Location)
	}
	for _, p := range b.compareSearch(client, tian.SearchRequest{Query: "老旧小区 加装电梯", YearFrom: 2021, YearTo: 2021}) {
		b.t.Errorf("widened: %s", p)
	}
}

// sharedAddress: a search's address opened afresh shows the same search.
func (b *browser) sharedAddress(client *api.Client) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + "/search?q=" + url.QueryEscape("加装电梯") + "&category=" + url.QueryEscape("社会建设") + "&page=2"))
	b.settle("search")
	v := b.view()
	if v.Query != "加装电梯" || !slices.Contains(v.Chips, "类别 社会建设") {
		b.t.Errorf("shared address: query %q, chips %v", v.Query, v.Chips)
	}
	for _, p := range b.compareSearch(client, tian.SearchRequest{Query: "加装电梯", Category: "社会建设", Page: 2}) {
		b.t.Errorf("shared address: %s", p)
	}
}

// backAndForward: the history holds the searches.
func (b *browser) backAndForward() {
	b.t.Helper()
	b.open("/search")
	b.settle("search")
	b.submit("search", fill(map[string]string{"s-q": "托育"}), chromedp.Click(chromedp.ID("s-go")))
	b.submit("search", fill(map[string]string{"s-q": "夜游"}), chromedp.Click(chromedp.ID("s-go")))
	b.submit("search", chromedp.Evaluate[chromedp.Void](`history.back()`))
	if v := b.view(); v.Query != "托育" || !strings.Contains(v.Location, url.QueryEscape("托育")) {
		b.t.Errorf("back: query %q at %q, want 托育", v.Query, v.Location)
	}
	b.submit("search", chromedp.Evaluate[chromedp.Void](`history.forward()`))
	if v := b.view(); v.Query != "夜游" {
		b.t.Errorf("forward: query %q, want 夜游", v.Query)
	}
}

// openHit follows the first hit to its proposal page.
func (b *browser) openHit() {
	b.t.Helper()
	v := b.view()
	if len(v.Links) == 0 {
		b.t.Error("no hit to open")
		return
	}
	b.do(chromedp.Click(`#s-hits li.hit .title a`), chromedp.WaitVisible(`#p-view`))
	if at := run(b, chromedp.Location()); !strings.HasSuffix(at, v.Links[0]) {
		b.t.Errorf("the first hit led to %s, want %s", at, v.Links[0])
	}
	b.settle("proposal")
	b.pageErrors("opening a hit")
}

// pageErrors fails on the errors recorded, but for the browser's own log
// of a proposal's group answered 404 (a proposal in no group).
func (b *browser) pageErrors(what string) {
	b.t.Helper()
	for _, e := range b.takeErrors() {
		if !(strings.Contains(e, "404") && strings.Contains(e, "/group")) {
			b.t.Errorf("%s: %s", what, e)
		}
	}
}
