package main

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tian"
	"tian/internal/shareddata"
	"tian/internal/slowtest"
)

// statsAnswer is what GET /api/v1/stats answers.
type statsAnswer struct {
	Stats  tian.Stats `json:"stats"`
	Report string     `json:"report"`
	Title  string     `json:"title"`
}

// TestBrowserStats opens the 统计 page on the latest year with proposals,
// then shows every year of the demo and all years, each as the API states
// it (the same report, title, chart and tables), a year without
// proposals, a year that is not one, the long tables in full, and the
// export.
func TestBrowserStats(t *testing.T) {
	b, s := browserSetup(t, 4*time.Minute)
	b.open("/stats")
	if state := b.settle("stats"); state != "done" {
		t.Fatalf("first render: state %q", state)
	}
	var all statsAnswer
	s.call(t, "GET", "/api/v1/stats", nil, &all)
	if len(all.Stats.Years) != 5 {
		t.Fatalf("years %+v, want the demo's five", all.Stats.Years)
	}
	latest := fmt.Sprint(all.Stats.Years[len(all.Stats.Years)-1].Year)
	if got := run(b, chromedp.Value(chromedp.ID("t-year"))); got != latest {
		t.Errorf("the page opened on %q, want the latest year with proposals, %s", got, latest)
	}
	b.noErrors("opening the page")

	years := []string{"0"}
	for _, y := range all.Stats.Years {
		years = append(years, fmt.Sprint(y.Year))
	}
	for _, year := range years {
		state := b.submit("stats", chooseYear(year))
		var want statsAnswer
		s.call(t, "GET", "/api/v1/stats?year="+year, nil, &want)
		b.checkStats(year, state, want)
		b.shot("stats-" + year + ".png")
		b.noErrors("year " + year)
	}

	b.readsWell("the statistics page", "admin")
	b.onPhone("the statistics page", "stats-phone.png")
	b.longTables()
	b.exportWorkbook("2024")
	b.emptyAndBadYears()
	b.noErrors("the end")
}

// chooseYear picks a year in the select as a person does.
func chooseYear(year string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
  const s = document.getElementById("t-year");
  s.value = %q;
  s.dispatchEvent(new Event("change", { bubbles: true }));
})()`, year))
}

// checkStats compares the page with the API's answer for the year.
func (b *browser) checkStats(year, state string, want statsAnswer) {
	b.t.Helper()
	type shown struct {
		Report, Title, URL      string
		Bars, Categories, Types int
		Overview                []string
	}
	got := run(b, chromedp.Evaluate[shown](`({
  report: document.getElementById("t-report").textContent,
  title: document.getElementById("t-title").textContent,
  url: location.search,
  bars: document.querySelectorAll("#t-chart rect").length,
  categories: document.querySelectorAll("#t-categories tbody tr").length,
  types: document.querySelectorAll("#t-types tbody tr").length,
  overview: Array.from(document.querySelectorAll("#t-overview tbody tr"), (r) => r.textContent),
})`))
	st := want.Stats
	if state != "done" || got.Report != want.Report || got.Title != want.Title {
		b.t.Errorf("year %s: state %q, title %q (want %q)\n report %s\n want   %s", year, state, got.Title, want.Title, got.Report, want.Report)
	}
	if got.URL != "?year="+year {
		b.t.Errorf("year %s: the address says %q", year, got.URL)
	}
	rows := len(st.Categories)
	if st.Previous != nil {
		rows = len(st.CategoryChanges)
	}
	if got.Bars != len(st.Categories) || got.Categories != rows || got.Types != len(st.ProposerTypes) {
		b.t.Errorf("year %s: %d bars, %d category rows, %d proposer-type rows; want %d, %d, %d",
			year, got.Bars, got.Categories, got.Types, len(st.Categories), rows, len(st.ProposerTypes))
	}
	overview := strings.Join(got.Overview, "|")
	for _, w := range []string{fmt.Sprintf("收到提案%d件", st.Received), fmt.Sprintf("立案率%.2f%%", st.FilingRate),
		fmt.Sprintf("不予立案%d件", st.Rejected)} {
		if !strings.Contains(overview, w) {
			b.t.Errorf("year %s: the overview %q lacks %q", year, overview, w)
		}
	}
	if st.Previous != nil && !strings.Contains(overview, "个百分点") && !strings.Contains(overview, "持平") {
		b.t.Errorf("year %s: the overview %q has no change of the filing rate", year, overview)
	}
}

// longTables: a table longer than a screen shows its first rows and a
// button that shows the rest.
func (b *browser) longTables() {
	b.t.Helper()
	b.submit("stats", chooseYear("0"))
	before := run(b, chromedp.Evaluate[int](`document.querySelectorAll("#t-units tbody tr").length`))
	b.do(chromedp.Click(chromedp.CSS(`#t-units button.more`)))
	after := run(b, chromedp.Evaluate[int](`document.querySelectorAll("#t-units tbody tr").length`))
	if before != 11 || after <= before {
		b.t.Errorf("lead units: %d rows (10 and the button), then %d after 显示全部", before, after)
	}
	b.shot("stats-all-units.png")
}

// exportWorkbook downloads the year's workbook through the page's button,
// and reads the same request's answer in the page.
func (b *browser) exportWorkbook(year string) {
	b.t.Helper()
	b.submit("stats", chooseYear(year))
	state := b.submit("t-export", chromedp.Click(chromedp.ID("t-export")))
	note := run(b, chromedp.Text(chromedp.ID("t-export-note")))
	if state != "done" || note != "已导出 "+year+"年提案统计.xlsx" {
		b.t.Errorf("export: state %q, note %q", state, note)
	}
	type answer struct {
		Status      int
		Type, Name  string
		Size        int
		Disposition string
	}
	got := run(b, chromedp.Evaluate[answer](fmt.Sprintf(`fetch("/api/v1/stats?year=%s&format=xlsx").then(async (r) => ({
  status: r.status, type: r.headers.get("Content-Type"), disposition: r.headers.get("Content-Disposition"),
  size: (await r.arrayBuffer()).byteLength }))`, year), chromedp.EvalAwaitPromise))
	name := url.PathEscape(year + "年提案统计.xlsx")
	if got.Status != 200 || !strings.Contains(got.Type, "spreadsheetml") || !strings.Contains(got.Disposition, "filename*=UTF-8''"+name) || got.Size < 5000 {
		b.t.Errorf("the workbook: %+v", got)
	}
	b.noErrors("export")
}

// emptyAndBadYears: a year without proposals says so in Chinese and
// names the years that have some; an address with a year that is not
// one shows the latest year and says so.
func (b *browser) emptyAndBadYears() {
	b.t.Helper()
	b.open("/stats?year=2012")
	state := b.settle("stats")
	report := run(b, chromedp.Text(chromedp.ID("t-report")))
	option := run(b, chromedp.Evaluate[string](`document.getElementById("t-year").selectedOptions[0].textContent`))
	disabled := run(b, chromedp.Evaluate[bool](`document.getElementById("t-export").disabled`))
	if state != "empty" || !strings.Contains(report, "2012年尚无提案记录。") || !strings.Contains(report, "有提案的年度：2021、2022") ||
		option != "2012年（无提案）" || !disabled {
		b.t.Errorf("2012: state %q, report %q, option %q, export disabled %v", state, report, option, disabled)
	}
	b.shot("stats-2012.png")
	b.noErrors("an empty year")
	// the years it names open at a click
	if state := b.submit("stats", chromedp.Click(`#t-report button.more`)); state != "done" || run(b, chromedp.Value(chromedp.ID("t-year"))) != "2021" {
		b.t.Errorf("following 2021 from the empty year: state %q, year %q", state, run(b, chromedp.Value(chromedp.ID("t-year"))))
	}
	b.noErrors("following a year named by the empty one")

	b.open("/stats?year=" + url.QueryEscape("二〇二四"))
	state = b.settle("stats")
	notice := run(b, chromedp.Text(chromedp.ID("t-notice")))
	year := run(b, chromedp.Value(chromedp.ID("t-year")))
	if state != "done" || !strings.Contains(notice, "地址中的年度“二〇二四”无效") || year != "2025" {
		b.t.Errorf("a year that is not one: state %q, notice %q, year %q; want the latest year and a notice", state, notice, year)
	}
	b.shot("stats-bad-year.png")
	b.noErrors("a year that is not one")
}

// TestBrowserStatsWithMessages imports 附件2.xlsx, a citizens' message
// board, beside the demo on a service of its own (issue 12: the page then
// said "2012年…立案率0.00%"). The page leaves the messages out and says
// how many; counted in, a year of messages says it has no review results
// and states no rate.
func TestBrowserStatsWithMessages(t *testing.T) {
	slowtest.Gate(t)
	file := shareddata.Path(t, "teddycup2020c/sample/附件2.xlsx")
	chromium := chromiumPath(t)
	s := startService(t)
	uploadFile(t, s, file)
	b := newBrowser(t, chromium, withPolicy(t, s.base), 3*time.Minute)
	b.signIn(s.token)

	b.open("/stats?year=2012")
	state := b.settle("stats")
	var want statsAnswer
	s.call(t, "GET", "/api/v1/stats?year=2012", nil, &want)
	report := run(b, chromedp.Text(chromedp.ID("t-report")))
	label := run(b, chromedp.Text(chromedp.ID("t-other-label")))
	if state != "empty" || want.Stats.Other == 0 || !strings.HasPrefix(report, want.Report) ||
		!strings.Contains(report, fmt.Sprintf("另有网上留言等非提案记录%d件，未计入统计。", want.Stats.Other)) ||
		strings.TrimSpace(label) != fmt.Sprintf("计入网上留言等非提案记录（%d件）", want.Stats.Other) {
		t.Errorf("2012 without the messages: state %q, report %q, toggle %q; the API says %q", state, report, label, want.Report)
	}
	b.shot("stats-messages-2012.png")

	state = b.submit("stats", chromedp.Click(chromedp.ID("t-other")))
	s.call(t, "GET", "/api/v1/stats?year=2012&include_other=true", nil, &want)
	report = run(b, chromedp.Text(chromedp.ID("t-report")))
	overview := run(b, chromedp.Text(chromedp.ID("t-overview")))
	if state != "done" || report != want.Report || !strings.Contains(report, "均未记录审查结果，无法计算立案率") ||
		strings.Contains(report+overview, "0.00%") || !strings.Contains(overview, "无法计算") {
		t.Errorf("2012 with the messages: state %q, report %q, overview %q; the API says %q", state, report, overview, want.Report)
	}
	b.shot("stats-messages-2012-included.png")

	state = b.submit("stats", chooseYear("0"))
	s.call(t, "GET", "/api/v1/stats?include_other=true", nil, &want)
	report = run(b, chromedp.Text(chromedp.ID("t-report")))
	if state != "done" || report != want.Report || !strings.Contains(report, "未记录审查结果；已记录审查结果的1570件中") {
		t.Errorf("all years with the messages: %q; the API says %q", report, want.Report)
	}
	b.shot("stats-messages-all-included.png")
	b.noErrors("statistics with messages")
}

// uploadFile imports a file through the service's API.
func uploadFile(t *testing.T, s *service, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", filepath.Base(path))
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", s.base+"/api/v1/import", &buf)
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("importing %s: %s", path, res.Status)
	}
}
