// Package sheet reads and writes the tables proposal offices keep: Excel
// workbooks (.xlsx, through github.com/xuri/excelize/v2; .xls, BIFF8,
// read by xls.go), CSV and TSV (UTF-8 with or without BOM, UTF-16 with
// BOM, GB18030 detected), JSON Lines, and Word documents (.docx: proposal
// forms, compilations and lists kept as Word tables, docx.go). A sheet's
// header row is found under its title rows (table.go); years, sessions
// and proposal numbers are read as offices write them (year.go,
// number.go). Columns are found by their usual Chinese headers, or by an
// explicit mapping, and every problem names the file, the row and the
// column. Files are read within limits (limits.go): a workbook is vetted
// from its zip directory before anything is unpacked, so a zip bomb is an
// ETOOLARGE error, and rows and cells are capped while they stream.
// Exports are safe to open in a spreadsheet (formula.go).
package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"tian"
)

// MaxFileBytes bounds a file tian reads: .xlsx, .xls, .docx, CSV, TSV or
// JSON Lines.
const MaxFileBytes = 256 << 20

// source yields the rows of a file. Values are keyed by header; Row is the
// row as the user sees it (spreadsheet row, file line).
type source interface {
	// next returns the next non-empty row, or io.EOF.
	next() (row int, values map[string]string, err error)
	// column labels a header for messages, e.g. "C（类别）".
	column(header string) string
	// columnAt labels the i-th header (0-based).
	columnAt(i int) string
	// headers returns the headers known so far: a sheet's in column
	// order, a JSON Lines file's keys in the order they first appeared
	// (new ones are appended). Callers must not change it.
	headers() []string
	// headerRow is the row the header was read from (0: none, JSON Lines).
	headerRow() int
	Close() error
}

func fileErr(path string, format string, args ...any) error {
	return refuse(tian.EINVALID, path, format, args...)
}

// readErr says why a file could not be opened or read.
func readErr(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fileErr(path, "文件不存在")
	case errors.Is(err, fs.ErrPermission):
		return fileErr(path, "没有读取权限")
	}
	return fileErr(path, "无法读取（%v）", err)
}

// opener opens the bytes of a file.
type opener func() (io.ReadCloser, error)

func osOpener(path string) opener {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

func fsOpener(fsys fs.FS, name string) opener {
	return func() (io.ReadCloser, error) { return fsys.Open(name) }
}

// open picks the reader by the file's extension and opens one sheet
// (the active one when sheetName is empty) as a table whose header row is
// found by wants (table.go).
func open(path, sheetName string, op opener, wants func(string) bool) (source, error) {
	if strings.EqualFold(filepath.Ext(path), ".jsonl") || strings.EqualFold(filepath.Ext(path), ".ndjson") {
		return openJSONL(path, op)
	}
	bk, err := openBook(path, op)
	if err != nil {
		return nil, err
	}
	names, err := pickSheets(path, bk, sheetName)
	if err != nil {
		bk.Close()
		return nil, err
	}
	rr, err := bk.open(names[0])
	if err != nil {
		bk.Close()
		return nil, err
	}
	t, err := newTable(path, rr, wants)
	if err != nil {
		bk.Close()
		return nil, err
	}
	t.closer = bk
	return t, nil
}

// openBook opens a workbook or a delimited text file by its extension.
func openBook(path string, op opener) (book, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		return openXLSX(path, op)
	case ".xls":
		return openXLS(path, op)
	case ".csv":
		return openDelimited(path, ',', op)
	case ".tsv", ".tab":
		return openDelimited(path, '\t', op)
	case ".doc":
		return nil, fileErr(path, "这是旧版 Word 文档（.doc）：请在 Word 或 WPS 中另存为 .docx 后再导入")
	}
	return nil, fileErr(path, "不支持的文件类型 %q（应为 .xlsx、.xls、.csv、.tsv、.jsonl 或 .docx）", filepath.Ext(path))
}

// AllSheets, as Options.Sheet, reads every worksheet of a workbook.
const AllSheets = "all"

// pickSheets resolves a sheet option: "" the active sheet, AllSheets
// every sheet, else the named one.
func pickSheets(path string, bk book, name string) ([]string, error) {
	sheets := bk.names()
	switch {
	case len(sheets) == 0:
		return nil, refuse(tian.EINVALID, path, "工作簿中没有工作表，未导入")
	case name == "":
		return []string{bk.active()}, nil
	case name == AllSheets && !slices.Contains(sheets, AllSheets):
		return sheets, nil
	case slices.Contains(sheets, name):
		return []string{name}, nil
	}
	return nil, refuse(tian.EINVALID, path, "没有名为“%s”的工作表（工作簿中的工作表：%s）", name, strings.Join(sheets, "、"))
}

// --- xlsx

// xlsxBook is an open .xlsx workbook.
type xlsxBook struct {
	path  string
	f     *excelize.File
	cells int // cells read, all sheets
}

// openXLSX opens a workbook. The bytes are vetted by checkZip first; a
// panic inside excelize, which parses them, becomes an EINVALID error.
func openXLSX(path string, op opener) (bk book, err error) {
	defer recovered(path, &err)
	b, err := readAll(path, op)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(b, oleMagic) {
		return nil, oleRefusal(path, b, ".xlsx")
	}
	if err := checkZip(path, b, "Excel 工作簿（.xlsx）"); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: maxUnzipBytes, UnzipXMLSizeLimit: unzipXMLBytes})
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, workbookErr(path, err)
	}
	return &xlsxBook{path: path, f: f}, nil
}

func (bk *xlsxBook) names() []string { return bk.f.GetSheetList() }

func (bk *xlsxBook) active() string {
	if name := bk.f.GetSheetName(bk.f.GetActiveSheetIndex()); name != "" {
		return name
	}
	return bk.f.GetSheetList()[0]
}

func (bk *xlsxBook) Close() error { return bk.f.Close() }

func (bk *xlsxBook) open(name string) (rowReader, error) {
	rows, err := bk.f.Rows(name)
	var missing excelize.ErrSheetNotExist
	switch {
	case err == nil:
		return &xlsxRows{bk: bk, rows: rows}, nil
	case errors.As(err, &missing) && slices.Contains(bk.names(), name):
		return nil, refuse(tian.EINVALID, bk.path, "工作表“%s”的内容缺失，工作簿可能已损坏，请重新保存后再导入", name)
	case errors.As(err, &missing):
		return nil, refuse(tian.EINVALID, bk.path, "没有名为“%s”的工作表（工作簿中的工作表：%s）", name, strings.Join(bk.names(), "、"))
	}
	return nil, refuse(tian.EINVALID, bk.path, "无法读取工作表“%s”（%v）", name, err)
}

// workbookErr explains why excelize could not open a workbook.
func workbookErr(path string, err error) error {
	switch {
	case strings.Contains(err.Error(), "unzip size exceeds"): // excelize's limit; checkZip refuses such files first
		return refuse(tian.ETOOLARGE, path, "文件解压后超过 %d MB 上限，可能是压缩炸弹，未导入", maxUnzipBytes>>20)
	case errors.Is(err, excelize.ErrWorkbookPassword), errors.Is(err, excelize.ErrWorkbookFileFormat):
		return refuse(tian.EINVALID, path, "工作簿已加密或格式不受支持：请在 Excel 或 WPS 中取消密码并另存为 .xlsx 后再导入")
	}
	return &tian.Error{Code: tian.EINVALID, Op: "sheet", Err: err,
		Message: path + "：无法作为 Excel 工作簿（.xlsx）读取（" + err.Error() + "），文件可能不完整或已损坏，请重新保存后再导入"}
}

// recovered turns a panic while excelize parses a file into an EINVALID
// error naming the file: excelize reads untrusted bytes, and one bad file
// must not take the service down.
func recovered(path string, err *error) {
	if p := recover(); p != nil {
		*err = refuse(tian.EINVALID, path, "无法读取工作簿（%v），文件可能已损坏，请重新保存后再导入", p)
	}
}

// xlsxRows streams one sheet's rows.
type xlsxRows struct {
	bk   *xlsxBook
	rows *excelize.Rows
	row  int // rows read, blank ones included
}

func (s *xlsxRows) nextRow() (row int, cells []string, err error) {
	defer recovered(s.bk.path, &err)
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return s.row, nil, s.rowErr(err)
		}
		return s.row, nil, io.EOF
	}
	s.row++
	if s.row > maxSheetRows {
		return s.row, nil, refuse(tian.ETOOLARGE, s.bk.path, "第%d行：超过 Excel 的 %d 行上限，未导入", s.row, maxSheetRows)
	}
	cells, err = s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return s.row, nil, s.rowErr(err)
	}
	if len(cells) > maxRowCells {
		return s.row, nil, refuse(tian.ETOOLARGE, s.bk.path, "第%d行有 %d 列，超过 Excel 的 %d 列上限，未导入", s.row, len(cells), maxRowCells)
	}
	if s.bk.cells += len(cells); s.bk.cells > maxCells {
		return s.row, nil, refuse(tian.ETOOLARGE, s.bk.path, "第%d行：工作表超过 %d 万个单元格的上限，请拆分后导入，未导入", s.row, maxCells/10_000)
	}
	return s.row, cells, nil
}

func (s *xlsxRows) rowErr(err error) error {
	if errors.Is(err, excelize.ErrMaxRows) {
		return refuse(tian.ETOOLARGE, s.bk.path, "第%d行之后：超过 Excel 的 %d 行上限，未导入", s.row, excelize.TotalRows)
	}
	return refuse(tian.EINVALID, s.bk.path, "第%d行无法读取（%v），工作簿可能已损坏", s.row, err)
}

func (s *xlsxRows) colName(i int) string {
	name, _ := excelize.ColumnNumberToName(i + 1)
	return name
}

func (s *xlsxRows) Close() error { return s.rows.Close() }

// --- csv and tsv

// delimitedBook is a CSV or TSV file: one sheet.
type delimitedBook struct {
	path string
	r    *csv.Reader
}

func openDelimited(path string, sep rune, op opener) (book, error) {
	text, err := readText(path, op)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.LazyQuotes = sep == '\t'
	r.ReuseRecord = false
	return &delimitedBook{path: path, r: r}, nil
}

func (b *delimitedBook) names() []string                { return []string{""} }
func (b *delimitedBook) active() string                 { return "" }
func (b *delimitedBook) open(string) (rowReader, error) { return b, nil }
func (b *delimitedBook) Close() error                   { return nil }
func (b *delimitedBook) colName(int) string             { return "" }

func (b *delimitedBook) nextRow() (int, []string, error) {
	rec, err := b.r.Read()
	if err == io.EOF {
		return 0, nil, io.EOF
	}
	if err != nil {
		return 0, nil, b.csvErr(err)
	}
	line, _ := b.r.FieldPos(0)
	return line, rec, nil
}

func (b *delimitedBook) csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fileErr(b.path, "第%d行第%d列：%s", pe.StartLine, pe.Column, csvProblem(pe.Err))
	}
	return readErr(b.path, err)
}

// csvProblem says in words what encoding/csv found wrong.
func csvProblem(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote):
		return "引号不成对（字段内的引号须写成两个）"
	case errors.Is(err, csv.ErrBareQuote):
		return "未加引号的字段中出现了引号"
	case errors.Is(err, csv.ErrFieldCount):
		return "字段数与表头不符"
	}
	return "无法读取（" + err.Error() + "）"
}

// readText reads a text file and decodes it: UTF-8 (a BOM is dropped),
// UTF-16 with a BOM, or GB18030 when the bytes are not UTF-8 but decode as
// GB18030 cleanly. Anything else is refused rather than guessed.
func readText(path string, op opener) (string, error) {
	b, err := readAll(path, op)
	if err != nil {
		return "", err
	}
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		dec := xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM).NewDecoder()
		u, err := dec.Bytes(b)
		if err != nil {
			return "", fileErr(path, "UTF-16 编码有误（%v）", err)
		}
		return string(u), nil
	}
	if utf8.Valid(b) {
		if binary(string(b)) {
			return "", fileErr(path, "不是文本文件（含有控制字符）")
		}
		return string(b), nil
	}
	gb, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil || bytes.ContainsRune(gb, utf8.RuneError) || binary(string(gb)) {
		return "", fileErr(path, "文本既不是 UTF-8 也不是 GB18030（GBK）编码：请另存为 UTF-8 后重试")
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
	read *countingReader
	line int
	hdr  []string // keys in the order they first appeared
	seen map[string]bool
}

func openJSONL(path string, op opener) (source, error) {
	f, err := op()
	if err != nil {
		return nil, readErr(path, err)
	}
	read := &countingReader{r: f}
	sc := bufio.NewScanner(read)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	return &jsonlSource{path: path, sc: sc, f: f, read: read, seen: map[string]bool{}}, nil
}

func (s *jsonlSource) next() (int, map[string]string, error) {
	for s.sc.Scan() {
		s.line++
		if s.read.n > maxFileBytes {
			return s.line, nil, tooBig(s.path)
		}
		line := bytes.TrimSpace(s.sc.Bytes())
		if s.line == 1 {
			line = bytes.TrimPrefix(line, []byte{0xEF, 0xBB, 0xBF})
		}
		if len(line) == 0 {
			continue
		}
		vals, err := s.parse(line)
		return s.line, vals, err
	}
	if err := s.sc.Err(); err != nil {
		return s.line, nil, fileErr(s.path, "第%d行无法读取（%v）", s.line+1, err)
	}
	if s.read.n > maxFileBytes {
		return s.line, nil, tooBig(s.path)
	}
	return s.line, nil, io.EOF
}

// parse reads one line's object, keeping its keys in the order written;
// keys not seen before are appended to the headers.
func (s *jsonlSource) parse(line []byte) (map[string]string, error) {
	if !utf8.Valid(line) {
		return nil, fileErr(s.path, "第%d行不是 UTF-8 编码", s.line)
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fileErr(s.path, "第%d行不是 JSON 对象", s.line)
	}
	vals := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fileErr(s.path, "第%d行不是有效的 JSON 对象（%v）", s.line, err)
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fileErr(s.path, "第%d行不是有效的 JSON 对象（%v）", s.line, err)
		}
		k := cleanHeader(tok.(string)) // keys are strings: Token checks the syntax
		vals[k] = jsonString(v)
		if !s.seen[k] {
			s.seen[k] = true
			s.hdr = append(s.hdr, k)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, fileErr(s.path, "第%d行不是有效的 JSON 对象（%v）", s.line, err)
	}
	return vals, nil
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
func (s *jsonlSource) columnAt(i int) string  { return s.hdr[i] }
func (s *jsonlSource) headers() []string      { return s.hdr }
func (s *jsonlSource) headerRow() int         { return 0 }

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

// zipRow keys a sheet row's cells by header. Of two columns with one
// header the first is kept, the one column() names.
func zipRow(hdr, cells []string) map[string]string {
	m := make(map[string]string, len(hdr))
	for i, h := range hdr {
		if _, dup := m[h]; h == "" || dup {
			continue
		}
		if i < len(cells) {
			m[h] = cellText(cells[i])
		} else {
			m[h] = ""
		}
	}
	return m
}

// columnOf labels a header by its first column.
func columnOf(s source, h string) string {
	if i := slices.Index(s.headers(), h); i >= 0 {
		return s.columnAt(i)
	}
	return h
}
