package sqlite_test

import (
	"context"
	"testing"

	"tian"
)

// Each decision and each forgetting is audited (the behaviour itself is
// the store contract's, storetest).
func TestWordsAreAudited(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if _, err := db.DecideWords(ctx, []tian.Word{
		{Word: "首发经济", Status: tian.WordAccepted, Note: "新词发现：2024年出现12次"},
		{Word: "推进城", Status: tian.WordRejected},
	}, "staff:王"); err != nil {
		t.Fatal(err)
	}
	if err := db.ForgetWord(ctx, "推进城", "staff:李"); err != nil {
		t.Fatal(err)
	}
	log, err := db.AuditLog(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]string{}
	for _, e := range log {
		actions[e.Action] += e.Target + "/" + e.Actor + " "
	}
	if actions["words.accepted"] != "首发经济/staff:王 " || actions["words.rejected"] != "推进城/staff:王 " || actions["words.forget"] != "推进城/staff:李 " {
		t.Errorf("audit %v", actions)
	}
}
