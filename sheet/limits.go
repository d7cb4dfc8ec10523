package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"tian"
)

// The limits on what one file may make tian read. They are sized so that
// the largest list an office is expected to import, 150,000 proposals
// with full text and replies, passes every one: at up to 10 KB of XML a
// row (the teddycup workbooks hold 1.5–2.5 KB a row, a proposal with its
// reply runs longer) its sheet and shared strings unpack to about 1.5 GB,
// compressed 2.5 to 8 times. They are variables only so that tests can
// lower them.
var (
	// maxFileBytes bounds a file as stored; it is read into memory.
	maxFileBytes int64 = MaxFileBytes
	// maxUnzipBytes bounds what a workbook unpacks to, all parts
	// together (excelize's UnzipSizeLimit, whose default is 16 GB).
	maxUnzipBytes int64 = 2 << 30
	// unzipXMLBytes: a worksheet or shared-string table larger than this
	// is unpacked to a temporary file and streamed instead of held in
	// memory (excelize's UnzipXMLSizeLimit; this is its default).
	unzipXMLBytes int64 = 16 << 20
	// maxHeldBytes bounds the parts excelize holds in memory: every part
	// but the worksheets and shared strings it streams.
	maxHeldBytes int64 = 512 << 20
	// maxRatio is how many times its compressed size a part larger than
	// ratioFloor may unpack to. Real workbooks compress 2 to 20 times
	// (measured: the teddycup sheets 7.6, their shared strings 2.4;
	// excelize writing 150,000 identical rows 19, 100,000 empty rows 13);
	// a zip bomb about 1,000 times.
	maxRatio          = 100
	ratioFloor uint64 = 1 << 20
	// maxZipEntries: real workbooks have tens of parts, a few hundred
	// with many sheets and pictures.
	maxZipEntries = 10_000
	// maxRecords bounds the data rows of a proposal file in any format:
	// over three times the 150,000-row list.
	maxRecords = 500_000
	// maxSheetRows and maxRowCells are Excel's own limits (1,048,576 rows,
	// 16,384 columns, XFD); blank rows count, as they cost reading too.
	maxSheetRows = 1 << 20
	maxRowCells  = 1 << 14
	// maxCells bounds the cells of a sheet: 150,000 rows of 133 columns
	// (proposal tables have 17 to 40, and Excel often stores blank
	// formatted cells up to column AZ).
	maxCells = 20_000_000
)

// refuse returns a tian error whose Chinese message names the file:
// "附件.xlsx：…".
func refuse(code, path, format string, args ...any) error {
	return &tian.Error{Code: code, Op: "sheet", Message: path + "：" + fmt.Sprintf(format, args...)}
}

// tooBig is what readAll reports for a file over maxFileBytes.
func tooBig(path string) error {
	return refuse(tian.ETOOLARGE, path, "文件超过 %d MB 上限，请拆分后导入，未导入", maxFileBytes>>20)
}

// readAll reads a whole file, refusing one over maxFileBytes.
func readAll(path string, op opener) ([]byte, error) {
	f, err := op()
	if err != nil {
		return nil, readErr(path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, readErr(path, err)
	}
	if int64(len(b)) > maxFileBytes {
		return nil, tooBig(path)
	}
	return b, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// oleMagic starts an OLE compound file: an encrypted workbook, or an old
// .xls renamed .xlsx.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// checkZip vets a workbook's bytes before excelize unpacks them: a zip,
// within the limits by the sizes its directory states (so a bomb is
// refused before anything is inflated), and every part inflating to its
// stated size and checksum (so a directory that understates a part stops
// after that many bytes, and a damaged part is not silently cut short:
// excelize ignores such errors and would read a truncated sheet).
// kind names the file's type in messages: "Excel 工作簿（.xlsx）".
func checkZip(path string, b []byte, kind string) error {
	if bytes.HasPrefix(b, oleMagic) {
		return oleRefusal(path, b, filepath.Ext(path))
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return refuse(tian.EINVALID, path, "不是有效的 %s，文件可能不完整或已损坏，请重新保存后再导入", kind)
	}
	if err := checkSizes(path, zr.File); err != nil {
		return err
	}
	for _, zf := range zr.File {
		if err := inflates(zf); err != nil {
			return refuse(tian.EINVALID, path, "文件已损坏：%s 无法完整解压（%v），请重新保存后再导入", zf.Name, err)
		}
	}
	return nil
}

// oleRefusal says what a compound file given as .xlsx or .docx is: a
// password-protected file, an old .xls or .doc renamed, or neither.
func oleRefusal(path string, b []byte, ext string) error {
	c, err := parseCFB(b)
	if err != nil {
		return refuse(tian.EINVALID, path, "文件已损坏（复合文档结构无效），请重新保存后再导入")
	}
	if err := oleKind(path, c, ext); err != nil {
		return err
	}
	if c.has("Workbook") {
		return refuse(tian.EINVALID, path, "这是 Excel 97–2003 工作簿（.xls）：请把扩展名改为 .xls，或另存为 .xlsx 后再导入")
	}
	return refuse(tian.EINVALID, path, "不是 %s 文件（是其他 Office 旧版格式），请另存为 .xlsx 或 .docx 后再导入", ext)
}

// checkSizes applies the limits to the sizes a zip directory states.
func checkSizes(path string, files []*zip.File) error {
	if len(files) > maxZipEntries {
		return refuse(tian.ETOOLARGE, path, "工作簿有 %d 个部件，超过 %d 个的上限，未导入", len(files), maxZipEntries)
	}
	var total, held uint64
	for _, zf := range files {
		size := zf.UncompressedSize64
		if size > ratioFloor && (zf.CompressedSize64 == 0 || size/zf.CompressedSize64 > uint64(maxRatio)) {
			return refuse(tian.ETOOLARGE, path, "其中 %s 解压后有 %d MB，是压缩后的 %d 倍以上（正常的表格和文档在 20 倍以内），可能是压缩炸弹，未导入",
				zf.Name, size>>20, size/max(zf.CompressedSize64, 1))
		}
		if total += size; total > uint64(maxUnzipBytes) {
			return refuse(tian.ETOOLARGE, path, "文件解压后超过 %d MB 上限，可能是压缩炸弹，未导入", maxUnzipBytes>>20)
		}
		if !streamed(zf.Name, size) {
			if held += size; held > uint64(maxHeldBytes) {
				return refuse(tian.ETOOLARGE, path, "工作簿中需载入内存的部分解压后超过 %d MB 上限，可能是压缩炸弹，未导入", maxHeldBytes>>20)
			}
		}
	}
	return nil
}

// streamed reports whether excelize unpacks a part to a temporary file
// and streams it rather than holding it in memory (as ReadZipReader
// decides in excelize v2.11).
func streamed(name string, size uint64) bool {
	name = strings.ToLower(strings.ReplaceAll(name, `\`, "/"))
	return size > uint64(unzipXMLBytes) && (name == "xl/sharedstrings.xml" || strings.HasPrefix(name, "xl/worksheets/sheet"))
}

// inflates reads a part through, checking its size and CRC-32 (archive/zip
// stops a part at its stated size). Memory stays at one buffer.
func inflates(zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	if errors.Is(err, zip.ErrFormat) {
		return errors.New("大小与目录不符")
	}
	if errors.Is(err, zip.ErrChecksum) {
		return errors.New("校验和不符")
	}
	return err
}
