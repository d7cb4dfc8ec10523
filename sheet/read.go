package sheet

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"tian"
)

// Options control reading a proposal table.
type Options struct {
	// Map overrides the header of a field: field name → header.
	Map map[string]string
	// Sheet names the worksheet of a workbook (default: the active one);
	// AllSheets ("all") reads every sheet that has a header.
	Sheet string
	// Year and Session are those of rows that do not give their own
	// (--year, --session). Without them a file's title, sheet name or
	// file name says them, if it does (year.go).
	Year    int
	Session string
	// Committee maps a session (十四届三次) to its year; nil means
	// DefaultCommittee.
	Committee *Committee
	// Progress, if set, is called with the number of rows read so far.
	Progress func(rows int)
}

// Result is what reading a file gave.
type Result struct {
	File    string
	Records []tian.Record
	// Sources says, for each record (same index), where it came from:
	// the sheet, the number as the file wrote it, where its year came
	// from.
	Sources []Source
	Errors  []tian.RowError   // rows that could not become records
	Columns map[string]string // field → column label, for later messages
	// Mapping says which column went to which field, in the file's order
	// (a sheet's columns; a JSON Lines file's keys as they first
	// appeared). Column is labelled as in messages: "D（标题）" in an
	// .xlsx, "标题（第4列）" in a CSV, the key in JSON Lines.
	Mapping []tian.ColumnMapping
	// Unmapped labels, in the same way and order, each column no field
	// took, once: its cells were not read. Neither list is ever nil; copy
	// both into tian.ImportReport.
	Unmapped []string
	// HeaderRow is the row the header was read from (0 for JSON Lines,
	// whose keys are the header, and Word documents); HeaderRows is 2 for
	// a two-row header (承办单位 over 主办 | 协办). Headers are the file's
	// column headers in order, as cleaned for matching (the strings --map
	// takes), and Labels the same columns labelled as in Mapping. With
	// several sheets they are the first sheet's.
	HeaderRow, HeaderRows int
	Headers, Labels       []string
	// Title is the text above the header (a list's title rows) or a Word
	// document's title.
	Title string
	// YearSource says where the year of rows without their own came
	// from, in Chinese ("标题中的“十四届三次”（十四届一次会议为2023年）");
	// empty when nothing gave one.
	YearSource string
	// Kind is what the file was read as: 表格, 提案表 (a Word form),
	// 提案选编 (a Word compilation) or JSON Lines.
	Kind string
	// Sheets names the worksheets read.
	Sheets []string
	// Warnings are what was skipped or guessed, not errors: note and
	// total rows under a table, sheets without a header, rows without a
	// year, provisional numbers. Copy them into the report's warnings.
	Warnings []tian.RowError
}

// Source is where one record came from.
type Source struct {
	Sheet string `json:"sheet,omitempty"`
	Row   int    `json:"row"`
	// Written is the proposal number as the file wrote it (第0001号,
	// 〔2024〕1号); the record's Number is the canonical one (number.go).
	Written    string `json:"written"`
	YearSource string `json:"year_source"`
	// Provisional: the file gave no number; Number was made up (number.go).
	Provisional bool `json:"provisional,omitempty"`
}

// ReadProposals reads a proposal table or Word document. Rows with
// unreadable cells are reported in Result.Errors and left out of
// Records; a file that cannot be read at all (unknown type, broken
// workbook, undecodable text, missing required columns) is an EINVALID
// error naming it, and one past a limit (over MaxFileBytes, a workbook
// that unpacks to too much, more than 500,000 rows) an ETOOLARGE error
// naming it. Each record's Fields names the fields its row gave a value
// (an empty cell never overwrites a stored value; see
// tian.ImportOptions.ClearAbsent), and year and session when the file's
// title, name or Options gave them; records with the same fields share
// one slice, which callers must not change.
func ReadProposals(path string, opt Options) (*Result, error) {
	return readProposals(path, osOpener(path), opt)
}

// ReadProposalsFS reads a proposal table from a file system (the demo
// corpus embedded in the binary).
func ReadProposalsFS(fsys fs.FS, name string, opt Options) (*Result, error) {
	return readProposals(name, fsOpener(fsys, name), opt)
}

func readProposals(path string, op opener, opt Options) (*Result, error) {
	if opt.Committee == nil {
		c := DefaultCommittee()
		opt.Committee = &c
	}
	res := &Result{File: path, Kind: "表格", Mapping: []tian.ColumnMapping{}, Unmapped: []string{},
		Headers: []string{}, Labels: []string{}, Sheets: []string{}}
	rd := &reader{path: path, opt: opt, res: res, fields: map[string][]string{}}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		src, err := openJSONL(path, op)
		if err != nil {
			return nil, err
		}
		defer src.Close()
		res.Kind = "JSON Lines"
		return done(res, rd.sheet(src, "", false))
	case ".docx":
		return done(res, rd.docx(op))
	}
	bk, err := openBook(path, op)
	if err != nil {
		return nil, err
	}
	defer bk.Close()
	names, err := pickSheets(path, bk, opt.Sheet)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if err := rd.bookSheet(bk, name, len(names) > 1); err != nil {
			return nil, err
		}
	}
	if len(names) > 1 && len(res.Sheets) == 0 {
		return nil, fileErr(path, "没有一个工作表有提案表头（如 提案号/案号、标题/案由）：%s", strings.Join(names, "、"))
	}
	return res, nil
}

// done returns the result, or nothing when reading failed.
func done(res *Result, err error) (*Result, error) {
	if err != nil {
		return nil, err
	}
	return res, nil
}

// reader reads the sheets of one file into one Result.
type reader struct {
	path   string
	opt    Options
	res    *Result
	n      int                 // records read
	fields map[string][]string // interned Fields slices
}

// wants reports whether a header is one some field takes.
func (rd *reader) wants(h string) bool {
	if knownHeaders[h] {
		return true
	}
	for _, o := range rd.opt.Map {
		if o == h {
			return true
		}
	}
	return false
}

// bookSheet reads one sheet of a workbook. With several, a sheet without
// a proposal header is skipped with a warning.
func (rd *reader) bookSheet(bk book, name string, several bool) error {
	rr, err := bk.open(name)
	if err != nil {
		return err
	}
	t, err := newTable(rd.path, rr, rd.wants)
	if several && err != nil && tian.ErrorCode(err) == tian.EINVALID {
		rd.warn(name, 0, "是空的，已跳过")
		return nil
	}
	if err != nil {
		return err
	}
	defer t.Close()
	if several {
		t.prefix = "“" + name + "”表"
		if missingRequired(mapping(t.hdr, rd.opt.Map), t.hdr) != nil {
			rd.warn(name, 0, "没有提案表头（如 提案号/案号、标题/案由），已跳过")
			return nil
		}
	}
	return rd.sheet(t, name, several)
}

// warn adds a warning; sheet, when given, names the worksheet (several
// are read).
func (rd *reader) warn(sheet string, row int, msg string) {
	if sheet != "" {
		msg = "工作表“" + sheet + "”：" + msg
	}
	rd.res.Warnings = append(rd.res.Warnings, tian.RowError{File: rd.path, Row: row, Message: msg})
}

// sheet reads one table's rows into the result.
func (rd *reader) sheet(src source, name string, several bool) error {
	s := rd.startSheet(src, name, several)
	for {
		row, vals, err := src.next()
		if errors.Is(err, io.EOF) {
			return s.finish()
		}
		if err != nil {
			return err
		}
		if err := s.row(row, vals); err != nil {
			return err
		}
	}
}

// sheetRead is the state of reading one sheet.
type sheetRead struct {
	rd             *reader
	src            source
	rv             *resolver
	ctx            yearCtx
	name           string
	several, first bool
	group          string // the category a group row (一、经济建设类) gives the rows under it
	noYear         []int  // rows without a year
}

// startSheet notes the sheet and works out the year its title gives.
func (rd *reader) startSheet(src source, name string, several bool) *sheetRead {
	res := rd.res
	s := &sheetRead{rd: rd, src: src, name: name, several: several, first: len(res.Sheets) == 0,
		rv: &resolver{path: rd.path, src: src, overrides: rd.opt.Map}}
	res.Sheets = append(res.Sheets, name)
	title := ""
	if t, ok := src.(*table); ok {
		title = strings.Join(t.title, " ")
		if s.first {
			res.Title, res.HeaderRows = title, t.hrows
		}
	}
	s.ctx = rd.fileYear(title, name)
	if s.first {
		res.YearSource = s.ctx.source
	}
	return s
}

// row reads one row: a record, a row error, or a row that is no proposal.
func (s *sheetRead) row(row int, vals map[string]string) error {
	rd, res := s.rd, s.rd.res
	if rd.n++; rd.n > maxRecords {
		return refuse(tian.ETOOLARGE, rd.path, "第%d行：超过 %d 行的上限，请拆分后导入，未导入", row, maxRecords)
	}
	if err := s.rv.update(res, s.first); err != nil {
		return err
	}
	if note, ok := s.skipped(vals); ok {
		msg := fmt.Sprintf("不是提案（%s），已跳过：%s", note.why, note.text)
		if c := groupCategory(note.text); c != "" && s.rv.m["category"] == "" {
			s.group, msg = c, fmt.Sprintf("分组行“%s”：其下各行的类别取为“%s”", note.text, c)
		}
		rd.warn(sheetName(s.name, s.several), row, msg)
		return nil
	}
	p, errs := toProposal(vals, s.rv.m)
	for _, e := range errs {
		res.Errors = append(res.Errors, tian.RowError{File: rd.path, Row: row, Column: s.src.column(s.rv.m[e.Field]), Message: e.Message})
	}
	if len(errs) > 0 {
		return nil
	}
	src, extra := rd.settle(&p, s.ctx)
	if p.Category == "" && s.group != "" {
		p.Category, extra = s.group, append(extra, "category")
	}
	src.Sheet, src.Row = s.name, row
	if p.Year == 0 {
		s.noYear = append(s.noYear, row)
	}
	res.Records = append(res.Records, tian.Record{Row: row, Proposal: p, Fields: rd.present(&p, s.rv.fields, extra)})
	res.Sources = append(res.Sources, src)
	if rd.opt.Progress != nil {
		rd.opt.Progress(rd.n)
	}
	return nil
}

// skipped reports whether a table's row is not a proposal (a note, a
// total, a group heading, the header again). JSON Lines are records, not
// a printed table: none is skipped.
func (s *sheetRead) skipped(vals map[string]string) (note, bool) {
	if _, ok := s.src.(*table); !ok {
		return note{}, false
	}
	return skipped(vals, s.src.headers(), s.rv.m["number"])
}

// finish checks the columns of a sheet without rows, reports the mapping
// and the rows without a year.
func (s *sheetRead) finish() error {
	if err := s.rv.update(s.rd.res, s.first); err != nil {
		return err
	}
	s.rv.report(s.rd.res, s.first, s.several)
	if len(s.noYear) > 0 {
		s.rd.warn(sheetName(s.name, s.several), 0, fmt.Sprintf("%d行没有年度（%s）：请在文件中加年度列，或导入时用 --year 或 --session 指定",
			len(s.noYear), rowList(s.noYear)))
	}
	return nil
}

// sheetName is the sheet a warning names: only when several are read.
func sheetName(name string, several bool) string {
	if several {
		return name
	}
	return ""
}

// rowList writes row numbers for a message: 第3、5、8行, the first ten.
func rowList(rows []int) string {
	parts := make([]string, 0, 10)
	for i, r := range rows {
		if i == 10 {
			return "第" + strings.Join(parts, "、") + fmt.Sprintf("行等%d行", len(rows))
		}
		parts = append(parts, strconv.Itoa(r))
	}
	return "第" + strings.Join(parts, "、") + "行"
}

// present names the fields p has a value for, of those the source maps,
// and extra (year and session from the file): an empty cell is not a
// value, so that a file never empties what another filled. Equal lists
// share one slice.
func (rd *reader) present(p *tian.Proposal, mapped []string, extra []string) []string {
	var b strings.Builder
	var out []string
	for _, f := range append(mapped, extra...) {
		if hasValue(p, f) && !slices.Contains(out, f) {
			out = append(out, f)
			b.WriteString(f + ",")
		}
	}
	key := b.String()
	if s, ok := rd.fields[key]; ok {
		return s
	}
	if out == nil {
		out = []string{}
	}
	rd.fields[key] = out
	return out
}

// hasValue reports whether p's field (a JSON name) is filled.
func hasValue(p *tian.Proposal, field string) bool {
	switch field {
	case "number":
		return p.Number != ""
	case "year":
		return p.Year != 0
	case "session":
		return p.Session != ""
	case "title":
		return p.Title != ""
	case "body":
		return p.Body != ""
	case "proposer":
		return p.Proposer != ""
	case "proposer_type":
		return p.ProposerType != ""
	case "sector":
		return p.Sector != ""
	case "category":
		return p.Category != ""
	case "lead_unit":
		return p.LeadUnit != ""
	case "co_units":
		return len(p.CoUnits) > 0
	case "status":
		return p.Status != ""
	case "status_reason":
		return p.StatusReason != ""
	case "merged_into":
		return p.MergedInto != ""
	case "reply":
		return p.Reply != ""
	case "submitted":
		return p.Submitted != ""
	case "reply_date":
		return p.ReplyDate != ""
	case "written_number":
		return p.WrittenNumber != ""
	}
	return false
}

// resolver maps fields to a source's headers. A sheet's headers are known
// from the start; a JSON Lines file's grow as keys appear, and the
// mapping is made again only when a new key is one some field could take,
// so that a file of thousands of distinct unknown keys reads in linear
// time.
type resolver struct {
	path      string
	src       source
	overrides map[string]string
	m         map[string]string // field → header
	fields    []string          // the mapped fields, in the order of Fields
	seen      int               // headers looked at
}

// update maps the fields again if headers some field could take appeared.
func (rv *resolver) update(res *Result, first bool) error {
	hs := rv.src.headers()
	stale := rv.m == nil
	for _, h := range hs[rv.seen:] {
		stale = stale || knownHeaders[h] || rv.overridden(h)
	}
	rv.seen = len(hs)
	if !stale {
		return nil
	}
	m := mapping(hs, rv.overrides)
	if err := missingRequired(m, hs); err != nil {
		if row := rv.src.headerRow(); row > 0 {
			return fileErr(rv.path, "%v（表头取自第%d行：在前%d个非空行中找不到更像表头的一行）", err, row, headerScan)
		}
		return fileErr(rv.path, "%v", err)
	}
	rv.m, rv.fields = m, nil
	if first {
		res.Columns = map[string]string{}
	}
	for _, f := range Fields {
		if h, ok := m[f.Name]; ok {
			rv.fields = append(rv.fields, f.Name)
			if first {
				res.Columns[f.Name] = rv.src.column(h)
			}
		}
	}
	return nil
}

func (rv *resolver) overridden(h string) bool {
	for _, o := range rv.overrides {
		if o == h {
			return true
		}
	}
	return false
}

// report lists which column went to which field, and the columns none
// took; with several sheets, every sheet's, labelled with its name.
func (rv *resolver) report(res *Result, first, several bool) {
	field := make(map[string]string, len(rv.m)) // header → field
	for f, h := range rv.m {
		field[h] = f
	}
	if first {
		res.HeaderRow = rv.src.headerRow()
	}
	for i, h := range rv.src.headers() {
		if h != "" && first {
			res.Headers, res.Labels = append(res.Headers, h), append(res.Labels, rv.src.columnAt(i))
		}
		f, ok := field[h]
		switch {
		case h == "":
			continue
		case ok:
			res.Mapping = append(res.Mapping, tian.ColumnMapping{Column: rv.src.columnAt(i), Field: f})
			delete(field, h) // a second column with this header is unmapped
		default:
			res.Unmapped = append(res.Unmapped, rv.src.columnAt(i))
		}
	}
}

// toProposal converts one row. Text cells are trimmed of surrounding
// whitespace (spreadsheets pad them with tabs and newlines) and otherwise
// kept as they are.
func toProposal(vals map[string]string, m map[string]string) (tian.Proposal, []tian.FieldProblem) {
	get := func(field string) string {
		if h, ok := m[field]; ok {
			return strings.TrimSpace(vals[h])
		}
		return ""
	}
	var errs []tian.FieldProblem
	p := tian.Proposal{
		Number: get("number"), Session: get("session"), Title: get("title"), Body: get("body"),
		Proposer: get("proposer"), Sector: get("sector"), Category: get("category"), LeadUnit: get("lead_unit"),
		CoUnits: splitUnits(get("co_units")), StatusReason: get("status_reason"), MergedInto: get("merged_into"),
		Reply: get("reply"),
	}
	var err error
	if p.Year, err = parseYear(get("year")); err != nil {
		errs = append(errs, tian.FieldProblem{Field: "year", Message: err.Error()})
	}
	if p.Submitted, err = parseDate(get("submitted")); err != nil {
		errs = append(errs, tian.FieldProblem{Field: "submitted", Message: err.Error()})
	}
	if p.ReplyDate, err = parseDate(get("reply_date")); err != nil {
		errs = append(errs, tian.FieldProblem{Field: "reply_date", Message: err.Error()})
	}
	if p.Status, err = tian.ParseStatus(get("status")); err != nil {
		errs = append(errs, tian.FieldProblem{Field: "status", Message: tian.ErrorMessage(err)})
	}
	if p.ProposerType, err = tian.ParseProposerType(get("proposer_type")); err != nil {
		errs = append(errs, tian.FieldProblem{Field: "proposer_type", Message: tian.ErrorMessage(err)})
	}
	return p, errs
}
