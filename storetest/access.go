package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"tian"
)

func testTokens(t *testing.T, open Open) {
	ctx := context.Background()
	ts := open(t)
	secret, tok, err := ts.CreateToken(ctx, "王科长", tian.RoleStaff, "admin:李主任")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "tian_") || len(secret) < 40 || tok.ID == 0 || tok.Role != "staff" || tok.CreatedBy != "admin:李主任" {
		t.Errorf("token %+v with secret %q: want tian_ and 256 random bits, staff, created by admin:李主任", tok, secret)
	}
	if _, err := time.Parse(time.RFC3339, tok.CreatedAt); err != nil || !strings.HasSuffix(tok.CreatedAt, "Z") {
		t.Errorf("created at %q, want RFC 3339 UTC", tok.CreatedAt)
	}
	_, _, err = ts.CreateToken(ctx, "", tian.RoleStaff, "admin")
	wantCode(t, "a token without a name", err, tian.EINVALID)
	_, _, err = ts.CreateToken(ctx, "无角色", tian.RoleNone, "admin")
	wantCode(t, "a token without a role", err, tian.EINVALID)
	readerSecret, reader, err := ts.CreateToken(ctx, "审查组", tian.RoleReviewer, "admin")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ts.Authenticate(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != tok.ID || got.Name != "王科长" || got.Role != "staff" || got.LastUsed == "" {
		t.Errorf("authenticated as %+v, want 王科长 with its last use recorded", got)
	}
	_, err = ts.Authenticate(ctx, "tian_"+strings.Repeat("A", 43))
	wantCode(t, "an unknown token", err, tian.EUNAUTH)
	if err := ts.RevokeToken(ctx, tok.ID, "admin:李主任"); err != nil {
		t.Fatal(err)
	}
	_, err = ts.Authenticate(ctx, secret)
	wantCode(t, "a revoked token", err, tian.EUNAUTH)
	wantCode(t, "revoking twice", ts.RevokeToken(ctx, tok.ID, "admin"), tian.ENOTFOUND)
	wantCode(t, "revoking no token", ts.RevokeToken(ctx, 9999, "admin"), tian.ENOTFOUND)
	if _, err := ts.Authenticate(ctx, readerSecret); err != nil {
		t.Errorf("the other token stopped working: %v", err)
	}
	list, err := ts.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != tok.ID || list[0].RevokedAt == "" || list[1].ID != reader.ID || list[1].RevokedAt != "" {
		t.Errorf("tokens %+v, want 王科长 (revoked) then 审查组, by id", list)
	}
	for _, x := range list {
		if strings.Contains(x.Name+x.Role+x.CreatedBy, "tian_") {
			t.Errorf("a token's listing shows a secret: %+v", x)
		}
	}
	if err := ts.Audit(ctx, "staff:王芳", "proposals.export", "2024", "导出124件"); err != nil {
		t.Fatal(err)
	}
}

func testSessions(t *testing.T, open Open) {
	ctx := context.Background()
	ts := open(t)
	apiSecret, tok, err := ts.CreateToken(ctx, "王科长", tian.RoleStaff, "admin")
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := ts.CreateToken(ctx, "赵科员", tian.RoleStaff, "admin")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := ts.CreateSession(ctx, tok.ID, 8*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "tians_") || len(secret) < 40 || secret == apiSecret {
		t.Errorf("session secret %q: want tians_ and 256 random bits, unlike the API token", secret)
	}
	got, err := ts.SessionToken(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != tok.ID || got.Name != "王科长" || got.Role != "staff" {
		t.Errorf("session token %+v, want %+v", got, tok)
	}
	_, err = ts.SessionToken(ctx, apiSecret)
	wantCode(t, "an API token used as a session", err, tian.EUNAUTH)
	_, err = ts.Authenticate(ctx, secret)
	wantCode(t, "a session used as an API token", err, tian.EUNAUTH)
	_, err = ts.CreateSession(ctx, tok.ID, 0)
	wantCode(t, "a session without a lifetime", err, tian.EINVALID)
	if err := ts.DeleteSession(ctx, secret); err != nil {
		t.Fatal(err)
	}
	_, err = ts.SessionToken(ctx, secret)
	wantCode(t, "a signed-out session", err, tian.EUNAUTH)
	if err := ts.DeleteSession(ctx, secret); err != nil {
		t.Errorf("signing out twice: %v", err)
	}

	// revoking a token ends its sessions, and only its
	a, _ := ts.CreateSession(ctx, tok.ID, 8*time.Hour)
	c, err := ts.CreateSession(ctx, other.ID, 8*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.RevokeToken(ctx, tok.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	_, err = ts.SessionToken(ctx, a)
	wantCode(t, "a session of a revoked token", err, tian.EUNAUTH)
	if _, err := ts.SessionToken(ctx, c); err != nil {
		t.Errorf("another token's session ended too: %v", err)
	}
	_, err = ts.CreateSession(ctx, tok.ID, time.Hour)
	wantCode(t, "signing in with a revoked token", err, tian.EUNAUTH)
	_, err = ts.CreateSession(ctx, 9999, time.Hour)
	wantCode(t, "signing in with no token", err, tian.EUNAUTH)

	// a session ends with its lifetime (stamps are to the second)
	short, err := ts.CreateSession(ctx, other.ID, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond)
	_, err = ts.SessionToken(ctx, short)
	wantCode(t, "an expired session", err, tian.EUNAUTH)
	if !strings.Contains(tian.ErrorMessage(err), "登录") {
		t.Errorf("expired session message %q: want it to say to sign in again", tian.ErrorMessage(err))
	}
	if _, err := ts.SessionToken(ctx, c); err != nil {
		t.Errorf("an eight-hour session ended early: %v", err)
	}
}
