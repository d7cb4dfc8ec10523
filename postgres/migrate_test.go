package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"tian"
	"tian/internal/storecore"
	"tian/office"
	"tian/postgres"
	"tian/sqlite"
)

// openSQLite opens a store in a new directory, closed when the test ends.
func openSQLite(t *testing.T) (*sqlite.DB, string) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, filepath.Dir(db.Path())
}

// tableRows reads every table of a store.
func tableRows(t *testing.T, src storecore.RowSource) map[string][]storecore.Row {
	t.Helper()
	all, err := storecore.ReadAll(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// sameValue compares two values of a row: JSON by its content (jsonb
// orders keys its own way), anything else exactly.
func sameValue(a, b any) bool {
	ja, ok1 := a.(json.RawMessage)
	jb, ok2 := b.(json.RawMessage)
	if ok1 && ok2 {
		var x, y any
		return json.Unmarshal(ja, &x) == nil && json.Unmarshal(jb, &y) == nil && reflect.DeepEqual(x, y)
	}
	return reflect.DeepEqual(a, b)
}

func migrate(t *testing.T, from, to office.MigrateEnd) *office.MigrateReport {
	t.Helper()
	rep, err := office.Migrate(context.Background(), from, to, nil)
	if err != nil {
		t.Fatalf("migrating %s to %s: %v", from.Name, to.Name, err)
	}
	for _, tb := range rep.Tables {
		if tb.Rows == 0 {
			t.Errorf("%s to %s: table %s copied no rows (the sample fills every table)", from.Name, to.Name, tb.Name)
		}
	}
	return rep
}

// redacted is a store's URL as a migration names it.
func redacted(db *postgres.DB) string {
	u, _ := url.Parse(db.URL())
	return u.Redacted()
}

// The demo corpus with a little of every kind of work, copied from SQLite
// into PostgreSQL and from there into a new SQLite store, reads back as
// it was: every row of every table with its id, times, flags and JSON.
// On the PostgreSQL copy the tokens and the session authenticate, the
// import batch undoes (from its jsonb), and new rows are numbered after
// the copied ones.
func TestMigrateRoundTrip(t *testing.T) {
	ctx := context.Background()
	pg := openDB(t)
	src, srcDir := openSQLite(t)
	sample, err := office.FillSample(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	// models the office trained, in the source's models folder
	trained := map[string][]byte{"category.model": []byte("本办训练的类别模型\x00\x01"), "router.json": []byte(`{"lead":"市住房城乡建设局"}`)}
	if err := os.MkdirAll(office.ModelDir(srcDir), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, b := range trained {
		if err := os.WriteFile(filepath.Join(office.ModelDir(srcDir), name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	back, backDir := openSQLite(t)
	rep := migrate(t, office.MigrateEnd{Name: srcDir, Store: src, Dir: srcDir}, office.MigrateEnd{Name: redacted(pg), Store: pg})
	if rep.Models != 2 {
		t.Errorf("copied %d model files into PostgreSQL, want 2", rep.Models)
	}
	if v, files, err := pg.ReadModels(ctx); err != nil || v != 1 || !maps.EqualFunc(files, trained, bytes.Equal) {
		t.Errorf("models in PostgreSQL: version %d, %q, %v; want the folder's files", v, files, err)
	}
	if rep := migrate(t, office.MigrateEnd{Name: redacted(pg), Store: pg}, office.MigrateEnd{Name: backDir, Store: back, Dir: backDir}); rep.Models != 2 {
		t.Errorf("copied %d model files back, want 2", rep.Models)
	}
	for name, b := range trained {
		if got, err := os.ReadFile(filepath.Join(office.ModelDir(backDir), name)); err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s back in a data directory: %q, %v", name, got, err)
		}
	}
	if rep.Proposals < 1000 {
		t.Errorf("compared %d proposals, want the demo corpus", rep.Proposals)
	}
	want, got := tableRows(t, src), tableRows(t, back)
	// saving the models into PostgreSQL is audited there, the one row
	// the round trip adds
	if audit := got["audit"]; len(audit) > 0 && slices.Contains(audit[len(audit)-1], any("models.save")) {
		got["audit"] = audit[:len(audit)-1]
	} else {
		t.Error("the models saved into PostgreSQL were not audited")
	}
	for _, tb := range storecore.CopyTables {
		w, g := want[tb.Name], got[tb.Name]
		if len(w) != len(g) {
			t.Errorf("%s: %d rows, then %d after the round trip", tb.Name, len(w), len(g))
			continue
		}
		for i := range w {
			for j, c := range tb.Columns {
				if !sameValue(w[i][j], g[i][j]) {
					t.Errorf("%s row %d, %s: %v, then %v after the round trip", tb.Name, i+1, c.Name, w[i][j], g[i][j])
				}
			}
		}
	}

	tok, err := pg.Authenticate(ctx, sample.TokenSecret)
	if err != nil || tok.Name != "王科长" || tok.Role != "staff" {
		t.Fatalf("the token on PostgreSQL: %+v, %v", tok, err)
	}
	if s, err := pg.SessionToken(ctx, sample.SessionSecret); err != nil || s.ID != tok.ID {
		t.Errorf("the session on PostgreSQL: %+v, %v", s, err)
	}
	toks, err := pg.Tokens(ctx)
	if err != nil || len(toks) != 2 || toks[1].RevokedAt == "" || toks[0].RevokedAt != "" {
		t.Errorf("tokens on PostgreSQL: %+v, %v; want 王科长's and a revoked one", toks, err)
	}
	_, fresh, err := pg.CreateToken(ctx, "新同事", tian.RoleMember, "admin")
	if err != nil || fresh.ID != toks[len(toks)-1].ID+1 {
		t.Errorf("a token made on the copy: %+v, %v; want the id after the copied ones", fresh, err)
	}
	before, err := pg.Proposal(ctx, sample.Number)
	if err != nil || !slices.Contains(before.CoUnits, "市低空经济发展服务中心") {
		t.Fatalf("%s on PostgreSQL: %+v, %v", sample.Number, before, err)
	}
	undo, err := pg.UndoBatch(ctx, sample.Reply, "staff:张")
	if err != nil || !slices.Equal(undo.Restored, []string{sample.Number}) || !slices.Equal(undo.RemovedUnits, []string{"市低空经济发展服务中心"}) {
		t.Fatalf("undoing the reply batch on PostgreSQL: %+v, %v", undo, err)
	}
	after, err := pg.Proposal(ctx, sample.Number)
	if err != nil || strings.Contains(after.Reply, "年内完成试点") || slices.Contains(after.CoUnits, "市低空经济发展服务中心") {
		t.Errorf("after the undo %s reads %+v, %v", sample.Number, after, err)
	}
	if page, err := pg.Batches(ctx, 0, 10); err != nil || page.Total < 3 {
		t.Errorf("batches on PostgreSQL: %+v, %v", page, err)
	}
	// the identities moved past the copied numbers: a new import writes a
	// proposal, a change, a batch and audit lines
	p := tian.Proposal{Number: "20259902", Year: 2025, Title: "关于完善社区食堂运营补贴的提案", Body: "社区食堂运营成本高。",
		Proposer: "李华", ProposerType: tian.ProposerMember, Status: tian.StatusFiled}
	if rep, err := pg.ImportProposals(ctx, []tian.Record{{Row: 2, Proposal: p}}, tian.ImportOptions{File: "食堂.xlsx", Actor: "staff", NewUnits: true}); err != nil || rep.Batch <= sample.Undone {
		t.Errorf("importing on the copy: %+v, %v", rep, err)
	}
	if _, err := pg.AddFeedback(ctx, tian.Feedback{Number: p.Number, Kind: "category", Suggested: "社会建设", Chosen: "社会建设", Accepted: true, Actor: "reviewer"}); err != nil {
		t.Errorf("feedback on the copy: %v", err)
	}
}

// A store born on PostgreSQL (its times to the microsecond) copies into
// SQLite, verified to the second SQLite keeps, and works there.
func TestMigratePostgresToSQLite(t *testing.T) {
	ctx := context.Background()
	pg := openDB(t)
	pg.Now = func() time.Time { return time.Date(2025, 3, 4, 9, 30, 15, 123456789, time.UTC) }
	sample, err := office.FillSample(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	dst, dstDir := openSQLite(t)
	dst.Now = pg.Now
	migrate(t, office.MigrateEnd{Name: redacted(pg), Store: pg}, office.MigrateEnd{Name: dstDir, Store: dst, Dir: dstDir})
	if tok, err := dst.Authenticate(ctx, sample.TokenSecret); err != nil || tok.CreatedAt != "2025-03-04T09:30:15Z" {
		t.Errorf("the token in SQLite: %+v, %v", tok, err)
	}
	if undo, err := dst.UndoBatch(ctx, sample.Reply, "staff:张"); err != nil || !slices.Equal(undo.Restored, []string{sample.Number}) {
		t.Errorf("undoing the reply batch in SQLite: %+v, %v", undo, err)
	}
	// and a PostgreSQL store in use is refused, named
	_, err = office.Migrate(ctx, office.MigrateEnd{Name: dstDir, Store: dst}, office.MigrateEnd{Name: redacted(pg), Store: pg}, nil)
	if tian.ErrorCode(err) != tian.ECONFLICT || !strings.Contains(tian.ErrorMessage(err), redacted(pg)) {
		t.Errorf("migrating into a PostgreSQL store in use: %v, want ECONFLICT naming it", err)
	}
}
