package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tian"
	"tian/internal/storecore"
)

var _ tian.WordStore = (*DB)(nil)

// Words returns every decision on the committee's dictionary, in the
// order of the words (bytes, as on SQLite).
func (db *DB) Words(ctx context.Context) ([]tian.Word, error) {
	rows, err := db.pool.Query(ctx, `SELECT word, status, note, decided_by, decided_at FROM words ORDER BY word`)
	if err != nil {
		return nil, classify("postgres.Words", err)
	}
	out := []tian.Word{}
	var w tian.Word
	var at time.Time
	if _, err := pgx.ForEachRow(rows, []any{&w.Word, &w.Status, &w.Note, &w.By, &at}, func() error {
		w.At = stamp(at)
		out = append(out, w)
		return nil
	}); err != nil {
		return nil, classify("postgres.Words", err)
	}
	return out, nil
}

// DecideWords records decisions in one transaction with one audit line
// each; a later decision on a word replaces the earlier one.
func (db *DB) DecideWords(ctx context.Context, words []tian.Word, actor string) ([]tian.Word, error) {
	now := db.now()
	out, err := storecore.CheckDecisions(words, actor, stamp(now))
	if err != nil {
		return nil, err
	}
	err = db.inTx(ctx, "postgres.DecideWords", func(tx pgx.Tx) error {
		for _, w := range out {
			if _, err := tx.Exec(ctx, `INSERT INTO words (word, status, note, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (word) DO UPDATE SET status = excluded.status, note = excluded.note,
					decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
				w.Word, string(w.Status), w.Note, w.By, now); err != nil {
				return err
			}
			if err := db.audit(ctx, tx, actor, "words."+string(w.Status), w.Word, w.Note); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ForgetWord removes the decision on a word; ENOTFOUND when there is none.
func (db *DB) ForgetWord(ctx context.Context, word, actor string) error {
	word = strings.TrimSpace(word)
	return db.inTx(ctx, "postgres.ForgetWord", func(tx pgx.Tx) error {
		var status string
		err := tx.QueryRow(ctx, `DELETE FROM words WHERE word = $1 RETURNING status`, word).Scan(&status)
		if errors.Is(err, pgx.ErrNoRows) {
			return storecore.NoWord(word)
		}
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "words.forget", word, fmt.Sprintf("原为%s", status))
	})
}
