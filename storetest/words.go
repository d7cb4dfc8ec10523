package storetest

import (
	"context"
	"encoding/json"
	"testing"

	"tian"
)

// The committee's words: decisions stored trimmed with who and when, in
// the order of the words, a later decision replacing an earlier one, a
// forgotten word gone; a bad decision stores none of its request's.
func testWords(t *testing.T, open Open) {
	ctx := context.Background()
	ws := open(t)
	got, err := ws.Words(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(got); string(b) != "[]" {
		t.Errorf("no decisions marshal as %s, want []", b)
	}
	for _, bad := range [][]tian.Word{
		{{Word: "低空经济", Status: tian.WordAccepted}, {Word: "的", Status: tian.WordAccepted}},
		{{Word: "低空经济", Status: tian.WordAccepted}, {Word: "低空 经济", Status: tian.WordAccepted}},
		{{Word: "低空经济", Status: tian.WordAccepted}, {Word: "银发经济", Status: "maybe"}},
		{{Word: "低空经济", Status: tian.WordAccepted}, {Word: "低空经济", Status: tian.WordRejected}},
	} {
		_, err := ws.DecideWords(ctx, bad, "test")
		wantCode(t, "bad decisions", err, tian.EINVALID)
	}
	_, err = ws.DecideWords(ctx, make([]tian.Word, tian.MaxWordDecisions+1), "test")
	wantCode(t, "too many decisions", err, tian.ETOOLARGE)
	if got, _ := ws.Words(ctx); len(got) != 0 {
		t.Errorf("bad requests stored %+v", got)
	}

	stored, err := ws.DecideWords(ctx, []tian.Word{
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
	if _, err := ws.DecideWords(ctx, []tian.Word{{Word: "推进城", Status: tian.WordAccepted}}, "staff:李"); err != nil {
		t.Fatal(err)
	}
	got, err = ws.Words(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Word != "两重两新" || got[1].Word != "推进城" || got[2].Word != "首发经济" {
		t.Fatalf("words %+v, want 两重两新, 推进城, 首发经济 in the order of the words", got)
	}
	if got[1].Status != tian.WordAccepted || got[1].By != "staff:李" || got[2].Note != "新词发现：2024年出现12次" || got[2].At != stored[0].At {
		t.Errorf("after the second decision: %+v", got)
	}
	if err := ws.ForgetWord(ctx, " 推进城", "staff:李"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "forgetting twice", ws.ForgetWord(ctx, "推进城", "staff:李"), tian.ENOTFOUND)
	if got, _ = ws.Words(ctx); len(got) != 2 || tian.AcceptedWords(got)[0] != "两重两新" {
		t.Errorf("after forgetting: %+v", got)
	}
}
