package sheet_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/csv"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/xuri/excelize/v2"

	"tian"
	"tian/sheet"
)

// --- building workbooks by hand

type zipPart struct{ name, data string }

const (
	nsMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRels = "http://schemas.openxmlformats.org/package/2006/relationships"
	nsOff  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
)

var (
	partTypes = zipPart{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`</Types>`}
	partRels = zipPart{"_rels/.rels", `<Relationships xmlns="` + nsRels + `">` +
		`<Relationship Id="rId1" Type="` + nsOff + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`}
	partWorkbook = zipPart{"xl/workbook.xml", `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsOff + `">` +
		`<sheets><sheet name="提案" sheetId="1" r:id="rId1"/></sheets></workbook>`}
	partWorkbookRels = zipPart{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="` + nsRels + `">` +
		`<Relationship Id="rId1" Type="` + nsOff + `/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`}
)

const (
	sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="` + nsMain + `"><sheetData>` +
		`<row><c t="inlineStr"><is><t>提案号</t></is></c><c t="inlineStr"><is><t>标题</t></is></c></row>`
	sheetRow  = `<row><c t="inlineStr"><is><t>20240157</t></is></c><c t="inlineStr"><is><t>关于加强社区养老服务的建议</t></is></c></row>`
	sheetTail = `</sheetData></worksheet>`
)

// zipBytes packs parts into a zip archive.
func zipBytes(t testing.TB, parts ...zipPart) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// deflated compresses s as a run of deflate blocks that refer to nothing
// before them, so that copies of it can be concatenated into one stream
// (the last piece of the stream is final).
func deflated(t testing.TB, s string, final bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(s))
	if final {
		err = w.Close()
	} else {
		err = w.Flush()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeBomb writes a workbook whose one sheet, 提案, expands to about size
// bytes of XML from a file about a thousandth of that: a header 提案号/标题,
// then over and over a proposal row and a row of empty <c/> cells (millions
// of them in all; a period of 4 bytes is what deflate packs best). The
// deflate stream is one compressed chunk repeated, so no gigabyte is ever
// held or compressed here. With lie, the zip headers claim the sheet is
// 1 MB.
func writeBomb(t testing.TB, path string, size int64, lie bool) {
	t.Helper()
	chunkBytes := 1 << 20
	if size < 64<<20 {
		chunkBytes = 64 << 10
	}
	empty := chunkBytes - len(sheetRow) - len("<row></row>")
	chunk := sheetRow + "<row>" + strings.Repeat("<c/>", empty/4) + "</row>"
	n := (size - int64(len(sheetHead)+len(sheetTail))) / int64(len(chunk))
	var body bytes.Buffer
	body.Write(deflated(t, sheetHead, false))
	zc := deflated(t, chunk, false)
	crc := crc32.NewIEEE()
	crc.Write([]byte(sheetHead))
	for range n {
		body.Write(zc)
		crc.Write([]byte(chunk))
	}
	body.Write(deflated(t, sheetTail, true))
	crc.Write([]byte(sheetTail))
	total := uint64(len(sheetHead)+len(sheetTail)) + uint64(n)*uint64(len(chunk))

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []zipPart{partTypes, partRels, partWorkbook, partWorkbookRels} {
		w, _ := zw.Create(p.name)
		w.Write([]byte(p.data))
	}
	fh := &zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(body.Len()), UncompressedSize64: total}
	if lie {
		fh.UncompressedSize64 = 1 << 20
	}
	w, err := zw.CreateRaw(fh)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(body.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// memUse measures what fn costs: bytes allocated on the Go heap, and the
// growth of the process's peak resident set (VmHWM, reset first through
// /proc/self/clear_refs; -1 where Linux does not allow that).
func memUse(t testing.TB, fn func()) (alloc uint64, rssGrowth int64) {
	t.Helper()
	runtime.GC()
	resetPeak := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	before := procStatus(t, "VmRSS")
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	fn()
	runtime.ReadMemStats(&m1)
	if !resetPeak || before < 0 {
		return m1.TotalAlloc - m0.TotalAlloc, -1
	}
	return m1.TotalAlloc - m0.TotalAlloc, procStatus(t, "VmHWM") - before
}

// procStatus reads a size in bytes from /proc/self/status, or -1.
func procStatus(t testing.TB, key string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == key {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return -1
			}
			return kb << 10
		}
	}
	return -1
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// --- 1. zip bombs

// The workbook the bomb is made of reads as a proposal list when it is
// small (under the 1 MB below which no ratio is asked), so the bomb below
// is refused for its size, not for its form.
func TestBombBuilderMakesAWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "小样.xlsx")
	writeBomb(t, path, 1000<<10, false)
	res, err := sheet.ReadProposals(path, sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 15 || res.Records[0].Proposal.Title != "关于加强社区养老服务的建议" {
		t.Fatalf("read %d records, first %+v", len(res.Records), res.Records[0].Proposal)
	}
}

// A 1 MB workbook whose sheet expands to 1 GB is refused from the sizes in
// its zip directory, before anything is unpacked: ETOOLARGE, a Chinese
// message naming the file, and memory that does not grow with the bomb.
func TestReadXLSXZipBombRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "附件.xlsx")
	writeBomb(t, path, 1<<30, false)
	fi, _ := os.Stat(path)
	var err error
	alloc, rss := memUse(t, func() { _, err = sheet.ReadProposals(path, sheet.Options{}) })
	t.Logf("file %d KB; refusing it allocated %d KB, peak RSS grew %d KB; error: %v", fi.Size()>>10, alloc>>10, rss>>10, err)
	if tian.ErrorCode(err) != tian.ETOOLARGE {
		t.Fatalf("err = %v (code %s), want %s", err, tian.ErrorCode(err), tian.ETOOLARGE)
	}
	if msg := tian.ErrorMessage(err); !strings.Contains(msg, "附件.xlsx") || !strings.Contains(msg, "压缩炸弹") {
		t.Errorf("message %q: want the file's name and 压缩炸弹", msg)
	}
	if alloc > 64<<20 {
		t.Errorf("refusing the bomb allocated %d MB, want under 64 MB", alloc>>20)
	}
	if rss > 200<<20 {
		t.Errorf("peak RSS grew %d MB while refusing the bomb, want under 200 MB", rss>>20)
	}
}

// A bomb whose zip headers understate the sheet's size is caught as soon
// as the unpacked bytes pass the stated size: refused, memory bounded.
func TestReadXLSXLyingZipRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "附件二.xlsx")
	writeBomb(t, path, 1<<30, true)
	var err error
	alloc, rss := memUse(t, func() { _, err = sheet.ReadProposals(path, sheet.Options{}) })
	t.Logf("allocated %d KB, peak RSS grew %d KB; error: %v", alloc>>10, rss>>10, err)
	if code := tian.ErrorCode(err); code != tian.EINVALID && code != tian.ETOOLARGE {
		t.Fatalf("err = %v (code %s), want the file refused", err, code)
	}
	if msg := tian.ErrorMessage(err); !strings.Contains(msg, "附件二.xlsx") || !hasHan(strings.ReplaceAll(msg, "附件二", "")) {
		t.Errorf("message %q: want a Chinese message naming the file", msg)
	}
	if alloc > 64<<20 || rss > 200<<20 {
		t.Errorf("allocated %d MB, peak RSS grew %d MB; want both bounded", alloc>>20, rss>>20)
	}
}

// A workbook that unpacks to more than the cap is refused by the sizes in
// its directory even when it compresses as real sheets do (the cap is
// lowered to 8 MB here; the real one is 2 GB), and so are parts held in
// memory past theirs (lowered to 1 MB; the real one 512 MB).
func TestReadXLSXUnpackedSizeCaps(t *testing.T) {
	sheet.LowerLimits(t, sheet.Limits{UnzipBytes: 8 << 20, HeldBytes: 1 << 20})
	var rows strings.Builder
	rows.WriteString(sheetHead)
	for i := 0; rows.Len() < 10<<20; i++ {
		fmt.Fprintf(&rows, `<row><c t="inlineStr"><is><t>2024%06d</t></is></c><c t="inlineStr"><is><t>关于第%d号提案的意见%x</t></is></c></row>`, i, i*7919, i*104729)
	}
	rows.WriteString(sheetTail)
	big := zipBytes(t, partTypes, partRels, partWorkbook, partWorkbookRels, zipPart{"xl/worksheets/sheet1.xml", rows.String()})
	picture := make([]byte, 2<<20)
	for i := range picture {
		picture[i] = byte(i * 2654435761 >> 13)
	}
	held := zipBytes(t, partTypes, partRels, partWorkbook, partWorkbookRels,
		zipPart{"xl/worksheets/sheet1.xml", sheetHead + sheetRow + sheetTail}, zipPart{"xl/media/image1.png", string(picture)})
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"大表.xlsx", big, "解压后超过 8 MB 上限"},
		{"带图.xlsx", held, "需载入内存的部分解压后超过 1 MB 上限"},
	} {
		_, err := sheet.ReadProposals(writeFile(t, tt.name, tt.data), sheet.Options{})
		if tian.ErrorCode(err) != tian.ETOOLARGE || !strings.Contains(tian.ErrorMessage(err), tt.name) ||
			!strings.Contains(tian.ErrorMessage(err), tt.want) {
			t.Errorf("%s: err = %v, want ETOOLARGE naming the file and saying %q", tt.name, err, tt.want)
		}
	}
}

// --- 2. workbooks with no sheet, broken zips

func TestReadXLSXWithoutSheets(t *testing.T) {
	good := validXLSX(t)
	noSheets := zipPart{"xl/workbook.xml", `<workbook xmlns="` + nsMain + `"><sheets/></workbook>`}
	tests := []struct {
		name string
		data []byte
	}{
		{"workbook naming no sheets", zipBytes(t, partTypes, partRels, noSheets)},
		{"workbook without sheets element", zipBytes(t, partTypes, partRels, zipPart{"xl/workbook.xml", `<workbook xmlns="` + nsMain + `"/>`})},
		{"only content types", zipBytes(t, partTypes)},
		{"empty zip", zipBytes(t)},
		{"sheet named but missing", zipBytes(t, partTypes, partRels, partWorkbook, partWorkbookRels)},
		{"empty file", nil},
		{"truncated to 30 bytes", good[:30]},
		{"truncated to a half", good[:len(good)/2]},
		{"truncated by 10 bytes", good[:len(good)-10]},
		{"text renamed .xlsx", []byte("提案号,标题\n20240001,关于加装电梯的提案\n")},
		{"not xml inside", zipBytes(t, partTypes, partRels, zipPart{"xl/workbook.xml", "关于加强社区养老服务的建议"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "提案汇总.xlsx", tt.data)
			var err error
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("panic: %v", p)
					}
				}()
				_, err = sheet.ReadProposals(path, sheet.Options{})
			}()
			if tian.ErrorCode(err) != tian.EINVALID {
				t.Fatalf("err = %v (code %s), want %s", err, tian.ErrorCode(err), tian.EINVALID)
			}
			msg := tian.ErrorMessage(err)
			if !strings.Contains(msg, "提案汇总.xlsx") || !strings.Contains(msg, "工作") {
				t.Errorf("message %q: want a Chinese message naming the file and saying what of the 工作簿/工作表 is wrong", msg)
			}
		})
	}
}

// Asking for a sheet the workbook does not have names the ones it has.
func TestReadXLSXNoSuchSheet(t *testing.T) {
	path := writeFile(t, "提案汇总.xlsx", validXLSX(t))
	_, err := sheet.ReadProposals(path, sheet.Options{Sheet: "2025年"})
	if tian.ErrorCode(err) != tian.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	if msg := tian.ErrorMessage(err); !strings.Contains(msg, "“2025年”的工作表") || !strings.Contains(msg, "：提案") || !strings.Contains(msg, "提案汇总.xlsx") {
		t.Errorf("message %q: want the file, the sheet asked for and the sheets there are", msg)
	}
}

// --- 3. JSON Lines with many distinct keys

// jsonlDistinctKeys is a JSON Lines file of n proposals, each with one key
// no other line has (k00000, k00001, …): about 1.6 MB for 16,000.
func jsonlDistinctKeys(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"提案号":"2024%05d","标题":"关于推进第%d批老旧小区改造的提案","k%05d":"x"}`+"\n", i, i, i)
	}
	return b.Bytes()
}

// Reading takes time linear in the file: the unknown keys are listed once,
// in the order they first appear, and each record names its own fields.
func TestReadJSONLManyDistinctKeys(t *testing.T) {
	const n = 16_000
	res, err := sheet.ReadProposals(writeFile(t, "keys.jsonl", jsonlDistinctKeys(n)), sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != n || len(res.Errors) != 0 {
		t.Fatalf("read %d records and %d errors, want %d and none", len(res.Records), len(res.Errors), n)
	}
	if p := res.Records[n-1].Proposal; p.Number != "202415999" || p.Title != "关于推进第15999批老旧小区改造的提案" {
		t.Errorf("last record = %+v", p)
	}
	if len(res.Unmapped) != n {
		t.Fatalf("%d unmapped keys, want %d (each once)", len(res.Unmapped), n)
	}
	for i, k := range res.Unmapped {
		if want := fmt.Sprintf("k%05d", i); k != want {
			t.Fatalf("unmapped[%d] = %q, want %q", i, k, want)
		}
	}
	want := []tian.ColumnMapping{{Column: "提案号", Field: "number"}, {Column: "标题", Field: "title"}}
	if !reflect.DeepEqual(res.Mapping, want) {
		t.Errorf("mapping = %v, want %v", res.Mapping, want)
	}
	if f := res.Records[7].Fields; !reflect.DeepEqual(f, []string{"number", "title"}) {
		t.Errorf("record fields = %v", f)
	}
}

// One object with 16,000 keys of its own.
func TestReadJSONLOneWideObject(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"number":"20240157","title":"关于加快发展社区嵌入式养老服务的提案"`)
	for i := range 16_000 {
		fmt.Fprintf(&b, `,"附加字段%05d":"%d"`, i, i)
	}
	b.WriteString("}\n")
	res, err := sheet.ReadProposals(writeFile(t, "wide.jsonl", []byte(b.String())), sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 || len(res.Unmapped) != 16_000 || res.Unmapped[0] != "附加字段00000" {
		t.Fatalf("%d records, %d unmapped (first %q)", len(res.Records), len(res.Unmapped), res.Unmapped[0])
	}
}

func BenchmarkReadJSONLDistinctKeys(b *testing.B) {
	for _, n := range []int{1_000, 4_000, 16_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			data := jsonlDistinctKeys(n)
			path := filepath.Join(b.TempDir(), "keys.jsonl")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := sheet.ReadProposals(path, sheet.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// --- 4. which header went to which field

func TestReadReportsMappingAndFields(t *testing.T) {
	t.Run("csv", func(t *testing.T) {
		path := writeFile(t, "2022.csv", []byte("\ufeff提案编号,案由,提案内容,反对数,点赞数\n"+
			"20220011,关于城北区停车难的提案,城北区老旧小区停车位缺口大。,0,12\n"))
		res := mustRead(t, path, sheet.Options{})
		wantMapping := []tian.ColumnMapping{cm("提案编号（第1列）", "number"), cm("案由（第2列）", "title"), cm("提案内容（第3列）", "body")}
		// the year comes from the file's name
		check(t, res, wantMapping, []string{"反对数（第4列）", "点赞数（第5列）"}, [][]string{{"number", "title", "body", "year"}})
	})
	t.Run("xlsx", func(t *testing.T) {
		res := mustRead(t, writeFile(t, "提案.xlsx", validXLSX(t)), sheet.Options{})
		// a record names the fields its row filled: an empty cell empties nothing
		fields := [][]string{
			{"number", "year", "session", "title", "body", "proposer", "proposer_type", "category", "lead_unit", "co_units", "status", "reply", "submitted", "reply_date"},
			{"number", "year", "session", "title", "body", "proposer", "proposer_type", "sector", "category", "lead_unit", "status"},
			{"number", "year", "session", "title", "body", "proposer", "proposer_type", "category", "status", "status_reason"},
		}
		if len(res.Mapping) != len(sheet.Fields) || res.Mapping[3] != (tian.ColumnMapping{Column: "D（标题）", Field: "title"}) {
			t.Errorf("mapping = %v", res.Mapping)
		}
		if res.Unmapped == nil || len(res.Unmapped) != 0 {
			t.Errorf("unmapped = %#v, want an empty list", res.Unmapped)
		}
		for i, r := range res.Records {
			if !reflect.DeepEqual(r.Fields, fields[i]) {
				t.Errorf("row %d fields = %v, want %v", r.Row, r.Fields, fields[i])
			}
		}
	})
	t.Run("jsonl", func(t *testing.T) {
		path := writeFile(t, "a.jsonl", []byte(`{"number":"20240157","title":"关于加快发展社区嵌入式养老服务的提案","body":"建议新建站点。","备注":"重点提案"}`+"\n"+
			`{"number":"20230048","title":"关于支持中小制造企业数字化转型的提案","reply":"已出台专项资金办法。","备注":""}`+"\n"+
			`{"提案号":"20230049","案由":"关于请求解决个人安置问题的提案","status":"不予立案"}`+"\n"))
		res := mustRead(t, path, sheet.Options{})
		check(t, res, []tian.ColumnMapping{cm("number", "number"), cm("title", "title"), cm("body", "body"), cm("reply", "reply"), cm("status", "status")},
			[]string{"备注", "提案号", "案由"},
			[][]string{{"number", "title", "body"}, {"number", "title", "reply"}, {"status"}})
	})
}

func cm(column, field string) tian.ColumnMapping {
	return tian.ColumnMapping{Column: column, Field: field}
}

func mustRead(t *testing.T, path string, opt sheet.Options) *sheet.Result {
	t.Helper()
	res, err := sheet.ReadProposals(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("row errors: %v", res.Errors)
	}
	return res
}

func check(t *testing.T, res *sheet.Result, mapping []tian.ColumnMapping, unmapped []string, fields [][]string) {
	t.Helper()
	if !reflect.DeepEqual(res.Mapping, mapping) {
		t.Errorf("mapping = %v, want %v", res.Mapping, mapping)
	}
	if !reflect.DeepEqual(res.Unmapped, unmapped) {
		t.Errorf("unmapped = %q, want %q", res.Unmapped, unmapped)
	}
	if len(res.Records) != len(fields) {
		t.Fatalf("%d records, want %d", len(res.Records), len(fields))
	}
	for i, r := range res.Records {
		if !reflect.DeepEqual(r.Fields, fields[i]) {
			t.Errorf("row %d fields = %v, want %v", r.Row, r.Fields, fields[i])
		}
	}
}

// --- 5. exports safe to open

// injected are proposals whose text a spreadsheet would run as a formula,
// or that hold control characters pasted from other systems.
func injected() []*tian.Proposal {
	return []*tian.Proposal{{
		Number: "20240201", Year: 2024, Session: "十四届二次",
		Title:    `=HYPERLINK("http://x","点击")关于加强社区养老的建议`,
		Body:     "现状：\x00全市养老床位缺口约1.2万张。\x07\n建议：\x1b一是新建社区嵌入式养老站点；\t二是推进医养结合。",
		Proposer: "@民盟市委会", ProposerType: tian.ProposerCollective, Category: "社会建设", LeadUnit: "市民政局",
		Status: tian.StatusFiled, Reply: "-已纳入2024年民生实事项目，新建站点45个。", Submitted: "2024-01-15",
	}, {
		Number: "20240202", Year: 2024, Title: "+1 关于延长地铁末班车运营时间的提案", Body: "'十四五'规划提出建设“轨道上的城市”。",
		Proposer: "王建国", ProposerType: tian.ProposerMember, Category: "城乡建设", Status: tian.StatusFiled,
	}}
}

func TestExportNeutralisesFormulasAndImportsBack(t *testing.T) {
	want := injected()
	want[0].Body = "现状：全市养老床位缺口约1.2万张。\n建议：一是新建社区嵌入式养老站点；\t二是推进医养结合。"
	for _, format := range []string{sheet.FormatCSV, sheet.FormatXLSX} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := sheet.WriteProposals(&buf, format, injected()); err != nil {
				t.Fatal(err)
			}
			path := writeFile(t, "导出."+format, buf.Bytes())
			cells := rawCells(t, path, format)
			for _, c := range []string{`'=HYPERLINK("http://x","点击")关于加强社区养老的建议`, "'@民盟市委会",
				"'-已纳入2024年民生实事项目，新建站点45个。", "'+1 关于延长地铁末班车运营时间的提案", "'十四五'规划提出建设“轨道上的城市”。"} {
				if !cells[c] {
					t.Errorf("no exported cell %q", c)
				}
			}
			for c := range cells {
				if strings.ContainsAny(c, "\x00\x07\x1b\r") {
					t.Errorf("exported cell %q holds control characters", c)
				}
			}
			res := mustRead(t, path, sheet.Options{})
			if got := records(res); !reflect.DeepEqual(got, want) {
				for i := range want {
					if i < len(got) && !reflect.DeepEqual(got[i], want[i]) {
						t.Errorf("proposal %d read back:\n got %+v\nwant %+v", i, got[i], want[i])
					}
				}
			}
		})
	}
}

// rawCells returns every cell of an exported file as written.
func rawCells(t *testing.T, path, format string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	if format == sheet.FormatCSV {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csvRows(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			for _, c := range r {
				out[c] = true
			}
		}
		return out
	}
	for _, r := range xlsxRows(t, path) {
		for _, c := range r {
			out[c] = true
		}
	}
	return out
}

func csvRows(data []byte) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	return r.ReadAll()
}

func xlsxRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// --- caps on what one file may hold

// Past the row cap every format is refused with ETOOLARGE, naming the
// file and the row (the cap is lowered here; the real one is 500,000).
func TestReadRowCap(t *testing.T) {
	sheet.LowerLimits(t, sheet.Limits{Records: 1_000})
	var csvText, jsonl strings.Builder
	csvText.WriteString("提案号,标题\n")
	for i := range 1_001 {
		fmt.Fprintf(&csvText, "2024%04d,关于第%d号路口加装信号灯的提案\n", i, i)
		fmt.Fprintf(&jsonl, `{"number":"2024%04d","title":"关于第%d号路口加装信号灯的提案"}`+"\n", i, i)
	}
	for _, tt := range []struct{ name, data, row string }{
		{"信号灯.csv", csvText.String(), "第1002行"}, // line 1 is the header
		{"信号灯.jsonl", jsonl.String(), "第1001行"},
	} {
		_, err := sheet.ReadProposals(writeFile(t, tt.name, []byte(tt.data)), sheet.Options{})
		if tian.ErrorCode(err) != tian.ETOOLARGE {
			t.Fatalf("%s: err = %v, want ETOOLARGE", tt.name, err)
		}
		if msg := tian.ErrorMessage(err); !strings.Contains(msg, tt.name) || !strings.Contains(msg, tt.row) || !strings.Contains(msg, "上限") {
			t.Errorf("message %q: want the file, %s and the cap", msg, tt.row)
		}
	}
	if _, err := sheet.ReadProposals(writeFile(t, "ok.csv", []byte(strings.Join(strings.SplitAfter(csvText.String(), "\n")[:1_001], ""))), sheet.Options{}); err != nil {
		t.Errorf("1,000 rows, at the cap: %v", err)
	}
}

// A sheet past the cell cap is refused at the row that passed it.
func TestReadXLSXCellCap(t *testing.T) {
	sheet.LowerLimits(t, sheet.Limits{Cells: 40})
	_, err := sheet.ReadProposals(writeFile(t, "提案.xlsx", validXLSX(t)), sheet.Options{})
	if tian.ErrorCode(err) != tian.ETOOLARGE {
		t.Fatalf("err = %v, want ETOOLARGE", err)
	}
	if msg := tian.ErrorMessage(err); !strings.Contains(msg, "提案.xlsx") || !strings.Contains(msg, "第3行") {
		t.Errorf("message %q: want the file and row 3 (17 columns a row, cap 40)", msg)
	}
}

// A file larger than the byte cap is refused before it is parsed.
func TestReadFileByteCap(t *testing.T) {
	sheet.LowerLimits(t, sheet.Limits{FileBytes: 4 << 10})
	for _, name := range []string{"大.xlsx", "大.csv", "大.jsonl"} {
		data := map[string][]byte{
			"大.xlsx":  validXLSX(t),
			"大.csv":   []byte("提案号,标题\n" + strings.Repeat("20240001,关于加装电梯的提案\n", 400)),
			"大.jsonl": []byte(strings.Repeat(`{"number":"20240001","title":"关于加装电梯的提案"}`+"\n", 400)),
		}[name]
		_, err := sheet.ReadProposals(writeFile(t, name, data), sheet.Options{})
		if tian.ErrorCode(err) != tian.ETOOLARGE || !strings.Contains(tian.ErrorMessage(err), name) {
			t.Errorf("%s: err = %v, want ETOOLARGE naming the file", name, err)
		}
	}
}

// An .xls is held to the same caps: the file's bytes and the cells of
// its sheets; a .docx to the file cap and the zip limits.
func TestReadXLSAndDOCXCaps(t *testing.T) {
	xls, err := os.ReadFile(filepath.Join("testdata", "提案立案情况一览表.xls"))
	if err != nil {
		t.Fatal(err)
	}
	docx, err := os.ReadFile(filepath.Join("testdata", "提案选编.docx"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("cells", func(t *testing.T) {
		sheet.LowerLimits(t, sheet.Limits{Cells: 100})
		_, err := sheet.ReadProposals(writeFile(t, "一览表.xls", xls), sheet.Options{})
		if tian.ErrorCode(err) != tian.ETOOLARGE || !strings.Contains(tian.ErrorMessage(err), "一览表.xls") {
			t.Errorf("err = %v, want ETOOLARGE naming the file", err)
		}
	})
	t.Run("bytes", func(t *testing.T) {
		sheet.LowerLimits(t, sheet.Limits{FileBytes: 4 << 10})
		for name, data := range map[string][]byte{"一览表.xls": xls, "选编.docx": docx} {
			_, err := sheet.ReadProposals(writeFile(t, name, data), sheet.Options{})
			if tian.ErrorCode(err) != tian.ETOOLARGE || !strings.Contains(tian.ErrorMessage(err), name) {
				t.Errorf("%s: err = %v, want ETOOLARGE naming the file", name, err)
			}
		}
	})
	t.Run("unpacked", func(t *testing.T) {
		sheet.LowerLimits(t, sheet.Limits{UnzipBytes: 8 << 10})
		_, err := sheet.ReadProposals(writeFile(t, "选编.docx", docx), sheet.Options{})
		if tian.ErrorCode(err) != tian.ETOOLARGE || !strings.Contains(tian.ErrorMessage(err), "选编.docx") {
			t.Errorf("err = %v, want ETOOLARGE naming the file", err)
		}
	})
}

// An .xls saved with a password (a FILEPASS record in its globals; here
// the fixture's CODEPAGE record relabelled as one) is refused, not read
// as garbage; an .xls renamed .xlsx is told apart from an encrypted one.
func TestReadEncryptedXLS(t *testing.T) {
	xls, err := os.ReadFile(filepath.Join("testdata", "提案立案情况一览表.xls"))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(xls, []byte{0x42, 0x00, 0x02, 0x00, 0xB0, 0x04}) // CODEPAGE 1200
	if i < 0 {
		t.Fatal("no CODEPAGE record in the fixture")
	}
	locked := append([]byte(nil), xls...)
	locked[i] = 0x2F
	_, err = sheet.ReadProposals(writeFile(t, "加密.xls", locked), sheet.Options{})
	if tian.ErrorCode(err) != tian.EINVALID || !strings.Contains(err.Error(), "加密.xls：工作簿设有打开密码") {
		t.Errorf("err = %v", err)
	}
	_, err = sheet.ReadProposals(writeFile(t, "改名.xlsx", xls), sheet.Options{})
	if tian.ErrorCode(err) != tian.EINVALID || !strings.Contains(err.Error(), "改名.xlsx：这是 Excel 97–2003 工作簿（.xls）") {
		t.Errorf("err = %v", err)
	}
	// WPS and some government systems save an .xlsx under the .xls name
	res, err := sheet.ReadProposals(writeFile(t, "wps.xls", validXLSX(t)), sheet.Options{})
	if err != nil || len(res.Records) != 3 {
		t.Errorf("an .xlsx named .xls: %v", err)
	}
}
