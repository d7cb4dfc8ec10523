package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tian"
)

// The CLI dry-runs an import, imports it as a batch, lists the batches and
// undoes one; a message board's rows are reported as not proposals.
func TestImportBatchesCLI(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	proposals := filepath.Join(dir, "2026提案.csv")
	messages := filepath.Join(dir, "留言.csv")
	os.WriteFile(proposals, []byte("提案号,年度,届次,标题,内容,主办单位,状态\n"+
		"20269001,2026,十四届四次,关于推进老旧小区加装电梯“一件事”集成办理的提案,建议推行一件事集成办理。,市住房和城乡建设局,立案\n"+
		"20269002,2026,十四届四次,关于完善社区嵌入式托育服务的提案,建议新建小区同步配建托育用房。,市卫生健康委员会,立案\n"), 0o600)
	os.WriteFile(messages, []byte("留言编号,留言主题,留言详情,留言时间\n"+
		"9001,东湖路口红绿灯时间过短行人来不及通过,东湖路与建设路口行人绿灯只有15秒。,2019/4/2 9:15:20\n"), 0o600)

	out, _, err := runMain(t, "", "--data", data, "import", "--dry-run", proposals)
	if err != nil || !strings.Contains(out, "新增2件") || !strings.Contains(out, "未写入") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if out, _, _ := runMain(t, "", "--data", data, "imports"); !strings.Contains(out, "还没有导入批次") {
		t.Errorf("a dry run made a batch:\n%s", out)
	}
	if out, _, err = runMain(t, "", "--data", data, "--actor", "cli:王芳", "import", proposals); err != nil || !strings.Contains(out, "批次1（撤销：tian undo-import 1）") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, _, err = runMain(t, "", "--data", data, "import", messages); err != nil || !strings.Contains(out, "其中1件没有提案流程字段") {
		t.Fatalf("messages: %v\n%s", err, out)
	}
	out, _, err = runMain(t, "", "--data", data, "imports")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 4 || !strings.HasPrefix(lines[2], "2\t") || !strings.Contains(lines[3], "cli:王芳\t"+proposals+"\t2\t0\t0\t0\t0\t有效") {
		t.Fatalf("imports: %v\n%s", err, out)
	}
	if out, _, err = runMain(t, "", "--data", data, "--actor", "cli:李强", "undo-import", "2"); err != nil || !strings.Contains(out, "已撤销第2批导入") || !strings.Contains(out, "删除1件") {
		t.Fatalf("undo: %v\n%s", err, out)
	}
	_, _, err = runMain(t, "", "--data", data, "undo-import", "2")
	if tian.ErrorCode(err) != tian.ECONFLICT || !strings.Contains(tian.ErrorMessage(err), "由cli:李强撤销") {
		t.Errorf("second undo: %v", err)
	}
	if _, _, err = runMain(t, "", "--data", data, "undo-import", "二"); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("undo-import 二: %v", err)
	}
}
