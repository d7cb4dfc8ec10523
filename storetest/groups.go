package storetest

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"tian"
)

// metroAndNoise are two 2024 groups of the demo corpus as staff would
// curate them: the metro connection proposals (lead unit by its short
// form) and the night-time construction noise ones.
func metroAndNoise() []tian.CuratedGroup {
	return []tian.CuratedGroup{
		{Name: " 地铁站点接驳 ", Members: []string{"20240203", "20240211", "20240219", "20240230"}, LeadUnit: "市交通运输局"},
		{Name: "夜间施工噪声管控", Members: []string{"20240704", "20240705", "20240706", "20240707"}},
	}
}

// curationStore is a store with the demo proposals the tests group: the
// metro and noise ones of 2024, one not grouped, one of 2023.
func curationStore(t *testing.T, open Open) Store {
	t.Helper()
	s := open(t)
	all, _ := demoCorpus(t)
	var recs []tian.Record
	for _, r := range all {
		if n := r.Proposal.Number; strings.HasPrefix(n, "2024070") || strings.HasPrefix(n, "202402") || n == "20230012" {
			recs = append(recs, r)
		}
	}
	if rep := mustImport(t, s, recs, tian.ImportOptions{NewUnits: true, Actor: "test"}); rep.Rejected != 0 {
		t.Fatalf("import rejected %d rows: %v", rep.Rejected, rep.Errors)
	}
	return s
}

// A save stores the year as a draft with IDs and a version, and
// reads back as saved; GroupOf finds a member's group.
func testGroupsSave(t *testing.T, open Open) {
	ctx := context.Background()
	db := curationStore(t, open)
	if _, err := db.YearGroups(ctx, 2024); tian.ErrorCode(err) != tian.ENOTFOUND {
		t.Fatalf("before any save: err = %v, want not_found", err)
	}
	y, err := db.SaveYearGroups(ctx, 2024, metroAndNoise(), 0, "staff:王芳")
	if err != nil {
		t.Fatal(err)
	}
	if y.Version != 1 || y.Confirmed || y.SavedBy != "staff:王芳" || len(y.Groups) != 2 {
		t.Fatalf("saved %+v", y)
	}
	g := y.Groups[0]
	if g.ID != "2024-1" || g.Name != "地铁站点接驳" || g.LeadUnit != "市交通运输局" || g.Year != 2024 ||
		!reflect.DeepEqual(g.Members, []string{"20240203", "20240211", "20240219", "20240230"}) {
		t.Errorf("first group %+v", g)
	}
	if y.Groups[1].ID != "2024-2" || y.Groups[1].LeadUnit != "" {
		t.Errorf("second group %+v", y.Groups[1])
	}
	again, err := db.YearGroups(ctx, 2024)
	if err != nil || !reflect.DeepEqual(again, y) {
		t.Errorf("read back %+v, %v; want %+v", again, err, y)
	}
	of, err := db.GroupOf(ctx, "20240705")
	if err != nil || of.Name != "夜间施工噪声管控" || of.Year != 2024 || len(of.Members) != 4 {
		t.Errorf("GroupOf(20240705) = %+v, %v", of, err)
	}
	if _, err := db.GroupOf(ctx, "20240237"); tian.ErrorCode(err) != tian.ENOTFOUND {
		t.Errorf("GroupOf of an ungrouped proposal: %v", err)
	}
}

// A new group gets the next ID never used in the year; kept groups keep
// theirs; a group left out is gone with its members.
func testGroupsIDs(t *testing.T, open Open) {
	ctx := context.Background()
	db := curationStore(t, open)
	y, err := db.SaveYearGroups(ctx, 2024, metroAndNoise(), 0, "staff")
	if err != nil {
		t.Fatal(err)
	}
	// split the metro group; drop the noise group
	metro := y.Groups[0]
	metro.Members = []string{"20240203", "20240219"}
	parking := tian.CuratedGroup{Name: "停车换乘与站口停放", Members: []string{"20240211", "20240230"}}
	y, err = db.SaveYearGroups(ctx, 2024, []tian.CuratedGroup{metro, parking}, 1, "staff")
	if err != nil {
		t.Fatal(err)
	}
	if y.Version != 2 || y.Groups[0].ID != "2024-1" || y.Groups[1].ID != "2024-3" {
		t.Errorf("ids after split: %s, %s (version %d)", y.Groups[0].ID, y.Groups[1].ID, y.Version)
	}
	if _, err := db.GroupOf(ctx, "20240705"); tian.ErrorCode(err) != tian.ENOTFOUND {
		t.Errorf("a member of the dropped group is still grouped: %v", err)
	}
	y, err = db.SaveYearGroups(ctx, 2024, nil, 2, "staff")
	if err != nil || len(y.Groups) != 0 || y.Groups == nil {
		t.Errorf("saving no groups: %+v, %v", y, err)
	}
}

// Saves against a stale version are refused and change nothing.
func testGroupsStale(t *testing.T, open Open) {
	ctx := context.Background()
	db := curationStore(t, open)
	if _, err := db.SaveYearGroups(ctx, 2024, metroAndNoise(), 0, "staff:甲"); err != nil {
		t.Fatal(err)
	}
	gs := metroAndNoise()[:1]
	for _, expected := range []int{0, 2, -1} {
		_, err := db.SaveYearGroups(ctx, 2024, gs, expected, "staff:乙")
		if tian.ErrorCode(err) != tian.ECONFLICT || !strings.Contains(tian.ErrorMessage(err), "请重新载入") {
			t.Errorf("expected version %d: err = %v, want conflict", expected, err)
		}
	}
	y, _ := db.YearGroups(ctx, 2024)
	if y.Version != 1 || len(y.Groups) != 2 || y.SavedBy != "staff:甲" {
		t.Errorf("a refused save changed the year: %+v", y)
	}
}

// Every rule of tian.CheckGroups holds on save, nothing is written, and
// the message names the group and the proposal.
func testGroupsValidate(t *testing.T, open Open) {
	ctx := context.Background()
	db := curationStore(t, open)
	seedAlias := []tian.Unit{{Name: "市交通运输局", Kind: "政府部门", Aliases: []string{"市交通局"}}}
	if err := db.ImportUnits(ctx, seedAlias, "test"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		edit  func(gs []tian.CuratedGroup) []tian.CuratedGroup
		wants []string
	}{
		{"other year", func(gs []tian.CuratedGroup) []tian.CuratedGroup {
			gs[0].Members = append(gs[0].Members, "20230012")
			return gs
		}, []string{"第1组（地铁站点接驳）", "20230012", "属于2023年"}},
		{"unknown number", func(gs []tian.CuratedGroup) []tian.CuratedGroup {
			gs[1].Members[0] = "20249999"
			return gs
		}, []string{"第2组", "没有提案号为 20249999"}},
		{"in two groups", func(gs []tian.CuratedGroup) []tian.CuratedGroup {
			gs[1].Members = append(gs[1].Members, "20240211")
			return gs
		}, []string{"20240211 已在第1组"}},
		{"twice in one", func(gs []tian.CuratedGroup) []tian.CuratedGroup {
			gs[1].Members = append(gs[1].Members, "20240705")
			return gs
		}, []string{"20240705 出现了两次"}},
		{"one member", func(gs []tian.CuratedGroup) []tian.CuratedGroup {
			gs[1].Members = gs[1].Members[:1]
			return gs
		}, []string{"至少要有2件提案，现有1件"}},
		{"unknown unit", func(gs []tian.CuratedGroup) []tian.CuratedGroup {
			gs[1].LeadUnit = "市地铁集团"
			return gs
		}, []string{"牵头单位“市地铁集团”不在单位名录中"}},
		{"empty name", func(gs []tian.CuratedGroup) []tian.CuratedGroup {
			gs[0].Name = "  "
			return gs
		}, []string{"第1组：组名为空"}},
		{"duplicate id", func(gs []tian.CuratedGroup) []tian.CuratedGroup {
			gs[0].ID, gs[1].ID = "2024-1", "2024-1"
			return gs
		}, []string{"编号 2024-1 与其他组重复"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := db.SaveYearGroups(ctx, 2024, c.edit(metroAndNoise()), 0, "staff")
			if tian.ErrorCode(err) != tian.EINVALID {
				t.Fatalf("err = %v, want invalid", err)
			}
			for _, w := range c.wants {
				if !strings.Contains(tian.ErrorMessage(err), w) {
					t.Errorf("message %q lacks %q", tian.ErrorMessage(err), w)
				}
			}
			if _, err := db.YearGroups(ctx, 2024); tian.ErrorCode(err) != tian.ENOTFOUND {
				t.Errorf("a refused save stored something: %v", err)
			}
		})
	}
	gs := metroAndNoise()
	gs[0].LeadUnit = "市交通局" // an alias: stored under the current name
	y, err := db.SaveYearGroups(ctx, 2024, gs, 0, "staff")
	if err != nil || y.Groups[0].LeadUnit != "市交通运输局" {
		t.Errorf("alias lead unit: %+v, %v", y, err)
	}
}

// Confirming needs a saved year at the current version, is
// listed as training signal; saving again makes it a draft.
func testGroupsConfirm(t *testing.T, open Open) {
	ctx := context.Background()
	db := curationStore(t, open)
	if _, err := db.ConfirmYearGroups(ctx, 2024, 0, "staff"); tian.ErrorCode(err) != tian.ENOTFOUND {
		t.Fatalf("confirming nothing: %v", err)
	}
	y, err := db.SaveYearGroups(ctx, 2024, metroAndNoise(), 0, "staff:王芳")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConfirmYearGroups(ctx, 2024, 7, "staff:王芳"); tian.ErrorCode(err) != tian.ECONFLICT {
		t.Fatalf("stale confirm: %v", err)
	}
	y, err = db.ConfirmYearGroups(ctx, 2024, y.Version, "staff:李强")
	if err != nil {
		t.Fatal(err)
	}
	if !y.Confirmed || y.ConfirmedBy != "staff:李强" || y.ConfirmedAt == "" || y.Version != 2 || !y.Groups[0].Confirmed {
		t.Errorf("confirmed %+v", y)
	}
	conf, err := db.ConfirmedYearGroups(ctx)
	if err != nil || len(conf) != 1 || conf[0].Year != 2024 || len(conf[0].Groups) != 2 {
		t.Errorf("confirmed years %+v, %v", conf, err)
	}
	of, _ := db.GroupOf(ctx, "20240203")
	if !of.Confirmed || of.ConfirmedBy != "staff:李强" {
		t.Errorf("GroupOf after confirming: %+v", of)
	}
	if _, err := db.SaveYearGroups(ctx, 2024, metroAndNoise()[:1], 1, "staff"); tian.ErrorCode(err) != tian.ECONFLICT {
		t.Errorf("a page holding the draft saved over the confirmation: %v", err)
	}
	y, err = db.SaveYearGroups(ctx, 2024, metroAndNoise()[:1], 2, "staff")
	if err != nil || y.Confirmed || y.ConfirmedBy != "" || y.Version != 3 {
		t.Errorf("saved after confirming: %+v, %v", y, err)
	}
	if conf, _ := db.ConfirmedYearGroups(ctx); len(conf) != 0 {
		t.Errorf("a draft is listed as confirmed: %+v", conf)
	}
}

func testGroupTuning(t *testing.T, open Open) {
	ctx := context.Background()
	db := open(t)
	if _, err := db.GroupTuning(ctx); tian.ErrorCode(err) != tian.ENOTFOUND {
		t.Fatalf("no tuning yet: %v", err)
	}
	want := tian.GroupTuning{Threshold: 0.15, Years: []int{2021, 2022}, F1: 0.71, Previous: 0.13, PreviousF1: 0.69, At: "2026-12-07T05:00:00Z"}
	for range 2 {
		if err := db.SaveGroupTuning(ctx, want, "staff:王芳"); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.GroupTuning(ctx)
	if err != nil || !reflect.DeepEqual(*got, want) {
		t.Errorf("tuning %+v, %v; want %+v", got, err, want)
	}
	// the scale a threshold was learnt on is kept with it, and a later
	// tuning on another scale replaces it (a threshold is only valid on
	// its own model's scale); one of the fixed blend has none
	for _, scale := range []string{"pairs-e641c62e", "pairs-0a1b2c3d", ""} {
		want := tian.GroupTuning{Threshold: 0.6, Years: []int{2021, 2022, 2023}, F1: 0.64, Previous: 0.55, PreviousF1: 0.61,
			At: "2026-12-07T06:00:00Z", Scale: scale}
		if err := db.SaveGroupTuning(ctx, want, "staff:王芳"); err != nil {
			t.Fatal(err)
		}
		got, err := db.GroupTuning(ctx)
		if err != nil || !reflect.DeepEqual(*got, want) {
			t.Errorf("scale %q: tuning %+v, %v; want %+v", scale, got, err, want)
		}
	}
}

// Saves and confirmations are audited with the year, the version and the
// groups' size.
func testGroupsAudited(t *testing.T, open Open) {
	ctx := context.Background()
	db := curationStore(t, open)
	metro := []tian.CuratedGroup{{Name: "地铁站点接驳", Members: []string{"20240203", "20240211", "20240219"}}}
	y, err := db.SaveYearGroups(ctx, 2024, metro, 0, "staff:王芳")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConfirmYearGroups(ctx, 2024, y.Version, "staff:李强"); err != nil {
		t.Fatal(err)
	}
	got := auditLines(t, db, 2)
	if want := []string{"staff:李强 groups.confirm 2024 第2版：1组", "staff:王芳 groups.save 2024 第1版：1组，3件提案"}; !reflect.DeepEqual(got, want) {
		t.Errorf("audit %q, want %q", got, want)
	}
}
