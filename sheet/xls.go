package sheet

import (
	"bytes"
	bin "encoding/binary"
	"errors"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"tian"
)

// tian reads Excel 97–2003 workbooks (.xls, BIFF8) itself. The module
// proxy serves two Go readers, and neither reads an office's list: with
// github.com/shakinm/xlsReader v0.9.12 (2022) a workbook whose shared
// strings run over CONTINUE records (any list with proposal texts) comes
// back with wrong strings and then a panic, and it returns a nil error
// for a stream it could not read; github.com/extrame/xls v0.0.1 (2017)
// shows plain numbers such as 序号 1 as dates (1899-12-31), drops the
// column positions of a partly filled row and panics on blank rows.
// The format is documented ([MS-XLS]); tian needs only the cells' values:
// the sheet list, the shared strings, and the cell records. Numbers are
// given as Excel stores them, as .xlsx cells are read raw, so a date is
// its serial number and parseDate reads it the same way.

// BIFF record types tian reads.
const (
	biffBOF        = 0x0809
	biffEOF        = 0x000A
	biffFilePass   = 0x002F
	biffBoundSheet = 0x0085
	biffSST        = 0x00FC
	biffContinue   = 0x003C
	biffLabelSST   = 0x00FD
	biffLabel      = 0x0204
	biffRString    = 0x00D6
	biffNumber     = 0x0203
	biffRK         = 0x027E
	biffMulRK      = 0x00BD
	biffFormula    = 0x0006
	biffString     = 0x0207
	biffBoolErr    = 0x0205
)

// xlsBook is a BIFF8 workbook's sheets, read into memory.
type xlsBook struct {
	path   string
	stream []byte
	sst    []string
	sheets []xlsSheetRef
	cells  int // cells read, all sheets
}

type xlsSheetRef struct {
	name string
	pos  uint32
}

type xlsCell struct {
	row, col int
	val      string
}

// openXLSBook parses an .xls file's bytes.
func openXLSBook(path string, b []byte) (bk *xlsBook, err error) {
	defer recovered(path, &err)
	c, err := parseCFB(b)
	if err != nil {
		return nil, refuse(tian.EINVALID, path, "不是有效的 Excel 97–2003 工作簿（.xls），文件可能已损坏，请重新保存后再导入")
	}
	if err := oleKind(path, c, ".xls"); err != nil {
		return nil, err
	}
	stream, ok, err := c.stream("Workbook")
	switch {
	case err != nil:
		return nil, refuse(tian.EINVALID, path, "工作簿已损坏（数据流不完整），请重新保存后再导入")
	case !ok && c.has("Book"):
		return nil, refuse(tian.EINVALID, path, "这是 Excel 5.0/95 格式的工作簿，请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
	case !ok:
		return nil, refuse(tian.EINVALID, path, "不是 Excel 工作簿：文件中没有工作簿数据，请确认文件类型")
	}
	bk = &xlsBook{path: path, stream: stream}
	if err := bk.readGlobals(); err != nil {
		return nil, err
	}
	return bk, nil
}

// oleKind refuses compound files that are not what their extension says:
// a password-protected .xlsx or .docx (Office keeps them as an
// EncryptedPackage inside a compound file), a Word .doc.
func oleKind(path string, c *cfbFile, ext string) error {
	switch {
	case c.has("EncryptedPackage"):
		return refuse(tian.EINVALID, path, "文件设有打开密码（已加密）：请在 Excel、Word 或 WPS 中取消密码后另存再导入")
	case c.has("WordDocument"):
		return refuse(tian.EINVALID, path, "这是旧版 Word 文档（.doc）：请在 Word 或 WPS 中另存为 .docx 后再导入")
	case ext == ".docx" && c.has("Workbook"):
		return refuse(tian.EINVALID, path, "这是 Excel 97–2003 工作簿（.xls），不是 Word 文档：请改用 .xls 扩展名")
	}
	return nil
}

// record reads the record at off: its type, data and the offset after.
func (bk *xlsBook) record(off int) (typ uint16, data []byte, next int, err error) {
	if off+4 > len(bk.stream) {
		return 0, nil, 0, errors.New("记录越界")
	}
	typ = bin.LittleEndian.Uint16(bk.stream[off:])
	n := int(bin.LittleEndian.Uint16(bk.stream[off+2:]))
	if off+4+n > len(bk.stream) {
		return 0, nil, 0, errors.New("记录越界")
	}
	return typ, bk.stream[off+4 : off+4+n], off + 4 + n, nil
}

// continued gathers a record's data and the CONTINUE records after it.
func (bk *xlsBook) continued(first []byte, next int) ([][]byte, int) {
	segs := [][]byte{first}
	for {
		typ, data, after, err := bk.record(next)
		if err != nil || typ != biffContinue {
			return segs, next
		}
		segs, next = append(segs, data), after
	}
}

func (bk *xlsBook) corrupt(what string) error {
	return refuse(tian.EINVALID, bk.path, "工作簿已损坏（%s），请在 Excel 或 WPS 中重新保存后再导入", what)
}

// readGlobals reads the workbook globals: the sheet list and the shared
// strings; an encrypted workbook is refused.
func (bk *xlsBook) readGlobals() error {
	typ, data, off, err := bk.record(0)
	if err != nil || typ != biffBOF || len(data) < 2 {
		return bk.corrupt("缺少文件头")
	}
	if v := bin.LittleEndian.Uint16(data); v != 0x0600 {
		return refuse(tian.EINVALID, bk.path, "工作簿版本过旧（BIFF %#x），请在 Excel 或 WPS 中另存为 .xlsx 后再导入", v)
	}
	for {
		typ, data, next, err := bk.record(off)
		if err != nil {
			return bk.corrupt("工作簿记录不完整")
		}
		switch typ {
		case biffEOF:
			return nil
		case biffFilePass:
			return refuse(tian.EINVALID, bk.path, "工作簿设有打开密码（已加密）：请在 Excel 或 WPS 中取消密码后另存再导入")
		case biffBoundSheet:
			if err := bk.boundSheet(data); err != nil {
				return err
			}
		case biffSST:
			var segs [][]byte
			segs, next = bk.continued(data, next)
			if bk.sst, err = readSST(segs, len(bk.stream)); err != nil {
				return bk.corrupt("共享字符串表：" + err.Error())
			}
		}
		off = next
	}
}

func (bk *xlsBook) boundSheet(data []byte) error {
	if len(data) < 8 {
		return bk.corrupt("工作表记录过短")
	}
	if data[5] != 0 { // 0 is a worksheet; charts and macro sheets hold no rows
		return nil
	}
	r := &biffReader{segs: [][]byte{data[6:]}}
	cch, _ := r.u8()
	name, err := r.shortString(int(cch))
	if err != nil {
		return bk.corrupt("工作表名称")
	}
	bk.sheets = append(bk.sheets, xlsSheetRef{name: name, pos: bin.LittleEndian.Uint32(data)})
	return nil
}

// readSST reads the shared strings. limit bounds the count (a string
// takes at least three bytes).
func readSST(segs [][]byte, limit int) ([]string, error) {
	r := &biffReader{segs: segs}
	if _, err := r.u32(); err != nil {
		return nil, err
	}
	n, err := r.u32()
	if err != nil || int64(n) > int64(limit/3) {
		return nil, errors.New("字符串个数不符")
	}
	out := make([]string, 0, n)
	for i := uint32(0); i < n; i++ {
		s, err := r.unicodeString()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// sheetCells reads one sheet's cells, sorted by row and column.
func (bk *xlsBook) sheetCells(ref xlsSheetRef) (cells []xlsCell, err error) {
	defer recovered(bk.path, &err)
	typ, _, off, err := bk.record(int(ref.pos))
	if err != nil || typ != biffBOF {
		return nil, bk.corrupt("工作表“" + ref.name + "”的位置不对")
	}
	for {
		typ, data, next, err := bk.record(off)
		if err != nil {
			return nil, bk.corrupt("工作表“" + ref.name + "”的记录不完整")
		}
		if typ == biffEOF {
			break
		}
		got, next, err := bk.cell(typ, data, next)
		if err != nil {
			return nil, bk.corrupt("工作表“" + ref.name + "”：" + err.Error())
		}
		if bk.cells += len(got); bk.cells > maxCells {
			return nil, refuse(tian.ETOOLARGE, bk.path, "工作簿超过 %d 万个单元格的上限，请拆分后导入，未导入", maxCells/10_000)
		}
		cells, off = append(cells, got...), next
	}
	sort.SliceStable(cells, func(i, j int) bool {
		if cells[i].row != cells[j].row {
			return cells[i].row < cells[j].row
		}
		return cells[i].col < cells[j].col
	})
	return cells, nil
}

// cell reads the cells of one record (most hold one; MULRK several).
func (bk *xlsBook) cell(typ uint16, data []byte, next int) ([]xlsCell, int, error) {
	if len(data) < 6 {
		switch typ {
		case biffLabelSST, biffLabel, biffRString, biffNumber, biffRK, biffMulRK, biffFormula, biffBoolErr:
			return nil, next, errors.New("单元格记录过短")
		}
		return nil, next, nil
	}
	le := bin.LittleEndian
	row, col := int(le.Uint16(data)), int(le.Uint16(data[2:]))
	one := func(v string) []xlsCell { return []xlsCell{{row, col, v}} }
	switch typ {
	case biffLabelSST:
		if len(data) < 10 {
			return nil, next, errors.New("单元格记录过短")
		}
		i := le.Uint32(data[6:])
		if int64(i) >= int64(len(bk.sst)) {
			return nil, next, errors.New("共享字符串编号越界")
		}
		return one(bk.sst[i]), next, nil
	case biffLabel, biffRString:
		s, err := (&biffReader{segs: [][]byte{data[6:]}}).unicodeString()
		return one(s), next, err
	case biffNumber:
		if len(data) < 14 {
			return nil, next, errors.New("数字记录过短")
		}
		return one(formatNumber(math.Float64frombits(le.Uint64(data[6:])))), next, nil
	case biffRK:
		if len(data) < 10 {
			return nil, next, errors.New("数字记录过短")
		}
		return one(formatNumber(rkValue(le.Uint32(data[6:])))), next, nil
	case biffMulRK:
		var out []xlsCell
		for p, c := 4, col; p+6 <= len(data)-2; p, c = p+6, c+1 {
			out = append(out, xlsCell{row, c, formatNumber(rkValue(le.Uint32(data[p+2:])))})
		}
		return out, next, nil
	case biffFormula:
		return bk.formula(row, col, data, next)
	case biffBoolErr:
		if len(data) >= 8 && data[7] == 0 {
			return one(map[bool]string{true: "TRUE", false: "FALSE"}[data[6] != 0]), next, nil
		}
	}
	return nil, next, nil
}

// formula reads a formula cell's cached result: a number, or a string
// held in the STRING record after it.
func (bk *xlsBook) formula(row, col int, data []byte, next int) ([]xlsCell, int, error) {
	if len(data) < 14 {
		return nil, next, errors.New("公式记录过短")
	}
	res := data[6:14]
	if res[6] != 0xFF || res[7] != 0xFF {
		return []xlsCell{{row, col, formatNumber(math.Float64frombits(bin.LittleEndian.Uint64(res)))}}, next, nil
	}
	switch res[0] {
	case 0: // a string, in a STRING record after it (perhaps after an ARRAY or SHRFMLA record)
		for tries := 0; ; tries++ {
			typ, sdata, after, err := bk.record(next)
			if err != nil || tries == 3 {
				return nil, next, errors.New("公式的文本结果缺失")
			}
			if typ != biffString {
				next = after
				continue
			}
			segs, after := bk.continued(sdata, after)
			s, err := (&biffReader{segs: segs}).unicodeString()
			return []xlsCell{{row, col, s}}, after, err
		}
	case 1:
		return []xlsCell{{row, col, map[bool]string{true: "TRUE", false: "FALSE"}[res[2] != 0]}}, next, nil
	}
	return nil, next, nil
}

// rkValue decodes an RK number: a 30-bit integer or the high bits of a
// float64, perhaps divided by 100.
func rkValue(rk uint32) float64 {
	var v float64
	if rk&2 != 0 {
		v = float64(int32(rk) >> 2)
	} else {
		v = math.Float64frombits(uint64(rk&^3) << 32)
	}
	if rk&1 != 0 {
		v /= 100
	}
	return v
}

// formatNumber writes a number as Excel's raw cell value does.
func formatNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// biffReader reads across a record's CONTINUE segments.
type biffReader struct {
	segs [][]byte
	i    int
	off  int
}

var errShort = errors.New("数据不完整")

// advance moves to the next segment when the current one is used up;
// it reports whether it moved.
func (r *biffReader) advance() bool {
	if r.i < len(r.segs) && r.off >= len(r.segs[r.i]) {
		r.i, r.off = r.i+1, 0
		return true
	}
	return false
}

func (r *biffReader) u8() (byte, error) {
	for r.advance() {
	}
	if r.i >= len(r.segs) {
		return 0, errShort
	}
	b := r.segs[r.i][r.off]
	r.off++
	return b, nil
}

func (r *biffReader) u16() (uint16, error) {
	lo, err1 := r.u8()
	hi, err2 := r.u8()
	return uint16(lo) | uint16(hi)<<8, errors.Join(err1, err2)
}

func (r *biffReader) u32() (uint32, error) {
	lo, err1 := r.u16()
	hi, err2 := r.u16()
	return uint32(lo) | uint32(hi)<<16, errors.Join(err1, err2)
}

func (r *biffReader) skip(n int) error {
	for ; n > 0; n-- {
		if _, err := r.u8(); err != nil {
			return err
		}
	}
	return nil
}

// unicodeString reads an XLUnicodeRichExtendedString: its length, flags,
// characters (which may run into the next CONTINUE segment, which then
// starts with a new flags byte), and the formatting runs and phonetic
// data after them, skipped.
func (r *biffReader) unicodeString() (string, error) {
	cch, err := r.u16()
	if err != nil {
		return "", err
	}
	flags, err := r.u8()
	if err != nil {
		return "", err
	}
	var runs uint16
	var ext uint32
	if flags&8 != 0 {
		if runs, err = r.u16(); err != nil {
			return "", err
		}
	}
	if flags&4 != 0 {
		if ext, err = r.u32(); err != nil {
			return "", err
		}
	}
	s, err := r.chars(int(cch), flags)
	if err != nil {
		return "", err
	}
	if err := r.skip(4*int(runs) + int(ext)); err != nil {
		return "", err
	}
	return s, nil
}

// shortString reads a ShortXLUnicodeString's flags byte and characters.
func (r *biffReader) shortString(cch int) (string, error) {
	flags, err := r.u8()
	if err != nil {
		return "", err
	}
	return r.chars(cch, flags)
}

// chars reads cch characters, one byte each or two (flags bit 0); a run
// cut by a segment's end goes on in the next segment after a new flags
// byte.
func (r *biffReader) chars(cch int, flags byte) (string, error) {
	wide := flags&1 != 0
	u := make([]uint16, 0, min(cch, 1<<16))
	for len(u) < cch {
		if r.i < len(r.segs) && r.off >= len(r.segs[r.i]) {
			if r.i+1 >= len(r.segs) {
				return "", errShort
			}
			r.i, r.off = r.i+1, 0
			f, err := r.u8()
			if err != nil {
				return "", err
			}
			wide = f&1 != 0
		}
		if r.i >= len(r.segs) {
			return "", errShort
		}
		seg := r.segs[r.i]
		if !wide {
			u = append(u, uint16(seg[r.off]))
			r.off++
			continue
		}
		if r.off+2 > len(seg) {
			return "", errShort
		}
		u = append(u, bin.LittleEndian.Uint16(seg[r.off:]))
		r.off += 2
	}
	return string(utf16.Decode(u)), nil
}

// openXLS opens an .xls file as a book. Government systems and WPS also
// save .xlsx workbooks under the .xls name: those are read as .xlsx.
func openXLS(path string, op opener) (book, error) {
	b, err := readAll(path, op)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return openXLSX(path, func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
	}
	if !bytes.HasPrefix(b, oleMagic) {
		return nil, refuse(tian.EINVALID, path, "不是 Excel 97–2003 工作簿（.xls）：文件可能是网页或文本导出，请在 Excel 或 WPS 中打开并另存为 .xlsx 后再导入")
	}
	return openXLSBook(path, b)
}

func (bk *xlsBook) names() []string {
	out := make([]string, len(bk.sheets))
	for i, s := range bk.sheets {
		out[i] = s.name
	}
	return out
}

func (bk *xlsBook) active() string { return bk.sheets[0].name }
func (bk *xlsBook) Close() error   { return nil }

func (bk *xlsBook) open(name string) (rowReader, error) {
	for _, ref := range bk.sheets {
		if ref.name == name {
			cells, err := bk.sheetCells(ref)
			if err != nil {
				return nil, err
			}
			return &xlsRows{bk: bk, cells: cells}, nil
		}
	}
	return nil, refuse(tian.EINVALID, bk.path, "没有名为“%s”的工作表（工作簿中的工作表：%s）", name, strings.Join(bk.names(), "、"))
}

// xlsRows yields a sheet's rows from its sorted cells.
type xlsRows struct {
	bk    *xlsBook
	cells []xlsCell
	i     int
	width int // cells yielded, blanks before filled ones included
}

func (r *xlsRows) nextRow() (int, []string, error) {
	if r.i >= len(r.cells) {
		return 0, nil, io.EOF
	}
	row := r.cells[r.i].row
	var out []string
	for ; r.i < len(r.cells) && r.cells[r.i].row == row; r.i++ {
		c := r.cells[r.i]
		if c.col > maxRowCells {
			continue
		}
		for len(out) <= c.col {
			out = append(out, "")
		}
		out[c.col] = c.val
	}
	if r.width += len(out); r.width > maxCells {
		return row + 1, nil, refuse(tian.ETOOLARGE, r.bk.path, "第%d行：工作表超过 %d 万个单元格的上限，请拆分后导入，未导入", row+1, maxCells/10_000)
	}
	return row + 1, out, nil
}

func (r *xlsRows) colName(i int) string {
	name, _ := excelize.ColumnNumberToName(i + 1)
	return name
}

func (r *xlsRows) Close() error { return nil }
