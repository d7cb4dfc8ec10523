package main

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"tian"
	"tian/api"
	"tian/internal/slowtest"
)

// TestBrowserProposal opens demo proposals' pages (a sample; every 4th,
// about 390, with TIAN_BROWSER_SWEEP=1) and compares each with the API's
// answer: title, facts, status and reason, the reply and its date, the
// proposal it was merged into and those merged into it, similar proposals
// of its year and earlier ones. Also: an unknown number, and the page as
// printed.
func TestBrowserProposal(t *testing.T) {
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	step, timeout := 53, 4*time.Minute
	if os.Getenv("TIAN_BROWSER_SWEEP") == "1" {
		step, timeout = 4, 25*time.Minute
	}
	sample := []*tian.Proposal{}
	for i := 0; i < len(demo); i += step {
		sample = append(sample, demo[i])
	}
	// one of each status, and one others were merged into
	mergedInto := map[string][]string{}
	for _, p := range demo {
		if p.MergedInto != "" {
			mergedInto[p.MergedInto] = append(mergedInto[p.MergedInto], p.Number)
		}
	}
	byNumber := map[string]*tian.Proposal{}
	for _, p := range demo {
		byNumber[p.Number] = p
	}
	special := map[string]string{}
	for _, p := range demo {
		switch {
		case p.Status == tian.StatusRejected && special["rejected"] == "":
			special["rejected"] = p.Number
		case p.Status == tian.StatusMerged && special["merged"] == "":
			special["merged"] = p.Number
			special["host"] = p.MergedInto
		}
	}
	for _, n := range special {
		sample = append(sample, byNumber[n])
	}
	b, s := browserSetup(t, timeout)
	client := api.NewClient(s.base, s.token)
	var me struct {
		GroupThreshold float64 `json:"group_threshold"`
	}
	if code := s.call(t, "GET", "/api/v1/me", nil, &me); code != 200 || me.GroupThreshold <= 0 {
		t.Fatalf("/api/v1/me: HTTP %d, grouping threshold %v", code, me.GroupThreshold)
	}
	least := int(math.Round(me.GroupThreshold * 100))
	start, bad := time.Now(), 0
	for _, p := range sample {
		if problems := b.proposalPage(client, p.Number, mergedInto[p.Number], least); len(problems) > 0 {
			if bad++; bad <= 5 {
				t.Errorf("/p/%s: %s", p.Number, strings.Join(problems, "; "))
			}
		}
		for kind, n := range special {
			if n == p.Number {
				b.shot("proposal-" + kind + ".png")
			}
		}
	}
	t.Logf("proposal pages: %d in %s, %d with problems", len(sample), time.Since(start).Round(time.Millisecond), bad)
	b.do(chromedp.Navigate(b.base + "/p/" + special["host"]))
	b.settle("proposal")
	b.readsWell("a proposal's page", "admin")
	// the pair model's score as what it is, a probability that staff would
	// group the two (95%), said once; not a similarity of the texts, not a
	// raw score (0.95)
	if facts := run(b, chromedp.Text(`#p-similar-box`)); !regexp.MustCompile(`同组可能性 \d{1,3}%`).MatchString(facts) ||
		regexp.MustCompile(`可能性 0\.|相似度`).MatchString(facts) || !strings.Contains(facts, "编入同一组的可能性") {
		b.t.Errorf("similar proposals read %q; want 同组可能性 as a percentage, and what it means", short(facts))
	}
	b.onPhone("a proposal's page", "proposal-phone.png")
	b.pageErrors("a proposal's page on a phone")
	b.unknownProposal()
	b.printed(special["host"])
	b.asMember(s, special["host"])
	b.noErrors("the end")
	t.Logf("screenshots in %s", b.shots)
}

// proposalView is what a proposal's page shows.
type proposalView struct {
	State, Title, Meta, Status, Body, Reply, ReplyDate, Group, Merged string
	Similar, Earlier                                                  []int // the years of the items
	SimilarFacts, EarlierFacts                                        []string
	Links                                                             []string
}

const readProposal = `(() => {
  const t = (id) => document.getElementById(id).textContent;
  const facts = (id) => Array.from(document.querySelectorAll("#" + id + " li.match > small")).map((e) => e.textContent);
  const years = (id) => Array.from(document.querySelectorAll("#" + id + " li.match")).map((li) => parseInt(li.dataset.year, 10));
  return { State: document.getElementById("proposal").dataset.state || "", Title: t("p-title"), Meta: t("p-meta"),
    Status: t("p-state"), Body: t("p-body"), Reply: t("p-reply"), ReplyDate: t("p-reply-date"), Group: t("p-group"),
    Merged: t("p-merged"), Similar: years("p-similar"), Earlier: years("p-earlier"),
    SimilarFacts: facts("p-similar"), EarlierFacts: facts("p-earlier"),
    Links: Array.from(document.querySelectorAll("#p-view a")).map((a) => a.getAttribute("href")) };
})()`

// proposalPage opens /p/{number} and compares it with the API.
// Similar proposals are listed at least least% likely to be grouped with
// it (the pages' grouping threshold), near-duplicates first.
func (b *browser) proposalPage(client *api.Client, number string, merged []string, least int) []string {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + "/p/" + number))
	state := b.settle("proposal")
	v := run(b, chromedp.Evaluate[proposalView](readProposal))
	var problems []string
	for _, e := range b.takeErrors() {
		if !(strings.Contains(e, "404") && strings.Contains(e, "/group")) {
			problems = append(problems, e)
		}
	}
	p, err := client.Proposal(context.Background(), number)
	if err != nil {
		return append(problems, "API: "+err.Error())
	}
	check := func(ok bool, format string, args ...any) {
		if !ok {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	check(state == "done", "state %q", state)
	check(v.Title == p.Title, "title %q, the API %q", v.Title, p.Title)
	check(v.Body == p.Body, "the body differs from the API's")
	check(strings.Contains(v.Status, "状态："+string(p.Status)), "status shown %q, the API %q", v.Status, p.Status)
	check(p.StatusReason == "" || strings.Contains(v.Status, p.StatusReason), "reason %q not shown in %q", p.StatusReason, v.Status)
	check(v.Reply == p.Reply, "reply %q, the API %q", short(v.Reply), short(p.Reply))
	check(p.Reply == "" || p.ReplyDate == "" || strings.Contains(v.ReplyDate, p.ReplyDate), "reply date %q, the API %q", v.ReplyDate, p.ReplyDate)
	for _, want := range []string{p.Number, p.Proposer, p.Category, p.LeadUnit, p.Session, p.Sector, p.Submitted} {
		check(strings.Contains(v.Meta, want), "facts %q lack %q", v.Meta, want)
	}
	for _, u := range p.CoUnits {
		check(strings.Contains(v.Meta, u), "facts lack the co-handling unit %s", u)
	}
	if p.MergedInto != "" {
		check(contains(v.Links, "/p/"+p.MergedInto), "no link to %s, which it was merged into", p.MergedInto)
	}
	for _, n := range merged {
		check(strings.Contains(v.Merged, n) && contains(v.Links, "/p/"+n), "%s, merged into it, not listed", n)
	}
	for _, y := range v.Similar {
		check(y == p.Year, "a similar proposal of %d listed as of the same year %d", y, p.Year)
	}
	dups := true // still among the near-duplicates listed first
	for _, f := range slices.Concat(v.SimilarFacts, v.EarlierFacts) {
		m := regexp.MustCompile(`同组可能性 (\d{1,3})%`).FindStringSubmatch(f)
		pc := -1
		if m != nil {
			pc, _ = strconv.Atoi(m[1])
		}
		check(pc >= 0 && pc <= 100 && (pc >= least || isDupFact(f)), "a similar proposal reads %q, want 同组可能性 of %d%%–100%%, or a near-duplicate", f, least)
	}
	for _, f := range v.SimilarFacts {
		dup := isDupFact(f)
		check(dups || !dup, "a near-duplicate listed after a proposal only on the same topic: %q", v.SimilarFacts)
		dups = dups && dup
	}
	for _, y := range v.Earlier {
		check(y < p.Year, "a proposal of %d listed as earlier than %d", y, p.Year)
	}
	check(strings.Contains(v.Group, "并案组"), "group %q", v.Group)
	// a reviewer (here the admin) goes from the proposal to its review
	b.do(chromedp.WaitVisible(`#p-review`))
	href := run(b, chromedp.Evaluate[string](`document.getElementById("p-review").getAttribute("href")`))
	check(href == "/review?number="+url.QueryEscape(number), "the review link is %q", href)
	return problems
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func short(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// unknownProposal: a number not in the archive shows a page that says so.
func (b *browser) unknownProposal() {
	b.t.Helper()
	for _, n := range []string{"19990001", "abc", "%E4%B8%AD%E6%96%87"} {
		b.do(chromedp.Navigate(b.base + "/p/" + n))
		state := b.settle("proposal")
		text := run(b, chromedp.Text(chromedp.ID("proposal")))
		for _, e := range b.takeErrors() {
			if !strings.Contains(e, "404") { // the browser logs the failed fetch itself
				b.t.Errorf("/p/%s: %s", n, e)
			}
		}
		if state != "empty" || !strings.Contains(text, "未找到该提案") || strings.Contains(text, "not_found") {
			b.t.Errorf("/p/%s: state %q, page %q; want 未找到", n, state, text)
		}
	}
	b.shot("proposal-not-found.png")
}

// printed shows the page as printed: no header, no buttons, the whole
// text.
func (b *browser) printed(number string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + "/p/" + number))
	b.settle("proposal")
	b.takeErrors()
	b.do(media("print"))
	hidden := run(b, chromedp.Evaluate[[]string](`["top", "p-print"].map((id) => getComputedStyle(document.getElementById(id)).display)`))
	b.shot("proposal-print.png")
	b.do(media(""))
	for i, d := range hidden {
		if d != "none" {
			b.t.Errorf("printed, element %d still shows (display %s)", i, d)
		}
	}
}

// media emulates a CSS media type ("print"); "" ends the emulation.
func media(kind string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: kind})
		return err
	})
}

// asMember signs in as a member, who lands on 检索 without the reviewer's
// tab, and opens a proposal's page from a hit.
func (b *browser) asMember(s *service, number string) {
	b.t.Helper()
	var made struct{ Secret string }
	if code := s.call(b.t, "POST", "/api/v1/tokens", map[string]string{"name": "王委员", "role": "member"}, &made); code != 201 {
		b.t.Fatalf("creating a member token: HTTP %d", code)
	}
	b.do(chromedp.Navigate(b.base+"/signin?token="+made.Secret), chromedp.WaitVisible(`#top nav a`))
	b.settle("search")
	at := run(b, chromedp.Location())
	nav := run(b, chromedp.Text(`#top nav`))
	if !strings.Contains(at, "/search") || strings.Contains(nav, "审查") {
		b.t.Errorf("a member landed on %s with the tabs %q; want 检索 and no 审查", at, nav)
	}
	b.do(chromedp.Navigate(b.base + "/p/" + number))
	if state := b.settle("proposal"); state != "done" {
		b.t.Errorf("a member opening /p/%s: %s", number, state)
	}
	b.do(chromedp.WaitVisible(`#top nav a`))
	if run(b, chromedp.Evaluate[bool](`!document.getElementById("p-review").hidden`)) {
		b.t.Errorf("a member is offered 审查此提案")
	}
	b.pageErrors("a member's proposal page")
	b.shot("proposal-member.png")
	// a page the member may not open says so in Chinese, with the ones they may
	b.do(chromedp.Navigate(b.base+"/review"), chromedp.WaitVisible(`main`))
	if text := run(b, chromedp.Text(`main`)); !strings.Contains(text, "没有权限") || !strings.Contains(text, "检索") {
		b.t.Errorf("a member opening 审查 reads %q", text)
	}
	b.readsWell("the page refusing a member")
	b.shot("forbidden-member.png")
	b.noErrorsBut("a member opening 审查", "403")
}

// TestBrowserProposalGroup saves a group of two proposals (on a service of
// its own: it changes the store), then shows it on each member's page,
// before and after the year's groups are confirmed.
func TestBrowserProposalGroup(t *testing.T) {
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	var pair []*tian.Proposal
	for _, p := range demo {
		if p.Year == 2024 && p.Status == tian.StatusFiled && p.LeadUnit == "市教育局" && len(pair) < 2 {
			pair = append(pair, p)
		}
	}
	if len(pair) < 2 {
		t.Fatal("the demo has no two filed 2024 proposals led by 市教育局")
	}
	slowtest.Gate(t)
	chromium := chromiumPath(t)
	s := startService(t)
	defer s.stop()
	b := newBrowser(t, chromium, withPolicy(t, s.base), 3*time.Minute)
	b.signIn(s.token)
	body := map[string]any{"version": 0, "groups": []map[string]any{{"name": "教育议题试分组", "lead_unit": "市教育局",
		"members": []string{pair[0].Number, pair[1].Number}}}}
	var saved struct{ Version int }
	if code := s.call(t, "PUT", "/api/v1/groups/2024", body, &saved); code != 200 {
		t.Fatalf("saving a group: HTTP %d", code)
	}
	check := func(p, other *tian.Proposal, want string) {
		b.do(chromedp.Navigate(b.base + "/p/" + p.Number))
		state := b.settle("proposal")
		b.pageErrors("/p/" + p.Number)
		group := run(b, chromedp.Text(chromedp.ID("p-group")))
		links := run(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#p-group a")).map((a) => a.getAttribute("href"))`))
		if state != "done" || !strings.Contains(group, "教育议题试分组") || !strings.Contains(group, want) ||
			!strings.Contains(group, p.Number+" "+p.Title+"（本案）") || !contains(links, "/p/"+other.Number) {
			t.Errorf("/p/%s: state %q, group %q, links %v; want the group %s with %s linked", p.Number, state, group, links, want, other.Number)
		}
	}
	check(pair[0], pair[1], "未确认")
	if code := s.call(t, "POST", "/api/v1/groups/2024/confirm", map[string]int{"version": saved.Version}, nil); code != 200 {
		t.Fatalf("confirming: HTTP %d", code)
	}
	check(pair[1], pair[0], "已确认")
	// the date of confirming, as a reader writes it (not 2026-12-07T…Z)
	if group := run(b, chromedp.Text(chromedp.ID("p-group"))); !regexp.MustCompile(`已确认（\d{4}年\d{1,2}月\d{1,2}日）`).MatchString(group) {
		b.t.Errorf("the confirmed group reads %q, want the date as 2026年1月2日", group)
	}
	b.shot("proposal-group.png")
	b.notProposal(s)
	b.noErrors("the end")
}

// notProposal stores a record that is not a proposal (a message board's
// post) and finds it marked 非提案记录 on its page and among search hits,
// where the proposals found with it are not marked.
func (b *browser) notProposal(s *service) {
	b.t.Helper()
	post := tian.Proposal{Number: "LY2024031", Year: 2024, Title: "关于小区夜间施工噪音扰民的网上留言",
		Body: "我住在城东区幸福小区，隔壁工地每天晚上十一点以后还在施工，噪音很大，希望有关部门管一管。", NotProposal: true}
	if code := s.call(b.t, "POST", "/api/v1/proposals", post, nil); code/100 != 2 {
		b.t.Fatalf("storing a message board's post: HTTP %d", code)
	}
	b.do(chromedp.Navigate(b.base + "/p/" + post.Number))
	if state := b.settle("proposal"); state != "done" {
		b.t.Errorf("/p/%s: %s", post.Number, state)
	}
	if st := run(b, chromedp.Text(chromedp.ID("p-state"))); !strings.Contains(st, "非提案记录") {
		b.t.Errorf("the post's page says %q, want it marked 非提案记录", st)
	}
	b.pageErrors("a post's page")
	b.do(chromedp.Navigate(b.base + "/search?q=" + url.QueryEscape("夜间施工")))
	if state := b.settle("search"); state != "done" {
		b.t.Fatalf("searching for the post: %s", state)
	}
	marked := run(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#s-hits li.hit"))
  .filter((li) => li.querySelector(".badge.not-proposal")).map((li) => li.querySelector("small").textContent.split(" · ")[0])`))
	hits := run(b, chromedp.Evaluate[int](`document.querySelectorAll("#s-hits li.hit").length`))
	if !slices.Equal(marked, []string{post.Number}) || hits < 2 {
		b.t.Errorf("searching 夜间施工: %d hits, marked 非提案记录 %v; want only %s marked among proposals", hits, marked, post.Number)
	}
	b.shot("search-not-proposal.png")
	b.pageErrors("searching for a post")
}

// isDupFact says whether a match's facts name it a resubmission or a copy.
func isDupFact(f string) bool {
	return strings.Contains(f, "重复提交：") || strings.Contains(f, "疑似雷同：")
}
