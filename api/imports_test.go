package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tian"
	"tian/api"
	"tian/office"
	"tian/sqlite"
)

// importEnv is the service over a real store and office (no index: the
// office then works on the store alone), as staff use it to import.
type importEnv struct {
	srv    *httptest.Server
	db     *sqlite.DB
	tokens map[tian.Role]string
}

func newImportEnv(t *testing.T, cfgs ...api.Config) *importEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	o := office.New(office.Config{DataDir: dir, Store: db, MinFree: 1})
	parts := api.Parts{Store: db, Tokens: db, Import: o, Imports: o, Export: o, Stats: db, Health: o}
	cfg := api.DefaultConfig()
	if len(cfgs) > 0 {
		cfg = cfgs[0]
	}
	s := api.NewServer(parts, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	e := &importEnv{srv: httptest.NewServer(s.Handler()), db: db, tokens: map[tian.Role]string{}}
	t.Cleanup(e.srv.Close)
	for _, r := range []tian.Role{tian.RoleMember, tian.RoleStaff} {
		sec, _, err := db.CreateToken(ctx, "王芳", r, "test")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[r] = sec
	}
	return e
}

// call sends a request and decodes a JSON answer into out (if not nil).
func (e *importEnv) call(t *testing.T, role tian.Role, method, path, ctype string, body io.Reader, out any) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	return res.StatusCode, string(b)
}

func (e *importEnv) upload(t *testing.T, path, name string, content []byte, maps []string, out any) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	q := url.Values{"map": maps}
	return e.call(t, tian.RoleStaff, "POST", path+sep+q.Encode(), mw.FormDataContentType(), &buf, out)
}

// proposalsXLSX is a workbook of proposals as an office keeps them, with a
// row whose year is not a year (row 4, column B).
func proposalsXLSX(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	rows := [][]any{
		{"提案号", "年度", "届次", "案由", "提案内容", "提案人", "提案形式", "提案类别", "主办单位", "审查结果", "备注"},
		{"20269101", 2026, "十四届四次", "关于加快推进城市更新中历史街区保护利用的提案", "历史街区在城市更新中屡遭大拆大建，建议编制保护利用导则，引入社会资本参与活化利用。", "陈静", "委员", "文化建设", "市文化广电旅游局", "立案", "重点提案"},
		{"20269102", 2026, "十四届四次", "关于完善新就业形态劳动者权益保障的提案", "外卖骑手、网约车司机等群体参保率低，建议推动职业伤害保障试点扩面。", "市总工会", "集体", "社会建设", "市人力资源和社会保障局", "立案", ""},
		{"20269103", "二〇二六", "十四届四次", "关于推动县域商业体系建设的提案", "乡镇商贸中心老化，建议支持连锁企业下沉。", "刘洋", "委员", "经济建设", "市商务局", "", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const messagesCSV = "留言编号,留言用户,留言主题,留言时间,留言详情,一级分类\n" +
	"360101,A00090519,东湖路口红绿灯时间过短行人来不及通过,2019/4/2 9:15:20,东湖路与建设路口行人绿灯只有15秒，老人孩子走到一半就变灯，很危险。,交通运输\n" +
	"360102,A00031882,小区物业擅自提高停车费,2019/4/3 18:02:11,物业未经业主大会同意把月租车位从150元涨到300元。,城乡建设\n"

// Staff preview a workbook (header, mapping, rows, dry run with row and
// column), commit it with the same mapping, list the batch, and undo it;
// an undo that would lose a later batch's change is refused in Chinese.
func TestImportPreviewCommitUndo(t *testing.T) {
	e := newImportEnv(t)
	xlsx := proposalsXLSX(t)
	var pv tian.ImportPreview
	if code, body := e.upload(t, "/api/v1/import/preview", "2026年提案.xlsx", xlsx, nil, &pv); code != 200 {
		t.Fatalf("preview: %d %s", code, body)
	}
	if pv.File != "2026年提案.xlsx" || pv.HeaderRow != 1 || len(pv.Columns) != 11 || pv.Columns[3] != "D（案由）" {
		t.Errorf("preview header: %+v", pv)
	}
	if fmt.Sprint(pv.Unmapped) != "[K（备注）]" || len(pv.Rows) != 2 || pv.Rows[1].Proposal.Proposer != "市总工会" {
		t.Errorf("unmapped %v, rows %+v", pv.Unmapped, pv.Rows)
	}
	r := pv.Report
	if r.Inserted != 2 || r.Rejected != 1 || r.Committed || len(r.Errors) != 1 || r.Errors[0].Row != 4 || r.Errors[0].Column != "B（年度）" ||
		!strings.Contains(r.Errors[0].Message, "不是年份") {
		t.Errorf("dry run %+v", r)
	}
	if n, _ := e.db.CountProposals(context.Background()); n != 0 {
		t.Fatalf("the preview wrote %d proposals", n)
	}

	var rep tian.ImportReport
	if code, body := e.upload(t, "/api/v1/import", "2026年提案.xlsx", xlsx, pv.Map, &rep); code != 200 || rep.Batch == 0 || rep.Inserted != 2 {
		t.Fatalf("commit: %d %s", code, body)
	}
	// a second file updates 20269101 (its reply came) and adds a proposal
	update := "提案号,标题,办理答复,答复日期,届次\n" +
		"20269101,关于加快推进城市更新中历史街区保护利用的提案,市文化广电旅游局已会同规划部门启动历史街区保护利用导则编制。,2026-07-15,十四届四次\n" +
		"20269104,关于加强城市内涝治理的提案,,,十四届四次\n"
	var rep2 tian.ImportReport
	if code, body := e.upload(t, "/api/v1/import", "答复.csv", []byte(update), nil, &rep2); code != 200 || rep2.Updated != 1 || rep2.Inserted != 1 {
		t.Fatalf("second import: %d %s", code, body)
	}
	var page tian.BatchPage
	if code, body := e.call(t, tian.RoleStaff, "GET", "/api/v1/imports?limit=10", "", nil, &page); code != 200 || page.Total != 2 ||
		page.Batches[0].ID != rep2.Batch || page.Batches[0].Actor != "token:王芳" || page.Batches[1].File != "2026年提案.xlsx" {
		t.Fatalf("imports: %d %s", code, body)
	}

	code, body := e.call(t, tian.RoleStaff, "POST", fmt.Sprintf("/api/v1/imports/%d/undo", rep.Batch), "", nil, nil)
	if code != http.StatusConflict || !strings.Contains(body, "20269101") || !strings.Contains(body, fmt.Sprintf("第%d批导入“答复.csv”", rep2.Batch)) {
		t.Errorf("undo of the first while the second stands: %d %s", code, body)
	}
	var undo tian.UndoReport
	if code, body := e.call(t, tian.RoleStaff, "POST", fmt.Sprintf("/api/v1/imports/%d/undo", rep2.Batch), "", nil, &undo); code != 200 ||
		fmt.Sprint(undo.Removed) != "[20269104]" || fmt.Sprint(undo.Restored) != "[20269101]" || undo.Batch.UndoneBy != "token:王芳" {
		t.Fatalf("undo second: %d %s", code, body)
	}
	if p, _ := e.db.Proposal(context.Background(), "20269101"); p.Reply != "" {
		t.Errorf("20269101 not restored: %+v", p)
	}
	if code, body := e.call(t, tian.RoleStaff, "POST", fmt.Sprintf("/api/v1/imports/%d/undo", rep.Batch), "", nil, &undo); code != 200 || len(undo.Removed) != 2 {
		t.Fatalf("undo first: %d %s", code, body)
	}
	if n, _ := e.db.CountProposals(context.Background()); n != 0 {
		t.Errorf("%d proposals after undoing both batches", n)
	}
	if code, body := e.call(t, tian.RoleStaff, "POST", "/api/v1/imports/abc/undo", "", nil, nil); code != 400 || !strings.Contains(body, "正整数") {
		t.Errorf("undo abc: %d %s", code, body)
	}
	if code, body := e.call(t, tian.RoleStaff, "POST", "/api/v1/imports/9999/undo", "", nil, nil); code != 404 || !strings.Contains(body, "没有编号为9999的导入批次") {
		t.Errorf("undo 9999: %d %s", code, body)
	}
}

// A message board export is imported as not proposals and left out of
// the statistics unless include_other; map=category= leaves its own
// classification out.
func TestImportMessagesNotProposals(t *testing.T) {
	e := newImportEnv(t)
	var pv tian.ImportPreview
	e.upload(t, "/api/v1/import/preview", "留言.csv", []byte(messagesCSV), []string{"category="}, &pv)
	if pv.Report == nil || pv.Report.NotProposals != 2 || fmt.Sprint(pv.Unmapped) != "[一级分类（第6列）]" || !pv.Rows[0].Proposal.NotProposal {
		t.Fatalf("preview %+v", pv)
	}
	var all tian.ImportPreview
	if code, body := e.upload(t, "/api/v1/import/preview?all_proposals=true", "留言.csv", []byte(messagesCSV), nil, &all); code != 200 ||
		all.Report.NotProposals != 0 || all.Rows[0].Proposal.NotProposal {
		t.Errorf("all_proposals: %d %s", code, body)
	}
	var rep tian.ImportReport
	if code, body := e.upload(t, "/api/v1/import", "留言.csv", []byte(messagesCSV), pv.Map, &rep); code != 200 || rep.NotProposals != 2 {
		t.Fatalf("import: %d %s", code, body)
	}
	var st struct {
		Stats  tian.Stats
		Report string
	}
	e.call(t, tian.RoleMember, "GET", "/api/v1/stats?year=2019", "", nil, &st)
	if st.Stats.Received != 0 || strings.Contains(st.Report, "立案率0.00%") && st.Stats.Received > 0 {
		t.Errorf("2019 statistics count messages: %+v", st)
	}
	e.call(t, tian.RoleMember, "GET", "/api/v1/stats?year=2019&include_other=true", "", nil, &st)
	if st.Stats.Received != 2 {
		t.Errorf("include_other: %+v", st.Stats)
	}
	if cats, _ := e.db.Categories(context.Background()); len(cats) != 0 {
		t.Errorf("map=category= still made categories %v", cats)
	}
}

// Bad files get a 4xx with a Chinese message; members may not preview.
func TestImportPreviewBadFiles(t *testing.T) {
	e := newImportEnv(t)
	for _, c := range []struct {
		name, content string
		maps          []string
		code          int
		want          string
	}{
		{"空.csv", "", nil, 400, "没有表头行"},
		{"提案.txt", "提案号,标题\n1,关于\n", nil, 400, "不支持的文件类型"},
		{"proposals.csv", "id,subject,text\n1,Bus lanes,More buses please\n", nil, 400, "缺少必需的列"},
		{"假表格.xlsx", "这不是工作簿", nil, 400, "不是有效的 Excel 工作簿"},
		{"留言.csv", messagesCSV, []string{"titel=留言主题"}, 400, "“titel”不存在"},
		{"留言.csv", messagesCSV, []string{"留言主题"}, 400, "map 须写作"},
	} {
		code, body := e.upload(t, "/api/v1/import/preview", c.name, []byte(c.content), c.maps, nil)
		var er struct{ Code, Message, RequestID string }
		json.Unmarshal([]byte(body), &er)
		if code != c.code || !strings.Contains(er.Message, c.want) {
			t.Errorf("%s: %d %s, want %d with %q", c.name, code, body, c.code, c.want)
		}
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "留言.csv")
	fw.Write([]byte(messagesCSV))
	mw.Close()
	if code, _ := e.call(t, tian.RoleMember, "POST", "/api/v1/import/preview", mw.FormDataContentType(), &buf, nil); code != 403 {
		t.Errorf("member preview: %d", code)
	}
	if code, _ := e.call(t, tian.RoleMember, "GET", "/api/v1/imports", "", nil, nil); code != 403 {
		t.Errorf("member list: %d", code)
	}
}

// A preview, an import and an undo that outlast the wait answer 202 with
// the job, whose result is the preview or the report once it has run.
func TestUndoImportAsJob(t *testing.T) {
	cfg := api.DefaultConfig()
	cfg.ImportWait = time.Nanosecond
	e := newImportEnv(t, cfg)
	var job api.Job
	if code, body := e.upload(t, "/api/v1/import", "留言.csv", []byte(messagesCSV), nil, &job); code != 202 || job.ID == "" {
		t.Fatalf("import: %d %s", code, body)
	}
	importJob := job.ID
	report := func(id string) json.RawMessage {
		for i := 0; i < 200; i++ {
			var j struct {
				State  string
				Result json.RawMessage
			}
			e.call(t, tian.RoleStaff, "GET", "/api/v1/jobs/"+id, "", nil, &j)
			if j.State != api.JobRunning {
				return j.Result
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("job %s still running", id)
		return nil
	}
	var pv tian.ImportPreview
	if code, body := e.upload(t, "/api/v1/import/preview", "留言.csv", []byte(messagesCSV), nil, &job); code != 202 || job.Kind != "preview-import" {
		t.Fatalf("preview: %d %s", code, body)
	}
	if err := json.Unmarshal(report(job.ID), &pv); err != nil || len(pv.Rows) != 2 || pv.Report.NotProposals != 2 {
		t.Errorf("preview job's result %+v, %v", pv, err)
	}
	var rep tian.ImportReport
	json.Unmarshal(report(importJob), &rep)
	if rep.Batch == 0 || rep.Inserted != 2 {
		t.Fatalf("import job's report %+v", rep)
	}
	code, body := e.call(t, tian.RoleStaff, "POST", fmt.Sprintf("/api/v1/imports/%d/undo", rep.Batch), "", nil, &job)
	if code != 202 || job.Kind != "undo-import" {
		t.Fatalf("undo: %d %s", code, body)
	}
	var undo tian.UndoReport
	if err := json.Unmarshal(report(job.ID), &undo); err != nil || len(undo.Removed) != 2 || undo.Batch.UndoneAt == "" {
		t.Errorf("undo job's report %+v, %v", undo, err)
	}
}
