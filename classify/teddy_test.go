package classify_test

import (
	"testing"

	"tian/internal/shareddata"
	"tian/internal/slowtest"

	"tian/classify"
	"tian/sheet"
)

// The Teddy Cup sample: 495 citizens' messages, 7 first-level classes,
// stratified 5-fold cross-validation, the settings chosen inside each
// training fold (peer: TF-IDF characters 1–3 and LinearSVC, macro-F1
// 0.750 in scripts/peers.py's folds).
func TestTeddyCupFolds(t *testing.T) {
	slowtest.Gate(t)
	path := shareddata.Path(t, "teddycup2020c/sample/附件2.xlsx")
	res, err := sheet.ReadProposals(path, sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []classify.Doc
	for _, r := range res.Records {
		docs = append(docs, classify.Doc{Title: r.Proposal.Title, Body: r.Proposal.Body, Label: r.Proposal.Category})
	}
	if len(docs) != 495 {
		t.Fatalf("read %d messages, want 495", len(docs))
	}
	r, err := classify.CrossValidate(seg(t), docs, classify.DefaultCategoryConfig(), 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Teddy Cup sample, 5-fold: accuracy %.3f, macro-F1 %.3f, ECE %.3f; %.0f%% confident, %.3f right; chosen %v", r.Accuracy, r.MacroF1, r.ECE, r.Coverage*100, r.Precision, r.Chosen)
	if r.MacroF1 < 0.76 {
		t.Errorf("macro-F1 %.3f is below 0.76 (the peer: 0.750)", r.MacroF1)
	}
}
