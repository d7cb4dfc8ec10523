package office_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"tian"
	"tian/internal/slowtest"
	"tian/office"
)

// reviewer is a Reviewer over the shared demo office: its store, models
// and index, with filer (nil: none).
func reviewer(t *testing.T, filer tian.Filer) *office.Reviewer {
	t.Helper()
	o, db, _ := newOffice(t)
	rv, err := office.NewReviewer(office.ReviewerConfig{Store: db, Suggest: o, Relate: shared.ix, Filer: filer,
		Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return rv
}

func demoByNumber(t *testing.T) ([]*tian.Proposal, map[string]*tian.Proposal) {
	t.Helper()
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]*tian.Proposal{}
	for _, p := range demo {
		by[p.Number] = p
	}
	return demo, by
}

// A stored proposal under review never matches itself, in its similar
// proposals, its earlier ones or the history its routing cites; 以往 are
// strictly earlier years and the similar ones of its own year; a unit is
// suggested once.
func TestReviewOfAStoredProposal(t *testing.T) {
	rv := reviewer(t, nil)
	demo, _ := demoByNumber(t)
	ctx := context.Background()
	var similar, earlier int
	for i := 0; i < len(demo); i += 105 {
		p := demo[i]
		r, err := rv.Review(ctx, tian.ReviewRequest{Number: p.Number})
		if err != nil {
			t.Fatalf("%s: %v", p.Number, err)
		}
		if r.Year != p.Year || r.Number != p.Number {
			t.Errorf("%s: reviewed as %s of %d, want its own year %d", p.Number, r.Number, r.Year, p.Year)
		}
		for _, m := range r.Similar {
			if m.Number == p.Number || m.Year != p.Year {
				t.Errorf("%s (%d): similar %s of %d", p.Number, p.Year, m.Number, m.Year)
			}
		}
		for _, m := range r.Earlier {
			if m.Number == p.Number || m.Year >= p.Year {
				t.Errorf("%s (%d): earlier %s of %d", p.Number, p.Year, m.Number, m.Year)
			}
		}
		similar, earlier = similar+len(r.Similar), earlier+len(r.Earlier)
		seen := map[string]bool{}
		for _, u := range append(append([]tian.UnitSuggestion{}, r.Routing.Lead...), r.Routing.Co...) {
			if seen[u.Unit] {
				t.Errorf("%s: unit %s suggested twice: %+v", p.Number, u.Unit, r.Routing)
			}
			seen[u.Unit] = true
			for _, c := range u.Cases {
				if c.Number == p.Number || c.Year > p.Year {
					t.Errorf("%s (%d): routing cites %s of %d for %s", p.Number, p.Year, c.Number, c.Year, u.Unit)
				}
			}
			if u.Rank < 1 || u.Strength == "" || len(u.Reasons) == 0 {
				t.Errorf("%s: unit %s has no rank, strength or reasons: %+v", p.Number, u.Unit, u)
			}
		}
		if len(r.Categories) < 5 || r.Filing != nil {
			t.Errorf("%s: %d categories, filing %+v", p.Number, len(r.Categories), r.Filing)
		}
	}
	if similar == 0 || earlier == 0 {
		t.Errorf("no similar (%d) or earlier (%d) proposals over the sample", similar, earlier)
	}
}

// The text of a stored proposal sent without its number finds the
// proposal itself as a near-duplicate: the number is what keeps it out.
// A new text is reviewed in the current year: every demo year is earlier.
func TestReviewOfANewText(t *testing.T) {
	rv := reviewer(t, nil)
	_, by := demoByNumber(t)
	p := by["20230112"]
	if p == nil {
		t.Fatal("demo proposal 20230112 missing")
	}
	ctx := context.Background()
	r, err := rv.Review(ctx, tian.ReviewRequest{Title: p.Title, Body: p.Body, Year: p.Year})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Similar) == 0 || r.Similar[0].Number != p.Number || r.Similar[0].Kind != tian.MatchCopy || len(r.Similar[0].Passages) == 0 {
		t.Errorf("its own text without the number: similar %+v, want itself first as a copy of the same year, with the passages", r.Similar)
	}
	r, err = rv.Review(ctx, tian.ReviewRequest{Title: p.Title, Body: p.Body, Number: p.Number})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range r.Similar {
		if m.Number == p.Number {
			t.Errorf("with the number: still matches itself %+v", m)
		}
	}
	r, err = rv.Review(ctx, tian.ReviewRequest{Title: "关于加快老旧小区加装电梯的提案", Body: "城东区老旧小区多，老人上下楼难，建议简化加装电梯审批，加大财政补贴。"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Year != 2026 || len(r.Similar) != 0 || len(r.Earlier) == 0 {
		t.Errorf("a new text: year %d, %d similar of its year, %d earlier", r.Year, len(r.Similar), len(r.Earlier))
	}
	if r.Recommendation != "" || r.MergeInto != nil {
		t.Errorf("no filer and nothing of 2026 to join, yet recommended %q %+v", r.Recommendation, r.MergeInto)
	}
}

// Texts with nothing to review are refused in Chinese before any model
// sees them; an unknown number is not found.
func TestReviewRefusesTextsWithoutChinese(t *testing.T) {
	rv := reviewer(t, nil)
	ctx := context.Background()
	cases := []struct {
		name string
		req  tian.ReviewRequest
		code string
	}{
		{"empty", tian.ReviewRequest{}, tian.EINVALID},
		{"spaces", tian.ReviewRequest{Title: " \n", Body: "　\t"}, tian.EINVALID},
		{"punctuation", tian.ReviewRequest{Body: "。，、；！？……——“”"}, tian.EINVALID},
		{"english", tian.ReviewRequest{Title: "On buses", Body: "The city should add night buses."}, tian.EINVALID},
		{"digits", tian.ReviewRequest{Title: "2024", Body: "123 456"}, tian.EINVALID},
		{"long body", tian.ReviewRequest{Title: "关于城市更新的提案", Body: strings.Repeat("建议加快老旧小区改造。", 3000)}, tian.ETOOLARGE},
		{"long title", tian.ReviewRequest{Title: strings.Repeat("关于", 300), Body: "建议。"}, tian.ETOOLARGE},
		{"bad year", tian.ReviewRequest{Title: "关于养老的提案", Year: 20260}, tian.EINVALID},
		{"unknown number", tian.ReviewRequest{Number: "19990001"}, tian.ENOTFOUND},
	}
	for _, c := range cases {
		r, err := rv.Review(ctx, c.req)
		if tian.ErrorCode(err) != c.code || r != nil {
			t.Errorf("%s: %+v, %v; want %s", c.name, r, err, c.code)
			continue
		}
		if msg := tian.ErrorMessage(err); !hasHan(msg) {
			t.Errorf("%s: message %q is not Chinese", c.name, msg)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// stubFiler advises the same for every text, and remembers the texts.
type stubFiler struct {
	advice tian.FilingAdvice
	err    error
	mu     sync.Mutex
	texts  []string
}

func (f *stubFiler) AdviseFiling(_ context.Context, title, body string) (*tian.FilingAdvice, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.texts = append(f.texts, title+body)
	if f.err != nil {
		return nil, f.err
	}
	a := f.advice
	return &a, nil
}

// With a filer, the recommendation is its advice, with the likely reason
// for 不予立案; its failure is the review's.
func TestReviewTakesTheFilersAdvice(t *testing.T) {
	ctx := context.Background()
	_, by := demoByNumber(t)
	p := by["20240007"]
	reject := &stubFiler{advice: tian.FilingAdvice{NotFiledProb: 0.81, Recommendation: tian.RecommendReject,
		Reasons: []tian.Scored{{Label: "涉及司法个案，不属于提案范围", Prob: 0.6}, {Label: "属于个人诉求", Prob: 0.2}}, Evidence: []tian.Evidence{}}}
	r, err := reviewer(t, reject).Review(ctx, tian.ReviewRequest{Title: "关于督促法院重审我亲属案件的提案", Body: "我亲属的民事案件判决不公，请政协督促法院重新审理。"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Recommendation != tian.RecommendReject || r.Reason != "涉及司法个案，不属于提案范围" || r.Filing == nil || r.Filing.NotFiledProb != 0.81 {
		t.Errorf("with a rejecting filer: %q %q %+v", r.Recommendation, r.Reason, r.Filing)
	}
	if len(reject.texts) != 1 || !strings.Contains(reject.texts[0], "重新审理") {
		t.Errorf("the filer saw %q", reject.texts)
	}
	// a stored proposal reviewed by number alone: the filer sees its text
	file := &stubFiler{advice: tian.FilingAdvice{Recommendation: tian.RecommendFile, Reasons: []tian.Scored{}, Evidence: []tian.Evidence{}}}
	if r, err = reviewer(t, file).Review(ctx, tian.ReviewRequest{Number: p.Number}); err != nil {
		t.Fatal(err)
	}
	if len(file.texts) != 1 || file.texts[0] != p.Title+p.Body {
		t.Errorf("the filer saw %q, want the stored text of %s", file.texts, p.Number)
	}
	if r.Recommendation != tian.RecommendFile && r.Recommendation != tian.RecommendMerge {
		t.Errorf("with a filing filer: %q", r.Recommendation)
	}
	// the class of rare reasons (其他) is not a reason to give
	other := &stubFiler{advice: tian.FilingAdvice{Recommendation: tian.RecommendReject,
		Reasons: []tian.Scored{{Label: "其他", Prob: 0.34}, {Label: "属于个人诉求，建议通过信访渠道反映", Prob: 0.24}}, Evidence: []tian.Evidence{}}}
	if r, err = reviewer(t, other).Review(ctx, tian.ReviewRequest{Title: "关于解决我家房屋漏水问题的提案", Body: "我家楼上漏水，物业不管。"}); err != nil {
		t.Fatal(err)
	}
	if r.Reason != "属于个人诉求，建议通过信访渠道反映（也可能是其他较少见的理由）" {
		t.Errorf("with 其他 first: reason %q", r.Reason)
	}
	broken := &stubFiler{err: tian.Errorf(tian.EUNAVAILABLE, "立案模型正在载入")}
	if _, err := reviewer(t, broken).Review(ctx, tian.ReviewRequest{Number: p.Number}); tian.ErrorCode(err) != tian.EUNAVAILABLE {
		t.Errorf("a failing filer: err = %v", err)
	}
	untrained := &stubFiler{err: tian.Errorf(tian.ENOTFOUND, "没有立案模型")}
	if r, err = reviewer(t, untrained).Review(ctx, tian.ReviewRequest{Number: p.Number}); err != nil || r.Filing != nil {
		t.Errorf("a filer without a model: %+v, %v; want a review without filing advice", r, err)
	}
	if _, err := office.NewReviewer(office.ReviewerConfig{}); err == nil {
		t.Error("a reviewer of nothing was made")
	}
}

// sameYear answers the review's same-year similar proposals from a table
// worked out once, and nothing else, so that the merge rule can be
// evaluated over the whole corpus quickly.
type sameYear struct {
	tian.Relater
	by map[string][]tian.Match
}

func (s sameYear) Similar(_ context.Context, req tian.SimilarRequest) ([]tian.Match, error) {
	if req.Year == 0 {
		return nil, nil
	}
	return s.by[req.Exclude], nil
}

// cheapSuggester stands for the models, which the merge rule does not use.
type cheapSuggester struct{}

func (cheapSuggester) Classify(context.Context, string, string, int) (*tian.Suggestion, error) {
	return &tian.Suggestion{Labels: []tian.Scored{{Label: "社会建设", Prob: 1}}}, nil
}

func (cheapSuggester) Route(context.Context, tian.RouteRequest) (*tian.Routing, error) {
	return &tian.Routing{}, nil
}

var corpusSimilar = struct {
	once sync.Once
	by   map[string][]tian.Match
	err  error
}{}

// sameYearSimilar is every demo proposal's same-year similar proposals,
// itself left out, as a review asks for them.
func sameYearSimilar(t *testing.T, demo []*tian.Proposal) map[string][]tian.Match {
	t.Helper()
	newOffice(t)
	corpusSimilar.once.Do(func() {
		corpusSimilar.by = map[string][]tian.Match{}
		for _, p := range demo {
			ms, err := shared.ix.Similar(context.Background(), tian.SimilarRequest{Title: p.Title, Body: p.Body, K: 8, Year: p.Year, Exclude: p.Number})
			if err != nil {
				corpusSimilar.err = err
				return
			}
			corpusSimilar.by[p.Number] = ms
		}
	})
	if corpusSimilar.err != nil {
		t.Fatal(corpusSimilar.err)
	}
	return corpusSimilar.by
}

// mergeQuality reviews every demo proposal by number and compares 建议并案
// with the gold merges (status 并案, merged_into).
type mergeQuality struct {
	predicted, right, gold, wrongTarget int
}

func (q mergeQuality) precision() float64 { return float64(q.right) / float64(max(q.predicted, 1)) }
func (q mergeQuality) recall() float64    { return float64(q.right) / float64(max(q.gold, 1)) }

func (q mergeQuality) String() string {
	return fmt.Sprintf("建议并案 %d, right %d (precision %.2f), gold %d (recall %.2f), gold merges given another target %d",
		q.predicted, q.right, q.precision(), q.gold, q.recall(), q.wrongTarget)
}

func evaluateMerges(t *testing.T, demo []*tian.Proposal, by map[string][]tian.Match, mergeAt float64) mergeQuality {
	t.Helper()
	_, db, _ := newOffice(t)
	rv, err := office.NewReviewer(office.ReviewerConfig{Store: db, Suggest: cheapSuggester{}, Relate: sameYear{by: by}, MergeAt: mergeAt})
	if err != nil {
		t.Fatal(err)
	}
	var q mergeQuality
	for _, p := range demo {
		r, err := rv.Review(context.Background(), tian.ReviewRequest{Number: p.Number})
		if err != nil {
			t.Fatalf("%s: %v", p.Number, err)
		}
		gold := p.Status == tian.StatusMerged
		if gold {
			q.gold++
		}
		if r.MergeInto == nil {
			continue
		}
		q.predicted++
		switch {
		case gold && r.MergeInto.Number == p.MergedInto:
			q.right++
		case gold:
			q.wrongTarget++
		}
	}
	return q
}

// Over the whole demo corpus, 建议并案 names the proposal the office
// merged into nearly always; it finds the copied texts among the merges
// (the office merged the rest by topic, see office.Merges).
func TestMergeRecommendation(t *testing.T) {
	slowtest.Gate(t)
	demo, _ := demoByNumber(t)
	q := evaluateMerges(t, demo, sameYearSimilar(t, demo), 0)
	t.Logf("near-duplicates only: %s", q)
	if q.gold != 95 || q.precision() < 0.85 || q.right < 12 {
		t.Errorf("merge recommendation: %s", q)
	}
}

// TestTuneMerge lists the merge rule's quality at a range of thresholds
// (TIAN_TUNE=1 go test ./office -run TuneMerge -v).
func TestTuneMerge(t *testing.T) {
	if os.Getenv("TIAN_TUNE") == "" {
		t.Skip("set TIAN_TUNE=1 to tune")
	}
	demo, _ := demoByNumber(t)
	by := sameYearSimilar(t, demo)
	var scores []float64
	for _, p := range demo {
		if p.Status != tian.StatusMerged {
			continue
		}
		for _, m := range by[p.Number] {
			if m.Number == p.MergedInto {
				scores = append(scores, m.Score)
			}
		}
	}
	sort.Float64s(scores)
	t.Logf("gold merges whose target is among the 8 similar: %d; target scores %v", len(scores), scores)
	for _, at := range []float64{0, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5} {
		t.Logf("%.2f: %s", at, evaluateMerges(t, demo, by, at))
	}
}

// With the office's own filing model, every review carries its advice,
// and the recommendation is the advice's unless the proposal would join
// another: a rejection names a reason.
func TestReviewWithTheOfficesFilingModel(t *testing.T) {
	o, _, _ := newOffice(t)
	rv := reviewer(t, o)
	demo, _ := demoByNumber(t)
	ctx := context.Background()
	seen := map[string]int{}
	for i := 0; i < len(demo); i += 157 {
		p := demo[i]
		r, err := rv.Review(ctx, tian.ReviewRequest{Number: p.Number})
		if err != nil {
			t.Fatalf("%s: %v", p.Number, err)
		}
		if r.Filing == nil {
			t.Fatalf("%s: no filing advice", p.Number)
		}
		seen[r.Recommendation]++
		switch {
		case r.Recommendation == tian.RecommendMerge:
			if r.MergeInto == nil || r.Reason == "" {
				t.Errorf("%s: 建议并案 without its proposal or reason: %+v", p.Number, r)
			}
		case r.Recommendation != r.Filing.Recommendation:
			t.Errorf("%s: recommends %q, the filing model %q", p.Number, r.Recommendation, r.Filing.Recommendation)
		case r.Recommendation == tian.RecommendReject && r.Reason == "":
			t.Errorf("%s: 建议不予立案 without a reason", p.Number)
		}
	}
	t.Logf("recommendations over the sample: %v", seen)
}
