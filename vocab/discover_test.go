package vocab_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"tian"
	"tian/vocab"
)

// newTerms are policy words of recent years that the dictionaries lack.
var newTerms = []string{"首发经济", "两重两新", "多规合一", "保交楼"}

// synthetic writes proposals in which the new terms recur among ordinary
// proposal language, each term in varied company, as members write them.
func synthetic() []string {
	lead := []string{"关于", "建议", "围绕", "抓住", "落实", "聚焦", "推进", "服务"}
	tail := []string{"发展", "工作", "政策", "项目", "试点", "机制", "要求", "任务", "落地", "成效"}
	says := []string{
		"近年来我市经济社会发展取得明显成效，但群众反映的问题仍然较多。",
		"据调查，全市有关部门已经开展了大量工作，基层干部普遍认为还需加大力度。",
		"建议市政府牵头，会同各区县和相关部门建立协调机制，明确责任分工。",
		"二〇二三年全市完成投资三百亿元，比上年增长百分之八，三个月内完成验收。",
		"同时要加强宣传引导，及时回应社会关切，让企业和群众有更多获得感。",
		"部分企业反映审批环节多、周期长，资金压力大，希望政府给予支持。",
	}
	var out []string
	for d := range 40 {
		var b strings.Builder
		term := newTerms[d%len(newTerms)]
		fmt.Fprintf(&b, "关于%s%s的提案\n", lead[(d/4)%len(lead)], term)
		for i := range 6 {
			b.WriteString(says[(d+i)%len(says)])
			other := newTerms[(d+i)%len(newTerms)]
			fmt.Fprintf(&b, "%s%s%s，", lead[(d+3*i)%len(lead)], term, tail[(d+i)%len(tail)])
			fmt.Fprintf(&b, "同时%s%s%s。", lead[(d+5*i+1)%len(lead)], other, tail[(d+2*i+3)%len(tail)])
		}
		out = append(out, b.String())
	}
	return out
}

// dictionary stands for the segmenter's lookup: the ordinary words of the
// synthetic proposals.
func dictionary(w string) bool {
	return slices.Contains(strings.Fields(`发展 工作 政策 项目 试点 机制 要求 任务 落地 成效 关于 建议 围绕
		抓住 落实 聚焦 推进 服务 提案 近年来 我市 经济 社会 取得 明显 但 群众 反映 问题 仍然 较多 据 调查 全市
		有关 部门 已经 开展 大量 基层 干部 普遍 认为 还需 加大 力度 市政府 牵头 会同 各 区县 和 相关 建立 协调
		明确 责任 分工 完成 投资 比 上年 增长 百分之八 三个月 内 验收 同时 要 加强 宣传 引导 及时 回应 关切
		企业 更多 获得感 部分 审批 环节 多 周期 长 资金 压力 大 希望 政府 给予 支持 首发 两重 合一 保 交 楼`), w)
}

func TestDiscoverFindsNewTermsNotFragments(t *testing.T) {
	cands, err := vocab.Discover(context.Background(), synthetic(), dictionary, vocab.Options{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	got := words(cands)
	for _, w := range newTerms {
		if !slices.Contains(got, w) {
			t.Errorf("%s not among the top 10: %q", w, got)
		}
	}
	all, err := vocab.Discover(context.Background(), synthetic(), dictionary, vocab.Options{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{"首发经", "发经济", "两重两", "重两新", "多规合", "规合一", "保交", "交楼",
		"二〇二三年", "三百亿元", "三个月", "关于首发经济", "经济社会", "群众反映"} {
		if slices.Contains(words(all), frag) {
			t.Errorf("the fragment, quantity or phrase %s is a candidate", frag)
		}
	}
	// The generator makes phrases such as 推进首发经济 recur too; each must
	// rank below the term it holds.
	rank := make(map[string]int)
	for i, w := range words(all) {
		rank[w] = i
	}
	for _, c := range all {
		for _, term := range newTerms {
			if c.Word != term && strings.Contains(c.Word, term) && rank[c.Word] < rank[term] {
				t.Errorf("the phrase %s ranks above %s", c.Word, term)
			}
		}
	}
	for _, c := range all {
		if dictionary(c.Word) {
			t.Errorf("%s is a known word", c.Word)
		}
	}
}

func TestDiscoverCandidateFields(t *testing.T) {
	texts := synthetic()
	cands, err := vocab.Discover(context.Background(), texts, dictionary, vocab.Options{Limit: 4, Examples: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		occ, docs := 0, 0
		for _, text := range texts {
			if n := strings.Count(text, c.Word); n > 0 {
				occ += n
				docs++
			}
		}
		if c.Freq != occ || c.Docs != docs {
			t.Errorf("%s: Freq %d, Docs %d; the texts hold it %d times in %d", c.Word, c.Freq, c.Docs, occ, docs)
		}
		if c.Cohesion <= 0 || c.LeftEntropy <= 0 || c.RightEntropy <= 0 || c.Score <= 0 {
			t.Errorf("%s: cohesion %.2f, entropies %.2f %.2f, score %.2f; want all positive", c.Word,
				c.Cohesion, c.LeftEntropy, c.RightEntropy, c.Score)
		}
		if len(c.Examples) != 2 {
			t.Errorf("%s: %d examples, want 2: %q", c.Word, len(c.Examples), c.Examples)
		}
		for _, e := range c.Examples {
			if !strings.Contains(e, c.Word) || utf8.RuneCountInString(e) > utf8.RuneCountInString(c.Word)+2*8+2 {
				t.Errorf("%s: example %q should hold the word with at most 8 characters each side", c.Word, e)
			}
		}
	}
}

func TestDiscoverIsDeterministic(t *testing.T) {
	a, err := vocab.Discover(context.Background(), synthetic(), dictionary, vocab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := vocab.Discover(context.Background(), synthetic(), dictionary, vocab.Options{})
	if !reflect.DeepEqual(a, b) {
		t.Error("two runs over the same texts differ")
	}
	if !slices.IsSortedFunc(a, func(x, y vocab.Candidate) int {
		if x.Score != y.Score {
			return map[bool]int{true: -1, false: 1}[x.Score > y.Score]
		}
		return strings.Compare(x.Word, y.Word)
	}) {
		t.Error("candidates are not ordered by score, then word")
	}
}

func TestDiscoverRespectsLengthsAndRuns(t *testing.T) {
	texts := []string{}
	for i := range 12 {
		texts = append(texts, fmt.Sprintf("推进保交楼，做好保交楼工作%d次。推动5G基站建设，第%d批5G基站。社区嵌入式养老服务综合体建设%d处", i, i, i))
	}
	cands, err := vocab.Discover(context.Background(), texts, dictionary, vocab.Options{MinLen: 3, MaxLen: 4, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		if n := utf8.RuneCountInString(c.Word); n < 3 || n > 4 {
			t.Errorf("%s has %d characters, outside 3..4", c.Word, n)
		}
		if strings.ContainsAny(c.Word, "，。5G0123456789") {
			t.Errorf("%s spans punctuation, digits or letters", c.Word)
		}
	}
}

func TestDiscoverBadOptions(t *testing.T) {
	for _, opt := range []vocab.Options{{MinLen: 1}, {MaxLen: 9}, {MinLen: 5, MaxLen: 3}, {MinFreq: -1}, {Limit: -5}} {
		if _, err := vocab.Discover(context.Background(), synthetic(), dictionary, opt); tian.ErrorCode(err) != tian.EINVALID {
			t.Errorf("Discover with %+v: err = %v, want EINVALID", opt, err)
		}
	}
}

func TestDiscoverCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := vocab.Discover(ctx, synthetic(), dictionary, vocab.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}
}

func TestDiscoverEmpty(t *testing.T) {
	for _, texts := range [][]string{nil, {""}, {"，。！", "2023 ABC"}} {
		cands, err := vocab.Discover(context.Background(), texts, nil, vocab.Options{})
		if err != nil || len(cands) != 0 {
			t.Errorf("Discover(%q) = %v, %v; want nothing", texts, cands, err)
		}
	}
}

func words(cands []vocab.Candidate) []string {
	out := make([]string, len(cands))
	for i, c := range cands {
		out[i] = c.Word
	}
	return out
}
