package classify_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"tian/internal/shareddata"

	"tian/classify"
)

// TestTune compares feature and optimiser settings by 5-fold cross-
// validation on the THUCNews dev split only (TIAN_TUNE=1 -v); the test
// split is touched once, by TestTHUCNews.
func TestTune(t *testing.T) {
	if os.Getenv("TIAN_TUNE") == "" {
		t.Skip("set TIAN_TUNE=1 to tune")
	}
	train := readTitles(t, filepath.Join(shareddata.Path(t, "thucnews-titles"), "dev.txt"))
	for _, grams := range [][]int{{2, 3}, {1, 2, 3}} { // chosen: {1, 2, 3}, 12 epochs, rate 0.1
		for _, epochs := range []int{12, 20} {
			for _, rate := range []float64{0.1, 0.2, 0.4} {
				cfg := classify.DefaultTrainConfig()
				cfg.Features.CharNGrams, cfg.Epochs, cfg.Rate = grams, epochs, rate
				r, err := classify.CrossValidate(seg(t), train, cfg, 5)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Printf("grams %v epochs %d rate %.1f: macro-F1 %.3f ECE %.3f\n", grams, epochs, rate, r.MacroF1, r.ECE)
			}
		}
	}
}
