package segment

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"

	"tian"
)

// IDF gives the inverse document frequency of a term; ok is false for a
// term the table has never seen.
type IDF interface {
	IDF(term string) (idf float64, ok bool)
}

// CorpusIDF is an IDF table counted over a corpus of documents, smoothed
// as tian.IDF does: ln((N+1)/(df+1)) + 1. The zero value is an empty
// table.
type CorpusIDF struct {
	N  int            // documents counted
	DF map[string]int // documents holding each term
}

// Add counts one document given as its terms (repeats count once).
func (c *CorpusIDF) Add(terms []string) {
	if c.DF == nil {
		c.DF = make(map[string]int)
	}
	c.N++
	seen := make(map[string]bool, len(terms))
	for _, t := range terms {
		if !seen[t] {
			seen[t] = true
			c.DF[t]++
		}
	}
}

// IDF implements IDF. A term never seen gets the weight of a term seen in
// no document.
func (c *CorpusIDF) IDF(term string) (float64, bool) {
	df, ok := c.DF[term]
	return tian.IDF(c.N, df), ok
}

const idfHeader = "tian-idf 1"

// WriteTo saves the table as text: a header line, N, then `term<TAB>df`
// lines sorted by term, so that equal tables give equal files.
func (c *CorpusIDF) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	var n int64
	add := func(k int, err error) error { n += int64(k); return err }
	if err := add(fmt.Fprintf(bw, "%s\n%d\n", idfHeader, c.N)); err != nil {
		return n, err
	}
	terms := make([]string, 0, len(c.DF))
	for t := range c.DF {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	for _, t := range terms {
		if err := add(fmt.Fprintf(bw, "%s\t%d\n", t, c.DF[t])); err != nil {
			return n, err
		}
	}
	return n, bw.Flush()
}

// ReadIDF loads a table saved by WriteTo. A wrong header or a malformed line
// is an EINVALID error naming the line.
func ReadIDF(r io.Reader) (*CorpusIDF, error) {
	sc := bufio.NewScanner(r)
	bad := func(line int, msg string) error {
		return &tian.Error{Code: tian.EINVALID, Op: "segment.ReadIDF", Message: fmt.Sprintf("第%d行：%s", line, msg)}
	}
	if !sc.Scan() || sc.Text() != idfHeader {
		return nil, bad(1, "不是 tian 的 IDF 表（第一行应为 "+strconv.Quote(idfHeader)+"）")
	}
	if !sc.Scan() {
		return nil, bad(2, "缺少文档数")
	}
	n, err := strconv.Atoi(sc.Text())
	if err != nil || n < 0 {
		return nil, bad(2, "文档数不是非负整数")
	}
	c := &CorpusIDF{N: n, DF: make(map[string]int)}
	for line := 3; sc.Scan(); line++ {
		term, dfText, ok := strings.Cut(sc.Text(), "\t")
		df, err := strconv.Atoi(dfText)
		if !ok || err != nil || df < 0 || df > n {
			return nil, bad(line, "格式应为 词<TAB>文档频率（不超过文档数）")
		}
		c.DF[term] = df
	}
	return c, sc.Err()
}

// gseIDF is gse's own IDF table (data/dict/zh/idf.txt, embedded in gse),
// parsed on first use.
var gseIDF = sync.OnceValue(func() *tableIDF {
	t := &tableIDF{m: make(map[string]float64, 280000)}
	for line := range strings.SplitSeq(gse.ZhIdf, "\n") {
		word, val, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		if v, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
			t.m[word] = v
			t.max = max(t.max, v)
		}
	}
	return t
})

// tableIDF is a fixed IDF table; unknown terms get its largest IDF.
type tableIDF struct {
	m   map[string]float64
	max float64
}

func (t *tableIDF) IDF(term string) (float64, bool) {
	if v, ok := t.m[term]; ok {
		return v, true
	}
	return t.max, false
}

// GseIDF returns gse's IDF table, the fallback when no corpus table exists.
func GseIDF() IDF { return gseIDF() }

// KeywordTerms returns the terms of text that count for keywords and IDF
// tables: exact-mode words without stop words and punctuation, of at least
// two characters, not pure numbers.
func (s *Segmenter) KeywordTerms(text string) []string {
	toks := s.Cut(text, tian.CutOptions{Mode: tian.ModeExact, DropStop: true, DropPunct: true})
	terms := make([]string, 0, len(toks))
	for _, t := range toks {
		if utf8.RuneCountInString(t.Text) >= 2 && !isNumber(t.Text) {
			terms = append(terms, t.Text)
		}
	}
	return terms
}

// Keywords returns the n terms of text with the highest TF-IDF, weight
// descending, ties by term; n < 0 returns them all. idf nil means gse's
// table.
func (s *Segmenter) Keywords(text string, n int, idf IDF) []tian.Keyword {
	if idf == nil {
		idf = GseIDF()
	}
	return rankTerms(s.KeywordTerms(text), n, idf)
}

func rankTerms(terms []string, n int, idf IDF) []tian.Keyword {
	tf := make(map[string]int)
	for _, t := range terms {
		tf[t]++
	}
	kws := make([]tian.Keyword, 0, len(tf))
	for t, c := range tf {
		w, _ := idf.IDF(t)
		kws = append(kws, tian.Keyword{Text: t, Weight: float64(c) / float64(len(terms)) * w})
	}
	sort.Slice(kws, func(i, j int) bool {
		if kws[i].Weight != kws[j].Weight {
			return kws[i].Weight > kws[j].Weight
		}
		return kws[i].Text < kws[j].Text
	})
	if n >= 0 && len(kws) > n {
		kws = kws[:n]
	}
	return kws
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) && r != '.' && r != '%' {
			return false
		}
	}
	return true
}

// Topics returns the n terms that most often rank among the perDoc
// strongest keywords of the documents, with the number of documents and
// their share (percent): the "hot topics" of a year's proposals. IDF is
// counted over docs themselves.
func (s *Segmenter) Topics(docs []string, perDoc, n int) []tian.Count {
	terms := make([][]string, len(docs))
	var idf CorpusIDF
	for i, d := range docs {
		terms[i] = s.KeywordTerms(d)
		idf.Add(terms[i])
	}
	counts := map[string]int{}
	for _, ts := range terms {
		for _, k := range rankTerms(ts, perDoc, &idf) {
			counts[k.Text]++
		}
	}
	out := make([]tian.Count, 0, len(counts))
	for t, c := range counts {
		out = append(out, tian.Count{Name: t, Count: c, Share: tian.Percent(c, len(docs))})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
