package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"tian"
	"tian/sqlite"
)

// feedbackDB holds two demo proposals, the four categories with codes and
// units with short forms.
func feedbackDB(t *testing.T) *sqlite.DB {
	t.Helper()
	ctx := context.Background()
	db := openDB(t)
	err := db.ImportCategories(ctx, []tian.Category{{Code: "economic", Name: "经济建设"}, {Code: "political", Name: "政治建设"},
		{Code: "cultural", Name: "文化建设"}, {Code: "social", Name: "社会建设"}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	err = db.ImportUnits(ctx, []tian.Unit{{Name: "市教育局", Aliases: []string{"教育局"}}, {Name: "市财政局"},
		{Name: "市卫生健康委员会", Aliases: []string{"市卫健委"}}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	ps := demo(t, "20210004", "20210005")
	mustImport(t, db, []tian.Record{rec(2, ps[0]), rec(3, ps[1])}, tian.ImportOptions{File: "demo"})
	return db
}

func TestFeedbackIsChecked(t *testing.T) {
	ctx := context.Background()
	db := feedbackDB(t)
	long := strings.Repeat("建议加快老旧小区加装电梯。", 30_000/13+1)
	for _, c := range []struct {
		name string
		f    tian.Feedback
		code string
	}{
		{"KindUnknown", tian.Feedback{Number: "20210004", Kind: "mood", Chosen: "社会建设"}, tian.EINVALID},
		{"KindEmpty", tian.Feedback{Number: "20210004", Chosen: "社会建设"}, tian.EINVALID},
		{"ChosenMissing", tian.Feedback{Number: "20210004", Kind: "category", Suggested: "社会建设"}, tian.EINVALID},
		{"ChosenBlank", tian.Feedback{Number: "20210004", Kind: "category", Chosen: "  "}, tian.EINVALID},
		{"NumberUnknown", tian.Feedback{Number: "20219999", Kind: "category", Chosen: "社会建设"}, tian.ENOTFOUND},
		{"CategoryUnknown", tian.Feedback{Number: "20210004", Kind: "category", Chosen: "教育建设"}, tian.EINVALID},
		{"CategoryMarkup", tian.Feedback{Text: "关于规范校外培训的提案", Kind: "category", Chosen: "<b>社会建设</b>"}, tian.EINVALID},
		{"LeadUnitUnknown", tian.Feedback{Number: "20210004", Kind: "lead_unit", Chosen: "市教委"}, tian.EINVALID},
		{"CoUnitUnknown", tian.Feedback{Number: "20210005", Kind: "co_unit", Chosen: "社会建设"}, tian.EINVALID},
		{"LeadUnitIsCategory", tian.Feedback{Number: "20210005", Kind: "lead_unit", Chosen: "经济建设"}, tian.EINVALID},
		{"TextTooLong", tian.Feedback{Text: long, Kind: "category", Chosen: "社会建设"}, tian.ETOOLARGE},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.f.Actor = "token:李审查"
			_, err := db.AddFeedback(ctx, c.f)
			wantCode(t, c.name, err, c.code)
		})
	}
	_, err := db.AddFeedback(ctx, tian.Feedback{Number: "20219999", Kind: "category", Chosen: "社会建设", Actor: "r"})
	if msg := tian.ErrorMessage(err); !strings.Contains(msg, "提案 20219999 不存在") {
		t.Errorf("unknown number message %q", msg)
	}
	if fbs, _ := db.Feedbacks(ctx); len(fbs) != 0 {
		t.Errorf("%d refused feedbacks were stored", len(fbs))
	}
}

// A category may be named by its code, a unit by a short form: the
// feedback stores the names the models learn.
func TestFeedbackStoresCanonicalNames(t *testing.T) {
	ctx := context.Background()
	db := feedbackDB(t)
	text := strings.Repeat("长", 30_000)
	for _, f := range []tian.Feedback{
		{Number: "20210004", Kind: "category", Suggested: "经济建设", Chosen: "social"},
		{Text: text, Kind: "category", Chosen: "社会建设", Accepted: true},
		{Number: "20210004", Kind: "lead_unit", Suggested: "市财政局", Chosen: "教育局"},
		{Number: "20210005", Kind: "co_unit", Chosen: "市卫健委"},
	} {
		f.Actor = "token:李审查"
		if _, err := db.AddFeedback(ctx, f); err != nil {
			t.Fatalf("%+v: %v", f.Chosen, err)
		}
	}
	fbs, _ := db.Feedbacks(ctx)
	var chosen []string
	for _, f := range fbs {
		chosen = append(chosen, f.Chosen)
	}
	if got := strings.Join(chosen, " "); got != "社会建设 社会建设 市教育局 市卫生健康委员会" {
		t.Errorf("chosen stored as %s", got)
	}
}

// Forty attempts to teach the model a made-up category, with markup, are
// all refused and store nothing.
func TestFeedbackCannotPoisonTheModel(t *testing.T) {
	ctx := context.Background()
	db := feedbackDB(t)
	ps := demo(t, "20210001", "20210002", "20210003", "20210006", "20210008")
	for i := 0; i < 40; i++ {
		p := ps[i%len(ps)]
		f := tian.Feedback{Kind: "category", Suggested: p.Category, Chosen: "<b>投毒类别</b>", Actor: "token:匿名"}
		if i%2 == 0 {
			f.Text = p.Title + "\n" + p.Body
		} else {
			f.Number = "20210004"
		}
		_, err := db.AddFeedback(ctx, f)
		wantCode(t, "poisoned feedback", err, tian.EINVALID)
	}
	if n := count(t, db, "feedback"); n != 0 {
		t.Errorf("%d poisoned feedbacks stored", n)
	}
	if cats, _ := db.Categories(ctx); len(cats) != 4 {
		t.Errorf("categories %v", cats)
	}
}
