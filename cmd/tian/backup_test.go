package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tian"
	"tian/classify"
	"tian/internal/slowtest"
	"tian/models"
	"tian/office"
	"tian/sqlite"
)

// smallStore is a data directory holding the first n demo proposals, on
// the tests' one segmenter (loading another takes seconds under -race).
func smallStore(t *testing.T, n int) (*Main, store) {
	t.Helper()
	ctx := context.Background()
	m := NewMainWithData(t.TempDir())
	t.Cleanup(func() { m.Close() })
	m.Stdout = &bytes.Buffer{}
	m.seg = sharedSegmenter(t, m)
	db, err := m.Store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]tian.Record, n)
	for i, p := range ps[:n] {
		recs[i] = tian.Record{Row: i + 2, Proposal: *p}
	}
	if _, err := db.ImportProposals(ctx, recs, tian.ImportOptions{File: "demo", Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	return m, db
}

// The MANIFEST counts what the backup file holds, not the live store,
// which keeps taking writes while the backup runs; and the backup is its
// owner's only.
func TestBackupManifestCountsTheCopy(t *testing.T) {
	ctx := context.Background()
	m, db := smallStore(t, 30)
	os.MkdirAll(office.ModelDir(m.DataDir), 0o750)
	os.WriteFile(filepath.Join(office.ModelDir(m.DataDir), "notes.txt"), []byte("trained 2026-11-25"), 0o644)
	cmd := &backupCmd{m: m, copied: func() {
		db.AddFeedback(ctx, tian.Feedback{Number: "20210001", Kind: "category", Suggested: "经济建设", Chosen: "社会建设", Actor: "token:张三"})
		db.CreateToken(ctx, "王科长", tian.RoleStaff, "test")
	}}
	dir := filepath.Join(t.TempDir(), "备份", "2026-12-07")
	if err := cmd.run(ctx, dir); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "MANIFEST.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct{ Counts map[string]int }
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	b, err := sqlite.OpenReadOnly(ctx, filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	inFile, _ := b.Counts(ctx)
	if !reflect.DeepEqual(manifest.Counts, inFile) {
		t.Errorf("MANIFEST counts %v, the backup holds %v", manifest.Counts, inFile)
	}
	if manifest.Counts["proposals"] != 30 || manifest.Counts["feedback"] != 0 || manifest.Counts["tokens"] != 0 {
		t.Errorf("MANIFEST counts %v: want 30 proposals and none of the later feedback and token", manifest.Counts)
	}
	for path, want := range map[string]fs.FileMode{dir: 0o700, filepath.Join(dir, sqlite.FileName): 0o600,
		filepath.Join(dir, "MANIFEST.json"): 0o600, filepath.Join(dir, "models"): 0o700, filepath.Join(dir, "models", "notes.txt"): 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v, want mode %v", path, fi.Mode().Perm(), want)
		}
	}
	if out := m.Stdout.(*bytes.Buffer).String(); !strings.Contains(out, "提案 30 件") {
		t.Errorf("backup said %q", out)
	}
}

// Training from the store says, on its output and as a progress step, how
// many reviewers' verdicts it used and whose.
func TestTrainFromStoreReportsFeedback(t *testing.T) {
	slowtest.Gate(t)
	ctx := context.Background()
	m, db := smallStore(t, 120)
	for _, f := range []tian.Feedback{
		{Number: "20210001", Kind: "category", Suggested: "社会建设", Chosen: "经济建设", Actor: "token:张三"},
		{Number: "20210002", Kind: "category", Suggested: "社会建设", Chosen: "社会建设", Accepted: true, Actor: "token:张三"},
		{Text: "关于规范网约车聚合平台抽成比例的提案", Kind: "category", Chosen: "经济建设", Actor: "token:李四"},
	} {
		if _, err := db.AddFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	var steps []string
	train := &trainCmd{m: m, which: []string{"category"}, progress: func(s string) { steps = append(steps, s) }}
	o, err := m.Office(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := train.trainInto(ctx, o, t.TempDir(), nil); err != nil {
		t.Fatal(err)
	}
	const want = "使用审查反馈 3 条：token:张三 2 条，token:李四 1 条"
	if len(steps) != 2 || steps[0] != want || !strings.HasPrefix(steps[1], "类别模型") {
		t.Errorf("progress steps %q, want %q", steps, want)
	}
	if out := m.Stdout.(*bytes.Buffer).String(); !strings.Contains(out, want+"\n") {
		t.Errorf("train printed %q, want the feedback line", out)
	}
}

// Feedback stored before the store checked it, naming a label no category
// has, never reaches the model: training keeps only verdicts whose chosen
// category or unit the catalogue has.
func TestTrainIgnoresFeedbackOutsideTheCatalogue(t *testing.T) {
	slowtest.Gate(t) // retraining every model
	ctx := context.Background()
	m, _ := smallStore(t, 120)
	raw, err := sql.Open("sqlite", filepath.Join(m.DataDir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for i := range 40 {
		if _, err := raw.ExecContext(ctx, `INSERT INTO feedback (number, kind, chosen, accepted, text, actor, at)
			VALUES ('', 'category', '<b>投毒类别</b>', 0, ?, 'token:attacker', '2026-12-01')`,
			fmt.Sprintf("关于第%d次加强社区养老服务的提案", i)); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	var steps []string
	train := &trainCmd{m: m, which: []string{"category"}, progress: func(s string) { steps = append(steps, s) }}
	o, err := m.Office(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := train.trainInto(ctx, o, out, nil); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(out, filepath.Base(models.CategoryModel)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cm, err := classify.ReadModel(f, m.seg)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(cm.Labels, "<b>投毒类别</b>") || len(steps) != 2 || strings.Contains(steps[0], "attacker") {
		t.Errorf("poisoned feedback reached training: labels %v, steps %q", cm.Labels, steps)
	}
}
