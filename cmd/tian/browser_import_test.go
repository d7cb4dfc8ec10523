package main

import (
	"encoding/json"
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
	// the demo's load is named for the reader, not by the server's codes
	if list := run(b, chromedp.Text(chromedp.ID("b-list"))); !strings.Contains(list, "演示数据") || strings.Contains(list, "demo:") {
		t.Errorf("the batch list names the demo's load %q, want 演示数据", list)
	}

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
	header := run(b, chromedp.Text(chromedp.ID("i-found")))
	summary := run(b, chromedp.Text(chromedp.ID("i-summary")))
	errs := run(b, chromedp.Text(chromedp.ID("i-rejected")))
	selects := run(b, chromedp.Evaluate[int](`document.querySelectorAll("#i-mapping select").length`))
	unmapped := run(b, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#i-mapping tr.unmapped td:first-child")).map((td) => td.textContent).join(",")`))
	firstRows := run(b, chromedp.Evaluate[int](`document.querySelectorAll("#i-rows tbody tr").length`))
	if !strings.Contains(header, "第1行为表头（其上没有标题行）") || selects != 12 || unmapped != "L（备注）" || firstRows != 3 {
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

// TestBrowserImportOfficeFiles previews and commits the files offices
// keep, on a service of its own: the .xls list with its title row,
// two-row header and note row (then every sheet of it), a Word proposal
// form without a number, and a Word compilation read with a year and
// session typed in the page. The page shows what the reader found (kind,
// header row under the title, where the year came from), the numbers as
// the file wrote them, 暂编 numbers and the skipped rows apart from the
// rejections; unreadable files (encrypted, .doc, broken .docx, a zip
// bomb) are refused in Chinese naming the file.
func TestBrowserImportOfficeFiles(t *testing.T) {
	slowtest.Gate(t)
	chromium := chromiumPath(t)
	s := startService(t)
	b := newBrowser(t, chromium, withPolicy(t, s.base), 4*time.Minute)
	b.signIn(s.token)
	fixture := func(name string) string {
		p, err := filepath.Abs(filepath.Join("..", "..", "sheet", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	text := func(id string) string { return run(b, chromedp.Text(chromedp.ID(id))) }
	cells := func(sel string) []string {
		return run(b, chromedp.Evaluate[[]string](fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map((e) => e.textContent)`, sel)))
	}

	b.open("/import")
	if state := b.settle("batches"); state != "done" {
		t.Fatalf("the batch list: %s", state)
	}
	for _, bad := range []struct{ file, want, status string }{
		{"bad/加密的一览表.xlsx", "文件设有打开密码", "status of 400"},
		{"bad/旧版提案表.doc", "另存为 .docx", "status of 400"},
		{"bad/损坏的提案表.docx", "不是有效的 Word 文档", "status of 400"},
		{"bad/压缩炸弹.docx", "可能是压缩炸弹", "status of 413"},
	} {
		state := b.preview(fixture(bad.file))
		msg := text("i-status")
		if state != "error" || !strings.Contains(msg, bad.want) || !strings.Contains(msg, filepath.Base(bad.file)) {
			t.Errorf("%s: state %s, message %q, want %q naming the file", bad.file, state, msg, bad.want)
		}
		if !run(b, chromedp.Evaluate[bool](`document.getElementById("i-result").hidden`)) {
			t.Errorf("%s: the last preview is still shown", bad.file)
		}
		b.noErrorsBut(bad.file, bad.status)
	}
	b.shot("import-files-bad.png")

	// the .xls list: title row, blank row, two-row header, a note row
	const title = "政协某市第十四届委员会第三次会议提案立案情况一览表"
	if state := b.preview(fixture("提案立案情况一览表.xls")); state != "done" {
		t.Fatalf("preview of the .xls: %s %s", state, text("i-status"))
	}
	found := text("i-found")
	for _, want := range []string{"表格（按表头读取各列）", "第3—4行为表头（两行）（其上标题：" + title + "）", "2025年立案",
		"标题“" + title + "”中的届次十四届三次", "共 20 件，跳过或提示 1 处"} {
		if !strings.Contains(found, want) {
			t.Errorf("the .xls: what was found %q lacks %q", found, want)
		}
	}
	if w := cells("#i-warning-list li"); len(w) != 1 || w[0] != "第26行：不是提案（说明行），已跳过：注：共立案20件。" {
		t.Errorf("the .xls: warnings %q", w)
	}
	if r := text("i-rejected"); r != "没有拒收的行。" {
		t.Errorf("the .xls: rejected %q", r)
	}
	numbers := cells("#i-rows td.number")
	years := cells("#i-rows tbody td.year")
	if len(numbers) != 20 || numbers[0] != "20250001原文：第0001号" || numbers[1] != "20250002原文：0002" || numbers[2] != "20250003原文：3" ||
		numbers[3] != "20250004原文：〔2025〕4号" || len(years) != 20 || years[0] != "2025" || years[19] != "2025" {
		t.Errorf("the .xls: numbers %q, years %q", numbers, years)
	}
	if heads := cells("#i-rows thead th"); strings.Join(heads, ",") != "行,导入后,提案号,年度,届次,标题,提案人,类别,主办单位,提交日期,类型" {
		t.Errorf("the .xls: row headers %q", heads)
	}
	b.noErrors("the .xls preview")
	b.shot("import-files-xls.png")
	b.do(chromedp.ScrollIntoView(chromedp.ID("i-summary")))
	b.shot("import-files-xls-rows.png")

	// every sheet: the 2024 one too (year from its name), the instructions
	// sheet skipped
	if state := b.submit("import", chromedp.Click(chromedp.ID("i-all-sheets"))); state != "done" {
		t.Fatalf("every sheet: %s %s", state, text("i-status"))
	}
	found = text("i-found")
	summary := text("i-summary")
	warnings := strings.Join(cells("#i-warning-list li"), "\n")
	if !strings.Contains(found, "工作表（2）\n2025年立案、2024年") || !strings.Contains(found, "其他工作表的行，年度取自各自的标题行或工作表名") || !strings.HasPrefix(summary, "共读取 30 行") || !strings.Contains(summary, "拒收 0 行") ||
		!strings.Contains(warnings, "工作表“填表说明”：没有提案表头") || !strings.Contains(warnings, "第12行：工作表“2024年”：不是提案（合计行）") {
		t.Errorf("every sheet: %q / %q / %q", found, summary, warnings)
	}
	if sheets := cells("#i-rows tbody td.sheet"); len(sheets) != 20 || sheets[0] != "2025年立案" {
		t.Errorf("every sheet: the rows' sheets %q", sheets)
	}
	b.shot("import-files-xls-all.png")
	b.commit("提案立案情况一览表.xls")
	if done := text("i-done"); !strings.Contains(done, "拒收 0 行") {
		t.Errorf("every sheet imported otherwise than previewed: %q", done)
	}
	if w := cells("#i-done-warnings li"); len(w) != 3 || w[0] != "第26行：工作表“2025年立案”：不是提案（说明行），已跳过：注：共立案20件。" {
		t.Errorf("the import's warnings: %q", w)
	}
	for number, year := range map[string]int{"20250001": 2025, "20250013": 2025, "20240001": 2024} {
		var p tian.Proposal
		if code := s.call(t, "GET", "/api/v1/proposals/"+number, nil, &p); code != 200 || p.Year != year {
			t.Errorf("%s after the import: %d, year %d", number, code, p.Year)
		}
	}
	b.do(chromedp.Click(chromedp.ID("i-all-sheets")))

	// a Word form without a number: read by its labels, numbered 暂编
	if state := b.preview(fixture("forms/提案表10-市政协社会和法制委员会.docx")); state != "done" {
		t.Fatalf("preview of the form: %s %s", state, text("i-status"))
	}
	found = text("i-found")
	labels := strings.Join(cells("#i-labels tbody tr"), ",")
	if !strings.Contains(found, "Word 提案表") || !strings.Contains(found, "第二次会议") || !strings.Contains(found, "十四届二次（按十四届一次会议为2023年推算为2024年）") ||
		!strings.Contains(labels, "提案内容（其后的段落）内容（body）") || !run(b, chromedp.Evaluate[bool](`document.getElementById("i-mapping").hidden`)) {
		t.Errorf("the form: %q / labels %q", found, labels)
	}
	number := run(b, chromedp.Evaluate[string](`document.querySelector("#i-rows td.number").firstChild.textContent`))
	badge := cells("#i-rows td.number .badge.provisional")
	row := strings.Join(cells("#i-rows tbody td"), "|")
	if !strings.HasPrefix(number, "2024") || len(badge) != 1 || badge[0] != "暂编" || !strings.Contains(row, "|2024|十四届二次|") ||
		!strings.Contains(row, "市政协社会和法制委员会") || !strings.Contains(row, "……") {
		t.Errorf("the form as read: number %q, badge %q, row %q", number, badge, row)
	}
	if sum := text("i-summary"); !strings.HasPrefix(sum, "共读取 1 件：将新增 1 件") || !strings.Contains(sum, "拒收 0 件") {
		t.Errorf("the form's dry run: %q", sum)
	}
	if w := cells("#i-warning-list li"); len(w) != 1 || !strings.HasPrefix(w[0], "第1件提案（") || !strings.Contains(w[0], "没有提案号，暂编为 "+number) {
		t.Errorf("the form's warnings: %q", w)
	}
	b.noErrors("the form's preview")
	b.shot("import-files-form.png")
	b.do(chromedp.ScrollIntoView(chromedp.ID("i-summary")))
	b.shot("import-files-form-rows.png")
	b.commit("提案表10-市政协社会和法制委员会.docx")
	var p tian.Proposal
	if code := s.call(t, "GET", "/api/v1/proposals/"+number, nil, &p); code != 200 || p.Year != 2024 || p.Proposer != "市政协社会和法制委员会" || p.Body == "" {
		t.Errorf("the form's proposal %s: %d %+v", number, code, p)
	}

	// a list whose title and name say no year: the page says so, and the
	// year typed in is taken at once
	noYear := filepath.Join(t.TempDir(), "新收提案清单.csv")
	if err := os.WriteFile(noYear, []byte("案号,案由,提案者,类别\n"+
		"0101,关于加强老旧小区加装电梯后续管理的提案,周文澜,城乡建设\n"+
		"0102,关于推进中小学课后服务提质增效的提案,民进市委会,社会建设\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if state := b.preview(noYear); state != "done" {
		t.Fatalf("the list without a year: %s %s", state, text("i-status"))
	}
	found = text("i-found")
	warnings = strings.Join(cells("#i-warning-list li"), "\n")
	years = cells("#i-rows tbody td.year")
	if !strings.Contains(found, "文件中没有读到年度：请在上方填写年度或届次") || !strings.Contains(warnings, "2行没有年度") ||
		strings.Contains(warnings, "--year") || strings.Join(years, ",") != "（无）,（无）" {
		t.Errorf("the list without a year: %q / %q / %q", found, warnings, years)
	}
	b.shot("import-files-no-year.png")
	state := b.submit("import", fill(map[string]string{"i-year": "2025"}),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("i-year").dispatchEvent(new Event("change"))`))
	found = text("i-found")
	numbers = cells("#i-rows td.number")
	if state != "done" || !strings.Contains(found, "导入时指定的年度（2025）") || strings.Join(numbers, ",") != "20250101原文：0101,20250102原文：0102" ||
		len(cells("#i-warning-list li")) != 0 || run(b, chromedp.Evaluate[bool](`document.getElementById("i-commit").disabled`)) {
		t.Errorf("the list with a year typed in: %s %q %q", state, found, numbers)
	}
	b.do(fill(map[string]string{"i-year": ""}))

	// a compilation, with a session that cannot be read, then a year and
	// session typed in: every record takes them
	b.do(fill(map[string]string{"i-session": "明年"}))
	if state := b.preview(fixture("提案选编.docx")); state != "error" || !strings.Contains(text("i-status"), "届次 \"明年\" 无法识别") {
		t.Errorf("a bad session: %s %q", state, text("i-status"))
	}
	b.noErrorsBut("a bad session", "status of 400")
	b.do(fill(map[string]string{"i-year": "2026", "i-session": "十四届四次"}))
	if state := b.submit("import", chromedp.Click(chromedp.ID("i-preview"))); state != "done" {
		t.Fatalf("the compilation with a year: %s %s", state, text("i-status"))
	}
	found = text("i-found")
	numbers = cells("#i-rows td.number")
	years = cells("#i-rows tbody td.year")
	if !strings.Contains(found, "Word 提案选编") || !strings.Contains(found, "2026") || len(numbers) != 12 || numbers[0] != "20260001原文：第0001号" ||
		strings.Count(strings.Join(years, ","), "2026") != 12 {
		t.Errorf("the compilation with a year: %q / %q / %q", found, numbers, years)
	}
	b.shot("import-files-compilation.png")
	b.commit("提案选编.docx")
	if done := text("i-done"); !strings.Contains(done, "新增 12 件") || !strings.Contains(done, "拒收 0 行") {
		t.Errorf("the compilation's import: %q", done)
	}
	if code := s.call(t, "GET", "/api/v1/proposals/20260012", nil, &p); code != 200 || p.Year != 2026 || p.Session != "十四届四次" {
		t.Errorf("20260012: %d %+v", code, p)
	}
	b.noErrors("the office's files")

	// every fixture the sheet package writes, as the page shows it: kind,
	// and each number shown as stored, as written or 暂编 (the Word forms:
	// a sample, all 50 with TIAN_BROWSER_SWEEP=1)
	b.do(fill(map[string]string{"i-year": "", "i-session": ""}))
	var manifest []struct {
		File, Sheet, Kind string
		Items             []struct{ Number, Written string }
	}
	raw, err := os.ReadFile(fixture("manifest.json"))
	if err == nil {
		err = json.Unmarshal(raw, &manifest)
	}
	if err != nil {
		t.Fatal(err)
	}
	swept := 0
	for _, f := range manifest {
		if f.Sheet != "" && f.Sheet != "all" { // the page reads the active sheet or all
			continue
		}
		files := []string{f.File}
		if f.File == "forms" {
			names, err := filepath.Glob(fixture("forms/*.docx"))
			if err != nil || len(names) != len(f.Items) {
				t.Fatalf("forms: %d files, %d in the manifest (%v)", len(names), len(f.Items), err)
			}
			files = names
		}
		if all := run(b, chromedp.Evaluate[bool](`document.getElementById("i-all-sheets").checked`)); all != (f.Sheet == "all") {
			b.do(chromedp.Click(chromedp.ID("i-all-sheets")))
		}
		for i, file := range files {
			items := f.Items
			if f.File == "forms" {
				if i%7 != 2 && i != 9 && os.Getenv("TIAN_BROWSER_SWEEP") == "" {
					continue
				}
				items = f.Items[i : i+1]
			} else {
				file = fixture(file)
			}
			swept++
			name := filepath.Base(file) + "/" + f.Sheet
			if state := b.preview(file); state != "done" {
				t.Errorf("%s: %s %s", name, state, text("i-status"))
				continue
			}
			numbers := cells("#i-rows td.number")
			if len(numbers) != min(len(items), tian.PreviewRows) {
				t.Errorf("%s: %d numbers shown, want %d", name, len(numbers), min(len(items), tian.PreviewRows))
				continue
			}
			for j, n := range numbers {
				want := items[j].Number + "原文：" + items[j].Written
				if items[j].Number == "" {
					want = "暂编"
				}
				if !strings.HasSuffix(n, want) {
					t.Errorf("%s: number %q, want %q", name, n, want)
				}
			}
			kind := map[string]string{"表格": "表格（按表头读取各列）", "表格（Word）": "Word 文档中的表格", "提案表": "Word 提案表", "提案选编": "Word 提案选编"}[f.Kind]
			if found := text("i-found"); kind == "" || !strings.Contains(found, kind) || !strings.Contains(found, "年度来源") {
				t.Errorf("%s (%s): %q", name, f.Kind, found)
			}
			b.noErrors(name)
		}
	}
	if swept < 14 {
		t.Errorf("only %d fixtures previewed", swept)
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
