package classify

import (
	"sort"
	"strings"
	"unicode"

	"tian"
)

// A shape is a feature of how a text is written rather than of which
// words it uses: what makes a proposal read as 内容空泛 (short, no
// numbered measures, no figures, slogans) or as a personal appeal or a
// court case (first-person narrative, 判决/法院). Its value is in [0, 1];
// its cues, when it has any, are the words evidence points at. Line
// breaks are not a shape: they depend on how a text was pasted in.
type shape struct {
	name  string
	cues  []string
	value func(s textShape) float64
}

// textShape is what the shapes are measured on.
type textShape struct {
	text    string // title and body
	body    string
	letters int // letters and digits of the body
}

// Cue words, in normalised form (half-width ASCII punctuation, Simplified
// characters). They describe kinds of writing, not any proposal of the
// corpus; TrainFiling measures how often each shape occurs in filed and
// not filed proposals (FilingModel.Shapes, printed by tian eval filing).
var (
	personalCues = []string{"我家", "我们家", "本人", "我母亲", "我父亲", "我爱人", "我丈夫", "我妻子", "我儿子", "我女儿", "我的孩子", "我孩子", "我老伴", "家父", "家母"}
	caseCues     = []string{"判决", "法院", "仲裁", "诉讼", "起诉", "裁定", "强制执行", "胜诉", "败诉", "案件", "当事人"}
	sloganCues   = []string{"高度重视", "提高认识", "加强领导", "完善机制", "强化保障", "不断提升", "努力打造", "进一步加强", "切实加强", "大力推进", "积极推进", "共建共治", "形成合力", "各方面积极性"}
	appealCues   = []string{"希望", "请求", "恳请", "帮助解决", "讨个说法", "维权", "多次反映", "无人过问"}
	enumCues     = []string{"一是", "二是", "(一)", "(二)", "第一,", "第二,"}
)

// shapes are the text-shape features, in column order after the words.
var shapes = []shape{
	{name: "篇幅很短", value: func(s textShape) float64 { return b2f(s.letters < 150) }},
	{name: "篇幅较短", value: func(s textShape) float64 { return b2f(s.letters >= 150 && s.letters < 250) }},
	{name: "未分条提出措施", value: func(s textShape) float64 { return b2f(!enumerated(s.body)) }},
	{name: "未引用数据", value: func(s textShape) float64 { return b2f(strings.IndexFunc(s.body, unicode.IsDigit) < 0) }},
	{name: "未提出建议", value: func(s textShape) float64 { return b2f(!strings.Contains(s.body, "建议")) }},
	{name: "个人经历叙述", cues: personalCues, value: func(s textShape) float64 { return cueShare(s.text, personalCues, 1) }},
	{name: "涉及诉讼案件", cues: caseCues, value: func(s textShape) float64 { return cueShare(s.text, caseCues, 2) }},
	{name: "空泛表述", cues: sloganCues, value: func(s textShape) float64 { return cueShare(s.text, sloganCues, 3) }},
	{name: "诉求性表述", cues: appealCues, value: func(s textShape) float64 { return cueShare(s.text, appealCues, 2) }},
}

// measureShape reads the shape of a text, normalised line by line with
// norm (so that 建議 counts as 建议 and line starts stay).
func measureShape(norm func(string) string, title, body string) textShape {
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		lines[i] = norm(l)
	}
	body = strings.Join(lines, "\n")
	return textShape{text: norm(title) + "\n" + body, body: body, letters: len(tian.Letters(body))}
}

// shapeValues are the values of all shapes of a text.
func shapeValues(norm func(string) string, title, body string) []float64 {
	s := measureShape(norm, title, body)
	out := make([]float64, len(shapes))
	for i, sh := range shapes {
		out[i] = sh.value(s)
	}
	return out
}

// enumerated reports whether a text sets out its measures one by one:
// 一是…二是, （一）（二）, 第一，第二， or lines numbered 1、 2、.
func enumerated(body string) bool {
	n := 0
	for _, c := range enumCues {
		if strings.Contains(body, c) {
			n++
		}
	}
	numbered := 0
	for _, line := range strings.Split(body, "\n") {
		rs := []rune(strings.TrimSpace(line))
		if len(rs) > 1 && unicode.IsDigit(rs[0]) && strings.ContainsRune("、.)", rs[1]) {
			numbered++
		}
	}
	return n >= 2 || numbered >= 2
}

// cueShare is the number of cue occurrences in text over full, at most 1.
func cueShare(text string, cues []string, full int) float64 {
	n := 0
	for _, c := range cues {
		n += strings.Count(text, c)
	}
	return min(float64(n)/float64(full), 1)
}

// cueSpans are the byte spans of the cues in text as written, in order
// (a cue written otherwise, in Traditional characters say, has none).
func cueSpans(text string, cues []string) [][2]int {
	spans := [][2]int{}
	for _, c := range cues {
		for from := 0; ; {
			i := strings.Index(text[from:], c)
			if i < 0 {
				break
			}
			spans = append(spans, [2]int{from + i, from + i + len(c)})
			from += i + len(c)
		}
	}
	sort.Slice(spans, func(i, j int) bool {
		return spans[i][0] < spans[j][0] || spans[i][0] == spans[j][0] && spans[i][1] < spans[j][1]
	})
	return spans
}
