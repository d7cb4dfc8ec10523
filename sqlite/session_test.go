package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"tian"
	"tian/sqlite"
)

// clock is a settable time for db.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func withClock(db *sqlite.DB) *clock {
	c := &clock{t: time.Date(2026, 3, 4, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))}
	db.Now = c.now
	return c
}

// hasHan reports whether a message is written in Chinese.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// wantCode fails unless err has the code and a Chinese message.
func wantCode(t testing.TB, what string, err error, code string) {
	t.Helper()
	if tian.ErrorCode(err) != code {
		t.Errorf("%s: err = %v, want %s", what, err, code)
		return
	}
	if msg := tian.ErrorMessage(err); !hasHan(msg) {
		t.Errorf("%s: message %q is not Chinese", what, msg)
	}
}

func staffToken(t testing.TB, db *sqlite.DB, name string) (string, *tian.APIToken) {
	t.Helper()
	secret, tok, err := db.CreateToken(context.Background(), name, tian.RoleStaff, "admin")
	if err != nil {
		t.Fatal(err)
	}
	return secret, tok
}

// Only the hash of a session secret is stored.
func TestSessionStoresNoSecret(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openAt(t, dir)
	_, tok := staffToken(t, db, "王科长")
	secret, err := db.CreateSession(ctx, tok.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if raw := readAll(t, dir); strings.Contains(raw, secret) || strings.Contains(raw, strings.TrimPrefix(secret, "tians_")) {
		t.Error("the session secret is stored in the clear")
	}
}

func TestSessionExpires(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := withClock(db)
	_, tok := staffToken(t, db, "李审查")
	secret, err := db.CreateSession(ctx, tok.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(59 * time.Minute)
	if _, err := db.SessionToken(ctx, secret); err != nil {
		t.Errorf("a session 59 minutes into its hour: %v", err)
	}
	clk.advance(2 * time.Minute)
	_, err = db.SessionToken(ctx, secret)
	wantCode(t, "an expired session", err, tian.EUNAUTH)
	if msg := tian.ErrorMessage(err); !strings.Contains(msg, "登录") {
		t.Errorf("expired session message %q: want it to say to sign in again", msg)
	}
	if n := count(t, db, "sessions"); n != 1 {
		t.Fatalf("%d sessions stored before the purge, want the expired one", n)
	}
	if _, err := db.CreateSession(ctx, tok.ID, time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "sessions"); n != 1 {
		t.Errorf("%d sessions stored after a new sign-in, want the expired one purged", n)
	}
	if _, err := db.CreateSession(ctx, tok.ID, 0); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("a session without a lifetime: err = %v, want EINVALID", err)
	}
}

func TestRevokeEndsSessions(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	_, tok := staffToken(t, db, "王科长")
	_, other := staffToken(t, db, "赵科员")
	a, _ := db.CreateSession(ctx, tok.ID, 8*time.Hour)
	b, _ := db.CreateSession(ctx, tok.ID, 8*time.Hour)
	c, _ := db.CreateSession(ctx, other.ID, 8*time.Hour)
	if err := db.RevokeToken(ctx, tok.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{a, b} {
		_, err := db.SessionToken(ctx, s)
		wantCode(t, "a session of a revoked token", err, tian.EUNAUTH)
	}
	if _, err := db.SessionToken(ctx, c); err != nil {
		t.Errorf("another token's session ended too: %v", err)
	}
	if n := count(t, db, "sessions"); n != 1 {
		t.Errorf("%d sessions stored after revoking, want only the other token's", n)
	}
	_, err := db.CreateSession(ctx, tok.ID, time.Hour)
	wantCode(t, "signing in with a revoked token", err, tian.EUNAUTH)
	_, err = db.CreateSession(ctx, 9999, time.Hour)
	wantCode(t, "signing in with no token", err, tian.EUNAUTH)
}

// last_used is kept, but a busy token writes it at most once a minute.
func TestLastUsedIsThrottled(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := withClock(db)
	secret, tok := staffToken(t, db, "王科长")
	session, _ := db.CreateSession(ctx, tok.ID, 8*time.Hour)
	lastUsed := func() string {
		t.Helper()
		toks, err := db.Tokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return toks[0].LastUsed
	}
	start := clk.now().UTC().Format(time.RFC3339)
	if _, err := db.Authenticate(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); got != start {
		t.Fatalf("last used %q after a request, want %q", got, start)
	}
	changes := count(t, db, "audit")
	for i := 0; i < 30; i++ {
		clk.advance(time.Second)
		if _, err := db.Authenticate(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SessionToken(ctx, session); err != nil {
			t.Fatal(err)
		}
	}
	if got := lastUsed(); got != start {
		t.Errorf("last used %q after 30 seconds of requests, want it left at %q", got, start)
	}
	clk.advance(31 * time.Second)
	if _, err := db.SessionToken(ctx, session); err != nil {
		t.Fatal(err)
	}
	if got, want := lastUsed(), clk.now().UTC().Format(time.RFC3339); got != want {
		t.Errorf("last used %q a minute later, via a session, want %q", got, want)
	}
	if n := count(t, db, "audit"); n != changes {
		t.Errorf("requests wrote %d audit lines", n-changes)
	}
}
