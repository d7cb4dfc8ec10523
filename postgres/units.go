package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"tian"
	"tian/internal/storecore"
)

// loadUnits reads the unit catalogue.
func loadUnits(ctx context.Context, q querier) (*storecore.UnitCatalog, error) {
	c := storecore.NewUnitCatalog()
	rows, err := q.Query(ctx, `SELECT id, name, kind, duties FROM units`)
	if err != nil {
		return nil, err
	}
	var id int64
	var u tian.Unit
	if _, err := pgx.ForEachRow(rows, []any{&id, &u.Name, &u.Kind, &u.Duties}, func() error {
		c.AddUnit(id, u)
		return nil
	}); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT alias, unit_id FROM unit_aliases ORDER BY alias COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	var alias string
	_, err = pgx.ForEachRow(rows, []any{&alias, &id}, func() error {
		c.AddAlias(alias, id)
		return nil
	})
	return c, err
}

// Units returns every unit with its aliases, by name.
func (db *DB) Units(ctx context.Context) ([]tian.Unit, error) {
	c, err := loadUnits(ctx, db.pool)
	if err != nil {
		return nil, classify("postgres.Units", err)
	}
	return c.Units(), nil
}

// ImportUnits adds or updates units by name, with their aliases, in one
// transaction. An alias that names another unit's former name moves to
// this unit, with that unit's routings (institutional reform).
func (db *DB) ImportUnits(ctx context.Context, units []tian.Unit, actor string) error {
	return db.inTx(ctx, "postgres.ImportUnits", func(tx pgx.Tx) error {
		for _, u := range units {
			if strings.TrimSpace(u.Name) == "" {
				return tian.Errorf(tian.EINVALID, "单位名称为空")
			}
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO units (name, kind, duties) VALUES ($1, $2, $3)
				ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, duties = excluded.duties RETURNING id`,
				u.Name, u.Kind, u.Duties).Scan(&id); err != nil {
				return err
			}
			for _, a := range u.Aliases {
				if a == "" || a == u.Name {
					continue
				}
				if err := db.absorbUnit(ctx, tx, a, id); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO unit_aliases (alias, unit_id) VALUES ($1, $2)
					ON CONFLICT (alias) DO UPDATE SET unit_id = excluded.unit_id`, a, id); err != nil {
					return err
				}
			}
		}
		return db.audit(ctx, tx, actor, "units.import", "", fmt.Sprintf("%d units", len(units)))
	})
}

// absorbUnit merges the unit named old, if there is one, into unit id:
// its routings (a proposal routed to both keeps id's) and aliases move,
// the proposals it handled are logged as changed, and it goes.
func (db *DB) absorbUnit(ctx context.Context, tx pgx.Tx, old string, id int64) error {
	rows, err := tx.Query(ctx, `SELECT p.number FROM routings r JOIN proposals p ON p.id = r.proposal_id
		JOIN units u ON u.id = r.unit_id WHERE u.name = $1 AND u.id <> $2`, old, id)
	if err != nil {
		return err
	}
	numbers, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM routings WHERE unit_id IN (SELECT id FROM units WHERE name = $1 AND id <> $2)
			AND proposal_id IN (SELECT proposal_id FROM routings WHERE unit_id = $2)`,
		`UPDATE routings SET unit_id = $2 WHERE unit_id IN (SELECT id FROM units WHERE name = $1 AND id <> $2)`,
		`UPDATE unit_aliases SET unit_id = $2 WHERE unit_id IN (SELECT id FROM units WHERE name = $1 AND id <> $2)`,
		`DELETE FROM units WHERE name = $1 AND id <> $2`,
	} {
		if _, err := tx.Exec(ctx, q, old, id); err != nil {
			return err
		}
	}
	for _, n := range numbers {
		if err := db.logChange(ctx, tx, n, tian.ChangeUpsert); err != nil {
			return err
		}
	}
	return nil
}

// ImportCategories adds or updates categories by code.
func (db *DB) ImportCategories(ctx context.Context, cats []tian.Category, actor string) error {
	return db.inTx(ctx, "postgres.ImportCategories", func(tx pgx.Tx) error {
		for _, c := range cats {
			if c.Name == "" {
				return tian.Errorf(tian.EINVALID, "类别名称为空")
			}
			code := c.Code
			if code == "" {
				code = c.Name
			}
			if _, err := tx.Exec(ctx, `INSERT INTO categories (code, name, scope) VALUES ($1, $2, $3)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, scope = excluded.scope`, code, c.Name, c.Scope); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, actor, "categories.import", "", fmt.Sprintf("%d categories", len(cats)))
	})
}

// Categories returns the label set, in the order it was created.
func (db *DB) Categories(ctx context.Context) ([]tian.Category, error) {
	rows, err := db.pool.Query(ctx, `SELECT code, name, scope FROM categories ORDER BY id`)
	if err != nil {
		return nil, classify("postgres.Categories", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[tian.Category])
	if err != nil {
		return nil, classify("postgres.Categories", err)
	}
	return out, nil
}
