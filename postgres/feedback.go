package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"tian"
	"tian/internal/storecore"
)

// AddFeedback stores a verdict and audits it, with the checks of
// sqlite.DB.AddFeedback: a kind the models learn from and a chosen value
// (EINVALID), a stored proposal if one is named (ENOTFOUND), chosen an
// existing category or unit, stored by its current name (EINVALID).
func (db *DB) AddFeedback(ctx context.Context, f tian.Feedback) (int64, error) {
	if err := storecore.CheckFeedback(&f); err != nil {
		return 0, err
	}
	var id int64
	err := db.inTx(ctx, "postgres.AddFeedback", func(tx pgx.Tx) error {
		if f.Number != "" {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM proposals WHERE number = $1)`, f.Number).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return tian.Errorf(tian.ENOTFOUND, "提案 %s 不存在", f.Number)
			}
		}
		var name string
		var err error
		if f.Kind == "category" {
			err = tx.QueryRow(ctx, `SELECT name FROM categories WHERE name = $1 OR code = $1 ORDER BY name = $1 DESC LIMIT 1`, f.Chosen).Scan(&name)
		} else {
			err = tx.QueryRow(ctx, `SELECT name FROM units WHERE name = $1 UNION ALL
				SELECT u.name FROM unit_aliases a JOIN units u ON u.id = a.unit_id WHERE a.alias = $1 LIMIT 1`, f.Chosen).Scan(&name)
		}
		switch {
		case errors.Is(err, pgx.ErrNoRows) && f.Kind == "category":
			return storecore.UnknownCategory(f.Chosen)
		case errors.Is(err, pgx.ErrNoRows):
			return storecore.UnknownUnit(f.Chosen)
		case err != nil:
			return err
		}
		f.Chosen = name
		if err := tx.QueryRow(ctx, `INSERT INTO feedback (number, kind, suggested, chosen, accepted, text, model_version,
			actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			f.Number, f.Kind, f.Suggested, f.Chosen, f.Accepted, f.Text, f.ModelVersion, f.Actor, db.now()).Scan(&id); err != nil {
			return err
		}
		return db.audit(ctx, tx, f.Actor, "feedback."+f.Kind, f.Number, storecore.FeedbackVerdict(f))
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// Feedbacks returns all verdicts, oldest first.
func (db *DB) Feedbacks(ctx context.Context) ([]tian.Feedback, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, number, kind, suggested, chosen, accepted, text, model_version, actor, at
		FROM feedback ORDER BY id`)
	if err != nil {
		return nil, classify("postgres.Feedbacks", err)
	}
	out := []tian.Feedback{}
	var f tian.Feedback
	var at time.Time
	if _, err := pgx.ForEachRow(rows, []any{&f.ID, &f.Number, &f.Kind, &f.Suggested, &f.Chosen, &f.Accepted, &f.Text,
		&f.ModelVersion, &f.Actor, &at}, func() error {
		f.At = stamp(at)
		out = append(out, f)
		return nil
	}); err != nil {
		return nil, classify("postgres.Feedbacks", err)
	}
	return out, nil
}
