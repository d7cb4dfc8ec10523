package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tian"
	"tian/internal/storecore"
)

// Tokens and sessions live in the database, so that a browser signed in
// through one replica is signed in on every replica, and a token revoked
// on one is refused by all at once.

var _ tian.TokenStore = (*DB)(nil)

// CreateToken implements tian.TokenStore: only the secret's hash is kept.
func (db *DB) CreateToken(ctx context.Context, name string, role tian.Role, actor string) (string, *tian.APIToken, error) {
	const op = "postgres.CreateToken"
	if err := storecore.CheckNewToken(name, role); err != nil {
		return "", nil, err
	}
	secret, err := storecore.NewSecret(storecore.TokenPrefix)
	if err != nil {
		return "", nil, internal(op, err)
	}
	now := db.now()
	t := &tian.APIToken{Name: name, Role: role.String(), CreatedAt: stamp(now), CreatedBy: actor}
	err = db.inTx(ctx, op, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO tokens (name, role, hash, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			t.Name, t.Role, storecore.HashSecret(secret), now, actor).Scan(&t.ID); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "tokens.create", fmt.Sprint(t.ID), t.Name+" "+t.Role)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

const tokenColumns = `t.id, t.name, t.role, t.created_at, t.created_by, t.revoked_at, t.last_used`

func scanToken(row pgx.Row) (*tian.APIToken, error) {
	var t tian.APIToken
	var created time.Time
	var revoked, used *time.Time
	if err := row.Scan(&t.ID, &t.Name, &t.Role, &created, &t.CreatedBy, &revoked, &used); err != nil {
		return nil, err
	}
	t.CreatedAt = stamp(created)
	if revoked != nil {
		t.RevokedAt = stamp(*revoked)
	}
	if used != nil {
		t.LastUsed = stamp(*used)
	}
	return &t, nil
}

// Tokens implements tian.TokenStore, revoked tokens included, by id.
func (db *DB) Tokens(ctx context.Context) ([]tian.APIToken, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+tokenColumns+` FROM tokens t ORDER BY t.id`)
	if err != nil {
		return nil, classify("postgres.Tokens", err)
	}
	defer rows.Close()
	out := []tian.APIToken{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, classify("postgres.Tokens", err)
		}
		out = append(out, *t)
	}
	return out, classify("postgres.Tokens", rows.Err())
}

// RevokeToken implements tian.TokenStore; the token's sessions end with it.
func (db *DB) RevokeToken(ctx context.Context, id int64, actor string) error {
	return db.inTx(ctx, "postgres.RevokeToken", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, db.now(), id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return storecore.NoSuchToken(id)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_id = $1`, id); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "tokens.revoke", fmt.Sprint(id), "")
	})
}

// Authenticate implements tian.TokenStore.
func (db *DB) Authenticate(ctx context.Context, secret string) (*tian.APIToken, error) {
	t, err := scanToken(db.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens t
		WHERE t.hash = $1 AND t.revoked_at IS NULL`, storecore.HashSecret(secret)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, storecore.NoToken()
	}
	if err != nil {
		return nil, classify("postgres.Authenticate", err)
	}
	db.touch(ctx, t)
	return t, nil
}

// lastUsedEvery is how stale tokens.last_used may grow: a busy token
// writes it once a minute, not on every request.
const lastUsedEvery = time.Minute

// touch records, best effort, that t was just used, when its last use is
// older than lastUsedEvery. It takes no write lock: the update of one row
// races nothing an import reads, and a failure is ignored.
func (db *DB) touch(ctx context.Context, t *tian.APIToken) {
	now := db.now()
	if last, err := time.Parse(time.RFC3339, t.LastUsed); err == nil && now.Sub(last) < lastUsedEvery {
		return
	}
	t.LastUsed = stamp(now)
	db.pool.Exec(ctx, `UPDATE tokens SET last_used = $1 WHERE id = $2 AND (last_used IS NULL OR last_used < $1)`, now, t.ID)
}

// Audit implements tian.TokenStore.
func (db *DB) Audit(ctx context.Context, actor, action, target, detail string) error {
	return db.inTx(ctx, "postgres.Audit", func(tx pgx.Tx) error { return db.audit(ctx, tx, actor, action, target, detail) })
}

// CreateSession implements tian.TokenStore; expired sessions are purged
// here.
func (db *DB) CreateSession(ctx context.Context, tokenID int64, ttl time.Duration) (string, error) {
	const op = "postgres.CreateSession"
	if ttl <= 0 {
		return "", storecore.BadSessionTTL()
	}
	secret, err := storecore.NewSecret(storecore.SessionPrefix)
	if err != nil {
		return "", internal(op, err)
	}
	now := db.now()
	err = db.inTx(ctx, op, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now); err != nil {
			return err
		}
		var live bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tokens WHERE id = $1 AND revoked_at IS NULL)`, tokenID).Scan(&live); err != nil {
			return err
		}
		if !live {
			return storecore.NoLiveToken()
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (hash, token_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			storecore.HashSecret(secret), tokenID, now, now.Add(ttl))
		return err
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// SessionToken implements tian.TokenStore.
func (db *DB) SessionToken(ctx context.Context, secret string) (*tian.APIToken, error) {
	if !strings.HasPrefix(secret, storecore.SessionPrefix) {
		return nil, storecore.SessionEnded()
	}
	t, err := scanToken(db.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM sessions s JOIN tokens t ON t.id = s.token_id
		WHERE s.hash = $1 AND s.expires_at > $2 AND t.revoked_at IS NULL`, storecore.HashSecret(secret), db.now()))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, storecore.SessionEnded()
	}
	if err != nil {
		return nil, classify("postgres.SessionToken", err)
	}
	db.touch(ctx, t)
	return t, nil
}

// DeleteSession implements tian.TokenStore; an unknown session is no
// error.
func (db *DB) DeleteSession(ctx context.Context, secret string) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE hash = $1`, storecore.HashSecret(secret))
	return classify("postgres.DeleteSession", err)
}
