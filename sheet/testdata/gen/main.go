// Command gen writes the files offices keep, made from the demo corpus,
// into sheet/testdata: proposal lists with title rows, a two-row header
// and note rows (.xlsx, .xls, .csv), Word proposal forms (a folder of 50)
// and a compilation (.docx), and bad files (a password-protected
// workbook, an old .doc, a cut .docx, a zip bomb). manifest.json says
// what each holds, for the tests. The .xls and .doc files are converted
// by LibreOffice (apt-get install libreoffice-calc-nogui
// libreoffice-writer-nogui); the outputs are committed so the tests need
// no converter.
//
//	go run ./sheet/testdata/gen
package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"tian"
)

// Fixture is what the tests expect of one file.
type Fixture struct {
	File  string   `json:"file"`
	Sheet string   `json:"sheet,omitempty"` // the Sheet option
	Kind  string   `json:"kind"`
	Year  int      `json:"year"`  // the year rows take from the file
	Notes int      `json:"notes"` // rows skipped as notes; for forms, provisional numbers
	Items []Item   `json:"items"`
	Have  []string `json:"have"` // the fields the file gives
}

// Item is one proposal of a fixture.
type Item struct {
	Number    string `json:"number"`  // canonical, a demo number (empty: provisional)
	Written   string `json:"written"` // as the file writes it
	Submitted string `json:"submitted,omitempty"`
	Demo      string `json:"demo"` // the demo proposal it was made from
}

const dir = "sheet/testdata"

func main() {
	demo, err := tian.ReadDemo()
	if err != nil {
		log.Fatal(err)
	}
	var fx []Fixture
	fx = append(fx, writeLists(demo)...)
	fx = append(fx, writeCSV(demo))
	fx = append(fx, writeForms(demo))
	fx = append(fx, writeCompilation(demo))
	fx = append(fx, writeWordList(demo))
	// the compilation as an office suite writes it (runs split, styles,
	// settings parts): saved through LibreOffice's own document format
	lo := fx[len(fx)-2]
	lo.File = "提案选编（LibreOffice）.docx"
	resave(fx[len(fx)-2].File, lo.File)
	fx = append(fx, lo)
	writeBad(demo)
	b, _ := json.MarshalIndent(fx, "", " ")
	must(os.WriteFile(filepath.Join(dir, "manifest.json"), append(b, '\n'), 0o644))
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// pick returns the first n proposals of a year that pass keep.
func pick(demo []*tian.Proposal, year, n int, keep func(*tian.Proposal) bool) []*tian.Proposal {
	var out []*tian.Proposal
	for _, p := range demo {
		if p.Year == year && keep(p) && len(out) < n {
			out = append(out, p)
		}
	}
	return out
}

func filed(p *tian.Proposal) bool { return p.Status == tian.StatusFiled }

func seq(p *tian.Proposal) int {
	var n int
	fmt.Sscanf(p.Number[4:], "%d", &n)
	return n
}

// written is how an office might write a number: four ways in turn.
func written(p *tian.Proposal, i int) string {
	switch i % 4 {
	case 0:
		return fmt.Sprintf("第%04d号", seq(p))
	case 1:
		return fmt.Sprintf("%04d", seq(p))
	case 2:
		return fmt.Sprintf("%d", seq(p))
	}
	return fmt.Sprintf("〔%d〕%d号", p.Year, seq(p))
}

// submitted is a proposal's date of submission in the fixtures.
func submitted(p *tian.Proposal) string {
	return fmt.Sprintf("%d-01-%02d", p.Year, seq(p)%28+1)
}

// writeLists writes the list workbook: a 2025 sheet with a merged title
// row, a blank row, a two-row header and a note row; a 2024 sheet with a
// plain header and a total row; a sheet of instructions. Then the .xls.
func writeLists(demo []*tian.Proposal) []Fixture {
	f := excelize.NewFile()
	defer f.Close()
	s := "2025年立案"
	must(f.SetSheetName("Sheet1", s))
	ps := pick(demo, 2025, 20, filed)
	must(f.SetCellValue(s, "A1", "政协某市第十四届委员会第三次会议提案立案情况一览表"))
	must(f.MergeCell(s, "A1", "H1"))
	must(f.SetSheetRow(s, "A3", &[]any{"序号", "案号", "案由", "提案者", "类别", "承办单位", "", "提交日期"}))
	must(f.MergeCell(s, "F3", "G3"))
	for _, c := range []string{"A", "B", "C", "D", "E", "H"} {
		must(f.MergeCell(s, c+"3", c+"4"))
	}
	must(f.SetSheetRow(s, "F4", &[]any{"主办", "会办"}))
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	list := Fixture{File: "提案立案情况一览表.xlsx", Kind: "表格", Year: 2025, Notes: 1,
		Have: []string{"number", "year", "session", "title", "proposer", "category", "lead_unit", "co_units", "submitted"}}
	for i, p := range ps {
		row := i + 5
		d, _ := excelizeDate(submitted(p))
		must(f.SetSheetRow(s, fmt.Sprintf("A%d", row), &[]any{i + 1, written(p, i), p.Title, p.Proposer, p.Category,
			p.LeadUnit, strings.Join(p.CoUnits, "、"), d}))
		must(f.SetCellStyle(s, fmt.Sprintf("H%d", row), fmt.Sprintf("H%d", row), date))
		list.Items = append(list.Items, Item{Number: p.Number, Written: written(p, i), Submitted: submitted(p), Demo: p.Number})
	}
	last := len(ps) + 6
	must(f.SetCellValue(s, fmt.Sprintf("A%d", last), fmt.Sprintf("注：共立案%d件。", len(ps))))
	must(f.MergeCell(s, fmt.Sprintf("A%d", last), fmt.Sprintf("H%d", last)))

	s2 := "2024年"
	_, err := f.NewSheet(s2)
	must(err)
	ps2 := pick(demo, 2024, 10, filed)
	// the texts make the .xls's shared strings run over CONTINUE records
	must(f.SetSheetRow(s2, "A1", &[]any{"提案号", "案由", "领衔人", "界别", "类别", "主办单位", "会办单位", "提案内容"}))
	second := Fixture{Have: []string{"number", "year", "title", "body", "proposer", "sector", "category", "lead_unit", "co_units"}}
	for i, p := range ps2 {
		must(f.SetSheetRow(s2, fmt.Sprintf("A%d", i+2), &[]any{written(p, i+1), p.Title, p.Proposer, p.Sector, p.Category,
			p.LeadUnit, strings.Join(p.CoUnits, "、"), p.Body}))
		second.Items = append(second.Items, Item{Number: p.Number, Written: written(p, i+1), Demo: p.Number})
	}
	must(f.SetSheetRow(s2, fmt.Sprintf("A%d", len(ps2)+2), &[]any{"合计", fmt.Sprintf("%d件", len(ps2))}))
	s3 := "填表说明"
	_, err = f.NewSheet(s3)
	must(err)
	must(f.SetCellValue(s3, "A1", "本表由提案委员会办公室填报，案号以立案通知书为准。"))
	must(f.SaveAs(filepath.Join(dir, list.File)))
	convert("xls", list.File)

	xls := list
	xls.File = "提案立案情况一览表.xls"
	// both sheets; the fields they share
	all := Fixture{File: list.File, Sheet: "all", Kind: "表格", Year: 2025, Notes: 2,
		Have: []string{"number", "year", "title", "proposer", "category", "lead_unit", "co_units"}}
	all.Items = append(append([]Item{}, list.Items...), second.Items...)
	second.File, second.Sheet, second.Kind, second.Year, second.Notes = list.File, "2024年", "表格", 2024, 1
	xlsAll, xls2 := all, second
	xlsAll.File, xls2.File = xls.File, xls.File
	return []Fixture{list, xls, all, second, xlsAll, xls2}
}

func excelizeDate(s string) (time.Time, error) {
	return time.Parse("2006-01-02", s)
}

// convert runs LibreOffice to convert a file in dir to another format.
func convert(to, name string) {
	cmd := exec.Command("soffice", "--headless", "--convert-to", to, "--outdir", dir, filepath.Join(dir, name))
	if out, err := cmd.CombinedOutput(); err != nil {
		log.Fatalf("soffice: %v\n%s", err, out)
	}
}

// resave opens a .docx in LibreOffice, saves it as .odt and that again
// as .docx under the name to.
func resave(from, to string) {
	tmp, err := os.MkdirTemp("", "gen")
	must(err)
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "doc.docx")
	b, err := os.ReadFile(filepath.Join(dir, from))
	must(err)
	must(os.WriteFile(src, b, 0o644))
	for _, step := range [][]string{{"odt", src}, {"docx:MS Word 2007 XML", filepath.Join(tmp, "doc.odt")}} {
		out := filepath.Join(tmp, "out")
		cmd := exec.Command("soffice", "--headless", "--convert-to", step[0], "--outdir", out, step[1])
		if b, err := cmd.CombinedOutput(); err != nil {
			log.Fatalf("soffice: %v\n%s", err, b)
		}
		entries, err := os.ReadDir(out)
		must(err)
		must(os.Rename(filepath.Join(out, entries[0].Name()), filepath.Join(tmp, entries[0].Name())))
	}
	b, err = os.ReadFile(src)
	must(err)
	must(os.WriteFile(filepath.Join(dir, to), b, 0o644))
}

// writeCSV writes a list as a CSV with a title line, a blank line and a
// total line.
func writeCSV(demo []*tian.Proposal) Fixture {
	ps := pick(demo, 2022, 8, filed)
	fx := Fixture{File: "提案办理情况.csv", Kind: "表格", Year: 2022, Notes: 1,
		Have: []string{"number", "year", "title", "proposer", "category", "lead_unit", "co_units"}}
	var b strings.Builder
	b.WriteString("\ufeff2022年度政协提案办理情况汇总,,,,,\n,,,,,\n")
	b.WriteString("编号,提案名称,提案人,提案类别,主办单位,协办单位\n")
	for i, p := range ps {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,\"%s\"\n", written(p, i), p.Title, p.Proposer, p.Category, p.LeadUnit, strings.Join(p.CoUnits, "、"))
		fx.Items = append(fx.Items, Item{Number: p.Number, Written: written(p, i), Demo: p.Number})
	}
	fmt.Fprintf(&b, "合计,%d件,,,,\n", len(ps))
	must(os.WriteFile(filepath.Join(dir, fx.File), []byte(b.String()), 0o644))
	return fx
}

// writeForms writes 50 提案表 of 2024 into forms/: the first ten are the
// proposals of the 2024 list sheet (so a list and a form meet on a
// number); every tenth has no number (a provisional one is made). Even
// forms hold the text in the table, odd ones in paragraphs after it.
func writeForms(demo []*tian.Proposal) Fixture {
	out := filepath.Join(dir, "forms")
	must(os.RemoveAll(out))
	must(os.MkdirAll(out, 0o755))
	ps := pick(demo, 2024, 50, func(*tian.Proposal) bool { return true })
	fx := Fixture{File: "forms", Kind: "提案表", Year: 2024, Notes: 5, Have: []string{"number", "year", "session", "title", "body", "proposer", "proposer_type", "sector", "category"}}
	for i, p := range ps {
		num := fmt.Sprintf("第%04d号", seq(p))
		item := Item{Number: p.Number, Written: num, Demo: p.Number}
		if i%10 == 9 {
			num, item.Number, item.Written = "", "", ""
		}
		var body []string
		rows := [][]string{{"编  号", num, "类  别", p.Category}, {"提 案 人", p.Proposer, "界  别", p.Sector},
			{"联系电话", fmt.Sprintf("1380000%04d", i), "工作单位及职务", "某单位"}, {"案  由", p.Title, "", ""}}
		if i%2 == 0 {
			rows = append(rows, []string{"提案内容", "", "", ""}, []string{p.Body, "", "", ""})
		} else {
			body = append([]string{"提案内容："}, strings.Split(p.Body, "\n")...)
		}
		doc := docxBytes([]string{"政协某市第十四届委员会第二次会议", "提 案 表"}, rows, body)
		name := fmt.Sprintf("提案表%02d-%s.docx", i+1, p.Proposer)
		must(os.WriteFile(filepath.Join(out, name), doc, 0o644))
		fx.Items = append(fx.Items, item)
	}
	return fx
}

// writeCompilation writes a 提案选编 of 2023: a title, then per proposal a
// 第0012号 line with the title, a label line and the text.
func writeCompilation(demo []*tian.Proposal) Fixture {
	ps := pick(demo, 2023, 12, func(*tian.Proposal) bool { return true })
	fx := Fixture{File: "提案选编.docx", Kind: "提案选编", Year: 2023, Have: []string{"number", "year", "session", "title", "body", "proposer", "proposer_type", "sector"}}
	paras := []string{"政协某市第十四届委员会第一次会议", "提案选编", "提案委员会办公室编"}
	for _, p := range ps {
		line := "提案人：" + p.Proposer
		if p.Sector != "" {
			line += "　界别：" + p.Sector
		}
		paras = append(paras, fmt.Sprintf("第%04d号　%s", seq(p), p.Title), line)
		paras = append(paras, strings.Split(p.Body, "\n")...)
		fx.Items = append(fx.Items, Item{Number: p.Number, Written: fmt.Sprintf("第%04d号", seq(p)), Demo: p.Number})
	}
	must(os.WriteFile(filepath.Join(dir, fx.File), docxBytes(paras, nil, nil), 0o644))
	return fx
}

// writeWordList writes a 2021 list kept as a Word table, under a title
// paragraph, with a total row.
func writeWordList(demo []*tian.Proposal) Fixture {
	ps := pick(demo, 2021, 15, filed)
	fx := Fixture{File: "立案一览表（Word）.docx", Kind: "表格（Word）", Year: 2021, Notes: 1,
		Have: []string{"number", "year", "title", "proposer", "sector", "category", "lead_unit", "co_units"}}
	rows := [][]string{{"序号", "提案号", "案由", "提案者", "界别", "类别", "主办单位", "会办单位"}}
	for i, p := range ps {
		rows = append(rows, []string{fmt.Sprint(i + 1), written(p, i), p.Title, p.Proposer, p.Sector, p.Category, p.LeadUnit, strings.Join(p.CoUnits, "、")})
		fx.Items = append(fx.Items, Item{Number: p.Number, Written: written(p, i), Demo: p.Number})
	}
	rows = append(rows, []string{"合计", fmt.Sprintf("%d件", len(ps)), "", "", "", "", "", ""})
	doc := docxBytes([]string{"2021年度政协提案立案情况一览表", "（按提案号排列）"}, rows, []string{"提案委员会办公室　2021年3月"})
	must(os.WriteFile(filepath.Join(dir, fx.File), doc, 0o644))
	return fx
}

// writeBad writes the files that must be refused whole.
func writeBad(demo []*tian.Proposal) {
	bad := filepath.Join(dir, "bad")
	must(os.RemoveAll(bad))
	must(os.MkdirAll(bad, 0o755))
	f := excelize.NewFile()
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"提案号", "标题"}))
	must(f.SetSheetRow("Sheet1", "A2", &[]any{demo[0].Number, demo[0].Title}))
	must(f.SaveAs(filepath.Join(bad, "加密的一览表.xlsx"), excelize.Options{Password: "tian"}))
	f.Close()
	p := demo[0]
	form := docxBytes([]string{"提案表"}, [][]string{{"提案人", p.Proposer}, {"案由", p.Title}, {"提案内容", p.Body}}, nil)
	must(os.WriteFile(filepath.Join(bad, "旧版提案表.docx"), form, 0o644))
	cmd := exec.Command("soffice", "--headless", "--convert-to", "doc", "--outdir", bad, filepath.Join(bad, "旧版提案表.docx"))
	if out, err := cmd.CombinedOutput(); err != nil {
		log.Fatalf("soffice: %v\n%s", err, out)
	}
	must(os.Remove(filepath.Join(bad, "旧版提案表.docx")))
	must(os.WriteFile(filepath.Join(bad, "损坏的提案表.docx"), form[:len(form)/2], 0o644))
	// 64 MB of one character in one text run: a thousand times its size
	bomb := "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>" +
		strings.Repeat("炸", 64<<20/3) + "</w:t></w:r></w:p></w:body></w:document>"
	must(os.WriteFile(filepath.Join(bad, "压缩炸弹.docx"), zipParts(map[string]string{"word/document.xml": bomb}), 0o644))
}

// docxBytes writes a minimal Word document: paragraphs, a table, more
// paragraphs.
func docxBytes(before []string, rows [][]string, after []string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	para := func(s string) {
		b.WriteString(`<w:p><w:r><w:t xml:space="preserve">`)
		xml.EscapeText(&b, []byte(s))
		b.WriteString(`</w:t></w:r></w:p>`)
	}
	for _, s := range before {
		para(s)
	}
	if rows != nil {
		b.WriteString(`<w:tbl><w:tblPr><w:tblBorders><w:top w:val="single"/><w:bottom w:val="single"/><w:insideH w:val="single"/><w:insideV w:val="single"/></w:tblBorders></w:tblPr>`)
		for _, r := range rows {
			b.WriteString(`<w:tr>`)
			for _, c := range r {
				b.WriteString(`<w:tc>`)
				for _, line := range strings.Split(c, "\n") {
					para(line)
				}
				b.WriteString(`</w:tc>`)
			}
			b.WriteString(`</w:tr>`)
		}
		b.WriteString(`</w:tbl>`)
	}
	for _, s := range after {
		para(s)
	}
	b.WriteString(`<w:sectPr/></w:body></w:document>`)
	return zipParts(map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": b.String(),
	})
}

func zipParts(parts map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		s, ok := parts[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		must(err)
		_, err = w.Write([]byte(s))
		must(err)
	}
	must(zw.Close())
	return buf.Bytes()
}
