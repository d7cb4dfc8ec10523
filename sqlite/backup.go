package sqlite

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"tian"
)

// Backup writes a consistent copy of the database to path while it stays
// online (SQLite's VACUUM INTO). path must not exist (ECONFLICT). The copy
// is the owner's only (0600), as is its folder if Backup creates it.
func (db *DB) Backup(ctx context.Context, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return &tian.Error{Code: tian.EINVALID, Op: "sqlite.Backup", Message: "无法创建备份目录 " + filepath.Dir(path), Err: err}
	}
	// VACUUM INTO writes into an empty file: create it private, and
	// atomically refuse one that exists.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return tian.Errorf(tian.ECONFLICT, "%s 已存在：请备份到新的位置", path)
	}
	if err != nil {
		return &tian.Error{Code: tian.EINVALID, Op: "sqlite.Backup", Message: "无法创建备份文件 " + path, Err: err}
	}
	f.Close()
	if err := os.Chmod(path, 0o600); err != nil {
		os.Remove(path)
		return &tian.Error{Code: tian.EINTERNAL, Op: "sqlite.Backup", Message: "备份到 " + path + " 失败", Err: err}
	}
	if _, err := db.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return &tian.Error{Code: tian.EINTERNAL, Op: "sqlite.Backup", Message: "备份到 " + path + " 失败", Err: err}
	}
	return nil
}

// Counts returns the number of rows of each table, for comparing a
// restored store with its original. A table the file's schema version
// does not have yet is left out.
func (db *DB) Counts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, table := range []string{"proposals", "categories", "units", "unit_aliases", "routings", "feedback", "audit", "tokens", "sessions", "changes", "words"} {
		var exists int
		if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&exists); err != nil {
			return nil, internal("sqlite.Counts", err)
		}
		if exists == 0 {
			continue
		}
		var n int
		if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			return nil, internal("sqlite.Counts", err)
		}
		out[table] = n
	}
	return out, nil
}

// Check runs SQLite's integrity check and the foreign-key check; it
// returns an EINTERNAL error describing the first problem.
func (db *DB) Check(ctx context.Context) error {
	var res string
	if err := db.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return internal("sqlite.Check", err)
	}
	if res != "ok" {
		return tian.Errorf(tian.EINTERNAL, "数据库完整性检查未通过：%s", res)
	}
	rows, err := db.db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return internal("sqlite.Check", err)
	}
	defer rows.Close()
	if rows.Next() {
		return tian.Errorf(tian.EINTERNAL, "外键检查未通过：有记录引用了不存在的数据")
	}
	return rows.Err()
}
