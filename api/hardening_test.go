package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tian"
	"tian/api"
)

// signIn follows the first-start link in a client with a cookie jar and
// returns the client and the session cookie's value.
func signIn(t *testing.T, e *env, role tian.Role) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar}
	res, err := cl.Get(e.srv.URL + "/signin?token=" + e.tokens[role])
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.RawQuery != "" || res.StatusCode != http.StatusOK {
		t.Fatalf("sign-in ended at %s (%d), want a page with the token gone from the address", res.Request.URL, res.StatusCode)
	}
	for _, c := range res.Request.Cookies() {
		if c.Name == "tian_session" {
			return cl, c.Value
		}
	}
	t.Fatal("sign-in set no tian_session cookie")
	return nil, ""
}

// send makes a request with extra headers and returns status and body.
func send(t *testing.T, cl *http.Client, method, url string, headers map[string]string, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func errorCode(b []byte) string {
	var er api.ErrorResponse
	json.Unmarshal(b, &er)
	return er.Code
}

// The cookie holds a session of its own, never the API token; a form on
// another port of the same host cannot write as the signed-in user.
func TestSessionCookieAndCrossSiteWrites(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	cl, sid := signIn(t, e, tian.RoleStaff)
	if sid == e.tokens[tian.RoleStaff] || strings.Contains(sid, e.tokens[tian.RoleStaff]) {
		t.Fatal("the session cookie carries the API token")
	}
	proposal := `{"number":"20260101","year":2026,"title":"关于在城南区增设社区食堂的提案","body":"城南区老年人就餐难。"}`
	self := e.srv.URL
	cases := []struct {
		name    string
		headers map[string]string
		body    string
		status  int
		code    string
	}{
		{"text/plain form from another port", map[string]string{"Content-Type": "text/plain", "Origin": "http://127.0.0.1:9"}, proposal, 403, api.ECROSSORIGIN},
		{"text/plain from the same origin", map[string]string{"Content-Type": "text/plain", "Origin": self}, proposal, 415, api.EUNSUPPORTED},
		{"url-encoded form, same-site fetch metadata", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-site"}, "a=1", 403, api.ECROSSORIGIN},
		{"JSON without Origin or Sec-Fetch-Site", map[string]string{"Content-Type": "application/json"}, proposal, 403, api.ECROSSORIGIN},
		{"JSON from a foreign origin", map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}, proposal, 403, api.ECROSSORIGIN},
		{"JSON from the page itself", map[string]string{"Content-Type": "application/json", "Origin": self, "Sec-Fetch-Site": "same-origin"}, proposal, 201, ""},
	}
	for _, c := range cases {
		res, b := send(t, cl, "POST", self+"/api/v1/proposals", c.headers, c.body)
		if res.StatusCode != c.status || errorCode(b) != c.code {
			t.Errorf("%s: %d %s, want %d %q", c.name, res.StatusCode, b, c.status, c.code)
		}
	}
	// an admin token cannot be minted cross-site either
	res, _ := send(t, cl, "POST", self+"/api/v1/tokens", map[string]string{"Content-Type": "text/plain", "Origin": "http://127.0.0.1:9"}, `{"name":"x","role":"admin"}`)
	if res.StatusCode != 403 {
		t.Errorf("cross-site token creation: %d", res.StatusCode)
	}
	// signing out ends the session on the server, not only in this browser
	send(t, cl, "POST", self+"/signout", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": self}, "")
	bare := &http.Client{}
	res, _ = send(t, bare, "GET", self+"/api/v1/stats", map[string]string{"Cookie": "tian_session=" + sid}, "")
	if res.StatusCode != 401 {
		t.Errorf("a signed-out session still reads: %d", res.StatusCode)
	}
	// the raw token in a cookie, as the old sign-in set it, is not a session
	res, _ = send(t, bare, "GET", self+"/api/v1/stats", map[string]string{"Cookie": "tian_session=" + e.tokens[tian.RoleStaff]}, "")
	if res.StatusCode != 401 {
		t.Errorf("an API token in the session cookie was accepted: %d", res.StatusCode)
	}
}

func TestSignInWithBadTokenLeavesNoTokenInAddress(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	res, err := http.Get(e.srv.URL + "/signin?token=tian_guessed")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(res.Request.URL.String(), "tian_guessed") || !bytes.Contains(b, []byte("令牌无效")) || res.StatusCode != 401 {
		t.Errorf("bad sign-in ended at %s with %d", res.Request.URL, res.StatusCode)
	}
}

func TestSecurityHeadersEverywhere(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	for _, path := range []string{"/signin", "/api/v1/stats", "/api/v1/nothing", "/healthz", "/static/style.css"} {
		res, _ := e.do(t, tian.RoleMember, "GET", path, "", nil)
		for h, want := range map[string]string{"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
			"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "script-src 'self'"} {
			if got := res.Header.Get(h); !strings.Contains(got, want) {
				t.Errorf("%s: %s = %q, want %q", path, h, got, want)
			}
		}
	}
}

// Guessing tokens from one address is slowed to a trickle.
func TestFailedAuthenticationIsRateLimited(t *testing.T) {
	cfg := api.DefaultConfig()
	cfg.AuthFailureEvery, cfg.AuthFailureBurst = time.Hour, 5
	e := newEnv(t, cfg)
	statuses := map[int]int{}
	for i := range 12 {
		res, _ := send(t, e.srv.Client(), "GET", e.srv.URL+"/api/v1/stats", map[string]string{"Authorization": "Bearer tian_guess" + itoa(int64(i))}, "")
		statuses[res.StatusCode]++
	}
	if statuses[401] != 5 || statuses[429] != 7 {
		t.Errorf("12 guesses with a burst of 5: %v, want 5×401 then 7×429", statuses)
	}
	res, _ := http.Get(e.srv.URL + "/signin?token=tian_more")
	if res.StatusCode != 429 {
		t.Errorf("sign-in from a blocked address: %d", res.StatusCode)
	}
}

// On a full disk writes are refused before anything is written, with 507;
// reads go on.
func TestFullDiskRefusesWritesNotReads(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	e.svc.spaceErr = tian.Errorf(tian.ENOSPACE, "数据目录所在磁盘剩余空间不足")
	p := tian.Proposal{Number: "20260102", Year: 2026, Title: "关于加强城南湿地保护的提案", Body: "湿地面积减少。"}
	res, b := e.do(t, tian.RoleStaff, "POST", "/api/v1/proposals", "application/json", jsonBody(p))
	if res.StatusCode != http.StatusInsufficientStorage || errorCode(b) != tian.ENOSPACE {
		t.Errorf("create on a full disk: %d %s", res.StatusCode, b)
	}
	if _, err := e.store.Proposal(t.Context(), "20260102"); err == nil {
		t.Error("the refused proposal was stored")
	}
	res, b = e.do(t, tian.RoleReviewer, "POST", "/api/v1/feedback", "application/json", jsonBody(tian.Feedback{Kind: "category", Chosen: "社会建设"}))
	if res.StatusCode != 507 {
		t.Errorf("feedback on a full disk: %d %s", res.StatusCode, b)
	}
	for _, path := range []string{"/api/v1/search?q=湿地", "/api/v1/proposals/20210205", "/api/v1/stats"} {
		if res, b := e.do(t, tian.RoleStaff, "GET", path, "", nil); res.StatusCode != 200 {
			t.Errorf("read %s on a full disk: %d %s", path, res.StatusCode, b)
		}
	}
	if res, b := e.do(t, tian.RoleReviewer, "POST", "/api/v1/classify", "application/json", jsonBody(api.TextRequest{Title: "关于加强城南湿地保护的提案"})); res.StatusCode != 200 {
		t.Errorf("classify on a full disk: %d %s", res.StatusCode, b)
	}
}

// A write the store committed is acknowledged when the index cannot
// follow; the lag shows in the response and in /readyz.
func TestIndexFailureAfterCommitDoesNotFailTheWrite(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	e.svc.catchUpErr = tian.Errorf(tian.ENOSPACE, "磁盘已满，索引未更新")
	p := tian.Proposal{Number: "20260103", Year: 2026, Title: "关于推进老旧小区雨污分流改造的提案", Body: "雨季污水外溢。"}
	res, b := e.do(t, tian.RoleStaff, "POST", "/api/v1/proposals", "application/json", jsonBody(p))
	if res.StatusCode != http.StatusCreated || res.Header.Get("X-Index-Status") != "behind" {
		t.Fatalf("create with the index failing: %d %s %v", res.StatusCode, b, res.Header)
	}
	if res, _ := e.do(t, tian.RoleStaff, "DELETE", "/api/v1/proposals/20260103", "", nil); res.StatusCode != http.StatusNoContent {
		t.Errorf("delete with the index failing: %d", res.StatusCode)
	}
	_, b = e.do(t, tian.RoleNone, "GET", "/readyz", "", nil)
	var ready struct {
		Index tian.IndexStatus `json:"index"`
	}
	if json.Unmarshal(b, &ready) != nil || ready.Index.Behind == 0 || ready.Index.Error == "" {
		t.Errorf("/readyz does not show the lag: %s", b)
	}
}

func multipartFile(t *testing.T, name string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	return mw.FormDataContentType(), &buf
}

// A long import answers 202 with a job to follow, whose result is the
// report; uploads leave no temporary files behind.
func TestLongImportIsAJobAndLeavesNoTempFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	cfg := api.DefaultConfig()
	cfg.ImportWait, cfg.MultipartMemory = 50*time.Millisecond, 1<<10
	e := newEnv(t, cfg)
	e.svc.importing = make(chan struct{})
	var csv strings.Builder
	csv.WriteString("提案号,标题\n")
	for i := range 500 {
		csv.WriteString("2026" + strings.Repeat("0", 4-len(itoa(int64(i)))) + itoa(int64(i)) + ",关于加快城南区污水管网建设的提案\n")
	}
	ct, body := multipartFile(t, "2026.csv", []byte(csv.String()))
	res, b := e.do(t, tian.RoleStaff, "POST", "/api/v1/import", ct, body)
	var job api.Job
	if res.StatusCode != http.StatusAccepted || json.Unmarshal(b, &job) != nil || job.State != api.JobRunning || res.Header.Get("Location") != "/api/v1/jobs/"+job.ID {
		t.Fatalf("long import: %d %s", res.StatusCode, b)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "multipart-*")); len(left) > 0 {
		t.Errorf("the upload left %v in the temp directory", left)
	}
	close(e.svc.importing)
	deadline := time.Now().Add(10 * time.Second)
	for job.State == api.JobRunning && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		_, b = e.do(t, tian.RoleStaff, "GET", "/api/v1/jobs/"+job.ID, "", nil)
		job = api.Job{}
		json.Unmarshal(b, &job)
	}
	var rep struct {
		Result tian.ImportReport `json:"result"`
	}
	json.Unmarshal(b, &rep)
	if job.State != api.JobDone || rep.Result.Rows != 500 || job.Done != 500 || len(job.Steps) < 2 {
		t.Errorf("the job ended %s: %s", job.State, b)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("after the job the temp directory still holds %d entries (%s…)", len(left), left[0].Name())
	}
	if res, _ := e.do(t, tian.RoleMember, "GET", "/api/v1/jobs/"+job.ID, "", nil); res.StatusCode != 403 {
		t.Errorf("a member reads a job: %d", res.StatusCode)
	}
	if res, _ := e.do(t, tian.RoleStaff, "GET", "/api/v1/jobs/0000", "", nil); res.StatusCode != 404 {
		t.Errorf("unknown job: %d", res.StatusCode)
	}
}

func TestOutOfRangeNumbersAndMediaTypes(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	cases := []struct {
		method, path, ct, body string
		role                   tian.Role
		status                 int
	}{
		{"GET", "/api/v1/groups?year=2024&threshold=NaN", "", "", tian.RoleStaff, 400},
		{"GET", "/api/v1/groups?year=2024&threshold=Inf", "", "", tian.RoleStaff, 400},
		{"GET", "/api/v1/groups?year=2024&threshold=-0", "", "", tian.RoleStaff, 400},
		{"GET", "/api/v1/groups?year=2024&numbers=" + strings.Repeat("20240001,", 10001), "", "", tian.RoleStaff, 413},
		{"POST", "/api/v1/classify", "text/plain", `{"title":"关于加强湿地保护的提案"}`, tian.RoleReviewer, 415},
		{"POST", "/api/v1/import?map=" + url.QueryEscape("留言编号"), "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n提案号\n--x--\r\n", tian.RoleStaff, 400},
		{"POST", "/api/v1/feedback", "application/json", `{"kind":"category","chosen":"社会建设","text":"` + strings.Repeat("长", 30001) + `"}`, tian.RoleReviewer, 413},
	}
	for _, c := range cases {
		res, b := e.do(t, c.role, c.method, c.path, c.ct, strings.NewReader(c.body))
		if res.StatusCode != c.status || errorCode(b) == "" {
			t.Errorf("%s %.60s: %d %.200s, want %d", c.method, c.path, res.StatusCode, b, c.status)
		}
	}
}

// Error messages are Chinese, so that an office worker can read them.
func TestErrorMessagesAreChinese(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	for _, c := range []struct {
		role         tian.Role
		method, path string
	}{
		{tian.RoleNone, "GET", "/api/v1/stats"},
		{tian.RoleMember, "POST", "/api/v1/classify"},
		{tian.RoleMember, "GET", "/api/v1/nothing"},
		{tian.RoleMember, "GET", "/api/v1/proposals?limit=0"},
	} {
		_, b := e.do(t, c.role, c.method, c.path, "application/json", strings.NewReader(`{"title":"关于"}`))
		var er api.ErrorResponse
		json.Unmarshal(b, &er)
		han := 0
		for _, r := range er.Message {
			if r >= 0x4e00 && r <= 0x9fff {
				han++
			}
		}
		if han < 2 {
			t.Errorf("%s %s: message %q is not Chinese", c.method, c.path, er.Message)
		}
	}
}

// While the service opens its parts it says so: /readyz 503 "starting",
// the API 503 with a Chinese message, /healthz 200.
func TestStartingHandler(t *testing.T) {
	srv := httptest.NewServer(api.StartingHandler())
	defer srv.Close()
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 503, "/api/v1/search?q=养老": 503, "/": 503} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want || (want == 503 && path != "/readyz" && !bytes.Contains(b, []byte("正在启动"))) {
			t.Errorf("%s while starting: %d %s", path, res.StatusCode, b)
		}
	}
}
