package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"tian"
	"tian/internal/storecore"
)

var _ tian.WordStore = (*DB)(nil)

// Words returns every decision on the committee's dictionary, by word.
func (db *DB) Words(ctx context.Context) ([]tian.Word, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT word, status, note, decided_by, decided_at FROM words ORDER BY word`)
	if err != nil {
		return nil, internal("sqlite.Words", err)
	}
	defer rows.Close()
	out := []tian.Word{}
	for rows.Next() {
		var w tian.Word
		var status string
		if err := rows.Scan(&w.Word, &status, &w.Note, &w.By, &w.At); err != nil {
			return nil, internal("sqlite.Words", err)
		}
		w.Status = tian.WordStatus(status)
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("sqlite.Words", err)
	}
	return out, nil
}

// DecideWords records decisions in one transaction with one audit line
// each; a later decision on a word replaces the earlier one.
func (db *DB) DecideWords(ctx context.Context, words []tian.Word, actor string) ([]tian.Word, error) {
	out, err := storecore.CheckDecisions(words, actor, db.now())
	if err != nil {
		return nil, err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		for _, w := range out {
			if _, err := tx.ExecContext(ctx, `INSERT INTO words (word, status, note, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (word) DO UPDATE SET status = excluded.status, note = excluded.note,
					decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
				w.Word, string(w.Status), w.Note, w.By, w.At); err != nil {
				return internal("sqlite.DecideWords", err)
			}
			if err := db.audit(ctx, tx, actor, "words."+string(w.Status), w.Word, w.Note); err != nil {
				return internal("sqlite.DecideWords", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ForgetWord removes the decision on a word.
func (db *DB) ForgetWord(ctx context.Context, word, actor string) error {
	word = strings.TrimSpace(word)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM words WHERE word = ?`, word).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return storecore.NoWord(word)
		}
		if err != nil {
			return internal("sqlite.ForgetWord", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM words WHERE word = ?`, word); err != nil {
			return internal("sqlite.ForgetWord", err)
		}
		return db.audit(ctx, tx, actor, "words.forget", word, fmt.Sprintf("原为%s", status))
	})
}
