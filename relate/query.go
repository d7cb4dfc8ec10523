package relate

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"tian"
)

// Limits on a query string, so that no query costs unbounded work.
const (
	MaxQueryBytes   = 4096
	MaxQueryClauses = 64
)

// clause is one item of a query string: free text or a phrase, optionally
// on a field, optionally negated.
type clause struct {
	field  string // "" for title and body
	text   string
	phrase bool
	not    bool
	unit   string // the unit a word of title and body names (unitTerms)
	// start and end are the byte offsets of the item in the query string,
	// so that a hint can offer the query without it.
	start, end int
}

// parsedQuery is an OR of AND-groups, plus clauses excluded from all.
type parsedQuery struct {
	text string     // the query string, valid UTF-8
	any  [][]clause // at least one group must match entirely
	none []clause   // none may match
}

// without returns the query string with clause c's item removed.
func (pq *parsedQuery) without(c clause) string {
	return strings.Join(strings.Fields(pq.text[:c.start]+" "+pq.text[c.end:]), " ")
}

// fieldNames maps the field prefixes users write (Chinese and English)
// to index fields.
var fieldNames = map[string]string{
	"标题": FieldTitle, "题目": FieldTitle, "title": FieldTitle,
	"内容": FieldBody, "正文": FieldBody, "body": FieldBody,
	"答复": FieldReply, "reply": FieldReply,
	"类别": FieldCategory, "分类": FieldCategory, "category": FieldCategory,
	"单位": FieldUnits, "承办": FieldUnits, "承办单位": FieldUnits, "unit": FieldUnits,
	"主办": FieldLeadUnit, "主办单位": FieldLeadUnit, "lead": FieldLeadUnit,
	"年度": FieldYear, "年份": FieldYear, "年": FieldYear, "year": FieldYear,
	"届次": FieldSession, "session": FieldSession,
	"状态": FieldStatus, "status": FieldStatus,
	"提案人": FieldProposer, "proposer": FieldProposer,
	"类型": FieldProposerType, "type": FieldProposerType,
	"提案号": FieldNumber, "number": FieldNumber,
}

// parseQuery reads a query string: words and "quoted phrases" (also
// “Chinese quotes”), joined by AND (the default) or OR, a leading - or
// NOT to exclude, and field:value with the field names above. A prefix
// that is not a field name is ordinary text. Parsing never fails on
// content; only size limits give an EINVALID error.
func parseQuery(q string) (*parsedQuery, error) {
	if len(q) > MaxQueryBytes {
		return nil, tian.Errorf(tian.EINVALID, "检索词共 %d 字节，超过 %d 字节上限", len(q), MaxQueryBytes)
	}
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, "\uFFFD")
	}
	items := lexQuery(q)
	pq := &parsedQuery{text: q}
	group := []clause{}
	negateNext, notStart := false, 0
	count := 0
	for _, it := range items {
		switch {
		case !it.quoted && (it.text == "OR" || it.text == "|" || it.text == "||"):
			if len(group) > 0 {
				pq.any = append(pq.any, group)
			}
			group = []clause{}
			continue
		case !it.quoted && (it.text == "AND" || it.text == "&&" || it.text == "&" || it.text == "+"):
			continue
		case !it.quoted && it.text == "NOT":
			negateNext, notStart = true, it.start
			continue
		}
		c := it.clause()
		if negateNext {
			c.not, c.start = true, notStart // the item is NOT and its word
		}
		negateNext = false
		if strings.TrimSpace(c.text) == "" {
			continue
		}
		if count++; count > MaxQueryClauses {
			return nil, tian.Errorf(tian.EINVALID, "检索词超过 %d 个，请精简", MaxQueryClauses)
		}
		if c.not {
			pq.none = append(pq.none, c)
		} else {
			group = append(group, c)
		}
	}
	if len(group) > 0 {
		pq.any = append(pq.any, group)
	}
	return pq, nil
}

// item is a lexed piece of a query string.
type item struct {
	text       string
	quoted     bool
	field      string
	not        bool
	start, end int // byte offsets in the query
}

func (it item) clause() clause {
	return clause{field: it.field, text: it.text, phrase: it.quoted, not: it.not, start: it.start, end: it.end}
}

var quotes = map[rune]rune{'"': '"', '“': '”', '「': '」'}

// lexQuery splits a query into items: runs of non-space characters, or
// quoted phrases, each with an optional - and field: prefix.
func lexQuery(q string) []item {
	var out []item
	rs := []rune(q)
	offset := make([]int, len(rs)+1) // byte offset of each rune
	for i, b := 0, 0; i < len(rs); i++ {
		offset[i] = b
		b += utf8.RuneLen(rs[i])
		offset[i+1] = b
	}
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) || rs[i] == '\u3000' {
			i++
			continue
		}
		it := item{start: offset[i]}
		if rs[i] == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			it.not = true
			i++
		}
		// field prefix: letters up to a colon
		for j := i; j < len(rs) && j-i <= 8; j++ {
			if rs[j] == ':' || rs[j] == '：' {
				if f, ok := fieldNames[strings.ToLower(string(rs[i:j]))]; ok && j+1 < len(rs) {
					it.field = f
					i = j + 1
				}
				break
			}
			if unicode.IsSpace(rs[j]) {
				break
			}
		}
		if close, ok := quotes[rs[i]]; ok {
			end := i + 1
			for end < len(rs) && rs[end] != close {
				end++
			}
			it.text, it.quoted = string(rs[i+1:end]), true
			i = min(end+1, len(rs))
		} else {
			end := i
			for end < len(rs) && !unicode.IsSpace(rs[end]) && rs[end] != '\u3000' {
				end++
			}
			it.text = string(rs[i:end])
			i = end
		}
		it.end = offset[i]
		out = append(out, it)
	}
	return out
}

// parseYears reads 2024, 2024年 or a range 2021-2023 / 2021..2023; nil
// when text is none of them or spans more than 300 years.
func parseYears(text string) *YearRange {
	text = strings.TrimSuffix(text, "年")
	from, to := text, text
	for _, sep := range []string{"..", "-", "—", "~", "至"} {
		if a, b, ok := strings.Cut(text, sep); ok {
			from, to = a, strings.TrimSuffix(b, "年")
			break
		}
	}
	a, err1 := strconv.Atoi(strings.TrimSpace(from))
	b, err2 := strconv.Atoi(strings.TrimSpace(to))
	if err1 != nil || err2 != nil || b < a || b-a > 300 {
		return nil
	}
	return &YearRange{a, b}
}
