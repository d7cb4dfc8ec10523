// Package sqlite is tian's system of record: proposals, categories,
// undertaking units and their aliases, routings, reviewer feedback, the
// audit log and the change log that indexes catch up from. It wraps
// modernc.org/sqlite (pure Go, no cgo) in WAL mode with foreign keys on and
// full synchronous commits: a transaction that returned is on disk.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"tian"
)

// FileName is the database file inside the data directory.
const FileName = "tian.db"

// DB is the store. It is safe for concurrent use; writes are serialised
// by SQLite (transactions begin IMMEDIATE, readers never block).
type DB struct {
	db   *sql.DB
	path string
	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// Open opens (creating if needed) the store in dir and migrates its schema.
func Open(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, &tian.Error{Code: tian.EINVALID, Op: "sqlite.Open", Message: fmt.Sprintf("data directory %s: %v", dir, err), Err: err}
	}
	path := filepath.Join(dir, FileName)
	q := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	sqldb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "sqlite.Open", Message: "opening " + path, Err: err}
	}
	db := &DB{db: sqldb, path: path, Now: time.Now}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error { return db.db.Close() }

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

func (db *DB) now() string { return db.Now().UTC().Format(time.RFC3339) }

// migrations are applied in order, each in its own transaction; the
// schema version is SQLite's user_version. Append, never edit.
var migrations = []string{
	`CREATE TABLE categories (
		id    INTEGER PRIMARY KEY,
		code  TEXT NOT NULL UNIQUE,
		name  TEXT NOT NULL UNIQUE,
		scope TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE units (
		id     INTEGER PRIMARY KEY,
		name   TEXT NOT NULL UNIQUE,
		kind   TEXT NOT NULL DEFAULT '',
		duties TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE unit_aliases (
		alias   TEXT PRIMARY KEY,
		unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE
	);
	CREATE TABLE proposals (
		id            INTEGER PRIMARY KEY,
		number        TEXT NOT NULL UNIQUE CHECK (number <> ''),
		year          INTEGER NOT NULL DEFAULT 0,
		session       TEXT NOT NULL DEFAULT '',
		title         TEXT NOT NULL,
		body          TEXT NOT NULL DEFAULT '',
		proposer      TEXT NOT NULL DEFAULT '',
		proposer_type TEXT NOT NULL DEFAULT '' CHECK (proposer_type IN ('', '委员', '集体')),
		sector        TEXT NOT NULL DEFAULT '',
		category_id   INTEGER REFERENCES categories(id),
		status        TEXT NOT NULL DEFAULT '' CHECK (status IN ('', '立案', '不予立案', '并案')),
		status_reason TEXT NOT NULL DEFAULT '',
		merged_into   TEXT NOT NULL DEFAULT '',
		reply         TEXT NOT NULL DEFAULT '',
		submitted     TEXT NOT NULL DEFAULT '',
		reply_date    TEXT NOT NULL DEFAULT '',
		created_at    TEXT NOT NULL,
		updated_at    TEXT NOT NULL
	);
	CREATE INDEX proposals_year ON proposals(year);
	CREATE TABLE routings (
		proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
		unit_id     INTEGER NOT NULL REFERENCES units(id),
		role        TEXT NOT NULL CHECK (role IN ('lead', 'co')),
		ord         INTEGER NOT NULL,
		PRIMARY KEY (proposal_id, unit_id)
	);
	CREATE INDEX routings_unit ON routings(unit_id);
	CREATE TABLE changes (
		seq    INTEGER PRIMARY KEY AUTOINCREMENT,
		number TEXT NOT NULL,
		op     TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
		at     TEXT NOT NULL
	);
	CREATE TABLE feedback (
		id            INTEGER PRIMARY KEY,
		number        TEXT NOT NULL DEFAULT '',
		kind          TEXT NOT NULL CHECK (kind IN ('category', 'lead_unit', 'co_unit')),
		suggested     TEXT NOT NULL DEFAULT '',
		chosen        TEXT NOT NULL,
		accepted      INTEGER NOT NULL,
		text          TEXT NOT NULL DEFAULT '',
		model_version TEXT NOT NULL DEFAULT '',
		actor         TEXT NOT NULL,
		at            TEXT NOT NULL
	);
	CREATE TABLE audit (
		id     INTEGER PRIMARY KEY,
		at     TEXT NOT NULL,
		actor  TEXT NOT NULL,
		action TEXT NOT NULL,
		target TEXT NOT NULL DEFAULT '',
		detail TEXT NOT NULL DEFAULT ''
	);`,
	`CREATE TABLE tokens (
		id         INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		role       TEXT NOT NULL CHECK (role IN ('member', 'reviewer', 'staff', 'admin')),
		hash       TEXT NOT NULL UNIQUE,
		created_at TEXT NOT NULL,
		created_by TEXT NOT NULL,
		revoked_at TEXT NOT NULL DEFAULT '',
		last_used  TEXT NOT NULL DEFAULT ''
	);`,
}

func (db *DB) migrate(ctx context.Context) error {
	var version int
	if err := db.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return &tian.Error{Code: tian.EINTERNAL, Op: "sqlite.migrate", Message: "reading schema version of " + db.path, Err: err}
	}
	if version > len(migrations) {
		return tian.Errorf(tian.EINVALID, "%s has schema version %d; this tian knows up to %d: use a newer tian", db.path, version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v+1))
			return err
		})
		if err != nil {
			return &tian.Error{Code: tian.EINTERNAL, Op: "sqlite.migrate", Message: fmt.Sprintf("migrating %s to version %d", db.path, v+1), Err: err}
		}
	}
	return nil
}

// inTx runs fn in a write transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// audit appends to the audit log inside tx.
func (db *DB) audit(ctx context.Context, tx *sql.Tx, actor, action, target, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)`,
		db.now(), actor, action, target, detail)
	return err
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID     int64  `json:"id"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Target string `json:"target"`
	Detail string `json:"detail"`
}

// AuditLog returns the newest entries first, at most limit.
func (db *DB) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, at, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, internal("sqlite.AuditLog", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, internal("sqlite.AuditLog", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func internal(op string, err error) error {
	return &tian.Error{Code: tian.EINTERNAL, Op: op, Err: err}
}
