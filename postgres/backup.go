package postgres

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"tian"
)

// Backup writes a consistent copy of the store's schema to path while it
// stays online, in pg_dump's custom format (pg_restore reads it back):
// PostgreSQL's own tool, run on one snapshot, rather than a copy of
// tian's making. path must not exist (ECONFLICT); the copy is the
// owner's only (0600), as is its folder if Backup creates it. pg_dump
// must be on PATH (Debian's postgresql-client); without it Backup is
// EUNAVAILABLE and says so.
func (db *DB) Backup(ctx context.Context, path string) error {
	const op = "postgres.Backup"
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		return &tian.Error{Code: tian.EUNAVAILABLE, Op: op, Err: err,
			Message: "未找到 pg_dump：请安装 PostgreSQL 客户端（Debian 的 postgresql-client）后再备份"}
	}
	var schema string
	if err := db.pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return classify(op, err)
	}
	conn, password, err := libpqURL(db.url)
	if err != nil {
		return &tian.Error{Code: tian.EINVALID, Op: op, Message: "PostgreSQL 连接地址无效：" + err.Error(), Err: err}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return &tian.Error{Code: tian.EINVALID, Op: op, Message: "无法创建备份目录 " + filepath.Dir(path), Err: err}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return tian.Errorf(tian.ECONFLICT, "%s 已存在：请备份到新的位置", path)
	}
	if err != nil {
		return &tian.Error{Code: tian.EINVALID, Op: op, Message: "无法创建备份文件 " + path, Err: err}
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, pgDump, "--format=custom", "--no-owner", "--no-privileges",
		"--schema="+`"`+strings.ReplaceAll(schema, `"`, `""`)+`"`, "--dbname="+conn)
	cmd.Stdout, cmd.Stderr = f, &stderr
	if password != "" { // in the environment, not on a command line others can read
		cmd.Env = append(os.Environ(), "PGPASSWORD="+password)
	}
	err = cmd.Run()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 300 {
			msg = msg[:300]
		}
		return &tian.Error{Code: tian.EINTERNAL, Op: op, Message: "备份到 " + path + " 失败：" + msg, Err: err}
	}
	return nil
}

// libpqURL is a pgx connection URL as libpq (pg_dump) takes it: without
// the parameters only pgx knows (search_path, the pool's), and without
// the password, returned apart.
func libpqURL(raw string) (conn, password string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", err
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return "", "", errors.New("not a postgres:// URL")
	}
	if u.User != nil {
		password, _ = u.User.Password()
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	for k := range q {
		if k == "search_path" || strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), password, nil
}

// countedTables are the tables Counts counts: sqlite.DB.Counts's, so that
// a store copied from one engine to the other compares table by table.
var countedTables = []string{"proposals", "categories", "units", "unit_aliases", "routings", "feedback", "audit", "tokens", "sessions", "changes", "words"}

// Counts returns the number of rows of each table, read in one snapshot,
// for comparing a copied store with its original.
func (db *DB) Counts(ctx context.Context) (map[string]int, error) {
	out := make(map[string]int, len(countedTables))
	err := db.snapshot(ctx, "postgres.Counts", func(tx pgx.Tx) error {
		for _, table := range countedTables {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
				return err
			}
			out[table] = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Check confirms that the server answers and the schema is at this
// program's version. It is sqlite.DB.Check's counterpart; the rest of
// what SQLite's integrity check looks for (torn pages, broken indexes,
// dangling references) PostgreSQL guards itself, with its write-ahead
// log, page checksums (initdb --data-checksums) and the schema's foreign
// keys.
func (db *DB) Check(ctx context.Context) error {
	var version int
	if err := db.pool.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&version); err != nil {
		return classify("postgres.Check", err)
	}
	if version != len(migrations) {
		return tian.Errorf(tian.EINTERNAL, "PostgreSQL 中的数据库结构为第 %d 版，本程序为第 %d 版", version, len(migrations))
	}
	return nil
}
