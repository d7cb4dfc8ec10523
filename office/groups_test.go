package office_test

import (
	"context"
	"slices"
	"testing"

	"tian"
	"tian/internal/slowtest"
	"tian/office"
	"tian/relate"
)

// otherModel is the relations engine's model retrained: other weights,
// so another scale, and a threshold of its own.
func otherModel(t *testing.T, rel *relate.Service) *relate.PairModel {
	t.Helper()
	m := *rel.PairModel()
	m.Weights = slices.Clone(m.Weights)
	m.Weights[0] += 0.75
	m.Threshold = 0.7
	if m.Version() == rel.Scale() {
		t.Fatal("changed weights kept the scale")
	}
	return &m
}

// A threshold is only meaningful on the similarity it was learnt on: a
// stored tuning of another scale (another pair model, or the fixed blend
// of earlier versions, stored without a scale) is ignored for the
// model's own threshold; one of the current scale is used; and when the
// model is retrained, the tuning of the old one gives way.
func TestCurationThresholdFollowsTheScale(t *testing.T) {
	_, db, rel, _ := emptyOffice(t)
	ctx := context.Background()
	if rel.Scale() == "" || rel.DefaultThreshold() == 0.13 {
		t.Fatalf("the engine starts on scale %q at %v", rel.Scale(), rel.DefaultThreshold())
	}
	for _, c := range []struct {
		name   string
		tuning tian.GroupTuning
		want   float64
		source string
	}{
		{"AnotherModel", tian.GroupTuning{Scale: "pairs-00000000", Threshold: 0.13, Years: []int{2021, 2022}}, rel.DefaultThreshold(), office.ThresholdDefault},
		{"FixedBlend", tian.GroupTuning{Threshold: 0.13, Years: []int{2021, 2022}}, rel.DefaultThreshold(), office.ThresholdDefault},
		{"ThisModel", tian.GroupTuning{Scale: rel.Scale(), Threshold: 0.45, Years: []int{2021, 2022}}, 0.45, office.ThresholdTuned},
	} {
		if err := db.SaveGroupTuning(ctx, c.tuning, "staff:王芳"); err != nil {
			t.Fatal(err)
		}
		cur, err := office.NewCuration(ctx, db, rel)
		if err != nil {
			t.Fatal(err)
		}
		if th, src := cur.GroupThreshold(); th != c.want || src != c.source {
			t.Errorf("%s: threshold %v (%s), want %v (%s)", c.name, th, src, c.want, c.source)
		}
		v, err := cur.YearGroups(ctx, tian.CurationRequest{Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		if v.Threshold != c.want || v.ThresholdOf != c.source {
			t.Errorf("%s: the suggestion groups at %v (%s), want %v (%s)", c.name, v.Threshold, v.ThresholdOf, c.want, c.source)
		}
	}
	// the tuning of this model is in use; a retrained model brings its own
	cur, err := office.NewCuration(ctx, db, rel)
	if err != nil {
		t.Fatal(err)
	}
	// a threshold another replica learnt and stored later is in use once
	// this one refreshes
	if err := db.SaveGroupTuning(ctx, tian.GroupTuning{Scale: rel.Scale(), Threshold: 0.52, Years: []int{2021, 2022, 2023}}, "staff:李明"); err != nil {
		t.Fatal(err)
	}
	if th, _ := cur.GroupThreshold(); th != 0.45 {
		t.Errorf("before refreshing: threshold %v, want the 0.45 read at start", th)
	}
	if err := cur.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if th, src := cur.GroupThreshold(); th != 0.52 || src != office.ThresholdTuned {
		t.Errorf("after refreshing: threshold %v (%s), want the stored 0.52", th, src)
	}
	retrained := otherModel(t, rel)
	rel.SetPairModel(retrained)
	if th, src := cur.GroupThreshold(); th != retrained.Threshold || src != office.ThresholdDefault {
		t.Errorf("after retraining: threshold %v (%s), want the new model's %v", th, src, retrained.Threshold)
	}
}

// Retune learns the threshold on the confirmed years with the similarity
// in use and stores it with that similarity's scale, so that a restart
// uses it, and a retrained model does not.
func TestRetuneStoresTheScale(t *testing.T) {
	slowtest.Gate(t) // grouping two years at each threshold of the grid
	_, db, _ := newOffice(t)
	ctx := context.Background()
	confirmGold(t, db)
	rel := shared.ix.Relations()
	keepPairModel(t, rel)
	def, err := relate.DefaultPairModel()
	if err != nil {
		t.Fatal(err)
	}
	rel.SetPairModel(def)
	cur, err := office.NewCuration(ctx, db, rel)
	if err != nil {
		t.Fatal(err)
	}
	tuning, err := cur.Retune(ctx, "staff:王芳")
	if err != nil {
		t.Fatal(err)
	}
	if tuning.Scale != def.Version() || !slices.Equal(tuning.Years, []int{2021, 2022}) || tuning.F1 < tuning.PreviousF1 ||
		!slices.Contains(append(relate.PairGrid(), def.Threshold), tuning.Threshold) {
		t.Errorf("tuning %+v on the model %s at %v", tuning, def.Version(), def.Threshold)
	}
	stored, err := db.GroupTuning(ctx)
	if err != nil || stored.Scale != def.Version() || stored.Threshold != tuning.Threshold {
		t.Fatalf("stored %+v, %v; tuned %+v", stored, err, tuning)
	}
	if th, src := cur.GroupThreshold(); th != tuning.Threshold || src != office.ThresholdTuned {
		t.Errorf("in use %v (%s), tuned %v", th, src, tuning.Threshold)
	}
	restarted, err := office.NewCuration(ctx, db, rel)
	if th, src := restarted.GroupThreshold(); err != nil || th != tuning.Threshold || src != office.ThresholdTuned {
		t.Errorf("after a restart: %v (%s), %v; tuned %v", th, src, err, tuning.Threshold)
	}
	retrained := otherModel(t, rel)
	rel.SetPairModel(retrained)
	restarted, err = office.NewCuration(ctx, db, rel)
	if th, src := restarted.GroupThreshold(); err != nil || th != retrained.Threshold || src != office.ThresholdDefault {
		t.Errorf("a restart on a retrained model: %v (%s), %v; want its own %v", th, src, err, retrained.Threshold)
	}
}
