package vocab

import (
	"cmp"
	"slices"
	"unicode"
	"unicode/utf8"
)

// sep separates the runs of a corpus; no n-gram crosses it. num and latin
// stand for a run of ASCII digits and of ASCII letters: they are context
// (the 个月 of 3个月 follows a number, not a boundary) but never part of a
// candidate.
const (
	sep   = rune(0)
	num   = rune(1)
	latin = rune(2)
)

// corpus is the texts as one rune sequence of Han characters and the num
// and latin symbols: each run (a stretch between punctuation, spaces and
// other symbols) is followed by sep.
type corpus struct {
	text   []rune
	doc    []int32 // the text each position comes from
	offset []int32 // the rune offset of each position in its text
	remain []int32 // runes from each position to the end of its run
	chars  int     // Han characters, the PMI's total
	docs   int     // texts
}

func newCorpus(texts []string) *corpus {
	c := &corpus{docs: len(texts)}
	size := 0
	for _, t := range texts {
		size += utf8.RuneCountInString(t) + 1 // at most a symbol a rune, and a sep
	}
	c.text, c.doc, c.offset = make([]rune, 0, size), make([]int32, 0, size), make([]int32, 0, size)
	for d, t := range texts {
		i, prev := int32(0), sep
		for _, r := range t {
			k := kind(r)
			switch {
			case k == sep && prev != sep:
				c.add(sep, int32(d), i)
			case k == han:
				c.add(r, int32(d), i)
				c.chars++
			case k != sep && k != prev:
				c.add(k, int32(d), i)
			}
			prev = k
			i++
		}
		if prev != sep {
			c.add(sep, int32(d), i)
		}
	}
	c.remain = make([]int32, len(c.text))
	for p := len(c.text) - 2; p >= 0; p-- {
		if c.text[p] != sep {
			c.remain[p] = c.remain[p+1] + 1
		}
	}
	return c
}

// han is kind's answer for a Han character.
const han = rune(3)

// kind classifies r: han, num, latin or sep.
func kind(r rune) rune {
	switch {
	case unicode.Is(unicode.Han, r):
		return han
	case r >= '0' && r <= '9':
		return num
	case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		return latin
	}
	return sep
}

func (c *corpus) add(r rune, doc, offset int32) {
	c.text = append(c.text, r)
	c.doc = append(c.doc, doc)
	c.offset = append(c.offset, offset)
}

// reversed returns the corpus with every run read backwards, so that the
// right neighbours of its n-grams are the left neighbours of the original's.
// It has the text only (no doc or offset): reading c backwards gives a sep
// first, so position p of the result is position n-2-p of c (and the last
// is the leading sep), which leaves every run followed by a sep.
func (c *corpus) reversed() *corpus {
	n := len(c.text)
	r := &corpus{text: make([]rune, n), remain: make([]int32, n), chars: c.chars, docs: c.docs}
	for p := range n {
		// text[n-1] is a sep; shift by one so each reversed run ends in one.
		r.text[p] = c.text[(2*n-2-p)%n]
	}
	for p := n - 2; p >= 0; p-- {
		if r.text[p] != sep {
			r.remain[p] = r.remain[p+1] + 1
		}
	}
	return r
}

// suffixes sorts the positions that start a run's n-gram by their first
// depth runes (cut at the end of the run, a shorter key first), then by
// position, and returns them with lcp[i], the runes sa[i] shares with
// sa[i-1] (at most depth).
func (c *corpus) suffixes(depth int) (sa []int32, lcp []uint8) {
	for p := range c.text {
		if c.text[p] != sep {
			sa = append(sa, int32(p))
		}
	}
	key := func(p int32) []rune { return c.text[p : p+min(c.remain[p], int32(depth))] }
	slices.SortFunc(sa, func(a, b int32) int {
		if o := slices.Compare(key(a), key(b)); o != 0 {
			return o
		}
		return cmp.Compare(a, b)
	})
	lcp = make([]uint8, len(sa))
	for i := 1; i < len(sa); i++ {
		ka, kb := key(sa[i-1]), key(sa[i])
		n := 0
		for n < len(ka) && n < len(kb) && ka[n] == kb[n] {
			n++
		}
		lcp[i] = uint8(n)
	}
	return sa, lcp
}
