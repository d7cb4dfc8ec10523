package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"tian"
	"tian/api"
)

// Each role lands on its first page and sees only the pages it may open;
// a page beyond its role answers 403 in Chinese, naming the pages it may
// open, and the pages' code is for signed-in users only.
func TestPagesByRole(t *testing.T) {
	e := newEnv(t, api.DefaultConfig())
	cases := []struct {
		role    tian.Role
		landing string
		pages   []string
		denied  string
	}{
		{tian.RoleMember, "/search", []string{"search", "stats"}, "/review"},
		{tian.RoleReviewer, "/review", []string{"review", "duplicates", "search", "stats"}, "/groups"},
		{tian.RoleStaff, "/review", []string{"review", "duplicates", "search", "groups", "import", "words", "stats"}, ""},
	}
	for _, c := range cases {
		t.Run(c.role.String(), func(t *testing.T) {
			cl, _ := signIn(t, e, c.role)
			res, err := cl.Get(e.srv.URL + "/")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.Request.URL.Path != c.landing {
				t.Errorf("lands on %s, want %s", res.Request.URL.Path, c.landing)
			}
			var me api.Me
			if res := getJSON(t, cl, e.srv.URL+"/api/v1/me", &me); res != http.StatusOK {
				t.Fatalf("/api/v1/me: %d", res)
			}
			var names []string
			for _, p := range me.Pages {
				names = append(names, p.Name)
			}
			if strings.Join(names, " ") != strings.Join(c.pages, " ") || me.RoleLabel == "" || me.CurrentYear < 2025 {
				t.Errorf("me: pages %v, role %q, year %d; want pages %v", names, me.RoleLabel, me.CurrentYear, c.pages)
			}
			if c.denied == "" {
				return
			}
			res, err = cl.Get(e.srv.URL + c.denied)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, res)
			if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "没有权限") || !strings.Contains(body, `href="/search"`) {
				t.Errorf("%s: %d %.300s; want 403 in Chinese linking the allowed pages", c.denied, res.StatusCode, body)
			}
		})
	}
	cl, _ := signIn(t, e, tian.RoleMember)
	for _, path := range []string{"/p/20240123", "/static/search.js", "/static/common.js", "/static/proposal.js"} {
		res, err := cl.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		if body := readAll(t, res); res.StatusCode != http.StatusOK || body == "" {
			t.Errorf("%s for a member: %d", path, res.StatusCode)
		}
	}
	for path, want := range map[string]int{"/static/review.js": 401, "/static/style.css": 200, "/static/../api.go": 404, "/static/x.html": 404} {
		if res, _ := e.do(t, tian.RoleNone, "GET", path, "", nil); res.StatusCode != want && !(want == 404 && res.StatusCode == 400) {
			t.Errorf("%s without sign-in: %d, want %d", path, res.StatusCode, want)
		}
	}
}

func getJSON(t *testing.T, cl *http.Client, url string, out any) int {
	t.Helper()
	res, err := cl.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return res.StatusCode
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, res.Body); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
