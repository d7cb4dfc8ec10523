package classify_test

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"tian"
	"tian/classify"
	"tian/internal/slowtest"
	"tian/models"
)

// byYear splits proposals into those up to year and those after.
func byYear(ps []*tian.Proposal, year int) (train, test []*tian.Proposal) {
	for _, p := range ps {
		if p.Year <= year {
			train = append(train, p)
		} else {
			test = append(test, p)
		}
	}
	return train, test
}

// embeddedFiling is the default filing model (trained on the whole
// corpus), read once.
var embeddedFiling = sync.OnceValues(func() (*classify.FilingModel, error) {
	s, err := sharedSeg()
	if err != nil {
		return nil, err
	}
	f, err := models.FS().Open(models.FilingModel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return classify.ReadFilingModel(f, s)
})

func defaultFiling(tb testing.TB) *classify.FilingModel {
	tb.Helper()
	m, err := embeddedFiling()
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// The acceptance of the filing advice: trained on 2021–2024 (2024 the
// development year for calibration and thresholds), tested on 2025, it
// beats filing everything: a lower Brier score, and 不予立案 advised
// with precision at a useful recall; its reasons beat naming the most
// common one.
func TestFilingBeatsAlwaysFileByYear(t *testing.T) {
	slowtest.Gate(t)
	ps, _ := corpusDocs(t)
	train, test := byYear(ps, 2024)
	m, err := classify.TrainFiling(seg(t), train, classify.DefaultFilingConfig())
	if err != nil {
		t.Fatal(err)
	}
	e := classify.EvaluateFiling(m, test)
	logFilingEval(t, "dev 2024", *m.Dev)
	logFilingEval(t, "test 2025", e)
	for _, s := range m.Shapes {
		t.Logf("shape %s: filed %.3f, not filed %.3f, weight %.3f", s.Name, s.Filed, s.NotFiled, s.Weight)
	}
	if e.N != 298 || e.NotFiled != 44 {
		t.Fatalf("tested %d proposals, %d not filed: the 2025 corpus has 298 and 44", e.N, e.NotFiled)
	}
	if e.Brier >= e.BaselineBrier/2 || e.Accuracy <= e.BaselineAccuracy {
		t.Errorf("Brier %.4f (always 立案 %.4f), accuracy %.3f (%.3f)", e.Brier, e.BaselineBrier, e.Accuracy, e.BaselineAccuracy)
	}
	if e.Precision < 0.8 || e.Recall < 0.6 {
		t.Errorf("不予立案 precision %.3f, recall %.3f", e.Precision, e.Recall)
	}
	if e.ECE > 0.05 || e.FilePrecision < 0.95 {
		t.Errorf("ECE %.3f; 建议立案 right %.3f of the time", e.ECE, e.FilePrecision)
	}
	// the majority reason's share among the not filed of 2025
	count := map[string]int{}
	for _, p := range test {
		if p.Status == tian.StatusRejected {
			count[strings.SplitN(strings.SplitN(p.StatusReason, "，", 2)[0], "。", 2)[0]]++
		}
	}
	most := 0
	for _, n := range count {
		most = max(most, n)
	}
	if majority := float64(most) / float64(e.NotFiled); e.ReasonTop1 < majority+0.2 || e.ReasonTop2 < 0.7 {
		t.Errorf("reasons top-1 %.3f (the most common reason alone %.3f), top-2 %.3f", e.ReasonTop1, majority, e.ReasonTop2)
	}
	// the misses tallied are the not-filed texts whose first reason is wrong
	missed := 0
	for _, r := range e.ReasonMisses {
		t.Logf("reason %s taken for %s: %d", r.Reason, r.TakenFor, r.N)
		missed += r.N
		if r.N <= 0 || r.Reason == r.TakenFor {
			t.Errorf("miss %+v", r)
		}
	}
	if want := e.ReasonAllN - int(math.Round(e.ReasonAllTop1*float64(e.ReasonAllN))); missed != want {
		t.Errorf("%d reason misses tallied, %d not filed with the first reason wrong", missed, want)
	}
}

// The reason model's settings, chosen on the development years only:
// 2023 and 2024, each predicted by a model of the years before it (2025
// untouched), give at least as many right first and first-two reasons as
// training it as the filing model is trained.
func TestFilingReasonSettingsForwardChained(t *testing.T) {
	slowtest.Gate(t)
	ps, _ := corpusDocs(t)
	plain := classify.DefaultFilingConfig()
	plain.Reason = classify.ReasonConfig{Epochs: plain.Epochs, Rate: plain.Rate, ShapeScale: 1}
	var top [2][2]float64
	n := 0
	for _, last := range []int{2023, 2024} {
		train, _ := byYear(ps, last)
		for i, cfg := range []classify.FilingConfig{plain, classify.DefaultFilingConfig()} {
			m, err := classify.TrainFiling(seg(t), train, cfg)
			if err != nil {
				t.Fatal(err)
			}
			d := m.Dev
			top[i][0] += d.ReasonAllTop1 * float64(d.ReasonAllN)
			top[i][1] += d.ReasonAllTop2 * float64(d.ReasonAllN)
			if i == 0 {
				n += d.ReasonAllN
			}
		}
	}
	t.Logf("%d not filed in 2023–2024: plain top-1 %.3f top-2 %.3f; default top-1 %.3f top-2 %.3f",
		n, top[0][0]/float64(n), top[0][1]/float64(n), top[1][0]/float64(n), top[1][1]/float64(n))
	if n != 89 || top[1][0] < top[0][0] || top[1][1] < top[0][1] {
		t.Errorf("of %d: the default reason settings right %.0f/%.0f times (first/first two), plain ones %.0f/%.0f", n, top[1][0], top[1][1], top[0][0], top[0][1])
	}
}

func logFilingEval(t *testing.T, name string, e classify.FilingEval) {
	t.Helper()
	t.Logf("%s: n %d, not filed %d; reject at %.3f: flagged %d, precision %.3f, recall %.3f; file at %.3f: %.3f advised, %.3f filed; abstain %.3f",
		name, e.N, e.NotFiled, e.RejectAt, e.Flagged, e.Precision, e.Recall, e.FileAt, e.FileShare, e.FilePrecision, e.Abstain)
	t.Logf("%s: accuracy %.3f (always 立案 %.3f), AUC %.3f, Brier %.4f (base rate %.3f: %.4f), ECE %.4f (%.4f); reasons top-1 %.3f top-2 %.3f of %d flagged, all %.3f/%.3f of %d",
		name, e.Accuracy, e.BaselineAccuracy, e.AUC, e.Brier, e.BaseRate, e.BaselineBrier, e.ECE, e.BaselineECE, e.ReasonTop1, e.ReasonTop2, e.ReasonN, e.ReasonAllTop1, e.ReasonAllTop2, e.ReasonAllN)
	for _, b := range e.Reliability {
		if b.N > 0 {
			t.Logf("  [%.1f, %.1f): %d, mean %.3f, observed %.3f", b.Lo, b.Hi, b.N, b.MeanProb, b.Observed)
		}
	}
}

// Texts written as the office's not-filed proposals are: the default
// model's advice,
// the reason and the evidence a reviewer would expect.
func TestFilingAdvice(t *testing.T) {
	m := defaultFiling(t)
	ps, _ := corpusDocs(t)
	filed := ps[0] // 20210001, a full proposal with numbered measures
	cases := []struct {
		name, title, body, want, reason, evidence string
	}{
		{"vague", "关于加强全市基层社会治理工作的提案", "基层社会治理是国家治理的基石。当前我市基层治理面临不少新情况新问题。建议市委市政府高度重视，进一步提高认识、加强领导、完善机制、强化保障，不断提升基层社会治理水平，努力打造共建共治共享的社会治理格局。",
			tian.RecommendReject, "内容空泛", "空泛表述"},
		{"court case", "关于督促法院执行我公司胜诉判决的提案", "本人经营一家装修公司，2021年起诉某开发商拖欠工程款，法院判决对方支付欠款86万元，但至今仍未执行到位。希望有关部门督促法院加大执行力度，帮助解决企业困难。",
			tian.RecommendReject, "涉及司法个案", "涉及诉讼案件"},
		{"personal appeal", "关于解决我家老房子漏水问题的提案", "我家住在城东区一个老小区顶楼，楼顶防水层老化，每逢下雨屋里就漏水，多次反映物业和社区，一直无人过问。希望有关部门帮助解决我家的漏水问题。",
			tian.RecommendReject, "属于个人诉求", "个人经历叙述"},
		{"filed", filed.Title, filed.Body, tian.RecommendFile, "", ""},
	}
	for _, c := range cases {
		a, err := m.AdviseFiling(context.Background(), c.title, c.body)
		if err != nil {
			t.Fatal(err)
		}
		if a.Recommendation != c.want || a.RejectAt != m.RejectAt || a.FileAt != m.FileAt || a.Model != m.Version() {
			t.Errorf("%s: %s at P(不予立案) %.3f (reject at %.3f, file at %.3f), want %s", c.name, a.Recommendation, a.NotFiledProb, a.RejectAt, a.FileAt, c.want)
		}
		if len(a.Reasons) != 3 || a.Reasons[0].Prob < a.Reasons[1].Prob {
			t.Errorf("%s: reasons %v", c.name, a.Reasons)
		}
		if c.reason != "" && !slices.ContainsFunc(a.Reasons[:2], func(s tian.Scored) bool { return strings.HasPrefix(s.Label, c.reason) }) {
			t.Errorf("%s: reasons %v, want %s among the first two", c.name, a.Reasons, c.reason)
		}
		checkFilingEvidence(t, c.name, c.title+"\n"+c.body, a.Evidence, c.evidence)
	}
	for _, text := range []string{"", "   ", "！？。……", "\n\t"} {
		if _, err := m.AdviseFiling(context.Background(), text, text); tian.ErrorCode(err) != tian.EINVALID {
			t.Errorf("%q: err = %v, want EINVALID", text, err)
		}
	}
	for _, body := range []string{"Please fix the road.", "關於加裝電梯的提案\xff\xfe本人家住六樓，希望幫助解決。", strings.Repeat("建议", 5000)} {
		a, err := m.AdviseFiling(context.Background(), "", body)
		if err != nil || a.Reasons == nil || a.Evidence == nil || a.NotFiledProb < 0 || a.NotFiledProb > 1 {
			t.Errorf("%.30q: %+v, %v", body, a, err)
			continue
		}
		checkFilingEvidence(t, "odd text", body, a.Evidence, "")
	}
}

// checkFilingEvidence checks that every span points at its word (as
// normalised: a Traditional 解決 is the word 解决), or for a text shape at
// a cue word, and that want is there.
func checkFilingEvidence(t *testing.T, name, text string, ev []tian.Evidence, want string) {
	t.Helper()
	found := want == ""
	for i, e := range ev {
		found = found || e.Term == want
		if e.Weight <= 0 || i > 0 && ev[i-1].Weight < e.Weight {
			t.Errorf("%s: evidence %v not by falling positive weight", name, ev)
		}
		for _, sp := range e.Spans {
			if sp[0] < 0 || sp[1] > len(text) || sp[0] >= sp[1] {
				t.Errorf("%s: %s span %v out of range", name, e.Term, sp)
				continue
			}
			if got := strings.ToLower(seg(t).Normalize(text[sp[0]:sp[1]])); got != e.Term && !isShape(e.Term) {
				t.Errorf("%s: evidence %q points at %q", name, e.Term, got)
			}
		}
	}
	if !found {
		t.Errorf("%s: evidence %v lacks %s", name, ev, want)
	}
}

func isShape(term string) bool {
	m, _ := embeddedFiling()
	return slices.ContainsFunc(m.Shapes, func(s classify.ShapeStat) bool { return s.Name == term })
}

func TestFilingSaveLoad(t *testing.T) {
	m := defaultFiling(t)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	loaded, err := classify.ReadFilingModel(bytes.NewReader(buf.Bytes()), seg(t))
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	loaded.WriteTo(&again)
	if loaded.Version() != m.Version() || !bytes.Equal(buf.Bytes(), again.Bytes()) || !strings.HasPrefix(m.Version(), "filing-") {
		t.Errorf("versions %s and %s, equal bytes %v", m.Version(), loaded.Version(), bytes.Equal(buf.Bytes(), again.Bytes()))
	}
	ps, _ := corpusDocs(t)
	for _, p := range ps[len(ps)-40:] {
		a, _ := m.AdviseFiling(context.Background(), p.Title, p.Body)
		b, _ := loaded.AdviseFiling(context.Background(), p.Title, p.Body)
		if a.NotFiledProb != b.NotFiledProb || a.Recommendation != b.Recommendation || len(a.Reasons) != len(b.Reasons) || a.Reasons[0] != b.Reasons[0] {
			t.Errorf("%s: advice %+v before saving, %+v after", p.Number, a, b)
		}
	}
	good := buf.String()
	for name, bad := range map[string]string{
		"empty":                "",
		"not JSON":             "tian-category-model 1\n",
		"another kind":         strings.Replace(good, `"kind":"tian-filing-model"`, `"kind":"tian-category-model"`, 1),
		"later format":         strings.Replace(good, `"format":2,`, `"format":3,`, 1),
		"a cue past the terms": strings.Replace(good, `"cues":[`, `"cues":[9999999,`, 1),
		"missing terms":        strings.Replace(good, `"terms":["`, `"terms":["c:甲乙","`, 1),
		"truncated":            good[:len(good)/2],
		"a shape renamed":      strings.Replace(good, `"name":"篇幅很短"`, `"name":"篇幅"`, 1),
	} {
		if _, err := classify.ReadFilingModel(strings.NewReader(bad), seg(t)); tian.ErrorCode(err) != tian.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
	// a model saved by the previous version (format 1, without evidence
	// words) is refused with a message saying what to do
	old := strings.Replace(good, `"format":2,`, `"format":1,`, 1)
	_, err = classify.ReadFilingModel(strings.NewReader(old), seg(t))
	if msg := tian.ErrorMessage(err); tian.ErrorCode(err) != tian.EINVALID || !strings.Contains(msg, "第 1 版") || !strings.Contains(msg, "tian train") {
		t.Errorf("format 1: err = %v", err)
	}
}

// Words are evidence for not filing only when the not-filed proposals use
// them markedly more often than the filed ones: on the reviewer's short
// 养老 text and on corpus proposals, no evidence word is one the two use
// alike (such as 发展), counted here from the corpus itself.
func TestFilingEvidenceWords(t *testing.T) {
	m := defaultFiling(t)
	ps, _ := corpusDocs(t)
	var n [2]float64
	df := map[string]*[2]float64{}
	for _, p := range ps {
		if !p.Filed() && p.Status != tian.StatusRejected {
			continue
		}
		y := b2i(p.Status == tian.StatusRejected)
		n[y]++
		seen := map[string]bool{}
		for _, text := range []string{p.Title, p.Body} {
			for _, tok := range seg(t).Cut(text, tian.CutOptions{Mode: tian.ModeExact, DropStop: true, DropPunct: true}) {
				seen[strings.ToLower(tok.Text)] = true
			}
		}
		for w := range seen {
			if df[w] == nil {
				df[w] = &[2]float64{}
			}
			df[w][y]++
		}
	}
	if f := df["发展"]; f == nil || f[1]/n[1] >= 3*f[0]/n[0] {
		t.Fatalf("发展 is in %v of %v filed and not filed proposals: the corpus no longer shows a common word", f, n)
	}
	check := func(name string, a *tian.FilingAdvice) {
		for _, e := range a.Evidence {
			if isShape(e.Term) {
				continue
			}
			f := df[e.Term]
			if f == nil || f[1] < 3 || f[1]/n[1] < 3*f[0]/n[0] || e.Weight < m.Config.EvidenceMin {
				t.Errorf("%s: evidence %q (weight %.3f) is in %v of %v filed and not filed proposals", name, e.Term, e.Weight, f, n)
			}
		}
	}
	a, err := m.AdviseFiling(context.Background(), "关于加快发展社区嵌入式养老服务的提案",
		"城东区近四成社区没有养老服务站点，助餐、助浴需求大。建议利用闲置用房建设社区嵌入式养老服务设施，推动医养结合。")
	if err != nil {
		t.Fatal(err)
	}
	if a.Recommendation != tian.RecommendReject || len(a.Evidence) == 0 || a.Evidence[0].Term != "篇幅很短" {
		t.Errorf("the short 养老 text: %s at %.3f, evidence %v", a.Recommendation, a.NotFiledProb, a.Evidence)
	}
	check("the short 养老 text", a)
	words := 0
	for _, p := range ps[len(ps)-150:] {
		a, err := m.AdviseFiling(context.Background(), p.Title, p.Body)
		if err != nil {
			t.Fatal(err)
		}
		check(p.Number, a)
		for _, e := range a.Evidence {
			words += b2i(!isShape(e.Term))
		}
	}
	if words < 10 {
		t.Errorf("only %d evidence words over 150 proposals: the filter leaves too little", words)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Text shapes on realistic writing, including full-width and
// Traditional forms.
func TestShapes(t *testing.T) {
	norm := seg(t).Normalize
	long := strings.Repeat("我市社区养老服务设施布局不均衡，", 20)
	for _, c := range []struct {
		name, title, body string
		want              map[string]float64
	}{
		{"a full proposal", "关于加快发展社区嵌入式养老服务的提案", long + "建议：一是摸清底数，2024年底前建成30个站点；二是落实用房。",
			map[string]float64{"篇幅很短": 0, "篇幅较短": 0, "未分条提出措施": 0, "未引用数据": 0, "未提出建议": 0, "个人经历叙述": 0}},
		{"slogans", "关于加强基层社会治理的提案", "建议高度重视基层治理，提高认识、加强领导、完善机制、强化保障。",
			map[string]float64{"篇幅很短": 1, "未分条提出措施": 1, "未引用数据": 1, "未提出建议": 0, "空泛表述": 1}},
		{"a personal appeal", "关于解决我家房屋漏水问题的提案", "我家住在城东区，楼上漏水三年，多次反映无人过问，希望帮助解决。",
			map[string]float64{"个人经历叙述": 1, "诉求性表述": 1, "未提出建议": 1}},
		{"a court case", "关于督促执行欠款判决的提案", "法院2021年判决对方还款，至今未强制执行。",
			map[string]float64{"涉及诉讼案件": 1, "未引用数据": 0}},
		{"numbered lines", "关于停车的提案", "建议：\n1、增加泊位；\n2．错时共享。",
			map[string]float64{"未分条提出措施": 0}},
		{"full-width and Traditional", "關於加裝電梯的提案", "建議：（一）摸清底數；（二）落實資金，２０２４年完成。",
			map[string]float64{"未分条提出措施": 0, "未提出建议": 0, "未引用数据": 0}},
	} {
		got := classify.ShapesOf(norm, c.title, c.body)
		for name, want := range c.want {
			if v, ok := got[name]; !ok || v != want {
				t.Errorf("%s: %s = %v (%v), want %v", c.name, name, v, ok, want)
			}
		}
	}
}

// Training twice on the same proposals gives the same bytes.
func TestTrainFilingDeterministic(t *testing.T) {
	ps, _ := corpusDocs(t)
	train, _ := byYear(ps, 2021)
	var out [2]bytes.Buffer
	for i := range out {
		m, err := classify.TrainFiling(seg(t), train, classify.DefaultFilingConfig())
		if err != nil {
			t.Fatal(err)
		}
		m.WriteTo(&out[i])
	}
	if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Error("two trainings on the same proposals gave different models")
	}
	only := []*tian.Proposal{ps[0], ps[1], ps[2]}
	if _, err := classify.TrainFiling(seg(t), only, classify.DefaultFilingConfig()); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("no 不予立案 to learn from: err = %v", err)
	}
}
