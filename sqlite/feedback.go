package sqlite

import (
	"context"
	"database/sql"

	"tian"
)

// AddFeedback stores a verdict and audits it.
func (db *DB) AddFeedback(ctx context.Context, f tian.Feedback) (int64, error) {
	switch f.Kind {
	case "category", "lead_unit", "co_unit":
	default:
		return 0, tian.Errorf(tian.EINVALID, "feedback kind %q: want category, lead_unit or co_unit", f.Kind)
	}
	if f.Chosen == "" {
		return 0, tian.Errorf(tian.EINVALID, "feedback without a chosen value")
	}
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO feedback (number, kind, suggested, chosen, accepted, text,
			model_version, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			f.Number, f.Kind, f.Suggested, f.Chosen, f.Accepted, f.Text, f.ModelVersion, f.Actor, db.now()).Scan(&id)
		if err != nil {
			return err
		}
		verdict := "accepted " + f.Chosen
		if !f.Accepted {
			verdict = "overrode " + f.Suggested + " with " + f.Chosen
		}
		return db.audit(ctx, tx, f.Actor, "feedback."+f.Kind, f.Number, verdict)
	})
	if err != nil {
		return 0, internal("sqlite.AddFeedback", err)
	}
	return id, nil
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
