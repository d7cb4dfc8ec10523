package classify

import (
	"math"
	"strings"
	"testing"

	"tian"
)

func TestReasonClassesByLeadClause(t *testing.T) {
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	rs := reasonClasses(ps, 3)
	total, rejected := 0, 0
	for _, p := range ps {
		if p.Status == tian.StatusRejected {
			rejected++
		}
	}
	seen := map[string]bool{}
	for i, r := range rs {
		total += r.Examples
		if seen[r.Lead] || r.Examples < 3 {
			t.Errorf("class %d %+v: repeated or under 3 examples", i, r)
		}
		seen[r.Lead] = true
		if r.Lead == OtherReason {
			if i != len(rs)-1 {
				t.Errorf("%s is class %d of %d, not last", OtherReason, i, len(rs))
			}
			continue
		}
		if !strings.HasPrefix(r.Wording, r.Lead) || strings.ContainsAny(r.Lead, "，。") {
			t.Errorf("class %+v: the wording does not start with the lead clause", r)
		}
		if i > 0 && rs[i-1].Examples < r.Examples {
			t.Errorf("classes not most examples first: %+v before %+v", rs[i-1], r)
		}
	}
	if total != rejected {
		t.Errorf("the classes hold %d proposals, the corpus has %d not filed", total, rejected)
	}
	m := &FilingModel{Reasons: rs}
	for _, c := range []struct{ reason, class string }{
		{"内容空泛，缺少具体可行的建议", "内容空泛"},
		{"内容空泛。", "内容空泛"},
		{"涉及国家和省统一规定，地方无权调整", "涉及国家统一规定"}, // a rare wording that contains a class's lead
		{"属于个人诉求和邻里协商事项，建议通过社区调解或信访渠道反映", "属于个人诉求"},
		{"所提问题已有明确规定，市园林和林业局已出台规定", OtherReason}, // close to 所提问题已解决, but not it
		{"涉及国家金融管理事权，地方无权调整", OtherReason},
		{"", OtherReason},
	} {
		i := m.reasonIndex(c.reason)
		if i < 0 || rs[i].Lead != c.class {
			t.Errorf("reason %q: class %d, want %s", c.reason, i, c.class)
		}
	}
}

// ShapesOf exposes a text's shapes, by name, to the external tests
// (which share a segmenter).
func ShapesOf(norm func(string) string, title, body string) map[string]float64 {
	out := map[string]float64{}
	for i, v := range shapeValues(norm, title, body) {
		out[shapes[i].name] = v
	}
	return out
}

func TestCueSpans(t *testing.T) {
	text := "关于督促执行欠款判决的提案\n法院判决后，法院未执行。"
	spans := cueSpans(text, caseCues)
	if len(spans) != 4 {
		t.Errorf("spans %v: want 2 判决 and 2 法院", spans)
	}
	for _, sp := range spans {
		if w := text[sp[0]:sp[1]]; w != "判决" && w != "法院" {
			t.Errorf("span %v is %q", sp, w)
		}
	}
}

func TestFitPlatt(t *testing.T) {
	// scores drawn so that P(y=1 | z) = σ(2z − 1) exactly in expectation
	var zs []float64
	var ys []int
	for i := range 400 {
		z := -3 + 6*float64(i)/399
		p := sigmoid(2*z - 1)
		for j := range 20 {
			zs = append(zs, z)
			ys = append(ys, b2i(float64(j)+0.5 < 20*p))
		}
	}
	a, b := fitPlatt(zs, ys)
	if math.Abs(a-2) > 0.1 || math.Abs(b+1) > 0.1 {
		t.Errorf("a %.3f b %.3f, want 2 and −1", a, b)
	}
	// separable scores: the smoothed targets keep the slope finite
	a, b = fitPlatt([]float64{-30, -20, -10, 10, 20, 30}, []int{0, 0, 0, 1, 1, 1})
	if math.IsNaN(a) || math.IsInf(a, 0) || sigmoid(30*a+b) > 0.9 || sigmoid(10*a+b) < 0.5 {
		t.Errorf("separable: a %.3f b %.3f", a, b)
	}
}

func TestChooseFilingThresholds(t *testing.T) {
	probs := []float64{0.98, 0.95, 0.9, 0.85, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01}
	ys := []int{1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0}
	// at ≥ 0.7: 4 of 5 not filed (0.8); at ≥ 0.6: 4 of 6. At ≤ 0.3: all
	// filed; at ≤ 0.4: 6 of 7 (0.857).
	r, f := chooseFilingThresholds(probs, ys, 0.8, 0.95)
	if r != 0.7 || f != 0.3 {
		t.Errorf("reject at %v, file at %v; want 0.7, 0.3", r, f)
	}
	// no precision reached: never advise 不予立案; and never below one half
	r, _ = chooseFilingThresholds([]float64{0.45, 0.4, 0.3}, []int{1, 1, 1}, 0.8, 0.95)
	if r != 1 {
		t.Errorf("reject at %v, want 1", r)
	}
}
