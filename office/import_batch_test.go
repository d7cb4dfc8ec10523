package office_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"tian"
	"tian/internal/shareddata"
	"tian/internal/slowtest"
)

// new2026 is a CSV of proposals of a new session as an office keeps it,
// with one row whose year is not a year.
const new2026 = "提案号,年度,届次,标题,内容,提案人,提案人类型,界别,类别,主办单位,状态\n" +
	"20269001,2026,十四届四次,关于推进老旧小区加装电梯“一件事”集成办理的提案,老旧小区加装电梯审批涉及规划、住建、市场监管等多个部门，群众反映材料多、跑腿多。建议推行一件事集成办理。,周丽,委员,民进,城乡建设,市住房和城乡建设局,立案\n" +
	"20269002,2026,十四届四次,关于完善社区嵌入式托育服务的提案,双职工家庭对家门口的普惠托育需求迫切，建议在新建小区同步配建托育用房。,民盟市委会,集体,,社会建设,市卫生健康委员会,立案\n" +
	"20269003,二〇二六,十四届四次,关于加强中小学生近视防控的提案,近视低龄化问题突出，建议保障课间户外活动时间。,王海,委员,教育,教育文体,市教育局,\n"

// A preview reads the file, maps its columns, shows its first rows and
// dry-runs the import (row and column of each rejection) without writing;
// the commit then gives a batch, which undo takes back out of the store
// and the index.
func TestPreviewCommitUndo(t *testing.T) {
	o, db, _ := newOffice(t)
	ctx := context.Background()
	before, _ := db.CountProposals(ctx)
	path := writeFile(t, "2026提案.csv", new2026)
	req := tian.FileImport{Path: path, Name: "2026提案.csv", Actor: "staff:王芳", NewUnits: true}
	pv, err := o.Preview(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if pv.HeaderRow != 1 || len(pv.Columns) != 11 || pv.Columns[3] != "标题（第4列）" || len(pv.Unmapped) != 0 {
		t.Errorf("preview header %d, columns %v, unmapped %v", pv.HeaderRow, pv.Columns, pv.Unmapped)
	}
	if !slices.Contains(pv.Map, "title=标题") || !slices.Contains(pv.Map, "lead_unit=主办单位") || len(pv.Fields) < 15 {
		t.Errorf("map %v, fields %d", pv.Map, len(pv.Fields))
	}
	if len(pv.Rows) != 2 || pv.Rows[0].Row != 2 || pv.Rows[0].Proposal.Title != "关于推进老旧小区加装电梯“一件事”集成办理的提案" || pv.Rows[1].Outcome != "inserted" {
		t.Errorf("rows %+v", pv.Rows)
	}
	r := pv.Report
	if r.Committed || r.Inserted != 2 || r.Rejected != 1 || len(r.Errors) != 1 || r.Errors[0].Row != 4 || r.Errors[0].Column != "年度（第2列）" {
		t.Errorf("dry run %+v", r)
	}
	if n, _ := db.CountProposals(ctx); n != before {
		t.Fatalf("the preview wrote: %d proposals, had %d", n, before)
	}

	strict := req
	strict.Strict = true
	refused, err := o.Import(ctx, strict)
	if err != nil || refused.Committed || refused.DryRun || refused.Batch != 0 || refused.Inserted != 0 || !strings.Contains(refused.Summary(), "--strict") {
		t.Errorf("a strict import of a file with a bad row: %+v, %v", refused, err)
	}
	rep, err := o.Import(ctx, req)
	if err != nil || !rep.Committed || rep.Batch == 0 || rep.Inserted != 2 {
		t.Fatalf("commit %+v, %v", rep, err)
	}
	page, err := o.Batches(ctx, 0, 5)
	if err != nil || page.Batches[0].ID != rep.Batch || page.Batches[0].File != "2026提案.csv" || page.Batches[0].Actor != "staff:王芳" {
		t.Fatalf("batches %+v, %v", page, err)
	}
	undo, err := o.UndoBatch(ctx, rep.Batch, "staff:王芳")
	if err != nil || !slices.Equal(undo.Removed, []string{"20269001", "20269002"}) || undo.Warning != "" {
		t.Fatalf("undo %+v, %v", undo, err)
	}
	if n, _ := db.CountProposals(ctx); n != before {
		t.Errorf("%d proposals after undo, had %d", n, before)
	}
	if st := o.IndexStatus(ctx); st.Behind != 0 {
		t.Errorf("index behind after undo: %+v", st)
	}
}

// A mapping can name another header for a field, or read a field from no
// column (field=); an unknown field is refused in Chinese.
func TestPreviewMapping(t *testing.T) {
	o, _, _ := newOffice(t)
	ctx := context.Background()
	path := writeFile(t, "留言.csv", "编号,主题,详情,一级分类\n"+
		"M-101,城西菜市场周边占道经营严重,早晚高峰摊贩占据机动车道，建议划定疏导点。,城乡建设\n")
	pv, err := o.Preview(ctx, tian.FileImport{Path: path, Name: "留言.csv", Map: map[string]string{"title": "主题", "body": "详情", "category": ""}})
	if err != nil {
		t.Fatal(err)
	}
	if p := pv.Rows[0].Proposal; p.Title != "城西菜市场周边占道经营严重" || p.Category != "" || !p.NotProposal {
		t.Errorf("row %+v", p)
	}
	if !slices.Equal(pv.Unmapped, []string{"一级分类（第4列）"}) || pv.Report.NotProposals != 1 {
		t.Errorf("unmapped %v, report %+v", pv.Unmapped, pv.Report)
	}
	_, err = o.Preview(ctx, tian.FileImport{Path: path, Map: map[string]string{"titel": "主题"}})
	if tian.ErrorCode(err) != tian.EINVALID || !strings.Contains(tian.ErrorMessage(err), "“titel”不存在") {
		t.Errorf("unknown field: %v", err)
	}
}

// The real message board export (附件2.xlsx, 2020 Teddy Cup): every
// message is kept as not a proposal, the statistics do not change, and
// the batch undoes.
func TestMessageBoardExportIsNotProposals(t *testing.T) {
	slowtest.Gate(t) // imports, indexes and removes 494 messages
	path := shareddata.Path(t, "teddycup2020c/sample/附件2.xlsx")
	o, db, _ := newOffice(t)
	ctx := context.Background()
	statsBefore, err := o.StatsWith(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	req := tian.FileImport{Path: path, Name: "附件2.xlsx", Actor: "staff"}
	pv, err := o.Preview(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	r := pv.Report
	if r.Inserted < 400 || r.NotProposals != r.Inserted || pv.HeaderRow != 1 {
		t.Errorf("preview of 附件2: header row %d, report %+v", pv.HeaderRow, r)
	}
	rep, err := o.Import(ctx, req)
	if err != nil || rep.NotProposals != rep.Inserted {
		t.Fatalf("import %+v, %v", rep, err)
	}
	t.Logf("附件2.xlsx: %d rows, %d not proposals, %d rejected, mapping %v", rep.Rows, rep.NotProposals, rep.Rejected, pv.Map)
	after, _ := o.StatsWith(ctx, 0, 0)
	if after.Received != statsBefore.Received || after.FilingRate != statsBefore.FilingRate || after.FromYear != statsBefore.FromYear {
		t.Errorf("statistics changed by a message board: %+v → %+v", statsBefore, after)
	}
	with, _ := o.StatsOf(ctx, 0, 0, true)
	if with.Received != statsBefore.Received+rep.Inserted {
		t.Errorf("include_other: %d received, want %d", with.Received, statsBefore.Received+rep.Inserted)
	}
	if _, err := o.UndoBatch(ctx, rep.Batch, "staff"); err != nil {
		t.Fatal(err)
	}
	cats, _ := db.Categories(ctx)
	for _, c := range cats {
		if slices.Contains(rep.NewCategories, c.Name) {
			t.Errorf("the message board's category %s stays after undo", c.Name)
		}
	}
}
