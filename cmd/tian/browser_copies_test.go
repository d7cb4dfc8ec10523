package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tian"
	"tian/internal/slowtest"
	"tian/relate"
)

// TestBrowserCopies plants edited copies of demo proposals (the
// hand-edited copies of testdata/neardup.jsonl) through the API, as staff
// would store newly received proposals, and finds them marked in the
// pages: a copy of a proposal of the same year by another member as 疑似雷同,
// a resubmission of an earlier year's answered proposal as 重复提交, each
// with the note naming the proposal it repeats and the repeated sentences
// side by side (本件 / 该件 / 相似度). In 审查 the copy's text is pasted with
// its number, and again as a new text of this year; each planted proposal's
// page, and a copied source's page, show the same. In 并案 a copy grouped
// with its source is flagged 疑似雷同 on both rows. Proposals that repeat
// nothing (50 demo proposals, not in the corpus's known near-duplicate
// pairs) show none of it. It stores proposals, so it runs on a service of
// its own.
func TestBrowserCopies(t *testing.T) {
	slowtest.Gate(t)
	chromium := chromiumPath(t)
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	byNumber := map[string]*tian.Proposal{}
	for _, p := range demo {
		byNumber[p.Number] = p
	}
	plants := choosePlantings(t, demo, byNumber)

	s := adminService(t, freshDemoDir(t)) // as sharedService, but for this test alone
	defer s.stop()
	staff := staffOf(t, s)
	for _, pl := range plants {
		if code := staff.call(t, "POST", "/api/v1/proposals", pl.p, nil); code != 201 {
			t.Fatalf("storing the %s %s (of %s): HTTP %d", pl.relation, pl.p.Number, pl.src.Number, code)
		}
		t.Logf("planted %s: %s %d %s (%s edit of %s %d, %s)", pl.relation, pl.p.Number, pl.p.Year, pl.p.Proposer,
			pl.degree, pl.src.Number, pl.src.Year, pl.src.Proposer)
	}

	b := newBrowser(t, chromium, withPolicy(t, s.base), 12*time.Minute)
	b.signIn(s.token)

	b.open("/review")
	for _, pl := range plants {
		b.reviewCopy(pl, pl.degree == "heavy" && pl.relation == tian.MatchCopy)
	}
	b.reviewAsNew(plants)
	b.noErrors("审查")

	shotCopy, shotResub := false, false
	for _, pl := range plants {
		var name string
		if pl.relation == tian.MatchCopy && !shotCopy {
			name, shotCopy = "copies-proposal-copy.png", true
		}
		if pl.relation == tian.MatchResubmission && !shotResub {
			name, shotResub = "copies-proposal-resubmission.png", true
		}
		b.copyPage(pl.p, pl.src, pl.relation, name)
		if pl.relation == tian.MatchCopy {
			// the source's page shows the later copy the other way round
			b.copyPage(pl.src, pl.p, tian.MatchCopy, "")
		}
	}
	b.do(chromedp.Navigate(b.base + "/p/" + plants[0].p.Number))
	b.settle("proposal")
	b.onPhone("a copy's page", "copies-proposal-phone.png")
	b.pageErrors("a copy's page on a phone")

	b.groupsOfCopies(plants)
	b.noCopies(demo, plants)
	b.noErrors("the end")
	t.Logf("screenshots in %s", b.shots)
}

// planting is an edited copy of a demo proposal, stored as a new proposal.
type planting struct {
	p, src   *tian.Proposal
	relation string // tian.MatchCopy or tian.MatchResubmission: the kind the pages must show
	degree   string // how much it was edited: light, moderate, heavy
}

// choosePlantings takes from the copies benchmark, in its order, the
// copies of one year (plantYear) by another member, one of each degree of
// editing, one more copy of another year, and resubmissions of answered
// proposals: two lightly edited, one moderately, one heavily. Sources in
// the corpus's own near-duplicate pairs are left out, so that what a page
// shows for a planting is about it alone.
func choosePlantings(t *testing.T, demo []*tian.Proposal, byNumber map[string]*tian.Proposal) []planting {
	t.Helper()
	const plantYear = 2024
	f, err := os.Open(filepath.Join("..", "..", "testdata", "neardup.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bench, err := relate.ReadCopyBench(f)
	if err != nil {
		t.Fatal(err)
	}
	known := knownDuplicates(t)
	want := map[string]int{ // relation/degree → how many
		"copy/light": 1, "copy/moderate": 1, "copy/heavy": 1, "copy/other-year": 1,
		"resubmission/light": 2, "resubmission/moderate": 1, "resubmission/heavy": 1,
	}
	serial := map[int]int{}
	var out []planting
	for _, l := range bench {
		src := byNumber[l.Source]
		if l.Kind != "copy" || src == nil || known[src.Number] || src.Status != tian.StatusFiled {
			continue
		}
		key := l.Relation + "/" + l.Degree
		switch {
		case l.Relation == tian.MatchCopy && l.Year != src.Year, l.Relation == tian.MatchResubmission && l.Year != src.Year+1:
			t.Fatalf("the benchmark's %s %s is of %d, its source %s of %d", l.Relation, l.Number, l.Year, src.Number, src.Year)
		case l.Relation == tian.MatchResubmission && src.Reply == "":
			continue // a resubmission of an answered proposal only
		case l.Relation == tian.MatchCopy && l.Year != plantYear:
			key = "copy/other-year"
		}
		if want[key] == 0 {
			continue
		}
		want[key]--
		serial[l.Year]++
		p := &tian.Proposal{Number: fmt.Sprintf("%d%04d", l.Year, 900+serial[l.Year]), Year: l.Year, Session: sessionOf(demo, l.Year),
			Title: l.Title, Body: l.Body, Proposer: src.Proposer, ProposerType: src.ProposerType, Sector: src.Sector,
			Category: src.Category, LeadUnit: src.LeadUnit, CoUnits: src.CoUnits, Status: tian.StatusFiled}
		if l.Relation == tian.MatchCopy { // another member handed in the same text
			other := anotherMember(demo, src)
			p.Proposer, p.ProposerType, p.Sector = other.Proposer, other.ProposerType, other.Sector
		}
		out = append(out, planting{p: p, src: src, relation: l.Relation, degree: l.Degree})
	}
	for k, n := range want {
		if n > 0 {
			t.Fatalf("the copies benchmark lacks a %s planting", k)
		}
	}
	return out
}

// knownDuplicates are the proposals in the demo's gold near-duplicate pairs.
func knownDuplicates(t *testing.T) map[string]bool {
	t.Helper()
	f, err := tian.DemoFS().Open(tian.DemoGold)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gold, err := relate.ReadGold(f)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, pair := range gold.NearDuplicates {
		out[pair[0]], out[pair[1]] = true, true
	}
	return out
}

// sessionOf is the session (届次) the demo's proposals of a year were
// handed in at.
func sessionOf(demo []*tian.Proposal, year int) string {
	for _, p := range demo {
		if p.Year == year && p.Session != "" {
			return p.Session
		}
	}
	return ""
}

// anotherMember is the first member of the source's year, after it in
// the corpus, who is not its proposer.
func anotherMember(demo []*tian.Proposal, src *tian.Proposal) *tian.Proposal {
	seen := false
	for _, p := range append(demo[:len(demo):len(demo)], demo...) {
		seen = seen || p == src
		if seen && p.Year == src.Year && p.ProposerType == tian.ProposerMember && p.Proposer != src.Proposer {
			return p
		}
	}
	panic("no other member in " + src.Number + "'s year") // the demo has hundreds a year
}

// staffOf is the service as a member of the office's staff calls it.
func staffOf(t *testing.T, s *service) *service {
	t.Helper()
	var made struct{ Secret string }
	if code := s.call(t, "POST", "/api/v1/tokens", map[string]string{"name": "提案处李干事", "role": "staff"}, &made); code != 201 || made.Secret == "" {
		t.Fatalf("creating a staff token: HTTP %d", code)
	}
	return &service{base: s.base, token: made.Secret, stop: s.stop}
}

// shownMatch is a similar proposal as a page lists it.
type shownMatch struct {
	Number  string
	Dup     bool       // marked as repeating the text
	Facts   string     // the line of facts beside its link
	Kind    string     // the kind marked in it
	Head    []string   // the passages table's headings
	Rows    [][]string // its rows: 本件, 该件, 相似度
	Visible bool       // the facts are on screen (not hidden, not of zero size)
}

// readMatches reads the matches listed under a CSS selector.
func readMatches(list string) chromedp.Action[[]shownMatch] {
	return chromedp.Evaluate[[]shownMatch](fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map((li) => {
  const a = li.querySelector("a"), small = li.querySelector(":scope > small");
  const r = small ? small.getBoundingClientRect() : { width: 0, height: 0 };
  return { Number: decodeURIComponent(a.getAttribute("href").replace(/^\/p\//, "")), Dup: li.classList.contains("dup"),
    Facts: small ? small.textContent : "", Kind: small && small.querySelector(".kind") ? small.querySelector(".kind").textContent : "", Visible: !!(small && small.offsetParent && r.width > 0 && r.height > 0),
    Head: Array.from(li.querySelectorAll(".passages thead th")).map((th) => th.textContent),
    Rows: Array.from(li.querySelectorAll(".passages tbody tr")).map((tr) => Array.from(tr.children).map((td) => td.textContent)) };
})`, list+" li.match"))
}

// expectDup checks that the matches list the repeated proposal with the
// kind, the note naming it, and at least one passage whose 本件 cell is
// this text's and whose 该件 cell is the other's. It returns the problems.
func expectDup(ms []shownMatch, self, other *tian.Proposal, kind string, answered bool) []string {
	var m *shownMatch
	for i := range ms {
		if ms[i].Number == other.Number {
			m = &ms[i]
		}
	}
	if m == nil {
		numbers := []string{}
		for _, x := range ms {
			numbers = append(numbers, x.Number)
		}
		return []string{fmt.Sprintf("%s is not listed (listed: %v)", other.Number, numbers)}
	}
	var problems []string
	note := fmt.Sprintf("重复提交：与%d年第%s号提案基本相同", other.Year, other.Number)
	if kind == tian.MatchCopy {
		note = "疑似雷同：与同年第" + other.Number + "号提案文字基本相同"
	}
	if answered {
		note += "，已答复"
	}
	if !m.Dup || !strings.Contains(m.Facts, note) || !m.Visible || m.Kind != strings.Split(note, "：")[0] {
		problems = append(problems, fmt.Sprintf("%s reads %q (marked %v, kind %q, on screen %v); want %q", other.Number, m.Facts, m.Dup, m.Kind, m.Visible, note))
	}
	if other.Status != "" && strings.Count(m.Facts, string(other.Status)) > 1 {
		problems = append(problems, fmt.Sprintf("%s's status is said twice: %q", other.Number, m.Facts))
	}
	if kind == tian.MatchCopy && strings.Contains(m.Facts, "重复提交") || kind == tian.MatchResubmission && strings.Contains(m.Facts, "疑似雷同") {
		problems = append(problems, fmt.Sprintf("%s is marked with both kinds: %q", other.Number, m.Facts))
	}
	if want := []string{"本件", "该件（" + other.Number + "）", "相似度"}; strings.Join(m.Head, "|") != strings.Join(want, "|") {
		problems = append(problems, fmt.Sprintf("the passages' headings are %q, want %q", m.Head, want))
	}
	mine, theirs := self.Title+"\n"+self.Body, other.Title+"\n"+other.Body
	both := 0
	for _, r := range m.Rows {
		if len(r) != 3 {
			problems = append(problems, fmt.Sprintf("a passage row of %d cells", len(r)))
			continue
		}
		if !regexp.MustCompile(`^\d{1,3}%$`).MatchString(r[2]) {
			problems = append(problems, fmt.Sprintf("a passage's similarity reads %q", r[2]))
		}
		if r[0] != "" && r[1] != "" && strings.Contains(mine, r[0]) && strings.Contains(theirs, r[1]) {
			both++
		} else {
			problems = append(problems, fmt.Sprintf("a passage %q is not this text's sentence (本件) beside %s's (该件)", r, other.Number))
		}
	}
	if both == 0 {
		problems = append(problems, fmt.Sprintf("no passage of this text beside %s's", other.Number))
	}
	return problems
}

// reviewCopy pastes a planted proposal's text into 审查 with its number
// (so that its year is the review's, and it is not its own match): its
// source is listed among the year's (a copy) or earlier years' proposals
// (a resubmission) with its kind.
func (b *browser) reviewCopy(pl planting, shot bool) {
	b.t.Helper()
	state := b.submit("review", fill(map[string]string{"r-number": pl.p.Number, "r-title": pl.p.Title, "r-body": pl.p.Body}),
		chromedp.Click(chromedp.ID("r-run")))
	if state != "done" {
		b.t.Errorf("审查 of %s: state %s (%s)", pl.p.Number, state, b.eval(`document.getElementById("r-status").textContent`))
		return
	}
	list, other := "#r-similar", "#r-earlier"
	if pl.relation == tian.MatchResubmission {
		list, other = other, list
	}
	for _, p := range expectDup(run(b, readMatches(list)), pl.p, pl.src, pl.relation, pl.relation == tian.MatchResubmission) {
		b.t.Errorf("审查 of the %s %s %s: %s", pl.degree, pl.relation, pl.p.Number, p)
	}
	for _, m := range run(b, readMatches(other)) {
		if m.Number == pl.src.Number {
			b.t.Errorf("审查 of %s lists its source %s under %s too", pl.p.Number, pl.src.Number, other)
		}
	}
	if shot {
		b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).scrollIntoView({ block: "start" })`, list+" li.match.dup")))
		b.shot("copies-review.png")
	}
}

// reviewAsNew pastes each planted text as a new proposal of this year,
// without a number: both the planted proposal and its source are earlier
// years' and listed so, as 重复提交.
func (b *browser) reviewAsNew(plants []planting) {
	b.t.Helper()
	for _, pl := range plants {
		state := b.submit("review", fill(map[string]string{"r-number": "", "r-title": pl.p.Title, "r-body": pl.p.Body}),
			chromedp.Click(chromedp.ID("r-run")))
		if state != "done" {
			b.t.Errorf("审查 of %s's text as new: state %s", pl.p.Number, state)
			continue
		}
		earlier := run(b, readMatches("#r-earlier"))
		for _, other := range []*tian.Proposal{pl.p, pl.src} {
			for _, p := range expectDup(earlier, pl.p, other, tian.MatchResubmission, other.Reply != "") {
				b.t.Errorf("审查 of %s's text as a new proposal: %s", pl.p.Number, p)
			}
		}
	}
}

// copyPage opens a proposal's page and finds other listed with kind: a
// copy among the year's similar proposals, a resubmission's source among
// earlier years' (with its reply: 已答复).
func (b *browser) copyPage(p, other *tian.Proposal, kind, shot string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + "/p/" + p.Number))
	if state := b.settle("proposal"); state != "done" {
		b.t.Errorf("/p/%s: state %s", p.Number, state)
	}
	b.pageErrors("/p/" + p.Number)
	list := "#p-similar"
	if kind == tian.MatchResubmission {
		list = "#p-earlier"
	}
	for _, problem := range expectDup(run(b, readMatches(list)), p, other, kind, kind == tian.MatchResubmission) {
		b.t.Errorf("/p/%s: %s", p.Number, problem)
	}
	if shot != "" {
		b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).scrollIntoView({ block: "start" })`, list+" li.match.dup")))
		b.shot(shot)
	}
}

// groupsOfCopies opens 并案 on each year with a planted copy. A copy grouped
// with its source must be flagged 疑似雷同 on both rows, naming the other; one
// the suggestion puts elsewhere is logged, not forced.
func (b *browser) groupsOfCopies(plants []planting) {
	b.t.Helper()
	b.open("/groups")
	if state := b.settle("groups"); state != "done" {
		b.t.Fatalf("并案, first load: %s", state)
	}
	type row struct {
		Group   string
		Dups    []string
		Visible bool
	}
	byYear := map[int][]planting{}
	var years []int
	for _, pl := range plants {
		if pl.relation != tian.MatchCopy {
			continue
		}
		if byYear[pl.p.Year] == nil {
			years = append(years, pl.p.Year)
		}
		byYear[pl.p.Year] = append(byYear[pl.p.Year], pl)
	}
	together, shot := 0, false
	for _, year := range years {
		copies := byYear[year]
		b.chooseYear(fmt.Sprint(year), "done")
		rows := run(b, chromedp.Evaluate[map[string]row](`Object.fromEntries(Array.from(document.querySelectorAll("#g-list tbody tr")).map((tr) => {
  const dups = Array.from(tr.querySelectorAll(".dup"));
  return [tr.dataset.number, { Group: tr.closest(".group").dataset.index, Dups: dups.map((d) => d.textContent),
    Visible: dups.length > 0 && dups.every((d) => d.offsetParent && d.getBoundingClientRect().width > 0) }];
}))`))
		for _, pl := range copies {
			c, cok := rows[pl.p.Number]
			s, sok := rows[pl.src.Number]
			if !cok || !sok || c.Group != s.Group {
				b.t.Logf("并案 %d: the %s copy %s is in group %q, its source %s in %q: not grouped together", year, pl.degree, pl.p.Number, c.Group, pl.src.Number, s.Group)
				continue
			}
			together++
			if !contains(c.Dups, "疑似雷同 "+pl.src.Number) || !contains(s.Dups, "疑似雷同 "+pl.p.Number) || !c.Visible || !s.Visible {
				b.t.Errorf("并案 %d, group %s: the copy %s is flagged %q, its source %s %q (on screen %v, %v); want 疑似雷同 naming the other",
					year, c.Group, pl.p.Number, c.Dups, pl.src.Number, s.Dups, c.Visible, s.Visible)
			}
			if !shot {
				b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('#g-list tr[data-number="%s"]').scrollIntoView({ block: "center" })`, pl.p.Number)))
				b.shot("copies-groups.png")
				shot = true
			}
		}
		b.noErrors(fmt.Sprintf("并案 %d", year))
	}
	b.t.Logf("并案: %d planted copies grouped with their source", together)
}

// noCopies opens 50 demo proposals' pages (every so many of the corpus,
// leaving out the known near-duplicates and the planted copies' sources):
// none lists a match as 重复提交 or 疑似雷同, nor a passages table.
func (b *browser) noCopies(demo []*tian.Proposal, plants []planting) {
	b.t.Helper()
	skip := knownDuplicates(b.t)
	for _, pl := range plants {
		skip[pl.src.Number] = true
	}
	var sample []*tian.Proposal
	for i := 0; i < 50; i++ {
		j := i * len(demo) / 50
		for j < len(demo)-1 && skip[demo[j].Number] {
			j++
		}
		if !skip[demo[j].Number] {
			sample = append(sample, demo[j])
			skip[demo[j].Number] = true
		}
	}
	start, bad := time.Now(), 0
	for _, p := range sample {
		b.do(chromedp.Navigate(b.base + "/p/" + p.Number))
		state := b.settle("proposal")
		b.pageErrors("/p/" + p.Number)
		shown := run(b, chromedp.Evaluate[[]string](`[document.querySelectorAll("#p-view li.match.dup").length,
  document.querySelectorAll("#p-view table.passages").length, document.querySelectorAll("#p-view li.match").length,
  /重复提交|疑似雷同/.test(document.getElementById("p-view").textContent)].map(String)`))
		if state != "done" || shown[0] != "0" || shown[1] != "0" || shown[3] != "false" {
			if bad++; bad <= 5 {
				b.t.Errorf("/p/%s (no copy known): state %s; %s duplicates, %s passage tables among %s matches; kind named: %s",
					p.Number, state, shown[0], shown[1], shown[2], shown[3])
			}
		}
	}
	b.t.Logf("no copies: %d proposal pages in %s, %d showing a duplicate", len(sample), time.Since(start).Round(time.Millisecond), bad)
	if len(sample) < 50 {
		b.t.Errorf("only %d proposals to check for no copies", len(sample))
	}
}
