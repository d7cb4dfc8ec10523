package sheet

import (
	"errors"
	"io"
	"io/fs"
	"strings"

	"tian"
)

// Options control reading a proposal table.
type Options struct {
	// Map overrides the header of a field: field name → header.
	Map map[string]string
	// Sheet names the worksheet of an .xlsx (default: the active one).
	Sheet string
	// Progress, if set, is called with the number of rows read so far.
	Progress func(rows int)
}

// Result is what reading a file gave.
type Result struct {
	File    string
	Records []tian.Record
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
	// whose keys are the header). Headers are the file's column headers
	// in order, as cleaned for matching (the strings --map takes), and
	// Labels the same columns labelled as in Mapping.
	HeaderRow       int
	Headers, Labels []string
}

// ReadProposals reads a proposal table. Rows with unreadable cells are
// reported in Result.Errors and left out of Records; a file that cannot be
// read at all (unknown type, broken workbook, undecodable text, missing
// required columns) is an EINVALID error naming it, and one past a limit
// (over MaxFileBytes, a workbook that unpacks to too much, more than
// 500,000 rows) an ETOOLARGE error naming it. Each record's Fields names
// the fields its row had: a sheet's mapped columns (records of one sheet
// share that slice, which callers must not change), a JSON line's own
// keys that map to fields.
func ReadProposals(path string, opt Options) (*Result, error) {
	return readProposals(path, osOpener(path), opt)
}

// ReadProposalsFS reads a proposal table from a file system (the demo
// corpus embedded in the binary).
func ReadProposalsFS(fsys fs.FS, name string, opt Options) (*Result, error) {
	return readProposals(name, fsOpener(fsys, name), opt)
}

func readProposals(path string, op opener, opt Options) (*Result, error) {
	src, err := open(path, opt.Sheet, op)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	res := &Result{File: path}
	rv := &resolver{path: path, src: src, overrides: opt.Map}
	for n := 1; ; n++ {
		row, vals, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if n > maxRecords {
			return nil, refuse(tian.ETOOLARGE, path, "第%d行：超过 %d 行的上限，请拆分后导入，未导入", row, maxRecords)
		}
		if err := rv.update(res); err != nil {
			return nil, err
		}
		p, errs := toProposal(vals, rv.m)
		for _, e := range errs {
			res.Errors = append(res.Errors, tian.RowError{File: path, Row: row, Column: res.Columns[e.Field], Message: e.Message})
		}
		if len(errs) == 0 {
			res.Records = append(res.Records, tian.Record{Row: row, Proposal: p, Fields: rv.fieldsOf(vals)})
		}
		if opt.Progress != nil {
			opt.Progress(n)
		}
	}
	if err := rv.update(res); err != nil { // a header and no rows: still check the columns
		return nil, err
	}
	rv.report(res)
	return res, nil
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
func (rv *resolver) update(res *Result) error {
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
		return fileErr(rv.path, "%v", err)
	}
	rv.m, rv.fields, res.Columns = m, nil, map[string]string{}
	for _, f := range Fields {
		if h, ok := m[f.Name]; ok {
			rv.fields = append(rv.fields, f.Name)
			res.Columns[f.Name] = rv.src.column(h)
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

// fieldsOf names the mapped fields a row has; a row with all of them (any
// sheet row) shares rv.fields.
func (rv *resolver) fieldsOf(vals map[string]string) []string {
	n := 0
	for _, f := range rv.fields {
		if _, ok := vals[rv.m[f]]; ok {
			n++
		}
	}
	if n == len(rv.fields) {
		return rv.fields
	}
	out := make([]string, 0, n)
	for _, f := range rv.fields {
		if _, ok := vals[rv.m[f]]; ok {
			out = append(out, f)
		}
	}
	return out
}

// report lists which column went to which field, and the columns none took.
func (rv *resolver) report(res *Result) {
	field := make(map[string]string, len(rv.m)) // header → field
	for f, h := range rv.m {
		field[h] = f
	}
	res.Mapping, res.Unmapped, res.Headers, res.Labels = []tian.ColumnMapping{}, []string{}, []string{}, []string{}
	res.HeaderRow = rv.src.headerRow()
	for i, h := range rv.src.headers() {
		if h != "" {
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
	if p.Year == 0 && len(p.Submitted) >= 4 {
		p.Year, _ = parseYear(p.Submitted[:4])
	}
	if p.Status, err = tian.ParseStatus(get("status")); err != nil {
		errs = append(errs, tian.FieldProblem{Field: "status", Message: tian.ErrorMessage(err)})
	}
	if p.ProposerType, err = tian.ParseProposerType(get("proposer_type")); err != nil {
		errs = append(errs, tian.FieldProblem{Field: "proposer_type", Message: tian.ErrorMessage(err)})
	}
	return p, errs
}
