package postgres_test

import (
	"context"
	"testing"
	"time"

	"tian"
)

// A replica watching the change log hears of a write committed through
// another replica at once, and of nothing that was rolled back.
func TestWatchChangesHearsOtherReplicasCommits(t *testing.T) {
	a, b := twoReplicas(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	heard := make(chan struct{}, 16)
	watching := make(chan error, 1)
	go func() { watching <- b.WatchChanges(ctx, func() { heard <- struct{}{} }) }()
	// the LISTEN is in place once a first commit is heard: write until one is
	rec := func(n, title string) []tian.Record {
		return []tian.Record{{Row: 2, Proposal: tian.Proposal{Number: n, Year: 2025, Title: title,
			Body: "城南区几条排水渠夏季发黑发臭，周边居民反映强烈。", Proposer: "李敏", Status: tian.StatusFiled}}}
	}
	deadline := time.After(10 * time.Second)
	for i := 0; ; i++ {
		if _, err := a.ImportProposals(ctx, rec("2025010"+string(rune('0'+i%10)), "关于治理城南区黑臭水体的提案"), tian.ImportOptions{File: "水体.xlsx", Actor: "staff:wang"}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-heard:
		case <-time.After(200 * time.Millisecond):
			continue
		case <-deadline:
			t.Fatal("no notification within 10 s of commits on the other replica")
		}
		break
	}
	drain := func() {
		for {
			select {
			case <-heard:
			case <-time.After(300 * time.Millisecond):
				return
			}
		}
	}
	drain()
	// one notification per committed import, whatever it wrote
	start := time.Now()
	if _, err := a.ImportProposals(ctx, rec("20250200", "关于建设城市生命线安全工程的提案"), tian.ImportOptions{File: "管网.xlsx", Actor: "staff:wang"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-heard:
		if lag := time.Since(start); lag > 2*time.Second {
			t.Errorf("heard %v after the commit", lag)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a commit on replica A was not heard on B")
	}
	// a refused import (strict, a bad row) commits nothing and says nothing
	bad := rec("20250201", "")
	if rep, err := a.ImportProposals(ctx, bad, tian.ImportOptions{File: "坏.xlsx", Actor: "staff:wang", Strict: true}); err == nil && rep.Committed {
		t.Fatalf("an import without a title committed: %+v", rep)
	}
	select {
	case <-heard:
		t.Error("a refused import was heard as a change")
	case <-time.After(500 * time.Millisecond):
	}
	cancel()
	if err := <-watching; err != context.Canceled {
		t.Errorf("the watch ended with %v, want context.Canceled", err)
	}
}

// Models saved through one replica are read, as saved and under a higher
// version, through the other.
func TestModelFilesAreSharedWithAVersion(t *testing.T) {
	ctx := context.Background()
	a, b := twoReplicas(t)
	if v, err := b.ModelsVersion(ctx); err != nil || v != 0 {
		t.Fatalf("a new store has models version %d, %v; want 0", v, err)
	}
	if v, files, err := b.ReadModels(ctx); err != nil || v != 0 || len(files) != 0 {
		t.Fatalf("a new store reads models %d %v %v", v, files, err)
	}
	if _, err := a.SaveModels(ctx, nil, "staff:wang"); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("saving no files: %v, want EINVALID", err)
	}
	first := map[string][]byte{"category.model": []byte("类别模型 v1\x00\x01\xff"), "router.json": []byte(`{"单位":"市教育局"}`)}
	v1, err := a.SaveModels(ctx, first, "staff:wang")
	if err != nil || v1 != 1 {
		t.Fatalf("first save: version %d, %v", v1, err)
	}
	second := map[string][]byte{"category.model": []byte("类别模型 v2")}
	v2, err := b.SaveModels(ctx, second, "admin:li")
	if err != nil || v2 != 2 {
		t.Fatalf("second save: version %d, %v", v2, err)
	}
	v, files, err := a.ReadModels(ctx)
	if err != nil || v != 2 {
		t.Fatalf("read version %d, %v; want 2", v, err)
	}
	if len(files) != 1 || string(files["category.model"]) != "类别模型 v2" {
		t.Errorf("read %q, want only the second save's file", files)
	}
	log, err := a.AuditLog(ctx, 1)
	if err != nil || len(log) != 1 || log[0].Action != "models.save" || log[0].Actor != "admin:li" {
		t.Errorf("audit %+v %v, want the save by admin:li", log, err)
	}
}

// A job's lock is held by one replica at a time: the other is refused,
// or waits, and gets it once the first releases it.
func TestJobLockOneReplicaAtATime(t *testing.T) {
	ctx := context.Background()
	a, b := twoReplicas(t)
	release, err := a.LockJob(ctx, "train", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.LockJob(ctx, "train", false); tian.ErrorCode(err) != tian.ECONFLICT {
		t.Fatalf("a second replica's try: %v, want ECONFLICT", err)
	}
	// another job is not held up
	other, err := b.LockJob(ctx, "import", false)
	if err != nil {
		t.Fatalf("another job's lock: %v", err)
	}
	other()
	got := make(chan error, 1)
	go func() {
		r, err := b.LockJob(ctx, "train", true)
		if err == nil {
			r()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("the waiting replica got the lock while it was held (%v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	release()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting replica did not get the lock once it was released")
	}
	// a wait gives up with its context
	release, err = a.LockJob(ctx, "train", false)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := b.LockJob(short, "train", true); err == nil {
		t.Fatal("a wait past its deadline got the lock")
	}
}
