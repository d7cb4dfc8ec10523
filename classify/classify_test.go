package classify_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"tian"
	"tian/classify"
	"tian/internal/slowtest"
)

func corpusDocs(tb testing.TB) ([]*tian.Proposal, []classify.Doc) {
	tb.Helper()
	ps, err := tian.ReadDemo()
	if err != nil {
		tb.Fatal(err)
	}
	return ps, classify.WithFeedback(ps, nil)
}

// Proposals of later years, classified by a model trained on the earlier
// ones: the categories a reviewer would give, with calibrated confidence.
func TestClassifyCorpusByYear(t *testing.T) {
	slowtest.Gate(t)
	ps, docs := corpusDocs(t)
	var train, test []classify.Doc
	for i, p := range ps {
		if p.Year <= 2023 {
			train = append(train, docs[i])
		} else {
			test = append(test, docs[i])
		}
	}
	m, err := classify.Train(seg(t), train, classify.DefaultCategoryConfig())
	if err != nil {
		t.Fatal(err)
	}
	r := classify.Evaluate(m, test)
	t.Logf("corpus, trained on 2021–2023, tested on 2024–2025: accuracy %.3f, macro-F1 %.3f, ECE %.3f; %.0f%% confident, %.3f right",
		r.Accuracy, r.MacroF1, r.ECE, r.Coverage*100, r.Precision)
	if r.MacroF1 < 0.8 || r.Precision < 0.93 {
		t.Errorf("macro-F1 %.3f, confident precision %.3f", r.MacroF1, r.Precision)
	}
	cases := []struct{ title, body, want, evidence string }{
		{"关于加快发展社区嵌入式养老服务的提案", "城东区近四成社区没有养老服务站点，建议利用闲置用房建设嵌入式养老服务设施，推动医养结合。", "社会建设", "养老服务"},
		{"关于推行涉企检查“综合查一次”的提案", "企业反映多头检查、重复检查，影响营商环境，建议推行跨部门联合检查。", "政治建设", "营商环境"},
		{"关于培育专精特新中小企业的提案", "我市专精特新企业数量偏少，建议设立专项资金，支持企业数字化转型和上市融资。", "经济建设", "专精特新"},
		{"关于加强府学街历史文化街区保护的提案", "府学街老字号和明清院落被拆改，建议编制保护规划，发展文旅融合。", "文化建设", ""},
		{"关于推进玉带河入河排污口整治的提案", "玉带河城东段仍有雨污混接排污口，黑臭水体反弹，建议开展排查溯源。", "生态文明建设", ""},
	}
	for _, c := range cases {
		s, err := m.Classify(context.Background(), c.title, c.body, 3)
		if err != nil {
			t.Fatal(err)
		}
		if s.Labels[0].Label != c.want {
			t.Errorf("%s: suggested %v, want %s", c.title, s.Labels, c.want)
		}
		var sum float64
		for _, l := range s.Labels {
			sum += l.Prob
		}
		if sum > 1.0001 || s.Labels[0].Prob < s.Labels[1].Prob {
			t.Errorf("%s: probabilities %v", c.title, s.Labels)
		}
		text := c.title + "\n" + c.body
		found := c.evidence == ""
		for _, e := range s.Evidence {
			found = found || e.Term == c.evidence
			for _, sp := range e.Spans {
				if got := strings.ToLower(text[sp[0]:sp[1]]); got != e.Term {
					t.Errorf("%s: evidence %q points at %q", c.title, e.Term, got)
				}
			}
		}
		if !found {
			t.Errorf("%s: evidence %v lacks %s", c.title, s.Evidence, c.evidence)
		}
	}
}

// An ambiguous text is flagged uncertain rather than guessed with
// confidence.
func TestClassifyUncertain(t *testing.T) {
	d, err := defaults() // trained on the whole corpus with the default settings
	if err != nil {
		t.Fatal(err)
	}
	m := d.category
	s, err := m.Classify(context.Background(), "关于进一步加强相关工作的提案", "建议有关部门高度重视，进一步加强工作。", 2)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Uncertain {
		t.Errorf("a text with no subject was suggested %v with confidence (threshold %.2f)", s.Labels, s.Threshold)
	}
	if _, err := m.Classify(context.Background(), "", "  ", 2); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("empty text: err = %v", err)
	}
}

func TestTrainDeterministicAndSaveLoad(t *testing.T) {
	_, docs := corpusDocs(t)
	docs = docs[:200]
	cfg := classify.DefaultCategoryConfig() // its selection, on a smaller grid
	cfg.Select.Features, cfg.Select.C = cfg.Select.Features[1:], cfg.Select.C[:1]
	a, err := classify.Train(seg(t), docs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(cfg.Select.Features) * len(cfg.Select.Members) * len(cfg.Select.NB); len(a.Candidates) != want {
		t.Errorf("compared %d settings, want %d: %+v", len(a.Candidates), want, a.Candidates)
	}
	best := a.Candidates[0]
	for _, c := range a.Candidates {
		if c.MacroF1 > best.MacroF1 {
			best = c
		}
	}
	if a.Config.C != best.C || a.Config.NB != best.NB || len(a.Config.Members) != len(best.Members) || a.Config.Features.MinDF != best.Features.MinDF {
		t.Errorf("trained with %+v, but the best cross-validated setting was %+v", a.Config, best)
	}
	b, _ := classify.Train(seg(t), docs, cfg)
	var ba, bb bytes.Buffer
	a.WriteTo(&ba)
	b.WriteTo(&bb)
	if !bytes.Equal(ba.Bytes(), bb.Bytes()) || a.Version() != b.Version() {
		t.Fatal("two trainings on the same data gave different models")
	}
	loaded, err := classify.ReadModel(bytes.NewReader(ba.Bytes()), seg(t))
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Version() != a.Version() {
		t.Errorf("version %s after loading, %s before", loaded.Version(), a.Version())
	}
	for _, d := range docs[:20] {
		pa, pl := a.Probabilities(d.Title, d.Body), loaded.Probabilities(d.Title, d.Body)
		for i := range pa {
			if pa[i] != pl[i] {
				t.Fatalf("%s: probabilities differ after loading: %v vs %v", d.Title, pa, pl)
			}
		}
	}
	for name, data := range map[string][]byte{
		"empty":     nil,
		"not gzip":  []byte("hello"),
		"truncated": ba.Bytes()[:len(ba.Bytes())/2],
	} {
		if _, err := classify.ReadModel(bytes.NewReader(data), seg(t)); tian.ErrorCode(err) != tian.EINVALID {
			t.Errorf("%s model file: err = %v", name, err)
		}
	}
}

func TestFeedbackRelabels(t *testing.T) {
	ps, _ := corpusDocs(t)
	p := ps[0]
	other := "政治建设"
	if p.Category == other {
		other = "经济建设"
	}
	docs := classify.WithFeedback(ps[:3], []tian.Feedback{
		{Number: p.Number, Kind: "category", Suggested: p.Category, Chosen: other},
		{Kind: "category", Text: "关于规范网约车聚合平台抽成的提案", Chosen: "社会建设"},
		{Number: ps[1].Number, Kind: "lead_unit", Chosen: "市民政局"},
	})
	if len(docs) != 4 || docs[0].Label != other || docs[1].Label != ps[1].Category || docs[3].Label != "社会建设" {
		t.Errorf("docs after feedback: %+v", docs)
	}
}
