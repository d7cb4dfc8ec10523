package main

// The adversarial pass of issue 12 on a real `tian serve` (the demo
// corpus, its index and models): review, search, statistics, curation
// and imports as an attacker and a clumsy user use them. Gated like the
// suite of issue 10:
//
//	TIAN_ADVERSARIAL=1 go test ./cmd/tian -run '^TestAdversarial12' -count=1 -v

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tian"
)

func TestAdversarial12(t *testing.T) {
	if os.Getenv("TIAN_ADVERSARIAL") == "" {
		t.Skip("the adversarial suite builds tian and runs it as a service: set TIAN_ADVERSARIAL=1 (.ci/run does)")
	}
	a := newAdversary(t)
	p := a.serve(t)
	t.Run("Review", p.adversarialReview)
	t.Run("Search", p.adversarialSearch)
	t.Run("Stats", p.adversarialStats)
	t.Run("Preview", p.adversarialPreview)
	t.Run("Curation", p.adversarialCuration)
	t.Run("UndoDuringImport", p.adversarialUndoDuringImport)
	t.Run("Roles", p.adversarialRoles)
	p.alive(t)
}

// answered checks an answer is 200 JSON without null, or a refusal.
func answered(t *testing.T, what string, r reply) {
	t.Helper()
	if r.status == 200 {
		noNulls(t, what, r)
		return
	}
	wantError(t, what, r, 400, 404, 413)
	if len(r.body) > 8<<10 {
		t.Errorf("%s: a %d-byte refusal (%.100s…): it echoes a huge input", what, len(r.body), r.body)
	}
}

func (p *proc) adversarialReview(t *testing.T) {
	const title = "关于加快推进老旧小区加装电梯的提案"
	body := "城东区建设路街道多个老旧小区居民加装电梯意愿强烈，但审批环节多、资金分摊难。建议简化审批流程，设立专项补贴。"
	for _, c := range []struct {
		what string
		req  any
		want int // 0: 200 or a refusal
	}{
		{"a plain review", map[string]any{"title": title, "body": body}, 200},
		{"the year 99999", map[string]any{"title": title, "body": body, "year": 99999}, 400},
		{"a negative year", map[string]any{"title": title, "body": body, "year": -2024}, 400},
		{"the year 1948", map[string]any{"title": title, "year": 1948}, 400},
		{"a year as a string", map[string]any{"title": title, "year": "２０２４"}, 400},
		{"no text", map[string]any{"title": "", "body": ""}, 400},
		{"nulls", map[string]any{"title": nil, "body": nil, "number": nil, "year": nil}, 400},
		{"only spaces and punctuation", map[string]any{"title": "　 。，、；！？", "body": "……"}, 400},
		{"English only", map[string]any{"title": "Bus lanes", "body": "More buses please"}, 400},
		{"NUL characters", map[string]any{"title": "关于\x00加装电梯\x00的提案", "body": body}, 0},
		{"direction overrides", map[string]any{"title": "\u202e案提的梯电装加于关", "body": body}, 0},
		{"a number that is not stored", map[string]any{"number": "19990001"}, 404},
		{"a number with dots", map[string]any{"number": "../../etc/passwd"}, 404},
		{"a number of 10,000 digits", map[string]any{"number": strings.Repeat("9", 10000)}, 0},
		{"a body of 100,000 characters", map[string]any{"title": title, "body": strings.Repeat("加装电梯", 25000)}, 0},
		{"full-width digits in the text", map[string]any{"title": "关于２０２４年加装电梯的提案", "body": body}, 200},
	} {
		r := p.sendJSON(t, "POST", "/api/v1/review", c.req)
		switch c.want {
		case 0:
			answered(t, "review: "+c.what, r)
		case 200:
			if r.status != 200 {
				t.Errorf("review: %s: %d %.300s", c.what, r.status, r.body)
			}
			noNulls(t, "review: "+c.what, r)
		default:
			wantError(t, "review: "+c.what, r, c.want)
		}
	}
	// a stored proposal never matches itself
	var rv tian.Review
	r := p.sendJSON(t, "POST", "/api/v1/review", map[string]any{"number": "20240316"})
	if r.status != 200 || json.Unmarshal(r.body, &rv) != nil {
		t.Fatalf("review of 20240316: %d %.300s", r.status, r.body)
	}
	for _, m := range append(rv.Similar, rv.Earlier...) {
		if m.Number == "20240316" {
			t.Error("the proposal under review matches itself")
		}
	}
	for _, m := range rv.Earlier {
		if m.Year >= rv.Year {
			t.Errorf("以往 lists %s of %d for a review of %d", m.Number, m.Year, rv.Year)
		}
	}
}

func (p *proc) adversarialSearch(t *testing.T) {
	q := url.QueryEscape
	for _, s := range []string{
		"q=" + q("加装电梯\x00"), "q=%ED%A0%80", "q=%FF%FE", "q=" + q("\u202e梯电装加"), "q=" + q(strings.Repeat("养老", 2000)),
		"q=" + q("市住房和城乡建设局"), "q=" + q("住房和城乡建设局") + "&facets=unit,lead_unit", "q=" + q("２０２４"),
		"q=" + q("养老") + "&page=1000000000&size=100", "q=" + q("养老") + "&page=-1", "q=" + q("养老") + "&size=0",
		"q=" + q("养老") + "&size=101", "q=" + q("养老") + "&year=" + q("２０２４"), "q=" + q("养老") + "&year=99999",
		"q=" + q("养老") + "&facets=,,,", "q=" + q("养老") + "&facets=password", "q=" + q("养老") + "&sort=" + q("'; DROP TABLE proposals;--"),
		"q=" + q("养老") + "&facet_size=100000", "q=" + q("养老") + "&year_from=2030&year_to=2020", "q=" + q("\"") + "&category=" + q("不存在"),
		"q=" + q("*") + "&unit=" + q("市民政局"), "q=" + q("OR AND NOT ( ) [ ] { } ~ ^ :"),
	} {
		r := p.send(t, "GET", "/api/v1/search?"+s, nil, nil)
		answered(t, "search "+s[:min(len(s), 80)], r)
	}
	// a unit's full name typed as a word finds its proposals, with a hint
	var res tian.SearchResult
	r := p.send(t, "GET", "/api/v1/search?q="+q("市住房和城乡建设局"), nil, nil)
	if r.status != 200 || json.Unmarshal(r.body, &res) != nil || res.Total == 0 {
		t.Errorf("search for a unit's full name: %d %.300s", r.status, r.body)
	}
}

func (p *proc) adversarialStats(t *testing.T) {
	for _, s := range []string{"year=1990", "year=1990&include_other=true", "year=2024&include_other=true", "", "year=2026"} {
		r := p.send(t, "GET", "/api/v1/stats?"+s, nil, nil)
		if r.status != 200 {
			t.Errorf("stats %s: %d %.300s", s, r.status, r.body)
			continue
		}
		noNulls(t, "stats "+s, r)
		r = p.send(t, "GET", "/api/v1/stats?format=xlsx&"+s, nil, nil)
		if r.status != 200 {
			t.Errorf("stats xlsx %s: %d %.300s", s, r.status, r.body)
			continue
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			t.Errorf("stats xlsx %s does not open: %v", s, err)
			continue
		}
		if len(f.GetSheetList()) == 0 {
			t.Errorf("stats xlsx %s has no sheet", s)
		}
	}
	for _, s := range []string{"year=" + url.QueryEscape("２０２４"), "year=-1", "year=99999", "format=pdf", "year=2024&format=xlsx&format=json"} {
		r := p.send(t, "GET", "/api/v1/stats?"+s, nil, nil)
		if r.status != 200 {
			wantError(t, "stats "+s, r, 400)
		}
	}
}

func (p *proc) adversarialPreview(t *testing.T) {
	bomb, expanded := handmadeXLSX(t, true, bombSheet(1<<30))
	began := time.Now()
	r := p.upload(t, "/api/v1/import/preview", "2024年提案汇总.xlsx", bomb)
	t.Logf("preview of a %.2f MB zip bomb expanding to %.2f GB: %d in %v, server peak RSS %d MB", float64(len(bomb))/(1<<20),
		float64(expanded)/(1<<30), r.status, time.Since(began).Round(time.Millisecond), p.peakRSS(t)>>20)
	wantError(t, "preview of a zip bomb", r, http.StatusRequestEntityTooLarge)
	if peak := p.peakRSS(t); peak > 500<<20 {
		t.Errorf("previewing a zip bomb took the server to %d MB", peak>>20)
	}
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, bytes.Repeat([]byte{0}, 8192)...)
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"加密的提案.xlsx", ole},
		{"提案.doc", ole},
		{"旧版提案.xls", ole},
		{"提案（文档改名）.xlsx", []byte("{\\rtf1\\ansi 关于加装电梯的提案}")},
		{"提案." + strings.Repeat("x", 400), []byte("提案号,标题\n20240001,关于加装电梯的提案\n")},
	} {
		wantError(t, "preview of "+c.name[:min(len(c.name), 40)], p.upload(t, "/api/v1/import/preview", c.name, c.data), 400)
	}
	p.noTempFiles(t, "after refused previews")
}

// curationSave is a PUT body from a view.
func curationSave(v tian.CurationView) map[string]any {
	groups := []map[string]any{}
	for _, g := range v.Groups {
		var members []string
		for _, m := range g.Members {
			members = append(members, m.Number)
		}
		groups = append(groups, map[string]any{"id": g.ID, "name": g.Name, "lead_unit": g.LeadUnit, "members": members})
	}
	return map[string]any{"version": v.Version, "groups": groups}
}

func (p *proc) adversarialCuration(t *testing.T) {
	var v tian.CurationView
	r := p.send(t, "GET", "/api/v1/groups/2024", nil, nil)
	if r.status != 200 || json.Unmarshal(r.body, &v) != nil || len(v.Groups) == 0 {
		t.Fatalf("2024's suggestion: %d %.300s", r.status, r.body)
	}
	noNulls(t, "GET /api/v1/groups/2024", r)
	// thresholds at the ends: every proposal alike, or none
	for _, q := range []string{"include=all&threshold=0.000001", "threshold=1", "source=suggestion&threshold=4.9e-324"} {
		began := time.Now()
		r := p.send(t, "GET", "/api/v1/groups/2024?"+q, nil, nil)
		answered(t, "GET /api/v1/groups/2024?"+q, r)
		var sv tian.CurationView
		json.Unmarshal(r.body, &sv)
		largest := 0
		for _, g := range sv.Groups {
			largest = max(largest, len(g.Members))
		}
		t.Logf("the suggestion with %s: %d in %v, %d groups, the largest of %d", q, r.status, time.Since(began).Round(time.Millisecond), len(sv.Groups), largest)
		if largest > tian.MaxGroupMembers {
			t.Errorf("the suggestion with %s has a group of %d proposals, which no save accepts (at most %d)", q, largest, tian.MaxGroupMembers)
		}
	}
	// two colleagues save the same suggestion at once: one wins
	save := curationSave(v)
	var wg sync.WaitGroup
	replies := make([]reply, 4)
	for i := range replies {
		wg.Add(1)
		go func(i int) { defer wg.Done(); replies[i] = p.sendJSON(t, "PUT", "/api/v1/groups/2024", save) }(i)
	}
	wg.Wait()
	won := 0
	for i, r := range replies {
		if r.status == 200 {
			won++
			noNulls(t, "the winning save", r)
			continue
		}
		wantError(t, fmt.Sprintf("save %d of the same version", i), r, 409)
	}
	if won != 1 {
		t.Fatalf("%d of %d saves of version 0 won", won, len(replies))
	}
	var stored tian.CurationView
	r = p.send(t, "GET", "/api/v1/groups/2024", nil, nil)
	if json.Unmarshal(r.body, &stored) != nil || stored.Version != 1 || len(stored.Groups) != len(v.Groups) {
		t.Fatalf("after the race: version %d, %d groups, want 1 and %d", stored.Version, len(stored.Groups), len(v.Groups))
	}
	first := stored.Groups[0].Members[0].Number
	r = p.send(t, "GET", "/api/v1/proposals/"+first+"/group", nil, nil)
	if r.status != 200 {
		t.Errorf("the group of %s: %d %.300s", first, r.status, r.body)
	}
	noNulls(t, "GET /api/v1/proposals/{number}/group", r)
	// a save with 10,000 groups, a member repeated, a 1 MB name: refused,
	// the stored version unchanged
	huge := curationSave(stored)
	many := []map[string]any{}
	for i := 0; i < 10000; i++ {
		many = append(many, map[string]any{"name": fmt.Sprintf("第%d组", i), "members": []string{first, first}})
	}
	for _, c := range []struct {
		what   string
		groups any
		want   int
	}{
		{"10,000 groups", many, 413},
		{"a member repeated", []map[string]any{{"name": "加装电梯", "members": []string{first, first, first}}}, 400},
		{"a 1 MB name", []map[string]any{{"name": strings.Repeat("a", 1<<20), "members": []string{first}}}, 400},
		{"a NUL in a name", []map[string]any{{"name": "加装\x00电梯", "members": stored.Groups[0].Members[0:1]}}, 400},
	} {
		huge["groups"] = c.groups
		wantError(t, "a save with "+c.what, p.sendJSON(t, "PUT", "/api/v1/groups/2024", huge), c.want)
	}
	// confirm twice at once: one wins; the export opens
	for i := range replies[:2] {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			replies[i] = p.sendJSON(t, "POST", "/api/v1/groups/2024/confirm", map[string]any{"version": 1})
		}(i)
	}
	wg.Wait()
	if a, b := replies[0].status, replies[1].status; a+b != 200+409 {
		t.Errorf("two confirmations of version 1: %d and %d, want one 200 and one 409", a, b)
	}
	r = p.send(t, "GET", "/api/v1/groups/2024/export", nil, nil)
	if r.status != 200 {
		t.Fatalf("export: %d %.300s", r.status, r.body)
	}
	if _, err := excelize.OpenReader(bytes.NewReader(r.body)); err != nil {
		t.Errorf("the export does not open: %v", err)
	}
	r = p.send(t, "GET", "/api/v1/groups/1990/export", nil, nil)
	if r.status != 200 {
		t.Errorf("export of a year with nothing: %d %.300s", r.status, r.body)
	} else if _, err := excelize.OpenReader(bytes.NewReader(r.body)); err != nil {
		t.Errorf("the export of a year with nothing does not open: %v", err)
	}
	r = p.send(t, "GET", "/api/v1/imports", nil, nil)
	if r.status != 200 {
		t.Errorf("the batches: %d %.300s", r.status, r.body)
	}
	noNulls(t, "GET /api/v1/imports", r)
	r = p.send(t, "GET", "/api/v1/me", nil, nil)
	if r.status != 200 {
		t.Errorf("me: %d %.300s", r.status, r.body)
	}
	noNulls(t, "GET /api/v1/me", r)
}

// Writes while a large import holds the store: an undo of an earlier
// batch, a save of groups and a new token, sent once the import is
// writing its rows. Each is done or refused in Chinese (never a 500), and
// the import loses nothing it acknowledged.
func (p *proc) adversarialUndoDuringImport(t *testing.T) {
	small := csvFile([]string{"提案号", "年度", "标题", "内容", "审查结果"},
		[]string{"20267701", "2026", "关于增设社区图书角的提案", "社区缺少阅读空间，建议利用闲置用房设置图书角。", "立案"})
	rep, _, _ := p.importFile(t, "图书角.csv", small)
	if rep.Batch == 0 || rep.Inserted != 1 {
		t.Fatalf("the small import: %+v", rep)
	}
	big := proposalsCSV(t, 60000, 300000, 2026, 300)
	var wg sync.WaitGroup
	var bigRep tian.ImportReport
	wg.Add(1)
	go func() { defer wg.Done(); bigRep, _, _ = p.importFile(t, "大批提案.csv", big) }()
	writing := false
	for deadline := time.Now().Add(2 * time.Minute); !writing && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var jobs struct{ Jobs []job }
		json.Unmarshal(p.send(t, "GET", "/api/v1/jobs", nil, nil).body, &jobs)
		for _, j := range jobs.Jobs {
			writing = writing || j.State == "running" && j.Done > 0 && j.Done < j.Total
		}
	}
	if !writing {
		t.Log("NOTE: the import was not seen writing its rows; the writes below may not have overlapped it")
	}
	began := time.Now()
	undo := p.send(t, "POST", fmt.Sprintf("/api/v1/imports/%d/undo", rep.Batch), nil, nil)
	if undo.status == 202 {
		j := p.follow(t, strings.TrimPrefix(undo.header.Get("Location"), "/api/v1/jobs/"), 10*time.Minute)
		undo.status = 200
		if j.State != "done" {
			undo.status, undo.body = 500, j.Result
			if j.Error != nil {
				undo.status, undo.body = 0, []byte(j.Error.Code+" "+j.Error.Message)
			}
		}
	}
	t.Logf("an undo while the import writes: %d in %v", undo.status, time.Since(began).Round(time.Millisecond))
	if undo.status != 200 {
		wantError(t, "an undo during an import", undo, 409, 503)
	}
	save := p.sendJSON(t, "PUT", "/api/v1/groups/2021", map[string]any{"version": 0, "groups": []any{}})
	if save.status != 200 {
		wantError(t, "a save of groups during an import", save, 503)
	}
	tok := p.sendJSON(t, "POST", "/api/v1/tokens", map[string]string{"name": "导入期间", "role": "member"})
	if tok.status != 201 {
		wantError(t, "a new token during an import", tok, 503)
	}
	wg.Wait()
	if bigRep.Inserted != 60000 {
		t.Errorf("the large import: %s", bigRep.Summary())
	}
	var page struct{ Total int }
	if r := p.send(t, "GET", "/api/v1/proposals?year=2026&limit=1", nil, nil); json.Unmarshal(r.body, &page) != nil || page.Total < 60000 {
		t.Errorf("after the undo during the import, 2026 has %d proposals, want at least 60,000: %.200s", page.Total, r.body)
	}
	if undo.status == 200 {
		wantError(t, "undo of an undone batch", p.send(t, "POST", fmt.Sprintf("/api/v1/imports/%d/undo", rep.Batch), nil, nil), 409)
	}
}

// Tokens of each role against the routes of issue 12.
func (p *proc) adversarialRoles(t *testing.T) {
	tokens := map[string]string{}
	for _, role := range []string{"member", "reviewer"} {
		var out struct{ Secret string }
		r := p.sendJSON(t, "POST", "/api/v1/tokens", map[string]string{"name": "对抗测试-" + role, "role": role})
		if r.status != 201 || json.Unmarshal(r.body, &out) != nil {
			t.Fatalf("creating a %s token: %d %.200s", role, r.status, r.body)
		}
		tokens[role] = out.Secret
	}
	for _, c := range []struct {
		role, method, path string
		want               int
	}{
		{"member", "POST", "/api/v1/review", 403},
		{"member", "GET", "/api/v1/groups/2024", 403},
		{"member", "PUT", "/api/v1/groups/2024", 403},
		{"member", "POST", "/api/v1/imports/1/undo", 403},
		{"reviewer", "PUT", "/api/v1/groups/2024", 403},
		{"reviewer", "POST", "/api/v1/groups/2024/confirm", 403},
		{"reviewer", "GET", "/api/v1/groups/2024/export", 403},
		{"reviewer", "POST", "/api/v1/import/preview", 403},
		{"reviewer", "GET", "/api/v1/imports", 403},
		{"", "GET", "/api/v1/me", 401},
		{"", "PUT", "/api/v1/groups/2024", 401},
	} {
		r := p.send(t, c.method, c.path, map[string]string{"Authorization": "Bearer " + tokens[c.role], "Content-Type": "application/json"},
			strings.NewReader(`{"version":1,"groups":[]}`))
		if c.role == "" {
			r = p.send(t, c.method, c.path, map[string]string{"Authorization": "", "Content-Type": "application/json"}, strings.NewReader(`{"version":1,"groups":[]}`))
		}
		wantError(t, c.role+" "+c.method+" "+c.path, r, c.want)
	}
	var v tian.CurationView
	if r := p.send(t, "GET", "/api/v1/groups/2024", nil, nil); json.Unmarshal(r.body, &v) != nil || len(v.Groups) == 0 || v.Version == 0 {
		t.Fatalf("2024's stored groups: %d %.200s", r.status, r.body)
	}
	r := p.send(t, "GET", "/api/v1/proposals/"+v.Groups[0].Members[0].Number+"/group", map[string]string{"Authorization": "Bearer " + tokens["member"]}, nil)
	if r.status != 200 {
		t.Errorf("a member reads a proposal's group: %d %.200s", r.status, r.body)
	}
}
