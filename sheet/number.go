package sheet

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Proposal numbers. Offices write one proposal's number as 第0001号,
// 0001, 1 or 〔2024〕1号: a sequence within the year. tian stores the
// canonical number, the year and the sequence in four digits (20240001,
// as the demo corpus and the pages' links /p/20240001 do), so that a list
// and a Word form about one proposal meet on one number, and one office's
// 1 in 2023 is not its 1 in 2024. The number as written is kept in
// Result.Sources for the preview.

var (
	// 第0001号, 0001, 1, 第1号, No.1
	seqRe = regexp.MustCompile(`^(?:第|No\.?|NO\.?)?\s*0*(\d{1,5})\s*号?$`)
	// 〔2024〕1号, [2024]第1号, （2024）1号, 2024-1, 2024年第1号
	yearSeqRe = regexp.MustCompile(`^[〔\[（(【]?\s*((?:19|20)\d{2})\s*(?:[〕\]）)】]|年|-|—)\s*(?:第)?\s*0*(\d{1,5})\s*号?$`)
)

// halfWidth turns full-width digits and letters into ASCII and drops
// spaces.
func halfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '\u3000' || r == '\t':
			return -1
		case r >= 0xFF01 && r <= 0xFF5E && r != '（' && r != '）':
			return r - 0xFEE0
		}
		return r
	}, strings.TrimSpace(s))
}

// CanonicalNumber returns the canonical number of a proposal of year
// written as the office writes it: 第0001号, 0001, 1 and 〔2024〕1号 in
// 2024 are all 20240001. A number in no such form (20240001 itself,
// 2024-A-12, a message board's 188006) is returned as written.
func CanonicalNumber(written string, year int) string {
	s := halfWidth(written)
	if m := yearSeqRe.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		if n, _ := strconv.Atoi(m[2]); n > 0 {
			return fmt.Sprintf("%d%04d", y, n)
		}
	}
	if m := seqRe.FindStringSubmatch(s); m != nil && year > 0 {
		if n, _ := strconv.Atoi(m[1]); n > 0 && (len(m[1]) <= 4 || s != m[1]) {
			return fmt.Sprintf("%d%04d", year, n)
		}
	}
	return strings.TrimSpace(written)
}

// numberYear is the year a number states (〔2024〕1号), or 0.
func numberYear(written string) int {
	if m := yearSeqRe.FindStringSubmatch(halfWidth(written)); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y
	}
	return 0
}

// ProvisionalNumber is the number of a proposal whose file gave none (a
// form not yet numbered): the year, L (临时), and eight hex digits of a
// hash of its title and proposer, e.g. 2025L3F2A9C1B. It is the same on
// every import of the same form, so importing a folder twice adds
// nothing, and it cannot be taken for a real number. Once the office
// numbers the proposal, importing the list (or the form with its number)
// stores it under its real number; staff then delete the provisional
// record (or undo its import).
func ProvisionalNumber(year int, title, proposer string) string {
	h := sha256.Sum256([]byte(strings.TrimSpace(title) + "\n" + strings.TrimSpace(proposer)))
	prefix := ""
	if year > 0 {
		prefix = strconv.Itoa(year)
	}
	return fmt.Sprintf("%sL%X", prefix, h[:4])
}

// noteRe starts a row under a table that is not a proposal: a note, a
// total, a signature line.
var noteRe = regexp.MustCompile(`^(注\s*[：:0-9１-９]|备注|说明\s*[：:]|附注|附\s*[：:]|合\s*计|总\s*计|共计|小计|累计|制表|填表|审核|统计\s*[：:]|以上|本表|数据截至|截至\s*\d|打印)`)

type note struct{ why, text string }

// skipped reports whether a row is not a proposal: a note or total row
// under the table (注：共立案6件。, 合计), a line standing alone (a date, a
// signature, a group heading such as 一、经济建设类), or the header
// repeated (a table printed over several pages).
func skipped(vals map[string]string, hdr []string, numberHeader string) (note, bool) {
	var texts []string
	same := 0
	number := strings.TrimSpace(vals[numberHeader])
	for _, h := range hdr {
		v, ok := vals[h]
		if !ok || v == "" {
			continue
		}
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		texts = append(texts, v)
		if len(v) <= 2*len(h)+8 && cleanHeader(v) == h {
			same++
		}
		if number != "" && len(texts) > 3 && same < len(texts)-1 {
			return note{}, false // a numbered row of four cells or more: a proposal
		}
	}
	switch {
	case len(texts) > 1 && same >= len(texts)-1:
		return note{"重复的表头", strings.Join(texts, " ")}, true
	case len(texts) > 0 && noteRe.MatchString(texts[0]) && (number == "" || len(texts) <= 3 || noteRe.MatchString(number)):
		kind := "说明行"
		if strings.ContainsAny(texts[0][:min(len(texts[0]), 6)], "合总共小累") {
			kind = "合计行"
		}
		return note{kind, clip(strings.Join(texts, " "))}, true
	case number != "" && !(len(texts) == 1 && groupRe.MatchString(number)):
		return note{}, false
	case len(texts) == 1:
		return note{"单独一格的说明或分组行", clip(texts[0])}, true
	}
	return note{}, false
}

// groupRe is a group row of a list sorted by category: 一、经济建设类（12件）.
var groupRe = regexp.MustCompile(`^[一二三四五六七八九十]+\s*[、.．]\s*(\S+?)(?:类|方面)?(?:提案)?\s*(?:[（(]\s*(?:共)?\d+\s*件\s*[）)])?$`)

// groupCategory is the category a group row names, or "".
func groupCategory(text string) string {
	if m := groupRe.FindStringSubmatch(strings.TrimSpace(text)); m != nil {
		return m[1]
	}
	return ""
}
