package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"tian"
	"tian/internal/storecore"
)

var _ tian.GroupStore = (*DB)(nil)

// YearGroups returns the year's stored groups, ENOTFOUND when none were
// ever saved.
func (db *DB) YearGroups(ctx context.Context, year int) (*tian.YearGroups, error) {
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, internal("sqlite.YearGroups", err)
	}
	defer tx.Rollback()
	return readYearGroups(ctx, tx, year)
}

// readYearGroups reads a year inside tx, one consistent view.
func readYearGroups(ctx context.Context, tx *sql.Tx, year int) (*tian.YearGroups, error) {
	y := &tian.YearGroups{Year: year, Groups: []tian.CuratedGroup{}}
	err := tx.QueryRowContext(ctx, `SELECT version, saved_at, saved_by, confirmed_at, confirmed_by FROM group_years WHERE year = ?`, year).
		Scan(&y.Version, &y.SavedAt, &y.SavedBy, &y.ConfirmedAt, &y.ConfirmedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, storecore.GroupsNotSaved(year)
	}
	if err != nil {
		return nil, internal("sqlite.YearGroups", err)
	}
	y.Confirmed = y.ConfirmedAt != ""
	rows, err := tx.QueryContext(ctx, `SELECT id, name, lead_unit FROM curated_groups WHERE year = ? ORDER BY ord`, year)
	if err != nil {
		return nil, internal("sqlite.YearGroups", err)
	}
	at := map[string]int{}
	for rows.Next() {
		g := tian.CuratedGroup{Year: year, Members: []string{}, Confirmed: y.Confirmed, ConfirmedBy: y.ConfirmedBy,
			ConfirmedAt: y.ConfirmedAt, SavedBy: y.SavedBy, SavedAt: y.SavedAt}
		if err := rows.Scan(&g.ID, &g.Name, &g.LeadUnit); err != nil {
			rows.Close()
			return nil, internal("sqlite.YearGroups", err)
		}
		at[g.ID] = len(y.Groups)
		y.Groups = append(y.Groups, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal("sqlite.YearGroups", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT group_id, number FROM curated_members WHERE year = ? ORDER BY group_id, ord`, year)
	if err != nil {
		return nil, internal("sqlite.YearGroups", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, number string
		if err := rows.Scan(&id, &number); err != nil {
			return nil, internal("sqlite.YearGroups", err)
		}
		if i, ok := at[id]; ok {
			y.Groups[i].Members = append(y.Groups[i].Members, number)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, internal("sqlite.YearGroups", err)
	}
	return y, nil
}

// storedVersion is the year's version inside tx, 0 when none is stored.
func storedVersion(ctx context.Context, tx *sql.Tx, year int) (int, error) {
	var v int
	err := tx.QueryRowContext(ctx, `SELECT version FROM group_years WHERE year = ?`, year).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
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
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := storedVersion(ctx, tx, year)
		if err != nil {
			return internal("sqlite.SaveYearGroups", err)
		}
		if v != expected {
			return storecore.StaleGroups(year, v, expected)
		}
		if err := checkStored(ctx, tx, year, groups); err != nil {
			return err
		}
		if err := assignIDs(ctx, tx, year, groups); err != nil {
			return internal("sqlite.SaveYearGroups", err)
		}
		if err := db.writeYear(ctx, tx, year, v+1, groups, actor); err != nil {
			return internal("sqlite.SaveYearGroups", err)
		}
		if err := db.audit(ctx, tx, actor, "groups.save", strconv.Itoa(year), storecore.SaveDetail(v+1, groups)); err != nil {
			return internal("sqlite.SaveYearGroups", err)
		}
		out, err = readYearGroups(ctx, tx, year)
		return err
	})
	return out, err
}

// checkStored runs tian.CheckGroups against the members' proposals and
// the unit catalogue as stored.
func checkStored(ctx context.Context, tx *sql.Tx, year int, groups []tian.CuratedGroup) error {
	found, err := proposalYears(ctx, tx, storecore.GroupMembers(groups))
	if err != nil {
		return internal("sqlite.SaveYearGroups", err)
	}
	cat, err := loadUnits(ctx, tx)
	if err != nil {
		return internal("sqlite.SaveYearGroups", err)
	}
	return tian.CheckGroups(year, groups, found, cat.Names())
}

// proposalYears reads the number and year of the proposals that exist
// among numbers.
func proposalYears(ctx context.Context, tx *sql.Tx, numbers []string) (map[string]*tian.Proposal, error) {
	out := make(map[string]*tian.Proposal, len(numbers))
	for len(numbers) > 0 {
		n := min(len(numbers), 500)
		args := make([]any, n)
		for i, x := range numbers[:n] {
			args[i] = x
		}
		rows, err := tx.QueryContext(ctx, `SELECT number, year FROM proposals WHERE number IN (?`+strings.Repeat(",?", n-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			p := &tian.Proposal{}
			if err := rows.Scan(&p.Number, &p.Year); err != nil {
				rows.Close()
				return nil, err
			}
			out[p.Number] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		numbers = numbers[n:]
	}
	return out, nil
}

// assignIDs gives each new group the next free ID of the year
// (storecore.AssignIDs).
func assignIDs(ctx context.Context, tx *sql.Tx, year int, groups []tian.CuratedGroup) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM curated_groups WHERE year = ?`, year)
	if err != nil {
		return err
	}
	defer rows.Close()
	var stored []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		stored = append(stored, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	storecore.AssignIDs(year, groups, stored)
	return nil
}

// writeYear replaces the year's row, groups and members; the year goes
// back to a draft.
func (db *DB) writeYear(ctx context.Context, tx *sql.Tx, year, version int, groups []tian.CuratedGroup, actor string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO group_years (year, version, saved_at, saved_by) VALUES (?, ?, ?, ?)
		ON CONFLICT (year) DO UPDATE SET version = excluded.version, saved_at = excluded.saved_at,
		saved_by = excluded.saved_by, confirmed_at = '', confirmed_by = ''`, year, version, db.now(), actor)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM curated_groups WHERE year = ?`, year); err != nil {
		return err
	}
	for i, g := range groups {
		if _, err := tx.ExecContext(ctx, `INSERT INTO curated_groups (year, id, ord, name, lead_unit) VALUES (?, ?, ?, ?, ?)`,
			year, g.ID, i, g.Name, g.LeadUnit); err != nil {
			return err
		}
		for k, n := range g.Members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO curated_members (number, year, group_id, ord) VALUES (?, ?, ?, ?)`,
				n, year, g.ID, k); err != nil {
				return err
			}
		}
	}
	return nil
}

// ConfirmYearGroups confirms the year's groups at version expected; the
// confirmation is a new version, so a page still holding the draft
// cannot save over it unseen.
func (db *DB) ConfirmYearGroups(ctx context.Context, year, expected int, actor string) (*tian.YearGroups, error) {
	var out *tian.YearGroups
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		v, err := storedVersion(ctx, tx, year)
		if err != nil {
			return internal("sqlite.ConfirmYearGroups", err)
		}
		if v == 0 {
			return storecore.GroupsNotConfirmable(year)
		}
		if v != expected {
			return storecore.StaleGroups(year, v, expected)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE group_years SET version = ?, confirmed_at = ?, confirmed_by = ? WHERE year = ?`,
			v+1, db.now(), actor, year); err != nil {
			return internal("sqlite.ConfirmYearGroups", err)
		}
		if out, err = readYearGroups(ctx, tx, year); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, "groups.confirm", strconv.Itoa(year), storecore.ConfirmDetail(v+1, len(out.Groups))); err != nil {
			return internal("sqlite.ConfirmYearGroups", err)
		}
		return nil
	})
	return out, err
}

// GroupOf returns the stored group holding a proposal, ENOTFOUND when it
// is in none.
func (db *DB) GroupOf(ctx context.Context, number string) (*tian.CuratedGroup, error) {
	var year int
	var id string
	err := db.db.QueryRowContext(ctx, `SELECT year, group_id FROM curated_members WHERE number = ?`, number).Scan(&year, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, storecore.NotInGroup(number)
	}
	if err != nil {
		return nil, internal("sqlite.GroupOf", err)
	}
	y, err := db.YearGroups(ctx, year)
	if err != nil {
		return nil, err
	}
	for _, g := range y.Groups {
		if g.ID == id {
			return &g, nil
		}
	}
	return nil, storecore.NotInGroup(number)
}

// ConfirmedYearGroups returns every confirmed year, oldest first.
func (db *DB) ConfirmedYearGroups(ctx context.Context) ([]tian.YearGroups, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT year FROM group_years WHERE confirmed_at <> '' ORDER BY year`)
	if err != nil {
		return nil, internal("sqlite.ConfirmedYearGroups", err)
	}
	var years []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			rows.Close()
			return nil, internal("sqlite.ConfirmedYearGroups", err)
		}
		years = append(years, y)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal("sqlite.ConfirmedYearGroups", err)
	}
	out := []tian.YearGroups{}
	for _, y := range years {
		yg, err := db.YearGroups(ctx, y)
		if err != nil {
			return nil, err
		}
		if yg.Confirmed { // not saved again since the list was read
			out = append(out, *yg)
		}
	}
	return out, nil
}

// GroupTuning returns the last stored tuning, ENOTFOUND if none.
func (db *DB) GroupTuning(ctx context.Context) (*tian.GroupTuning, error) {
	t := &tian.GroupTuning{}
	var years string
	err := db.db.QueryRowContext(ctx, `SELECT threshold, years, f1, previous, previous_f1, at, scale FROM group_tuning WHERE id = 1`).
		Scan(&t.Threshold, &years, &t.F1, &t.Previous, &t.PreviousF1, &t.At, &t.Scale)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, storecore.NoTuning()
	}
	if err != nil {
		return nil, internal("sqlite.GroupTuning", err)
	}
	t.Years = []int{}
	for _, f := range strings.Fields(years) {
		if y, err := strconv.Atoi(f); err == nil {
			t.Years = append(t.Years, y)
		}
	}
	return t, nil
}

// SaveGroupTuning stores a tuning in place of the last, audited.
func (db *DB) SaveGroupTuning(ctx context.Context, t tian.GroupTuning, actor string) error {
	years := make([]string, len(t.Years))
	for i, y := range t.Years {
		years[i] = strconv.Itoa(y)
	}
	if t.At == "" {
		t.At = db.now()
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO group_tuning (id, threshold, years, f1, previous, previous_f1, at, scale)
			VALUES (1, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET threshold = excluded.threshold, years = excluded.years,
			f1 = excluded.f1, previous = excluded.previous, previous_f1 = excluded.previous_f1, at = excluded.at, scale = excluded.scale`,
			t.Threshold, strings.Join(years, " "), t.F1, t.Previous, t.PreviousF1, t.At, t.Scale)
		if err != nil {
			return internal("sqlite.SaveGroupTuning", err)
		}
		if err := db.audit(ctx, tx, actor, "groups.tune", "", storecore.TuningDetail(t)); err != nil {
			return internal("sqlite.SaveGroupTuning", err)
		}
		return nil
	})
}
