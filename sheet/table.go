package sheet

import (
	"fmt"
	"io"
	"strings"
)

// book is a file of sheets: a workbook, or a CSV file as one sheet.
type book interface {
	names() []string
	active() string
	open(name string) (rowReader, error)
	Close() error
}

// rowReader yields a sheet's rows as cells.
type rowReader interface {
	// nextRow returns the next row (blank ones may be skipped) with its
	// number as the user sees it, or io.EOF.
	nextRow() (row int, cells []string, err error)
	// colName is a column's letter, or "" where columns have none (CSV).
	colName(i int) string
	Close() error
}

// headerScan is how many non-blank rows the header is looked for in:
// offices put one or two title lines, a date or a unit line above it.
const headerScan = 12

// table is a sheet read as a table: the header is the row among the
// first that has the most headers wants knows (title rows, blank rows
// and the lines above are skipped, and kept as the title), and a second
// header row under it (承办单位 over 主办 | 协办) is folded in.
type table struct {
	path    string
	rr      rowReader
	wants   func(string) bool
	hdr     []string
	hrow    int      // the header's (first) row
	hrows   int      // 1, or 2 for a two-row header
	title   []string // the texts above the header
	pending []tableRow
	prefix  string    // a sheet's name when several are read: "“2023年”表"
	closer  io.Closer // the book, for a table open opened
}

type tableRow struct {
	row   int
	cells []string
}

func newTable(path string, rr rowReader, wants func(string) bool) (*table, error) {
	t := &table{path: path, rr: rr, wants: wants, hrows: 1}
	var first []tableRow
	for len(first) < headerScan {
		row, cells, err := rr.nextRow()
		if err == io.EOF {
			break
		}
		if err != nil {
			rr.Close()
			return nil, err
		}
		if !blank(cells) {
			first = append(first, tableRow{row, cells})
		}
	}
	if len(first) == 0 {
		rr.Close()
		return nil, fileErr(path, "文件为空（或所读的工作表为空）：没有表头行")
	}
	h := t.best(first)
	for _, r := range first[:h] {
		for _, c := range r.cells {
			if c = strings.TrimSpace(c); c != "" {
				t.title = append(t.title, c)
			}
		}
	}
	t.hdr, t.hrow = cleanHeaders(first[h].cells), first[h].row
	rest := first[h+1:]
	if len(rest) > 0 {
		if merged, ok := t.subHeader(t.hdr, cleanHeaders(rest[0].cells)); ok {
			t.hdr, t.hrows, rest = merged, 2, rest[1:]
		}
	}
	t.pending = rest
	return t, nil
}

// best picks the header among the first rows: the one with the most
// known headers, the first of equals; with none known, the first row.
func (t *table) best(rows []tableRow) int {
	best, most := 0, 0
	for i, r := range rows {
		n := 0
		for _, c := range cleanHeaders(r.cells) {
			if c != "" && t.wants(c) {
				n++
			}
		}
		if n > most {
			best, most = i, n
		}
	}
	return best
}

// subHeader folds a second header row into the first when it is one:
// its cells stand under blank header cells or under a header that spans
// them (a merged cell keeps its text in its first column), and one of
// them, alone or after its parent, is a known header. Each column then
// takes the first known of: its own cell, parent+cell, the parent (for
// the first column under it); else its own text.
func (t *table) subHeader(top, sub []string) ([]string, bool) {
	parent := make([]string, max(len(top), len(sub)))
	known, spans := false, false
	cur := ""
	for j := range parent {
		h, s := at(top, j), at(sub, j)
		if h != "" {
			cur = h
		}
		if s == "" {
			continue
		}
		if h != "" && (at(top, j+1) != "" || at(sub, j+1) == "") || h == "" && cur == "" {
			return nil, false // a sub-cell under a header standing alone: a data row
		}
		if h == "" {
			spans = true
		}
		parent[j] = cur
		known = known || t.wants(s) || t.wants(cur+s)
	}
	if !known || !spans {
		return nil, false
	}
	out := make([]string, len(parent))
	for j := range out {
		h, s, p := at(top, j), at(sub, j), parent[j]
		switch {
		case s == "":
			out[j] = h
		case t.wants(s):
			out[j] = s
		case t.wants(p + s):
			out[j] = p + s
		case h != "" && t.wants(h):
			out[j] = h
		default:
			out[j] = s
		}
	}
	return out, true
}

func at(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

func (t *table) next() (int, map[string]string, error) {
	for {
		var r tableRow
		if len(t.pending) > 0 {
			r, t.pending = t.pending[0], t.pending[1:]
		} else {
			row, cells, err := t.rr.nextRow()
			if err != nil {
				return row, nil, err
			}
			r = tableRow{row, cells}
		}
		if !blank(r.cells) {
			return r.row, zipRow(t.hdr, r.cells), nil
		}
	}
}

func (t *table) columnAt(i int) string {
	if name := t.rr.colName(i); name != "" {
		return t.prefix + name + "（" + t.hdr[i] + "）"
	}
	return fmt.Sprintf("%s%s（第%d列）", t.prefix, t.hdr[i], i+1)
}

func (t *table) column(h string) string { return columnOf(t, h) }
func (t *table) headers() []string      { return t.hdr }
func (t *table) headerRow() int         { return t.hrow }

func (t *table) Close() error {
	err := t.rr.Close()
	if t.closer != nil {
		if cerr := t.closer.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
