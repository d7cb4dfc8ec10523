package main

import (
	"encoding/json"
	"testing"

	"tian/internal/slowtest"
)

// tian eval words runs the ablation over the data directory's proposals
// and, with a judged list, the precision; the figures agree with the
// vocab package's own test of the same ablation.
func TestEvalWordsCommand(t *testing.T) {
	slowtest.Gate(t) // two segmenters and discovery over the corpus
	dir := demoDir(t)
	out, _, err := runIn(t, dir, "eval", "words", "--json", "--judged", "../../testdata/vocab_judged.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var ev wordsEval
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	t.Logf("%+v", ev)
	if ev.Proposals < 1000 || ev.Targets < 100 || ev.Targets+ev.StillKnown != ev.Removed || ev.Candidates < ev.Targets {
		t.Errorf("counts %+v", ev)
	}
	if !(ev.Recall100 <= ev.Recall300 && ev.Recall300 <= ev.Recall1000) || ev.Recall300 < 0.3 {
		t.Errorf("recall %+v", ev)
	}
	if ev.Precision100 == nil || *ev.Precision100 < 0.7 || ev.Unjudged100 > 3 {
		t.Errorf("precision %+v", ev)
	}
	if _, _, err := runIn(t, dir, "eval", "words", "--judged", "no-such-file.tsv"); err == nil {
		t.Errorf("a missing judged list was accepted")
	}
	if _, _, err := runIn(t, dir, "eval", "words", "--min", "0"); err == nil {
		t.Errorf("--min 0 was accepted")
	}
}
