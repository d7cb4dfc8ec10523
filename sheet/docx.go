package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"

	"tian"
)

// Word documents (.docx) as offices receive proposals: a 提案表 (a form:
// a table of label cells, 提案人 | 王建国, and the text after 提案内容), or
// a 提案选编 (a compilation: one proposal per 第0101号 line or 关于……的提案
// heading, then 提案人：…, then the text). tian reads the document's XML
// itself, with archive/zip and encoding/xml under the same zip limits as
// a workbook (limits.go): of the Go libraries the module proxy serves,
// github.com/fumiama/go-docx, github.com/gomutex/godocx and
// github.com/nguyenthenguyen/docx are built for writing or templating
// documents; reading the text of paragraphs and table cells in order is
// a hundred lines of encoding/xml, and needs no dependency that might
// read more of an untrusted file than that.

// block is a paragraph or a table of a document, in order.
type block struct {
	text  string
	table [][]string // rows of cells; a cell's paragraphs joined by \n
}

// docxBlocks reads a .docx file's body.
func docxBlocks(path string, op opener) ([]block, error) {
	b, err := readAll(path, op)
	if err != nil {
		return nil, err
	}
	if err := checkZip(path, b, "Word 文档（.docx）"); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fileErr(path, "不是有效的 Word 文档（.docx），文件可能不完整或已损坏，请重新保存后再导入")
	}
	for _, zf := range zr.File {
		if strings.EqualFold(zf.Name, "word/document.xml") {
			rc, err := zf.Open()
			if err != nil {
				return nil, fileErr(path, "Word 文档已损坏（%v），请重新保存后再导入", err)
			}
			defer rc.Close()
			blocks, err := parseBody(rc)
			if err != nil {
				return nil, fileErr(path, "Word 文档的正文无法读取（%v），文件可能已损坏，请重新保存后再导入", err)
			}
			return blocks, nil
		}
	}
	if hasPart(zr, "xl/workbook.xml") {
		return nil, fileErr(path, "这是 Excel 工作簿，不是 Word 文档：请改用 .xlsx 扩展名")
	}
	return nil, fileErr(path, "不是 Word 文档（.docx）：文件中没有正文部分，请确认文件类型")
}

func hasPart(zr *zip.Reader, name string) bool {
	for _, zf := range zr.File {
		if strings.EqualFold(zf.Name, name) {
			return true
		}
	}
	return false
}

// parseBody walks document.xml: paragraphs outside tables become blocks,
// tables become blocks of cells (a nested table's text goes into the
// cell holding it); deleted text (w:delText) and field codes are not
// w:t and so not read.
func parseBody(r io.Reader) ([]block, error) {
	dec := xml.NewDecoder(r)
	var (
		out      []block
		para     strings.Builder
		cell     strings.Builder
		row      []string
		tbl      [][]string
		depth    int // table nesting
		inText   bool
		cellOpen bool
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "tbl":
				if depth++; depth == 1 {
					tbl = nil
				}
			case "tr":
				if depth == 1 {
					row = nil
				}
			case "tc":
				if depth == 1 {
					cell.Reset()
					cellOpen = true
				}
			case "t":
				inText = true
			case "tab":
				para.WriteString("\t")
			case "br", "cr":
				para.WriteString("\n")
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				text := para.String()
				para.Reset()
				if cellOpen {
					if cell.Len() > 0 {
						cell.WriteString("\n")
					}
					cell.WriteString(text)
				} else {
					out = append(out, block{text: text})
				}
			case "tc":
				if depth == 1 {
					row = append(row, strings.TrimSpace(cell.String()))
					cellOpen = false
				}
			case "tr":
				if depth == 1 {
					tbl = append(tbl, row)
				}
			case "tbl":
				if depth--; depth == 0 {
					out = append(out, block{table: tbl})
				}
			}
		}
	}
}

// formLabels are the label cells of a 提案表 and the fields they fill.
// "-" marks labels read as labels but not kept: co-signers and a
// member's contact details, which tian has no field for.
var formLabels = map[string]string{
	"提案人": "proposer", "领衔人": "proposer", "第一提案人": "proposer", "提案者": "proposer", "提出人": "proposer",
	"界别": "sector", "所属界别": "sector",
	"案由": "title", "题目": "title", "标题": "title", "提案名称": "title", "提案题目": "title",
	"类别": "category", "提案类别": "category", "分类": "category",
	"提案号": "number", "编号": "number", "案号": "number", "提案编号": "number",
	"提交日期": "submitted", "提交时间": "submitted", "日期": "submitted", "提出日期": "submitted", "提出时间": "submitted",
	"提案形式": "proposer_type", "提案类型": "proposer_type",
	"届次":   "session",
	"主办单位": "lead_unit", "承办单位": "lead_unit", "建议承办单位": "lead_unit", "建议主办单位": "lead_unit",
	"协办单位": "co_units", "会办单位": "co_units", "建议协办单位": "co_units",
	"提案内容": "body", "内容": "body", "正文": "body", "具体内容": "body",
	"联名人": "-", "附议人": "-", "联名提案人": "-", "联系电话": "-", "电话": "-", "手机": "-", "工作单位及职务": "-",
	"工作单位": "-", "通讯地址": "-", "邮编": "-", "邮政编码": "-", "职务": "-", "党派": "-",
}

// label cleans a cell for matching as a label: 提 案 人： → 提案人.
func label(s string) string {
	return strings.TrimRight(strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u3000' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s), "：:")
}

// splitLabel splits "提案人：王建国" into the label's field and the value.
func splitLabel(s string) (field, value string, ok bool) {
	i := strings.IndexAny(s, "：:")
	if i < 0 {
		return "", "", false
	}
	f, ok := formLabels[label(s[:i])]
	_, size := firstRune(s[i:])
	return f, strings.TrimSpace(s[i+size:]), ok
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

var (
	// 第0101号　关于……的提案
	numLineRe = regexp.MustCompile(`^第\s*([0-9０-９]{1,5})\s*号\s*(.*)$`)
	// 关于……的提案 / 建议, a compilation's heading without a number
	headingRe = regexp.MustCompile(`^关于.{2,80}(提案|建议)$`)
	// 提案内容： starting a form's text (perhaps with its first line)
	bodyMarkRe = regexp.MustCompile(`^(?:提案内容|内容|正文|具体内容)\s*(?:[：:]\s*(.*))?$`)
)

// docx reads a Word document into the result: a form gives one
// proposal, a compilation several.
func (rd *reader) docx(op opener) error {
	blocks, err := docxBlocks(rd.path, op)
	if err != nil {
		return err
	}
	if i := listTable(blocks); i >= 0 {
		return rd.docList(blocks, i)
	}
	var props []docProposal
	var title string
	numbered := 0
	for _, b := range blocks {
		if numLineRe.MatchString(strings.TrimSpace(b.text)) {
			numbered++
		}
	}
	if numbered < 2 && form(blocks) { // a compilation may hold a table (its contents)
		rd.res.Kind = "提案表"
		p, t := readForm(blocks)
		props, title = []docProposal{p}, t
	} else {
		rd.res.Kind = "提案选编"
		props, title = readCompilation(blocks)
	}
	if len(props) == 0 {
		return fileErr(rd.path, "没有找到提案：既不是提案表（表格中有 提案人、案由 等栏目），也不是提案选编（每件提案以“第0101号”或“关于……的提案”开头）")
	}
	rd.res.Title = title
	for _, f := range Fields { // what the preview shows: which label gave which field
		if l, ok := props[0]["@"+f.Name]; ok {
			rd.res.Mapping = append(rd.res.Mapping, tian.ColumnMapping{Column: l, Field: f.Name})
		}
	}
	ctx := rd.fileYear(title, "")
	rd.res.YearSource = ctx.source
	var noYear []int
	for i, dp := range props {
		if err := rd.docRecord(i+1, dp, ctx); err != nil {
			return err
		}
		if n := len(rd.res.Records); n > 0 && rd.res.Records[n-1].Row == i+1 && rd.res.Records[n-1].Proposal.Year == 0 {
			noYear = append(noYear, i+1)
		}
	}
	if len(noYear) > 0 {
		rd.warn("", 0, fmt.Sprintf("%d件提案没有年度（%s）：请用 --year 或 --session 指定", len(noYear), rowList(noYear)))
	}
	return nil
}

// listTable finds a table that is a list of proposals (a 一览表 kept in
// Word): a row among its first of three or more column headers, most of
// its cells, with rows under it. A form's rows alternate labels and
// values. -1: none.
func listTable(blocks []block) int {
	for i, b := range blocks {
		for r, row := range b.table[:min(len(b.table), headerScan)] {
			known, filled := 0, 0
			for _, c := range row {
				if c = cleanHeader(c); c != "" {
					filled++
					if knownHeaders[c] {
						known++
					}
				}
			}
			if known >= 3 && known*5 >= filled*3 && r+1 < len(b.table) {
				return i
			}
		}
	}
	return -1
}

// docList reads a Word table that is a list as a sheet; the paragraphs
// above it are its title.
func (rd *reader) docList(blocks []block, i int) error {
	rd.res.Kind = "表格（Word）"
	t, err := newTable(rd.path, &docRows{rows: blocks[i].table}, rd.wants)
	if err != nil {
		return err
	}
	var title []string
	for _, b := range blocks[:i] {
		if text := strings.TrimSpace(b.text); text != "" && b.table == nil {
			title = append(title, text)
		}
	}
	t.title = append(title, t.title...)
	return rd.sheet(t, "", false)
}

// docRows yields a Word table's rows as a sheet's.
type docRows struct {
	rows [][]string
	i    int
}

func (d *docRows) nextRow() (int, []string, error) {
	if d.i >= len(d.rows) {
		return 0, nil, io.EOF
	}
	d.i++
	return d.i, d.rows[d.i-1], nil
}

func (d *docRows) colName(int) string { return "" }
func (d *docRows) Close() error       { return nil }

// docProposal is one proposal's fields as the document labels them;
// "@field" keeps the label as written, for the preview.
type docProposal map[string]string

func (p docProposal) set(field, value, label string) {
	p[field], p["@"+field] = value, strings.TrimSpace(label)
}

// form reports whether a document is a 提案表: a table with two or more
// label cells.
func form(blocks []block) bool {
	for _, b := range blocks {
		n := 0
		for _, row := range b.table {
			for _, c := range row {
				if f, ok := formLabels[label(c)]; ok && f != "-" {
					n++
				} else if f, _, ok := splitLabel(c); ok && f != "-" {
					n++
				}
			}
		}
		if n >= 2 {
			return true
		}
	}
	return false
}

// readForm reads a 提案表: label cells and the cell after each, label：
// value cells and paragraphs, and the body from the 提案内容 cell or the
// paragraphs after a 提案内容 line. The title is the paragraphs above the
// first table.
func readForm(blocks []block) (docProposal, string) {
	p := docProposal{}
	var title []string
	seenTable, inBody := false, false
	var body []string
	for _, b := range blocks {
		if b.table != nil {
			seenTable = true
			readFormTable(b.table, p)
			continue
		}
		text := strings.TrimSpace(b.text)
		switch {
		case text == "":
		case !seenTable && !inBody && !strings.ContainsAny(text, "：:"):
			title = append(title, text)
		case inBody:
			body = append(body, text)
		case bodyMarkRe.MatchString(text):
			inBody = true
			if rest := strings.TrimSpace(bodyMarkRe.FindStringSubmatch(text)[1]); rest != "" {
				body = append(body, rest)
			}
		default:
			if m := numLineRe.FindStringSubmatch(text); m != nil && p["number"] == "" {
				p.set("number", text[:strings.Index(text, "号")+len("号")], "第…号")
			} else if f, v, ok := splitLabel(text); ok && f != "-" && p[f] == "" {
				p.set(f, v, text[:strings.IndexAny(text, "：:")])
			} else if !seenTable {
				title = append(title, text)
			}
		}
	}
	if p["body"] == "" && len(body) > 0 {
		p.set("body", strings.Join(body, "\n"), "提案内容（其后的段落）")
	}
	return p, strings.Join(title, " ")
}

// readFormTable reads a form's table: a label cell takes the next cell
// as its value; a 提案内容 label alone on its row takes the next row.
func readFormTable(rows [][]string, p docProposal) {
	for i, row := range rows {
		for j := 0; j < len(row); j++ {
			c := row[j]
			f, ok := formLabels[label(c)]
			if !ok {
				if f, v, ok := splitLabel(c); ok && f != "-" && p[f] == "" && v != "" {
					p.set(f, v, c[:strings.IndexAny(c, "：:")])
				}
				continue
			}
			v := ""
			if j+1 < len(row) {
				if _, isLabel := formLabels[label(row[j+1])]; !isLabel {
					v, j = row[j+1], j+1
				}
			}
			if f == "body" && strings.TrimSpace(v) == "" && blank(row[j+1:]) && i+1 < len(rows) {
				v = joinCells(rows[i+1])
			}
			if v = strings.TrimSpace(v); f != "-" && p[f] == "" && v != "" {
				p.set(f, v, c)
			}
		}
	}
}

// joinCells joins a row's filled cells by lines.
func joinCells(row []string) string {
	var out []string
	for _, c := range row {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return strings.Join(out, "\n")
}

// readCompilation splits a 提案选编 into proposals: at each 第0101号 line,
// or, in a document without them, at each 关于……的提案 heading. Label
// lines (提案人：…　界别：…) fill fields; the rest is the text. The title
// is what comes before the first proposal.
func readCompilation(blocks []block) ([]docProposal, string) {
	numbered := false
	for _, b := range blocks {
		if numLineRe.MatchString(strings.TrimSpace(b.text)) {
			numbered = true
			break
		}
	}
	var out []docProposal
	var title, body []string
	var cur docProposal
	flush := func() {
		if cur != nil {
			if cur["body"] == "" && len(body) > 0 {
				cur.set("body", strings.Join(body, "\n"), "正文段落")
			}
			out = append(out, cur)
		}
		body = nil
	}
	for _, b := range blocks {
		text := strings.TrimSpace(b.text)
		if b.table != nil || text == "" {
			continue
		}
		m := numLineRe.FindStringSubmatch(text)
		switch {
		case numbered && m != nil:
			flush()
			cur = docProposal{}
			cur.set("number", strings.TrimSpace(text[:len(text)-len(m[2])]), "第…号行")
			if t := strings.TrimSpace(m[2]); t != "" {
				cur.set("title", t, "第…号行")
			}
		case !numbered && headingRe.MatchString(text):
			flush()
			cur = docProposal{}
			cur.set("title", text, "关于……的提案（标题行）")
		case cur == nil:
			title = append(title, text)
		case cur["title"] == "" && len(body) == 0 && !strings.ContainsAny(text, "：:"):
			cur.set("title", text, "标题行")
		default:
			if fields := labelLine(text); fields != nil && len(body) == 0 {
				for f, lv := range fields {
					if f != "-" && cur[f] == "" {
						cur.set(f, lv[1], lv[0])
					}
				}
				continue
			}
			body = append(body, text)
		}
	}
	flush()
	return out, strings.Join(title, " ")
}

var labelRe = func() *regexp.Regexp {
	var names []string
	for l := range formLabels {
		names = append(names, regexp.QuoteMeta(l))
	}
	// longer labels first, so that 第一提案人 is not read as 提案人
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if len(names[j]) > len(names[i]) {
				names[i], names[j] = names[j], names[i]
			}
		}
	}
	return regexp.MustCompile(`(` + strings.Join(names, "|") + `)\s*[：:]`)
}()

// labelLine reads a line of label：value pairs (提案人：王建国　界别：经济界)
// into field → [label, value]; nil when the line does not start with a
// label.
func labelLine(text string) map[string][2]string {
	locs := labelRe.FindAllStringSubmatchIndex(text, -1)
	if len(locs) == 0 || locs[0][0] != 0 {
		return nil
	}
	out := map[string][2]string{}
	for i, l := range locs {
		end := len(text)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		out[formLabels[text[l[2]:l[3]]]] = [2]string{text[l[2]:l[3]], strings.TrimSpace(strings.Trim(text[l[1]:end], " \u3000\t；;，,"))}
	}
	return out
}

// docRecord turns one proposal of a document into a record: the fields
// parsed as a sheet row's cells would be, its year settled, and a
// provisional number when the document gave none.
func (rd *reader) docRecord(n int, dp docProposal, ctx yearCtx) error {
	vals := map[string]string{}
	m := map[string]string{}
	var mapped []string
	for _, f := range Fields {
		if v, ok := dp[f.Name]; ok {
			vals[f.Name], m[f.Name] = v, f.Name
			mapped = append(mapped, f.Name)
		}
	}
	p, errs := toProposal(vals, m)
	for _, e := range errs {
		rd.res.Errors = append(rd.res.Errors, tian.RowError{File: rd.path, Row: n, Column: fieldHeader(e.Field), Message: e.Message})
	}
	if len(errs) > 0 {
		return nil
	}
	provisional := p.Number == ""
	src, extra := rd.settle(&p, ctx)
	if p.ProposerType == "" {
		// a form says who proposes, not whether a member or a group does
		switch {
		case collectiveRe.MatchString(p.Proposer):
			p.ProposerType = tian.ProposerCollective
		case p.Sector != "":
			p.ProposerType = tian.ProposerMember
		}
		extra = append(extra, "proposer_type")
	}
	if provisional {
		p.Number = ProvisionalNumber(p.Year, p.Title, p.Proposer)
		src.Provisional = true
		rd.warn("", n, fmt.Sprintf("第%d件提案（%s）没有提案号，暂编为 %s：编号后重新导入即可", n, clip(p.Title), p.Number))
	}
	src.Row = n
	rd.res.Records = append(rd.res.Records, tian.Record{Row: n, Proposal: p, Fields: rd.present(&p, append(mapped, "number"), extra)})
	rd.res.Sources = append(rd.res.Sources, src)
	return nil
}

// collectiveRe ends the names of the groups that propose: a party's
// committee (民进市委会), the federation of industry and commerce, a
// special committee or a sector group of the CPPCC.
var collectiveRe = regexp.MustCompile(`(委会|委员会|工商联|市委|学社|支社|联合会|总会|界别|界别组|小组|联组|党组)$`)

// fieldHeader is a field's Chinese header, for messages.
func fieldHeader(name string) string {
	if f, ok := fieldByName(name); ok {
		return f.Header
	}
	return name
}
