package sqlite_test

import (
	"context"
	"encoding/json"
	"testing"

	"tian"
)

func TestWordsDecideReplaceForget(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	ws, err := db.Words(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(ws); string(b) != "[]" {
		t.Errorf("no decisions marshal as %s, want []", b)
	}
	stored, err := db.DecideWords(ctx, []tian.Word{
		{Word: " 首发经济 ", Status: tian.WordAccepted, Note: "新词发现：2024年出现12次"},
		{Word: "两重两新", Status: tian.WordAccepted},
		{Word: "推进城", Status: tian.WordRejected},
	}, "staff:王")
	if err != nil {
		t.Fatal(err)
	}
	if stored[0].Word != "首发经济" || stored[0].By != "staff:王" || stored[0].At == "" {
		t.Errorf("stored %+v: want the word trimmed, who and when", stored[0])
	}
	// a later decision replaces the earlier one
	if _, err := db.DecideWords(ctx, []tian.Word{{Word: "推进城", Status: tian.WordAccepted}}, "staff:李"); err != nil {
		t.Fatal(err)
	}
	ws, _ = db.Words(ctx)
	got := map[string]tian.Word{}
	for _, w := range ws {
		got[w.Word] = w
	}
	if len(ws) != 3 || got["推进城"].Status != tian.WordAccepted || got["推进城"].By != "staff:李" {
		t.Errorf("after the second decision: %+v", ws)
	}
	if acc := tian.AcceptedWords(ws); len(acc) != 3 {
		t.Errorf("accepted words %v", acc)
	}
	if err := db.ForgetWord(ctx, "推进城", "staff:李"); err != nil {
		t.Fatal(err)
	}
	if err := db.ForgetWord(ctx, "推进城", "staff:李"); tian.ErrorCode(err) != tian.ENOTFOUND {
		t.Errorf("forgetting twice: %v, want ENOTFOUND", err)
	}
	ws, _ = db.Words(ctx)
	if len(ws) != 2 {
		t.Errorf("after forgetting: %+v", ws)
	}
	log, err := db.AuditLog(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range log {
		actions[e.Action]++
	}
	if actions["words.accepted"] != 3 || actions["words.rejected"] != 1 || actions["words.forget"] != 1 {
		t.Errorf("audit actions %v", actions)
	}
}

// A bad decision stores none of the request's decisions, and the error
// names the word.
func TestWordsAllOrNone(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	for _, bad := range [][]tian.Word{
		{{Word: "低空经济", Status: tian.WordAccepted}, {Word: "的", Status: tian.WordAccepted}},
		{{Word: "低空经济", Status: tian.WordAccepted}, {Word: "低空 经济", Status: tian.WordAccepted}},
		{{Word: "低空经济", Status: tian.WordAccepted}, {Word: "bus", Status: tian.WordAccepted}},
		{{Word: "低空经济", Status: tian.WordAccepted}, {Word: "银发经济", Status: "maybe"}},
		{{Word: "低空经济", Status: tian.WordAccepted}, {Word: "低空经济", Status: tian.WordRejected}},
		{{Word: "低空经济"}},
	} {
		_, err := db.DecideWords(ctx, bad, "test")
		if tian.ErrorCode(err) != tian.EINVALID {
			t.Errorf("%v: %v, want EINVALID", bad, err)
			continue
		}
		t.Logf("%v → %s", bad, tian.ErrorMessage(err))
	}
	if ws, _ := db.Words(ctx); len(ws) != 0 {
		t.Errorf("bad requests stored %+v", ws)
	}
	many := make([]tian.Word, tian.MaxWordDecisions+1)
	if _, err := db.DecideWords(ctx, many, "test"); tian.ErrorCode(err) != tian.ETOOLARGE {
		t.Errorf("%d decisions: %v, want ETOOLARGE", len(many), err)
	}
}
