package segment

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
)

// normText is normalised text with, for each of its bytes, the offset in
// the original input of the rune that byte came from. orig has len(s)+1
// entries; the last is len(input). Offsets never decrease.
type normText struct {
	s    string
	orig []int
}

// inputSpan maps the normalised byte range [start,end) to the input.
func (n *normText) inputSpan(start, end int) (int, int) {
	return n.orig[start], n.orig[end]
}

// normalize runs the whole normalisation: a rune pass (UTF-8, widths,
// whitespace, zero-width characters) and then Traditional to Simplified.
func normalize(in string, conv *converter) normText {
	n := normalizeRunes(in)
	if conv != nil {
		n = conv.toSimplified(n)
	}
	return n
}

// normalizeRunes does everything that maps one input rune to at most one
// output rune, plus the collapsing of whitespace runs.
func normalizeRunes(in string) normText {
	var b strings.Builder
	b.Grow(len(in))
	orig := make([]int, 0, len(in)+1)
	inSpace := false
	for i := 0; i < len(in); {
		r, size := utf8.DecodeRuneInString(in[i:])
		r = foldRune(r)
		switch {
		case r < 0: // dropped (zero-width)
		case unicode.IsSpace(r) || unicode.IsControl(r):
			if !inSpace {
				b.WriteByte(' ')
				orig = append(orig, i)
			}
			inSpace = true
		default:
			inSpace = false
			n, _ := b.WriteRune(r)
			for range n {
				orig = append(orig, i)
			}
		}
		i += size
	}
	orig = append(orig, len(in))
	return normText{s: b.String(), orig: orig}
}

// foldRune maps full-width ASCII to half-width and the ideographic space
// to a space; it returns -1 for characters that are dropped. An invalid
// byte arrives as utf8.RuneError and stays U+FFFD.
func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	case r == 0xFEFF || (r >= 0x200B && r <= 0x200D) || r == 0x2060:
		return -1
	}
	return r
}

// converter turns Traditional into Simplified Chinese with OpenCC. OpenCC
// converts phrase by phrase, so it is applied to whole runs of Han
// characters, and only to runs holding at least one character that t2s
// changes: Simplified text, the usual case, passes untouched and fast.
type converter struct {
	cc   *opencc.OpenCC
	trad map[rune]bool // characters that t2s changes on their own
}

var sharedConverter = sync.OnceValues(newConverter)

func newConverter() (*converter, error) {
	cc, err := opencc.New("t2s")
	if err != nil {
		return nil, err
	}
	c := &converter{cc: cc, trad: make(map[rune]bool, 4096)}
	for _, rg := range unicode.Han.R16 {
		for r := rune(rg.Lo); r <= rune(rg.Hi); r += rune(rg.Stride) {
			c.markIfTraditional(r)
		}
	}
	for _, rg := range unicode.Han.R32 {
		for r := rune(rg.Lo); r <= rune(rg.Hi) && r < 0x2A6E0; r += rune(rg.Stride) {
			c.markIfTraditional(r)
		}
	}
	return c, nil
}

func (c *converter) markIfTraditional(r rune) {
	s := string(r)
	if out, err := c.cc.Convert(s); err == nil && out != s {
		c.trad[r] = true
	}
}

// toSimplified converts every Han run that holds a Traditional character.
func (c *converter) toSimplified(n normText) normText {
	if !c.hasTraditional(n.s) {
		return n
	}
	var b strings.Builder
	b.Grow(len(n.s))
	orig := make([]int, 0, len(n.orig))
	for i := 0; i < len(n.s); {
		j, trad := hanRun(n.s, i, c.trad)
		if j == i { // not Han: copy one rune
			_, size := utf8.DecodeRuneInString(n.s[i:])
			b.WriteString(n.s[i : i+size])
			orig = append(orig, n.orig[i:i+size]...)
			i += size
			continue
		}
		run := n.s[i:j]
		out := run
		if trad {
			if conv, err := c.cc.Convert(run); err == nil {
				out = conv
			}
		}
		b.WriteString(out)
		orig = appendRunOrig(orig, n, i, j, run, out)
		i = j
	}
	orig = append(orig, n.orig[len(n.s)])
	return normText{s: b.String(), orig: orig}
}

func (c *converter) hasTraditional(s string) bool {
	for _, r := range s {
		if r >= 0x3400 && c.trad[r] {
			return true
		}
	}
	return false
}

// hanRun returns the end of the run of Han characters starting at i and
// whether it holds a Traditional character.
func hanRun(s string, i int, trad map[rune]bool) (int, bool) {
	has := false
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.Is(unicode.Han, r) {
			break
		}
		has = has || trad[r]
		i += size
	}
	return i, has
}

// appendRunOrig maps the converted run out (from the input bytes [i,j) of
// n) back to the input: rune by rune when the rune count is unchanged,
// otherwise every output byte maps to the start of the run.
func appendRunOrig(orig []int, n normText, i, j int, run, out string) []int {
	if utf8.RuneCountInString(run) != utf8.RuneCountInString(out) {
		for range len(out) {
			orig = append(orig, n.orig[i])
		}
		return orig
	}
	src := i
	for _, r := range out {
		_, inSize := utf8.DecodeRuneInString(n.s[src:j])
		for range utf8.RuneLen(r) {
			orig = append(orig, n.orig[src])
		}
		src += inSize
	}
	return orig
}
