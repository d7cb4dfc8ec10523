package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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
	b := make([]byte, 6)
	rand.Read(b)
	schema := "tian_test_" + hex.EncodeToString(b)
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := postgres.Open(ctx, u.String())
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

// Tokens and sessions live in the database: a browser signed in through
// one replica is signed in on another, and a token revoked on one is
// refused by both at once.
func TestTokensAndSessionsOnEveryReplica(t *testing.T) {
	ctx := context.Background()
	a := openDB(t)
	b, err := postgres.Open(ctx, a.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
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
