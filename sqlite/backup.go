package sqlite

import (
	"context"
	"os"

	"tian"
)

// Backup writes a consistent copy of the database to path while it stays
// online (SQLite's VACUUM INTO). path must not exist.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return tian.Errorf(tian.ECONFLICT, "%s exists; back up into a new place", path)
	}
	if _, err := db.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return &tian.Error{Code: tian.EINTERNAL, Op: "sqlite.Backup", Message: "backing up to " + path, Err: err}
	}
	return nil
}

// Counts returns the number of rows of each table, for comparing a
// restored store with its original.
func (db *DB) Counts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, table := range []string{"proposals", "categories", "units", "unit_aliases", "routings", "feedback", "audit", "tokens", "changes"} {
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
		return tian.Errorf(tian.EINTERNAL, "integrity check: %s", res)
	}
	rows, err := db.db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return internal("sqlite.Check", err)
	}
	defer rows.Close()
	if rows.Next() {
		return tian.Errorf(tian.EINTERNAL, "foreign key check found a dangling reference")
	}
	return rows.Err()
}
