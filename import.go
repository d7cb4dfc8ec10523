package tian

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// RowError is a problem with one cell or row of an imported file. Row is
// the row as the user sees it (a spreadsheet's row number, a file's line
// number); Column names the header and, for sheets, the column letter.
type RowError struct {
	File    string `json:"file"`
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// Error reads "2024.xlsx：第3行，B（标题）列：标题为空". A column label that
// already says it is a column ("主办单位（第6列）") gets no second 列.
func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	sep := "："
	if e.Row > 0 {
		fmt.Fprintf(&b, "%s第%d行", sep, e.Row)
		sep = "，"
	}
	if e.Column != "" {
		b.WriteString(sep + e.Column)
		if !strings.HasSuffix(e.Column, "列）") {
			b.WriteString("列")
		}
	}
	b.WriteString("：")
	b.WriteString(e.Message)
	return b.String()
}

// Record is one proposal read from a file, with where it came from.
type Record struct {
	Row      int
	Proposal Proposal
	// Fields names the fields (JSON names: "title", "reply", …) the
	// source had for this record: a sheet's mapped columns, a JSON line's
	// keys. nil means a whole record (the API's PUT): every field is
	// written. On an update, a field not named keeps its stored value
	// unless ImportOptions.ClearAbsent is set.
	Fields []string
}

// ColumnMapping says which header of a file went to which field.
type ColumnMapping struct {
	Column string `json:"column"` // the header as written, with its letter for sheets
	Field  string `json:"field"`  // the proposal field (JSON name)
}

// ImportReport says what an import did. Rejected rows are listed in
// Errors; nothing is dropped without a line there.
type ImportReport struct {
	File          string     `json:"file"`
	Rows          int        `json:"rows"` // data rows read (empty rows not counted)
	Inserted      int        `json:"inserted"`
	Updated       int        `json:"updated"`
	Unchanged     int        `json:"unchanged"`
	Rejected      int        `json:"rejected"`
	Errors        []RowError `json:"errors,omitempty"`
	Warnings      []RowError `json:"warnings,omitempty"`
	NewCategories []string   `json:"new_categories,omitempty"`
	NewUnits      []string   `json:"new_units,omitempty"`
	// Mapping lists which header went to which field; Unmapped the
	// headers no field took (their cells were not imported).
	Mapping   []ColumnMapping `json:"mapping"`
	Unmapped  []string        `json:"unmapped"`
	Committed bool            `json:"committed"` // false when --strict refused the file
	// NotProposals counts the accepted records marked as not proposals
	// (Proposal.NotProposal: a message board's, say).
	NotProposals int `json:"not_proposals"`
	// DryRun says the counts are what a commit would do: nothing was
	// written.
	DryRun bool `json:"dry_run,omitempty"`
	// Batch is the id of the batch a committed import made (0 for a dry
	// run or a refused file): GET /api/v1/imports lists it, and it can
	// be undone.
	Batch int64 `json:"batch,omitempty"`
}

// Summary is the one-line account of a report, in Chinese as the office
// reads it.
func (r *ImportReport) Summary() string {
	verb := "已导入"
	if r.DryRun {
		verb = "试导入：以上为导入后的结果，未写入"
	} else if !r.Committed {
		verb = "未导入（有错误，--strict 下整个文件不导入）"
	}
	return fmt.Sprintf("%s：读取%d行，新增%d件，更新%d件，未变%d件，拒收%d行；%s",
		r.File, r.Rows, r.Inserted, r.Updated, r.Unchanged, r.Rejected, verb)
}

// FileImport is one file to import, from the CLI or an upload.
type FileImport struct {
	Path string // the file on disk
	// Name is the file's name as its user knows it (an upload's own
	// name); messages say it instead of Path. Empty means Path.
	Name string
	// Map overrides the header of a field: field → header (--map).
	Map map[string]string
	// Sheet names the worksheet of a workbook (default: the active one;
	// "all": every sheet with a proposal header).
	Sheet string
	// Year and Session are those of the rows that give none (--year,
	// --session); without them the file's title or name says them.
	// Committee maps sessions to years: the term whose first session was
	// in a year, "十四届=2023" (the default).
	Year      int
	Session   string
	Committee string
	// Strict imports nothing from a file with any bad row; DryRun checks
	// everything and writes nothing.
	Strict, DryRun bool
	// NewUnits creates units the catalogue does not know.
	NewUnits bool
	// AllProposals keeps every record as a proposal, whatever
	// Proposal.IsProposal says (a list of new proposals not yet given a
	// 届次 or a status, say).
	AllProposals bool
	// ClearAbsent empties stored fields the file has no column for.
	ClearAbsent bool
	Actor       string
	// Progress, if set, is told the records written so far and their
	// number.
	Progress func(done, total int) `json:"-"`
}

// Importer imports files of proposals: read, store, index. Returns
// EINVALID for a file it cannot read (naming file, row and column),
// ETOOLARGE for one over the limits, ENOSPACE on a full disk.
type Importer interface {
	Import(ctx context.Context, req FileImport) (*ImportReport, error)
}

// Exporter writes proposals (xlsx, csv, jsonl), groups and statistics
// (xlsx).
type Exporter interface {
	Export(ctx context.Context, w io.Writer, format string, f ProposalFilter) error
	ExportGroups(w io.Writer, groups []Group) error
	// ExportStats writes s as a workbook: the report paragraph and one
	// sheet a table, text made safe to open in a spreadsheet.
	ExportStats(w io.Writer, s *Stats) error
	// ExportDuplicates writes a year's 查重 as a workbook.
	ExportDuplicates(w io.Writer, rep *DuplicateReport) error
}
