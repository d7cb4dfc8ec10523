package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tian"
	"tian/api"
)

// TestBrowserReview reviews proposals in the review page and compares
// what it shows with the API's answer for the same request: a new text in
// detail (accept and override to any category, confirmed in the page), a
// sweep of stored proposals loaded by number (20; with
// TIAN_BROWSER_SWEEP=1 every 5th demo proposal, 314), a gold merge that
// must show as 建议并案 with its link, and edge texts (empty, spaces,
// English, punctuation, one character, 20,000 and 40,000 characters).
func TestBrowserReview(t *testing.T) {
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	step, timeout := len(demo)/20, 5*time.Minute
	if os.Getenv("TIAN_BROWSER_SWEEP") == "1" {
		step, timeout = 5, 20*time.Minute
	}
	var sample []*tian.Proposal
	for i := 0; i < len(demo); i += step {
		sample = append(sample, demo[i])
	}
	b, s := browserSetup(t, timeout)
	client := api.NewClient(s.base, s.token)
	b.open("/review")

	text := tian.ReviewRequest{Title: "关于加快发展社区嵌入式养老服务的提案",
		Body: "城东区近四成社区没有养老服务站点，助餐、助浴需求大。建议利用闲置用房建设社区嵌入式养老服务设施，推动医养结合。"}
	v, r, problems := b.review(client, text)
	b.shot("review.png")
	b.readsWell("the review page", "admin")
	b.onPhone("the review page", "review-phone.png")
	for _, p := range problems {
		t.Errorf("review of a new text: %s", p)
	}
	if !strings.Contains(v.Cats, "→ 社会建设") || v.Options < 5 {
		t.Errorf("review shows %q with %d categories to choose from; want 社会建设 first and all the committee's", v.Cats, v.Options)
	}
	if r != nil && r.Year != time.Now().Year() {
		t.Errorf("a new text is reviewed in %d, want the current year", r.Year)
	}
	b.feedback()
	b.do(fill(map[string]string{"r-body": text.Body + "建议市民政局牵头落实。"}))
	if msg := run(b, chromedp.Text(chromedp.ID("r-status"))); !strings.Contains(msg, "文本已修改") {
		t.Errorf("after editing the reviewed text the page says %q; want that the results are of the text before", msg)
	}
	if merge := mergeExample(t, client, demo); merge != nil {
		b.reviewStored(client, merge)
		b.shot("review-merge.png")
		href := run(b, chromedp.Evaluate[string](`(document.querySelector("#r-verdict p:not(.scope) a") || {}).href || ""`))
		if !strings.HasSuffix(href, "/p/"+merge.MergedInto) {
			t.Errorf("the gold merge %s shows its target as %q, want /p/%s", merge.Number, href, merge.MergedInto)
		}
	}
	b.keyboard()
	b.sweep(client, sample)
	b.edgeTexts(client, demo)
	b.openByAddress(client)
	b.backFromSimilar()
	b.noErrors("the end")
	t.Logf("screenshots in %s", b.shots)
}

// reviewView is what the review page shows.
type reviewView struct {
	State     string
	Verdict   string
	Verdicts  string // the whole recommendation box
	MergeHref string
	Cats      string // the category bars' text
	Bars      int
	Uncertain bool
	Lead, Co  []string // unit names in order
	Ranks     []string // each unit's rank and strength as shown
	Likely    []string // each co-handler's likelihood as shown
	UnitText  string
	Similar   []string // linked numbers
	Earlier   []string
	Facts     []string // each similar then earlier proposal's facts
	Hint      string   // what the percentages mean, when shown
	Least     float64  // the pages' grouping threshold (/api/v1/me)
	Cases     []string // numbers the units cite
	Marks     int      // highlighted evidence in the text
	Options   int      // categories to override to
	OutHidden bool
	Message   string // errors and notices shown
}

const readReview = `(() => {
  const q = (s) => Array.from(document.querySelectorAll(s));
  const text = (s) => q(s).map((e) => e.textContent).join(" ");
  const num = (a) => decodeURIComponent(a.getAttribute("href").replace(/^\/p\//, ""));
  const merge = document.querySelector("#r-verdict p:not(.scope) a");
  return { State: document.getElementById("review").dataset.state || "",
    Verdict: text("#r-recommendation"), Verdicts: text("#r-verdict"), MergeHref: merge ? merge.getAttribute("href") : "",
    Cats: text("#r-cats .bar"), Bars: q("#r-cats .bar").length, Uncertain: !document.getElementById("r-uncertain").hidden,
    Lead: q("#r-lead .unit strong").map((e) => e.textContent), Co: q("#r-co .unit strong").map((e) => e.textContent),
    Ranks: q(".unit .unit-head").map((e) => (e.querySelector(".rank") || {}).textContent + " " + ((e.querySelector(".strength") || {}).textContent || "")),
    UnitText: text("#r-lead, #r-co"), Likely: q("#r-co .unit").map((e) => (e.querySelector(".likelihood") || {}).textContent || ""),
    Similar: q("#r-similar li.match a").map(num), Earlier: q("#r-earlier li.match a").map(num), Cases: q(".unit .cases a").map(num),
    Facts: q("#r-similar li.match > small, #r-earlier li.match > small").map((e) => e.textContent),
    Hint: document.getElementById("r-together").hidden ? "" : document.getElementById("r-together").textContent,
    Marks: q("#r-text mark").length, Options: q("#r-override option").length, OutHidden: document.getElementById("r-out").hidden,
    Message: text("#r-status .error, #r-status .notice") };
})()`

// review pastes a text (with the number, when set, already in its field)
// into the page, runs the review and returns what the page shows, the
// API's answer to the same request, and the problems: a render that never
// finished, or anything shown that differs from the answer.
func (b *browser) review(client *api.Client, req tian.ReviewRequest) (reviewView, *tian.Review, []string) {
	b.t.Helper()
	b.submit("review", fill(map[string]string{"r-number": req.Number, "r-title": req.Title, "r-body": req.Body}), chromedp.Click(chromedp.ID("r-run")))
	return b.check(client, req)
}

// reviewStored loads a stored proposal by its number and reviews it.
func (b *browser) reviewStored(client *api.Client, p *tian.Proposal) (reviewView, *tian.Review, []string) {
	b.t.Helper()
	b.do(fill(map[string]string{"r-number": p.Number, "r-title": "", "r-body": ""}))
	if state := b.submit("review", chromedp.Click(chromedp.ID("r-load"))); state != "done" {
		return reviewView{}, nil, []string{"loading: state " + state}
	}
	b.submit("review", chromedp.Click(chromedp.ID("r-run")))
	v, r, problems := b.check(client, tian.ReviewRequest{Number: p.Number, Title: p.Title, Body: p.Body})
	for _, n := range slices.Concat(v.Similar, v.Earlier, v.Cases) {
		if n == p.Number {
			problems = append(problems, "the proposal under review is shown as like itself")
		}
	}
	return v, r, problems
}

func (b *browser) check(client *api.Client, req tian.ReviewRequest) (reviewView, *tian.Review, []string) {
	b.t.Helper()
	v := run(b, chromedp.Evaluate[reviewView](readReview))
	v.Least = b.groupThreshold()
	problems := b.takeErrors()
	req.Title, req.Body = strings.TrimSpace(req.Title), strings.TrimSpace(req.Body)
	if req.Title+req.Body == "" {
		if v.State != "empty" || v.Message == "" || !v.OutHidden {
			problems = append(problems, fmt.Sprintf("state %q, message %q; want a notice and nothing else", v.State, v.Message))
		}
		return v, nil, problems
	}
	r, err := client.Review(b.ctx, req)
	if err != nil {
		// the browser logs the refused request itself; the page must say
		// what the API said, and show no suggestion
		problems = slices.DeleteFunc(problems, func(e string) bool {
			return strings.HasPrefix(e, "log (network)") && strings.HasSuffix(e, "/api/v1/review")
		})
		if v.State != "error" || !strings.Contains(v.Message, tian.ErrorMessage(err)) || !v.OutHidden {
			problems = append(problems, fmt.Sprintf("the API refused (%v); the page: state %q, says %q, output hidden %t", err, v.State, v.Message, v.OutHidden))
		}
		return v, nil, problems
	}
	if v.State != "done" {
		return v, r, append(problems, fmt.Sprintf("state %q, page says %q", v.State, v.Message))
	}
	return v, r, append(problems, compareReview(v, r)...)
}

// compareReview lists where the page differs from the API's answer.
func compareReview(v reviewView, r *tian.Review) []string {
	var problems []string
	differ := func(what string, shown, returned any) {
		if fmt.Sprint(shown) != fmt.Sprint(returned) {
			problems = append(problems, fmt.Sprintf("%s: page %v, API %v", what, shown, returned))
		}
	}
	verdict := r.Recommendation
	if verdict == "" {
		verdict = "立案建议：暂无"
	}
	differ("recommendation", v.Verdict, verdict)
	if r.MergeInto != nil {
		differ("merge link", v.MergeHref, "/p/"+r.MergeInto.Number)
	}
	if r.Reason != "" && !strings.Contains(v.Verdicts, r.Reason) {
		problems = append(problems, fmt.Sprintf("the reason %q is not shown: %q", r.Reason, v.Verdicts))
	}
	if r.Filing != nil {
		// rounded as the page rounds (half up)
		if prob := fmt.Sprintf("不予立案的可能性 %d%%", int(math.Round(r.Filing.NotFiledProb*100))); !strings.Contains(v.Verdicts, prob) {
			problems = append(problems, fmt.Sprintf("the filing advice %q is not shown: %q", prob, v.Verdicts))
		}
	} else if !strings.Contains(v.Verdicts, "尚未启用立案建议模型") {
		problems = append(problems, "no filing advice, and the page does not say so")
	}
	differ("categories", v.Bars, len(r.Category.Labels))
	differ("uncertain", v.Uncertain, r.Category.Uncertain)
	differ("override choices", v.Options, len(r.Categories))
	names := func(us []tian.UnitSuggestion) []string {
		out := []string{}
		for _, u := range us {
			out = append(out, u.Unit)
		}
		return out
	}
	differ("lead candidates", v.Lead, names(r.Routing.Lead))
	differ("co-handlers", v.Co, names(r.Routing.Co))
	numbers := func(ms []tian.Match) []string {
		out := []string{}
		for _, m := range ms {
			out = append(out, m.Number)
		}
		return out
	}
	differ("similar of the year", v.Similar, numbers(r.Similar))
	differ("earlier", v.Earlier, numbers(r.Earlier))
	problems = append(problems, compareScores(v, r)...)
	seen := map[string]bool{}
	for _, u := range slices.Concat(v.Lead, v.Co) {
		if seen[u] {
			problems = append(problems, "unit shown twice: "+u)
		}
		seen[u] = true
	}
	for _, rank := range v.Ranks {
		if !strings.HasPrefix(rank, "第") || !strings.Contains(rank, "依据") {
			problems = append(problems, fmt.Sprintf("a unit shows %q, want a rank and a strength", rank))
		}
	}
	problems = append(problems, compareLikelihood(v, r)...)
	if strings.Contains(v.UnitText, "得分") {
		problems = append(problems, "units show raw scores")
	}
	spans := 0
	for _, e := range r.Category.Evidence {
		spans += len(e.Spans)
	}
	// overlapping spans show as one mark
	if (spans == 0) != (v.Marks == 0) || v.Marks > spans {
		problems = append(problems, fmt.Sprintf("shows %d evidence marks for %d spans", v.Marks, spans))
	}
	for _, m := range r.Earlier {
		if m.Year >= r.Year {
			problems = append(problems, fmt.Sprintf("以往 holds %s of %d for a review of %d", m.Number, m.Year, r.Year))
		}
	}
	for _, u := range slices.Concat(r.Routing.Lead, r.Routing.Co) {
		for _, c := range u.Cases {
			if c.Number == r.Number || c.Year > r.Year {
				problems = append(problems, fmt.Sprintf("%s cites %s of %d for a review of %s in %d", u.Unit, c.Number, c.Year, r.Number, r.Year))
			}
		}
	}
	for _, m := range r.Similar {
		if m.Year != r.Year {
			problems = append(problems, fmt.Sprintf("同年 holds %s of %d for a review of %d", m.Number, m.Year, r.Year))
		}
	}
	return problems
}

// groupThreshold is the pages' grouping threshold, as the page reads it.
func (b *browser) groupThreshold() float64 {
	b.t.Helper()
	return run(b, chromedp.Evaluate[float64](`fetch("/api/v1/me").then((r) => r.json()).then((me) => me.group_threshold)`, chromedp.EvalAwaitPromise))
}

// compareScores: each similar and earlier proposal shows the pair model's
// score as the API gives it, said as what it is (同组可能性, the
// probability staff would group the two; never 相似度), near-duplicates
// marked, and the page says once what the percentage means.
// compareLikelihood checks that each co-handler shows the API's
// likelihood word and probability.
func compareLikelihood(v reviewView, r *tian.Review) []string {
	if len(v.Likely) != len(r.Routing.Co) {
		return []string{fmt.Sprintf("%d co-handlers show a likelihood, the API suggests %d", len(v.Likely), len(r.Routing.Co))}
	}
	var problems []string
	for i, u := range r.Routing.Co {
		want := fmt.Sprintf("%s协办（可能性 %d%%）", u.Likelihood, int(math.Round(u.Probability*100)))
		if u.Likelihood == "" || v.Likely[i] != want {
			problems = append(problems, fmt.Sprintf("co-handler %s reads %q, want %q", u.Unit, v.Likely[i], want))
		}
	}
	return problems
}

func compareScores(v reviewView, r *tian.Review) []string {
	var problems []string
	ms := slices.Concat(r.Similar, r.Earlier)
	if len(v.Facts) != len(ms) {
		return []string{fmt.Sprintf("%d similar and earlier proposals show facts, the API lists %d", len(v.Facts), len(ms))}
	}
	for i, m := range ms {
		want := fmt.Sprintf("同组可能性 %d%%", int(math.Round(m.Score*100)))
		if m.Score < v.Least {
			want += fmt.Sprintf("（低于分组阈值 %d%%）", int(math.Round(v.Least*100)))
		}
		if !strings.Contains(v.Facts[i], want) || strings.Contains(v.Facts[i], "相似度") ||
			(strings.Contains(v.Facts[i], "重复提交") || strings.Contains(v.Facts[i], "疑似雷同")) != m.Duplicate() ||
			m.Duplicate() && !strings.Contains(v.Facts[i], m.DuplicateNote()) {
			problems = append(problems, fmt.Sprintf("%s (%s, %.3f) reads %q, want %s", m.Number, m.Kind, m.Score, v.Facts[i], want))
		}
	}
	for _, list := range [][]tian.Match{r.Similar, r.Earlier} {
		for i := 1; i < len(list); i++ {
			if list[i].Duplicate() && !list[i-1].Duplicate() {
				problems = append(problems, fmt.Sprintf("near-duplicate %s listed after %s, only on the same topic", list[i].Number, list[i-1].Number))
			}
		}
	}
	if (len(ms) > 0) != strings.Contains(v.Hint, "编入同一组的可能性") {
		problems = append(problems, fmt.Sprintf("%d proposals with a score, the page explains it as %q", len(ms), v.Hint))
	}
	if r.MergeInto != nil && !strings.Contains(v.Verdicts, fmt.Sprintf("同组可能性 %d%%", int(math.Round(r.MergeInto.Score*100)))) {
		problems = append(problems, fmt.Sprintf("the merge target %s reads %q", r.MergeInto.Number, v.Verdicts))
	}
	return problems
}

// mergeExample is a gold merge (status 并案) that the service recommends
// joining to the proposal the office merged it into, asked of the API.
func mergeExample(t *testing.T, client *api.Client, demo []*tian.Proposal) *tian.Proposal {
	t.Helper()
	for _, p := range demo {
		if p.Status != tian.StatusMerged {
			continue
		}
		r, err := client.Review(t.Context(), tian.ReviewRequest{Number: p.Number})
		if err != nil {
			t.Fatal(err)
		}
		if r.Recommendation == tian.RecommendMerge && r.MergeInto != nil && r.MergeInto.Number == p.MergedInto {
			return p
		}
	}
	t.Error("no gold merge of the demo corpus is recommended as 建议并案 with its target")
	return nil
}

// feedback accepts the suggested category, then overrides it to the last
// of all the committee's categories: a dialog in the page asks first
// (cancelled once, then confirmed), and a message confirms the record.
func (b *browser) feedback() {
	b.t.Helper()
	state := b.submit("r-status", chromedp.Click(chromedp.CSS(`#r-cat-actions button`)))
	toast := run(b, chromedp.Text(chromedp.ID("toasts")))
	if state != "done" || !strings.Contains(toast, "已记录采纳") {
		b.t.Errorf("accepting: state %q, page says %q", state, toast)
	}
	last := run(b, chromedp.Evaluate[string](`(() => { const s = document.getElementById("r-override"); s.selectedIndex = s.options.length - 1; return s.value; })()`))
	override := chromedp.Click(chromedp.CSS(`#r-cat-actions button:last-of-type`))
	before := run(b, chromedp.Evaluate[string](`document.getElementById("r-status").dataset.run || ""`))
	b.do(override, chromedp.WaitVisible(`dialog.confirm`))
	b.shot("review-override.png")
	b.do(chromedp.Click(chromedp.CSS(`dialog.confirm button[value=cancel]`)), chromedp.WaitNotPresent(`dialog.confirm`))
	if after := run(b, chromedp.Evaluate[string](`document.getElementById("r-status").dataset.run || ""`)); after != before {
		b.t.Errorf("a cancelled override was recorded (run %s → %s)", before, after)
	}
	b.do(override, chromedp.WaitVisible(`dialog.confirm`))
	state = b.submit("r-status", chromedp.Click(chromedp.CSS(`dialog.confirm button[value=ok]`)))
	toast = run(b, chromedp.Text(chromedp.ID("toasts")))
	if state != "done" || !strings.Contains(toast, "类别改为："+last) {
		b.t.Errorf("overriding to %s: state %q, page says %q", last, state, toast)
	}
	b.noErrors("feedback")
}

// sweep reviews each proposal loaded by number, reports the problems of
// the first few that have any, and counts them.
func (b *browser) sweep(client *api.Client, ps []*tian.Proposal) {
	b.t.Helper()
	start := time.Now()
	bad, merges, unsure, earlier, likely := 0, 0, 0, 0, 0
	for _, p := range ps {
		v, r, problems := b.reviewStored(client, p)
		if r != nil {
			if r.Recommendation == tian.RecommendMerge {
				merges++
			}
			if r.Category.Uncertain {
				unsure++
			}
			earlier += len(v.Earlier)
			likely += len(v.Likely)
		}
		if len(problems) == 0 {
			continue
		}
		if bad++; bad <= 5 {
			b.t.Errorf("review of %s %s: %s", p.Number, p.Title, strings.Join(problems, "; "))
		}
	}
	b.t.Logf("review sweep: %d stored proposals in %s, %d with problems; %d 建议并案, %d 不确定, %d earlier proposals shown, %d co-handlers with their likelihood",
		len(ps), time.Since(start).Round(time.Millisecond), bad, merges, unsure, earlier, likely)
	if bad > 0 {
		b.t.Errorf("review sweep: %d of %d proposals with problems", bad, len(ps))
	}
	if earlier == 0 || likely == 0 {
		b.t.Errorf("review sweep: %d earlier proposals and %d co-handlers with a likelihood shown over all proposals", earlier, likely)
	}
}

// edgeTexts reviews texts with little or too much in them, and a
// proposal number that does not exist (the page must say so in Chinese).
func (b *browser) edgeTexts(client *api.Client, demo []*tian.Proposal) {
	b.t.Helper()
	var long strings.Builder
	for i := 0; len([]rune(long.String())) < 40_000; i++ {
		long.WriteString(demo[i].Body)
	}
	runes := []rune(long.String())
	cases := []struct{ name, title, body, shot, says string }{
		{"empty", "", "", "review-empty.png", "请先填写"},
		{"spaces", "  ", "\n\t", "", "请先填写"},
		{"english", "On night buses", "The city should run more night buses and add bus lanes on the ring road.", "review-english.png", "没有汉字"},
		{"punctuation", "", "。，、；！？……——", "review-punctuation.png", "只有标点"},
		{"digits", "2024", "123456", "", "没有汉字"},
		{"one character", "", "水", "review-one-character.png", ""},
		{"20,000 characters", "关于城市更新的提案", string(runes[:20_000]), "review-long.png", ""},
		{"40,000 characters", "关于城市更新的提案", string(runes[:40_000]), "review-too-long.png", "超过上限"},
	}
	for _, c := range cases {
		v, _, problems := b.review(client, tian.ReviewRequest{Title: c.title, Body: c.body})
		for _, p := range problems {
			b.t.Errorf("review of the %s text: %s", c.name, p)
		}
		if !strings.Contains(v.Message, c.says) {
			b.t.Errorf("review of the %s text: the page says %q, want %q", c.name, v.Message, c.says)
		}
		if c.shot != "" {
			b.shot(c.shot)
		}
	}
	b.do(fill(map[string]string{"r-number": "19990999"}))
	state := b.submit("review", chromedp.Click(chromedp.ID("r-load")))
	msg := run(b, chromedp.Evaluate[string](`document.getElementById("r-status").textContent`))
	b.shot("review-not-found.png")
	for _, e := range b.takeErrors() {
		if !strings.Contains(e, "404") { // the browser logs the failed fetch itself
			b.t.Errorf("loading an unknown proposal: %s", e)
		}
	}
	if state != "error" || !strings.Contains(msg, "未找到") {
		b.t.Errorf("loading an unknown proposal: state %q, page says %q; want 未找到", state, msg)
	}
	// a loaded text is not reviewed under another number
	b.do(fill(map[string]string{"r-number": "20210205"}))
	b.submit("review", chromedp.Click(chromedp.ID("r-load")))
	b.do(fill(map[string]string{"r-number": "20210206"}))
	state = b.submit("review", chromedp.Click(chromedp.ID("r-run")))
	msg = run(b, chromedp.Evaluate[string](`document.getElementById("r-status").textContent`))
	if state != "empty" || !strings.Contains(msg, "载入") {
		b.t.Errorf("reviewing 20210205's text as 20210206: state %q, page says %q; want a request to load", state, msg)
	}
	b.do(fill(map[string]string{"r-number": ""}))
}

// openByAddress opens /review?number=20210205: the page loads the
// proposal and reviews it at once, without matching it to itself.
func (b *browser) openByAddress(client *api.Client) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+"/review?number=20210205"), chromedp.WaitVisible(`#top nav a`))
	deadline := time.Now().Add(20 * time.Second)
	var v reviewView
	for time.Now().Before(deadline) {
		// the load's run, then the review's
		if v = run(b, chromedp.Evaluate[reviewView](readReview)); v.State == "done" && !v.OutHidden {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.shot("review-by-address.png")
	v.Least = b.groupThreshold()
	r, err := client.Review(b.ctx, tian.ReviewRequest{Number: "20210205"})
	if err != nil {
		b.t.Fatal(err)
	}
	for _, p := range compareReview(v, r) {
		b.t.Errorf("/review?number=20210205: %s", p)
	}
	if slices.Contains(v.Similar, "20210205") || slices.Contains(v.Earlier, "20210205") {
		b.t.Errorf("/review?number=20210205 matches itself: %+v", v)
	}
}

// keyboard runs the review from the keyboard: Enter in the title, and
// Ctrl+Enter in the body.
func (b *browser) keyboard() {
	b.t.Helper()
	b.do(fill(map[string]string{"r-number": "", "r-title": "关于规范城区夜间施工噪音管理的提案",
		"r-body": "夜间施工噪音扰民投诉逐年增多。建议严格夜间施工审批，公开许可信息，加强执法检查。"}))
	if state := b.submit("review", chromedp.Focus(chromedp.ID("r-title")), chromedp.KeyEvent("\r")); state != "done" {
		b.t.Errorf("Enter in the title: state %q, want the review done", state)
	}
	if state := b.submit("review", chromedp.Focus(chromedp.ID("r-body")), chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl))); state != "done" {
		b.t.Errorf("Ctrl+Enter in the body: state %q, want the review done", state)
	}
	b.noErrors("reviewing from the keyboard")
}

// backFromSimilar loads a proposal by its number in the form, follows a
// similar proposal to its page, and comes back: the review is there again
// (the address names the loaded proposal).
func (b *browser) backFromSimilar() {
	b.t.Helper()
	b.open("/review")
	b.do(fill(map[string]string{"r-number": "20220512"}))
	if state := b.submit("review", chromedp.Click(chromedp.ID("r-load"))); state != "done" {
		b.t.Fatalf("loading 20220512: %s", state)
	}
	b.submit("review", chromedp.Click(chromedp.ID("r-run")))
	if at := run(b, chromedp.Location()); !strings.HasSuffix(at, "/review?number=20220512") {
		b.t.Errorf("after loading 20220512 the address is %s", at)
	}
	b.do(chromedp.Click(`#r-similar li.match a`), chromedp.WaitVisible(`#p-view`))
	// as the browser's back button does; the page may come back from the
	// browser's cache, where chromedp's DOM queries (WaitVisible, Value) no
	// longer see it, so the page is read by evaluating only
	b.do(chromedp.Evaluate[chromedp.Void](`setTimeout(() => history.back(), 0)`))
	var v reviewView
	number := ""
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if !run(b, chromedp.Evaluate[bool](`!!document.getElementById("review")`)) {
			continue
		}
		v = run(b, chromedp.Evaluate[reviewView](readReview))
		number = run(b, chromedp.Evaluate[string](`document.getElementById("r-number").value`))
		if v.State == "done" && !v.OutHidden {
			break
		}
	}
	if number != "20220512" || v.State != "done" || v.OutHidden {
		b.t.Errorf("back from a similar proposal: number %q, state %q, results hidden %v; want 20220512's review", number, v.State, v.OutHidden)
	}
	// a new text, of no stored proposal, leaves the number out of the address
	b.do(fill(map[string]string{"r-number": "", "r-title": "关于规范城区夜间施工噪音管理的提案", "r-body": "建议严格夜间施工审批。"}))
	b.submit("review", chromedp.Evaluate[chromedp.Void](`document.getElementById("r-run").click()`))
	if at := run(b, chromedp.Location()); strings.Contains(at, "number=") {
		b.t.Errorf("a new text's review is at %s, still naming a proposal", at)
	}
	b.pageErrors("back from a similar proposal")
}
