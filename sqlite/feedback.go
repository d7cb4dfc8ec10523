package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"tian"
	"tian/internal/storecore"
)

// AddFeedback stores a verdict and audits it. Only a verdict the models
// can learn from is kept: kind is category, lead_unit or co_unit and
// chosen is required (EINVALID); a number must name a stored proposal
// (ENOTFOUND); chosen must name an existing category (by name or code) or
// unit (by name or alias), and is stored as its current name (EINVALID);
// the text is at most tian.MaxBodyRunes characters (ETOOLARGE).
func (db *DB) AddFeedback(ctx context.Context, f tian.Feedback) (int64, error) {
	if err := storecore.CheckFeedback(&f); err != nil {
		return 0, err
	}
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := resolveFeedback(ctx, tx, &f); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO feedback (number, kind, suggested, chosen, accepted, text,
			model_version, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			f.Number, f.Kind, f.Suggested, f.Chosen, f.Accepted, f.Text, f.ModelVersion, f.Actor, db.now()).Scan(&id)
		if err != nil {
			return internal("sqlite.AddFeedback", err)
		}
		if err := db.audit(ctx, tx, f.Actor, "feedback."+f.Kind, f.Number, storecore.FeedbackVerdict(f)); err != nil {
			return internal("sqlite.AddFeedback", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// resolveFeedback checks the proposal and the chosen value against the
// store and rewrites chosen to the current name.
func resolveFeedback(ctx context.Context, tx *sql.Tx, f *tian.Feedback) error {
	if f.Number != "" {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM proposals WHERE number = ?`, f.Number).Scan(&n); err != nil {
			return internal("sqlite.AddFeedback", err)
		}
		if n == 0 {
			return tian.Errorf(tian.ENOTFOUND, "提案 %s 不存在", f.Number)
		}
	}
	var name string
	var err error
	if f.Kind == "category" {
		err = tx.QueryRowContext(ctx, `SELECT name FROM categories WHERE name = ?1 OR code = ?1 ORDER BY name = ?1 DESC LIMIT 1`, f.Chosen).Scan(&name)
	} else {
		err = tx.QueryRowContext(ctx, `SELECT name FROM units WHERE name = ?1 UNION ALL
			SELECT u.name FROM unit_aliases a JOIN units u ON u.id = a.unit_id WHERE a.alias = ?1 LIMIT 1`, f.Chosen).Scan(&name)
	}
	switch {
	case errors.Is(err, sql.ErrNoRows) && f.Kind == "category":
		return storecore.UnknownCategory(f.Chosen)
	case errors.Is(err, sql.ErrNoRows):
		return storecore.UnknownUnit(f.Chosen)
	case err != nil:
		return internal("sqlite.AddFeedback", err)
	}
	f.Chosen = name
	return nil
}

// Feedbacks returns all verdicts, oldest first.
func (db *DB) Feedbacks(ctx context.Context) ([]tian.Feedback, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, number, kind, suggested, chosen, accepted, text, model_version,
		actor, at FROM feedback ORDER BY id`)
	if err != nil {
		return nil, internal("sqlite.Feedbacks", err)
	}
	defer rows.Close()
	var out []tian.Feedback
	for rows.Next() {
		var f tian.Feedback
		if err := rows.Scan(&f.ID, &f.Number, &f.Kind, &f.Suggested, &f.Chosen, &f.Accepted, &f.Text,
			&f.ModelVersion, &f.Actor, &f.At); err != nil {
			return nil, internal("sqlite.Feedbacks", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
