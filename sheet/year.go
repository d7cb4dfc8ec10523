package sheet

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"tian"
)

// Committee maps a CPPCC committee's sessions to years. A term (届) holds
// one plenary session (次会议) a year, Sessions in all, and Term's first
// session was held in FirstYear: for the demo committee 十四届一次会议
// was in 2023, so 十三届四次 is 2021 and 十四届三次 2025.
type Committee struct {
	Term      int
	FirstYear int
	Sessions  int
}

// DefaultCommittee is the demo committee's: 十四届一次会议 in 2023, five
// sessions a term (as the national committee and most provincial ones).
func DefaultCommittee() Committee { return Committee{Term: 14, FirstYear: 2023, Sessions: 5} }

// ParseCommittee reads a setting such as "十四届=2023" or "14=2023": the
// term whose first session was in that year.
func ParseCommittee(s string) (Committee, error) {
	term, year, ok := strings.Cut(strings.TrimSpace(s), "=")
	t := chineseNumber(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(term), "第"), "届"))
	y, err := strconv.Atoi(strings.TrimSpace(year))
	if !ok || t <= 0 || err != nil || y < 1949 || y > 2100 {
		return Committee{}, tian.Errorf(tian.EINVALID, "届次设置 %q 格式不对：应为 届=该届第一次会议的年份，如 十四届=2023", s)
	}
	return Committee{Term: t, FirstYear: y, Sessions: 5}, nil
}

// Year is the year of a term's session; 0 when it makes no sense.
func (c Committee) Year(term, session int) int {
	if term <= 0 || session <= 0 || session > c.Sessions+1 {
		return 0
	}
	y := c.FirstYear + (term-c.Term)*c.Sessions + session - 1
	if y < 1949 || y > 2100 {
		return 0
	}
	return y
}

func (c Committee) String() string {
	return fmt.Sprintf("%s届一次会议为%d年", chineseNumeral(c.Term), c.FirstYear)
}

var (
	numerals  = `[〇零一二三四五六七八九十两\d０-９]`
	sessionRe = regexp.MustCompile(`第?(` + numerals + `{1,4})\s*届[^届次〇零一二三四五六七八九十\d]{0,10}?第?(` + numerals + `{1,3})\s*次`)
	// a year in text: 2024年, 二〇二四年
	yearTextRe = regexp.MustCompile(`((?:19|20)\d{2}|[一二][〇零九][〇零一二三四五六七八九]{2})\s*年`)
	// a year in a file name: four digits standing alone
	yearNameRe = regexp.MustCompile(`(?:^|\D)((?:19|20)\d{2})(?:\D|$)`)
)

// parseSession finds a session in text: 十四届三次, 第十四届委员会第三次会议,
// 14届3次. It returns the term, the session and the canonical form
// (十四届三次).
func parseSession(text string) (term, session int, canon string) {
	m := sessionRe.FindStringSubmatch(text)
	if m == nil {
		return 0, 0, ""
	}
	term, session = chineseNumber(m[1]), chineseNumber(m[2])
	if term <= 0 || session <= 0 {
		return 0, 0, ""
	}
	return term, session, chineseNumeral(term) + "届" + chineseNumeral(session) + "次"
}

// textYear finds a year written in text: 2024年, 二〇二四年.
func textYear(text string) int {
	m := yearTextRe.FindStringSubmatch(text)
	if m == nil {
		return 0
	}
	if y, err := strconv.Atoi(m[1]); err == nil {
		return y
	}
	y := 0
	for _, r := range m[1] {
		y = y*10 + digitOf(r)
	}
	return y
}

func digitOf(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '０' && r <= '９':
		return int(r - '０')
	}
	return strings.IndexRune("〇一二三四五六七八九", r) / 3 // each rune is 3 bytes
}

// chineseNumber reads 1–99 written in digits or Chinese numerals (十四,
// 二十一, 零): -1 when it is neither.
func chineseNumber(s string) int {
	s = strings.ReplaceAll(s, "两", "二")
	if n, err := strconv.Atoi(strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return r
	}, s)); err == nil {
		return n
	}
	tens, units, seen := 0, 0, false
	for _, r := range s {
		switch {
		case r == '十':
			tens, units = max(units, 1), 0
			seen = true
		case strings.ContainsRune("〇零一二三四五六七八九", r):
			units = digitOf(r)
			if r == '零' {
				units = 0
			}
		default:
			return -1
		}
	}
	if seen {
		return tens*10 + units
	}
	return units
}

// chineseNumeral writes 1–99 in Chinese numerals: 14 → 十四.
func chineseNumeral(n int) string {
	d := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n > 99:
		return strconv.Itoa(n)
	case n < 10:
		return d[n]
	case n < 20:
		return "十" + d[n%10]
	}
	return d[n/10] + "十" + d[n%10]
}

// yearCtx is the year and session a file gives rows without their own.
type yearCtx struct {
	year    int
	session string
	source  string // in Chinese, for the report
}

// fileYear works out the file's year and session: the options first,
// then the title above the table, the sheet's name and the file's name;
// a year written out beats one worked out from a session.
func (rd *reader) fileYear(title, sheetName string) yearCtx {
	c := *rd.opt.Committee
	ctx := yearCtx{year: rd.opt.Year, session: rd.opt.Session}
	if ctx.year != 0 {
		ctx.source = fmt.Sprintf("导入时指定的年度（--year %d）", ctx.year)
	}
	if t, s, canon := parseSession(rd.opt.Session); canon != "" {
		ctx.session = canon
		if ctx.year == 0 {
			if ctx.year = c.Year(t, s); ctx.year != 0 {
				ctx.source = fmt.Sprintf("导入时指定的届次“%s”（%s）", canon, c)
			}
		}
	}
	base := strings.TrimSuffix(filepath.Base(rd.path), filepath.Ext(rd.path))
	for _, place := range []struct{ what, text string }{{"标题", title}, {"工作表名", sheetName}, {"文件名", base}} {
		if place.text == "" {
			continue
		}
		t, s, canon := parseSession(place.text)
		if ctx.session == "" {
			ctx.session = canon
		}
		if ctx.year != 0 {
			continue
		}
		y := textYear(place.text)
		if y == 0 && place.what == "文件名" {
			if m := yearNameRe.FindStringSubmatch(place.text); m != nil {
				y, _ = strconv.Atoi(m[1])
			}
		}
		switch {
		case y != 0:
			ctx.year, ctx.source = y, fmt.Sprintf("%s“%s”中的%d年", place.what, clip(place.text), y)
		case canon != "" && c.Year(t, s) != 0:
			ctx.year = c.Year(t, s)
			ctx.source = fmt.Sprintf("%s“%s”中的届次%s（按%s推算为%d年）", place.what, clip(place.text), canon, c, ctx.year)
		}
	}
	return ctx
}

// clip shortens a title for a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "……"
	}
	return s
}

// settle fills a record's year and session and makes its number
// canonical. A row's own 年度 (or 届次) comes first, then the number's own
// year (〔2024〕1号), the file's, and last the year of 提交日期. It
// returns where the record came from and the fields the file added.
func (rd *reader) settle(p *tian.Proposal, ctx yearCtx) (Source, []string) {
	src := Source{Written: p.Number}
	var extra []string
	c := *rd.opt.Committee
	if p.Session != "" {
		if t, s, canon := parseSession(p.Session); canon != "" && p.Year == 0 {
			if p.Year = c.Year(t, s); p.Year != 0 {
				src.YearSource = "届次列（" + c.String() + "）"
			}
		}
	}
	if p.Year != 0 && src.YearSource == "" {
		src.YearSource = "年度列"
	}
	if y := numberYear(p.Number); p.Year == 0 && y != 0 {
		p.Year, src.YearSource = y, "提案号"
		extra = append(extra, "year")
	}
	if p.Year == 0 && ctx.year != 0 {
		p.Year, src.YearSource = ctx.year, ctx.source
		extra = append(extra, "year")
	}
	// the file's session is not that of a row whose number states another year
	if p.Session == "" && ctx.session != "" && (ctx.year == 0 || ctx.year == p.Year) {
		p.Session = ctx.session
		extra = append(extra, "session")
	}
	fromDate := false
	if p.Year == 0 && len(p.Submitted) >= 4 {
		p.Year, _ = parseYear(p.Submitted[:4])
		src.YearSource, fromDate = "提交日期", true
		extra = append(extra, "year")
	}
	if !fromDate && p.Year != 0 {
		p.Number = CanonicalNumber(p.Number, p.Year)
		p.MergedInto = CanonicalNumber(p.MergedInto, p.Year)
		if written := strings.TrimSpace(src.Written); written != "" && written != p.Number {
			p.WrittenNumber = written
			extra = append(extra, "written_number")
		}
	}
	return src, extra
}

// OptionsFor makes the reading options of an import, checking the year,
// the session and the committee setting (EINVALID, in Chinese).
func OptionsFor(req tian.FileImport) (Options, error) {
	opt := Options{Map: req.Map, Sheet: req.Sheet, Year: req.Year, Session: strings.TrimSpace(req.Session)}
	if req.Year != 0 && (req.Year < 1949 || req.Year > 2100) {
		return opt, tian.Errorf(tian.EINVALID, "年度 %d 不在 1949—2100 之间", req.Year)
	}
	if opt.Session != "" {
		if _, _, canon := parseSession(opt.Session); canon == "" {
			return opt, tian.Errorf(tian.EINVALID, "届次 %q 无法识别：应如 十四届三次 或 第十四届委员会第三次会议", opt.Session)
		}
	}
	if strings.TrimSpace(req.Committee) != "" {
		c, err := ParseCommittee(req.Committee)
		if err != nil {
			return opt, err
		}
		opt.Committee = &c
	}
	return opt, nil
}
