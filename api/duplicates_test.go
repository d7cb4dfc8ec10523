package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tian"
)

// A year's 查重 over the demo's 2023–2024 proposals, the copies the
// corpus holds among them: staff see each pair with its kind, the two
// proposals and the passages; bad parameters are 400 with a code, a
// member is refused, and a year without proposals is an empty list.
func TestDuplicatesOfAYearOverHTTP(t *testing.T) {
	e := curation(t)
	var rep tian.DuplicateReport
	if code, b := e.call(t, tian.RoleStaff, "GET", "/api/v1/duplicates?year=2024&lookback=1", nil, &rep); code != http.StatusOK {
		t.Fatalf("查重: %d %s", code, b)
	}
	if rep.Year != 2024 || rep.FromYear != 2023 || rep.Compared < 500 {
		t.Errorf("report of %d from %d over %d proposals", rep.Year, rep.FromYear, rep.Compared)
	}
	kinds := map[string]int{}
	for _, d := range rep.Pairs {
		kinds[d.Kind]++
		if d.Proposal.Year != 2024 || d.Proposal.Title == "" || d.Repeats.Title == "" || len(d.Passages) == 0 {
			t.Errorf("pair %+v", d)
		}
		if d.Kind == tian.MatchResubmission && d.Repeats.Year != 2023 || d.Kind == tian.MatchCopy && d.Repeats.Year != 2024 {
			t.Errorf("%s repeats %s of %d as a %s", d.Proposal.Number, d.Repeats.Number, d.Repeats.Year, d.Kind)
		}
	}
	// the corpus holds copies within 2024 and resubmissions of 2023's
	if kinds[tian.MatchCopy] == 0 || kinds[tian.MatchResubmission] == 0 {
		t.Errorf("kinds found: %v", kinds)
	}
	t.Logf("2024 against 2023: %d proposals, %v", rep.Compared, kinds)

	// JSON lists are [] however empty
	code, b := e.call(t, tian.RoleStaff, "GET", "/api/v1/duplicates?year=1999", nil, nil)
	if code != http.StatusOK || !strings.Contains(string(b), `"pairs":[]`) {
		t.Errorf("a year without proposals: %d %s", code, b)
	}
	for _, q := range []string{"", "?year=二〇二四", "?year=2024&lookback=11", "?year=2024&lookback=-2", "?year=2024&lookback=x", "?year=2024&format=pdf"} {
		code, b := e.call(t, tian.RoleStaff, "GET", "/api/v1/duplicates"+q, nil, nil)
		if code != http.StatusBadRequest || errorCode(b) != tian.EINVALID {
			t.Errorf("查重%s: %d %s", q, code, b)
		}
	}
	res, b := e.do(t, tian.RoleStaff, "GET", "/api/v1/duplicates?year=2024&lookback=1&format=xlsx", "", nil)
	if res.StatusCode != http.StatusOK || string(b) != fmt.Sprintf("PK %d", len(rep.Pairs)) ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "tian-duplicates-2024.xlsx") {
		t.Errorf("the workbook: %d %q %s", res.StatusCode, res.Header.Get("Content-Disposition"), b)
	}
	if code, _ := e.call(t, tian.RoleMember, "GET", "/api/v1/duplicates?year=2024", nil, nil); code != http.StatusForbidden {
		t.Errorf("a member's 查重: %d, want 403", code)
	}
}
