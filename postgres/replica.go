package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"tian"
)

var (
	_ tian.ChangeWatcher = (*DB)(nil)
	_ tian.ModelFiles    = (*DB)(nil)
	_ tian.JobLocker     = (*DB)(nil)
)

// changesChannel is the NOTIFY channel of the schema's change log: every
// transaction that logs a change notifies it once (PostgreSQL folds the
// same notification sent twice in one transaction), at commit.
const changesChannel = "tian_changes"

// connect opens a connection of its own (not the pool's), for a LISTEN or
// a session-held lock that lasts as long as it does.
func (db *DB) connect(ctx context.Context) (*pgx.Conn, error) {
	return pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
}

// WatchChanges implements tian.ChangeWatcher with LISTEN on a connection
// of its own.
func (db *DB) WatchChanges(ctx context.Context, changed func()) error {
	conn, err := db.connect(ctx)
	if err != nil {
		return unavailable("postgres.WatchChanges", err)
	}
	defer conn.Close(context.Background())
	var channel string
	if err := conn.QueryRow(ctx, `SELECT '`+changesChannel+`.' || current_schema()`).Scan(&channel); err != nil {
		return classify("postgres.WatchChanges", err)
	}
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{channel}.Sanitize()); err != nil {
		return classify("postgres.WatchChanges", err)
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return unavailable("postgres.WatchChanges", err)
		}
		changed()
	}
}

// ModelsVersion implements tian.ModelFiles.
func (db *DB) ModelsVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM model_version`).Scan(&v)
	return v, classify("postgres.ModelsVersion", err)
}

// ReadModels implements tian.ModelFiles, reading the files and their
// version in one snapshot.
func (db *DB) ReadModels(ctx context.Context) (int64, map[string][]byte, error) {
	var version int64
	files := map[string][]byte{}
	err := db.snapshot(ctx, "postgres.ReadModels", func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM model_version`).Scan(&version); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT name, data FROM model_files`)
		if err != nil {
			return err
		}
		var name string
		var data []byte
		_, err = pgx.ForEachRow(rows, []any{&name, &data}, func() error {
			files[name] = append([]byte(nil), data...)
			return nil
		})
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return version, files, nil
}

// SaveModels implements tian.ModelFiles.
func (db *DB) SaveModels(ctx context.Context, files map[string][]byte, actor string) (int64, error) {
	if len(files) == 0 {
		return 0, tian.Errorf(tian.EINVALID, "没有要保存的模型文件")
	}
	var version int64
	err := db.inTx(ctx, "postgres.SaveModels", func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) + 1 FROM model_version`).Scan(&version); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM model_files`); err != nil {
			return err
		}
		size := 0
		for name, data := range files {
			if _, err := tx.Exec(ctx, `INSERT INTO model_files (name, data, version) VALUES ($1, $2, $3)`, name, data, version); err != nil {
				return err
			}
			size += len(data)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO model_version (id, version, saved_at, saved_by) VALUES (1, $1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET version = excluded.version, saved_at = excluded.saved_at, saved_by = excluded.saved_by`,
			version, db.now(), actor); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "models.save", fmt.Sprint(version), fmt.Sprintf("%d files, %d bytes", len(files), size))
	})
	if err != nil {
		return 0, err
	}
	return version, nil
}

// LockJob implements tian.JobLocker with a session-level advisory lock on
// a connection of its own: the lock goes with the connection when the
// process holding it dies.
func (db *DB) LockJob(ctx context.Context, job string, wait bool) (func(), error) {
	conn, err := db.connect(ctx)
	if err != nil {
		return nil, unavailable("postgres.LockJob", err)
	}
	const key = `hashtextextended('tian.job.' || current_schema() || '.' || $1, 0)`
	if wait {
		_, err = conn.Exec(ctx, `SELECT pg_advisory_lock(`+key+`)`, job)
	} else {
		var ok bool
		if err = conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(`+key+`)`, job).Scan(&ok); err == nil && !ok {
			conn.Close(context.Background())
			return nil, tian.Errorf(tian.ECONFLICT, "另一个 tian 副本正在进行此项工作（%s），请稍后再试", jobName(job))
		}
	}
	if err != nil {
		conn.Close(context.Background())
		return nil, classify("postgres.LockJob", err)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		// closing the connection frees the lock whatever the unlock did
		conn.Exec(ctx, `SELECT pg_advisory_unlock(`+key+`)`, job)
		conn.Close(ctx)
	}, nil
}

// jobName is a job as the office calls it.
func jobName(job string) string {
	switch job {
	case "train":
		return "训练模型"
	case "import":
		return "导入"
	case "demo":
		return "载入演示数据"
	}
	return job
}
