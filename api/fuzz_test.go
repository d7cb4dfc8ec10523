package api_test

import (
	"strings"
	"testing"

	"tian"
	"tian/api"
)

// FuzzJSONHandlers sends arbitrary bodies to every JSON endpoint with a
// token that may call it: the answer is never a 5xx.
func FuzzJSONHandlers(f *testing.F) {
	for _, s := range []string{`{"title":"关于加装电梯的提案","body":"城东区"}`, `{"k":-1}`, `[]`, `{"number":"x","kind":"category","chosen":"社会建设"}`,
		`{"name":"张","role":"admin"}`, `{"title":"` + strings.Repeat("养", 100) + `"}`, `nul`, `{"year":1e400}`,
		`{"number":"20260001","title":"关于的提案","co_units":[1]}`} {
		f.Add(s, uint8(0))
	}
	cfg := api.DefaultConfig()
	cfg.RatePerSecond, cfg.RateBurst = 1e9, 1e9 // fuzz the handlers, not the limiter
	e := newEnv(f, cfg)
	endpoints := []struct{ method, path string }{
		{"POST", "/api/v1/classify"}, {"POST", "/api/v1/route"}, {"POST", "/api/v1/similar"},
		{"POST", "/api/v1/feedback"}, {"POST", "/api/v1/proposals"}, {"PUT", "/api/v1/proposals/20210205"},
		{"POST", "/api/v1/tokens"},
	}
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		ep := endpoints[int(which)%len(endpoints)]
		res, b := e.do(t, tian.RoleAdmin, ep.method, ep.path, "application/json", strings.NewReader(body))
		if res.StatusCode >= 500 {
			t.Fatalf("%s %s %q: %d %s", ep.method, ep.path, body, res.StatusCode, b)
		}
	})
}
