package vocab

import "strings"

// Function characters: a term rarely starts or ends with one, a phrase
// often does (的建设, 推进城市更新和, 已超过, 告诉我). The first line holds
// the commonest particles, conjunctions and prepositions; the second adds
// pronouns, adverbs and prepositions of the same kind.
const edgeChars = "的了和与及是在对等把被为也都而" +
	"我你他她它这那该其此每某很太更还已仍却但又再只将从向给让据若即约并且或些着过们吗呢吧"

// Suffix morphemes: they end words (三级, 经营性, 新型), so a string
// starting with one is the tail of a word (级医院, 性亏损).
const tailChars = "级型性者式之"

// inner characters mark a phrase wherever they stand: 的 joins a phrase
// (问题的提案) and 是 an enumeration or a clause (一是建立).
const innerChars = "的是"

// Function words that open a phrase, not a term: 关于加强……的提案,
// 目前我市, 通过开展.
var openers = []string{"关于", "对于", "由于", "通过", "根据", "按照", "为了", "目前", "近年来",
	"去年", "今年", "明年", "已经", "仍然", "但是", "而且", "如果", "虽然", "因为", "所以", "建议", "希望"}

// particles: a known word followed by one is the word in a sentence
// (工作中, 问题上, 企业们), not a new word.
const particles = "的了着过们中上下里时后前等"

// Numerals and the words of quantities and dates: a string of these only is
// a number, a date or a measure (二〇二三年, 三个月, 七成以上, 个月 after a
// number written in digits), not a word.
const (
	numerals = "〇○零一二三四五六七八九十百千万亿两几半第多余"
	measures = "年月日号点时分秒周天岁个次件项名人户家所元万亿倍批期届成级条座层米斤吨亩余多以上下内外左右来前后间约近"
)

// plausible applies the stop patterns to w, an n-gram of two or more runes
// inside a run (so it spans no punctuation).
func plausible(w []rune, known func(string) bool) bool {
	for _, r := range w {
		if r < han || strings.ContainsRune(innerChars, r) { // a number or letter symbol, 的, 是
			return false
		}
	}
	s := string(w)
	if strings.ContainsRune(edgeChars, w[0]) || free(w[len(w)-1], string(w[len(w)-2:]), known) ||
		strings.ContainsRune(tailChars, w[0]) || quantity(w) {
		return false
	}
	for _, o := range openers {
		if strings.HasPrefix(s, o) {
			return false
		}
	}
	if known(s) {
		return false
	}
	return !strings.ContainsRune(particles, w[len(w)-1]) || !known(string(w[:len(w)-1]))
}

// free reports whether r, the last character of a string, is a free
// function character: one of edgeChars and not inside edge, the string's
// last two characters, when those are a word (中和 of 碳中和, 签约 of
// 家庭医生签约). At the start the rule stays strict: 为此建议 and 在编教师
// open with a word too, yet are phrases.
func free(r rune, edge string, known func(string) bool) bool {
	return strings.ContainsRune(edgeChars, r) && !known(edge)
}

// quantity reports whether w is a number, a date or a measure: numerals and
// measure words only.
func quantity(w []rune) bool {
	for _, r := range w {
		if !strings.ContainsRune(numerals, r) && !strings.ContainsRune(measures, r) {
			return false
		}
	}
	return true
}
