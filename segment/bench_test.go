package segment_test

import (
	"runtime"
	"strings"
	"testing"

	"tian"
	"tian/segment"
)

// proposal is a real-length proposal (about 600 characters) in the usual
// shape, written for these benchmarks.
const proposal = `关于推动中小制造企业数字化转型的提案
我市规模以上工业企业中，中小企业占比超过八成，是稳就业、稳增长的重要力量。调研中发现，不少企业想转型却“不敢转、不会转、转不起”：一套生产管理系统动辄数十万元，投入回报周期长；企业缺少既懂生产又懂信息化的复合型人才；服务商方案同质化严重，与企业实际需求脱节。城北工业园38家机械加工企业中，仅有6家上了工业互联网平台，多数车间仍靠纸质单据排产。去年我市入选全国中小企业数字化转型试点城市，应借势把试点政策真正落到企业身上，培育一批专精特新企业。
为此建议：
1.由市工业和信息化局牵头，按行业编制“小快轻准”数字化产品目录，对企业采购给予30%的补贴，单个企业最高50万元。
2.培育两到三个行业级工业互联网平台，推动链主企业带动上下游中小企业上平台、用平台，形成产业链协同。
3.组建数字化转型诊断服务队，免费为企业开展诊断、出具方案，2025年底前覆盖全部规上中小企业。
4.联合市地方金融管理局开发“数字化转型贷”，对转型项目给予贷款贴息，缓解企业资金压力。
5.依托高新区软件园建设实训基地，开展校企合作，定向培养工业软件和数据分析人才。`

func BenchmarkCut(b *testing.B) {
	s := defaultSegmenter(b)
	for _, mode := range []tian.Mode{tian.ModeExact, tian.ModeSearch} {
		b.Run(mode.String(), func(b *testing.B) {
			b.SetBytes(int64(len(proposal)))
			b.ReportAllocs()
			for b.Loop() {
				s.Cut(proposal, tian.CutOptions{Mode: mode, DropStop: true, DropPunct: true})
			}
		})
	}
	b.Run("traditional", func(b *testing.B) {
		trad := "關於推動中小製造企業數字化轉型的提案，培育一批專精特新企業，建議組建數字化轉型診斷服務隊。"
		b.SetBytes(int64(len(trad)))
		for b.Loop() {
			s.Cut(trad, tian.CutOptions{})
		}
	})
}

// BenchmarkCutSizes cuts a ladder of input sizes, from a title to a long
// collective proposal, to show throughput does not fall with length.
func BenchmarkCutSizes(b *testing.B) {
	s := defaultSegmenter(b)
	for _, n := range []int{1, 4, 16} {
		text := strings.Repeat(proposal, n)
		b.Run(strings.Repeat("x", n), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				s.Cut(text, tian.CutOptions{})
			}
		})
	}
}

func BenchmarkKeywords(b *testing.B) {
	s := defaultSegmenter(b)
	segment.GseIDF()
	b.SetBytes(int64(len(proposal)))
	for b.Loop() {
		s.Keywords(proposal, 10, nil)
	}
}

// BenchmarkLoad measures building a segmenter from the embedded
// dictionaries and reports the heap one segmenter holds.
func BenchmarkLoad(b *testing.B) {
	before := liveHeap()
	var s *segment.Segmenter
	for b.Loop() {
		s = nil
		var err error
		if s, err = segment.New(segment.DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(liveHeap()-before)/1e6, "heap-MB")
	runtime.KeepAlive(s)
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
