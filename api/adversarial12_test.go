package api_test

// Issue 12's routes as an attacker and a clumsy user use them: malformed
// and mistyped JSON, huge bodies and lists, odd unicode, odd path
// parameters, wrong roles, cross-site writes, racing saves, undoing twice
// and files that are no workbooks. Every refusal is a 4xx with {code,
// Chinese message, request_id}; nothing acknowledged is lost.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"tian"
	"tian/api"
)

// refused checks an answer is a refusal: a status in 400–499 (one of
// statuses when given), and the body {code, message in Chinese,
// request_id}.
func refused(t *testing.T, what string, status int, body []byte, statuses ...int) {
	t.Helper()
	ok := status >= 400 && status < 500
	if len(statuses) > 0 {
		ok = false
		for _, s := range statuses {
			ok = ok || s == status
		}
	}
	var er api.ErrorResponse
	err := json.Unmarshal(body, &er)
	switch {
	case !ok:
		t.Errorf("%s: %d %.300s, want a refusal %v", what, status, body, statuses)
	case err != nil || er.Code == "" || er.RequestID == "":
		t.Errorf("%s: %d %.300s, want {code, message, request_id}", what, status, body)
	case !hasHan(er.Message):
		t.Errorf("%s: %d message %q, want one in Chinese", what, status, er.Message)
	case len(er.Message) > 4096:
		t.Errorf("%s: a %d-byte message (%.100s…): a refusal does not echo a huge input", what, len(er.Message), er.Message)
	}
}

// rawCall sends body as it is, with a JSON media type unless ctype says
// otherwise.
func (e *curationEnv) rawCall(t *testing.T, role tian.Role, method, path, body string) (int, []byte) {
	t.Helper()
	var r *strings.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	if r == nil {
		res, b := e.do(t, role, method, path, ct, nil)
		return res.StatusCode, b
	}
	res, b := e.do(t, role, method, path, ct, r)
	return res.StatusCode, b
}

// adversarialCuration is lightCuration with 2022's demo proposals stored
// (no index: suggestions are unavailable, saving works on the store).
func adversarialCuration(t *testing.T) (*curationEnv, []string) {
	t.Helper()
	e := lightCuration(t)
	if err := loadYears(context.Background(), e.db, 2022); err != nil {
		t.Fatal(err)
	}
	ps, err := e.db.Proposals(context.Background(), tian.ProposalFilter{Year: 2022})
	if err != nil || len(ps) < 10 {
		t.Fatalf("2022's demo proposals: %d, %v", len(ps), err)
	}
	var numbers []string
	for _, p := range ps {
		numbers = append(numbers, p.Number)
	}
	return e, numbers
}

func group(name string, members ...string) map[string]any {
	return map[string]any{"name": name, "members": members}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// What a PUT of a year's groups refuses, and that a refused save stores
// nothing (the year stays unsaved).
func TestAdversarialCurationBodies(t *testing.T) {
	e, n := adversarialCuration(t)
	many := make([]any, 10000)
	for i := range many {
		many[i] = group(fmt.Sprintf("第%d组", i), n[0], n[1])
	}
	repeated := make([]string, 10000)
	for i := range repeated {
		repeated[i] = n[0]
	}
	for _, c := range []struct {
		what, body string
		status     int
	}{
		{"truncated JSON", `{"version":0,"groups":[{"name":"托育服务","members":["` + n[0], 400},
		{"empty body", ``, 415},
		{"JSON null", `null`, 400},
		{"an array for the object", `[{"version":0}]`, 400},
		{"version as a string", `{"version":"0","groups":[]}`, 400},
		{"version null", `{"version":null,"groups":[]}`, 400},
		{"version fractional", `{"version":0.5,"groups":[]}`, 400},
		{"version beyond int64", `{"version":9223372036854775808,"groups":[]}`, 400},
		{"version 1e400", `{"version":1e400,"groups":[]}`, 400},
		{"groups an object", `{"version":0,"groups":{"name":"托育"}}`, 400},
		{"groups a string", `{"version":0,"groups":"托育"}`, 400},
		{"a null group", `{"version":0,"groups":[null]}`, 400},
		{"null name and members", `{"version":0,"groups":[{"name":null,"members":null}]}`, 400},
		{"null members", mustJSON(map[string]any{"version": 0, "groups": []any{map[string]any{"name": "托育", "members": []any{nil, nil}}}}), 400},
		{"numbers for members", `{"version":0,"groups":[{"name":"托育","members":[20220001,20220002]}]}`, 400},
		{"two JSON values", `{"version":0,"groups":[]}{"version":0,"groups":[]}`, 400},
		{"10,000 groups", mustJSON(map[string]any{"version": 0, "groups": many}), 413},
		{"a member 10,000 times", mustJSON(map[string]any{"version": 0, "groups": []any{group("托育服务", repeated...)}}), 400},
		{"a 1 MB name", mustJSON(map[string]any{"version": 0, "groups": []any{group(strings.Repeat("a", 1<<20), n[0], n[1])}}), 400},
		{"a 1 MB Chinese name", mustJSON(map[string]any{"version": 0, "groups": []any{group(strings.Repeat("托", 1<<20), n[0], n[1])}}), 413},
		{"a NUL in the name", mustJSON(map[string]any{"version": 0, "groups": []any{group("托育\x00服务", n[0], n[1])}}), 400},
		{"a control character in the name", mustJSON(map[string]any{"version": 0, "groups": []any{group("托育\x1b[31m服务", n[0], n[1])}}), 400},
		{"right-to-left marks in the name", mustJSON(map[string]any{"version": 0, "groups": []any{group("\u200f托育服务\u200f", n[0], n[1])}}), 400},
		{"a line break in the name", mustJSON(map[string]any{"version": 0, "groups": []any{group("托育\n服务", n[0], n[1])}}), 400},
		{"an RTL override in the name", mustJSON(map[string]any{"version": 0, "groups": []any{group("托育\u202e务服", n[0], n[1])}}), 400},
		{"a NUL in the lead unit", mustJSON(map[string]any{"version": 0, "groups": []any{map[string]any{"name": "托育", "members": n[:2], "lead_unit": "市民政局\x00"}}}), 400},
		{"a 1 MB lead unit", mustJSON(map[string]any{"version": 0, "groups": []any{map[string]any{"name": "托育", "members": n[:2], "lead_unit": strings.Repeat("局", 1<<19)}}}), 400},
		{"a member of another year", mustJSON(map[string]any{"version": 0, "groups": []any{group("托育", n[0], "20240201")}}), 400},
		{"a member twice in two groups", mustJSON(map[string]any{"version": 0, "groups": []any{group("托育", n[0], n[1]), group("养老", n[1], n[2])}}), 400},
		{"a 1 KB group id", mustJSON(map[string]any{"version": 0, "groups": []any{map[string]any{"id": strings.Repeat("9", 1024), "name": "托育", "members": n[:2]}}}), 400},
		{"a stale version", mustJSON(map[string]any{"version": 3, "groups": []any{}}), 409},
		{"a negative version", mustJSON(map[string]any{"version": -1, "groups": []any{}}), 400},
	} {
		status, body := e.rawCall(t, tian.RoleStaff, "PUT", "/api/v1/groups/2022", c.body)
		refused(t, c.what, status, body, c.status)
	}
	status, body := e.rawCall(t, tian.RoleStaff, "GET", "/api/v1/proposals/"+n[0]+"/group", "")
	refused(t, "the group of a proposal after refused saves", status, body, 404)
	if y, err := e.db.YearGroups(context.Background(), 2022); err == nil {
		t.Errorf("refused saves stored 2022's groups: version %d, %d groups", y.Version, len(y.Groups))
	}
	// a lone surrogate escaped in JSON reads as U+FFFD: saved, and read back
	var v tian.CurationView
	status, raw := e.call(t, tian.RoleStaff, "PUT", "/api/v1/groups/2022", json.RawMessage(`{"version":0,"groups":[{"name":"托育\ud800服务","members":["`+n[0]+`","`+n[1]+`"]}]}`), &v)
	if status != 200 || len(v.Groups) != 1 || v.Groups[0].Name != "托育\uFFFD服务" {
		t.Errorf("a lone surrogate in a name: %d %.300s", status, raw)
	}
}

// Path parameters that are no year, no number, no batch.
func TestAdversarialPathParameters(t *testing.T) {
	e, _ := adversarialCuration(t)
	for _, c := range []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/api/v1/groups/２０２４", "", 400},
		{"GET", "/api/v1/groups/零", "", 400},
		{"GET", "/api/v1/groups/abc", "", 400},
		{"GET", "/api/v1/groups/0", "", 400},
		{"GET", "/api/v1/groups/-2024", "", 400},
		{"GET", "/api/v1/groups/99999", "", 400},
		{"GET", "/api/v1/groups/9223372036854775808", "", 400},
		{"GET", "/api/v1/groups/2024.0", "", 400},
		{"GET", "/api/v1/groups/2024%00", "", 400},
		{"GET", "/api/v1/groups/%2e%2e", "", 400},
		{"GET", "/api/v1/groups/2024%2F..%2F2023", "", 0},
		{"GET", "/api/v1/groups/2024/export?include=all&threshold=-1", "", 400},
		{"GET", "/api/v1/groups/２０２４/export", "", 400},
		{"PUT", "/api/v1/groups/99999", `{"version":0,"groups":[]}`, 400},
		{"POST", "/api/v1/groups/-1/confirm", `{"version":1}`, 400},
		{"POST", "/api/v1/groups/2022/confirm", `{"version":"1"}`, 400},
		{"POST", "/api/v1/groups/2022/confirm", `{"version":1`, 400},
		{"POST", "/api/v1/groups/2022/confirm", `[1]`, 400},
		{"POST", "/api/v1/groups/2022/confirm", `{"version":-5}`, 400},
		{"POST", "/api/v1/groups/2022/confirm", `{"version":0}`, 404},
		{"GET", "/api/v1/proposals/%2e%2e/group", "", 404},
		{"GET", "/api/v1/proposals/%00/group", "", 404},
		{"GET", "/api/v1/proposals/" + strings.Repeat("9", 5000) + "/group", "", 404},
		{"GET", "/api/v1/proposals/" + strings.Repeat("9", 5000), "", 404},
		{"GET", "/api/v1/proposals/..%2F..%2Fetc%2Fpasswd/group", "", 0},
		{"POST", "/api/v1/imports/-1/undo", "", 400},
		{"POST", "/api/v1/imports/１/undo", "", 400},
		{"POST", "/api/v1/imports/0x1/undo", "", 400},
		{"POST", "/api/v1/imports/0/undo", "", 400},
		{"POST", "/api/v1/imports/abc/undo", "", 400},
		{"POST", "/api/v1/imports/1.5/undo", "", 400},
		{"POST", "/api/v1/imports/9223372036854775808/undo", "", 400},
		{"POST", "/api/v1/imports/%2e%2e/undo", "", 400},
		{"GET", "/api/v1/stats?year=２０２４", "", 400},
		{"GET", "/api/v1/stats?year=-2024", "", 400},
		{"GET", "/api/v1/stats?year=99999", "", 400},
		{"GET", "/api/v1/stats?year=9223372036854775808", "", 400},
		{"GET", "/api/v1/stats?year=2024&format=XLSX", "", 400},
		{"GET", "/api/v1/stats?year=2024&format=xlsx%00", "", 400},
	} {
		status, body := e.rawCall(t, tian.RoleStaff, c.method, c.path, c.body)
		what := c.method + " " + c.path
		if c.status == 0 {
			refused(t, what, status, body)
		} else {
			refused(t, what, status, body, c.status)
		}
	}
}

// Each role is refused what it may not do, in Chinese, and nothing is
// written by a refused write.
func TestAdversarialRoles(t *testing.T) {
	e, n := adversarialCuration(t)
	ctx := context.Background()
	sec, _, err := e.db.CreateToken(ctx, "李娜", tian.RoleReviewer, "test")
	if err != nil {
		t.Fatal(err)
	}
	e.tokens[tian.RoleReviewer] = sec
	save := mustJSON(map[string]any{"version": 0, "groups": []any{group("托育服务", n[0], n[1])}})
	for _, role := range []tian.Role{tian.RoleNone, tian.RoleMember, tian.RoleReviewer} {
		for _, c := range []struct{ method, path, body string }{
			{"GET", "/api/v1/groups/2022", ""},
			{"PUT", "/api/v1/groups/2022", save},
			{"POST", "/api/v1/groups/2022/confirm", `{"version":1}`},
			{"GET", "/api/v1/groups/2022/export", ""},
			{"POST", "/api/v1/import/preview", ""},
			{"GET", "/api/v1/imports", ""},
			{"POST", "/api/v1/imports/1/undo", ""},
		} {
			want := 403
			if role == tian.RoleNone {
				want = 401
			}
			status, body := e.rawCall(t, role, c.method, c.path, c.body)
			refused(t, role.String()+" "+c.method+" "+c.path, status, body, want)
		}
	}
	if role := tian.RoleMember; true {
		status, body := e.rawCall(t, role, "POST", "/api/v1/review", `{"title":"关于加快推进老旧小区加装电梯的提案"}`)
		refused(t, "a member reviews", status, body, 403)
	}
	if _, err := e.db.YearGroups(ctx, 2022); err == nil {
		t.Error("a refused role saved 2022's groups")
	}
}

// A write from a signed-in browser without Origin or Sec-Fetch-Site, or
// from another site, is refused and writes nothing; with its own origin
// it is saved.
func TestAdversarialCrossSiteCuration(t *testing.T) {
	e, n := adversarialCuration(t)
	cl, sid := signIn(t, &e.env, tian.RoleStaff)
	save := mustJSON(map[string]any{"version": 0, "groups": []any{group("托育服务", n[0], n[1])}})
	cookie := "tian_session=" + sid
	for _, h := range []map[string]string{
		{"Cookie": cookie, "Content-Type": "application/json"},
		{"Cookie": cookie, "Content-Type": "application/json", "Origin": "http://evil.example"},
		{"Cookie": cookie, "Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
		{"Cookie": cookie, "Content-Type": "text/plain", "Origin": e.srv.URL},
		{"Content-Type": "application/json", "Origin": e.srv.URL},
	} {
		res, body := send(t, http.DefaultClient, "PUT", e.srv.URL+"/api/v1/groups/2022", h, save)
		refused(t, fmt.Sprintf("a save with %v", h), res.StatusCode, body)
	}
	for _, c := range []struct{ method, path, ctype, body string }{
		{"POST", "/api/v1/groups/2022/confirm", "application/json", `{"version":1}`},
		{"POST", "/api/v1/imports/1/undo", "", ""},
		{"POST", "/api/v1/import/preview", "multipart/form-data; boundary=x", "--x--"},
	} {
		res, body := send(t, http.DefaultClient, c.method, e.srv.URL+c.path, map[string]string{"Cookie": cookie, "Content-Type": c.ctype}, c.body)
		refused(t, "a cookie "+c.method+" "+c.path+" without Origin", res.StatusCode, body, 403)
	}
	if _, err := e.db.YearGroups(context.Background(), 2022); err == nil {
		t.Fatal("a cross-site save stored 2022's groups")
	}
	res, body := send(t, cl, "PUT", e.srv.URL+"/api/v1/groups/2022", map[string]string{"Content-Type": "application/json", "Origin": e.srv.URL}, save)
	if res.StatusCode != 200 {
		t.Errorf("a same-origin save: %d %s", res.StatusCode, body)
	}
}

// Concurrent saves of the same year from the same version: exactly one
// wins, the others are told the version moved on (409), and the stored
// groups are the winner's.
func TestAdversarialConcurrentSaves(t *testing.T) {
	e, n := adversarialCuration(t)
	const k = 8
	var wg sync.WaitGroup
	statuses := make([]int, k)
	bodies := make([][]byte, k)
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := mustJSON(map[string]any{"version": 0, "groups": []any{group(fmt.Sprintf("托育服务%d", i), n[2*i], n[2*i+1])}})
			res, b := e.do(t, tian.RoleStaff, "PUT", "/api/v1/groups/2022", "application/json", strings.NewReader(body))
			statuses[i], bodies[i] = res.StatusCode, b
		}(i)
	}
	wg.Wait()
	winner := -1
	for i, s := range statuses {
		switch s {
		case 200:
			if winner >= 0 {
				t.Errorf("saves %d and %d from version 0 both won", winner, i)
			}
			winner = i
		default:
			refused(t, fmt.Sprintf("save %d", i), s, bodies[i], 409)
		}
	}
	if winner < 0 {
		t.Fatalf("no save won: %v", statuses)
	}
	y, err := e.db.YearGroups(context.Background(), 2022)
	if err != nil || y.Version != 1 || len(y.Groups) != 1 || y.Groups[0].Name != fmt.Sprintf("托育服务%d", winner) {
		t.Errorf("stored after the race: %+v, %v; the winner was %d", y, err, winner)
	}
	// the same for confirmations of version 1
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res, b := e.do(t, tian.RoleStaff, "POST", "/api/v1/groups/2022/confirm", "application/json", strings.NewReader(`{"version":1}`))
			statuses[i], bodies[i] = res.StatusCode, b
		}(i)
	}
	wg.Wait()
	won := 0
	for i, s := range statuses {
		if s == 200 {
			won++
		} else {
			refused(t, fmt.Sprintf("confirmation %d", i), s, bodies[i], 409)
		}
	}
	if won != 1 {
		t.Errorf("%d confirmations of version 1 won: %v", won, statuses)
	}
}

// A saved name that reaches the workbook: the export opens and shows it.
func TestAdversarialExportOddNames(t *testing.T) {
	e, n := adversarialCuration(t)
	names := []string{"托育\uFFFD服务", "“养老”&<服务>", "=HYPERLINK(\"http://evil.example\")", strings.Repeat("托", 100)}
	var groups []any
	for i, name := range names {
		groups = append(groups, group(name, n[2*i], n[2*i+1]))
	}
	var v tian.CurationView
	if status, raw := e.call(t, tian.RoleStaff, "PUT", "/api/v1/groups/2022", map[string]any{"version": 0, "groups": groups}, &v); status != 200 {
		t.Fatalf("saving odd names: %d %.300s", status, raw)
	}
	if !strings.Contains(v.Warning, "疑似重复") || !strings.Contains(v.Warning, "检索索引尚未就绪") {
		t.Errorf("a save without the index does not say its near-duplicate flags are missing: %q", v.Warning)
	}
	res, b := e.do(t, tian.RoleStaff, "GET", "/api/v1/groups/2022/export", "", nil)
	if res.StatusCode != 200 {
		t.Fatalf("export: %d %.300s", res.StatusCode, b)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the export does not open: %v", err)
	}
	var cells []string
	for _, sh := range f.GetSheetList() {
		rows, _ := f.GetRows(sh)
		for _, r := range rows {
			cells = append(cells, r...)
		}
	}
	all := strings.Join(cells, "\n")
	for _, g := range v.Groups {
		if !strings.Contains(all, g.Name) {
			t.Errorf("group %q is not in the export", g.Name)
		}
	}
	if strings.Contains(all, "\n=HYPERLINK") {
		t.Error("a group name starting with = is exported as a formula")
	}
}

// Statistics of a year with nothing: JSON without nulls, and a workbook
// that opens.
func TestAdversarialStatsEmptyYear(t *testing.T) {
	e := newImportEnv(t)
	for _, q := range []string{"year=1990", "year=1990&include_other=true", "", "include_other=1"} {
		code, body := e.call(t, tian.RoleMember, "GET", "/api/v1/stats?"+q, "", nil, nil)
		if code != 200 {
			t.Errorf("stats %s: %d %.300s", q, code, body)
			continue
		}
		if bad, err := nulls([]byte(body)); err != nil || len(bad) > 0 {
			t.Errorf("stats %s: null at %v (%v)", q, bad, err)
		}
		code, body = e.call(t, tian.RoleMember, "GET", "/api/v1/stats?format=xlsx&"+q, "", nil, nil)
		if code != 200 {
			t.Errorf("stats xlsx %s: %d %.300s", q, code, body)
			continue
		}
		if _, err := excelize.OpenReader(strings.NewReader(body)); err != nil {
			t.Errorf("stats xlsx %s does not open: %v", q, err)
		}
	}
}

// nulls lists where a JSON document has null.
func nulls(b []byte) ([]string, error) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	var out []string
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case nil:
			out = append(out, at)
		case map[string]any:
			for k, y := range x {
				walk(y, at+"."+k)
			}
		case []any:
			for i, y := range x {
				walk(y, fmt.Sprintf("%s[%d]", at, i))
			}
		}
	}
	walk(v, "")
	return out, nil
}

// zipOf is a zip archive of the named files.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	zw.Close()
	return buf.Bytes()
}

// Files that are no workbooks, and odd names and options: each preview
// is refused in Chinese, none with a 500.
func TestAdversarialPreviewFiles(t *testing.T) {
	e := newImportEnv(t)
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, bytes.Repeat([]byte{0}, 4096)...)
	docx := zipOf(t, map[string]string{"[Content_Types].xml": `<?xml version="1.0"?><Types/>`, "word/document.xml": "<w:document/>"})
	emptyZip := zipOf(t, map[string]string{})
	good := proposalsXLSX(t)
	for _, c := range []struct {
		name    string
		content []byte
		query   string
		status  int
	}{
		{"提案.xlsx", ole, "", 400},                // an encrypted workbook, or a .doc renamed
		{"提案.doc.xlsx", ole[:8], "", 400},        // truncated
		{"提案.xlsx", docx, "", 400},               // a .docx renamed
		{"提案.xlsx", emptyZip, "", 400},           // an empty zip
		{"提案.xlsx", good[:len(good)/2], "", 400}, // a cut-off upload
		{"提案.xlsx", []byte{}, "", 400},           // nothing
		{"提案.csv", []byte("\xff\xfe\x00\x00"), "", 400},
		{"提案." + strings.Repeat("x", 300), good, "", 400},
		{strings.Repeat("长", 300) + ".xlsx", good, "", 200},
		{"../../etc/提案.xlsx", good, "", 200},
		{"提案\x00.xlsx", good, "", 0},
		{"提案.xlsx", good, "sheet=" + strings.Repeat("表", 100), 400},
		{"提案.xlsx", good, "map==", 400},
		{"提案.xlsx", good, "map=%00=案由", 400},
	} {
		var buf bytes.Buffer
		mw := multipartWriter(&buf, c.name, c.content)
		path := "/api/v1/import/preview"
		if c.query != "" {
			path += "?" + c.query
		}
		code, body := e.call(t, tian.RoleStaff, "POST", path, mw, &buf, nil)
		what := fmt.Sprintf("preview of %.40q %s", c.name, c.query)
		switch {
		case c.status == 200:
			if code != 200 {
				t.Errorf("%s: %d %.300s", what, code, body)
			}
		case c.status == 0:
			if code != 200 {
				refused(t, what, code, []byte(body))
			}
		default:
			refused(t, what, code, []byte(body), c.status)
		}
	}
	for _, q := range []string{"limit=0", "limit=-1", "limit=100000", "offset=-1", "limit=abc", "offset=1e3", "limit=９"} {
		code, body := e.call(t, tian.RoleStaff, "GET", "/api/v1/imports?"+q, "", nil, nil)
		refused(t, "the batches with "+q, code, []byte(body), 400)
	}
	// not multipart, and the wrong field
	code, body := e.call(t, tian.RoleStaff, "POST", "/api/v1/import/preview", "application/json", strings.NewReader(`{"file":"提案.xlsx"}`), nil)
	refused(t, "a JSON preview", code, []byte(body), 400)
	var buf bytes.Buffer
	mw := multipartWriterField(&buf, "upload", "提案.xlsx", good)
	code, body = e.call(t, tian.RoleStaff, "POST", "/api/v1/import/preview", mw, &buf, nil)
	refused(t, "a preview in another field", code, []byte(body), 400)
	var page struct {
		Batches []any `json:"batches"`
	}
	if code, body := e.call(t, tian.RoleStaff, "GET", "/api/v1/imports", "", nil, &page); code != 200 || page.Batches == nil || len(page.Batches) != 0 {
		t.Errorf("after previews only: %d %s", code, body)
	}
}

func multipartWriter(buf *bytes.Buffer, name string, content []byte) string {
	return multipartWriterField(buf, "file", name, content)
}

func multipartWriterField(buf *bytes.Buffer, field, name string, content []byte) string {
	mw := multipart.NewWriter(buf)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(content)
	mw.Close()
	return mw.FormDataContentType()
}

// Undoing a batch twice, a batch that never was, and undos racing each
// other: one undo wins, the others are refused, nothing is lost.
func TestAdversarialUndo(t *testing.T) {
	e := newImportEnv(t)
	var rep tian.ImportReport
	if code, body := e.upload(t, "/api/v1/import", "提案.xlsx", proposalsXLSX(t), nil, &rep); code != 200 || rep.Batch == 0 || rep.Inserted != 2 {
		t.Fatalf("import: %d %s", code, body)
	}
	undo := fmt.Sprintf("/api/v1/imports/%d/undo", rep.Batch)
	const k = 6
	var wg sync.WaitGroup
	codes := make([]int, k)
	bodies := make([]string, k)
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i], bodies[i] = e.call(t, tian.RoleStaff, "POST", undo, "", nil, nil)
		}(i)
	}
	wg.Wait()
	won := 0
	for i, c := range codes {
		if c == 200 {
			won++
			continue
		}
		refused(t, fmt.Sprintf("undo %d of the same batch", i), c, []byte(bodies[i]), 409)
	}
	if won != 1 {
		t.Errorf("%d undos of one batch won: %v", won, codes)
	}
	code, body := e.call(t, tian.RoleStaff, "POST", undo, "", nil, nil)
	refused(t, "undo of an undone batch", code, []byte(body), 409)
	code, body = e.call(t, tian.RoleStaff, "POST", "/api/v1/imports/99999/undo", "", nil, nil)
	refused(t, "undo of a batch that never was", code, []byte(body), 404)
	code, body = e.call(t, tian.RoleStaff, "POST", "/api/v1/imports/+99/undo", "", nil, nil)
	refused(t, "undo of batch +99", code, []byte(body), 404)
	if n, _ := e.db.CountProposals(context.Background()); n != 0 {
		t.Errorf("%d proposals after the undo", n)
	}
	// an import after the undo is stored and listed
	if code, body := e.upload(t, "/api/v1/import", "提案.xlsx", proposalsXLSX(t), nil, &rep); code != 200 || rep.Inserted != 2 {
		t.Fatalf("import again: %d %s", code, body)
	}
	if n, _ := e.db.CountProposals(context.Background()); n != 2 {
		t.Errorf("%d proposals after importing again", n)
	}
}

// What POST /api/v1/review refuses before the reviewer sees it, and that
// the reviewer is never called with a refused body.
func TestAdversarialReviewBodies(t *testing.T) {
	rv := &fakeReviewer{}
	e := reviewEnv(t, rv)
	for _, c := range []struct {
		what, body string
		status     int
	}{
		{"truncated JSON", `{"title":"关于加快推进老旧小区加装电梯的提案","body":"城东区`, 400},
		{"JSON null", `null`, 0},
		{"an array", `[{"title":"关于加装电梯的提案"}]`, 400},
		{"a number for the title", `{"title":2024}`, 400},
		{"an object for the body", `{"title":"关于加装电梯的提案","body":{"text":"加装电梯"}}`, 400},
		{"a string for the year", `{"title":"关于加装电梯的提案","year":"2024"}`, 400},
		{"full-width digits for the year", `{"title":"关于加装电梯的提案","year":"２０２４"}`, 400},
		{"a fractional year", `{"title":"关于加装电梯的提案","year":2024.5}`, 400},
		{"a year beyond int64", `{"title":"关于加装电梯的提案","year":9223372036854775808}`, 400},
		{"a number for the number", `{"number":20230311}`, 400},
		{"an unknown field", `{"title":"关于加装电梯的提案","category":"社会建设"}`, 400},
		{"two values", `{"title":"关于加装电梯的提案"}{"title":"x"}`, 400},
		{"3 MB of text", mustJSON(map[string]string{"title": "关于加装电梯的提案", "body": strings.Repeat("加装电梯", 1<<18)}), 413},
	} {
		res, body := e.do(t, tian.RoleReviewer, "POST", "/api/v1/review", "application/json", strings.NewReader(c.body))
		if c.status == 0 {
			if res.StatusCode != 200 {
				refused(t, c.what, res.StatusCode, body)
			}
			continue
		}
		refused(t, c.what, res.StatusCode, body, c.status)
	}
	res, body := e.do(t, tian.RoleReviewer, "POST", "/api/v1/review", "text/plain", strings.NewReader(`{"title":"关于加装电梯的提案"}`))
	refused(t, "a review as text/plain", res.StatusCode, body, 415)
	rv.mu.Lock()
	defer rv.mu.Unlock()
	for _, r := range rv.got {
		if r.Title != "" || r.Body != "" || r.Number != "" || r.Year != 0 {
			t.Errorf("the reviewer was called with a refused body: %+v", r)
		}
	}
}

// GET /api/v1/me of every role: no null anywhere, pages in Chinese.
func TestAdversarialMe(t *testing.T) {
	e := newImportEnv(t)
	for _, role := range []tian.Role{tian.RoleMember, tian.RoleStaff} {
		code, body := e.call(t, role, "GET", "/api/v1/me", "", nil, nil)
		if code != 200 {
			t.Fatalf("me as %s: %d %s", role, code, body)
		}
		if bad, err := nulls([]byte(body)); err != nil || len(bad) > 0 {
			t.Errorf("me as %s: null at %v (%v) in %s", role, bad, err, body)
		}
	}
	code, body := e.call(t, tian.RoleNone, "GET", "/api/v1/me", "", nil, nil)
	refused(t, "me without a token", code, []byte(body), 401)
	code, body = e.call(t, tian.RoleMember, "POST", "/api/v1/me", "application/json", strings.NewReader(`{}`), nil)
	refused(t, "POST me", code, []byte(body), 400)
}

// An undo racing an import that changes the batch's proposals: whichever
// goes first, the import's acknowledged rows are all stored, and the undo
// either ran before it or is refused naming the later batch.
func TestAdversarialUndoDuringImport(t *testing.T) {
	e := newImportEnv(t)
	var first tian.ImportReport
	if code, body := e.upload(t, "/api/v1/import", "提案.xlsx", proposalsXLSX(t), nil, &first); code != 200 || first.Inserted != 2 {
		t.Fatalf("first import: %d %s", code, body)
	}
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("提案号,年度,案由,提案内容,审查结果\n")
	csv.WriteString("20269101,2026,关于加快推进城市更新中历史街区保护利用的提案,历史街区保护利用导则已出台但落实不力，建议建立评估机制。,立案\n")
	want := []string{"20269101"}
	for _, p := range demo[:1500] {
		fmt.Fprintf(&csv, "%s,%d,%s,%s,立案\n", p.Number, p.Year, strings.ReplaceAll(p.Title, ",", "，"), strings.ReplaceAll(strings.ReplaceAll(p.Body, ",", "，"), "\n", " "))
		want = append(want, p.Number)
	}
	var wg sync.WaitGroup
	var second tian.ImportReport
	var importCode, undoCode int
	var importBody, undoBody string
	wg.Add(2)
	go func() {
		defer wg.Done()
		importCode, importBody = e.upload(t, "/api/v1/import", "提案二.csv", []byte(csv.String()), nil, &second)
	}()
	go func() {
		defer wg.Done()
		undoCode, undoBody = e.call(t, tian.RoleStaff, "POST", fmt.Sprintf("/api/v1/imports/%d/undo", first.Batch), "", nil, nil)
	}()
	wg.Wait()
	if importCode != 200 || second.Rejected != 0 {
		t.Fatalf("the second import: %d %.500s", importCode, importBody)
	}
	if undoCode != 200 {
		refused(t, "an undo during an import", undoCode, []byte(undoBody), 409)
	}
	ps, err := e.db.ProposalsByNumber(context.Background(), want)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != len(want) {
		t.Errorf("%d of the %d proposals the second import acknowledged are stored (undo: %d)", len(ps), len(want), undoCode)
	}
	if p := ps["20269101"]; p == nil || !strings.Contains(p.Body, "评估机制") {
		t.Errorf("20269101 as the second import wrote it: %+v (undo: %d %s)", p, undoCode, undoBody)
	}
}

// The pages of issue 12 opened by the wrong role, without signing in and
// with odd proposal numbers: a Chinese 403 page, the sign-in page, or the
// proposal page (which asks the API, escaped, for the number).
func TestAdversarialPages(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	member, _ := signIn(t, e, tian.RoleMember)
	for _, c := range []struct {
		path   string
		status int
		words  string
	}{
		{"/review", 403, "审查"},
		{"/duplicates", 403, "查重"},
		{"/groups", 403, "并案"},
		{"/import", 403, "导入"},
		{"/search", 200, ""},
		{"/stats", 200, ""},
		{"/p/%2e%2e", 200, ""},
		{"/p/20210205%3Cscript%3E", 200, ""},
		{"/p/" + strings.Repeat("9", 3000), 200, ""},
	} {
		res, body := send(t, member, "GET", e.srv.URL+c.path, nil, "")
		if res.StatusCode != c.status || !strings.Contains(string(body), c.words) || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("a member opens %.40s: %d %s %.200s", c.path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		if bytes.Contains(body, []byte("<script>")) {
			t.Errorf("%.40s: the page holds the path's <script>", c.path)
		}
	}
	bare := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/review", "/groups", "/import", "/stats", "/search", "/p/20210205"} {
		res, _ := send(t, bare, "GET", e.srv.URL+path, nil, "")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin" {
			t.Errorf("%s without signing in: %d to %q", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

// A job whose work panics (here: a service built without the imports
// part, as a wiring slip would leave it) fails as an internal error in
// JSON; the service goes on answering. Before, the panic on the job's
// goroutine took the whole process down.
func TestAdversarialJobPanic(t *testing.T) {
	e := lightCuration(t)
	status, body := e.rawCall(t, tian.RoleStaff, "POST", "/api/v1/imports/1/undo", "")
	var er api.ErrorResponse
	if json.Unmarshal(body, &er); status != 500 || er.Code != tian.EINTERNAL || !hasHan(er.Message) || er.RequestID == "" {
		t.Errorf("an undo whose job panics: %d %s", status, body)
	}
	var jobs struct{ Jobs []api.Job }
	if status, body := e.call(t, tian.RoleStaff, "GET", "/api/v1/jobs", nil, &jobs); status != 200 || len(jobs.Jobs) != 1 || jobs.Jobs[0].State != api.JobFailed {
		t.Errorf("the jobs after the panic: %d %s", status, body)
	}
	if status, body := e.rawCall(t, tian.RoleStaff, "GET", "/api/v1/me", ""); status != 200 {
		t.Errorf("the service after a job's panic: %d %s", status, body)
	}
}
