package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tian"
	"tian/internal/storecore"
)

// hashToken is the stored form of a secret (storecore.HashSecret).
func hashToken(secret string) string { return storecore.HashSecret(secret) }

// CreateToken implements tian.TokenStore.
func (db *DB) CreateToken(ctx context.Context, name string, role tian.Role, actor string) (string, *tian.APIToken, error) {
	if err := storecore.CheckNewToken(name, role); err != nil {
		return "", nil, err
	}
	secret, err := storecore.NewSecret(storecore.TokenPrefix)
	if err != nil {
		return "", nil, internal("sqlite.CreateToken", err)
	}
	t := &tian.APIToken{Name: name, Role: role.String(), CreatedAt: db.now(), CreatedBy: actor}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO tokens (name, role, hash, created_at, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			t.Name, t.Role, hashToken(secret), t.CreatedAt, actor).Scan(&t.ID)
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "tokens.create", fmt.Sprint(t.ID), t.Name+" "+t.Role)
	})
	if err != nil {
		return "", nil, internal("sqlite.CreateToken", err)
	}
	return secret, t, nil
}

// Tokens implements tian.TokenStore.
func (db *DB) Tokens(ctx context.Context) ([]tian.APIToken, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, name, role, created_at, created_by, revoked_at, last_used FROM tokens ORDER BY id`)
	if err != nil {
		return nil, internal("sqlite.Tokens", err)
	}
	defer rows.Close()
	var out []tian.APIToken
	for rows.Next() {
		var t tian.APIToken
		if err := rows.Scan(&t.ID, &t.Name, &t.Role, &t.CreatedAt, &t.CreatedBy, &t.RevokedAt, &t.LastUsed); err != nil {
			return nil, internal("sqlite.Tokens", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken implements tian.TokenStore. The token's browser sessions
// end with it.
func (db *DB) RevokeToken(ctx context.Context, id int64, actor string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''`, db.now(), id)
		if err != nil {
			return internal("sqlite.RevokeToken", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return storecore.NoSuchToken(id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_id = ?`, id); err != nil {
			return internal("sqlite.RevokeToken", err)
		}
		return db.audit(ctx, tx, actor, "tokens.revoke", fmt.Sprint(id), "")
	})
}

// Authenticate implements tian.TokenStore. It records when the token was
// last used, at most once a minute.
func (db *DB) Authenticate(ctx context.Context, secret string) (*tian.APIToken, error) {
	var t tian.APIToken
	err := db.db.QueryRowContext(ctx, `SELECT id, name, role, created_at, created_by, last_used FROM tokens
		WHERE hash = ? AND revoked_at = ''`, hashToken(secret)).Scan(&t.ID, &t.Name, &t.Role, &t.CreatedAt, &t.CreatedBy, &t.LastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, storecore.NoToken()
	}
	if err != nil {
		return nil, internal("sqlite.Authenticate", err)
	}
	db.touch(ctx, &t)
	return &t, nil
}

// lastUsedEvery is how stale tokens.last_used may grow: a busy token
// writes it once a minute, not on every request.
const lastUsedEvery = time.Minute

// touch records that t was just used, when its last use is older than
// lastUsedEvery. It is best effort: a request is not refused because the
// disk is full or the database busy, so a failure is ignored, nor kept
// waiting while a write of this process (an import) holds the store.
func (db *DB) touch(ctx context.Context, t *tian.APIToken) {
	if db.writing.Load() > 0 { // the UPDATE would wait for it: seconds, behind a large import
		return
	}
	now := db.Now()
	if last, err := time.Parse(time.RFC3339, t.LastUsed); err == nil && now.Sub(last) < lastUsedEvery {
		return
	}
	t.LastUsed = stamp(now)
	db.db.ExecContext(ctx, `UPDATE tokens SET last_used = ?1 WHERE id = ?2 AND last_used < ?1`, t.LastUsed, t.ID)
}

// Audit implements tian.TokenStore.
func (db *DB) Audit(ctx context.Context, actor, action, target, detail string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.audit(ctx, tx, actor, action, target, detail) })
}

var _ tian.TokenStore = (*DB)(nil)
