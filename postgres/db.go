// Package postgres is tian's system of record on PostgreSQL, beside the
// embedded SQLite (package sqlite): the same schema concepts and the same
// behaviour (the contract of package storetest), for an office that runs
// several tian replicas on one database that replicates, fails over and
// is backed up with PostgreSQL's own tools. It uses pgx's pool.
//
// Writes are serialised, as SQLite's are: every write transaction first
// takes a transaction-scoped advisory lock of its schema. An import then
// reads the state it judges against without racing another, and the
// change log's sequence numbers are handed out in commit order, so a
// replica reading the log after its last sequence number never misses a
// change committed late with a smaller one. Reads never wait for it.
//
// It implements everything office.Store composes (tian.Store, import
// batches with undo, statistics of other records, the committee's words,
// catalogue loads, feedback, and Backup through pg_dump), tokens and
// sessions (tian.TokenStore: any replica accepts them) and curated groups
// (tian.GroupStore). Unlike sqlite's, its lists are [] when empty, never
// nil. Counts counts sqlite's tables, for comparing a copied store. Not
// yet here: Check (sqlite's integrity check of a restored file), and the
// wiring into cmd/tian and the office.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"tian"
	"tian/internal/storecore"
)

// DB is the store. It is safe for concurrent use.
type DB struct {
	pool *pgxpool.Pool
	url  string
	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// Open connects to the database at url (postgres://user@host:port/db?…;
// a search_path parameter chooses the schema) with a pool, and migrates
// its schema.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, &tian.Error{Code: tian.EINVALID, Op: "postgres.Open", Message: "PostgreSQL 连接地址无效：" + err.Error(), Err: err}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, &tian.Error{Code: tian.EUNAVAILABLE, Op: "postgres.Open", Message: "无法连接 PostgreSQL 数据库", Err: err}
	}
	db := &DB{pool: pool, url: url, Now: time.Now}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// URL is the connection string the store was opened with.
func (db *DB) URL() string { return db.url }

// Close closes the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// stamp is a stored time as the store's interfaces give it (RFC 3339,
// UTC, seconds), as SQLite stores it.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// migrationLock is the advisory lock key under which a schema migrates,
// so that replicas starting together migrate once.
const migrationLock = 0x7469616e_6d696772 // "tianmigr"

func (db *DB) migrate(ctx context.Context) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return unavailable("postgres.migrate", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
		return internal("postgres.migrate", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		id      integer PRIMARY KEY CHECK (id = 1),
		version integer NOT NULL)`); err != nil {
		return internal("postgres.migrate", err)
	}
	var version int
	err = tx.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&version)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return internal("postgres.migrate", err)
	}
	if version > len(migrations) {
		return tian.Errorf(tian.EINVALID, "PostgreSQL 中的数据库版本为 %d，本程序只支持到 %d：请使用更新版本的 tian", version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		if _, err := tx.Exec(ctx, migrations[v]); err != nil {
			return &tian.Error{Code: tian.EINTERNAL, Op: "postgres.migrate", Message: fmt.Sprintf("升级到第 %d 版数据库结构失败", v+1), Err: err}
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_version (id, version) VALUES (1, $1)
		ON CONFLICT (id) DO UPDATE SET version = excluded.version`, len(migrations)); err != nil {
		return internal("postgres.migrate", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return internal("postgres.migrate", err)
	}
	return nil
}

// inTx runs fn in a write transaction, committing when it returns nil.
// It first takes the schema's write lock (see the package comment).
func (db *DB) inTx(ctx context.Context, op string, fn func(pgx.Tx) error) error {
	tx, err := db.begin(ctx, op)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return classify(op, err)
	}
	return classify(op, tx.Commit(ctx))
}

// begin starts a write transaction holding the schema's write lock.
func (db *DB) begin(ctx context.Context, op string) (pgx.Tx, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, classify(op, err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('tian.write.' || current_schema(), 0))`); err != nil {
		tx.Rollback(ctx)
		return nil, classify(op, err)
	}
	return tx, nil
}

// classify gives a database error its code: a full disk is ENOSPACE, a
// server that is not there or shutting down EUNAVAILABLE (nothing was
// committed; the write can be sent again), anything else EINTERNAL. An
// error that has a code already keeps it.
func classify(op string, err error) error {
	var te *tian.Error
	if err == nil || errors.As(err, &te) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100": // disk_full
			return &tian.Error{Code: tian.ENOSPACE, Op: op, Err: err,
				Message: "数据库服务器磁盘已满，本次写入未执行（已回滚）；查询不受影响。请清理磁盘后重试。"}
		case pe.Code[:2] == "57" || pe.Code[:2] == "08" || pe.Code == "40001" || pe.Code == "40P01":
			return unavailable(op, err)
		}
		return internal(op, err)
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return unavailable(op, err)
	}
	return internal(op, err)
}

func unavailable(op string, err error) error {
	return &tian.Error{Code: tian.EUNAVAILABLE, Op: op, Err: err,
		Message: "暂时无法访问 PostgreSQL 数据库，本次操作未执行；请稍后重试"}
}

func internal(op string, err error) error {
	return &tian.Error{Code: tian.EINTERNAL, Op: op, Err: err}
}

// audit appends to the audit log inside tx.
func (db *DB) audit(ctx context.Context, tx pgx.Tx, actor, action, target, detail string) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)`,
		db.now(), actor, action, target, detail)
	return err
}

// AuditEntry is one line of the audit log.
type AuditEntry = storecore.AuditEntry

// AuditLog returns the newest entries first, at most limit.
func (db *DB) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, at, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, classify("postgres.AuditLog", err)
	}
	out := []AuditEntry{}
	var at time.Time
	var e AuditEntry
	_, err = pgx.ForEachRow(rows, []any{&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Detail}, func() error {
		e.At = stamp(at)
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, classify("postgres.AuditLog", err)
	}
	return out, nil
}
