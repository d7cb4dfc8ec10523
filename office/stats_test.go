package office_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Stats is the store's figures with the hot topics added: the report
// names them after the year-on-year figures; StatsWith 0 topics leaves
// the sentence out and changes nothing else.
func TestStatsAddTopicsToTheStoresFigures(t *testing.T) {
	o, db, _ := newOffice(t)
	ctx := context.Background()
	s, err := o.Stats(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := db.Stats(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	bare, err := o.StatsWith(ctx, 2024, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Topics) == 0 || len(bare.Topics) != 0 || bare.Report() != plain.Report() {
		t.Fatalf("topics %v; without topics: %v, report\n%s\nwant the store's\n%s", s.Topics, bare.Topics, bare.Report(), plain.Report())
	}
	r := s.Report()
	if !strings.Contains(r, "委员关注的热点集中在"+s.Topics[0].Name) || !strings.Contains(r, "比上年") ||
		strings.Index(r, "热点") < strings.Index(r, "比上年") {
		t.Errorf("report %s: want the changes, then the hot topics from %v", r, s.Topics[:3])
	}
	// without its topics sentence, the report is the store's
	i := strings.Index(r, "委员关注的热点集中在")
	j := i + strings.Index(r[i:], "等方面。") + len("等方面。")
	if r[:i]+r[j:] != bare.Report() {
		t.Errorf("the topics changed the other figures:\n%s\n%s", r, bare.Report())
	}
}

// ExportStats writes the workbook of the figures it is given.
func TestExportStats(t *testing.T) {
	o, _, _ := newOffice(t)
	s, err := o.Stats(context.Background(), 2023)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := o.ExportStats(&buf, s); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if title, _ := f.GetCellValue("报告", "A1"); title != "2023年提案统计" {
		t.Errorf("报告 A1 %q", title)
	}
	if report, _ := f.GetCellValue("报告", "A2"); report != s.Report() {
		t.Errorf("报告 A2 %q, want %q", report, s.Report())
	}
	if rows, _ := f.GetRows("热点议题"); len(rows) != len(s.Topics)+1 {
		t.Errorf("热点议题 has %d rows for %d topics", len(rows), len(s.Topics))
	}
}
