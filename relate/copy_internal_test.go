package relate

import (
	"strings"
	"testing"

	"tian"
)

// The passages shown of a lightly edited copy are not only its sentences
// repeated word for word: the reworded ones come too, which show the copy
// survived editing, with the longest identical ones, in A's order.
func TestTellingPairsShowTheEdits(t *testing.T) {
	ps := []tian.SentencePair{
		{A: "城南区几条排水渠夏季发黑发臭", B: "每到夏季城南区的几条排水渠就发黑发臭", Similarity: 0.71},
		{A: "周边居民反映强烈", B: "周边居民反映强烈", Similarity: 1},
		{A: "排水渠沿线有大量餐饮店铺和农贸市场", B: "排水渠沿线有大量餐饮店铺和农贸市场", Similarity: 1},
		{A: "雨污混流问题长期没有解决", B: "雨污混流问题长期没有解决", Similarity: 1},
		{A: "建议市水务局牵头开展截污纳管", B: "建议由市水务局牵头实施截污纳管", Similarity: 0.62},
		{A: "定期清淤", B: "定期清淤", Similarity: 1},
		{A: "同时加快建设沿渠污水收集管网", B: "同时加快建设沿渠污水收集干管", Similarity: 0.86},
		{A: "建立河长巡查和群众监督相结合的长效机制", B: "建立河长巡查和群众监督相结合的长效机制", Similarity: 1},
	}
	got := tellingPairs(ps, 5)
	var texts []string
	for _, p := range got {
		texts = append(texts, p.A)
	}
	want := []string{"城南区几条排水渠夏季发黑发臭", "排水渠沿线有大量餐饮店铺和农贸市场", "建议市水务局牵头开展截污纳管",
		"同时加快建设沿渠污水收集管网", "建立河长巡查和群众监督相结合的长效机制"}
	if len(texts) != len(want) {
		t.Fatalf("kept %q", texts)
	}
	for i := range want {
		if texts[i] != want[i] {
			t.Errorf("kept %q, want %q", texts, want)
			break
		}
	}
	// an exact copy shows its longest sentences; few pairs are all shown
	if got := tellingPairs(ps[1:4], 5); len(got) != 3 {
		t.Errorf("three pairs: kept %d", len(got))
	}
	same := []tian.SentencePair{ps[1], ps[2], ps[3], ps[5], ps[7]}
	if got := tellingPairs(append(same, ps[1]), 2); len(got) != 2 || got[0].A != ps[2].A || got[1].A != ps[7].A {
		t.Errorf("identical pairs: kept %+v", got)
	}
}

// Clauses end at commas and colons, but a web address, a time or a
// number written with half-width punctuation stays whole.
func TestSplitClausesKeepsAddressesAndNumbers(t *testing.T) {
	got := splitClauses("详见市政府门户网站（https://www.example.gov.cn/zwgk:2024），每天9:30至17:00开放，全市共有1,400余处,覆盖各区：东城、西城")
	want := []string{"详见市政府门户网站（https://www.example.gov.cn/zwgk", "2024）", "每天9:30至17:00开放", "全市共有1,400余处", "覆盖各区", "东城、西城"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("clauses\n got %q\nwant %q", got, want)
	}
}
