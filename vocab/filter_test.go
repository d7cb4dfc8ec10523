package vocab

import (
	"slices"
	"strings"
	"testing"
)

func TestPlausible(t *testing.T) {
	lexicon := strings.Fields("工作 问题 中和 人才 签约 家庭 医生 为此 建议 加强 首发 经济")
	known := func(w string) bool { return slices.Contains(lexicon, w) }
	tests := []struct {
		w    string
		want bool
		why  string
	}{
		{"首发经济", true, "a new term"},
		{"碳中和", true, "和 ends the word 中和, not a free conjunction"},
		{"技能人才", true, "才 ends the word 人才"},
		{"家庭医生签约", true, "约 ends the word 签约"},
		{"的建设", false, "starts with 的"},
		{"推进城市更新和", false, "ends with a free 和"},
		{"已超过", false, "starts with an adverb"},
		{"告诉我", false, "ends with a pronoun"},
		{"问题的提案", false, "的 inside"},
		{"一是建立", false, "是 inside"},
		{"关于加强", false, "opens with 关于"},
		{"为此建议", false, "starts with 为 although 为此 is a word"},
		{"工作中", false, "a known word and a particle"},
		{"问题上", false, "a known word and a particle"},
		{"二〇二三年", false, "a date"},
		{"三个月", false, "a measure"},
		{"七成以上", false, "a measure"},
		{"个月", false, "the measure after a number in digits"},
		{"级医院", false, "starts with the suffix 级"},
		{"性亏损", false, "starts with the suffix 性"},
		{"两重两新", true, "numerals inside a term"},
		{"建议", false, "known"},
		{string([]rune{'首', num, '店'}), false, "holds a number"},
	}
	for _, tt := range tests {
		if got := plausible([]rune(tt.w), known); got != tt.want {
			t.Errorf("plausible(%q) = %v, want %v (%s)", tt.w, got, tt.want, tt.why)
		}
	}
}

func TestResidualIDF(t *testing.T) {
	// Spread like Poisson: one occurrence in each of 16 texts of 600.
	if r := residualIDF(16, 16, 600); r < -0.05 || r > 0.05 {
		t.Errorf("residualIDF(16, 16, 600) = %.3f, want about 0", r)
	}
	// In bursts: 10 occurrences in one text.
	if r := residualIDF(10, 1, 600); r < 3 {
		t.Errorf("residualIDF(10, 1, 600) = %.3f, want above 3 bits", r)
	}
}

func TestEdgePrior(t *testing.T) {
	p := newEdgePrior([]string{"民革市委会", "民盟市委会", "人社部门", "住建部门", "老旧小区改造", "提案", "市"})
	if w := p.weight([]rune("农工党市委会")); w <= 1 {
		t.Errorf("weight(农工党市委会) = %.2f, want above 1: its tail 会 ends two terms", w)
	}
	if a, b := p.weight([]rune("民进市委会")), p.weight([]rune("农工党市委会")); a <= b {
		t.Errorf("weight(民进市委会) = %.2f, want above weight(农工党市委会) = %.2f: 民 also begins two terms", a, b)
	}
	if w := p.weight([]rune("不知道")); w != 1 {
		t.Errorf("weight(不知道) = %.2f, want 1: no term begins with 不 or ends with 道", w)
	}
}
