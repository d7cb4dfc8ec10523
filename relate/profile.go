package relate

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"tian"
)

// Params tune similarity. DefaultParams were chosen on the STS-B train
// split and on the 2021–2022 part of the corpus gold (tune_test.go, run
// with TIAN_TUNE=1);
// the figures reported are on the other data.
type Params struct {
	// Alpha weighs the term-vector cosine against the character-shingle
	// overlap in the score.
	Alpha float64
	// ShingleK is the length of the character shingles of the overlap;
	// 0 takes shingles of lengths 1 to 3 together, which suits both short
	// sentences and whole proposals.
	ShingleK int
	// NearDuplicate is the Jaccard similarity of 5-character shingles of
	// two bodies above which they are one text resubmitted or copied.
	NearDuplicate float64
	// MinScore drops candidates scoring below it.
	MinScore float64
	// DomainPower raises IDF to this power in the domain weighting of the
	// pair model's title, body and phrase vectors: above 1 it discounts
	// the words most proposals use (建议, 加快, 推进) far more than
	// plain IDF does.
	DomainPower float64
}

// DefaultParams are the tuned parameters.
func DefaultParams() Params {
	return Params{Alpha: 0.8, ShingleK: 0, NearDuplicate: 0.25, MinScore: 0.05, DomainPower: 3}
}

// paramsOr returns *p, or DefaultParams when p is nil.
func paramsOr(p *Params) Params {
	if p == nil {
		return DefaultParams()
	}
	return *p
}

// profile is what similarity compares: a text's weighted terms and its
// character shingles, and for the learned pair model its title and body
// apart, its key phrases and the places it names.
type profile struct {
	terms    map[string]float64 // tf-idf, L2-normalised
	ranked   []string           // terms by weight, strongest first
	shingles hashSet            // character 1–3-grams (or ShingleK-grams)

	title, body map[string]float64 // domain-weighted, L2-normalised
	phrases     map[string]float64 // key phrases, domain-weighted, L2-normalised
	names       map[string]bool    // phrases and words that may name a topic (labels, reasons)
	places      []string
}

// newProfile builds the profile of a title and body. Title words count
// twice: a title states the subject.
func newProfile(seg tian.Segmenter, title, body string, cs *corpusStats, p Params) *profile {
	titleToks, bodyToks := contentTokens(seg, title), contentTokens(seg, body)
	tf := map[string]float64{}
	for _, t := range titleToks {
		tf[t.Text] += 2
	}
	for _, t := range bodyToks {
		tf[t.Text]++
	}
	pr := &profile{terms: tian.TFIDF(tf, cs.idf)}
	for t := range pr.terms {
		pr.ranked = append(pr.ranked, t)
	}
	sort.Slice(pr.ranked, func(i, j int) bool {
		a, b := pr.terms[pr.ranked[i]], pr.terms[pr.ranked[j]]
		if a != b {
			return a > b
		}
		return pr.ranked[i] < pr.ranked[j]
	})
	text := tian.Letters(seg.Normalize(title + body))
	if p.ShingleK > 0 {
		pr.shingles = shingles(text, p.ShingleK)
	} else {
		pr.shingles = shingles(text, 1, 2, 3)
	}
	dw := cs.domainWeight(p.DomainPower)
	pr.title = weighTerms(titleToks, dw)
	pr.body = weighTerms(bodyToks, dw)
	pr.phrases, pr.names = map[string]float64{}, map[string]bool{}
	for _, toks := range [][]tian.Token{titleToks, bodyToks} {
		phrases, names := keyPhrases(toks, cs, dw)
		for ph, w := range phrases {
			pr.phrases[ph] = max(pr.phrases[ph], w)
		}
		for ph := range names {
			pr.names[ph] = true
		}
		for _, t := range toks {
			// subject words: nouns of two or more characters
			if utf8.RuneCountInString(t.Text) >= 2 && (t.Pos != "" && nounish(t.Pos) || isAcronym(t)) && !cs.isGeneric(t.Text) {
				pr.names[t.Text] = true
			}
			if isPlace(t) && !slices.Contains(pr.places, t.Text) {
				pr.places = append(pr.places, t.Text)
			}
		}
	}
	tian.UnitLength(pr.phrases)
	return pr
}

// isAcronym reports whether a token is a Latin abbreviation (AED, CT,
// 5G), which the dictionaries leave untagged ("x").
func isAcronym(t tian.Token) bool {
	if t.Pos != "x" {
		return false
	}
	letters := false
	for _, r := range t.Text {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letters = true
		case r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return letters
}

// contentTokens are the exact-mode words of a text that carry meaning,
// lower-cased, without stop words, punctuation or pure numbers.
func contentTokens(seg tian.Segmenter, text string) []tian.Token {
	toks := seg.Cut(text, tian.CutOptions{Mode: tian.ModeExact, DropStop: true, DropPunct: true})
	out := toks[:0]
	for _, t := range toks {
		if isNumeric(t.Text) {
			continue
		}
		t.Text = strings.ToLower(t.Text)
		out = append(out, t)
	}
	return out
}

// weighTerms is the L2-normalised vector of sublinear term frequency
// times domain weight.
func weighTerms(toks []tian.Token, dw func(string) float64) map[string]float64 {
	tf := map[string]float64{}
	for _, t := range toks {
		tf[t.Text]++
	}
	return tian.TFIDF(tf, dw)
}

// keywordTerms are the words that carry meaning: exact-mode words,
// lower-cased, without stop words, punctuation or pure numbers. Words of
// one character count (猫 and 狗 differ); IDF keeps the common ones weak,
// and labels and reasons show only longer words (see isLabelTerm).
func keywordTerms(seg tian.Segmenter, text string) []string {
	toks := contentTokens(seg, text)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

func isNumeric(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) && r != '.' && r != '%' {
			return false
		}
	}
	return true
}

// hashSet is a set of shingle hashes, sorted: a tenth of a map's memory,
// and two sets intersect by one merge (profiles are cached by the tens of
// thousands).
type hashSet []uint64

// shingles hashes the character k-grams of r for each k (a text shorter
// than k as one shingle).
func shingles(r []rune, ks ...int) hashSet {
	out := make(hashSet, 0, len(ks)*len(r))
	for _, k := range ks {
		if len(r) < k {
			if len(r) > 0 {
				out = append(out, hash(r))
			}
			continue
		}
		for i := 0; i+k <= len(r); i++ {
			out = append(out, hash(r[i:i+k]))
		}
	}
	slices.Sort(out)
	return slices.Clip(slices.Compact(out))
}

// hash is FNV-1a over the runes' four little-endian bytes each, without
// the allocation of hash/fnv.
func hash(r []rune) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, c := range r {
		for _, b := range [4]byte{byte(c), byte(c >> 8), byte(c >> 16), byte(c >> 24)} {
			h ^= uint64(b)
			h *= prime
		}
	}
	return h
}

// intersect counts the hashes two sets share.
func intersect(a, b hashSet) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

func jaccard(a, b hashSet) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := intersect(a, b)
	return float64(n) / float64(len(a)+len(b)-n)
}

// shingleOverlap is the Dice coefficient of two profiles' shingles.
func shingleOverlap(a, b *profile) float64 {
	if n := len(a.shingles) + len(b.shingles); n > 0 {
		return 2 * float64(intersect(a.shingles, b.shingles)) / float64(n)
	}
	return 0
}

// comparison is how two profiles relate.
type comparison struct {
	score, cosine, overlap float64
	shared                 []string
}

// compare scores b against a in [0,1]: Alpha·cosine + (1−Alpha)·Dice of
// the character shingles.
func compare(a, b *profile, p Params) comparison {
	c := comparison{cosine: tian.Cosine(a.terms, b.terms), overlap: shingleOverlap(a, b)}
	c.score = p.Alpha*c.cosine + (1-p.Alpha)*c.overlap
	return c
}

// sharedTerms returns up to n terms both profiles hold, by the product of
// their weights: the reason two proposals are alike.
func sharedTerms(a, b *profile, n int) []string {
	type tw struct {
		t string
		w float64
	}
	var both []tw
	for t, w := range a.terms {
		if v, ok := b.terms[t]; ok && isLabelTerm(t) && a.names[t] {
			both = append(both, tw{t, w * v})
		}
	}
	sort.Slice(both, func(i, j int) bool {
		if both[i].w != both[j].w {
			return both[i].w > both[j].w
		}
		return both[i].t < both[j].t
	})
	out := make([]string, 0, n)
	for i := 0; i < len(both) && i < n; i++ {
		out = append(out, both[i].t)
	}
	return out
}

// isLabelTerm reports whether a term may name a topic to a person: a word
// of two or more characters.
func isLabelTerm(t string) bool { return utf8.RuneCountInString(t) >= 2 }

// corpusStats are the document frequencies of the indexed text, for IDF.
type corpusStats struct {
	n  int
	df map[string]int
}

func (c *corpusStats) idf(term string) float64 { return tian.IDF(c.n, c.df[term]) }

// domainWeight is IDF raised to power: the weight of a word in the pair
// model's vectors. Learned from document frequencies alone, it keeps the
// subject words and silences the words every proposal uses.
func (c *corpusStats) domainWeight(power float64) func(string) float64 {
	if power == 0 {
		power = 1
	}
	return func(t string) float64 { return math.Pow(c.idf(t), power) }
}

// isGeneric reports whether a word is one most proposals use: held by
// more than genericShare of the documents. A handful of documents cannot
// tell (every shared word would be generic): below minGenericDocs none is.
func (c *corpusStats) isGeneric(t string) bool {
	return c.n >= minGenericDocs && float64(c.df[t]) > genericShare*float64(c.n)
}

// genericShare is the document share above which a word is generic;
// minGenericDocs the documents needed to say so.
const (
	genericShare   = 0.05
	minGenericDocs = 50
)

func round3(x float64) float64 {
	return float64(int(x*1000+0.5)) / 1000
}
