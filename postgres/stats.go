package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"tian"
	"tian/internal/storecore"
)

// Stats computes the annual-report figures for a year (0: all years),
// compared with the year before's, leaving out the records that are not
// proposals, as sqlite.DB.Stats does; the figures are folded by package
// storecore from grouped counts. All queries read one snapshot.
func (db *DB) Stats(ctx context.Context, year int) (*tian.Stats, error) {
	return db.StatsIncluding(ctx, year, false)
}

var _ tian.OtherStats = (*DB)(nil)

// StatsIncluding is Stats counting, with other, the records that are not
// proposals too (tian.Proposal.NotProposal), which Stats leaves out and
// counts as Other.
func (db *DB) StatsIncluding(ctx context.Context, year int, other bool) (*tian.Stats, error) {
	const op = "postgres.Stats"
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, classify(op, err)
	}
	defer tx.Rollback(ctx)
	s, err := tally(ctx, tx, year, other)
	if err != nil {
		return nil, classify(op, err)
	}
	var prev *tian.Stats
	if year != 0 && s.Received > 0 {
		if prev, err = tally(ctx, tx, year-1, other); err != nil {
			return nil, classify(op, err)
		}
	}
	s.Compare(prev)
	if err := others(ctx, tx, year, other, s); err != nil {
		return nil, classify(op, err)
	}
	storecore.EmptyLists(s)
	return s, nil
}

// scope is the condition on proposals p that every figure counts: the
// year's (all for 0), and, with other, the records that are not
// proposals too.
func scope(year int, other bool) (string, []any) {
	conds, args := []string{"true"}, []any{}
	if !other {
		conds = append(conds, "NOT p.not_proposal")
	}
	if year != 0 {
		conds, args = append(conds, "p.year = $1"), append(args, year)
	}
	return strings.Join(conds, " AND "), args
}

// tally computes the headline, status, proposer, sector and category
// figures in one grouped pass.
func tally(ctx context.Context, tx pgx.Tx, year int, other bool) (*tian.Stats, error) {
	rows, err := tx.Query(ctx, `SELECT id, name FROM categories`)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	var id int64
	var name string
	if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { names[id] = name; return nil }); err != nil {
		return nil, err
	}
	cond, args := scope(year, other)
	rows, err = tx.Query(ctx, `SELECT p.year, p.proposer_type, p.sector, coalesce(p.category_id, 0), p.status, count(*)
		FROM proposals p WHERE `+cond+` GROUP BY 1, 2, 3, 4, 5`, args...)
	if err != nil {
		return nil, err
	}
	t := storecore.NewTallies(year)
	var r storecore.TallyRow
	if _, err := pgx.ForEachRow(rows, []any{&r.Year, &r.ProposerType, &r.Sector, &r.Category, &r.Status, &r.N}, func() error {
		t.Add(r)
		return nil
	}); err != nil {
		return nil, err
	}
	return t.Stats(names), nil
}

// others fills in the reasons of 不予立案, the lead units and replies of
// the filed, the years, and (without other) the records that are not
// proposals.
func others(ctx context.Context, tx pgx.Tx, year int, other bool, s *tian.Stats) error {
	cond, args := scope(year, other)
	counts := func(query string) ([]tian.Count, error) {
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		var out []tian.Count
		var c tian.Count
		_, err = pgx.ForEachRow(rows, []any{&c.Name, &c.Count}, func() error { out = append(out, c); return nil })
		return out, err
	}
	byReason, err := counts(`SELECT p.status_reason, count(*) FROM proposals p WHERE ` + cond +
		` AND p.status = '不予立案' GROUP BY 1`)
	if err != nil {
		return err
	}
	s.Reasons = storecore.Reasons(byReason, s.Rejected)
	rows, err := tx.Query(ctx, `SELECT u.name, count(*), count(*) FILTER (WHERE p.reply <> '') FROM proposals p
		LEFT JOIN routings r ON r.proposal_id = p.id AND r.role = 'lead' LEFT JOIN units u ON u.id = r.unit_id
		WHERE `+cond+` AND p.status IN ('立案', '并案') GROUP BY u.id, u.name`, args...)
	if err != nil {
		return err
	}
	s.LeadUnits = []tian.Count{}
	var unit *string
	var n, replied int
	if _, err := pgx.ForEachRow(rows, []any{&unit, &n, &replied}, func() error {
		s.Replied += replied
		if unit != nil { // not the filed proposals without a lead unit
			s.LeadUnits = append(s.LeadUnits, tian.Count{Name: *unit, Count: n, Share: tian.Percent(n, s.Filed)})
		}
		return nil
	}); err != nil {
		return err
	}
	storecore.SortByCount(s.LeadUnits)
	allYears, _ := scope(0, other)
	rows, err = tx.Query(ctx, `SELECT p.year, count(*) FROM proposals p WHERE `+allYears+` AND p.year <> 0
		GROUP BY 1 ORDER BY 1`)
	if err != nil {
		return err
	}
	s.Years = []tian.YearCount{}
	var y tian.YearCount
	if _, err := pgx.ForEachRow(rows, []any{&y.Year, &y.Received}, func() error { s.Years = append(s.Years, y); return nil }); err != nil {
		return err
	}
	if other {
		return nil
	}
	otherCond := "p.not_proposal"
	if year != 0 {
		otherCond += " AND p.year = " + strconv.Itoa(year)
	}
	return tx.QueryRow(ctx, `SELECT count(*) FROM proposals p WHERE `+otherCond).Scan(&s.Other)
}

var _ tian.Store = (*DB)(nil)
