package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"tian"
	"tian/internal/storecore"
)

// CopyOut reads every table of storecore.CopyTables in one transaction,
// values converted to the kinds the tables name (see storecore.Kind):
// SQLite's text times, 0/1 flags, empty text for unset and space-separated years
// become times, booleans, nil and lists. The transaction is a write one
// (this driver begins them all IMMEDIATE), so writers wait for the copy.
func (db *DB) CopyOut(ctx context.Context, each func(t *storecore.CopyTable, rows iter.Seq2[storecore.Row, error]) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return internal("sqlite.CopyOut", err)
	}
	defer tx.Rollback()
	for _, t := range storecore.CopyTables {
		if err := each(t, readTable(ctx, tx, t)); err != nil {
			return err
		}
	}
	return nil
}

// readTable ranges over t's rows in key order.
func readTable(ctx context.Context, tx *sql.Tx, t *storecore.CopyTable) iter.Seq2[storecore.Row, error] {
	return func(yield func(storecore.Row, error) bool) {
		rows, err := tx.QueryContext(ctx, `SELECT `+quoteNames(t.ColumnNames())+` FROM `+quoteName(t.Name)+` ORDER BY `+t.OrderBy)
		if err != nil {
			yield(nil, internal("sqlite.CopyOut", err))
			return
		}
		defer rows.Close()
		raw := make([]any, len(t.Columns))
		ptrs := make([]any, len(raw))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				yield(nil, internal("sqlite.CopyOut", err))
				return
			}
			r := make(storecore.Row, len(raw))
			for i, c := range t.Columns {
				v, err := fromSQLite(c.Kind, raw[i])
				if err != nil {
					yield(nil, storecore.BadValue(t, c, raw[i], err))
					return
				}
				r[i] = v
			}
			if !yield(r, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, internal("sqlite.CopyOut", err))
		}
	}
}

// fromSQLite converts a stored value to its kind's Go value.
func fromSQLite(k storecore.Kind, v any) (any, error) {
	if b, ok := v.([]byte); ok { // text stored as a blob
		v = string(b)
	}
	switch k {
	case storecore.Int, storecore.NullInt:
		if v == nil && k == storecore.NullInt {
			return nil, nil
		}
		if n, ok := v.(int64); ok {
			return n, nil
		}
	case storecore.Float:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	case storecore.Text:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case storecore.Bool:
		if n, ok := v.(int64); ok && (n == 0 || n == 1) {
			return n == 1, nil
		}
	case storecore.Time, storecore.NullTime:
		s, ok := v.(string)
		if !ok {
			break
		}
		if s == "" && k == storecore.NullTime {
			return nil, nil
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, errors.New("不是 RFC 3339 时间")
		}
		return t.UTC(), nil
	case storecore.JSON, storecore.NullJSON:
		s, ok := v.(string)
		if !ok {
			break
		}
		if s == "" && k == storecore.NullJSON {
			return nil, nil
		}
		if !json.Valid([]byte(s)) {
			return nil, errors.New("不是有效的 JSON")
		}
		return json.RawMessage(s), nil
	case storecore.Ints:
		s, ok := v.(string)
		if !ok {
			break
		}
		out := []int64{}
		for _, f := range strings.Fields(s) {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return nil, errors.New("不是以空格分隔的整数")
			}
			out = append(out, n)
		}
		return out, nil
	}
	return nil, fmt.Errorf("类型 %T 不符", v)
}

// toSQLite converts a kind's Go value to what SQLite stores.
func toSQLite(k storecore.Kind, v any) (any, error) {
	switch k {
	case storecore.Int:
		if n, ok := v.(int64); ok {
			return n, nil
		}
	case storecore.NullInt:
		if n, ok := v.(int64); ok || v == nil {
			if v == nil {
				return nil, nil
			}
			return n, nil
		}
	case storecore.Float:
		if f, ok := v.(float64); ok {
			return f, nil
		}
	case storecore.Text:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case storecore.Bool:
		if b, ok := v.(bool); ok {
			if b {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case storecore.Time, storecore.NullTime:
		if t, ok := v.(time.Time); ok {
			return stamp(t), nil
		}
		if v == nil && k == storecore.NullTime {
			return "", nil
		}
	case storecore.JSON, storecore.NullJSON:
		if j, ok := v.(json.RawMessage); ok && j != nil {
			var b bytes.Buffer
			if err := json.Compact(&b, j); err != nil {
				return nil, errors.New("不是有效的 JSON")
			}
			return b.String(), nil
		}
		if v == nil && k == storecore.NullJSON {
			return "", nil
		}
	case storecore.Ints:
		if ns, ok := v.([]int64); ok {
			fs := make([]string, len(ns))
			for i, n := range ns {
				fs[i] = strconv.FormatInt(n, 10)
			}
			return strings.Join(fs, " "), nil
		}
	}
	return nil, fmt.Errorf("类型 %T 不符", v)
}

// CopyIn fills an empty store in one transaction (see
// storecore.RowSink). SQLite numbers new rows after the largest rowid
// and moves AUTOINCREMENT's counter (the change log's) past every number
// inserted, so the copied numbers need nothing more.
func (db *DB) CopyIn(ctx context.Context, fill func(write func(t *storecore.CopyTable, rows iter.Seq2[storecore.Row, error]) (int, error)) error) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for _, t := range storecore.CopyTables {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteName(t.Name)).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return storecore.NotEmpty(t.Name, n)
			}
		}
		return fill(func(t *storecore.CopyTable, rows iter.Seq2[storecore.Row, error]) (int, error) {
			return writeTable(ctx, tx, t, rows)
		})
	})
	var te *tian.Error
	if err != nil && !errors.As(err, &te) {
		return internal("sqlite.CopyIn", err)
	}
	return err
}

// writeTable inserts rows into t.
func writeTable(ctx context.Context, tx *sql.Tx, t *storecore.CopyTable, rows iter.Seq2[storecore.Row, error]) (int, error) {
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(t.Columns)), ", ")
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO `+quoteName(t.Name)+` (`+quoteNames(t.ColumnNames())+`) VALUES (`+marks+`)`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	n := 0
	args := make([]any, len(t.Columns))
	for r, err := range rows {
		if err != nil {
			return n, err
		}
		if len(r) != len(t.Columns) {
			return n, tian.Errorf(tian.EINTERNAL, "表 %s 的一行有 %d 个值，应为 %d 个", t.Name, len(r), len(t.Columns))
		}
		for i, c := range t.Columns {
			if args[i], err = toSQLite(c.Kind, r[i]); err != nil {
				return n, storecore.BadValue(t, c, r[i], err)
			}
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return n, &tian.Error{Code: tian.EINTERNAL, Op: "sqlite.CopyIn", Err: err,
				Message: fmt.Sprintf("写入表 %s 的第 %d 行失败：%v", t.Name, n+1, err)}
		}
		n++
	}
	return n, nil
}

func quoteName(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, s := range names {
		q[i] = quoteName(s)
	}
	return strings.Join(q, ", ")
}
