package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"tian"
	"tian/internal/slowtest"
)

// TestBrowserDuplicates drives 查重 over the demo corpus: every year with
// 1–3 years looked back, each answer compared with the API's for the same
// question (the summary's counts, each card's kind, note, share, links and
// passages), the kind filter, a year without proposals, a pair with a long
// title and an unbroken web address in its passages, an address the API
// refuses, the workbook, and who gets the page. It stores a pair, so it
// runs on a service of its own.
func TestBrowserDuplicates(t *testing.T) {
	slowtest.Gate(t)
	chromium := chromiumPath(t)
	s := startService(t)
	long := storeLongCopy(t, s)
	b := newBrowser(t, chromium, withPolicy(t, s.base), 12*time.Minute)
	b.signIn(s.token)
	counts := yearCounts(t, s)

	b.open("/duplicates")
	if state := b.settle("duplicates"); state != "done" {
		t.Fatalf("first load: %s (%s)", state, b.eval(`document.getElementById("d-msg").textContent`))
	}
	newest := 0
	for y := range counts {
		if y <= time.Now().Year() {
			newest = max(newest, y)
		}
	}
	if y, lb := b.eval(`document.getElementById("d-year").value`), b.eval(`document.getElementById("d-lookback").value`); y != fmt.Sprint(newest) || lb != "2" {
		t.Errorf("the page opens on %s looking back %s years; want the newest year with proposals, %d, and 2", y, lb, newest)
	}
	if nav := b.eval(`document.querySelector("#top nav a.active").textContent`); nav != "查重" {
		t.Errorf("the active tab reads %q, want 查重", nav)
	}
	b.checkDuplicates(s, counts, newest, 2)
	b.noErrors("the first load")
	b.shot("duplicates-first.png")
	b.readsWell("the 查重 page", append(long.allow, "admin")...)
	b.onPhone("the 查重 page", "duplicates-phone.png")

	both := b.everyDuplicateYear(s, counts)
	b.kindFilters(s, counts, both)
	b.longPair(long)
	b.refusedAddress()
	b.duplicatesWorkbook(s)
	b.duplicatesByRole(s)
}

// duplicatesView is what a 查重 page shows.
type duplicatesView struct {
	Summary string
	Kinds   []string // the filter's labels
	Chosen  string   // the filter's value
	Address string
	Export  string // the workbook link, "" when hidden
	Message string
	Hint    bool   // the terms explained
	Empty   string // the list's own notice, when a filter shows nothing
	Cards   []struct {
		Kind, Number, Repeats            string
		Badge, BadgeClass                string
		Title, TitleHref                 string
		Facts, Note, Cover               string
		RepeatsText, RepeatsHref, Status string
		Head                             []string
		Passages                         [][]string
	}
}

const duplicatesRead = `JSON.stringify({
  summary: document.getElementById("d-summary").textContent,
  kinds: Array.from(document.querySelectorAll("#d-kinds label")).map((l) => l.textContent),
  chosen: (document.querySelector("#d-kinds input:checked") || { value: "" }).value,
  address: location.pathname + location.search,
  export: document.getElementById("d-xlsx").hidden ? "" : document.getElementById("d-xlsx").getAttribute("href"),
  message: document.getElementById("d-msg").textContent,
  hint: !document.getElementById("d-hint").hidden,
  empty: (document.querySelector("#d-list > p.notice") || { textContent: "" }).textContent,
  cards: Array.from(document.querySelectorAll("#d-list article.pair")).map((c) => {
    const badge = c.querySelector(".pair-head .badge");
    const title = c.querySelector(".pair-head .title a");
    const rep = c.querySelector(".repeats a");
    return {
      kind: c.dataset.kind, number: c.dataset.number, repeats: c.dataset.repeats,
      badge: badge.textContent, badgeClass: badge.className,
      title: title.textContent, titleHref: title.getAttribute("href"),
      facts: c.querySelector(".facts").textContent,
      note: c.querySelector(".note strong").textContent, cover: c.querySelector(".note .cover").textContent,
      repeatsText: c.querySelector(".repeats").textContent, repeatsHref: rep.getAttribute("href"),
      status: c.querySelector(".repeats .badge").textContent,
      head: Array.from(c.querySelectorAll(".passages th")).map((th) => th.textContent),
      passages: Array.from(c.querySelectorAll(".passages tbody tr")).map((tr) => Array.from(tr.children).map((td) => td.textContent)),
    };
  }),
})`

func (b *browser) duplicatesView() duplicatesView {
	b.t.Helper()
	var v duplicatesView
	if err := json.Unmarshal([]byte(b.eval(duplicatesRead)), &v); err != nil {
		b.t.Fatal(err)
	}
	return v
}

// yearCounts are the proposals each year received, as the statistics say.
func yearCounts(t *testing.T, s *service) map[int]int {
	t.Helper()
	var r struct {
		Stats struct {
			Years []struct{ Year, Received int }
		}
	}
	if code := s.call(t, "GET", "/api/v1/stats", nil, &r); code != 200 {
		t.Fatalf("/api/v1/stats: HTTP %d", code)
	}
	counts := map[int]int{}
	for _, y := range r.Stats.Years {
		if y.Received > 0 {
			counts[y.Year] = y.Received
		}
	}
	if len(counts) < 4 {
		t.Fatalf("the statistics know %d years with proposals", len(counts))
	}
	return counts
}

// duplicatesAPI is the API's 查重 for a year.
func duplicatesAPI(t *testing.T, s *service, year, lookback int) *tian.DuplicateReport {
	t.Helper()
	var rep tian.DuplicateReport
	if code := s.call(t, "GET", fmt.Sprintf("/api/v1/duplicates?year=%d&lookback=%d", year, lookback), nil, &rep); code != 200 {
		t.Fatalf("the API's 查重 of %d looking back %d: HTTP %d", year, lookback, code)
	}
	return &rep
}

// wantSummary is the summary a reader should get for the API's answer:
// the years compared, how many proposals, each kind's pairs, and the
// years looked back that have none.
func wantSummary(rep *tian.DuplicateReport, counts map[int]int) string {
	if counts[rep.Year] == 0 {
		return fmt.Sprintf("%d年暂无提案，没有可查重的提案。", rep.Year)
	}
	span := fmt.Sprintf("%d 年", rep.Year)
	if rep.FromYear < rep.Year {
		span = fmt.Sprintf("%d–%d 年", rep.FromYear, rep.Year)
	}
	out := fmt.Sprintf("比较 %s的提案 %d 件：", span, rep.Compared)
	if len(rep.Pairs) == 0 {
		out += "没有发现重复提交或疑似雷同的提案。"
	} else {
		out += fmt.Sprintf("重复提交 %d 对，疑似雷同 %d 对。", kindCount(rep, tian.MatchResubmission), kindCount(rep, tian.MatchCopy))
	}
	var none []string
	for y := rep.FromYear; y < rep.Year; y++ {
		if counts[y] == 0 {
			none = append(none, strconv.Itoa(y))
		}
	}
	if len(none) > 0 {
		out += "其中 " + strings.Join(none, "、") + " 年没有提案。"
	}
	return out
}

func kindCount(rep *tian.DuplicateReport, kind string) int {
	n := 0
	for _, p := range rep.Pairs {
		if p.Kind == kind {
			n++
		}
	}
	return n
}

// checkDuplicates compares the page, showing year and lookback with the
// filter kind, with the API's answer; it returns the answer.
func (b *browser) checkDuplicates(s *service, counts map[int]int, year, lookback int) *tian.DuplicateReport {
	b.t.Helper()
	rep := duplicatesAPI(b.t, s, year, lookback)
	v := b.duplicatesView()
	at := fmt.Sprintf("%d looking back %d", year, lookback)
	if want := wantSummary(rep, counts); v.Summary != want {
		b.t.Errorf("%s: the summary reads %q, want %q", at, v.Summary, want)
	}
	if rep.FromYear != max(1, year-lookback) {
		b.t.Errorf("%s: the API compared from %d", at, rep.FromYear)
	}
	params := fmt.Sprintf("year=%d&lookback=%d", year, lookback)
	export := "/api/v1/duplicates?" + params + "&format=xlsx"
	if counts[year] == 0 {
		export = "" // no workbook of a year without proposals
	}
	if v.Export != export {
		b.t.Errorf("%s: the workbook link is %q", at, v.Export)
	}
	if !strings.HasPrefix(v.Address, "/duplicates?"+params) {
		b.t.Errorf("%s: the address is %s", at, v.Address)
	}
	var shown []tian.DuplicatePair
	for _, p := range rep.Pairs {
		if v.Chosen == "" || p.Kind == v.Chosen {
			shown = append(shown, p)
		}
	}
	if len(rep.Pairs) > 0 {
		want := []string{fmt.Sprintf("全部（%d）", len(rep.Pairs)), fmt.Sprintf("重复提交（%d）", kindCount(rep, tian.MatchResubmission)),
			fmt.Sprintf("疑似雷同（%d）", kindCount(rep, tian.MatchCopy))}
		if !slices.Equal(v.Kinds, want) {
			b.t.Errorf("%s: the filter reads %v, want %v", at, v.Kinds, want)
		}
	} else if len(v.Kinds) > 0 {
		b.t.Errorf("%s: a filter %v over no pairs", at, v.Kinds)
	}
	if v.Hint != (len(rep.Pairs) > 0) {
		b.t.Errorf("%s: the terms explained: %v, for %d pairs", at, v.Hint, len(rep.Pairs))
	}
	if len(v.Cards) != len(shown) {
		b.t.Fatalf("%s (%s): %d cards for the API's %d pairs", at, v.Chosen, len(v.Cards), len(shown))
	}
	for i, c := range v.Cards {
		p := shown[i]
		of := fmt.Sprintf("%s, card %d (%s)", at, i+1, c.Number)
		if c.Kind != p.Kind || c.Number != p.Proposal.Number || c.Repeats != p.Repeats.Number {
			b.t.Errorf("%s: %s %s repeating %s, the API says %s %s repeating %s", of, c.Kind, c.Number, c.Repeats, p.Kind, p.Proposal.Number, p.Repeats.Number)
			continue
		}
		if c.Badge != p.KindLabel() || !strings.Contains(" "+c.BadgeClass+" ", " badge ") || !strings.Contains(c.BadgeClass, "kind-"+p.Kind) {
			b.t.Errorf("%s: the badge reads %q (%s), want %q", of, c.Badge, c.BadgeClass, p.KindLabel())
		}
		if c.Note != p.Note() {
			b.t.Errorf("%s: the note reads %q, want the server's %q", of, c.Note, p.Note())
		}
		if want := fmt.Sprintf("雷同程度 %d%%", p.CoverPercent()); c.Cover != want || p.Cover <= 0 || p.Cover > 1 {
			b.t.Errorf("%s: %q for a cover of %v, want %q", of, c.Cover, p.Cover, want)
		}
		if c.TitleHref != "/p/"+url.PathEscape(p.Proposal.Number) || c.Title != p.Proposal.Number+" "+p.Proposal.Title ||
			!strings.Contains(c.Facts, "提案人："+p.Proposal.Proposer) || !strings.Contains(c.Facts, fmt.Sprintf("%d年", year)) ||
			!strings.HasSuffix(c.Facts, orText(p.Proposal.Status, "状态未记录")) {
			b.t.Errorf("%s: the proposal reads %q (%s) %q", of, c.Title, c.TitleHref, c.Facts)
		}
		if c.RepeatsHref != "/p/"+url.PathEscape(p.Repeats.Number) || !strings.Contains(c.RepeatsText, p.Repeats.Number+" "+p.Repeats.Title) ||
			!strings.Contains(c.RepeatsText, "提案人："+p.Repeats.Proposer) || c.Status != orText(p.Repeats.Status, "状态未记录") {
			b.t.Errorf("%s: the repeated proposal reads %q (%s, %s)", of, c.RepeatsText, c.RepeatsHref, c.Status)
		}
		if (p.Kind == tian.MatchCopy) != (p.Repeats.Year == year) || p.Proposal.Year != year || p.Repeats.Year < rep.FromYear {
			b.t.Errorf("%s: a %s of %d repeating one of %d", of, p.Kind, p.Proposal.Year, p.Repeats.Year)
		}
		if len(p.Passages) == 0 || len(c.Passages) != len(p.Passages) {
			b.t.Errorf("%s: %d passages shown, the API gives %d", of, len(c.Passages), len(p.Passages))
			continue
		}
		if want := []string{"本件", "该件（" + p.Repeats.Number + "）", "相似度"}; !slices.Equal(c.Head, want) {
			b.t.Errorf("%s: the passages' head %v, want %v", of, c.Head, want)
		}
		for j, row := range c.Passages {
			ps := p.Passages[j]
			if len(row) != 3 || row[0] != ps.A || row[1] != ps.B || row[0] == "" || row[1] == "" ||
				row[2] != fmt.Sprintf("%d%%", int(math.Round(ps.Similarity*100))) {
				b.t.Errorf("%s: passage %d reads %q, the API's %q | %q | %v", of, j+1, row, short(ps.A), short(ps.B), ps.Similarity)
			}
		}
	}
	return rep
}

func orText(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// chooseDuplicates sets the year and the years looked back (each a load)
// and waits for the page; it returns its state.
func (b *browser) chooseDuplicates(year, lookback int) string {
	b.t.Helper()
	state := ""
	if b.eval(`document.getElementById("d-year").value`) != fmt.Sprint(year) {
		state = b.submit("duplicates", change("#d-year", fmt.Sprint(year)))
	}
	if state == "" || b.eval(`document.getElementById("d-lookback").value`) != fmt.Sprint(lookback) {
		state = b.submit("duplicates", change("#d-lookback", fmt.Sprint(lookback)))
	}
	return state
}

// everyDuplicateYear shows every year offered, with 1, 2 and 3 years
// looked back, beside the API's answers: the demo's known resubmission
// (20220205 of 20210205) among them, and both kinds somewhere. It returns
// a year with pairs of both kinds.
func (b *browser) everyDuplicateYear(s *service, counts map[int]int) int {
	b.t.Helper()
	var years []int
	for _, y := range strings.Split(b.eval(`Array.from(document.querySelectorAll("#d-year option")).map((o) => o.value).join(",")`), ",") {
		n, _ := strconv.Atoi(y)
		years = append(years, n)
	}
	for y := range counts {
		if !slices.Contains(years, y) {
			b.t.Errorf("the year %d, with proposals, is not offered (%v)", y, years)
		}
	}
	empty := time.Now().Year()
	if counts[empty] > 0 || !slices.Contains(years, empty) {
		b.t.Fatalf("the current year %d should be offered without proposals: %v", empty, years)
	}
	if label := b.eval(fmt.Sprintf(`document.querySelector('#d-year option[value="%d"]').textContent`, empty)); label != fmt.Sprintf("%d年（暂无提案）", empty) {
		b.t.Errorf("the year without proposals is offered as %q", label)
	}
	seen := map[string]int{}
	both, known := 0, false
	for _, y := range years {
		for lb := 1; lb <= 3; lb++ {
			state := b.chooseDuplicates(y, lb)
			rep := b.checkDuplicates(s, counts, y, lb)
			want := "done"
			if len(rep.Pairs) == 0 {
				want = "empty"
			}
			if state != want {
				b.t.Errorf("%d looking back %d: state %s, want %s", y, lb, state, want)
			}
			for _, p := range rep.Pairs {
				seen[p.Kind]++
				known = known || p.Proposal.Number == "20220205" && p.Repeats.Number == "20210205" && p.Kind == tian.MatchResubmission
			}
			if lb == 2 && kindCount(rep, tian.MatchCopy) > 0 && kindCount(rep, tian.MatchResubmission) > 0 {
				both = y
			}
			if y == 2022 && lb == 1 {
				b.shot("duplicates-2022.png")
			}
			if y == empty && lb == 2 {
				b.shot("duplicates-empty-year.png")
			}
			b.noErrors(fmt.Sprintf("%d looking back %d", y, lb))
		}
	}
	if !known || seen[tian.MatchResubmission] < 10 || seen[tian.MatchCopy] < 3 || both == 0 {
		b.t.Errorf("over the corpus: %v; the known 20220205 resubmission shown: %v; a year of both kinds: %d", seen, known, both)
	}
	return both
}

// kindFilters shows one kind at a time, keeps it over a change of year,
// and back to all; the summary keeps counting both.
func (b *browser) kindFilters(s *service, counts map[int]int, year int) {
	b.t.Helper()
	b.chooseDuplicates(year, 2)
	for _, kind := range []string{tian.MatchCopy, tian.MatchResubmission, ""} {
		state := b.submit("duplicates", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('#d-kinds input[value="%s"]').click()`, kind)))
		v := b.duplicatesView()
		if state != "done" || v.Chosen != kind || strings.Contains(v.Address, "kind=") != (kind != "") {
			b.t.Errorf("filter %q: state %s, chosen %q, address %s", kind, state, v.Chosen, v.Address)
		}
		for _, c := range v.Cards {
			if kind != "" && c.Kind != kind {
				b.t.Errorf("filter %q shows a %s (%s)", kind, c.Kind, c.Number)
			}
		}
		b.checkDuplicates(s, counts, year, 2)
		if kind == tian.MatchCopy {
			b.shot("duplicates-copies.png")
			// the filter holds over another year
			for _, y := range []int{year - 1, year + 1} {
				if counts[y] == 0 {
					continue
				}
				b.chooseDuplicates(y, 2)
				v := b.duplicatesView()
				if rep := b.checkDuplicates(s, counts, y, 2); len(rep.Pairs) > 0 && v.Chosen != kind || !strings.Contains(v.Address, "kind="+kind) {
					b.t.Errorf("after choosing %d the filter is %q (%s)", y, v.Chosen, v.Address)
				}
				b.chooseDuplicates(year, 2)
			}
		}
	}
	// the address keeps the filter: a reload shows the same
	b.submit("duplicates", chromedp.Evaluate[chromedp.Void](`document.querySelector('#d-kinds input[value="copy"]').click()`))
	b.do(chromedp.Reload())
	if state := b.settle("duplicates"); state != "done" {
		b.t.Errorf("reloading %s: %s", b.duplicatesView().Address, state)
	}
	b.checkDuplicates(s, counts, year, 2)
	if v := b.duplicatesView(); v.Chosen != tian.MatchCopy {
		b.t.Errorf("after a reload the filter is %q", v.Chosen)
	}
	b.submit("duplicates", chromedp.Evaluate[chromedp.Void](`document.querySelector('#d-kinds input[value=""]').click()`))
	b.noErrors("the kind filters")
}

// longCopy is a pair stored by the test: a long title, long sentences and
// a web address without a break, copied within 2025.
type longCopy struct {
	first, second string
	allow         []string // the Latin words of the address
}

func storeLongCopy(t *testing.T, s *service) longCopy {
	t.Helper()
	address := "https://www.cq.gov.cn/zwgk/zfxxgkml/2024/0315/W020240315593866754321098765432109876543210987654321098765432109876543210.pdf"
	title := "关于进一步完善城乡社区养老服务设施布局、推动居家社区机构相协调医养康养相结合的养老服务体系建设并加强农村留守老人关爱服务的提案"
	body := "据市统计局公布的《2024年全市老龄事业发展统计公报》（" + address + "）所载，截至去年底，全市六十岁以上户籍老年人口已超过二百八十万人，占户籍总人口的百分之二十三点五，其中农村留守老人和独居老人数量较多，社区养老服务设施布局不均衡、服务内容单一、专业护理人员缺乏的问题较为突出。" +
		"一是社区养老服务设施覆盖不足，部分老旧小区和新建小区未按规定配建养老服务用房，已建成的日间照料中心使用率不高，有的长期闲置或挪作他用。" +
		"二是医养结合机制不健全，基层医疗卫生机构与养老机构之间缺乏稳定的签约合作，老年人在家门口难以获得连续的健康管理、康复护理和安宁疗护服务。" +
		"三是农村养老服务短板明显，乡镇敬老院床位空置与失能老人照护需求得不到满足的矛盾并存，互助养老点运营经费没有稳定来源。" +
		"为此建议：严格落实新建住宅小区按每百户不少于二十平方米配建养老服务用房的规定，对老旧小区通过购置、置换、租赁等方式补齐设施；" +
		"推动社区卫生服务中心与日间照料中心毗邻建设、签约合作，为居家老年人提供上门医疗和家庭病床服务；" +
		"将农村互助养老点运营补贴纳入财政预算，鼓励村集体经济组织和志愿者参与留守老人的探访关爱。"
	ps := []tian.Proposal{
		{Number: "20259801", Year: 2025, Title: title, Body: body, Proposer: "李建华", ProposerType: "委员", Category: "社会建设",
			LeadUnit: "市民政局", Status: tian.StatusFiled},
		{Number: "20259802", Year: 2025, Title: strings.Replace(title, "关于进一步", "关于", 1), Body: strings.Replace(body, "为此建议", "建议如下", 1),
			Proposer: "赵敏", ProposerType: "委员", Category: "社会建设", LeadUnit: "市民政局"},
	}
	for _, p := range ps {
		if code := s.call(t, "POST", "/api/v1/proposals", p, nil); code/100 != 2 {
			t.Fatalf("storing %s: HTTP %d", p.Number, code)
		}
	}
	return longCopy{first: ps[0].Number, second: ps[1].Number, allow: []string{"https", "www", "gov", "zwgk", "zfxxgkml", "pdf"}}
}

// longPair: the stored pair's card wraps its long title and its passages
// (the web address too) inside the card, on the desktop and on a phone.
func (b *browser) longPair(long longCopy) {
	b.t.Helper()
	if state := b.chooseDuplicates(2025, 1); state != "done" {
		b.t.Fatalf("2025: %s", state)
	}
	card := fmt.Sprintf(`document.querySelector('#d-list article.pair[data-number="%s"]')`, long.second)
	if b.eval(card+` !== null && `+card+`.dataset.repeats`) != long.first || b.eval(card+`.dataset.kind`) != tian.MatchCopy {
		b.t.Fatalf("the stored copy %s of %s is not shown as one", long.second, long.first)
	}
	// nothing in the card is wider than the card; the address's cell and
	// the title take several lines
	fits := card + `.scrollWidth <= ` + card + `.clientWidth && Array.from(` + card + `.querySelectorAll("td, .title, a")).every((e) => e.scrollWidth <= e.clientWidth + 1)`
	lines := `(() => {
  const c = ` + card + `;
  const cell = Array.from(c.querySelectorAll(".passages td")).find((td) => td.textContent.includes("www.cq.gov.cn"));
  const title = c.querySelector(".pair-head .title");
  const lines = cell ? Math.round(cell.getBoundingClientRect().height / parseFloat(getComputedStyle(cell).lineHeight)) : 0;
  return lines + "," + Math.round(title.getBoundingClientRect().height / parseFloat(getComputedStyle(title).lineHeight));
})()`
	check := func(where string, leastCell, leastTitle int) {
		if b.eval(fits) != "true" {
			b.t.Errorf("%s: the long pair runs out of its card", where)
		}
		var cell, title int
		fmt.Sscanf(b.eval(lines), "%d,%d", &cell, &title)
		if cell < leastCell || title < leastTitle {
			b.t.Errorf("%s: the address's passage takes %d lines, the title %d; want them wrapped (passages: %s)", where, cell, title,
				b.eval(card+`.querySelector(".passages").innerText`))
		}
	}
	b.do(chromedp.Evaluate[chromedp.Void](card + `.scrollIntoView()`))
	check("desktop", 2, 1)
	b.readsWell("the long pair", append(long.allow, "admin")...)
	b.shot("duplicates-long.png")
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.do(chromedp.Evaluate[chromedp.Void](card + `.scrollIntoView()`))
	check("phone", 3, 2)
	if r := b.read(); r.Overflow > 0 {
		b.t.Errorf("the long pair on a phone: the page is %dpx wider than the screen", r.Overflow)
	}
	b.shot("duplicates-long-phone.png")
	b.do(desktop())
	b.noErrors("the long pair")
}

// refusedAddress: an address the API refuses says why in the page's
// message area; one the page cannot read says so and shows the default.
func (b *browser) refusedAddress() {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + "/duplicates?year=2024&lookback=11"))
	state := b.settle("duplicates")
	v := b.duplicatesView()
	if state != "error" || !strings.Contains(v.Message, "请求有误") || !strings.Contains(v.Message, "往前比较的年数须在 1–10 之间，收到 11") ||
		len(v.Cards) != 0 || v.Export != "" || b.eval(`document.querySelector("#d-msg .error[role=alert]") !== null`) != "true" {
		b.t.Errorf("looking back 11 years: state %s, message %q, %d cards, workbook %q", state, v.Message, len(v.Cards), v.Export)
	}
	// the request's number, in hex, is for the office's administrator
	b.readsWell("the refused 查重", append(regexp.MustCompile(`[a-z][A-Za-z_]{2,}`).FindAllString(v.Message, -1), "admin")...)
	b.shot("duplicates-refused.png")
	b.noErrorsBut("looking back 11 years", "400")

	b.do(chromedp.Navigate(b.base + "/duplicates?year=二〇二四&lookback=x"))
	state = b.settle("duplicates")
	v = b.duplicatesView()
	if state != "done" || !strings.Contains(v.Message, "地址中的年度“二〇二四”、往前比较的年数“x”无效") || b.eval(`document.getElementById("d-lookback").value`) != "2" {
		b.t.Errorf("an unreadable address: state %s, message %q", state, v.Message)
	}
	b.noErrors("an unreadable address")
}

// duplicatesWorkbook downloads the page's workbook link: the same pairs.
func (b *browser) duplicatesWorkbook(s *service) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + "/duplicates?year=2024&lookback=3"))
	b.settle("duplicates")
	v := b.duplicatesView()
	req, _ := http.NewRequest("GET", s.base+v.Export, nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		b.t.Fatalf("the workbook link %s: HTTP %d, %s", v.Export, res.StatusCode, res.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		b.t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("查重")
	if err != nil {
		b.t.Fatal(err)
	}
	var numbers []string
	for _, r := range rows[1:] {
		if len(r) > 1 {
			numbers = append(numbers, r[1])
		}
	}
	var shown []string
	for _, c := range v.Cards {
		shown = append(shown, c.Number)
	}
	if len(shown) == 0 || !slices.Equal(numbers, shown) {
		b.t.Errorf("the workbook lists %v, the page %v", numbers, shown)
	}
	b.noErrors("the workbook")
}

// duplicatesByRole: a reviewer has the tab and the page; a member has
// neither, and the address says in Chinese why not.
func (b *browser) duplicatesByRole(s *service) {
	b.t.Helper()
	for _, role := range []string{"reviewer", "member"} {
		var made struct{ Secret string }
		if code := s.call(b.t, "POST", "/api/v1/tokens", map[string]string{"name": "查重测试" + role, "role": role}, &made); code != 201 {
			b.t.Fatalf("creating a %s token: HTTP %d", role, code)
		}
		b.do(chromedp.Navigate(b.base+"/signin?token="+made.Secret), chromedp.WaitVisible(`#top nav a`))
		nav := b.eval(`Array.from(document.querySelectorAll("#top nav a")).map((a) => a.textContent + " " + a.getAttribute("href")).join(",")`)
		b.takeErrors() // the landing page's own
		b.do(chromedp.Navigate(b.base+"/duplicates"), chromedp.WaitVisible(`main`))
		if role == "reviewer" {
			if !strings.Contains(nav, "查重 /duplicates") {
				b.t.Errorf("a reviewer's tabs: %s", nav)
			}
			if state := b.settle("duplicates"); state != "done" || len(b.duplicatesView().Cards) == 0 {
				b.t.Errorf("a reviewer's 查重: %s", state)
			}
			b.shot("duplicates-reviewer.png")
			b.noErrors("a reviewer's 查重")
			continue
		}
		if strings.Contains(nav, "查重") {
			b.t.Errorf("a member's tabs: %s", nav)
		}
		if text := b.eval(`document.querySelector("main").textContent`); !strings.Contains(text, "没有权限") || !strings.Contains(text, "“查重”页面需要") {
			b.t.Errorf("a member opening 查重 reads %q", short(text))
		}
		b.noErrorsBut("a member opening 查重", "403")
	}
}
