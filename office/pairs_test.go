package office_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"tian"
	"tian/index"
	"tian/internal/slowtest"
	"tian/office"
	"tian/relate"
	"tian/sqlite"
)

var goldConfirmed struct {
	once sync.Once
	err  error
}

// confirmGold saves and confirms, in the shared store, the demo gold's
// groups of 2021 and 2022 as staff would through curation: the years the
// pair model learns from. Done once; later calls find them confirmed.
func confirmGold(t *testing.T, db *sqlite.DB) []tian.YearGroups {
	t.Helper()
	years, err := office.DemoGoldYears(2021, 2022)
	if err != nil {
		t.Fatal(err)
	}
	goldConfirmed.once.Do(func() {
		ctx := context.Background()
		for _, y := range years {
			saved, err := db.SaveYearGroups(ctx, y.Year, y.Groups, 0, "staff:王芳")
			if err != nil {
				goldConfirmed.err = err
				return
			}
			if _, err := db.ConfirmYearGroups(ctx, y.Year, saved.Version, "staff:王芳"); err != nil {
				goldConfirmed.err = err
				return
			}
		}
	})
	if goldConfirmed.err != nil {
		t.Fatalf("confirming the gold's 2021 and 2022 groups: %v", goldConfirmed.err)
	}
	return years
}

// keepPairModel puts the shared relations engine's pair model back when
// the test ends.
func keepPairModel(t *testing.T, rel *relate.Service) {
	t.Helper()
	prev := rel.PairModel()
	t.Cleanup(func() { rel.SetPairModel(prev) })
}

// The demo gold's years read as years staff confirmed: each year's groups
// of that year's proposals, at least two members each.
func TestDemoGoldYears(t *testing.T) {
	years, err := office.DemoGoldYears(2021, 2022)
	if err != nil || len(years) != 2 {
		t.Fatalf("%d years, %v", len(years), err)
	}
	for i, y := range years {
		if y.Year != 2021+i || !y.Confirmed || len(y.Groups) < 10 {
			t.Errorf("year %d: confirmed %v, %d groups", y.Year, y.Confirmed, len(y.Groups))
		}
		for _, g := range y.Groups {
			if g.Name == "" || len(g.Members) < 2 {
				t.Errorf("%d: group %q of %v", y.Year, g.Name, g.Members)
			}
			for _, n := range g.Members {
				if !strings.HasPrefix(n, strconv.Itoa(y.Year)) {
					t.Errorf("%d: group %q holds %s of another year", y.Year, g.Name, n)
				}
			}
		}
	}
}

// With two years of groups confirmed in the store, training the pair
// model writes models/pairs.json, and once the office loads its models
// the relations engine groups and ranks with it: its version is the one
// the office reports, its threshold the default one.
func TestTrainPairModelFromConfirmedGroups(t *testing.T) {
	slowtest.Gate(t) // fitting and tuning on two years
	_, db, _ := newOffice(t)
	ctx := context.Background()
	confirmGold(t, db)
	rel := shared.ix.Relations()
	keepPairModel(t, rel)
	rel.SetPairModel(nil) // the fixed blend, so that the trained model shows
	seg, err := filingSeg()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	o := office.New(office.Config{DataDir: dir, Store: db, Index: shared.ix, Pairs: rel, Segmenter: seg})
	if v, ok := o.Versions()["pairs"]; ok {
		t.Fatalf("the fixed blend reported as pair model %s", v)
	}
	var lines []string
	res, err := o.TrainInto(ctx, o.ModelDir(), office.TrainOptions{Pairs: true, Progress: func(l string) { lines = append(lines, l) }})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Pairs
	if m == nil || res.Category != nil || res.Router != nil || res.Filing != nil {
		t.Fatalf("trained %+v", res)
	}
	if !strings.Contains(m.TrainedOn, "2021、2022年") || m.Positives == 0 || m.Pairs <= m.Positives ||
		m.Threshold <= 0 || m.Threshold >= 1 || m.MinSize < 2 {
		t.Errorf("model trained on %q: %d pairs, %d together, threshold %v, min size %d", m.TrainedOn, m.Pairs, m.Positives, m.Threshold, m.MinSize)
	}
	for i, w := range m.Weights {
		if w < 0 {
			t.Errorf("weight of %s = %v", m.Features[i], w)
		}
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "相似度模型 "+m.Version()) || !strings.Contains(last, "分组阈值") {
		t.Errorf("progress %q", lines)
	}
	stored, err := office.DataPairModel(dir)
	if err != nil || stored == nil || stored.Version() != m.Version() {
		t.Fatalf("models/pairs.json holds %v, %v; trained %s", stored, err, m.Version())
	}
	if rel.PairModel() != nil {
		t.Error("TrainInto swapped the model in; only Train and LoadModels do")
	}

	if err := o.LoadModels(ctx); err != nil {
		t.Fatal(err)
	}
	if v := o.Versions()["pairs"]; v != m.Version() {
		t.Errorf("serving pair model %q, trained %s", v, m.Version())
	}
	if rel.Scale() != m.Version() || rel.DefaultThreshold() != m.Threshold {
		t.Errorf("the relations engine groups on %q at %v; trained %s at %v", rel.Scale(), rel.DefaultThreshold(), m.Version(), m.Threshold)
	}
	// and groups with it: a year's suggestion keeps groups of the model's
	// smallest size
	gs, err := rel.Groups(ctx, tian.GroupRequest{Year: 2022, FiledOnly: true})
	if err != nil || len(gs) == 0 {
		t.Fatalf("%d groups of 2022, %v", len(gs), err)
	}
	for _, g := range gs {
		if len(g.Members) < m.MinSize {
			t.Errorf("a group of %d (%v) below the model's smallest size %d", len(g.Members), g.Label, m.MinSize)
		}
	}
}

// emptyOffice is an office over an empty store and index of its own, with
// the relations engine's similarity as it starts: the embedded model.
func emptyOffice(t *testing.T) (*office.Office, *sqlite.DB, *relate.Service, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	seg, err := filingSeg()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ix, err := index.Open(ctx, dir, db, seg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	o := office.New(office.Config{DataDir: dir, Store: db, Index: ix, Pairs: ix.Relations(), Segmenter: seg})
	return o, db, ix.Relations(), dir
}

// With no year confirmed, training says the pair model was not trained,
// writes none, and the office keeps the embedded default.
func TestTrainPairModelWithoutConfirmedYears(t *testing.T) {
	o, _, _, dir := emptyOffice(t)
	ctx := context.Background()
	var lines []string
	res, err := o.TrainInto(ctx, o.ModelDir(), office.TrainOptions{Pairs: true, Progress: func(l string) { lines = append(lines, l) }})
	if err != nil || res.Pairs != nil {
		t.Fatalf("trained %+v, %v", res, err)
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "相似度模型未训练") || !strings.Contains(last, "没有已确认的分组") || !strings.Contains(last, "沿用现有模型") {
		t.Errorf("progress %q", lines)
	}
	if _, err := os.Stat(filepath.Join(office.ModelDir(dir), "pairs.json")); !os.IsNotExist(err) {
		t.Errorf("a pair model was written: %v", err)
	}
	if err := o.LoadModels(ctx); err != nil {
		t.Fatal(err)
	}
	def, err := relate.DefaultPairModel()
	if err != nil {
		t.Fatal(err)
	}
	if v := o.Versions()["pairs"]; v != def.Version() {
		t.Errorf("serving pair model %q, embedded %s", v, def.Version())
	}
}

// A pair model in the data directory that this build cannot read fails
// LoadModels (the start of the service) with EINVALID naming the
// similarity model and its file, and the relations engine keeps the
// model it had; removed, the embedded model serves again.
func TestLoadModelsRefusesCorruptPairModel(t *testing.T) {
	def, err := relate.DefaultPairModel()
	if err != nil {
		t.Fatal(err)
	}
	var good strings.Builder
	if _, err := def.WriteTo(&good); err != nil {
		t.Fatal(err)
	}
	o, _, rel, dir := emptyOffice(t) // one office: the other models load once
	before := rel.PairModel()
	if err := os.MkdirAll(office.ModelDir(dir), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, content string }{
		{"Truncated", good.String()[:good.Len()/2]},
		{"Empty", ""},
		{"OtherFeatures", strings.Replace(good.String(), `"shingle"`, `"bm25"`, 1)},
		{"ThresholdOutside", strings.Replace(good.String(), `"threshold": 0.`, `"threshold": 3.`, 1)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(office.ModelDir(dir), "pairs.json"), []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			err := o.LoadModels(context.Background())
			path := filepath.Join(office.ModelDir(dir), "pairs.json")
			if msg := tian.ErrorMessage(err); tian.ErrorCode(err) != tian.EINVALID || !strings.Contains(msg, "相似度模型") || !strings.Contains(msg, path) {
				t.Errorf("LoadModels: %v; want EINVALID about the similarity model in %s", err, path)
			}
			if rel.PairModel() != before {
				t.Error("the corrupt model replaced the one in use")
			}
		})
	}
	// the way out the message gives: without the file, the office starts
	// on the embedded model
	if err := os.Remove(filepath.Join(office.ModelDir(dir), "pairs.json")); err != nil {
		t.Fatal(err)
	}
	if err := o.LoadModels(context.Background()); err != nil || o.Versions()["pairs"] != def.Version() {
		t.Errorf("without the file: %v, serving %q", err, o.Versions()["pairs"])
	}
}
