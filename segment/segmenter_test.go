package segment_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"tian"
	"tian/segment"
)

// Each programme and institution name of the domain must be one word in
// exact mode, inside the sentences proposals actually write.
func TestCutExactKeepsDomainWords(t *testing.T) {
	s := defaultSegmenter(t)
	tests := []struct {
		text string
		want []string // words that must appear whole
	}{
		{"健全一老一小服务体系，培育专精特新企业，解决群众急难愁盼问题", []string{"一老一小", "专精特新", "急难愁盼"}},
		{"深化三医联动改革，推动医保、医疗、医药协同发展和治理", []string{"三医联动"}},
		{"探索飞地经济模式，与周边县区共建产业园区", []string{"飞地经济"}},
		{"加快建设国家区域中心城市，提升城市能级", []string{"国家区域中心城市"}},
		{"持续优化营商环境，推行一件事一次办改革", []string{"营商环境", "一件事一次办"}},
		{"以无废城市建设为抓手，稳妥推进碳达峰工作", []string{"无废城市", "碳达峰"}},
		{"统筹推进老旧小区改造和城中村改造，完善配套设施", []string{"老旧小区改造", "城中村改造"}},
		{"建议由市发改委牵头，工信局、住建局、人社局配合", []string{"市发改委", "工信局", "住建局", "人社局"}},
		{"本件提案由市民政局主办，市卫生健康委员会协办", []string{"提案", "市民政局", "主办", "市卫生健康委员会", "协办"}},
		{"经审查，该提案与第20240157号提案并案办理，列为重点提案", []string{"并案", "重点提案"}},
		{"民盟市委会提交的集体提案聚焦社区嵌入式养老", []string{"民盟市委会", "集体提案"}},
		{"高新技术产业开发区管理委员会负责孵化器建设", []string{"高新技术产业开发区管理委员会", "孵化器"}},
	}
	for _, tt := range tests {
		t.Run(tt.want[0], func(t *testing.T) {
			got := words(s.Cut(tt.text, tian.CutOptions{Mode: tian.ModeExact}))
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Cut(%q) = %q, want %q as one word", tt.text, strings.Join(got, " "), w)
				}
			}
		})
	}
}

// The same sentence without the domain dictionary shows what it fixes:
// gse alone splits these words (the pitfall the dictionary exists for).
func TestDomainDictionaryIsWhatJoinsTheWords(t *testing.T) {
	s := defaultSegmenter(t)
	plain, err := segment.New(segment.Config{NoDomain: true})
	if err != nil {
		t.Fatal(err)
	}
	text := "培育专精特新企业，健全一老一小服务，回应急难愁盼"
	for _, w := range []string{"专精特新", "一老一小", "急难愁盼"} {
		if got := words(plain.Cut(text, tian.CutOptions{})); slices.Contains(got, w) {
			t.Errorf("without the domain dictionary %q is already one word (%q): the test no longer shows the dictionary's effect", w, got)
		}
		if got := words(s.Cut(text, tian.CutOptions{})); !slices.Contains(got, w) {
			t.Errorf("with the domain dictionary %q should be one word, got %q", w, got)
		}
	}
}

func TestCutSearchAddsFinerParts(t *testing.T) {
	s := defaultSegmenter(t)
	text := "培育专精特新企业，推进老旧小区改造，落实一老一小政策"
	exact := words(s.Cut(text, tian.CutOptions{Mode: tian.ModeExact}))
	search := words(s.Cut(text, tian.CutOptions{Mode: tian.ModeSearch}))
	for _, w := range exact {
		if !slices.Contains(search, w) {
			t.Errorf("search mode lost the exact word %q: %q", w, search)
		}
	}
	for _, w := range []string{"专精", "特新", "老旧小区", "小区", "改造", "一老", "一小"} {
		if slices.Contains(exact, w) {
			t.Errorf("exact mode should not contain the part %q: %q", w, exact)
		}
		if !slices.Contains(search, w) {
			t.Errorf("search mode should add the part %q: %q", w, search)
		}
	}
}

// Parts share the position of the word they lie in, so phrase queries see
// them as alternatives, and carry their own offsets.
func TestCutSearchPartsOffsetsAndPositions(t *testing.T) {
	s := defaultSegmenter(t)
	text := "支持专精特新"
	toks := s.Cut(text, tian.CutOptions{Mode: tian.ModeSearch})
	want := []tian.Token{
		{Text: "支持", Start: 0, End: 6, Position: 1},
		{Text: "专精特新", Start: 6, End: 18, Position: 2},
		{Text: "专精", Start: 6, End: 12, Position: 2},
		{Text: "特新", Start: 12, End: 18, Position: 2},
	}
	if len(toks) != len(want) {
		t.Fatalf("Cut(%q) = %+v, want %+v", text, toks, want)
	}
	for i := range want {
		got := toks[i]
		got.Pos = ""
		if got != want[i] {
			t.Errorf("token %d = %+v, want %+v", i, got, want[i])
		}
	}
}

func TestNormalize(t *testing.T) {
	s := defaultSegmenter(t)
	tests := []struct{ name, in, want string }{
		{"full-width ASCII", "ＰＭ２．５浓度下降１２％", "PM2.5浓度下降12%"},
		{"whitespace runs", "关于  加快\t\n\n发展　　夜经济", "关于 加快 发展 夜经济"},
		{"traditional", "關於加強養老服務體系建設的提案", "关于加强养老服务体系建设的提案"},
		{"traditional phrase", "這個問題涉及頭髮和發展", "这个问题涉及头发和发展"},
		{"zero width", "垃圾\u200b分类\ufeff", "垃圾分类"},
		{"invalid UTF-8", "停车\xff难", "停车\uFFFD难"},
		{"simplified untouched", "城东区纺织厂家属院加装电梯", "城东区纺织厂家属院加装电梯"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Traditional input is cut like its Simplified form, so a query in either
// script finds the same words.
func TestCutTraditionalAsSimplified(t *testing.T) {
	s := defaultSegmenter(t)
	trad := words(s.Cut("培育專精特新企業，解決群眾急難愁盼問題", tian.CutOptions{}))
	simp := words(s.Cut("培育专精特新企业，解决群众急难愁盼问题", tian.CutOptions{}))
	if strings.Join(trad, " ") != strings.Join(simp, " ") {
		t.Errorf("traditional cut %q, simplified cut %q", trad, simp)
	}
}

// In exact mode with nothing dropped the tokens tile the normalised text,
// and each token's input span normalises to the token.
func TestCutOffsetsRebuildText(t *testing.T) {
	s := defaultSegmenter(t)
	for _, text := range []string{
		"关于加快发展社区嵌入式养老服务的提案\n截至2023年底，全市60岁及以上老年人口约78万人。",
		"  城北區　ＰＭ２．５超標，建議：１．加強散煤治理；２．推進清潔取暖。  ",
		"飛地經濟\u200b與專精特新\xfe\xff企業",
	} {
		checkTiling(t, s, text)
	}
}

func checkTiling(t *testing.T, s *segment.Segmenter, text string) {
	t.Helper()
	toks := s.Cut(text, tian.CutOptions{Mode: tian.ModeExact})
	var b strings.Builder
	prevEnd := 0
	for i, tok := range toks {
		b.WriteString(tok.Text)
		if tok.Start < prevEnd || tok.End < tok.Start || tok.End > len(text) {
			t.Fatalf("token %d %+v: offsets out of order or range (previous end %d, input %d bytes)", i, tok, prevEnd, len(text))
		}
		if got := s.Normalize(text[tok.Start:tok.End]); strings.TrimSpace(got) != strings.TrimSpace(tok.Text) {
			t.Errorf("token %d %q: input span %q normalises to %q", i, tok.Text, text[tok.Start:tok.End], got)
		}
		if tok.Position != i+1 {
			t.Errorf("token %d %q: position %d, want %d", i, tok.Text, tok.Position, i+1)
		}
		prevEnd = tok.End
	}
	if got, want := b.String(), s.Normalize(text); got != want {
		t.Errorf("tokens rebuild %q, want the normalised text %q", got, want)
	}
}

func TestCutDropsStopWordsAndPunctuation(t *testing.T) {
	s := defaultSegmenter(t)
	text := "建议进一步加强对城南区大学城周边的交通管理！"
	got := words(s.Cut(text, tian.CutOptions{DropStop: true, DropPunct: true}))
	for _, w := range []string{"建议", "进一步", "对", "的", "！", "!"} {
		if slices.Contains(got, w) {
			t.Errorf("Cut with DropStop and DropPunct kept %q: %q", w, got)
		}
	}
	for _, w := range []string{"城南区", "大学城", "周边"} {
		if !slices.Contains(got, w) {
			t.Errorf("Cut dropped the content word %q: %q", w, got)
		}
	}
}

func TestCutNeverFails(t *testing.T) {
	s := defaultSegmenter(t)
	for _, text := range []string{"", " ", "\x00\x01", "\xff\xfe\xfd", strings.Repeat("啊", 20000), "🙂🙂提案🙂", "a\u0301\u0301\u0301"} {
		toks := s.Cut(text, tian.CutOptions{Mode: tian.ModeSearch, DropStop: true, DropPunct: true})
		for _, tok := range toks {
			if tok.Start < 0 || tok.End > len(text) || tok.Start > tok.End || !utf8.ValidString(tok.Text) {
				t.Errorf("Cut(%.20q): bad token %+v", text, tok)
			}
		}
	}
}

func TestUserDictionaryTakesPrecedence(t *testing.T) {
	text := "推进玉带河左岸滨水慢行系统建设，打造鼓楼夜市"
	base := defaultSegmenter(t)
	if slices.Contains(words(base.Cut(text, tian.CutOptions{})), "滨水慢行系统") {
		t.Fatal("the default dictionaries already join 滨水慢行系统; pick another local term")
	}
	user, err := segment.ParseDictionary("local.txt", strings.NewReader("# local terms\n滨水慢行系统 5000 nz\n鼓樓夜市\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := segment.DefaultConfig()
	cfg.User = []*segment.Dictionary{user}
	s, err := segment.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := words(s.Cut(text, tian.CutOptions{}))
	for _, w := range []string{"滨水慢行系统", "鼓楼夜市", "玉带河"} {
		if !slices.Contains(got, w) {
			t.Errorf("with the user dictionary %q should be one word: %q", w, got)
		}
	}
	// The domain and base entries are still there after the user's.
	if got := words(s.Cut("培育专精特新企业", tian.CutOptions{})); !slices.Contains(got, "专精特新") || !slices.Contains(got, "企业") {
		t.Errorf("user dictionary dropped built-in entries: %q", got)
	}
}

func TestParseDictionaryErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"bad frequency", "专精特新 3000 nz\n飞地经济 many nz\n", "local.txt：第2行：“飞地经济”的词频“many”"},
		{"too many fields", "一老一小 10 nz extra\n", "local.txt：第1行：应为“词 [词频 [词性]]”"},
		{"negative frequency", "\n\n急难愁盼 -5\n", "local.txt：第3行"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := segment.ParseDictionary("local.txt", strings.NewReader(tt.text))
			if tian.ErrorCode(err) != tian.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseDictionary: err = %v, want EINVALID naming %q", err, tt.want)
			}
		})
	}
}

func TestKnown(t *testing.T) {
	s := defaultSegmenter(t)
	tests := []struct {
		word string
		want bool
	}{
		{"专精特新", true},  // domain
		{"专精特", false},  // a prefix of a domain entry is no word
		{"經濟", true},    // zh_s, after t2s
		{"首发经济", false}, // in neither dictionary
		{"并案办理", false}, // removed by frequency 0
		{"", false},
	}
	for _, tt := range tests {
		if got := s.Known(tt.word); got != tt.want {
			t.Errorf("Known(%q) = %v, want %v", tt.word, got, tt.want)
		}
	}
}
