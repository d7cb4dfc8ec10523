package api_test

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tian"
	"tian/api"
)

// The statistics come as {stats, report}, or as the workbook of the same
// figures named by the year; bad parameters are 400 with a Chinese
// message.
func TestStatsAnswers(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	res, body := e.do(t, tian.RoleMember, "GET", "/api/v1/stats?year=2024", "", nil)
	var out struct {
		Stats  *tian.Stats `json:"stats"`
		Report string      `json:"report"`
		Title  string      `json:"title"`
	}
	if err := json.Unmarshal(body, &out); err != nil || res.StatusCode != http.StatusOK || out.Stats == nil {
		t.Fatalf("GET stats: %d %s (%v)", res.StatusCode, body, err)
	}
	if want := "2024年全年共收到提案743件，经审查立案618件，立案率83.18%。"; !strings.HasPrefix(out.Report, want) || out.Report != out.Stats.Report() {
		t.Errorf("report %q, want it to start %q and to be the stats' Report()", out.Report, want)
	}
	if out.Title != "2024年提案统计" {
		t.Errorf("title %q", out.Title)
	}

	for _, c := range []struct{ query, file, fallback string }{
		{"year=2024&format=xlsx", "2024年提案统计.xlsx", "tian-stats-2024.xlsx"},
		{"format=xlsx", "提案统计.xlsx", "tian-stats-all.xlsx"},
	} {
		res, body = e.do(t, tian.RoleMember, "GET", "/api/v1/stats?"+c.query, "", nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
			!strings.HasPrefix(string(body), "PK") {
			t.Fatalf("%s: %d %s %.40q", c.query, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		cd := res.Header.Get("Content-Disposition")
		if !strings.Contains(cd, `filename="`+c.fallback+`"`) || !strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape(c.file)) {
			t.Errorf("%s: Content-Disposition %q, want %s with the ASCII fallback %s", c.query, cd, c.file, c.fallback)
		}
		// Go's reader takes filename* (RFC 2231/5987) over filename, as browsers do
		if _, params, err := mime.ParseMediaType(cd); err != nil || params["filename"] != c.file {
			t.Errorf("%s: %q parses to %v (%v), want %s", c.query, cd, params, err, c.file)
		}
	}

	for _, q := range []string{"year=abc", "year=-1", "year=20240", "year=2024&format=pdf", "format=csv"} {
		res, body = e.do(t, tian.RoleMember, "GET", "/api/v1/stats?"+q, "", nil)
		var apiErr struct {
			Code, Message string
			RequestID     string `json:"request_id"`
		}
		json.Unmarshal(body, &apiErr)
		if res.StatusCode != http.StatusBadRequest || apiErr.Code != tian.EINVALID || !strings.Contains(apiErr.Message, "参数") || apiErr.RequestID == "" {
			t.Errorf("%s: %d %s, want 400 with a Chinese message", q, res.StatusCode, body)
		}
	}
}
