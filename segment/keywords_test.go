package segment_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"tian"
	"tian/segment"
)

const eldercare = `关于加快发展社区嵌入式养老服务的提案
全市60岁及以上老年人口约78万人，九成以上老年人选择居家养老，但社区养老服务供给不足：城东区近四成社区没有养老服务站点，助餐、助浴、康复护理等刚需服务缺口大。
建议：1.利用社区闲置用房布局社区嵌入式养老服务机构；2.推动医养结合，为失能老人提供上门护理；3.完善养老服务运营补贴。`

func TestKeywordsWithGseIDF(t *testing.T) {
	s := defaultSegmenter(t)
	kws := s.Keywords(eldercare, 5, nil)
	if len(kws) != 5 {
		t.Fatalf("Keywords = %v, want 5", kws)
	}
	top := make([]string, len(kws))
	for i, k := range kws {
		top[i] = k.Text
		if i > 0 && k.Weight > kws[i-1].Weight {
			t.Errorf("keywords not sorted by weight: %v", kws)
		}
	}
	if !slices.Contains(top, "养老服务") && !slices.Contains(top, "社区嵌入式养老") {
		t.Errorf("top keywords %q miss the subject (养老服务 or 社区嵌入式养老)", top)
	}
	for _, w := range top {
		if s.IsStop(w) || w == "60" || w == "建议" {
			t.Errorf("keyword %q is a stop word or a number", w)
		}
	}
}

// With a corpus table, words every proposal uses (社区, 服务) sink and the
// proposal's own subject rises.
func TestKeywordsWithCorpusIDF(t *testing.T) {
	s := defaultSegmenter(t)
	corpus := []string{
		eldercare,
		"关于城东区老旧小区加装电梯的提案 社区居民反映加装电梯协调难、资金难，建议完善社区协商机制和财政补贴。",
		"关于优化城南区社区服务设施布局的提案 城南区新建小区多，社区服务用房不足，建议配齐社区服务中心。",
		"关于加强社区卫生服务中心建设的提案 社区卫生服务中心人员不足，建议加强全科医生培养，提升社区服务能力。",
	}
	var idf segment.CorpusIDF
	for _, doc := range corpus {
		idf.Add(s.KeywordTerms(doc))
	}
	kws := s.Keywords(corpus[1], -1, &idf)
	weight := map[string]float64{}
	for _, k := range kws {
		weight[k.Text] = k.Weight
	}
	if len(kws) == 0 || kws[0].Text != "加装电梯" {
		t.Errorf("keywords of the lift proposal = %v, want 加装电梯 first", kws)
	}
	// 社区 and 加装电梯 both occur twice in the proposal; 社区 occurs in
	// every document, so it must weigh less.
	if weight["社区"] >= weight["加装电梯"] {
		t.Errorf("社区 (in every document) weighs %.3f, 加装电梯 %.3f", weight["社区"], weight["加装电梯"])
	}
}

func TestCorpusIDFRoundTrip(t *testing.T) {
	var idf segment.CorpusIDF
	idf.Add([]string{"养老服务", "社区", "社区"})
	idf.Add([]string{"加装电梯", "社区"})
	var buf bytes.Buffer
	if _, err := idf.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := segment.ReadIDF(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range []string{"养老服务", "社区", "加装电梯", "没见过"} {
		w1, ok1 := idf.IDF(term)
		w2, ok2 := got.IDF(term)
		if w1 != w2 || ok1 != ok2 {
			t.Errorf("IDF(%q) = %v,%v after round trip, want %v,%v", term, w2, ok2, w1, ok1)
		}
	}
	if a, _ := idf.IDF("社区"); a >= func() float64 { b, _ := idf.IDF("养老服务"); return b }() {
		t.Errorf("a term in every document should weigh less than a rarer one")
	}
	var again bytes.Buffer
	got.WriteTo(&again)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("saving a loaded table changed its bytes")
	}
}

func TestReadIDFErrors(t *testing.T) {
	for name, text := range map[string]string{
		"header": "not an idf\n2\n",
		"count":  "tian-idf 1\nmany\n",
		"line":   "tian-idf 1\n2\n社区\tx\n",
		"df > N": "tian-idf 1\n2\n社区\t3\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := segment.ReadIDF(strings.NewReader(text))
			if tian.ErrorCode(err) != tian.EINVALID {
				t.Errorf("ReadIDF: err = %v, want EINVALID", err)
			}
		})
	}
}
