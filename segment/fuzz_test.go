package segment_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"tian"
)

// FuzzCut checks the segmenter's invariants on any input: no panic, every
// offset within the input and in order, valid UTF-8 out, and in exact mode
// the tokens rebuild the normalised text.
func FuzzCut(f *testing.F) {
	for _, seed := range []string{
		"健全一老一小服务体系，培育专精特新企业，解决群众急难愁盼问题",
		"關於加強養老服務體系建設的提案",
		"ＰＭ２．５浓度　　下降１２％\t\n",
		"2023年12月31日，二○○一年新年",
		"\xff\xfe停车\x00难\u200b",
		"",
	} {
		f.Add(seed, true)
	}
	s := defaultSegmenter(f)
	f.Fuzz(func(t *testing.T, text string, search bool) {
		mode := tian.ModeExact
		if search {
			mode = tian.ModeSearch
		}
		toks := s.Cut(text, tian.CutOptions{Mode: mode})
		var b strings.Builder
		for _, tok := range toks {
			if tok.Start < 0 || tok.Start > tok.End || tok.End > len(text) {
				t.Fatalf("token %+v out of range for %d bytes", tok, len(text))
			}
			if !utf8.ValidString(tok.Text) || tok.Text == "" {
				t.Fatalf("token %+v: empty or invalid UTF-8", tok)
			}
			if mode == tian.ModeExact {
				b.WriteString(tok.Text)
			}
		}
		if mode == tian.ModeExact && b.String() != s.Normalize(text) {
			t.Fatalf("tokens rebuild %q, want %q", b.String(), s.Normalize(text))
		}
	})
}
