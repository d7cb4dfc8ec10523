package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xuri/excelize/v2"

	"tian"
	"tian/api"
	"tian/index"
	"tian/internal/slowtest"
	"tian/office"
	"tian/relate"
	"tian/segment"
	"tian/sheet"
	"tian/sqlite"
)

// curationEnv is the API over the real parts of curation: the demo
// corpus in a store, its index, and office.Curation; made once, the tests
// change disjoint years.
type curationEnv struct {
	env
	db  *sqlite.DB
	ix  *index.Index
	rel office.GroupRelater
	cur *office.Curation
	seg *segment.Segmenter
}

var curationOnce = sync.OnceValues(buildCurationEnv)

// curationBuilt says the curation environment exists: a test that opens
// an index of its own gives that environment's segmenter back only then
// (the curation tests are slow gates, and building it takes seconds).
var curationBuilt atomic.Bool

func buildCurationEnv() (*curationEnv, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "tian-api-curation-")
	if err != nil {
		return nil, err
	}
	seg, err := segment.New(segment.DefaultConfig())
	if err != nil {
		return nil, err
	}
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	if err := loadYears(ctx, db, 2023, 2024); err != nil {
		return nil, err
	}
	ix, err := index.Open(ctx, dir, db, seg)
	if err != nil {
		return nil, err
	}
	cur, err := office.NewCuration(ctx, db, ix.Relations())
	if err != nil {
		return nil, err
	}
	e := &curationEnv{env: env{store: newMemStore(), svc: &fakeServices{}, tokens: map[tian.Role]string{}}, db: db, ix: ix, rel: ix.Relations(), cur: cur, seg: seg}
	parts := api.Parts{Store: db, Tokens: db, Search: ix, Relate: ix, Suggest: e.svc, Models: e.svc, Import: e.svc,
		Export: e.svc, Stats: e.store, Health: e.svc, Curate: cur, Duplicates: ix}
	e.srv = httptest.NewServer(api.NewServer(parts, slog.New(slog.NewTextHandler(io.Discard, nil)), api.DefaultConfig()).Handler())
	for _, r := range []tian.Role{tian.RoleMember, tian.RoleStaff} {
		sec, _, err := db.CreateToken(ctx, "王芳-"+r.String(), r, "test")
		if err != nil {
			return nil, err
		}
		e.tokens[r] = sec
	}
	curationBuilt.Store(true)
	return e, nil
}

// loadYears loads the demo's units and the proposals of some years: the
// tests need two years, and indexing fewer proposals keeps them quick.
func loadYears(ctx context.Context, db *sqlite.DB, years ...int) error {
	units, err := sheet.ReadUnitsFS(tian.DemoFS(), tian.DemoUnits)
	if err != nil {
		return err
	}
	if err := db.ImportUnits(ctx, units, "test"); err != nil {
		return err
	}
	all, err := tian.ReadDemo()
	if err != nil {
		return err
	}
	var recs []tian.Record
	for i, p := range all {
		if slices.Contains(years, p.Year) {
			recs = append(recs, tian.Record{Row: i + 1, Proposal: *p})
		}
	}
	_, err = db.ImportProposals(ctx, recs, tian.ImportOptions{File: "demo", Strict: true, Actor: "test"})
	return err
}

func curation(t *testing.T) *curationEnv {
	t.Helper()
	slowtest.Gate(t) // indexing the corpus takes a minute under -race
	e, err := curationOnce()
	if err != nil {
		t.Fatalf("building the curation service: %v", err)
	}
	return e
}

// call sends JSON and decodes the answer into out; it returns the status
// and the raw body.
func (e *curationEnv) call(t *testing.T, role tian.Role, method, path string, body, out any) (int, []byte) {
	t.Helper()
	var r io.Reader
	ct := ""
	if body != nil {
		r, ct = jsonBody(body), "application/json"
	}
	res, b := e.do(t, role, method, path, ct, r)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	return res.StatusCode, b
}

func wantError(t *testing.T, status int, body []byte, wantStatus int, code, words string) {
	t.Helper()
	var er struct{ Code, Message, RequestID string }
	json.Unmarshal(body, &er)
	if status != wantStatus || er.Code != code || !strings.Contains(er.Message, words) {
		t.Errorf("got %d %s, want %d %s with %q", status, body, wantStatus, code, words)
	}
}

// toSave turns a view into the groups a PUT sends.
func toSave(v *tian.CurationView) []tian.CuratedGroup {
	out := []tian.CuratedGroup{}
	for _, g := range v.Groups {
		cg := tian.CuratedGroup{ID: g.ID, Name: g.Name, LeadUnit: g.LeadUnit}
		for _, m := range g.Members {
			cg.Members = append(cg.Members, m.Number)
		}
		out = append(out, cg)
	}
	return out
}

// The suggestion groups filed proposals only unless include=all, and
// shows each member's particulars; the 不予立案 proposals (城南区
// 第三中学, 地铁2号线) are in no group by default.
func TestCurationSuggestion(t *testing.T) {
	e := curation(t)
	var v tian.CurationView
	status, raw := e.call(t, tian.RoleStaff, "GET", "/api/v1/groups/2024", nil, &v)
	if status != 200 || v.Source != tian.CurationSuggested || v.Version != 0 || !v.FiledOnly || v.Threshold != e.ix.Relations().DefaultThreshold() || v.ThresholdOf != "default" {
		t.Fatalf("GET 2024: %d source %s version %d filed_only %v threshold %v (%s)", status, v.Source, v.Version, v.FiledOnly, v.Threshold, v.ThresholdOf)
	}
	if bytes.Contains(raw, []byte("null")) {
		t.Errorf("a list is null: %.300s", raw)
	}
	if len(v.Groups) < 20 {
		t.Errorf("%d suggested groups for 2024", len(v.Groups))
	}
	dups := 0
	for _, g := range v.Groups {
		if g.Name == "" || len(g.Members) < 2 {
			t.Errorf("group %+v", g)
		}
		for _, m := range g.Members {
			if m.Status == string(tian.StatusRejected) {
				t.Errorf("不予立案 %s %s in the filed-only suggestion (group %s)", m.Number, m.Title, g.Name)
			}
			if m.Title == "" || m.Year != 2024 || m.Proposer == "" || m.Category == "" || m.Status == "" {
				t.Errorf("member without its particulars: %+v", m)
			}
			dups += len(m.NearDuplicates)
		}
	}
	if dups == 0 {
		t.Error("no near-duplicates flagged in any 2024 group")
	}
	// a record without a status (a copy of a grouped proposal, say from a
	// message board) is no filed proposal: in no filed-only group
	ctx := context.Background()
	src, err := e.db.Proposal(ctx, "20240316")
	if err != nil {
		t.Fatal(err)
	}
	copied := tian.Proposal{Number: "20249901", Year: 2024, Title: src.Title, Body: src.Body}
	if _, err := e.db.ImportProposals(ctx, []tian.Record{{Row: 2, Proposal: copied}}, tian.ImportOptions{File: "test", Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	var filed tian.CurationView
	e.call(t, tian.RoleStaff, "GET", "/api/v1/groups/2024", nil, &filed)
	var all tian.CurationView
	e.call(t, tian.RoleStaff, "GET", fmt.Sprintf("/api/v1/groups/2024?include=all&threshold=%g", e.ix.Relations().DefaultThreshold()), nil, &all)
	statuses := func(v *tian.CurationView) map[string]string {
		out := map[string]string{}
		for _, g := range v.Groups {
			for _, m := range g.Members {
				out[m.Number] = m.Status
			}
		}
		return out
	}
	if _, ok := statuses(&filed)["20249901"]; ok {
		t.Error("a record without a status is in a filed-only group")
	}
	got := statuses(&all)
	rejected := 0
	for _, st := range got {
		if st == string(tian.StatusRejected) {
			rejected++
		}
	}
	if _, ok := got["20249901"]; all.FiledOnly || all.ThresholdOf != "request" || rejected == 0 || !ok {
		t.Errorf("include=all: filed_only %v, threshold from %s, %d 不予立案 members, the copy grouped %v", all.FiledOnly, all.ThresholdOf, rejected, ok)
	}
	var empty tian.CurationView
	if status, raw := e.call(t, tian.RoleStaff, "GET", "/api/v1/groups/2019", nil, &empty); status != 200 || !bytes.Contains(raw, []byte(`"groups":[]`)) {
		t.Errorf("a year without proposals: %d %s", status, raw)
	}
}

// noRelater is a relations engine that is never ready: what curation
// does without one.
type noRelater struct{}

func unavailable() error { return tian.Errorf(tian.EUNAVAILABLE, "检索索引尚未就绪") }

func (noRelater) Similar(context.Context, tian.SimilarRequest) ([]tian.Match, error) {
	return nil, unavailable()
}
func (noRelater) Groups(context.Context, tian.GroupRequest) ([]tian.Group, error) {
	return nil, unavailable()
}
func (noRelater) NearDuplicatePairs(context.Context, []string) ([][2]string, error) {
	return nil, unavailable()
}
func (noRelater) TuneThreshold(context.Context, []tian.YearGroups, float64, []float64, relate.GroupOptions) (*tian.GroupTuning, error) {
	return nil, unavailable()
}
func (noRelater) DefaultThreshold() float64 { return relate.DefaultThreshold }
func (noRelater) Scale() string             { return "" }

// lightCuration is the API over curation on an empty store without an
// index: the HTTP contract, quick under -race.
func lightCuration(t *testing.T) *curationEnv {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cur, err := office.NewCuration(ctx, db, noRelater{})
	if err != nil {
		t.Fatal(err)
	}
	e := &curationEnv{env: env{store: newMemStore(), svc: &fakeServices{}, tokens: map[tian.Role]string{}}, db: db, cur: cur}
	parts := api.Parts{Store: db, Tokens: db, Search: e.svc, Relate: e.svc, Suggest: e.svc, Models: e.svc, Import: e.svc,
		Export: e.svc, Stats: e.store, Health: e.svc, Curate: cur}
	e.srv = httptest.NewServer(api.NewServer(parts, slog.New(slog.NewTextHandler(io.Discard, nil)), api.DefaultConfig()).Handler())
	t.Cleanup(e.srv.Close)
	for _, r := range []tian.Role{tian.RoleMember, tian.RoleStaff} {
		sec, _, err := db.CreateToken(ctx, "王芳-"+r.String(), r, "test")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[r] = sec
	}
	return e
}

func TestCurationBadRequests(t *testing.T) {
	e := lightCuration(t)
	for _, c := range []struct {
		method, path string
		body         any
		status       int
		code, words  string
	}{
		{"GET", "/api/v1/groups/二〇二四", nil, 400, "invalid", "年度"},
		{"GET", "/api/v1/groups/1800", nil, 400, "invalid", "1949"},
		{"GET", "/api/v1/groups/2024?threshold=2", nil, 400, "invalid", "threshold"},
		{"GET", "/api/v1/groups/2024?threshold=NaN", nil, 400, "invalid", "threshold"},
		{"GET", "/api/v1/groups/2024?include=rejected", nil, 400, "invalid", "include"},
		{"GET", "/api/v1/groups/2024/export?source=x", nil, 400, "invalid", "source"},
		{"PUT", "/api/v1/groups/2022", map[string]any{"groups": []any{}}, 400, "invalid", "version"},
		{"PUT", "/api/v1/groups/2022", map[string]any{"version": 0, "groups": []any{}, "extra": 1}, 400, "invalid", "JSON"},
		{"PUT", "/api/v1/groups/2022", map[string]any{"version": 0, "groups": []any{map[string]any{"name": "托育", "members": []string{"20220011"}}}}, 400, "invalid", "至少要有2件提案"},
		{"POST", "/api/v1/groups/2022/confirm", map[string]any{"version": 0}, 404, "not_found", "尚未保存"},
		{"POST", "/api/v1/groups/2022/confirm", map[string]any{}, 400, "invalid", "version"},
		{"GET", "/api/v1/proposals/20220237/group", nil, 404, "not_found", "不在任何"},
	} {
		status, body := e.call(t, tian.RoleStaff, c.method, c.path, c.body, nil)
		wantError(t, status, body, c.status, c.code, c.words)
	}
	if status, _ := e.call(t, tian.RoleMember, "GET", "/api/v1/groups/2024", nil, nil); status != 403 {
		t.Errorf("a member reads the curation: %d", status)
	}
	if status, _ := e.call(t, tian.RoleMember, "PUT", "/api/v1/groups/2024", map[string]any{"version": 0}, nil); status != 403 {
		t.Errorf("a member saves groups: %d", status)
	}
	status, body := e.call(t, tian.RoleStaff, "GET", "/api/v1/groups/2024?include=all", nil, nil)
	wantError(t, status, body, 503, "unavailable", "检索索引尚未就绪")
}

// A save, a stale save, a confirmation whose tuning fails (the
// confirmation stands) and the export's name, without an index.
func TestCurationVersionsAndExportName(t *testing.T) {
	e := lightCuration(t)
	var v tian.CurationView
	if status, raw := e.call(t, tian.RoleStaff, "PUT", "/api/v1/groups/2022", map[string]any{"version": 0, "groups": nil}, &v); status != 200 ||
		v.Version != 1 || v.Source != tian.CurationStored || !bytes.Contains(raw, []byte(`"groups":[]`)) {
		t.Fatalf("saving no groups: %d %s", status, raw)
	}
	status, body := e.call(t, tian.RoleStaff, "PUT", "/api/v1/groups/2022", map[string]any{"version": 0, "groups": []any{}}, nil)
	wantError(t, status, body, 409, "conflict", "现为第1版，您的页面基于第0版")
	status, body = e.call(t, tian.RoleStaff, "POST", "/api/v1/groups/2022/confirm", map[string]any{"version": 1}, &v)
	if status != 200 || !v.Confirmed || v.Version != 2 || v.Tuning != nil {
		t.Errorf("confirming while tuning fails: %d %s", status, body)
	}
	res, _ := e.do(t, tian.RoleStaff, "GET", "/api/v1/groups/2022/export", "", nil)
	cd := res.Header.Get("Content-Disposition")
	if res.StatusCode != 200 || !strings.HasPrefix(cd, `attachment; filename="groups-2022.xlsx"; filename*=UTF-8''2022%E5%B9%B4`) ||
		res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("export: %d %q %q", res.StatusCode, cd, res.Header.Get("Content-Type"))
	}
}

// Staff take 2023's suggestion, move, merge, split, rename and set a
// lead unit, save, are refused a stale save, confirm (which learns the
// threshold), and export the confirmed year.
func TestCurationSaveConfirmExport(t *testing.T) {
	e := curation(t)
	var v tian.CurationView
	e.call(t, tian.RoleStaff, "GET", "/api/v1/groups/2023", nil, &v)
	gs := toSave(&v)
	if len(gs) < 6 {
		t.Fatalf("%d suggested groups", len(gs))
	}
	moved := gs[0].Members[len(gs[0].Members)-1] // move the last of group 1 into group 2
	gs[0].Members = gs[0].Members[:len(gs[0].Members)-1]
	gs[1].Members = append(gs[1].Members, moved)
	gs[2].Members = append(gs[2].Members, gs[3].Members...) // merge 4 into 3
	gs[2].Name = "合并议题：" + gs[2].Name
	gs = slices.Delete(gs, 3, 4)
	for k := 4; k < len(gs); k++ { // split the first large group after them
		if n := len(gs[k].Members); n >= 4 {
			gs = append(gs, tian.CuratedGroup{Name: "拆分出的议题", Members: gs[k].Members[n-2:]})
			gs[k].Members = gs[k].Members[:n-2]
			break
		}
	}
	if len(gs[0].Members) < 2 { // the move emptied it: take it back
		gs[0].Members = append(gs[0].Members, gs[len(gs)-1].Members...)
		gs = gs[:len(gs)-1]
	}
	gs[1].Name, gs[1].LeadUnit = "重新命名的议题", "市发改委" // an alias
	var saved tian.CurationView
	status, raw := e.call(t, tian.RoleStaff, "PUT", "/api/v1/groups/2023", map[string]any{"version": 0, "groups": gs}, &saved)
	if status != 200 || saved.Source != tian.CurationStored || saved.Version != 1 || saved.Confirmed || len(saved.Groups) != len(gs) {
		t.Fatalf("PUT: %d %.400s", status, raw)
	}
	if saved.Groups[1].Name != "重新命名的议题" || saved.Groups[1].LeadUnit != "市发展和改革委员会" || saved.Groups[1].Members[len(saved.Groups[1].Members)-1].Number != moved {
		t.Errorf("saved group 2: %+v", saved.Groups[1])
	}
	if saved.Groups[0].ID == "" || saved.SavedBy != "token:王芳-staff" {
		t.Errorf("saved: id %q by %q", saved.Groups[0].ID, saved.SavedBy)
	}
	var again tian.CurationView
	e.call(t, tian.RoleStaff, "GET", "/api/v1/groups/2023", nil, &again)
	if again.Source != tian.CurationStored || !slices.EqualFunc(toSave(&again), toSave(&saved), func(a, b tian.CuratedGroup) bool {
		return a.ID == b.ID && a.Name == b.Name && slices.Equal(a.Members, b.Members)
	}) {
		t.Errorf("GET after PUT is not what was saved")
	}
	status, raw = e.call(t, tian.RoleStaff, "PUT", "/api/v1/groups/2023", map[string]any{"version": 0, "groups": gs[:1]}, nil)
	wantError(t, status, raw, 409, "conflict", "请重新载入")
	bad := toSave(&saved)
	bad[0].Members = append(bad[0].Members, "20240203")
	status, raw = e.call(t, tian.RoleStaff, "PUT", "/api/v1/groups/2023", map[string]any{"version": 1, "groups": bad}, nil)
	wantError(t, status, raw, 400, "invalid", "20240203 属于2024年")

	var pg tian.ProposalGroup
	if status, raw := e.call(t, tian.RoleMember, "GET", "/api/v1/proposals/"+moved+"/group", nil, &pg); status != 200 ||
		pg.Group.Name != "重新命名的议题" || pg.Confirmed || pg.Year != 2023 {
		t.Errorf("the moved proposal's group: %d %.300s", status, raw)
	}

	var conf tian.CurationView
	status, raw = e.call(t, tian.RoleStaff, "POST", "/api/v1/groups/2023/confirm", map[string]any{"version": 1}, &conf)
	if status != 200 || !conf.Confirmed || conf.ConfirmedBy != "token:王芳-staff" || conf.Version != 2 || conf.Tuning == nil {
		t.Fatalf("confirm: %d %.400s", status, raw)
	}
	if !slices.Contains(conf.Tuning.Years, 2023) || conf.ThresholdOf != "tuned" || conf.Threshold != conf.Tuning.Threshold {
		t.Errorf("tuning %+v, view threshold %v from %s", conf.Tuning, conf.Threshold, conf.ThresholdOf)
	}
	if th, src := e.cur.GroupThreshold(); th != conf.Tuning.Threshold || src != "tuned" {
		t.Errorf("threshold in use %v (%s), tuned %v", th, src, conf.Tuning.Threshold)
	}
	var me struct {
		GroupThreshold float64 `json:"group_threshold"`
	}
	if e.call(t, tian.RoleMember, "GET", "/api/v1/me", nil, &me); me.GroupThreshold != conf.Tuning.Threshold {
		t.Errorf("/api/v1/me gives threshold %v, curation uses %v", me.GroupThreshold, conf.Tuning.Threshold)
	}
	restarted, err := office.NewCuration(context.Background(), e.db, e.rel)
	if th, src := restarted.GroupThreshold(); err != nil || th != conf.Tuning.Threshold || src != "tuned" {
		t.Errorf("after a restart the threshold is %v (%s), %v; tuned %v", th, src, err, conf.Tuning.Threshold)
	}
	if status, raw := e.call(t, tian.RoleMember, "GET", "/api/v1/proposals/"+moved+"/group", nil, &pg); status != 200 || !pg.Confirmed {
		t.Errorf("after confirming: %d %.300s", status, raw)
	}

	res, body := e.do(t, tian.RoleStaff, "GET", "/api/v1/groups/2023/export", "", nil)
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "filename*=UTF-8''2023%E5%B9%B4%E5%B9%B6%E6%A1%88%E5%88%86%E7%BB%84.xlsx") {
		t.Fatalf("export: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("并案分组")
	members := 0
	for _, g := range conf.Groups {
		members += len(g.Members)
	}
	if len(rows) != members+1 || rows[1][1] != conf.Groups[0].Name || rows[1][3] != conf.Groups[0].Members[0].Number {
		t.Errorf("export has %d rows for %d members; first %q", len(rows), members, rows[1])
	}
	state, _ := f.GetCellValue("说明", "B2")
	if state != "已确认" {
		t.Errorf("说明 state %q", state)
	}
}
