package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"tian"
	"tian/segment"
)

type segmentCmd struct {
	m         *Main
	mode      string
	keywords  int
	json      bool
	stats     bool
	dropStop  bool
	dropPunct bool
}

func (c *segmentCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "segment [文本 | -]",
		Short: "把中文文本切分成词（- 或不给文本：逐行读取标准输入）",
		Example: `  tian segment "健全一老一小服务体系，培育专精特新企业"
  tian segment --mode search --json "解决群众急难愁盼问题"
  tian segment --keywords 5 - < proposal.txt`,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.StringVar(&c.mode, "mode", "exact", "exact：每个词一项；search：另列出长词中包含的词")
	f.IntVar(&c.keywords, "keywords", 0, "同时列出权重最高的 N 个关键词（TF-IDF）")
	f.BoolVar(&c.json, "json", false, "输出 JSON，含字节偏移，每行一个对象")
	f.BoolVar(&c.stats, "stats", false, "在标准错误输出加载时间、词典大小、堆内存、RSS 和吞吐量")
	f.BoolVar(&c.dropStop, "drop-stop", false, "去掉停用词")
	f.BoolVar(&c.dropPunct, "drop-punct", false, "去掉标点")
	return cmd
}

func (c *segmentCmd) run(cmd *cobra.Command, args []string) error {
	mode, err := tian.ParseMode(c.mode)
	if err != nil {
		return err
	}
	if c.keywords < 0 {
		return tian.Errorf(tian.EINVALID, "--keywords 不能为负数，收到 %d", c.keywords)
	}
	t0 := time.Now()
	seg, err := c.m.Segmenter()
	if err != nil {
		return err
	}
	if c.keywords > 0 {
		segment.GseIDF() // parse the IDF table before the clock starts
	}
	load := time.Since(t0)
	opt := tian.CutOptions{Mode: mode, DropStop: c.dropStop, DropPunct: c.dropPunct}
	w := bufio.NewWriter(c.m.Stdout)
	defer w.Flush()
	t1 := time.Now()
	var n int64
	each := func(text string) error {
		n += int64(len(text))
		return c.print(w, seg, text, opt)
	}
	if len(args) == 0 || (len(args) == 1 && args[0] == "-") {
		err = eachLine(c.m.Stdin, each)
	} else {
		err = each(strings.Join(args, " "))
	}
	if err != nil {
		return err
	}
	if c.stats {
		w.Flush()
		printStats(c.m.Stderr, seg, load, n, time.Since(t1))
	}
	return nil
}

// eachLine calls fn for every line of r; lines may be long (a whole
// proposal), up to 16 MB.
func eachLine(r io.Reader, fn func(string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		if err := fn(sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return tian.Errorf(tian.EINVALID, "读取标准输入失败（%v）", err)
	}
	return nil
}

type segmentOutput struct {
	Text       string         `json:"text"`
	Normalized string         `json:"normalized"`
	Mode       string         `json:"mode"`
	Tokens     []tian.Token   `json:"tokens"`
	Keywords   []tian.Keyword `json:"keywords,omitempty"`
}

func (c *segmentCmd) print(w io.Writer, seg *segment.Segmenter, text string, opt tian.CutOptions) error {
	toks := seg.Cut(text, opt)
	var kws []tian.Keyword
	if c.keywords > 0 {
		kws = seg.Keywords(text, c.keywords, nil)
	}
	if c.json {
		out := segmentOutput{Text: text, Normalized: seg.Normalize(text), Mode: opt.Mode.String(), Tokens: toks, Keywords: kws}
		if out.Tokens == nil {
			out.Tokens = []tian.Token{}
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	words := make([]string, 0, len(toks))
	for _, t := range toks {
		if t.Text != " " {
			words = append(words, t.Text)
		}
	}
	fmt.Fprintln(w, strings.Join(words, " "))
	for _, k := range kws {
		fmt.Fprintf(w, "%s\t%.4f\n", k.Text, k.Weight)
	}
	return nil
}

func printStats(w io.Writer, seg *segment.Segmenter, load time.Duration, n int64, took time.Duration) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "词典：%d 个词条，加载用时 %s\n", seg.Words(), load.Round(time.Millisecond))
	fmt.Fprintf(w, "加载后堆内存 %.0f MB；RSS %s，峰值 %s\n", float64(ms.HeapAlloc)/1e6,
		procStatus("VmRSS"), procStatus("VmHWM"))
	if took > 0 && n > 0 {
		fmt.Fprintf(w, "切分 %d 字节，用时 %s：%.2f MB/s\n", n, took.Round(time.Microsecond),
			float64(n)/1e6/took.Seconds())
	}
}

// procStatus reads a field of /proc/self/status (Linux), e.g. VmRSS.
func procStatus(field string) string { return procField("self", field) }

// procField reads a field of a process's /proc status (VmRSS, VmHWM):
// pid is a process id, or "self".
func procField(pid, field string) string {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return "不详"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return "不详"
}
