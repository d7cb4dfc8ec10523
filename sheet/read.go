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
	Mapping map[string]string // field → header used
}

// ReadProposals reads a proposal table. Rows with unreadable cells are
// reported in Result.Errors and left out of Records; a file that cannot be
// read at all (unknown type, broken workbook, undecodable text, missing
// required columns) is an EINVALID error naming it.
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
	var m map[string]string
	known := -1 // headers the mapping was made from; JSON Lines may add keys as they go
	for n := 1; ; n++ {
		row, vals, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if hs := src.headers(); len(hs) != known {
			if m, err = resolve(path, src, opt.Map, res); err != nil {
				return nil, err
			}
			known = len(hs)
		}
		p, errs := toProposal(vals, m)
		for _, e := range errs {
			res.Errors = append(res.Errors, tian.RowError{File: path, Row: row, Column: res.Columns[e.Field], Message: e.Message})
		}
		if len(errs) == 0 {
			res.Records = append(res.Records, tian.Record{Row: row, Proposal: p})
		}
		if opt.Progress != nil {
			opt.Progress(n)
		}
	}
	if m == nil { // a header and no rows: still check the columns
		if _, err := resolve(path, src, opt.Map, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// resolve maps fields to the source's headers and records the columns.
func resolve(path string, src source, overrides map[string]string, res *Result) (map[string]string, error) {
	m := mapping(src.headers(), overrides)
	if err := missingRequired(m, src.headers()); err != nil {
		return nil, fileErr(path, "%v", err)
	}
	res.Mapping, res.Columns = m, map[string]string{}
	for field, h := range m {
		res.Columns[field] = src.column(h)
	}
	return m, nil
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
