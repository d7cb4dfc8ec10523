package vocab_test

import (
	"context"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"tian/vocab"
)

// FuzzDiscover checks the invariants on any input: no panic, and every
// candidate is Han characters only, within the lengths, as often in the
// texts as it says, with examples that hold it.
func FuzzDiscover(f *testing.F) {
	f.Add("推进保交楼，保交楼项目；保交楼资金。", "落实保交楼政策\n保交楼 2023年")
	f.Add("\xff\xfe首发经济首发经济首发经济", "首发经济𠮷𠮷𠮷首发经济")
	f.Add("", "5G5G5G基站基站基站")
	f.Fuzz(func(t *testing.T, a, b string) {
		texts := []string{a, b, a + b}
		cands, err := vocab.Discover(context.Background(), texts, nil, vocab.Options{MinFreq: 2, Examples: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cands {
			n := 0
			for _, r := range c.Word {
				if !unicode.Is(unicode.Han, r) {
					t.Fatalf("%q holds %q", c.Word, r)
				}
				n++
			}
			if n < 2 || n > 8 {
				t.Fatalf("%q has %d characters", c.Word, n)
			}
			if occ := overlapping(texts, c.Word); occ < c.Freq {
				t.Fatalf("%q: Freq %d but the texts hold it %d times", c.Word, c.Freq, occ)
			}
			for _, e := range c.Examples {
				if !strings.Contains(e, c.Word) {
					t.Fatalf("%q: example %q lacks it", c.Word, e)
				}
			}
		}
	})
}

// overlapping counts the occurrences of w in texts, overlapping ones too
// (𠮷𠮷 twice in 𠮷𠮷𠮷), as Discover counts them.
func overlapping(texts []string, w string) int {
	n := 0
	for _, t := range texts {
		for i := 0; ; {
			j := strings.Index(t[i:], w)
			if j < 0 {
				break
			}
			n++
			_, size := utf8.DecodeRuneInString(t[i+j:])
			i += j + size
		}
	}
	return n
}
