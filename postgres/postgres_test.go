package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tian"
	"tian/postgres"
	"tian/storetest"
)

// EnvURL names the server the tests use, e.g.
// postgres://tian@127.0.0.1:5432/postgres?sslmode=disable
// (scripts/pg-test.sh starts a throwaway one). Without it they skip.
const EnvURL = "TIAN_TEST_POSTGRES"

// openDB opens a store in a schema of its own, dropped when the test
// ends, so that tests and runs do not see each other's data.
func openDB(t *testing.T) *postgres.DB {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(EnvURL + " is not set: no PostgreSQL server to test against (scripts/pg-test.sh starts one)")
	}
	ctx := context.Background()
	u, drop, err := postgres.NewSchema(ctx, base, "tian_test_")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Error(err)
		}
	})
	db, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The store contract (package storetest) holds for PostgreSQL.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return openDB(t) })
}

// Replicas starting together migrate the schema once, and a store opened
// again finds what was written and audited.
func TestReopenAndConcurrentOpen(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	url := db.URL()
	recs := []tian.Record{{Row: 2, Proposal: tian.Proposal{Number: "20240157", Year: 2024, Title: "关于加快发展社区嵌入式养老服务的提案",
		Body: "城东区近四成社区没有养老服务站点。", Proposer: "民盟市委会", ProposerType: tian.ProposerCollective, Status: tian.StatusFiled}}}
	if _, err := db.ImportProposals(ctx, recs, tian.ImportOptions{File: "养老.xlsx", Actor: "staff:zhang"}); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			again, err := postgres.Open(ctx, url)
			if err == nil {
				var p *tian.Proposal
				p, err = again.Proposal(ctx, "20240157")
				if err == nil && p.Title != recs[0].Proposal.Title {
					t.Errorf("reopened store reads %+v", p)
				}
				again.Close()
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	log, err := db.AuditLog(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Action != "proposals.import" || log[0].Actor != "staff:zhang" || log[0].Target != "养老.xlsx" {
		t.Errorf("audit log %+v, want the import by staff:zhang", log)
	}
}

func TestOpenRefusesBadURL(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://tian@127.0.0.1:notaport/x")
	if tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("bad URL: %v, want EINVALID", err)
	}
}

// twoReplicas is two stores on one schema, as two tian processes would
// open it; both are closed when the test ends.
func twoReplicas(t *testing.T) (a, b *postgres.DB) {
	a = openDB(t)
	b, err := postgres.Open(context.Background(), a.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b
}

// Tokens and sessions live in the database: a browser signed in through
// one replica is signed in on another, and a token revoked on one is
// refused by both at once.
func TestTokensAndSessionsOnEveryReplica(t *testing.T) {
	ctx := context.Background()
	a, b := twoReplicas(t)
	secret, tok, err := a.CreateToken(ctx, "王科长", tian.RoleStaff, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.Authenticate(ctx, secret); err != nil || got.ID != tok.ID {
		t.Fatalf("replica B authenticates %+v, %v; want 王科长's token", got, err)
	}
	session, err := a.CreateSession(ctx, tok.ID, 8*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.SessionToken(ctx, session); err != nil || got.Name != "王科长" {
		t.Fatalf("replica B reads the session as %+v, %v", got, err)
	}
	if err := b.RevokeToken(ctx, tok.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, secret); tian.ErrorCode(err) != tian.EUNAUTH {
		t.Errorf("replica A after revocation on B: %v, want EUNAUTH", err)
	}
	if _, err := a.SessionToken(ctx, session); tian.ErrorCode(err) != tian.EUNAUTH {
		t.Errorf("replica A's session after revocation on B: %v, want EUNAUTH", err)
	}
}

// A backup is pg_dump's: pg_restore reads it back with the proposals'
// rows and the tables of this store's schema only.
func TestBackupIsPgDump(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if _, err := exec.LookPath("pg_restore"); err != nil {
		t.Skip("no pg_restore on PATH")
	}
	p := tian.Proposal{Number: "20240157", Year: 2024, Title: "关于加快发展社区嵌入式养老服务的提案",
		Body: "城东区近四成社区没有养老服务站点。", Proposer: "民盟市委会", ProposerType: tian.ProposerCollective, Status: tian.StatusFiled}
	if _, err := db.ImportProposals(ctx, []tian.Record{{Row: 2, Proposal: p}}, tian.ImportOptions{File: "养老.xlsx", Actor: "staff"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tian.dump")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	script, err := exec.Command("pg_restore", "--file=-", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(db.URL())
	schema := u.Query().Get("search_path")
	for _, want := range []string{"CREATE TABLE " + schema + ".proposals", "CREATE TABLE " + schema + ".sessions", p.Title, "民盟市委会"} {
		if !strings.Contains(string(script), want) {
			t.Errorf("the restored script lacks %q", want)
		}
	}
	if strings.Contains(string(script), "CREATE SCHEMA public") || strings.Count(string(script), "CREATE SCHEMA ") > 1 {
		t.Error("the backup holds more than the store's schema")
	}
}

// Lists of an empty store are [] in JSON, not null (sqlite's Proposals,
// Changes, Categories and Feedbacks give nil, which the API wraps).
func TestEmptyListsAreEmpty(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	ps, err1 := db.Proposals(ctx, tian.ProposalFilter{Year: 2024})
	cs, err2 := db.Changes(ctx, 0, 100)
	cats, err3 := db.Categories(ctx)
	fs, err4 := db.Feedbacks(ctx)
	toks, err5 := db.Tokens(ctx)
	words, err6 := db.Words(ctx)
	conf, err7 := db.ConfirmedYearGroups(ctx)
	for i, err := range []error{err1, err2, err3, err4, err5, err6, err7} {
		if err != nil {
			t.Fatalf("list %d: %v", i+1, err)
		}
	}
	for i, v := range []any{ps, cs, cats, fs, toks, words, conf} {
		if b, _ := json.Marshal(v); string(b) != "[]" {
			t.Errorf("list %d of an empty store is %s, want []", i+1, b)
		}
	}
}

// Two replicas saving the same year's groups at the same version: one
// save lands, the other is refused as stale, whatever the timing.
func TestConcurrentGroupSavesOnTwoReplicas(t *testing.T) {
	ctx := context.Background()
	a, b := twoReplicas(t)
	var recs []tian.Record
	for i, title := range []string{"关于优化地铁站点公交接驳的提案", "关于加强地铁站口非机动车停放管理的提案", "关于延长地铁末班车运营时间的提案"} {
		recs = append(recs, tian.Record{Row: i + 2, Proposal: tian.Proposal{Number: fmt.Sprintf("2024020%d", i+3), Year: 2024, Title: title,
			Body: "地铁开通后站点周边接驳不便，建议统筹优化。", Proposer: "李华", ProposerType: tian.ProposerMember, Status: tian.StatusFiled}})
	}
	if _, err := a.ImportProposals(ctx, recs, tian.ImportOptions{File: "地铁.xlsx", Actor: "staff"}); err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		v := 0
		if y, err := a.YearGroups(ctx, 2024); err == nil {
			v = y.Version
		}
		errs := make(chan error, 2)
		for i, db := range []*postgres.DB{a, b} {
			go func() {
				g := []tian.CuratedGroup{{Name: fmt.Sprintf("地铁接驳（第%d轮，副本%d）", round, i), Members: []string{"20240203", "20240204", "20240205"}}}
				_, err := db.SaveYearGroups(ctx, 2024, g, v, fmt.Sprintf("staff:%d", i))
				errs <- err
			}()
		}
		e1, e2 := <-errs, <-errs
		if (e1 == nil) == (e2 == nil) || tian.ErrorCode(e1)+tian.ErrorCode(e2) != tian.ECONFLICT {
			t.Fatalf("round %d: %v and %v; want one save and one ECONFLICT", round, e1, e2)
		}
		y, err := b.YearGroups(ctx, 2024)
		if err != nil || y.Version != v+1 || len(y.Groups) != 1 {
			t.Fatalf("round %d: year %+v, %v; want version %d with the one save", round, y, err, v+1)
		}
	}
}
