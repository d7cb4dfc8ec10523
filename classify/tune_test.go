package classify_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tian/internal/shareddata"

	"tian/classify"
)

// TestTune prints what the category model's selection compares, by
// cross-validation on the THUCNews dev split only (TIAN_TUNE=1 -v); the
// test split is touched once, by TestTHUCNews.
func TestTune(t *testing.T) {
	if os.Getenv("TIAN_TUNE") == "" {
		t.Skip("set TIAN_TUNE=1 to tune")
	}
	train := readTitles(t, filepath.Join(shareddata.Path(t, "thucnews-titles"), "dev.txt"))
	cfg := classify.DefaultCategoryConfig()
	t0 := time.Now()
	m, err := classify.Train(seg(t), train, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Candidates {
		fmt.Printf("%+v %v C %.2f NB %v: macro-F1 %.4f\n", c.Features, c.Members, c.C, c.NB, c.MacroF1)
	}
	fmt.Printf("chose %+v %v C %.2f NB %v; T %.3f, calibration %+v; %s\n", m.Config.Features, m.Config.Members, m.Config.C, m.Config.NB, m.Temperature, *m.Calibration, time.Since(t0))
}
