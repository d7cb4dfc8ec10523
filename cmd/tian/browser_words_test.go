package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/chromedp"

	"tian"
	"tian/internal/slowtest"
)

// TestBrowserWords keeps the committee's dictionary (委员会词表) entirely
// in the 词表 page: the candidates of every year of the corpus and of all
// years, each list as the API gives it, with today's cut and the word
// marked in its examples; dozens of candidates accepted and rejected one
// by one and selected together, each row leaving the list without a
// reload; a candidate trimmed before accepting and one refused beside its
// input; words added by hand, the bad ones refused beside the input in the
// API's own words; decisions undone and the decided words searched; the
// status line followed until the index has been analysed again. At the
// end the API's words are the decisions made, as the page lists them.
// Its service has a segmenter of its own: accepted words swap the
// segmenter's dictionary.
func TestBrowserWords(t *testing.T) {
	slowtest.Gate(t)
	chromium := chromiumPath(t)
	began := time.Now()
	s := startServiceFor(t, false)
	t.Cleanup(func() { s.stop() })
	b := newBrowser(t, chromium, withPolicy(t, s.base), 3*time.Minute)
	b.signIn(s.token)
	started := time.Since(began)
	w := &wordsRun{b: b, s: s, want: map[string]tian.WordStatus{}}

	b.open("/words")
	if state := b.settle("candidates"); state != "done" {
		t.Fatalf("the first candidates: %s %s", state, b.eval(`document.getElementById("c-msg").textContent`))
	}
	if state := b.settle("decided"); state != "empty" {
		t.Errorf("the decided words of a new service: %s, want empty", state)
	}
	w.watchStatus()
	if state := w.waitStatus("applied", 30*time.Second); state != "applied" {
		t.Errorf("a new service's status: %s %q", state, b.eval(`document.getElementById("w-status").textContent`))
	}
	if lead := b.eval(`document.querySelector("#vocabulary .lead").textContent`); !strings.HasPrefix(lead, "委员会词表：本会提案中常用、词典尚无的词语") {
		t.Errorf("the page's purpose reads %q", lead)
	}
	latest := latestDemoYear(t)
	if y := b.eval(`document.getElementById("c-year").value`); y != fmt.Sprint(latest) {
		t.Errorf("the default year is %s, want %d, the latest with proposals", y, latest)
	}
	w.checkCandidates(latest, true)
	b.noErrors("the first load")
	b.shot("words-first.png")
	b.readsWell("the words page", w.latinAllowed()...)
	w.narrow("the words page", "words-800.png")
	b.onPhone("the words page", "words-phone.png")

	// the latest year: one by one, selected together, one trimmed, one refused in its row
	w.decideSpread()
	w.trimAndAccept()
	w.refusedInRow()
	b.noErrors("the latest year's decisions")

	// every other year, then all years
	for _, year := range []int{2024, 2023, 2022, 2021, 0} {
		if state := b.submit("candidates", change("#c-year", fmt.Sprint(year))); state != "done" {
			t.Fatalf("year %d: %s %s", year, state, b.eval(`document.getElementById("c-msg").textContent`))
		}
		if q := b.eval(`location.search`); !strings.HasSuffix(q, map[bool]string{true: "year=all", false: fmt.Sprint("year=", year)}[year == 0]) {
			t.Errorf("year %d: the address keeps %q", year, q)
		}
		w.checkCandidates(year, false)
		w.decideSpread()
		b.noErrors(fmt.Sprintf("year %d", year))
	}
	b.shot("words-all-years.png")

	w.addByHand()
	w.undoSome()
	w.searchDecided()

	if state := w.waitStatus("applied", 60*time.Second); state != "applied" {
		t.Fatalf("the status line after the decisions: %s %q", state, b.eval(`document.getElementById("w-status").textContent`))
	}
	w.checkFinal()
	b.readsWell("the words page at the end", w.latinAllowed()...)
	b.noErrors("the end")
	b.do(scrollTo("#top"))
	b.shot("words-end.png")
	b.do(scrollTo("#decided"))
	b.shot("words-end-decided.png")
	w.narrow("the words page at the end", "words-end-800.png")
	// the address keeps the year: a reload shows the same year's candidates
	b.open("/words?year=2023")
	if state := b.settle("candidates"); state != "done" || b.eval(`document.getElementById("c-year").value`) != "2023" {
		t.Errorf("/words?year=2023: %s, the year chosen %s", state, b.eval(`document.getElementById("c-year").value`))
	}
	w.checkCandidates(2023, true)
	b.noErrors("the page opened on a year")
	t.Logf("words page: %d decisions, service started in %s, whole test %s", w.decisions, started.Round(time.Second), time.Since(began).Round(time.Second))
}

// wordsRun is the test's state: the decisions the page made, which the
// API must hold at the end.
type wordsRun struct {
	b         *browser
	s         *service
	want      map[string]tian.WordStatus
	decisions int
}

// wordRow is a candidate's row as the page shows it.
type wordRow struct {
	Word, Typed, Rank, Freq, Docs, Cut, Was, Error string
	Examples, Marks                                []string
}

func (w *wordsRun) rows() []wordRow {
	w.b.t.Helper()
	js := `(() => {
  const shown = (e) => (e.getClientRects().length ? e.textContent : ""); // what a reader sees
  return JSON.stringify(Array.from(document.querySelectorAll("#c-list tbody tr")).map((tr) => ({
  Word: tr.dataset.word, Typed: tr.querySelector("input.word").value, Rank: tr.children[1].textContent,
  Freq: tr.children[3].textContent, Docs: tr.children[4].textContent, Cut: tr.children[5].textContent,
  Was: shown(tr.querySelector("small.was")), Error: shown(tr.querySelector("small.row-error")),
  Examples: Array.from(tr.querySelectorAll("ul.examples li"), (li) => li.textContent),
  Marks: Array.from(tr.querySelectorAll("ul.examples mark"), (m) => m.textContent)})));
})()`
	var rs []wordRow
	if err := json.Unmarshal([]byte(w.b.eval(js)), &rs); err != nil {
		w.b.t.Fatal(err)
	}
	return rs
}

func (w *wordsRun) suggestions(year int) tian.WordSuggestions {
	w.b.t.Helper()
	var sg tian.WordSuggestions
	if code := w.s.call(w.b.t, "GET", fmt.Sprintf("/api/v1/words/suggest?year=%d&limit=100", year), nil, &sg); code != 200 {
		w.b.t.Fatalf("suggest %d: HTTP %d", year, code)
	}
	return sg
}

// checkCandidates compares the rows with the API's candidates of the year
// (0: all): the same words in the same order with their counts and
// examples, every occurrence of the word marked, today's cut a cut of the
// word (exactly the API's while no word has been accepted: later a swap
// of the segmenter between the page's request and the test's may change
// it), and the summary naming the year.
func (w *wordsRun) checkCandidates(year int, exactCut bool) {
	t := w.b.t
	t.Helper()
	rows := w.rows()
	sg := w.suggestions(year)
	if len(rows) != len(sg.Candidates) || len(rows) < 10 {
		t.Fatalf("year %d: %d rows, the API %d candidates (want at least 10 to decide on)", year, len(rows), len(sg.Candidates))
	}
	for i, r := range rows {
		c := sg.Candidates[i]
		if r.Word != c.Word || r.Typed != c.Word || r.Rank != fmt.Sprint(i+1) || r.Freq != fmt.Sprint(c.Freq) || r.Docs != fmt.Sprint(c.Docs) {
			t.Errorf("year %d row %d: %+v, the API %q freq %d docs %d", year, i+1, r, c.Word, c.Freq, c.Docs)
			continue
		}
		if exactCut && r.Cut != c.Cut || strings.ReplaceAll(r.Cut, " ", "") != c.Word || !strings.Contains(r.Cut, " ") {
			t.Errorf("year %d %s: cut shown %q, the API's %q", year, c.Word, r.Cut, c.Cut)
		}
		if !slices.Equal(r.Examples, c.Examples) {
			t.Errorf("year %d %s: examples %q, the API's %q", year, c.Word, r.Examples, c.Examples)
		}
		n := 0
		for _, ex := range c.Examples {
			n += strings.Count(ex, c.Word)
		}
		if len(r.Marks) != n || n == 0 || slices.ContainsFunc(r.Marks, func(m string) bool { return m != c.Word }) {
			t.Errorf("year %d %s: marks %q in %q", year, c.Word, r.Marks, r.Examples)
		}
	}
	where := "全部年度"
	if year != 0 {
		where = fmt.Sprint(year, "年")
	}
	want := fmt.Sprintf("从%s的 %d 件提案中找到 %d 个候选", where, sg.Proposals, len(sg.Candidates))
	if sum := w.b.eval(`document.getElementById("c-summary").textContent`); !strings.HasPrefix(sum, want) {
		t.Errorf("year %d: summary %q, want %q", year, sum, want)
	}
}

// decideSpread decides nine candidates spread over the list: one accepted
// and one rejected by their buttons, four accepted and three rejected
// selected together.
func (w *wordsRun) decideSpread() {
	rows := w.rows()
	at := func(is ...int) []string { // the rows there are of these
		var out []string
		for _, i := range is {
			if i < len(rows) {
				out = append(out, rows[i].Word)
			}
		}
		return out
	}
	w.decide(at(0), tian.WordAccepted, false)
	w.decide(at(1), tian.WordRejected, false)
	w.decide(at(2, 9, 17, 25), tian.WordAccepted, true)
	w.decide(at(3, 12, 33), tian.WordRejected, true)
}

// decide accepts or rejects candidates by their buttons, or selected
// together; they must leave the list and only they, without a reload.
func (w *wordsRun) decide(words []string, status tian.WordStatus, together bool) {
	b, t := w.b, w.b.t
	t.Helper()
	before := w.rows()
	loads := b.eval(`document.getElementById("candidates").dataset.run`)
	verb := map[tian.WordStatus]string{tian.WordAccepted: "收入", tian.WordRejected: "不收"}[status]
	var state string
	if together {
		for _, word := range words {
			b.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#c-list tr[data-word=%q] input.pick`, word))))
		}
		id := map[tian.WordStatus]string{tian.WordAccepted: "c-accept-selected", tian.WordRejected: "c-reject-selected"}[status]
		if label := b.eval(`document.getElementById("` + id + `").textContent`); label != fmt.Sprintf("%s所选（%d）", verb, len(words)) {
			t.Errorf("the batch button reads %q with %d selected", label, len(words))
		}
		state = b.submit("c-decisions", chromedp.Click(chromedp.ID(id)))
	} else {
		class := map[tian.WordStatus]string{tian.WordAccepted: "accept", tian.WordRejected: "reject"}[status]
		state = b.submit("c-decisions", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#c-list tr[data-word=%q] button.%s`, words[0], class))))
	}
	msg := b.eval(`document.getElementById("c-msg").textContent`)
	if state != "done" || !strings.HasPrefix(msg, fmt.Sprintf("已%s %d 个词：", verb, len(words))) {
		t.Fatalf("%s %q: %s %q", verb, words, state, msg)
	}
	after := w.rows()
	var left []string
	for _, r := range before {
		if !slices.Contains(words, r.Word) {
			left = append(left, r.Word)
		}
	}
	var shown []string
	for _, r := range after {
		shown = append(shown, r.Word)
	}
	if !slices.Equal(shown, left) {
		t.Errorf("after %s %q the list is %q, want %q", verb, words, shown, left)
	}
	if now := b.eval(`document.getElementById("candidates").dataset.run`); now != loads {
		t.Errorf("%s %q reloaded the candidates", verb, words)
	}
	for _, word := range words {
		w.want[word] = status
	}
	w.decisions += len(words)
}

// trimAndAccept trims a candidate before accepting it (as 发展新质生产力
// to 新质生产力): the examples mark the trimmed word, and the trimmed word
// is accepted with the candidate as written rejected beside it.
func (w *wordsRun) trimAndAccept() {
	b, t := w.b, w.b.t
	t.Helper()
	row, trimmed := trimmable(w.rows())
	input := fmt.Sprintf(`#c-list tr[data-word=%q] input.word`, row.Word)
	b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`{
  const e = document.querySelector(%q);
  e.value = %q;
  e.dispatchEvent(new Event("input", { bubbles: true }));
}`, input, trimmed)))
	var edited wordRow
	for _, r := range w.rows() {
		if r.Word == row.Word {
			edited = r
		}
	}
	if edited.Was != "原为“"+row.Word+"”" || len(edited.Marks) < len(edited.Examples) || slices.ContainsFunc(edited.Marks, func(m string) bool { return m != trimmed }) {
		t.Errorf("%s trimmed to %s: %+v", row.Word, trimmed, edited)
	}
	b.do(scrollTo(fmt.Sprintf(`#c-list tr[data-word=%q]`, row.Word)))
	b.shot("words-trimmed.png")
	state := b.submit("c-decisions", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#c-list tr[data-word=%q] button.accept`, row.Word))))
	if state != "done" {
		t.Fatalf("accepting %s trimmed to %s: %s", row.Word, trimmed, state)
	}
	ws := w.apiWords()
	got := map[string]tian.Word{}
	for _, x := range ws.Words {
		got[x.Word] = x
	}
	if a := got[trimmed]; a.Status != tian.WordAccepted || !strings.Contains(a.Note, "由“"+row.Word+"”改定") {
		t.Errorf("the trimmed word as stored: %+v", a)
	}
	if r := got[row.Word]; r.Status != tian.WordRejected || r.Note != "改为“"+trimmed+"”收入" {
		t.Errorf("the candidate as written, stored: %+v", r)
	}
	if slices.ContainsFunc(w.rows(), func(r wordRow) bool { return r.Word == row.Word || r.Word == trimmed }) {
		t.Errorf("%s or %s still listed", row.Word, trimmed)
	}
	w.want[trimmed], w.want[row.Word] = tian.WordAccepted, tian.WordRejected
	w.decisions += 2
}

// trimmable picks the candidate a person would trim as 发展新质生产力 to
// 新质生产力: the longest whose cut starts with a word of two characters
// before three or more (else the longest, less its first character), and
// the trimmed word.
func trimmable(rows []wordRow) (wordRow, string) {
	var best wordRow
	trimmed := ""
	for _, r := range rows {
		first, rest, _ := strings.Cut(r.Cut, " ")
		rest = strings.ReplaceAll(rest, " ", "")
		if utf8.RuneCountInString(first) == 2 && utf8.RuneCountInString(rest) >= 3 && len(r.Word) > len(best.Word) {
			best, trimmed = r, rest
		}
	}
	if trimmed != "" {
		return best, trimmed
	}
	for _, r := range rows {
		if utf8.RuneCountInString(r.Word) > utf8.RuneCountInString(best.Word) {
			best = r
		}
	}
	return best, string([]rune(best.Word)[1:])
}

// scrollTo brings an element to the middle of the window.
func scrollTo(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).scrollIntoView({ block: "center" })`, selector))
}

// refusedInRow types a word the API refuses into a row and accepts it:
// the API's reason shows beside the input and the row stays; then the
// candidate as written is rejected.
func (w *wordsRun) refusedInRow() {
	b, t := w.b, w.b.t
	t.Helper()
	row := w.rows()[0]
	b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`{
  const e = document.querySelector(%q);
  e.value = "城";
  e.dispatchEvent(new Event("input", { bubbles: true }));
}`, fmt.Sprintf(`#c-list tr[data-word=%q] input.word`, row.Word))))
	state := b.submit("c-decisions", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#c-list tr[data-word=%q] button.accept`, row.Word))))
	b.refusalsOnly("a one-character word in a row", "400")
	want := w.refusal("城")
	var shown wordRow
	for _, r := range w.rows() {
		if r.Word == row.Word {
			shown = r
		}
	}
	if state != "error" || shown.Error != want {
		t.Errorf("accepting 城 in the row of %s: %s, the row says %q, want the API's %q", row.Word, state, shown.Error, want)
	}
	b.do(scrollTo(fmt.Sprintf(`#c-list tr[data-word=%q]`, row.Word)))
	b.shot("words-row-refused.png")
	b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`{
  const e = document.querySelector(%q);
  e.value = %q;
  e.dispatchEvent(new Event("input", { bubbles: true }));
}`, fmt.Sprintf(`#c-list tr[data-word=%q] input.word`, row.Word), row.Word)))
	w.decide([]string{row.Word}, tian.WordRejected, false)
}

// refusal is the API's message for a word it refuses.
func (w *wordsRun) refusal(word string) string {
	w.b.t.Helper()
	var e struct{ Code, Message string }
	body := map[string]any{"words": []map[string]string{{"word": word, "status": "accepted", "note": "手动添加"}}}
	if code := w.s.call(w.b.t, "POST", "/api/v1/words", body, &e); code != 400 || e.Code != "invalid" || e.Message == "" {
		w.b.t.Fatalf("the API on %q: HTTP %d %+v, want a 400", word, code, e)
	}
	return e.Message
}

// addByHand adds words by hand: the ones the API refuses are refused
// beside the input in its words and nothing is stored; a good one is
// accepted with its note.
func (w *wordsRun) addByHand() {
	b, t := w.b, w.b.t
	t.Helper()
	long := "关于加快推进城市更新行动若干意见稿"
	if n := utf8.RuneCountInString(long); n != 17 {
		t.Fatalf("the long word has %d characters", n)
	}
	for _, bad := range []string{"", "   ", "GDP", "，。！", "城", long, "乡村振兴🌾", "首发 经济", "5G-", "新质生产力。"} {
		b.do(fill(map[string]string{"a-word": bad}))
		state := b.submit("add", chromedp.Click(chromedp.ID("a-accept")))
		b.refusalsOnly(fmt.Sprintf("adding %q", bad), "400")
		got := b.eval(`document.getElementById("a-result").textContent`)
		if want := w.refusal(bad); state != "error" || got != want || b.eval(`document.getElementById("a-result").className`) != "error" {
			t.Errorf("adding %q: %s %q, want the API's %q", bad, state, got, want)
		}
		if bad == long {
			b.shot("words-add-refused.png")
		}
	}
	if n := len(w.apiWords().Words); n != len(w.want) {
		t.Errorf("after the refused words the API holds %d words, want %d", n, len(w.want))
	}
	const word, note = "首发经济", "2024年政府工作报告提法"
	b.do(fill(map[string]string{"a-word": " " + word + " ", "a-note": note}))
	state := b.submit("add", chromedp.Click(chromedp.ID("a-accept")))
	if got := b.eval(`document.getElementById("a-result").textContent`); state != "done" || got != "已收入“"+word+"”。" {
		t.Errorf("adding %s: %s %q", word, state, got)
	}
	if v := b.eval(`document.getElementById("a-word").value`); v != "" {
		t.Errorf("the input keeps %q after adding", v)
	}
	found := false
	for _, x := range w.apiWords().Words {
		if x.Word == word {
			found = x.Status == tian.WordAccepted && x.Note == note && x.By == "token:admin" && x.At != ""
		}
	}
	if !found {
		t.Errorf("%s is not stored as accepted with its note", word)
	}
	w.want[word] = tian.WordAccepted
	w.decisions++
	b.settle("decided")
	b.noErrors("adding by hand")
}

// undoSome undoes the three newest accepted and three newest rejected
// decisions by their buttons.
func (w *wordsRun) undoSome() {
	b, t := w.b, w.b.t
	t.Helper()
	for _, table := range []string{"d-accepted", "d-rejected"} {
		words := w.decidedShown(table)
		if len(words) < 3 {
			t.Fatalf("%s lists %q", table, words)
		}
		for _, word := range words[:3] {
			before := w.decidedShown(table)
			state := b.submit("decided", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#%s button.undo[data-word=%q]`, table, word))))
			after := w.decidedShown(table)
			if state != "done" || slices.Contains(after, word) || len(after) != len(before)-1 {
				t.Errorf("undo %s in %s: %s, the list %q", word, table, state, after)
			}
			if msg := b.eval(`document.getElementById("d-msg").textContent`); !strings.Contains(msg, "“"+word+"”") {
				t.Errorf("undo %s: the message %q", word, msg)
			}
			delete(w.want, word)
		}
	}
	b.noErrors("undoing decisions")
	b.shot("words-undone.png")
}

// searchDecided narrows the decided words by a search and by kind.
func (w *wordsRun) searchDecided() {
	b, t := w.b, w.b.t
	t.Helper()
	accepted := w.decidedShown("d-accepted")
	word := accepted[len(accepted)-1]
	b.do(fill(map[string]string{"d-filter": word}))
	if got := w.decidedShown("d-accepted"); len(got) == 0 || slices.ContainsFunc(got, func(x string) bool { return !strings.Contains(x, word) }) {
		t.Errorf("searching %s: accepted %q", word, got)
	}
	b.do(fill(map[string]string{"d-filter": "改为"}))
	rejected := w.decidedShown("d-rejected")
	if len(rejected) != 1 {
		t.Errorf("searching 改为 (the trimmed candidate's note) finds %q", rejected)
	}
	b.do(change("#d-kind", "rejected"))
	if b.eval(`document.getElementById("d-accepted").hidden`) != "true" || len(w.decidedShown("d-rejected")) != len(rejected) {
		t.Errorf("only the rejected: the accepted list is still shown")
	}
	b.shot("words-search.png")
	b.do(fill(map[string]string{"d-filter": ""}), change("#d-kind", ""))
	b.noErrors("searching the decided words")
}

func (w *wordsRun) decidedShown(table string) []string {
	w.b.t.Helper()
	var out []string
	js := fmt.Sprintf(`JSON.stringify(Array.from(document.querySelectorAll("#%s tbody tr"), (tr) => tr.dataset.word))`, table)
	if err := json.Unmarshal([]byte(w.b.eval(js)), &out); err != nil {
		w.b.t.Fatal(err)
	}
	return out
}

type wordsAnswer struct {
	Words  []tian.Word
	Status tian.VocabularyStatus
}

func (w *wordsRun) apiWords() wordsAnswer {
	w.b.t.Helper()
	var a wordsAnswer
	if code := w.s.call(w.b.t, "GET", "/api/v1/words", nil, &a); code != 200 {
		w.b.t.Fatalf("GET /api/v1/words: %d", code)
	}
	return a
}

// checkFinal compares the API's words with the decisions the page made
// and with the lists it shows, and the status line with the API's status.
func (w *wordsRun) checkFinal() {
	b, t := w.b, w.b.t
	t.Helper()
	a := w.apiWords()
	got := map[string]tian.WordStatus{}
	var accepted, rejected []string
	for _, x := range a.Words {
		got[x.Word] = x.Status
		if x.Status == tian.WordAccepted {
			accepted = append(accepted, x.Word)
		} else {
			rejected = append(rejected, x.Word)
		}
	}
	for word, status := range w.want {
		if got[word] != status {
			t.Errorf("%s: the API holds %q, the page decided %q", word, got[word], status)
		}
	}
	if len(got) != len(w.want) || len(w.want) < 50 {
		t.Errorf("the API holds %d words, the page decided %d (want dozens)", len(got), len(w.want))
	}
	for table, want := range map[string][]string{"d-accepted": accepted, "d-rejected": rejected} {
		shown := w.decidedShown(table)
		slices.Sort(shown)
		slices.Sort(want)
		if !slices.Equal(shown, want) {
			t.Errorf("%s shows %q, the API %q", table, shown, want)
		}
	}
	if st := a.Status; st.Applying || st.Version != st.Index || st.Version != st.Segmenter || st.Accepted != len(accepted) || st.Error != "" {
		t.Errorf("the API's status: %+v", st)
	}
	if line := b.eval(`document.getElementById("w-status").textContent`); line != fmt.Sprintf("词表已生效（%d 个词）", len(accepted)) {
		t.Errorf("the status line reads %q with %d words accepted", line, len(accepted))
	}
	var seen []string
	if err := json.Unmarshal([]byte(b.eval(`JSON.stringify(window.wordsStatusSeen || [])`)), &seen); err != nil {
		t.Fatal(err)
	}
	progress := regexp.MustCompile(`^正在按新词表重新分析检索索引（(\d+/\d+|准备中)）$`)
	applying := slices.ContainsFunc(seen, progress.MatchString)
	waiting := slices.ContainsFunc(seen, func(s string) bool { return strings.HasPrefix(s, "新词表已") })
	if !applying && !waiting {
		t.Errorf("the status line never said the words were being brought into force: %q", seen)
	}
	t.Logf("the status line said %d things, %v applying with progress; last %q", len(seen), applying, seen[len(seen)-1])
}

// watchStatus records every text of the status line.
func (w *wordsRun) watchStatus() {
	w.b.do(chromedp.Evaluate[chromedp.Void](`{
  const line = document.getElementById("w-status");
  window.wordsStatusSeen = [line.textContent];
  new MutationObserver(() => {
    const seen = window.wordsStatusSeen;
    if (seen[seen.length - 1] !== line.textContent) seen.push(line.textContent);
  }).observe(line, { childList: true, characterData: true, subtree: true });
}`))
}

// waitStatus waits until the status line's state is want, and returns the
// state it ended in.
func (w *wordsRun) waitStatus(want string, timeout time.Duration) string {
	w.b.t.Helper()
	js := fmt.Sprintf(`new Promise((resolve) => {
  const line = document.getElementById("w-status");
  let timer;
  const obs = new MutationObserver(() => {
    if (line.dataset.state !== %q) return;
    obs.disconnect();
    clearTimeout(timer);
    resolve(line.dataset.state);
  });
  if (line.dataset.state === %q) return resolve(line.dataset.state);
  obs.observe(line, { attributes: true, childList: true, subtree: true });
  timer = setTimeout(() => { obs.disconnect(); resolve(line.dataset.state || "none"); }, %d);
})`, want, want, timeout.Milliseconds())
	return run(w.b, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
}

// narrow shows the page in a window 800 pixels wide, checks that nothing
// runs off its right edge, and saves the screenshot.
func (w *wordsRun) narrow(what, shot string) {
	w.b.t.Helper()
	w.b.do(chromedp.EmulateViewport(800, 1000))
	if r := w.b.read(); r.Overflow > 0 {
		w.b.t.Errorf("%s at 800px is %dpx wider than the window", what, r.Overflow)
	}
	w.b.shot(shot)
	w.b.do(desktop())
}

// latinAllowed are the lower-case Latin words the candidates' examples
// hold (the proposals' own), which the page shows as written.
func (w *wordsRun) latinAllowed() []string {
	latin := regexp.MustCompile(`[a-z][A-Za-z_]{2,}`)
	out := []string{"admin"}
	for _, r := range w.rows() {
		for _, ex := range r.Examples {
			out = append(out, latin.FindAllString(ex, -1)...)
		}
	}
	return out
}

func latestDemoYear(t *testing.T) int {
	t.Helper()
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	latest := 0
	for _, p := range demo {
		latest = max(latest, p.Year)
	}
	return latest
}
