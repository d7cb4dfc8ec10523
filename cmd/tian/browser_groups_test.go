package main

import (
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/xuri/excelize/v2"

	"tian"
	"tian/internal/slowtest"
)

// TestBrowserGroups takes 2024's suggested groups to a confirmed,
// exported list entirely in the page (the acceptance of issue 12's group
// curation): filed proposals only by default, every member's status,
// near-duplicates flagged; rename, lead unit, move, merge, split, move
// out; save, a colleague's newer save refused, confirm, export. It also
// walks every year of the corpus and an empty one. It confirms groups, so
// it runs on a service of its own.
func TestBrowserGroups(t *testing.T) {
	slowtest.Gate(t)
	chromium := chromiumPath(t)
	s := startService(t)
	b := newBrowser(t, chromium, withPolicy(t, s.base), 6*time.Minute)
	b.signIn(s.token)
	// a message board's post of 2025 is not a proposal: not counted in the year's proposals
	post := tian.Proposal{Number: "LY2025007", Year: 2025, NotProposal: true, Title: "小区门口路灯坏了很久没人修",
		Body: "幸福小区东门的路灯坏了两个多月，晚上出行很不方便，希望尽快修好。"}
	if code := s.call(t, "POST", "/api/v1/proposals", post, nil); code/100 != 2 {
		t.Fatalf("storing a message board's post: HTTP %d", code)
	}
	b.open("/groups")
	if state := b.settle("groups"); state != "done" {
		t.Fatalf("first load: %s", state)
	}
	if got, want := b.eval(`document.getElementById("g-year").selectedOptions[0].textContent`), fmt.Sprintf("2025年（%d件）", demoCount(t, 2025)); got != want {
		t.Errorf("the year reads %q, want %q (the post is not a proposal)", got, want)
	}
	// the server's current year has no proposals in the demo: the newest that has
	if y := b.eval(`document.getElementById("g-year").value`); y != "2025" {
		t.Errorf("default year %s, want 2025", y)
	}
	b.noErrors("the first load")
	b.shot("groups-first.png")
	b.readsWell("the groups page", "admin")
	b.onPhone("the groups page", "groups-phone.png")

	b.chooseYear("2024", "done")
	b.checkSuggestion(s)
	ed := b.edit2024()
	b.saveRefusals(s)
	b.save2024(s, ed)
	b.confirm2024(s, ed)
	b.export2024(s, ed)
	b.staleSave(s)
	b.everyYear()
	b.noErrors("the end")
}

// refusalsOnly is noErrors for a step where the API refuses on purpose:
// the browser logs the failed request (with its status), nothing else
// may go wrong.
func (b *browser) refusalsOnly(what, status string) {
	b.t.Helper()
	for _, e := range b.takeErrors() {
		if !strings.Contains(e, "Failed to load resource") || !strings.Contains(e, "status of "+status) {
			b.t.Errorf("%s: %s", what, e)
		}
	}
}

// eval runs JavaScript in the page and returns its value as text.
func (b *browser) eval(js string) string {
	b.t.Helper()
	return run(b, chromedp.Evaluate[string](`String(`+js+`)`))
}

// change sets a form control (by CSS selector) and fires its change event,
// as a person choosing does.
func change(selector, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`{
  const e = document.querySelector(%q);
  if (e.type === "checkbox") e.checked = %q === "on"; else e.value = %q;
  e.dispatchEvent(new Event("change", { bubbles: true }));
}`, selector, value, value))
}

func group(i int) string { return fmt.Sprintf(`#g-list .group[data-index="%d"]`, i) }

func (b *browser) chooseYear(year, want string) {
	b.t.Helper()
	if state := b.submit("groups", change("#g-year", year)); state != want {
		b.t.Fatalf("year %s: state %s, want %s (%s)", year, state, want, b.eval(`document.getElementById("g-msg").textContent`))
	}
}

// members reads the page's groups: number → group index, and every status shown.
func (b *browser) members() (map[string]int, []string) {
	b.t.Helper()
	js := `Array.from(document.querySelectorAll("#g-list tbody tr")).map((tr) =>
  tr.closest(".group").dataset.index + "|" + tr.dataset.number + "|" + tr.children[5].textContent).join("\n")`
	at, statuses := map[string]int{}, []string{}
	for _, line := range strings.Split(b.eval(js), "\n") {
		var gi int
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 {
			continue
		}
		fmt.Sscan(parts[0], &gi)
		at[parts[1]] = gi
		statuses = append(statuses, parts[2])
	}
	return at, statuses
}

// checkScale: the suggestion's threshold is the pair model's, the one the
// server gives every page (/api/v1/me), said as the probability it is
// (同组可能性, not a similarity of the texts); the hint says what that
// means; every group's average is shown the same way and is at least the
// threshold the page says grouping joins at.
func (b *browser) checkScale(s *service) {
	b.t.Helper()
	var me struct {
		GroupThreshold float64 `json:"group_threshold"`
	}
	var v tian.CurationView
	s.call(b.t, "GET", "/api/v1/me", nil, &me)
	s.call(b.t, "GET", "/api/v1/groups/2024?source=suggestion", nil, &v)
	if v.Threshold != me.GroupThreshold || v.ThresholdOf != "default" || v.Threshold < 0.5 || v.Threshold >= 1 {
		b.t.Errorf("the suggestion groups at %v (%s), the pages' threshold is %v; want the pair model's, a probability of at least even odds",
			v.Threshold, v.ThresholdOf, me.GroupThreshold)
	}
	want := fmt.Sprintf("分组阈值：同组可能性 %d%%（默认）", int(math.Round(v.Threshold*100)))
	if st := b.eval(`document.getElementById("g-state").textContent`); !strings.Contains(st, "系统建议") || !strings.Contains(st, want) {
		b.t.Errorf("state %q, want %q", st, want)
	}
	if hint := b.eval(`document.getElementById("g-hint").hidden ? "" : document.getElementById("g-hint").textContent`); !strings.Contains(hint, "编入同一组的可能性") || !strings.Contains(hint, "不是") {
		b.t.Errorf("the page does not say what 同组可能性 is: %q", hint)
	}
	heads := b.eval(`Array.from(document.querySelectorAll("#g-list .group .head small")).map((e) => e.textContent).join("\n")`)
	shown := regexp.MustCompile(`组内平均同组可能性 (\d{1,3})%`).FindAllStringSubmatch(heads, -1)
	if len(shown) != len(v.Groups) || regexp.MustCompile(`0\.\d|相似度`).MatchString(heads) {
		b.t.Errorf("the groups' facts read %q; want each group's 组内平均同组可能性 as a percentage, no raw score", short(heads))
	}
	least := int(math.Round(v.Threshold * 100))
	for i, m := range shown {
		if pc, _ := strconv.Atoi(m[1]); pc > 100 || pc < least {
			b.t.Errorf("group %d averages %d%%, outside [%d%%, 100%%]", i+1, pc, least)
		}
	}
}

// checkReasons: in a suggestion, every member says why it is in its
// group, with the group's key phrases it holds (a group keeps only the
// members that hold one).
func (b *browser) checkReasons(year string) {
	b.t.Helper()
	js := `Array.from(document.querySelectorAll("#g-list .group")).flatMap((g) => {
  const head = g.querySelector(".head small").textContent;
  const label = head.includes("关键词：") ? head.split("关键词：")[1].split("、") : [];
  return Array.from(g.querySelectorAll("tbody tr")).map((tr) => {
    const why = tr.querySelector(".why");
    const held = why ? why.textContent.replace(/^入组依据：/, "").split("、") : [];
    return held.length && held.every((p) => label.includes(p)) ? "" : tr.dataset.number + "（" + (why ? why.textContent : "无入组依据") + "；关键词 " + label.join("、") + "）";
  });
}).filter(Boolean).join("\n")`
	if bad := b.eval(js); bad != "" {
		b.t.Errorf("%s: members without a key phrase of their group as the reason: %s", year, short(bad))
	}
}

// The suggestion has filed proposals only (the 第三中学 and
// 地铁2号线 proposals, 不予立案, are in no group), each member's status,
// and near-duplicates flagged; with the option, 不予立案 ones come in.
func (b *browser) checkSuggestion(s *service) {
	b.t.Helper()
	at, statuses := b.members()
	if len(at) < 60 {
		b.t.Errorf("the 2024 suggestion shows %d proposals", len(at))
	}
	for _, n := range []string{"20240033", "20240237"} {
		if _, ok := at[n]; ok {
			b.t.Errorf("不予立案 %s is in a filed-only group", n)
		}
	}
	for _, st := range statuses {
		if !strings.HasPrefix(st, "立案") && !strings.HasPrefix(st, "并案") {
			b.t.Errorf("a filed-only suggestion shows status %q", st)
		}
	}
	if dups := b.eval(`document.querySelectorAll("#g-list .dup").length`); dups == "0" {
		b.t.Error("no near-duplicate flagged in 2024")
	}
	b.checkScale(s)
	b.checkReasons("2024")
	b.shot("groups-2024-suggested.png")
	if state := b.submit("groups", change("#g-all", "on")); state != "done" {
		b.t.Fatalf("include all: %s", state)
	}
	_, statuses = b.members()
	if !slices.ContainsFunc(statuses, func(s string) bool { return strings.HasPrefix(s, "不予立案") }) {
		b.t.Error("with 不予立案 included, none is shown")
	}
	b.do(chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll("#g-list .badge.status-rejected")).shift().scrollIntoView({ block: "center" })`))
	b.shot("groups-2024-all.png")
	if state := b.submit("groups", change("#g-all", "off")); state != "done" {
		b.t.Fatalf("filed only again: %s", state)
	}
	b.noErrors("the 2024 suggestion")
}

// edits are what edit2024 did: a proposal moved to group 2, one moved
// out, and the number of members left.
type edits struct {
	moved, out string
	total      int
}

// edit2024 renames, sets a lead unit, moves, merges, splits and moves out
// in the page.
func (b *browser) edit2024() edits {
	b.t.Helper()
	before, _ := b.members()
	groups := b.eval(`document.querySelectorAll("#g-list .group").length`)
	b.do(change(group(0)+" .g-name", "地铁站点接驳与周边环境"), change(group(0)+" .g-lead", "市交通运输局"))
	moved := b.eval(`document.querySelector('` + group(0) + ` tbody tr:last-child').dataset.number`)
	b.do(change(group(0)+" tbody tr:last-child .g-move", "1"))
	at, _ := b.members()
	if at[moved] != 1 {
		b.t.Errorf("moved %s to group 2, it is in group %d", moved, at[moved]+1)
	}
	// merge groups 3 and 4
	first3 := b.eval(`document.querySelector('` + group(2) + ` tbody tr').dataset.number`)
	first4 := b.eval(`document.querySelector('` + group(3) + ` tbody tr').dataset.number`)
	b.do(change(group(2)+" .g-pick", "on"), change(group(3)+" .g-pick", "on"), chromedp.Click(chromedp.CSS("#g-merge")))
	at, _ = b.members()
	if at[first3] != 2 || at[first4] != 2 {
		b.t.Errorf("after merging 3 and 4: %s in %d, %s in %d", first3, at[first3]+1, first4, at[first4]+1)
	}
	// split the merged group: its last two members to a new group after it
	n := b.eval(`document.querySelectorAll('` + group(2) + ` tbody tr').length`)
	b.do(change(group(2)+" tbody tr:nth-last-child(1) .g-pick-m", "on"), change(group(2)+" tbody tr:nth-last-child(2) .g-pick-m", "on"),
		chromedp.Click(chromedp.CSS(group(2)+" .g-split")))
	if got := b.eval(`document.querySelectorAll('` + group(3) + ` tbody tr').length`); got != "2" || !strings.HasSuffix(b.eval(`document.querySelector('`+group(3)+` .g-name').value`), "（拆分）") {
		b.t.Errorf("split %s members: the new group has %s", n, got)
	}
	// move one member of the largest group out of every group
	out := b.eval(`document.querySelector('` + group(1) + ` tbody tr').dataset.number`)
	b.do(change(group(1)+" tbody tr .g-move", "out"))
	if got := b.eval(`document.getElementById("g-out").textContent`); !strings.Contains(got, out) {
		b.t.Errorf("moved %s out: the removed list says %q", out, got)
	}
	if after := b.eval(`document.querySelectorAll("#g-list .group").length`); after != groups {
		b.t.Errorf("%s groups before, %s after a merge and a split", groups, after)
	}
	if d := b.eval(`document.getElementById("g-dirty").textContent`); !strings.Contains(d, "未保存") {
		b.t.Errorf("unsaved changes not said: %q", d)
	}
	b.noErrors("editing")
	b.shot("groups-2024-edited.png")
	return edits{moved: moved, out: out, total: len(before) - 1}
}

// saveRefusals: an empty name is shown and refused with the server's
// message; a name in English and punctuation is fine.
func (b *browser) saveRefusals(s *service) {
	b.t.Helper()
	b.do(change(group(4)+" .g-name", "   "))
	if p := b.eval(`document.querySelector('` + group(4) + ` .problem').textContent`); !strings.Contains(p, "组名为空") {
		b.t.Errorf("an empty name is not pointed out: %q", p)
	}
	if state := b.submit("groups", chromedp.Click(chromedp.CSS("#g-save"))); state != "error" {
		b.t.Errorf("saving an empty name: %s", state)
	}
	if msg := b.eval(`document.getElementById("g-msg").textContent`); !strings.Contains(msg, "第5组：组名为空") {
		b.t.Errorf("the refusal says %q", msg)
	}
	var v tian.CurationView
	if s.call(b.t, "GET", "/api/v1/groups/2024", nil, &v); v.Source != tian.CurationSuggested {
		b.t.Errorf("a refused save stored the year: %s", v.Source)
	}
	b.do(change(group(4)+" .g-name", "Metro line 2 / 地铁！！"))
	b.refusalsOnly("a refused save", "400")
}

func (b *browser) save2024(s *service, ed edits) {
	b.t.Helper()
	if state := b.submit("groups", chromedp.Click(chromedp.CSS("#g-save"))); state != "done" {
		b.t.Fatalf("save: %s (%s)", state, b.eval(`document.getElementById("g-msg").textContent`))
	}
	if st := b.eval(`document.getElementById("g-state").textContent`); !strings.Contains(st, "草稿") || !strings.Contains(st, "第1版") {
		b.t.Errorf("state after saving: %q", st)
	}
	var v tian.CurationView
	s.call(b.t, "GET", "/api/v1/groups/2024", nil, &v)
	if v.Source != tian.CurationStored || v.Version != 1 || v.Groups[0].Name != "地铁站点接驳与周边环境" || v.Groups[0].LeadUnit != "市交通运输局" ||
		v.Groups[4].Name != "Metro line 2 / 地铁！！" {
		b.t.Fatalf("stored after the page's save: version %d, %+v", v.Version, v.Groups[:5])
	}
	in := map[string]int{}
	total := 0
	for gi, g := range v.Groups {
		for _, m := range g.Members {
			in[m.Number] = gi
			total++
		}
	}
	if _, ok := in[ed.out]; ok || in[ed.moved] != 1 || total != ed.total {
		b.t.Errorf("stored: %s out? in %d; %s in group %d; %d members, want %d", ed.out, in[ed.out], ed.moved, in[ed.moved]+1, total, ed.total)
	}
	b.noErrors("saving")
	b.shot("groups-2024-saved.png")
}

// confirm2024 confirms in the in-page dialog.
func (b *browser) confirm2024(s *service, ed edits) {
	b.t.Helper()
	// Escape closes the question and confirms nothing
	b.do(chromedp.Click(chromedp.CSS("#g-confirm")), chromedp.WaitVisible(chromedp.CSS(`dialog.confirm button[value=ok]`)),
		chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(chromedp.CSS(`dialog.confirm`)))
	if st := b.eval(`document.getElementById("g-state").textContent`); strings.Contains(st, "已确认") {
		b.t.Errorf("Escape on the confirmation confirmed the year: %q", st)
	}
	state := b.submit("groups", chromedp.Click(chromedp.CSS("#g-confirm")),
		chromedp.WaitVisible(chromedp.CSS(`dialog.confirm button[value=ok]`)), chromedp.Click(chromedp.CSS(`dialog.confirm button[value=ok]`)))
	if state != "done" {
		b.t.Fatalf("confirm: %s (%s)", state, b.eval(`document.getElementById("g-msg").textContent`))
	}
	st := b.eval(`document.getElementById("g-state").textContent`)
	if !strings.Contains(st, "已确认") || !strings.Contains(st, "分组阈值") || !strings.Contains(st, "据 2024 年确认的分组") {
		b.t.Errorf("state after confirming: %q", st)
	}
	if b.eval(`document.getElementById("g-confirm").disabled`) != "true" {
		b.t.Error("a confirmed year with no change can be confirmed again")
	}
	var pg tian.ProposalGroup
	if code := s.call(b.t, "GET", "/api/v1/proposals/"+ed.moved+"/group", nil, &pg); code != 200 || !pg.Confirmed {
		b.t.Errorf("the moved proposal's group: %d %+v", code, pg)
	}
	b.readsWell("the confirmed groups", "admin", "line") // who confirmed, not token:admin; line: the test's own name for a group
	b.noErrors("confirming")
	b.shot("groups-2024-confirmed.png")
}

// export2024 follows the page's export link, in the page, and reads the
// workbook.
func (b *browser) export2024(s *service, ed edits) {
	b.t.Helper()
	href := b.eval(`document.getElementById("g-xlsx").getAttribute("href")`)
	js := `fetch(document.getElementById("g-xlsx").href).then(async (r) => {
  const b = new Uint8Array(await r.arrayBuffer());
  let s = ""; for (const x of b) s += String.fromCharCode(x);
  return r.status + "|" + r.headers.get("content-disposition") + "|" + btoa(s);
})`
	res := run(b, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	parts := strings.SplitN(res, "|", 3)
	if len(parts) != 3 || parts[0] != "200" || !strings.Contains(parts[1], "filename*=UTF-8''2024%E5%B9%B4%E5%B9%B6%E6%A1%88%E5%88%86%E7%BB%84.xlsx") {
		b.t.Fatalf("export %s: %.200s", href, res)
	}
	data, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil {
		b.t.Fatal(err)
	}
	f, err := excelize.OpenReader(strings.NewReader(string(data)))
	if err != nil {
		b.t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("并案分组")
	if len(rows)-1 != ed.total || rows[1][1] != "地铁站点接驳与周边环境" || rows[1][2] != "市交通运输局" {
		b.t.Errorf("exported %d rows (want %d members), first %q", len(rows)-1, ed.total, rows[1])
	}
	for _, r := range rows[1:] {
		if len(r) < 9 || r[5] == "" || r[7] == "" || r[8] == "" { // proposer, category, status
			b.t.Errorf("exported row without proposer, category or status: %q", r)
			break
		}
	}
	if state, _ := f.GetCellValue("说明", "B2"); state != "已确认" {
		b.t.Errorf("说明 says %q", state)
	}
	b.noErrors("exporting")
}

// staleSave: a colleague saves first; the page's save is refused with a
// way to reload, and switching years with unsaved changes asks first.
func (b *browser) staleSave(s *service) {
	b.t.Helper()
	var v tian.CurationView
	s.call(b.t, "GET", "/api/v1/groups/2024", nil, &v)
	var gs []tian.CuratedGroup
	for _, g := range v.Groups {
		cg := tian.CuratedGroup{ID: g.ID, Name: g.Name, LeadUnit: g.LeadUnit}
		for _, m := range g.Members {
			cg.Members = append(cg.Members, m.Number)
		}
		gs = append(gs, cg)
	}
	if code := s.call(b.t, "PUT", "/api/v1/groups/2024", map[string]any{"version": v.Version, "groups": gs}, nil); code != 200 {
		b.t.Fatalf("the colleague's save: %d", code)
	}
	b.do(change(group(1)+" .g-name", "我的修改"))
	if d := b.eval(`document.getElementById("g-dirty").textContent`); !strings.Contains(d, "重新确认") {
		b.t.Errorf("editing a confirmed year does not say it needs confirming again: %q", d)
	}
	if state := b.submit("groups", chromedp.Click(chromedp.CSS("#g-save"))); state != "error" {
		b.t.Errorf("a stale save: %s", state)
	}
	if msg := b.eval(`document.getElementById("g-msg").textContent`); !strings.Contains(msg, "请重新载入") || !strings.Contains(msg, "放弃我的修改并重新载入") {
		b.t.Errorf("the conflict says %q", msg)
	}
	b.shot("groups-2024-conflict.png")
	// switching years asks; cancelling keeps the year and the changes
	b.do(change("#g-year", "2023"), chromedp.WaitVisible(chromedp.CSS(`dialog.confirm button[value=cancel]`)),
		chromedp.Click(chromedp.CSS(`dialog.confirm button[value=cancel]`)))
	if y := b.eval(`document.getElementById("g-year").value`); y != "2024" {
		b.t.Errorf("cancelled switch left the year at %s", y)
	}
	if state := b.submit("groups", chromedp.Click(chromedp.CSS(`#g-msg button`))); state != "done" {
		b.t.Errorf("reload: %s", state)
	}
	if st := b.eval(`document.getElementById("g-state").textContent`); !strings.Contains(st, "草稿") || !strings.Contains(st, "第3版") {
		b.t.Errorf("after reloading: %q", st)
	}
	b.refusalsOnly("a stale save", "409")
}

// everyYear loads every year of the selector, and the empty one, checking
// that every member shown (hundreds of demo proposals) has its status and
// a link to its page.
func (b *browser) everyYear() {
	b.t.Helper()
	years := strings.Split(b.eval(`Array.from(document.querySelectorAll("#g-year option")).map((o) => o.value).join(",")`), ",")
	if !slices.Contains(years, "2026") || !slices.Contains(years, "2021") {
		b.t.Errorf("years offered: %v", years)
	}
	shown := 0
	for _, y := range years {
		if y == "2024" {
			continue
		}
		want := "done"
		if y == "2026" {
			want = "empty"
		}
		b.chooseYear(y, want)
		at, statuses := b.members()
		shown += len(at)
		for _, st := range statuses {
			if st == "" {
				b.t.Errorf("%s: a member without a status", y)
			}
		}
		links := b.eval(`document.querySelectorAll('#g-list tbody tr td:nth-child(2) a[href^="/p/"]').length`)
		if links != fmt.Sprint(len(statuses)) {
			b.t.Errorf("%s: %s links for %d members", y, links, len(statuses))
		}
		if want == "done" {
			b.checkReasons(y)
			b.shot("groups-" + y + "-suggested.png")
		}
		if y == "2026" {
			if sum := b.eval(`document.getElementById("g-summary").textContent`); !strings.Contains(sum, "2026年暂无提案") {
				b.t.Errorf("the empty year says %q", sum)
			}
			b.shot("groups-2026-empty.png")
		}
		b.noErrors("year " + y)
	}
	if shown < 200 {
		b.t.Errorf("%d proposals shown over the other years", shown)
	}
}

// demoCount is how many demo proposals a year has.
func demoCount(t *testing.T, year int) int {
	t.Helper()
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range demo {
		if p.Year == year {
			n++
		}
	}
	return n
}
