package sheet_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tian/internal/shareddata"
	"tian/internal/slowtest"

	"github.com/xuri/excelize/v2"

	"tian/sheet"
)

// Every row of the real workbooks arrives with its text intact (only the
// padding around it trimmed) and its dates parsed, Excel serials included.
func TestReadRealWorkbooks(t *testing.T) {
	slowtest.Gate(t)
	for _, rel := range []string{"teddycup2020c/sample/附件2.xlsx", "teddycup2020c/full/full_dataset_sheet_4.xlsx",
		"teddycup2020c/full/full_dataset_sheet_3.xlsx"} {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			path := shareddata.Path(t, rel)
			res, err := sheet.ReadProposals(path, sheet.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Errors) > 0 {
				t.Fatalf("%d rows unreadable, first: %v", len(res.Errors), res.Errors[0].Error())
			}
			f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, _ := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			var raw [][]string
			for _, r := range rows[1:] {
				if strings.TrimSpace(strings.Join(r, "")) != "" {
					raw = append(raw, r)
				}
			}
			if len(res.Records) != len(raw) {
				t.Fatalf("read %d records, the sheet has %d data rows", len(res.Records), len(raw))
			}
			cell := func(r []string, h string) string {
				if i, ok := col[h]; ok && i < len(r) {
					return r[i]
				}
				return ""
			}
			for i, rec := range res.Records {
				p, r := rec.Proposal, raw[i]
				if p.Number != cell(r, "留言编号") || p.Title != strings.TrimSpace(cell(r, "留言主题")) ||
					p.Body != strings.TrimSpace(cell(r, "留言详情")) {
					t.Fatalf("row %d: text changed: %q / %q", rec.Row, p.Number, p.Title)
				}
				if strings.TrimSpace(cell(r, "留言时间")) != "" && (len(p.Submitted) != 10 || p.Year < 2010 || p.Year > 2021) {
					t.Fatalf("row %d: date %q read as %q (year %d)", rec.Row, cell(r, "留言时间"), p.Submitted, p.Year)
				}
				if reply := strings.TrimSpace(cell(r, "答复意见")); p.Reply != reply {
					t.Fatalf("row %d: reply changed", rec.Row)
				}
			}
		})
	}
}

func TestReadRealCSVWithMapping(t *testing.T) {
	path := shareddata.Path(t, "liuyan-gas/all_pages_location.csv")
	mapping, err := sheet.ParseMapping([]string{"number=replyID", "body=replyContentMain", "submitted=replyDate",
		"reply=handleContent", "reply_date=handleTime", "category=typeNameD"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := sheet.ReadProposals(path, sheet.Options{Map: mapping})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(path)
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != len(all)-1 || len(res.Errors) != 0 {
		t.Fatalf("read %d records and %d errors from %d rows", len(res.Records), len(res.Errors), len(all)-1)
	}
	for i, rec := range res.Records {
		r := all[i+1]
		if rec.Proposal.Body != strings.TrimSpace(r[12]) || rec.Proposal.Reply != strings.TrimSpace(r[14]) ||
			(r[1] != "" && rec.Proposal.Submitted != r[1][:10]) {
			t.Fatalf("row %d (%s) changed: submitted %q from %q", rec.Row, r[0], rec.Proposal.Submitted, r[1])
		}
	}
}
