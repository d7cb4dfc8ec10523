package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"tian"
	"tian/internal/storecore"
)

// ImportUnits adds or updates units by name, with their aliases. An alias
// that names another unit's former name moves to this unit: institutional
// reform renames and merges units, and old routings must map to the
// current one.
func (db *DB) ImportUnits(ctx context.Context, units []tian.Unit, actor string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for _, u := range units {
			if strings.TrimSpace(u.Name) == "" {
				return tian.Errorf(tian.EINVALID, "单位名称为空")
			}
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO units (name, kind, duties) VALUES (?, ?, ?)
				ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, duties = excluded.duties RETURNING id`,
				u.Name, u.Kind, u.Duties).Scan(&id)
			if err != nil {
				return err
			}
			for _, a := range u.Aliases {
				if a == "" || a == u.Name {
					continue
				}
				if err := db.absorbUnit(ctx, tx, a, id); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO unit_aliases (alias, unit_id) VALUES (?, ?)
					ON CONFLICT(alias) DO UPDATE SET unit_id = excluded.unit_id`, a, id); err != nil {
					return err
				}
			}
		}
		return db.audit(ctx, tx, actor, "units.import", "", fmt.Sprintf("%d units", len(units)))
	})
	if err != nil && tian.ErrorCode(err) == tian.EINTERNAL {
		return internal("sqlite.ImportUnits", err)
	}
	return err
}

// absorbUnit merges the unit named old, if there is one, into unit id: a
// reform renamed or merged it. Its routings and aliases move to the
// current unit, the proposals it handled are logged as changed (their
// indexed units change), and the old unit goes.
func (db *DB) absorbUnit(ctx context.Context, tx *sql.Tx, old string, id int64) error {
	var oldID int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE name = ? AND id <> ?`, old, id).Scan(&oldID)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT p.number FROM routings r JOIN proposals p ON p.id = r.proposal_id
		WHERE r.unit_id = ?`, oldID)
	if err != nil {
		return err
	}
	var numbers []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		numbers = append(numbers, n)
	}
	rows.Close()
	for _, q := range []string{
		// a proposal routed to both keeps the current unit's routing
		`DELETE FROM routings WHERE unit_id = ? AND proposal_id IN (SELECT proposal_id FROM routings WHERE unit_id = ?)`,
		`UPDATE routings SET unit_id = ? WHERE unit_id = ?`,
		`UPDATE unit_aliases SET unit_id = ? WHERE unit_id = ?`,
	} {
		args := []any{id, oldID}
		if strings.HasPrefix(q, "DELETE") {
			args = []any{oldID, id}
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM units WHERE id = ?`, oldID); err != nil {
		return err
	}
	for _, n := range numbers {
		if err := logChange(ctx, tx, db.now(), n, "upsert"); err != nil {
			return err
		}
	}
	return nil
}

// Units returns every unit with its aliases, by name.
func (db *DB) Units(ctx context.Context) ([]tian.Unit, error) {
	cat, err := loadUnits(ctx, db.db)
	if err != nil {
		return nil, internal("sqlite.Units", err)
	}
	return cat.Units(), nil
}

// ImportCategories adds or updates categories by code.
func (db *DB) ImportCategories(ctx context.Context, cats []tian.Category, actor string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, c := range cats {
			if c.Name == "" {
				return tian.Errorf(tian.EINVALID, "类别名称为空")
			}
			code := c.Code
			if code == "" {
				code = c.Name
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO categories (code, name, scope) VALUES (?, ?, ?)
				ON CONFLICT(code) DO UPDATE SET name = excluded.name, scope = excluded.scope`, code, c.Name, c.Scope); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, actor, "categories.import", "", fmt.Sprintf("%d categories", len(cats)))
	})
}

// Categories returns the label set, in the order it was created.
func (db *DB) Categories(ctx context.Context) ([]tian.Category, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT code, name, scope FROM categories ORDER BY id`)
	if err != nil {
		return nil, internal("sqlite.Categories", err)
	}
	defer rows.Close()
	var out []tian.Category
	for rows.Next() {
		var c tian.Category
		if err := rows.Scan(&c.Code, &c.Name, &c.Scope); err != nil {
			return nil, internal("sqlite.Categories", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// querier is what loaders need of *sql.DB and *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// unitCatalog resolves unit names and aliases to units.
type unitCatalog = storecore.UnitCatalog

func loadUnits(ctx context.Context, q querier) (*unitCatalog, error) {
	c := storecore.NewUnitCatalog()
	rows, err := q.QueryContext(ctx, `SELECT id, name, kind, duties FROM units`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var u tian.Unit
		var id int64
		if err := rows.Scan(&id, &u.Name, &u.Kind, &u.Duties); err != nil {
			rows.Close()
			return nil, err
		}
		c.AddUnit(id, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT alias, unit_id FROM unit_aliases ORDER BY alias`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var alias string
		var id int64
		if err := rows.Scan(&alias, &id); err != nil {
			return nil, err
		}
		c.AddAlias(alias, id)
	}
	return c, rows.Err()
}
