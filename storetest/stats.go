package storetest

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"tian"
)

// Records that are not proposals (a message board: no status, proposer
// type, 界别 or unit) are left out of the figures and counted as such;
// counted in (tian.OtherStats), they are proposals without a review
// result, and their years are listed.
func testOtherStats(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	seedUnits(t, s)
	mustImport(t, s, []tian.Record{rec(2, eldercare()), rec(3, dataSharing())}, tian.ImportOptions{Actor: "test"})
	messages := []tian.Record{
		rec(2, tian.Proposal{Number: "37042", Year: 2012, Title: "A市经济学院寒假过年期间组织学生统一去工厂工作", Body: "学校要求学生寒假去工厂实习，每天工作十一个小时。", Proposer: "A00093", Category: "教育文体"}),
		rec(3, tian.Proposal{Number: "37043", Year: 2012, Title: "西地省二本院校在A市招生计划缩减", Body: "今年招生计划比去年少了一半。", Category: "教育文体"}),
		rec(4, tian.Proposal{Number: "37044", Year: 2024, Title: "请求整治A7县小区噪音扰民", Body: "楼下商铺夜间施工噪音大。", Category: "城乡建设"}),
	}
	if rep := mustImport(t, s, messages, tian.ImportOptions{Actor: "test", File: "留言.xlsx"}); rep.NotProposals != 3 {
		t.Fatalf("message board import %+v, want 3 not proposals", rep)
	}

	st, err := s.Stats(ctx, 2012)
	if err != nil {
		t.Fatal(err)
	}
	if st.Received != 0 || st.Other != 2 || st.Report() != "2012年尚无提案记录。另有网上留言等非提案记录2件，未计入统计。" {
		t.Errorf("2012 without the messages: received %d, other %d, report %q", st.Received, st.Other, st.Report())
	}
	st, err = s.StatsIncluding(ctx, 2012, true)
	if err != nil {
		t.Fatal(err)
	}
	if st.Received != 2 || st.Unrecorded != 2 || st.Other != 0 || !strings.Contains(st.Report(), "均未记录审查结果，无法计算立案率") {
		t.Errorf("2012 with the messages: received %d, unrecorded %d, other %d, report %q", st.Received, st.Unrecorded, st.Other, st.Report())
	}
	st, _ = s.Stats(ctx, 2024)
	if st.Received != 1 || st.Filed != 1 || st.Other != 1 || !strings.HasSuffix(st.Report(), "另有网上留言等非提案记录1件，未计入统计。") {
		t.Errorf("2024: received %d, filed %d, other %d, report %q", st.Received, st.Filed, st.Other, st.Report())
	}
	st, _ = s.StatsIncluding(ctx, 2024, true)
	if st.Received != 2 || st.Filed != 1 || st.Unrecorded != 1 || st.Other != 0 {
		t.Errorf("2024 with the message: received %d, filed %d, unrecorded %d, other %d", st.Received, st.Filed, st.Unrecorded, st.Other)
	}
	st, _ = s.Stats(ctx, 0)
	if want := []tian.YearCount{{Year: 2021, Received: 1}, {Year: 2024, Received: 1}}; st.Other != 3 || !reflect.DeepEqual(st.Years, want) {
		t.Errorf("all years: other %d, years %+v; want the 3 messages left out, years %+v", st.Other, st.Years, want)
	}
	st, _ = s.StatsIncluding(ctx, 0, true)
	if want := []tian.YearCount{{Year: 2012, Received: 2}, {Year: 2021, Received: 1}, {Year: 2024, Received: 2}}; st.Received != 5 || st.Other != 0 || !reflect.DeepEqual(st.Years, want) {
		t.Errorf("all years with the messages: received %d, other %d, years %+v; want %+v", st.Received, st.Other, st.Years, want)
	}
}
