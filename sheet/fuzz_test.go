package sheet_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"tian"
	"tian/sheet"
)

// fuzzRead writes data as a file of the given type and reads it: no
// panic, no hang, and a failure is a tian EINVALID error (or ETOOLARGE,
// for a workbook past a limit).
func fuzzRead(t *testing.T, name string, data []byte) {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := sheet.ReadProposals(path, sheet.Options{})
	if err != nil {
		if code := tian.ErrorCode(err); code != tian.EINVALID && code != tian.ETOOLARGE {
			t.Fatalf("error %v has code %s, want %s", err, tian.ErrorCode(err), tian.EINVALID)
		}
		return
	}
	for _, r := range res.Records {
		if r.Row < 1 {
			t.Fatalf("record at row %d", r.Row)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("提案号,标题,内容\n20240001,关于加装电梯的提案,\"城东区\n老旧小区\"\n"))
	f.Add([]byte("\ufeff案由,提案编号,年度\n关于停车的提案,1,2024年\n"))
	f.Add([]byte("提案号,标题\n1,\"unterminated\n"))
	f.Add([]byte{0xb1, 0xea, 0xcc, 0xe2, ',', 0xcc, 0xe1, '\n'})
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.csv", data) })
}

func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte(`{"number":"20240001","title":"关于加装电梯的提案","co_units":["市财政局"],"year":2024}` + "\n"))
	f.Add([]byte(`{"number":1e999,"title":null}` + "\n{"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.jsonl", data) })
}

func FuzzReadXLSX(f *testing.F) {
	var buf bytes.Buffer
	if err := sheet.WriteProposals(&buf, sheet.FormatXLSX, sample()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:buf.Len()/3])
	f.Add(zipBytes(f))
	f.Add(zipBytes(f, partTypes))
	f.Add(zipBytes(f, partTypes, partRels, zipPart{"xl/workbook.xml", `<workbook xmlns="` + nsMain + `"><sheets/></workbook>`}))
	f.Add(zipBytes(f, partTypes, partRels, partWorkbook, partWorkbookRels))
	f.Add(zipBytes(f, partTypes, partRels, partWorkbook, partWorkbookRels, zipPart{"xl/worksheets/sheet1.xml", sheetHead + sheetRow}))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.xlsx", data) })
}

func FuzzReadXLS(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "提案立案情况一览表.xls"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.xls", data) })
}

func FuzzReadDOCX(f *testing.F) {
	for _, name := range []string{"提案选编.docx", "forms/提案表01-民进市委会.docx", "forms/提案表02-刘淑芬.docx"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.docx", data) })
}
