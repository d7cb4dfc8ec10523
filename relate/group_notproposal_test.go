package relate_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"tian"
	"tian/relate"
)

// Records that are not proposals (a message board's) join no group of a
// filed-only grouping, however alike they are; grouping every record
// includes them.
func TestFiledOnlyGroupsLeaveOutNotProposals(t *testing.T) {
	svc := withMessagesService(t)
	grouped := func(req tian.GroupRequest) []string {
		t.Helper()
		gs, err := svc.Groups(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, g := range gs {
			for _, m := range g.Members {
				out = append(out, m.Number)
			}
		}
		slices.Sort(out)
		return out
	}
	if got := grouped(tian.GroupRequest{Year: 2019, FiledOnly: true}); !slices.Equal(got, []string{"20190001", "20190002", "20190004"}) {
		t.Errorf("filed-only groups hold %v, want the two lift proposals only", got)
	}
	if got := grouped(tian.GroupRequest{Year: 2019}); !slices.Contains(got, "360101") || !slices.Contains(got, "360102") || !slices.Contains(got, "360103") {
		t.Errorf("groups of every record hold %v, want the two messages grouped too", got)
	}
}

// withMessages is four proposals of 2019 and three posts of a message
// board imported with them (not proposals). Groups have at least three
// members, the smallest group the demo's staff confirmed.
func withMessages() []*tian.Proposal {
	return []*tian.Proposal{
		{Number: "20190001", Year: 2019, Session: "十三届二次", Status: tian.StatusFiled, Title: "关于加快老旧小区加装电梯的提案",
			Body: "老旧小区加装电梯审批环节多、居民意见难统一、资金筹措难，建议简化审批流程，完善财政补贴，推动加装电梯。"},
		{Number: "20190002", Year: 2019, Session: "十三届二次", Status: tian.StatusFiled, Title: "关于推进既有住宅加装电梯的提案",
			Body: "既有住宅加装电梯审批流程繁琐，资金筹措困难，建议简化审批，加大财政补贴，推动老旧小区加装电梯。"},
		{Number: "20190004", Year: 2019, Session: "十三届二次", Status: tian.StatusFiled, Title: "关于多渠道筹措老旧小区加装电梯资金的提案",
			Body: "老旧小区加装电梯资金筹措难，居民出资意愿不一，建议完善财政补贴，允许提取住房公积金，推动老旧小区加装电梯。"},
		{Number: "20190003", Year: 2019, Session: "十三届二次", Status: tian.StatusFiled, Title: "关于加强中小学生近视防控的提案",
			Body: "学生近视低龄化问题突出，建议保障课间户外活动时间，减少电子产品使用。"},
		{Number: "360101", Year: 2019, NotProposal: true, Title: "东湖路口红绿灯时间过短行人来不及通过",
			Body: "东湖路与建设路口行人绿灯只有15秒，老人孩子走到一半就变灯，很危险，建议延长行人绿灯时间。"},
		{Number: "360102", Year: 2019, NotProposal: true, Title: "东湖路口行人红绿灯时间太短",
			Body: "东湖路与建设路口行人绿灯只有15秒，老人走到一半就变灯，很危险，建议延长行人绿灯时间。"},
		{Number: "360103", Year: 2019, NotProposal: true, Title: "建议延长东湖路口行人绿灯",
			Body: "东湖路和建设路交叉口行人绿灯太短，只有15秒，老人走不过去，建议延长行人绿灯时间。"},
	}
}

func withMessagesService(t *testing.T) *relate.Service {
	t.Helper()
	seg := segmenter(t)
	ps := withMessages()
	eng := newFakeEngine(seg)
	for _, p := range ps {
		eng.add(p)
	}
	return relate.New(eng, newMemStore(ps), seg)
}

// A search hit says when its record is not a proposal, so that the pages
// can mark it; proposals' hits do not.
func TestSearchHitsMarkNotProposals(t *testing.T) {
	svc := withMessagesService(t)
	for _, q := range []string{"红绿灯", "加装电梯", "行人 OR 电梯"} {
		res, err := svc.Search(context.Background(), tian.SearchRequest{Query: q, Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 {
			t.Errorf("%s: no hits", q)
		}
		for _, h := range res.Hits {
			if want := strings.HasPrefix(h.Number, "3601"); h.NotProposal != want {
				t.Errorf("%s: hit %s has not_proposal %v, want %v", q, h.Number, h.NotProposal, want)
			}
		}
	}
}

// A group's label and reasons give Latin terms as the proposals write
// them (AED), not as the index keeps them (aed).
func TestGroupLabelsKeepTheWrittenCase(t *testing.T) {
	seg := segmenter(t)
	ps := []*tian.Proposal{
		{Number: "20240101", Year: 2024, Status: tian.StatusFiled, Title: "关于在公共场所配置AED的提案",
			Body: "心脏骤停抢救黄金时间只有4分钟。建议在地铁站、学校、体育场馆等公共场所配置AED，开展急救培训。"},
		{Number: "20240102", Year: 2024, Status: tian.StatusFiled, Title: "关于推进AED进社区进校园的提案",
			Body: "我市公共场所AED配置不足，建议推进AED进社区、进校园，普及急救知识，开展急救培训。"},
		{Number: "20240104", Year: 2024, Status: tian.StatusFiled, Title: "关于在体育场馆配置AED并培训急救员的提案",
			Body: "体育场馆人员密集，心脏骤停时有发生。建议在体育场馆配置AED，开展急救培训，确保AED有人会用。"},
		{Number: "20240103", Year: 2024, Status: tian.StatusFiled, Title: "关于加强中小学生近视防控的提案",
			Body: "学生近视低龄化问题突出，建议保障课间户外活动时间，减少电子产品使用。"},
	}
	eng := newFakeEngine(seg)
	for _, p := range ps {
		eng.add(p)
	}
	gs, err := relate.New(eng, newMemStore(ps), seg).Groups(context.Background(),
		// four documents give the learned similarity little to go on (every
		// word is rare): a lower threshold than a real year's
		tian.GroupRequest{Year: 2024, Threshold: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 1 {
		t.Fatalf("%d groups, want the three AED proposals' one", len(gs))
	}
	words := append([]string{}, gs[0].Label...)
	for _, m := range gs[0].Members {
		words = append(words, m.Reason...)
	}
	if !slices.Contains(words, "AED") || slices.Contains(words, "aed") {
		t.Errorf("label %v, reasons %v; want AED as written", gs[0].Label, words)
	}
}
