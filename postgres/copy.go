package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/jackc/pgx/v5"

	"tian"
	"tian/internal/storecore"
)

// CopyOut reads every table of storecore.CopyTables from one snapshot
// (repeatable read), values as the tables' kinds name them (see
// storecore.Kind): NULL times and JSON become nil, jsonb its text.
// Writers are not held up.
func (db *DB) CopyOut(ctx context.Context, each func(t *storecore.CopyTable, rows iter.Seq2[storecore.Row, error]) error) error {
	return db.snapshot(ctx, "postgres.CopyOut", func(tx pgx.Tx) error {
		for _, t := range storecore.CopyTables {
			if err := each(t, readTable(ctx, tx, t)); err != nil {
				return err
			}
		}
		return nil
	})
}

// readTable ranges over t's rows in key order.
func readTable(ctx context.Context, tx pgx.Tx, t *storecore.CopyTable) iter.Seq2[storecore.Row, error] {
	return func(yield func(storecore.Row, error) bool) {
		rows, err := tx.Query(ctx, `SELECT `+joinNames(t.ColumnNames())+` FROM `+pgx.Identifier{t.Name}.Sanitize()+` ORDER BY `+t.OrderBy)
		if err != nil {
			yield(nil, classify("postgres.CopyOut", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			targets := make([]any, len(t.Columns))
			for i, c := range t.Columns {
				targets[i] = scanTarget(c.Kind)
			}
			if err := rows.Scan(targets...); err != nil {
				yield(nil, classify("postgres.CopyOut", err))
				return
			}
			r := make(storecore.Row, len(targets))
			for i, c := range t.Columns {
				r[i] = fromTarget(c.Kind, targets[i])
			}
			if !yield(r, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, classify("postgres.CopyOut", err))
		}
	}
}

// scanTarget is where a column of kind k is scanned.
func scanTarget(k storecore.Kind) any {
	switch k {
	case storecore.Int:
		return new(int64)
	case storecore.NullInt:
		return new(*int64)
	case storecore.Float:
		return new(float64)
	case storecore.Bool:
		return new(bool)
	case storecore.Time:
		return new(time.Time)
	case storecore.NullTime:
		return new(*time.Time)
	case storecore.JSON, storecore.NullJSON:
		return new([]byte)
	case storecore.Ints:
		return new([]int64)
	}
	return new(string)
}

// fromTarget is the kind's Go value of a scanned target.
func fromTarget(k storecore.Kind, target any) any {
	switch x := target.(type) {
	case **int64:
		if *x == nil {
			return nil
		}
		return **x
	case **time.Time:
		if *x == nil {
			return nil
		}
		return (*x).UTC()
	case *time.Time:
		return x.UTC()
	case *[]byte:
		if *x == nil {
			return nil
		}
		return json.RawMessage(*x)
	case *[]int64:
		if *x == nil {
			return []int64{}
		}
		return *x
	case *int64:
		return *x
	case *float64:
		return *x
	case *bool:
		return *x
	case *string:
		return *x
	}
	return nil
}

// toPostgres checks a kind's Go value and gives what CopyFrom sends.
func toPostgres(k storecore.Kind, v any) (any, error) {
	ok := false
	switch k {
	case storecore.Int:
		_, ok = v.(int64)
	case storecore.NullInt:
		_, ok = v.(int64)
		ok = ok || v == nil
	case storecore.Float:
		_, ok = v.(float64)
	case storecore.Text:
		_, ok = v.(string)
	case storecore.Bool:
		_, ok = v.(bool)
	case storecore.Time:
		_, ok = v.(time.Time)
	case storecore.NullTime:
		_, ok = v.(time.Time)
		ok = ok || v == nil
	case storecore.JSON, storecore.NullJSON:
		var j json.RawMessage
		j, ok = v.(json.RawMessage)
		if ok && j == nil {
			ok = false
		}
		if v == nil && k == storecore.NullJSON {
			return nil, nil
		}
	case storecore.Ints:
		_, ok = v.([]int64)
	}
	if !ok {
		return nil, fmt.Errorf("类型 %T 不符", v)
	}
	return v, nil
}

// CopyIn fills an empty store in one transaction under the write lock
// (see storecore.RowSink), each table by COPY, which keeps the identity
// columns' values; each identity is then moved past the largest copied.
func (db *DB) CopyIn(ctx context.Context, fill func(write func(t *storecore.CopyTable, rows iter.Seq2[storecore.Row, error]) (int, error)) error) error {
	return db.inTx(ctx, "postgres.CopyIn", func(tx pgx.Tx) error {
		for _, t := range storecore.CopyTables {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{t.Name}.Sanitize()).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return storecore.NotEmpty(t.Name, n)
			}
		}
		err := fill(func(t *storecore.CopyTable, rows iter.Seq2[storecore.Row, error]) (int, error) {
			return writeTable(ctx, tx, t, rows)
		})
		if err != nil {
			return err
		}
		for _, t := range storecore.CopyTables {
			if t.Serial == "" {
				continue
			}
			table, col := pgx.Identifier{t.Name}.Sanitize(), pgx.Identifier{t.Serial}.Sanitize()
			if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(`+col+`), 0) + 1, false) FROM `+table,
				table, t.Serial); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeTable copies rows into t.
func writeTable(ctx context.Context, tx pgx.Tx, t *storecore.CopyTable, rows iter.Seq2[storecore.Row, error]) (int, error) {
	next, stop := iter.Pull2(rows)
	defer stop()
	n := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		r, err, ok := next()
		if !ok {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if len(r) != len(t.Columns) {
			return nil, tian.Errorf(tian.EINTERNAL, "表 %s 的一行有 %d 个值，应为 %d 个", t.Name, len(r), len(t.Columns))
		}
		vals := make([]any, len(r))
		for i, c := range t.Columns {
			if vals[i], err = toPostgres(c.Kind, r[i]); err != nil {
				return nil, storecore.BadValue(t, c, r[i], err)
			}
		}
		n++
		return vals, nil
	})
	copied, err := tx.CopyFrom(ctx, pgx.Identifier{t.Name}, t.ColumnNames(), src)
	if err != nil {
		var te *tian.Error
		if e := classify("postgres.CopyIn", err); errors.As(err, &te) || tian.ErrorCode(e) != tian.EINTERNAL {
			return n, e // ours, or a full disk, a lost server
		}
		return n, &tian.Error{Code: tian.EINTERNAL, Op: "postgres.CopyIn", Err: err,
			Message: fmt.Sprintf("写入表 %s 失败：%v", t.Name, err)}
	}
	return int(copied), nil
}

// joinNames quotes column names for a select list.
func joinNames(names []string) string {
	out := ""
	for i, s := range names {
		if i > 0 {
			out += ", "
		}
		out += pgx.Identifier{s}.Sanitize()
	}
	return out
}
