package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"tian"
	"tian/internal/storecore"
)

// errSessionEnded is what a browser sees for a session that has ended.
func errSessionEnded() error { return storecore.SessionEnded() }

// CreateSession signs a live token in for ttl and returns the session's
// secret (256 random bits), for a cookie. Only its SHA-256 is stored.
// Expired sessions are purged here. EUNAUTH if the token is unknown or
// revoked, EINVALID if ttl is not positive.
func (db *DB) CreateSession(ctx context.Context, tokenID int64, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", storecore.BadSessionTTL()
	}
	secret, err := storecore.NewSecret(storecore.SessionPrefix)
	if err != nil {
		return "", internal("sqlite.CreateSession", err)
	}
	now := db.Now().UTC()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, stamp(now)); err != nil {
			return internal("sqlite.CreateSession", err)
		}
		var live int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tokens WHERE id = ? AND revoked_at = ''`, tokenID).Scan(&live); err != nil {
			return internal("sqlite.CreateSession", err)
		}
		if live == 0 {
			return storecore.NoLiveToken()
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (hash, token_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hashToken(secret), tokenID, stamp(now), stamp(now.Add(ttl)))
		if err != nil {
			return internal("sqlite.CreateSession", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// SessionToken returns the live token a session belongs to, or EUNAUTH
// when the session is unknown, expired or signed out, or its token was
// revoked.
func (db *DB) SessionToken(ctx context.Context, secret string) (*tian.APIToken, error) {
	if !strings.HasPrefix(secret, storecore.SessionPrefix) {
		return nil, errSessionEnded()
	}
	var t tian.APIToken
	err := db.db.QueryRowContext(ctx, `SELECT t.id, t.name, t.role, t.created_at, t.created_by, t.last_used
		FROM sessions s JOIN tokens t ON t.id = s.token_id
		WHERE s.hash = ? AND s.expires_at > ? AND t.revoked_at = ''`, hashToken(secret), db.now()).
		Scan(&t.ID, &t.Name, &t.Role, &t.CreatedAt, &t.CreatedBy, &t.LastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errSessionEnded()
	}
	if err != nil {
		return nil, internal("sqlite.SessionToken", err)
	}
	db.touch(ctx, &t)
	return &t, nil
}

// DeleteSession signs a session out. Signing out an unknown or ended
// session is not an error.
func (db *DB) DeleteSession(ctx context.Context, secret string) error {
	if _, err := db.db.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hashToken(secret)); err != nil {
		return internal("sqlite.DeleteSession", err)
	}
	return nil
}

// stamp formats a time as the store keeps it (UTC, RFC 3339, seconds), so
// that stamps compare as strings.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
