// Package sqlite is tian's system of record: proposals, categories,
// undertaking units and their aliases, routings, reviewer feedback, the
// audit log and the change log that indexes catch up from. It wraps
// modernc.org/sqlite (pure Go, no cgo) in WAL mode with foreign keys on and
// full synchronous commits: a transaction that returned is on disk.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"tian"
	"tian/internal/storecore"
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
	// writing counts the write transactions open in this process; touch
	// leaves last_used alone meanwhile rather than wait for them.
	writing atomic.Int32
}

// Open opens (creating if needed) the store in dir and migrates its schema.
// The folder, if Open creates it, is the owner's only (0700), and so are
// the database, its WAL and its shared-memory file (0600), whatever the
// umask: they hold unpublished proposals and token hashes. Deleted content
// is overwritten (secure_delete), not left in free pages.
func Open(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, &tian.Error{Code: tian.EINVALID, Op: "sqlite.Open", Message: fmt.Sprintf("无法创建数据目录 %s：%v", dir, err), Err: err}
	}
	path := filepath.Join(dir, FileName)
	// SQLite gives the WAL and shared-memory files the database's mode, so
	// a database created private keeps them private.
	if err := createPrivate(path); err != nil {
		return nil, &tian.Error{Code: tian.EINVALID, Op: "sqlite.Open", Message: "无法创建数据库文件 " + path, Err: err}
	}
	sqldb, err := sql.Open("sqlite", dsn(path, "foreign_keys(1)", "journal_mode(WAL)", "synchronous(FULL)", "secure_delete(1)"))
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "sqlite.Open", Message: "无法打开 " + path, Err: err}
	}
	db := &DB{db: sqldb, path: path, Now: time.Now}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	if err := makePrivate(path); err != nil {
		sqldb.Close()
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "sqlite.Open", Message: "无法将 " + path + " 设为仅本用户可读写", Err: err}
	}
	return db, nil
}

// OpenReadOnly opens a database file, such as a backup, for reading only:
// no migration, no write. ENOTFOUND if there is no such file.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, &tian.Error{Code: tian.ENOTFOUND, Op: "sqlite.OpenReadOnly", Message: "数据库文件 " + path + " 不存在", Err: err}
	}
	sqldb, err := sql.Open("sqlite", dsn(path, "query_only(1)")+"&mode=ro")
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "sqlite.OpenReadOnly", Message: "无法打开 " + path, Err: err}
	}
	db := &DB{db: sqldb, path: path, Now: time.Now}
	var version int
	if err := sqldb.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		sqldb.Close()
		return nil, &tian.Error{Code: tian.EINVALID, Op: "sqlite.OpenReadOnly", Message: path + " 不是 tian 的数据库", Err: err}
	}
	if version > len(migrations) {
		sqldb.Close()
		return nil, tian.Errorf(tian.EINVALID, "%s 的数据库版本为 %d，本程序只支持到 %d：请使用更新版本的 tian", path, version, len(migrations))
	}
	return db, nil
}

// dsn is the driver's name for the file at path with these pragmas, a busy
// timeout and write transactions that begin IMMEDIATE.
func dsn(path string, pragmas ...string) string {
	q := url.Values{}
	for _, p := range append(pragmas, "busy_timeout(10000)") {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// createPrivate creates an empty file at path, readable and writable by
// its owner only, unless there is a file already.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// makePrivate sets the database and its WAL and shared-memory files, those
// that exist, to 0600: a database made by an older tian may be readable by
// all, and the umask may have narrowed the mode further.
func makePrivate(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
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
	// browser sessions: only the hash of the secret is kept
	`CREATE TABLE sessions (
		hash       TEXT PRIMARY KEY,
		token_id   INTEGER NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
		created_at TEXT NOT NULL,
		expires_at TEXT NOT NULL
	);
	CREATE INDEX sessions_token ON sessions(token_id);
	CREATE INDEX sessions_expires ON sessions(expires_at);`,
	// pages of proposals by number (ListProposals): a year's, a
	// category's and a year's category's proposals in number order, their
	// ids straight from the index; and the merges into a proposal
	// (DeleteProposal) without reading every row
	`DROP INDEX proposals_year;
	CREATE INDEX proposals_year_number ON proposals(year, number);
	CREATE INDEX proposals_category_number ON proposals(category_id, number);
	CREATE INDEX proposals_year_category_number ON proposals(year, category_id, number);
	CREATE INDEX proposals_merged_into ON proposals(merged_into);`,
	// curated groups for joint consultation (并案), a versioned draft per
	// year until confirmed; members name proposals by number without a
	// foreign key, so that deleting a proposal never changes a confirmed
	// group silently (it shows as missing); the grouping threshold learnt
	// from confirmed years
	`CREATE TABLE group_years (
		year         INTEGER PRIMARY KEY,
		version      INTEGER NOT NULL CHECK (version > 0),
		saved_at     TEXT NOT NULL,
		saved_by     TEXT NOT NULL,
		confirmed_at TEXT NOT NULL DEFAULT '',
		confirmed_by TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE curated_groups (
		year      INTEGER NOT NULL REFERENCES group_years(year) ON DELETE CASCADE,
		id        TEXT NOT NULL CHECK (id <> ''),
		ord       INTEGER NOT NULL,
		name      TEXT NOT NULL CHECK (name <> ''),
		lead_unit TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (year, id)
	);
	CREATE TABLE curated_members (
		number   TEXT PRIMARY KEY,
		year     INTEGER NOT NULL,
		group_id TEXT NOT NULL,
		ord      INTEGER NOT NULL,
		FOREIGN KEY (year, group_id) REFERENCES curated_groups(year, id) ON DELETE CASCADE
	);
	CREATE INDEX curated_members_group ON curated_members(year, group_id, ord);
	CREATE TABLE group_tuning (
		id          INTEGER PRIMARY KEY CHECK (id = 1),
		threshold   REAL NOT NULL,
		years       TEXT NOT NULL,
		f1          REAL NOT NULL,
		previous    REAL NOT NULL,
		previous_f1 REAL NOT NULL,
		at          TEXT NOT NULL
	);`,
	// import batches (batch.go): each committed import, and for each
	// proposal it added or updated the version it replaced (JSON) and a
	// hash of what it wrote, so that it can be undone and a later change
	// noticed; records that are not proposals (a message board), marked
	// by the rule of tian.Proposal.IsProposal, also in the rows already
	// stored
	`CREATE TABLE batches (
		id             INTEGER PRIMARY KEY,
		file           TEXT NOT NULL,
		actor          TEXT NOT NULL,
		at             TEXT NOT NULL,
		rows           INTEGER NOT NULL DEFAULT 0,
		added          INTEGER NOT NULL DEFAULT 0,
		updated        INTEGER NOT NULL DEFAULT 0,
		unchanged      INTEGER NOT NULL DEFAULT 0,
		rejected       INTEGER NOT NULL DEFAULT 0,
		not_proposals  INTEGER NOT NULL DEFAULT 0,
		new_categories TEXT NOT NULL DEFAULT '[]',
		new_units      TEXT NOT NULL DEFAULT '[]',
		undone_at      TEXT NOT NULL DEFAULT '',
		undone_by      TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE batch_items (
		batch_id   INTEGER NOT NULL REFERENCES batches(id),
		number     TEXT NOT NULL,
		action     TEXT NOT NULL CHECK (action IN ('added', 'updated')),
		before     TEXT NOT NULL DEFAULT '',
		after_hash TEXT NOT NULL,
		PRIMARY KEY (batch_id, number)
	);
	CREATE INDEX batch_items_number ON batch_items(number, batch_id);
	ALTER TABLE proposals ADD COLUMN not_proposal INTEGER NOT NULL DEFAULT 0;
	UPDATE proposals SET not_proposal = 1 WHERE status = '' AND status_reason = '' AND merged_into = ''
		AND proposer_type = '' AND sector = '' AND session = ''
		AND NOT EXISTS (SELECT 1 FROM routings r WHERE r.proposal_id = proposals.id);`,
	// statistics (Stats): a year's or all years' proposals grouped by
	// proposer type, sector, category and status straight from the index,
	// in its order, without reading the table
	`CREATE INDEX proposals_stats ON proposals(year, not_proposal, proposer_type, sector, category_id, status);`,
	// the number as the office wrote it (第0123号, 〔2024〕123号), kept for
	// display beside the canonical number (tian.Proposal.WrittenNumber)
	`ALTER TABLE proposals ADD COLUMN written_number TEXT NOT NULL DEFAULT '';`,
	// the similarity a tuned grouping threshold was learnt on
	// (tian.GroupTuning.Scale): a threshold is only valid on its scale
	`ALTER TABLE group_tuning ADD COLUMN scale TEXT NOT NULL DEFAULT '';`,
	// the committee's own dictionary (tian.Word): accepted words are cut
	// whole, rejected ones are not suggested again
	`CREATE TABLE words (
		word TEXT PRIMARY KEY,
		status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
		note TEXT NOT NULL DEFAULT '',
		decided_by TEXT NOT NULL,
		decided_at TEXT NOT NULL
	);`,
}

func (db *DB) migrate(ctx context.Context) error {
	var version int
	if err := db.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return &tian.Error{Code: tian.EINTERNAL, Op: "sqlite.migrate", Message: "无法读取 " + db.path + " 的数据库版本", Err: err}
	}
	if version > len(migrations) {
		return tian.Errorf(tian.EINVALID, "%s 的数据库版本为 %d，本程序只支持到 %d：请使用更新版本的 tian", db.path, version, len(migrations))
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
			return &tian.Error{Code: tian.EINTERNAL, Op: "sqlite.migrate", Message: fmt.Sprintf("将 %s 升级到第 %d 版数据库结构失败", db.path, v+1), Err: err}
		}
	}
	return nil
}

// inTx runs fn in a write transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	db.writing.Add(1)
	defer db.writing.Add(-1)
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return diskFull(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return diskFull(err)
	}
	return diskFull(tx.Commit())
}

// diskFull turns SQLite's "database or disk is full" (and ENOSPC from the
// file system) into ENOSPACE: the transaction was rolled back, nothing
// was written, and the caller can say so instead of "internal error".
func diskFull(err error) error {
	if e := busy(err); e != err {
		return e
	}
	var se *sqlite.Error
	full := errors.Is(err, syscall.ENOSPC) || errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL
	if !full {
		return err
	}
	return &tian.Error{Code: tian.ENOSPACE, Op: "sqlite", Err: err,
		Message: "数据目录所在磁盘已满，本次写入未执行（已回滚）；查询不受影响。请清理磁盘后重试。"}
}

// busy turns SQLITE_BUSY, another write (a long import or undo) holding
// the store past the busy timeout, into EUNAVAILABLE: nothing was written,
// and the write can be sent again once the other is done.
func busy(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY {
		return err
	}
	return &tian.Error{Code: tian.EUNAVAILABLE, Op: "sqlite", Err: err,
		Message: "另一项导入或撤销正在写入数据库，本次写入未执行；请待其完成后重试"}
}

// audit appends to the audit log inside tx.
func (db *DB) audit(ctx context.Context, tx *sql.Tx, actor, action, target, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)`,
		db.now(), actor, action, target, detail)
	return err
}

// AuditEntry is one line of the audit log.
type AuditEntry = storecore.AuditEntry

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
	if e := diskFull(err); e != err {
		return e
	}
	return &tian.Error{Code: tian.EINTERNAL, Op: op, Err: err}
}
