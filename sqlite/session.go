package sqlite

import (
	"context"
	"time"

	"tian"
)

// Placeholders until browser sessions are stored (being written now).

func (db *DB) CreateSession(ctx context.Context, tokenID int64, ttl time.Duration) (string, error) {
	return "", tian.Errorf(tian.EINTERNAL, "sessions are not stored yet")
}

func (db *DB) SessionToken(ctx context.Context, secret string) (*tian.APIToken, error) {
	return nil, tian.Errorf(tian.EUNAUTH, "sessions are not stored yet")
}

func (db *DB) DeleteSession(ctx context.Context, secret string) error { return nil }
