package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"tian"
	"tian/internal/slowtest"
	"tian/relate"
)

const goldFile = "../../testdata/gold.json"

// evalRows reads the year rows of tian eval groups (year, precision,
// recall, F1, ARI, groups, gold groups) and its mean row's F1 and ARI.
func evalRows(t *testing.T, out string) (f1 map[int]float64, mean [2]float64, hasMean bool) {
	t.Helper()
	f1 = map[int]float64{}
	for _, line := range strings.Split(out, "\n") {
		cells := strings.Split(line, "\t")
		if y, err := strconv.Atoi(cells[0]); err == nil && len(cells) == 7 {
			if f1[y], err = strconv.ParseFloat(cells[3], 64); err != nil {
				t.Fatalf("row %q: %v", line, err)
			}
		}
		if cells[0] == "mean" && len(cells) == 5 {
			a, err1 := strconv.ParseFloat(cells[3], 64)
			b, err2 := strconv.ParseFloat(cells[4], 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("mean row %q", line)
			}
			mean, hasMean = [2]float64{a, b}, true
		}
	}
	return f1, mean, hasMean
}

// tian eval groups scores the years the default model was not tuned on
// unless told otherwise, a row a year and their mean; --filed groups and
// scores only the filed proposals, as the committee does.
func TestEvalGroupsCommand(t *testing.T) {
	slowtest.Gate(t) // grouping and near-duplicates over three years, twice
	dir := demoDir(t)
	out, _, err := runIn(t, dir, "eval", "groups", "--gold", goldFile)
	if err != nil {
		t.Fatal(err)
	}
	f1, mean, ok := evalRows(t, out)
	if len(f1) != 3 || !ok || !strings.Contains(out, "near_duplicate (2023,2024,2025)") {
		t.Fatalf("without --years, rows %v and a mean: %v in\n%s", f1, ok, out)
	}
	var sum float64
	for y := 2023; y <= 2025; y++ {
		v, ok := f1[y]
		if !ok || v <= 0 || v > 1 {
			t.Errorf("year %d: F1 %v (%v)", y, v, ok)
		}
		sum += v
	}
	if math.Abs(mean[0]-sum/3) > 0.0015 {
		t.Errorf("mean F1 %v, the rows' mean %v", mean[0], sum/3)
	}

	filed, _, err := runIn(t, dir, "eval", "groups", "--gold", goldFile, "--years", "2023,2024,2025", "--filed")
	if err != nil {
		t.Fatal(err)
	}
	ff1, fmean, ok := evalRows(t, filed)
	if len(ff1) != 3 || !ok || fmean[0] <= 0 {
		t.Fatalf("--filed: rows %v, mean %v (%v) in\n%s", ff1, fmean, ok, filed)
	}

	// the filed variant scores the year's filed proposals, not all
	js, _, err := runIn(t, dir, "eval", "groups", "--gold", goldFile, "--years", "2025", "--filed", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Groups []relate.GroupEval `json:"groups"`
	}
	if err := json.Unmarshal([]byte(js), &r); err != nil || len(r.Groups) != 1 {
		t.Fatalf("%v in %s", err, js)
	}
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	all, notRefused := 0, 0
	for _, p := range ps {
		if p.Year == 2025 {
			all++
			if p.Status != tian.StatusRejected {
				notRefused++
			}
		}
	}
	if e := r.Groups[0]; e.Year != 2025 || e.Items != notRefused || e.Items >= all {
		t.Errorf("--filed scored %d proposals of %d; %d of them are not refused", e.Items, all, notRefused)
	}
	if got := strconv.FormatFloat(r.Groups[0].F1, 'f', 3, 64); got != strconv.FormatFloat(ff1[2025], 'f', 3, 64) {
		t.Errorf("2025 filed: F1 %s in JSON, %v in the table", got, ff1[2025])
	}
}

// With no year's groups confirmed, training the pair model says it was
// not trained and writes none: grouping keeps the embedded model.
func TestTrainPairsWithoutConfirmedGroups(t *testing.T) {
	dir := freshDemoDir(t)
	out, _, err := runIn(t, dir, "train", "--models", "pairs")
	if err != nil || !strings.Contains(out, "相似度模型未训练") || !strings.Contains(out, "沿用现有模型") || strings.Contains(out, "类别模型") {
		t.Fatalf("train --models pairs: %q, %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "models", "pairs.json")); !os.IsNotExist(err) {
		t.Errorf("a pair model was written: %v", err)
	}
}
