package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"tian"
	"tian/internal/storecore"
)

// Curated groups as sqlite keeps them (sqlite/groups.go): a versioned
// draft per year until confirmed, members by number without a foreign
// key, and the grouping threshold learnt from confirmed years.

var _ tian.GroupStore = (*DB)(nil)

// snapshot runs fn in a read-only transaction that sees one snapshot.
func (db *DB) snapshot(ctx context.Context, op string, fn func(pgx.Tx) error) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return classify(op, err)
	}
	defer tx.Rollback(ctx)
	return classify(op, fn(tx))
}

// YearGroups returns the year's stored groups, ENOTFOUND when none were
// ever saved.
func (db *DB) YearGroups(ctx context.Context, year int) (*tian.YearGroups, error) {
	var y *tian.YearGroups
	err := db.snapshot(ctx, "postgres.YearGroups", func(tx pgx.Tx) (err error) {
		y, err = readYearGroups(ctx, tx, year)
		return err
	})
	return y, err
}

// readYearGroups reads a year inside tx, one consistent view.
func readYearGroups(ctx context.Context, tx pgx.Tx, year int) (*tian.YearGroups, error) {
	y := &tian.YearGroups{Year: year, Groups: []tian.CuratedGroup{}}
	var saved time.Time
	var confirmed *time.Time
	err := tx.QueryRow(ctx, `SELECT version, saved_at, saved_by, confirmed_at, confirmed_by FROM group_years WHERE year = $1`, year).
		Scan(&y.Version, &saved, &y.SavedBy, &confirmed, &y.ConfirmedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, storecore.GroupsNotSaved(year)
	}
	if err != nil {
		return nil, err
	}
	y.SavedAt = stamp(saved)
	if confirmed != nil {
		y.Confirmed, y.ConfirmedAt = true, stamp(*confirmed)
	}
	rows, err := tx.Query(ctx, `SELECT g.id, g.name, g.lead_unit,
			coalesce(array_agg(m.number ORDER BY m.ord) FILTER (WHERE m.number IS NOT NULL), '{}')
		FROM curated_groups g LEFT JOIN curated_members m ON m.year = g.year AND m.group_id = g.id
		WHERE g.year = $1 GROUP BY g.id, g.name, g.lead_unit, g.ord ORDER BY g.ord`, year)
	if err != nil {
		return nil, err
	}
	g := tian.CuratedGroup{Year: year, Confirmed: y.Confirmed, ConfirmedBy: y.ConfirmedBy, ConfirmedAt: y.ConfirmedAt,
		SavedBy: y.SavedBy, SavedAt: y.SavedAt}
	_, err = pgx.ForEachRow(rows, []any{&g.ID, &g.Name, &g.LeadUnit, &g.Members}, func() error {
		y.Groups = append(y.Groups, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return y, nil
}

// storedVersion is the year's version inside tx, 0 when none is stored;
// it locks the year's row for the rest of the transaction.
func storedVersion(ctx context.Context, tx pgx.Tx, year int) (int, error) {
	var v int
	err := tx.QueryRow(ctx, `SELECT version FROM group_years WHERE year = $1 FOR UPDATE`, year).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// SaveYearGroups replaces the year's groups as a draft, in one
// transaction: the version check, the rules (tian.CheckGroups against
// the proposals and units as stored), the groups and the audit line.
func (db *DB) SaveYearGroups(ctx context.Context, year int, groups []tian.CuratedGroup, expected int, actor string) (*tian.YearGroups, error) {
	groups = storecore.CloneGroups(groups)
	var out *tian.YearGroups
	err := db.inTx(ctx, "postgres.SaveYearGroups", func(tx pgx.Tx) error {
		v, err := storedVersion(ctx, tx, year)
		if err != nil {
			return err
		}
		if v != expected {
			return storecore.StaleGroups(year, v, expected)
		}
		if err := checkStored(ctx, tx, year, groups); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id FROM curated_groups WHERE year = $1`, year)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		storecore.AssignIDs(year, groups, ids)
		if err := db.writeYear(ctx, tx, year, v+1, groups, actor); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, "groups.save", strconv.Itoa(year), storecore.SaveDetail(v+1, groups)); err != nil {
			return err
		}
		out, err = readYearGroups(ctx, tx, year)
		return err
	})
	return out, err
}

// checkStored runs tian.CheckGroups against the members' proposals and
// the unit catalogue as stored.
func checkStored(ctx context.Context, tx pgx.Tx, year int, groups []tian.CuratedGroup) error {
	rows, err := tx.Query(ctx, `SELECT number, year FROM proposals WHERE number = ANY($1)`, storecore.GroupMembers(groups))
	if err != nil {
		return err
	}
	found := map[string]*tian.Proposal{}
	var number string
	var y int
	if _, err := pgx.ForEachRow(rows, []any{&number, &y}, func() error {
		found[number] = &tian.Proposal{Number: number, Year: y}
		return nil
	}); err != nil {
		return err
	}
	cat, err := loadUnits(ctx, tx)
	if err != nil {
		return err
	}
	return tian.CheckGroups(year, groups, found, cat.Names())
}

// writeYear replaces the year's row, groups and members; the year goes
// back to a draft.
func (db *DB) writeYear(ctx context.Context, tx pgx.Tx, year, version int, groups []tian.CuratedGroup, actor string) error {
	_, err := tx.Exec(ctx, `INSERT INTO group_years (year, version, saved_at, saved_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (year) DO UPDATE SET version = excluded.version, saved_at = excluded.saved_at,
		saved_by = excluded.saved_by, confirmed_at = NULL, confirmed_by = ''`, year, version, db.now(), actor)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM curated_groups WHERE year = $1`, year); err != nil {
		return err
	}
	for i, g := range groups {
		if _, err := tx.Exec(ctx, `INSERT INTO curated_groups (year, id, ord, name, lead_unit) VALUES ($1, $2, $3, $4, $5)`,
			year, g.ID, i, g.Name, g.LeadUnit); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO curated_members (number, year, group_id, ord)
			SELECT m.number, $2, $3, m.ord - 1 FROM unnest($1::text[]) WITH ORDINALITY AS m(number, ord)`,
			g.Members, year, g.ID); err != nil {
			return err
		}
	}
	return nil
}

// ConfirmYearGroups confirms the year's groups at version expected; the
// confirmation is a new version, so a page still holding the draft
// cannot save over it unseen.
func (db *DB) ConfirmYearGroups(ctx context.Context, year, expected int, actor string) (*tian.YearGroups, error) {
	var out *tian.YearGroups
	err := db.inTx(ctx, "postgres.ConfirmYearGroups", func(tx pgx.Tx) error {
		v, err := storedVersion(ctx, tx, year)
		if err != nil {
			return err
		}
		if v == 0 {
			return storecore.GroupsNotConfirmable(year)
		}
		if v != expected {
			return storecore.StaleGroups(year, v, expected)
		}
		if _, err := tx.Exec(ctx, `UPDATE group_years SET version = $1, confirmed_at = $2, confirmed_by = $3 WHERE year = $4`,
			v+1, db.now(), actor, year); err != nil {
			return err
		}
		if out, err = readYearGroups(ctx, tx, year); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "groups.confirm", strconv.Itoa(year), storecore.ConfirmDetail(v+1, len(out.Groups)))
	})
	return out, err
}

// GroupOf returns the stored group holding a proposal, ENOTFOUND when it
// is in none.
func (db *DB) GroupOf(ctx context.Context, number string) (*tian.CuratedGroup, error) {
	var out *tian.CuratedGroup
	err := db.snapshot(ctx, "postgres.GroupOf", func(tx pgx.Tx) error {
		var year int
		var id string
		err := tx.QueryRow(ctx, `SELECT year, group_id FROM curated_members WHERE number = $1`, number).Scan(&year, &id)
		if errors.Is(err, pgx.ErrNoRows) {
			return storecore.NotInGroup(number)
		}
		if err != nil {
			return err
		}
		y, err := readYearGroups(ctx, tx, year)
		if err != nil {
			return err
		}
		for _, g := range y.Groups {
			if g.ID == id {
				out = &g
				return nil
			}
		}
		return storecore.NotInGroup(number)
	})
	return out, err
}

// ConfirmedYearGroups returns every confirmed year, oldest first.
func (db *DB) ConfirmedYearGroups(ctx context.Context) ([]tian.YearGroups, error) {
	out := []tian.YearGroups{}
	err := db.snapshot(ctx, "postgres.ConfirmedYearGroups", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT year FROM group_years WHERE confirmed_at IS NOT NULL ORDER BY year`)
		if err != nil {
			return err
		}
		years, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return err
		}
		for _, year := range years {
			y, err := readYearGroups(ctx, tx, year)
			if err != nil {
				return err
			}
			out = append(out, *y)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GroupTuning returns the last stored tuning, ENOTFOUND if none.
func (db *DB) GroupTuning(ctx context.Context) (*tian.GroupTuning, error) {
	t := &tian.GroupTuning{}
	err := db.pool.QueryRow(ctx, `SELECT threshold, years, f1, previous, previous_f1, at, scale FROM group_tuning WHERE id = 1`).
		Scan(&t.Threshold, &t.Years, &t.F1, &t.Previous, &t.PreviousF1, &t.At, &t.Scale)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, storecore.NoTuning()
	}
	if err != nil {
		return nil, classify("postgres.GroupTuning", err)
	}
	if t.Years == nil {
		t.Years = []int{}
	}
	return t, nil
}

// SaveGroupTuning stores a tuning in place of the last, audited.
func (db *DB) SaveGroupTuning(ctx context.Context, t tian.GroupTuning, actor string) error {
	if t.At == "" {
		t.At = stamp(db.now())
	}
	years := t.Years
	if years == nil {
		years = []int{}
	}
	return db.inTx(ctx, "postgres.SaveGroupTuning", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO group_tuning (id, threshold, years, f1, previous, previous_f1, at, scale)
			VALUES (1, $1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET threshold = excluded.threshold, years = excluded.years,
			f1 = excluded.f1, previous = excluded.previous, previous_f1 = excluded.previous_f1, at = excluded.at, scale = excluded.scale`,
			t.Threshold, years, t.F1, t.Previous, t.PreviousF1, t.At, t.Scale); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "groups.tune", "", storecore.TuningDetail(t))
	})
}
