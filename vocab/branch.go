package vocab

import "math"

// group is the n-gram shared by the suffixes sa[lo:hi].
type group struct {
	n, lo, hi int
	entropy   float64 // of the rune after the n-gram
}

// groups calls visit for every n-gram of 1..maxLen runes that occurs at
// least minFreq times, in the order of sa, with the branching entropy of
// what follows it. sa and lcp come from c.suffixes with a depth above
// maxLen, so the following rune is inside every key.
func groups(c *corpus, sa []int32, lcp []uint8, maxLen, minFreq int, visit func(group)) {
	for n := 1; n <= maxLen; n++ {
		for lo := 0; lo < len(sa); {
			hi := lo + 1
			for hi < len(sa) && int(lcp[hi]) >= n {
				hi++
			}
			if int(c.remain[sa[lo]]) >= n && hi-lo >= minFreq {
				visit(group{n: n, lo: lo, hi: hi, entropy: following(c, sa, lcp, n, lo, hi)})
			}
			lo = hi
		}
	}
}

// following returns the entropy, in nats, of the rune after the n-gram of
// sa[lo:hi]. The end of a run (punctuation, a digit, the end of the text)
// counts as a distinct neighbour each time: nothing binds the n-gram to
// what comes after it there. Suffixes with the same next rune are adjacent
// in sa, sharing n+1 runes.
func following(c *corpus, sa []int32, lcp []uint8, n, lo, hi int) float64 {
	f := float64(hi - lo)
	h, same := 0.0, 0
	for i := lo; i < hi; i++ {
		if int(c.remain[sa[i]]) == n {
			h += math.Log(f) / f
			continue
		}
		same++
		if i+1 == hi || int(lcp[i+1]) <= n {
			p := float64(same) / f
			h -= p * math.Log(p)
			same = 0
		}
	}
	return h
}
