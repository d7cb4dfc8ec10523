// Package sheet reads and writes the tables proposal offices keep: Excel
// workbooks (.xlsx, through github.com/xuri/excelize/v2), CSV and TSV
// (UTF-8 with or without BOM, UTF-16 with BOM, GB18030 detected) and JSON
// Lines. Columns are found by their usual Chinese headers, or by an
// explicit mapping, and every problem names the file, the row and the
// column.
package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"tian"
)

// MaxFileBytes bounds a CSV, TSV or JSONL file read into memory.
const MaxFileBytes = 256 << 20

// source yields the rows of a file. Values are keyed by header; Row is the
// row as the user sees it (spreadsheet row, file line).
type source interface {
	// next returns the next non-empty row, or io.EOF.
	next() (row int, values map[string]string, err error)
	// column labels a header for messages, e.g. "C（类别）".
	column(header string) string
	// headers returns the headers known so far.
	headers() []string
	Close() error
}

func fileErr(path string, format string, args ...any) error {
	return &tian.Error{Code: tian.EINVALID, Op: "sheet", Message: path + ": " + fmt.Sprintf(format, args...)}
}

// opener opens the bytes of a file.
type opener func() (io.ReadCloser, error)

func osOpener(path string) opener {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

func fsOpener(fsys fs.FS, name string) opener {
	return func() (io.ReadCloser, error) { return fsys.Open(name) }
}

// open picks the reader by the file's extension.
func open(path, sheetName string, op opener) (source, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		return openXLSX(path, sheetName, op)
	case ".csv":
		return openDelimited(path, ',', op)
	case ".tsv", ".tab":
		return openDelimited(path, '\t', op)
	case ".jsonl", ".ndjson":
		return openJSONL(path, op)
	case ".xls":
		return nil, fileErr(path, "the old .xls format is not supported: save it as .xlsx in Excel or WPS")
	}
	return nil, fileErr(path, "unknown file type %q (want .xlsx, .csv, .tsv or .jsonl)", filepath.Ext(path))
}

// --- xlsx

type xlsxSource struct {
	path string
	f    *excelize.File
	rows *excelize.Rows
	hdr  []string
	row  int
}

func openXLSX(path, sheetName string, op opener) (source, error) {
	r, err := op()
	if err != nil {
		return nil, fileErr(path, "%v", err)
	}
	defer r.Close()
	f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fileErr(path, "cannot read as an Excel workbook (%v); is the file complete?", err)
	}
	if sheetName == "" {
		sheetName = f.GetSheetName(f.GetActiveSheetIndex())
		if sheetName == "" {
			sheetName = f.GetSheetList()[0]
		}
	}
	rows, err := f.Rows(sheetName)
	if err != nil {
		f.Close()
		return nil, fileErr(path, "sheet %q: %v (sheets: %s)", sheetName, err, strings.Join(f.GetSheetList(), ", "))
	}
	s := &xlsxSource{path: path, f: f, rows: rows}
	if err := s.readHeader(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *xlsxSource) readHeader() error {
	for s.rows.Next() {
		s.row++
		cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return fileErr(s.path, "row %d: %v", s.row, err)
		}
		if !blank(cells) {
			s.hdr = cleanHeaders(cells)
			return nil
		}
	}
	if err := s.rows.Error(); err != nil {
		return fileErr(s.path, "%v", err)
	}
	return fileErr(s.path, "the sheet is empty: no header row")
}

func (s *xlsxSource) next() (int, map[string]string, error) {
	for s.rows.Next() {
		s.row++
		cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return s.row, nil, fileErr(s.path, "row %d: %v", s.row, err)
		}
		if !blank(cells) {
			return s.row, zipRow(s.hdr, cells), nil
		}
	}
	if err := s.rows.Error(); err != nil {
		return s.row, nil, fileErr(s.path, "row %d: %v", s.row, err)
	}
	return s.row, nil, io.EOF
}

func (s *xlsxSource) column(h string) string {
	for i, x := range s.hdr {
		if x == h {
			name, _ := excelize.ColumnNumberToName(i + 1)
			return name + "（" + h + "）"
		}
	}
	return h
}

func (s *xlsxSource) headers() []string { return s.hdr }

func (s *xlsxSource) Close() error {
	if s.rows != nil {
		s.rows.Close()
	}
	return s.f.Close()
}

// --- csv and tsv

type delimitedSource struct {
	path string
	r    *csv.Reader
	hdr  []string
}

func openDelimited(path string, sep rune, op opener) (source, error) {
	text, err := readText(path, op)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.LazyQuotes = sep == '\t'
	r.ReuseRecord = false
	s := &delimitedSource{path: path, r: r}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil, fileErr(path, "the file is empty: no header row")
		}
		if err != nil {
			return nil, s.csvErr(err)
		}
		if !blank(rec) {
			s.hdr = cleanHeaders(rec)
			return s, nil
		}
	}
}

func (s *delimitedSource) csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fileErr(s.path, "row %d, column %d: %v", pe.StartLine, pe.Column, pe.Err)
	}
	return fileErr(s.path, "%v", err)
}

func (s *delimitedSource) next() (int, map[string]string, error) {
	for {
		rec, err := s.r.Read()
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		if err != nil {
			return 0, nil, s.csvErr(err)
		}
		line, _ := s.r.FieldPos(0)
		if !blank(rec) {
			return line, zipRow(s.hdr, rec), nil
		}
	}
}

func (s *delimitedSource) column(h string) string {
	for i, x := range s.hdr {
		if x == h {
			return fmt.Sprintf("%s（第%d列）", h, i+1)
		}
	}
	return h
}

func (s *delimitedSource) headers() []string { return s.hdr }
func (s *delimitedSource) Close() error      { return nil }

// readText reads a text file and decodes it: UTF-8 (a BOM is dropped),
// UTF-16 with a BOM, or GB18030 when the bytes are not UTF-8 but decode as
// GB18030 cleanly. Anything else is refused rather than guessed.
func readText(path string, op opener) (string, error) {
	f, err := op()
	if err != nil {
		return "", fileErr(path, "%v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return "", fileErr(path, "%v", err)
	}
	if len(b) > MaxFileBytes {
		return "", fileErr(path, "the file is larger than %d MB; split it", MaxFileBytes>>20)
	}
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		dec := xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM).NewDecoder()
		u, err := dec.Bytes(b)
		if err != nil {
			return "", fileErr(path, "invalid UTF-16: %v", err)
		}
		return string(u), nil
	}
	if utf8.Valid(b) {
		if binary(string(b)) {
			return "", fileErr(path, "this is not a text file (control characters found)")
		}
		return string(b), nil
	}
	gb, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil || bytes.ContainsRune(gb, utf8.RuneError) || binary(string(gb)) {
		return "", fileErr(path, "the text is neither UTF-8 nor GB18030 (GBK); save it as UTF-8 and try again")
	}
	return string(gb), nil
}

// binary reports control characters other than tab, newline and carriage
// return, which text files do not hold.
func binary(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return true
		}
	}
	return false
}

// --- jsonl

type jsonlSource struct {
	path string
	sc   *bufio.Scanner
	f    io.ReadCloser
	line int
	seen map[string]bool
}

func openJSONL(path string, op opener) (source, error) {
	f, err := op()
	if err != nil {
		return nil, fileErr(path, "%v", err)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	return &jsonlSource{path: path, sc: sc, f: f, seen: map[string]bool{}}, nil
}

func (s *jsonlSource) next() (int, map[string]string, error) {
	for s.sc.Scan() {
		s.line++
		line := bytes.TrimSpace(s.sc.Bytes())
		if s.line == 1 {
			line = bytes.TrimPrefix(line, []byte{0xEF, 0xBB, 0xBF})
		}
		if len(line) == 0 {
			continue
		}
		if !utf8.Valid(line) {
			return s.line, nil, fileErr(s.path, "line %d: not UTF-8", s.line)
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			return s.line, nil, fileErr(s.path, "line %d: not a JSON object: %v", s.line, err)
		}
		vals := make(map[string]string, len(obj))
		for k, v := range obj {
			k = cleanHeader(k)
			vals[k] = jsonString(v)
			s.seen[k] = true
		}
		return s.line, vals, nil
	}
	if err := s.sc.Err(); err != nil {
		return s.line, nil, fileErr(s.path, "line %d: %v", s.line+1, err)
	}
	return s.line, nil, io.EOF
}

// jsonString renders a JSON value as a cell: lists are joined with 、.
func jsonString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if s := jsonString(e); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, "、")
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func (s *jsonlSource) column(h string) string { return h }

func (s *jsonlSource) headers() []string {
	out := make([]string, 0, len(s.seen))
	for k := range s.seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *jsonlSource) Close() error { return s.f.Close() }

// --- helpers

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func cleanHeaders(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = cleanHeader(c)
	}
	return out
}

// cleanHeader trims a header and drops the spaces, BOMs and full-width
// forms that spreadsheets leave in them.
func cleanHeader(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '\ufeff':
			return -1
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		}
		return r
	}, h)
}

func zipRow(hdr, cells []string) map[string]string {
	m := make(map[string]string, len(hdr))
	for i, h := range hdr {
		if h == "" {
			continue
		}
		if i < len(cells) {
			m[h] = cells[i]
		} else {
			m[h] = ""
		}
	}
	return m
}
