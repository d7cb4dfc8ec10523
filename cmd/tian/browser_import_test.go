package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"tian"
	"tian/internal/slowtest"
	"tian/sheet"
)

// TestBrowserImport previews, commits and undoes imports entirely in the
// page, on a service of its own (it changes the store): a workbook of new
// proposals that also answers one of the demo's, a reply file that
// updates one of them (so the workbook's batch cannot be undone before
// it), a message board export whose own classification staff leave out,
// and bad files (empty, a wrong type, English headers, a broken
// workbook), each refused in Chinese.
func TestBrowserImport(t *testing.T) {
	slowtest.Gate(t)
	chromium := chromiumPath(t)
	s := startService(t)
	b := newBrowser(t, chromium, withPolicy(t, s.base), 4*time.Minute)
	b.signIn(s.token)
	dir := t.TempDir()
	answered := demoProposal(t, "20230015")
	files := importFixtures(t, dir, answered)

	b.open("/import")
	if state := b.settle("batches"); state != "done" {
		t.Fatalf("the batch list: %s", state)
	}
	b.noErrors("the import page")
	b.shot("import-empty.png")

	for _, bad := range []struct{ file, want string }{
		{"空.csv", "没有表头行"},
		{"提案说明.pdf", "不支持的文件类型"},
		{"proposals.csv", "缺少必需的列"},
		{"损坏.xlsx", "不是有效的 Excel 工作簿"},
	} {
		state := b.preview(files[bad.file])
		msg := run(b, chromedp.Text(chromedp.ID("i-status")))
		if state != "error" || !strings.Contains(msg, bad.want) || !strings.Contains(msg, bad.file) {
			t.Errorf("%s: state %s, message %q, want %q naming the file", bad.file, state, msg, bad.want)
		}
		b.noErrorsBut(bad.file, "status of 400")
	}
	b.shot("import-bad-file.png")

	// the demo's own proposals, exported and previewed: every one unchanged
	// (a year's, or all 1,570 with TIAN_BROWSER_SWEEP=1), ten with a
	// corrected title to update
	exported, n := demoExport(t, dir)
	if state := b.preview(exported); state != "done" {
		t.Fatalf("preview of the demo export: %s %s", state, run(b, chromedp.Text(chromedp.ID("i-status"))))
	}
	want := fmt.Sprintf("共读取 %d 行：将新增 0 件，更新 10 件，未变 %d 件，拒收 0 行。", n, n-10)
	if summary := run(b, chromedp.Text(chromedp.ID("i-summary"))); !strings.HasPrefix(summary, want) {
		t.Errorf("demo export: %q, want %q", summary, want)
	}
	if rows := run(b, chromedp.Evaluate[int](`document.querySelectorAll("#i-rows tbody tr").length`)); rows != tian.PreviewRows {
		t.Errorf("demo export: %d rows shown, want %d", rows, tian.PreviewRows)
	}
	outcomes := run(b, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#i-rows tbody tr td:nth-child(2)")).map((td) => td.textContent).join("")`))
	if outcomes != strings.Repeat("更新", 10)+strings.Repeat("未变", tian.PreviewRows-10) {
		t.Errorf("demo export: the rows' outcomes %q, want 10 更新 then 未变", outcomes)
	}
	b.noErrors("the demo export")
	b.shot("import-demo-export.png")

	// the workbook: header, mapping, dry run with the bad row, first rows
	if state := b.preview(files["2026年提案.xlsx"]); state != "done" {
		t.Fatalf("preview of the workbook: %s %s", state, run(b, chromedp.Text(chromedp.ID("i-status"))))
	}
	header := run(b, chromedp.Text(chromedp.ID("i-header")))
	summary := run(b, chromedp.Text(chromedp.ID("i-summary")))
	errs := run(b, chromedp.Text(chromedp.ID("i-rejected")))
	selects := run(b, chromedp.Evaluate[int](`document.querySelectorAll("#i-mapping select").length`))
	unmapped := run(b, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#i-mapping tr.unmapped td:first-child")).map((td) => td.textContent).join(",")`))
	firstRows := run(b, chromedp.Evaluate[int](`document.querySelectorAll("#i-rows tbody tr").length`))
	if !strings.Contains(header, "表头在第1行") || selects != 12 || unmapped != "L（备注）" || firstRows != 3 {
		t.Errorf("preview: header %q, %d selects, unmapped %q, %d rows", header, selects, unmapped, firstRows)
	}
	if !strings.Contains(summary, "将新增 2 件，更新 1 件，未变 0 件，拒收 1 行") || !strings.Contains(errs, "第5行") || !strings.Contains(errs, "B（年度）") {
		t.Errorf("dry run: %q / %q", summary, errs)
	}
	b.noErrors("the workbook's preview")
	b.shot("import-preview.png")
	first := b.commit("2026年提案.xlsx")

	// the reply file updates a proposal of the workbook
	if state := b.preview(files["答复补充.csv"]); state != "done" {
		t.Fatalf("preview of the replies: %s", state)
	}
	second := b.commit("答复补充.csv")

	// the message board: its 一级分类 is left out by the staff
	if state := b.preview(files["留言.csv"]); state != "done" {
		t.Fatalf("preview of the messages: %s", state)
	}
	if summary := run(b, chromedp.Text(chromedp.ID("i-summary"))); !strings.Contains(summary, "非提案") || !strings.Contains(summary, "将新建类别") {
		t.Errorf("messages' dry run: %q", summary)
	}
	state := b.submit("import", chromedp.Evaluate[chromedp.Void](`(() => {
  const s = Array.from(document.querySelectorAll("#i-mapping select")).find((x) => x.dataset.header === "一级分类");
  s.value = "";
  s.dispatchEvent(new Event("change"));
})()`))
	if summary := run(b, chromedp.Text(chromedp.ID("i-summary"))); state != "done" || strings.Contains(summary, "将新建类别") || !strings.Contains(summary, "其中 3 件") {
		t.Errorf("after leaving 一级分类 out: %s %q", state, summary)
	}
	b.shot("import-messages.png")
	// staff may say the rows are proposals after all, and take it back
	for _, want := range []bool{false, true} {
		state := b.submit("import", chromedp.Click(chromedp.ID("i-all-proposals")))
		summary := run(b, chromedp.Text(chromedp.ID("i-summary")))
		if state != "done" || strings.Contains(summary, "非提案") != want {
			t.Errorf("每行都是提案 toggled: %s %q", state, summary)
		}
	}
	b.commit("留言.csv")
	b.noErrors("three imports")

	if hits := searchNumbers(t, s, "历史街区保护利用"); !strings.Contains(hits, "20269201") {
		t.Errorf("the imported proposal is not searchable: %s", hits)
	}

	// undoing the workbook first is refused, naming the proposal and the later batch
	b.undo(first)
	msg := run(b, chromedp.Text(chromedp.ID("b-status")))
	if !strings.Contains(msg, "20269201") || !strings.Contains(msg, fmt.Sprintf("第%d批导入“答复补充.csv”", second)) || !strings.Contains(msg, "请先撤销") {
		t.Errorf("undo of the workbook before the replies: %q", msg)
	}
	b.noErrorsBut("the refused undo", "status of 409")
	b.shot("import-undo-refused.png")
	b.undo(second)
	b.undo(first)
	msg = run(b, chromedp.Text(chromedp.ID("b-status")))
	if !strings.Contains(msg, fmt.Sprintf("已撤销第 %d 批导入", first)) || !strings.Contains(msg, "删除 2 件，恢复 1 件") || !strings.Contains(msg, answered.Number) {
		t.Errorf("undo of the workbook: %q", msg)
	}
	undone := run(b, chromedp.Evaluate[int](`document.querySelectorAll("#b-list tr.undone").length`))
	if undone != 2 {
		t.Errorf("%d batches shown undone, want 2", undone)
	}
	b.noErrors("the undos")
	b.shot("import-undone.png")

	var p tian.Proposal
	if code := s.call(t, "GET", "/api/v1/proposals/"+answered.Number, nil, &p); code != 200 || p.Reply != answered.Reply {
		t.Errorf("%s after undo: %d, reply %q, want %q", answered.Number, code, p.Reply, answered.Reply)
	}
	if code := s.call(t, "GET", "/api/v1/proposals/20269201", nil, nil); code != 404 {
		t.Errorf("20269201 after undo: %d", code)
	}
	if hits := searchNumbers(t, s, "历史街区保护利用"); strings.Contains(hits, "20269201") {
		t.Errorf("the index still finds the removed proposal: %s", hits)
	}
}

// searchNumbers returns the numbers a search finds, space-separated.
func searchNumbers(t *testing.T, s *service, q string) string {
	t.Helper()
	var res tian.SearchResult
	if code := s.call(t, "GET", "/api/v1/search?q="+url.QueryEscape(q), nil, &res); code != 200 {
		t.Fatalf("search %s: %d", q, code)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Number)
	}
	return strings.Join(out, " ")
}

// noErrorsBut is noErrors but for the browser's own log line of a
// failed request the test meant to fail (it logs every 4xx fetch).
func (b *browser) noErrorsBut(what, expected string) {
	b.t.Helper()
	for _, e := range b.takeErrors() {
		if !strings.HasPrefix(e, "log (network)") || !strings.Contains(e, expected) {
			b.t.Errorf("%s: %s", what, e)
		}
	}
}

// preview chooses a file and previews it, returning the section's state.
func (b *browser) preview(path string) string {
	b.t.Helper()
	b.do(chromedp.SetUploadFiles(chromedp.ID("i-file"), []string{path}))
	return b.submit("import", chromedp.Click(chromedp.ID("i-preview")))
}

// commit imports the previewed file through the confirmation and returns
// the batch the page reports, once the batch list shows it.
func (b *browser) commit(name string) int64 {
	b.t.Helper()
	before := run(b, chromedp.Evaluate[string](`document.getElementById("batches").dataset.run || ""`))
	state := b.submit("import", chromedp.Click(chromedp.ID("i-commit")), chromedp.WaitVisible(chromedp.CSS("dialog.confirm")),
		chromedp.Click(chromedp.CSS(`dialog.confirm button[value="ok"]`)))
	done := run(b, chromedp.Text(chromedp.ID("i-status")))
	var batch int64
	if _, err := fmt.Sscanf(done[strings.Index(done, "（第 ")+len("（第 "):], "%d", &batch); state != "done" || err != nil {
		b.t.Fatalf("commit of %s: %s %q", name, state, done)
	}
	b.waitRun("batches", before)
	top := run(b, chromedp.Text(chromedp.CSS("#b-list tbody tr")))
	if !strings.HasPrefix(top, fmt.Sprint(batch)) || !strings.Contains(top, name) {
		b.t.Errorf("the batch list's first row %q, want batch %d of %s", top, batch, name)
	}
	b.shot("import-committed-" + fmt.Sprint(batch) + ".png")
	return batch
}

// undo undoes a batch through the confirmation and waits for the answer.
func (b *browser) undo(batch int64) {
	b.t.Helper()
	sel := chromedp.CSS(fmt.Sprintf(`button.undo[data-batch="%d"]`, batch))
	before := run(b, chromedp.Evaluate[string](`document.getElementById("batches").dataset.run || ""`))
	b.do(chromedp.Click(sel), chromedp.WaitVisible(chromedp.CSS("dialog.confirm")), chromedp.Click(chromedp.CSS(`dialog.confirm button[value="ok"]`)))
	b.waitRun("batches", before)
}

// demoExport writes the demo's proposals of 2024 (all with
// TIAN_BROWSER_SWEEP=1) as the office's workbook, the first ten with a
// corrected title, and returns its path and its number of rows.
func demoExport(t *testing.T, dir string) (string, int) {
	t.Helper()
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	var out []*tian.Proposal
	for _, p := range ps {
		if p.Year == 2024 || os.Getenv("TIAN_BROWSER_SWEEP") != "" {
			q := *p
			if len(out) < 10 {
				q.Title += "（更正稿）"
			}
			out = append(out, &q)
		}
	}
	path := filepath.Join(dir, "演示提案导出.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := sheet.WriteProposals(f, sheet.FormatXLSX, out); err != nil {
		t.Fatal(err)
	}
	return path, len(out)
}

func demoProposal(t *testing.T, number string) tian.Proposal {
	t.Helper()
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Number == number {
			return *p
		}
	}
	t.Fatalf("no demo proposal %s", number)
	return tian.Proposal{}
}

// importFixtures writes the test's files into dir and returns their paths
// by name.
func importFixtures(t *testing.T, dir string, answered tian.Proposal) map[string]string {
	t.Helper()
	out := map[string]string{}
	write := func(name string, b []byte) {
		out[name] = filepath.Join(dir, name)
		if err := os.WriteFile(out[name], b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("空.csv", nil)
	write("提案说明.pdf", []byte("%PDF-1.4 关于提案办理的说明"))
	write("proposals.csv", []byte("id,subject,text\n1,More bus lanes,Please add bus lanes on Main Street.\n"))
	write("损坏.xlsx", []byte("这不是一个工作簿"))
	write("答复补充.csv", []byte("提案号,标题,办理答复,答复日期,届次\n"+
		"20269201,关于加快推进城市更新中历史街区保护利用的提案,市文化广电旅游局已会同规划部门启动历史街区保护利用导则编制，首批三条街区列入试点。,2026-07-15,十四届四次\n"))
	write("留言.csv", []byte("留言编号,留言用户,留言主题,留言时间,留言详情,一级分类\n"+
		"360101,A00090519,东湖路口红绿灯时间过短行人来不及通过,2019/4/2 9:15:20,东湖路与建设路口行人绿灯只有15秒，老人孩子走到一半就变灯，很危险。,交通运输\n"+
		"360102,A00031882,小区物业擅自提高停车费,2019/4/3 18:02:11,物业未经业主大会同意把月租车位从150元涨到300元。,城乡建设\n"+
		"360103,A00011620,夜市油烟噪音扰民,2019/4/5 22:40:03,解放西路夜市经营到凌晨两点，油烟直排进居民楼。,环境保护\n"))

	f := excelize.NewFile()
	rows := [][]any{
		{"提案号", "年度", "届次", "案由", "提案内容", "提案人", "提案形式", "提案类别", "主办单位", "审查结果", "办理答复", "备注"},
		{"20269201", 2026, "十四届四次", "关于加快推进城市更新中历史街区保护利用的提案", "历史街区在城市更新中屡遭大拆大建，建议编制保护利用导则，引入社会资本参与活化利用。", "陈静", "委员", answered.Category, answered.LeadUnit, "立案", "", "重点提案"},
		{"20269202", 2026, "十四届四次", "关于完善新就业形态劳动者权益保障的提案", "外卖骑手、网约车司机等群体参保率低，建议推动职业伤害保障试点扩面。", "市总工会", "集体", answered.Category, answered.LeadUnit, "立案", "", ""},
		{answered.Number, answered.Year, answered.Session, answered.Title, answered.Body, answered.Proposer, string(answered.ProposerType), answered.Category, answered.LeadUnit, string(answered.Status), "已办结：" + answered.Title + "所提建议已纳入年度工作计划。", ""},
		{"20269203", "二〇二六", "十四届四次", "关于推动县域商业体系建设的提案", "乡镇商贸中心老化，建议支持连锁企业下沉。", "刘洋", "委员", answered.Category, answered.LeadUnit, "", "", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "2026年提案.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	out["2026年提案.xlsx"] = path
	return out
}
