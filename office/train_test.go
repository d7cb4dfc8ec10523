package office_test

import (
	"slices"
	"testing"

	"tian"
	"tian/office"
)

func TestFeedbackUsedPerReviewer(t *testing.T) {
	ps := []*tian.Proposal{{Number: "20210001"}, {Number: "20210002"}, {Number: "20210003"}}
	fbs := []tian.Feedback{
		{Number: "20210001", Kind: "category", Chosen: "经济建设", Actor: "token:张三"}, // overridden below
		{Number: "20210002", Kind: "category", Chosen: "社会建设", Actor: "token:张三"},
		{Number: "20210003", Kind: "category", Chosen: "社会建设", Actor: "token:张三"},
		{Number: "20210001", Kind: "category", Chosen: "社会建设", Actor: "token:李四"},
		{Text: "关于规范网约车聚合平台抽成比例的提案", Kind: "category", Chosen: "经济建设", Actor: "token:张三"},
		{Number: "20219999", Kind: "category", Chosen: "社会建设", Actor: "token:李四"}, // deleted since
		{Number: "20210002", Kind: "lead_unit", Chosen: "市教育局", Actor: "token:王五"},
		{Number: "20210002", Kind: "co_unit", Chosen: "市财政局", Actor: "token:王五"},
		{Number: "20210002", Kind: "co_unit", Chosen: "市民政局", Actor: "token:李四"},
		{Text: "关于加装电梯的提案", Kind: "lead_unit", Chosen: "市住房和城乡建设局", Actor: "token:王五"}, // no proposal to route
	}
	for _, c := range []struct {
		which []string
		want  string
	}{
		{[]string{"category"}, "使用审查反馈 4 条：token:张三 3 条，token:李四 1 条"},
		{[]string{"router"}, "使用审查反馈 3 条：token:王五 2 条，token:李四 1 条"},
		{[]string{"category", "router"}, "使用审查反馈 7 条：token:张三 3 条，token:李四 2 条，token:王五 2 条"},
		{[]string{"category"}[:0], "使用审查反馈 0 条"},
	} {
		if got := office.FeedbackUsed(ps, fbs, slices.Contains(c.which, "category"), slices.Contains(c.which, "router")); got != c.want {
			t.Errorf("models %v:\n got %s\nwant %s", c.which, got, c.want)
		}
	}
}
