package relate

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"

	"tian"
)

// Copies that survive editing. Two texts are copies when most of each is
// made of the other's clauses, however reordered or reworded: each clause
// of one is aligned with its most alike clause of the other by the Dice
// coefficient of their character bigrams; the share of each text's
// bigrams in aligned clauses is its cover. Unlike a
// Jaccard of 5-character shingles, which a synonym every few characters
// breaks, bigrams survive synonyms, reordered clauses and added words,
// and the alignment survives reordered sentences and added or removed
// ones.

// CopyParams decide what counts as a copy.
type CopyParams struct {
	// Sentence is the Dice of two sentences' bigrams from which they
	// align.
	Sentence float64
	// Cover is the share of each text that must align with the other.
	Cover float64
}

// DefaultCopyParams were chosen on the dev half of testdata/neardup.jsonl
// (even-numbered copies, every other same-topic pair) and the demo
// corpus. On the dev half every setting with Sentence 0.3–0.5 and Cover
// 0.2–0.4 caught all light and moderate copies and no same-topic pair;
// comparing the corpus's proposals of each year with that year's and the
// next's, Sentence 0.4 / Cover 0.3 flagged its 61 known copies and 9
// pairs on one topic written apart, Sentence 0.5 / Cover 0.4 the 61 and
// 2. Aligning clauses rather than sentences (cutting only those over 60
// characters) then caught 16 of 16 heavy dev copies instead of 15 and
// flagged 1 corpus pair instead of 2.
func DefaultCopyParams() CopyParams { return CopyParams{Sentence: 0.5, Cover: 0.4} }

// copyText is a text cut for alignment.
type copyText struct {
	sents []copySentence
	size  int // the sentences' bigrams
}

type copySentence struct {
	text  string  // as written, for the reason shown to staff
	grams hashSet // its distinct character bigrams (two runes packed), sorted
}

// minSentenceRunes leaves out sentences too short to tell anything
// ("建议：", "一、").
const minSentenceRunes = 6

// newCopyText cuts title and body into clauses (sentences cut at commas
// and colons: a reworded copy keeps clauses more often than whole
// sentences), each with its distinct character bigrams.
func newCopyText(seg tian.Segmenter, title, body string) *copyText {
	t := &copyText{}
	add := func(s string) {
		letters := []rune(tian.Letters(seg.Normalize(s)))
		if len(letters) < minSentenceRunes {
			return
		}
		cs := copySentence{text: strings.TrimSpace(s), grams: make(hashSet, 0, len(letters)-1)}
		for i := 0; i+1 < len(letters); i++ {
			cs.grams = append(cs.grams, uint64(letters[i])<<32|uint64(letters[i+1]))
		}
		slices.Sort(cs.grams)
		cs.grams = slices.Compact(cs.grams)
		t.sents = append(t.sents, cs)
		t.size += len(cs.grams)
	}
	for _, s := range append([]string{title}, splitSentences(body)...) {
		for _, c := range splitClauses(s) {
			add(c)
		}
	}
	return t
}

// splitClauses cuts a sentence at commas and colons, full-width or not,
// but not at a half-width one inside a number (1,400, 9:30) or a web
// address (https://).
func splitClauses(s string) []string {
	var out []string
	rs := []rune(s)
	start := 0
	digit := func(i int) bool { return i >= 0 && i < len(rs) && rs[i] >= '0' && rs[i] <= '9' }
	for i, r := range rs {
		cut := r == '，' || r == '：'
		switch r {
		case ',':
			cut = !(digit(i-1) && digit(i+1))
		case ':':
			cut = !(digit(i-1) && digit(i+1)) && !(i+1 < len(rs) && rs[i+1] == '/')
		}
		if cut {
			if i > start {
				out = append(out, string(rs[start:i]))
			}
			start = i + 1
		}
	}
	if start < len(rs) {
		out = append(out, string(rs[start:]))
	}
	return out
}

// splitSentences cuts text at sentence ends and line breaks.
func splitSentences(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		switch r {
		case '。', '！', '？', '；', '!', '?', ';', '\n', '\r':
			return true
		}
		return unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r)
	})
}

// dice is the Dice coefficient of two sentences' bigrams.
func (a *copySentence) dice(b *copySentence) float64 {
	if len(a.grams)+len(b.grams) == 0 {
		return 0
	}
	return 2 * float64(intersect(a.grams, b.grams)) / float64(len(a.grams)+len(b.grams))
}

// CopyEvidence is how much of two texts aligns, sentence by sentence.
type CopyEvidence struct {
	// CoverA and CoverB are the shares of each text (by bigrams) in
	// sentences aligned with the other.
	CoverA, CoverB float64
	// Pairs are the aligned sentences, A's order, each with its Dice.
	Pairs []tian.SentencePair
}

// alignCopies aligns every sentence of a with its most alike sentence of
// b, and the other way round.
func alignCopies(a, b *copyText, p CopyParams) CopyEvidence {
	var ev CopyEvidence
	if a.size == 0 || b.size == 0 {
		return ev
	}
	best := make([]float64, len(b.sents)) // b's best match
	covered := 0
	for i := range a.sents {
		top, at := 0.0, -1
		for j := range b.sents {
			d := a.sents[i].dice(&b.sents[j])
			if d > top {
				top, at = d, j
			}
			best[j] = math.Max(best[j], d)
		}
		if top >= p.Sentence {
			covered += len(a.sents[i].grams)
			ev.Pairs = append(ev.Pairs, tian.SentencePair{A: a.sents[i].text, B: b.sents[at].text, Similarity: math.Round(top*1000) / 1000})
		}
	}
	ev.CoverA = float64(covered) / float64(a.size)
	covered = 0
	for j := range b.sents {
		if best[j] >= p.Sentence {
			covered += len(b.sents[j].grams)
		}
	}
	ev.CoverB = float64(covered) / float64(b.size)
	return ev
}

// compare aligns two texts and decides whether they are copies.
func (p CopyParams) compare(a, b *copyText) (CopyEvidence, bool) {
	ev := alignCopies(a, b, p)
	return ev, ev.isCopy(p)
}

// copyOverlapFloor is the Dice of two texts' character 1–3-grams (the
// overlap Similar computes for every candidate) below which they are not
// aligned at all: on testdata/neardup.jsonl the least of any copy was
// 0.42 and the most of a same-topic pair 0.24.
const copyOverlapFloor = 0.3

// maxPassages is how many aligned sentences a match shows.
const maxPassages = 5

// isCopy decides from the covers: each text mostly made of the other.
func (ev CopyEvidence) isCopy(p CopyParams) bool { return math.Min(ev.CoverA, ev.CoverB) >= p.Cover }

// tellingPairs keeps n of the aligned sentences to show staff, in A's
// order: the reworded ones (most alike first), which show the copy
// survived editing, and the longest identical ones, which show it is a
// copy, at most half of each when both are there.
func tellingPairs(ps []tian.SentencePair, n int) []tian.SentencePair {
	if len(ps) <= n {
		return ps
	}
	var edited, same []int
	for i, p := range ps {
		if p.Similarity < 1 {
			edited = append(edited, i)
		} else {
			same = append(same, i)
		}
	}
	sort.SliceStable(edited, func(i, j int) bool { return ps[edited[i]].Similarity > ps[edited[j]].Similarity })
	sort.SliceStable(same, func(i, j int) bool { return len(ps[same[i]].A) > len(ps[same[j]].A) })
	keepEdited := min(len(edited), max(n-len(same), (n+1)/2))
	idx := append(edited[:keepEdited], same[:min(len(same), n-keepEdited)]...)
	sort.Ints(idx)
	out := make([]tian.SentencePair, len(idx))
	for i, k := range idx {
		out[i] = ps[k]
	}
	return out
}

// CopyComparer tells copies from texts on the same topic.
type CopyComparer struct {
	seg    tian.Segmenter
	params CopyParams
}

// NewCopyComparer compares with the segmenter's normalisation. (Bigrams
// weighted by their IDF in the corpus were tried on the benchmark's dev
// half and the corpus: no copy more caught, one corpus pair fewer
// flagged of 9 at the looser setting, none at the default; not kept.)
func NewCopyComparer(seg tian.Segmenter, p CopyParams) *CopyComparer {
	return &CopyComparer{seg: seg, params: p}
}

// Compare aligns two texts.
func (c *CopyComparer) Compare(aTitle, aBody, bTitle, bBody string) (CopyEvidence, bool) {
	return c.params.compare(newCopyText(c.seg, aTitle, aBody), newCopyText(c.seg, bTitle, bBody))
}

// CopyPair is two texts of a set that repeat each other.
type CopyPair struct {
	A, B int // indexes into the set, A < B
	// Evidence aligns A's sentences with B's.
	CopyEvidence
}

// prefilterShare is the share of the rarer text's distinctive bigrams
// another text must hold to be aligned with it at all; distinctive
// bigrams are those in at most prefilterDF of the set (and 2 texts).
const (
	prefilterShare = 0.3
	prefilterDF    = 0.05
)

// FindCopies returns every pair of texts of a set that repeat each other
// (a year's proposals, for the office's 查重), without aligning every
// pair: an inverted index of the set's distinctive character bigrams
// proposes the pairs that share many, and only those are aligned.
func (c *CopyComparer) FindCopies(ps []*tian.Proposal) []CopyPair {
	return c.FindCopiesOf(ps, nil)
}

// FindCopiesOf is FindCopies keeping only the pairs with at least one
// text in focus (nil: every pair): a year's proposals among those of the
// years before, which are compared with the year's but not with each
// other.
func (c *CopyComparer) FindCopiesOf(ps []*tian.Proposal, focus func(i int) bool) []CopyPair {
	return c.params.findCopies(copyTexts(c.seg, ps), focus)
}

// copyTexts cuts each proposal for alignment.
func copyTexts(seg tian.Segmenter, ps []*tian.Proposal) []*copyText {
	texts := make([]*copyText, len(ps))
	for i, p := range ps {
		texts[i] = newCopyText(seg, p.Title, p.Body)
	}
	return texts
}

// findCopies is FindCopiesOf over texts already cut.
func (p CopyParams) findCopies(texts []*copyText, focus func(i int) bool) []CopyPair {
	n := len(texts)
	grams := make([][]int32, n) // each text's distinct bigrams, as ids
	ids := map[uint64]int32{}
	var df []int32
	for i := range texts {
		seen := map[int32]bool{}
		for _, s := range texts[i].sents {
			for _, g := range s.grams {
				id, ok := ids[g]
				if !ok {
					id = int32(len(df))
					ids[g] = id
					df = append(df, 0)
				}
				if !seen[id] {
					seen[id] = true
					grams[i] = append(grams[i], id)
					df[id]++
				}
			}
		}
	}
	maxDF := int32(max(2, int(prefilterDF*float64(n))))
	postings := make([][]int32, len(df))
	rare := make([]int, n)
	for i, gs := range grams {
		for _, g := range gs {
			if df[g] <= maxDF {
				postings[g] = append(postings[g], int32(i))
				rare[i]++
			}
		}
	}
	var out []CopyPair
	shared := make([]int32, n)
	for i, gs := range grams {
		inFocus := focus == nil || focus(i)
		clear(shared)
		for _, g := range gs {
			if df[g] > maxDF {
				continue
			}
			for _, j := range postings[g] {
				if int(j) > i {
					shared[j]++
				}
			}
		}
		for j := i + 1; j < n; j++ {
			least := min(rare[i], rare[j])
			if least == 0 || float64(shared[j]) < prefilterShare*float64(least) || !inFocus && !focus(j) {
				continue
			}
			if ev, copied := p.compare(texts[i], texts[j]); copied {
				out = append(out, CopyPair{A: i, B: j, CopyEvidence: ev})
			}
		}
	}
	return out
}
