package relate

import (
	"math"
	"strings"
	"unicode/utf8"

	"tian"
)

// Pair features: what a learned model weighs to decide whether two
// proposals concern one matter. Each measures something different, so
// that a model over them can trust one where another is blind: the
// subject as titles state it, the body's vocabulary, the characters
// themselves (words the segmenter cuts differently), multi-word key
// phrases, the office’s own facts (category, routing) and
// the places the proposals are about.
const (
	fCosine    = iota // TF-IDF cosine of title and body words (title twice)
	fTitle            // cosine of the titles' words, domain-weighted
	fBody             // cosine of the bodies' words, domain-weighted
	fShingle          // Dice of character 1–3-grams
	fPhrase           // cosine of key phrases, domain-weighted
	fPhraseTop        // the strongest shared key phrase, by its weight
	fCategory         // 1 same category, 0 different, NaN unknown
	fUnits            // 1 same lead unit, else Jaccard of all units; NaN unknown
	fPlace            // +1 a shared place, −1 only different places, 0 none named
	fCross            // cosine of one's title with the other's body, the larger way round
	fTop              // Jaccard of the five strongest terms of each
	nFeatures
)

// featureNames name the features in a stored model, in order.
var featureNames = [nFeatures]string{"cosine", "title", "body", "shingle", "phrase", "phrase_top", "category", "units", "place", "cross", "top"}

// features measures the pair (a, b); pa and pb are the stored proposals,
// nil for a free text, whose category and units are then unknown (NaN:
// the model weighs an unknown value as the mean of its training pairs).
func features(a, b *profile, pa, pb *tian.Proposal) [nFeatures]float64 {
	var f [nFeatures]float64
	f[fCosine] = tian.Cosine(a.terms, b.terms)
	f[fTitle] = tian.Cosine(a.title, b.title)
	f[fBody] = tian.Cosine(a.body, b.body)
	f[fShingle] = shingleOverlap(a, b)
	f[fPhrase] = tian.Cosine(a.phrases, b.phrases)
	for ph, w := range a.phrases {
		if v, ok := b.phrases[ph]; ok {
			f[fPhraseTop] = max(f[fPhraseTop], math.Sqrt(w*v))
		}
	}
	f[fCategory], f[fUnits] = math.NaN(), math.NaN() // unknown for a free text
	if pa != nil && pb != nil {
		if pa.Category != "" && pb.Category != "" {
			f[fCategory] = 0
			if pa.Category == pb.Category {
				f[fCategory] = 1
			}
		}
		f[fUnits] = unitAgreement(pa, pb)
	}
	f[fPlace] = placeAgreement(a.places, b.places)
	f[fCross] = max(tian.Cosine(a.title, b.body), tian.Cosine(b.title, a.body))
	f[fTop] = topOverlap(a.ranked, b.ranked, 5)
	return f
}

// unitAgreement is 1 when two routed proposals share their lead unit,
// else the Jaccard overlap of their lead and co-handling units; NaN
// (unknown) when either is not routed.
func unitAgreement(a, b *tian.Proposal) float64 {
	if a.LeadUnit == "" || b.LeadUnit == "" {
		return math.NaN()
	}
	if a.LeadUnit == b.LeadUnit {
		return 1
	}
	ua := append([]string{a.LeadUnit}, a.CoUnits...)
	ub := append([]string{b.LeadUnit}, b.CoUnits...)
	var both int
	for _, x := range ua {
		for _, y := range ub {
			if x == y {
				both++
				break
			}
		}
	}
	return float64(both) / float64(len(ua)+len(ub)-both)
}

func placeAgreement(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return 1
			}
		}
	}
	return -1
}

// placeSuffixes end the names of the districts, counties, towns and
// villages a proposal may be about; placeNotNames are common nouns with
// those endings.
var (
	placeSuffixes = []string{"区", "县", "镇", "乡", "街道", "村", "市"}
	placeNotNames = []string{"小区", "社区", "园区", "景区", "城区", "片区", "学区", "街区", "辖区", "库区", "矿区", "山区", "新区", "老区", "市区", "城市", "超市", "都市", "城乡", "农村", "乡村", "乡镇", "城镇", "集镇", "本市", "我市", "全市", "各区", "各县", "全县", "全区"}
)

// isPlace reports whether an exact-mode token names a place: a word of
// three or more characters the dictionaries tag as a place or as a name,
// ending as places do and not as the common nouns above.
func isPlace(t tian.Token) bool {
	if utf8.RuneCountInString(t.Text) < 3 {
		return false
	}
	if t.Pos != "ns" && t.Pos != "nt" && t.Pos != "nz" {
		return false
	}
	ok := false
	for _, s := range placeSuffixes {
		if strings.HasSuffix(t.Text, s) {
			ok = true
			break
		}
	}
	if !ok {
		return false
	}
	for _, s := range placeNotNames {
		if strings.HasSuffix(t.Text, s) {
			return false
		}
	}
	return true
}

// Key phrases are multi-word terms: a dictionary word of three or more
// characters (加装电梯), or two or three adjacent words of two or more
// characters each making four to eight characters (错时 共享停车), whose
// last word is a noun when the dictionary knows it. A phrase neither
// starts nor ends with a generic word, so 加快 加装电梯 and 食堂 建设 are
// not phrases of their own, and a one-character piece of a badly cut
// word (固 废) never joins one.
const (
	minPhraseRunes = 3
	maxPhraseRunes = 8
)

// keyPhrases returns the key phrases of a text's content tokens with
// their weights (the summed domain weights of their words), and which of
// them may name a topic to a person (nameable: a phrase whose first word
// is a noun or an adjective and whose last is a noun, as the dictionaries
// tag them; 查获涉案银行卡 is a phrase, not a name).
func keyPhrases(toks []tian.Token, cs *corpusStats, dw func(string) float64) (map[string]float64, map[string]bool) {
	out, names := map[string]float64{}, map[string]bool{}
	for i := range toks {
		if cs.isGeneric(toks[i].Text) {
			continue
		}
		var b strings.Builder
		var w float64
		runes := 0
		for j := i; j < len(toks) && j < i+3; j++ {
			n := utf8.RuneCountInString(toks[j].Text)
			if j > i && (toks[j].Position != toks[j-1].Position+1 || n < 2 || runes < 2) {
				break
			}
			runes += n
			if runes > maxPhraseRunes {
				break
			}
			b.WriteString(toks[j].Text)
			w += dw(toks[j].Text)
			switch {
			case j == i && runes < minPhraseRunes:
				continue
			case j > i && (runes < 4 || cs.isGeneric(toks[j].Text) || !nounish(toks[j].Pos)):
				continue
			}
			out[b.String()] = max(out[b.String()], w)
			if nounish(toks[j].Pos) && (nounish(toks[i].Pos) || toks[i].Pos == "a") {
				names[b.String()] = true
			}
		}
	}
	return out, names
}

// nounish reports whether a part-of-speech tag may end a term: a noun
// (not a numeral or measure word: 一场, 一件), a verbal noun, or a word
// the dictionaries do not tag.
func nounish(pos string) bool {
	return pos == "" || pos == "vn" || strings.HasPrefix(pos, "n")
}

// topOverlap is the Jaccard overlap of the first k terms of two rankings.
func topOverlap(a, b []string, k int) float64 {
	a, b = a[:min(k, len(a))], b[:min(k, len(b))]
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	both := 0
	for _, x := range a {
		for _, y := range b {
			if x == y {
				both++
				break
			}
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}
