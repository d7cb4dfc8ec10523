package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"tian"
	"tian/index"
	"tian/office"
	"tian/relate"
	"tian/sheet"
)

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

var markTags = regexp.MustCompile(`</?mark>`)

// plain renders a highlighted snippet for a terminal: 【matched】 words,
// entities unescaped, line breaks as spaces.
func plain(h string) string {
	h = strings.NewReplacer("<mark>", "【", "</mark>", "】", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", "\"", "&#39;", "'", "\n", " ").Replace(h)
	return markTags.ReplaceAllString(h, "")
}

type searchCmd struct {
	m    *Main
	req  tian.SearchRequest
	year int
	json bool
}

func (c *searchCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "search 检索词...",
		Short: "检索提案：词语、\"短语\"、OR、-排除词、字段:值（类别:、年度:、主办:、单位:、标题:……）",
		Example: `  tian search 加装电梯
  tian search '"老年助餐" OR 长者食堂' --from 2023 --to 2024
  tian search 停车 -城东区 --category 社会建设 --sort date --json`,
		Args: cobra.ArbitraryArgs,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.IntVar(&c.year, "year", 0, "只查该年度")
	f.IntVar(&c.req.YearFrom, "from", 0, "起始年度")
	f.IntVar(&c.req.YearTo, "to", 0, "截止年度")
	f.StringVar(&c.req.Session, "session", "", "只查该届次，如 十四届二次")
	f.StringVar(&c.req.Category, "category", "", "只查该类别")
	f.StringVar(&c.req.Unit, "unit", "", "由该单位承办（主办或协办）")
	f.StringVar(&c.req.LeadUnit, "lead", "", "由该单位主办")
	f.StringVar(&c.req.Proposer, "type", "", "提案人类型：委员或集体")
	f.StringVar(&c.req.Status, "status", "", "状态：立案、不予立案或并案")
	f.StringVar(&c.req.Sort, "sort", "relevance", "排序：relevance 按相关度，date 按日期")
	f.IntVar(&c.req.Page, "page", 1, "页码")
	f.IntVar(&c.req.Size, "size", 10, "每页条数，最多 100")
	f.BoolVar(&c.json, "json", false, "输出 JSON")
	return cmd
}

func (c *searchCmd) run(cmd *cobra.Command, args []string) error {
	ix, err := c.m.Backend(cmd.Context())
	if err != nil {
		return err
	}
	c.req.Query = strings.Join(args, " ")
	if c.year != 0 {
		c.req.YearFrom, c.req.YearTo = c.year, c.year
	}
	res, err := ix.Search(cmd.Context(), c.req)
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(c.m.Stdout, res)
	}
	w := c.m.Stdout
	fmt.Fprintf(w, "共%d件（第%d页，%.1f毫秒）\n", res.Total, res.Page, res.TookMS)
	for _, u := range res.Units {
		fmt.Fprintf(w, "「%s」按承办单位 %s 检索（主办、协办或正文提及）\n", u.Text, u.Unit)
	}
	if res.Hint != nil {
		fmt.Fprintln(w, res.Hint.Message)
	}
	for _, h := range res.Hits {
		reply := ""
		if h.HasReply {
			reply = " 有答复"
		}
		fmt.Fprintf(w, "\n%s  %d  %s  %s  %s%s\n  %s\n  %s\n", h.Number, h.Year, h.Category, h.Status, h.LeadUnit, reply,
			plain(h.TitleHTML), plain(h.Snippet))
	}
	for _, name := range relate.DefaultFacets {
		var parts []string
		for _, f := range res.Facets[name] {
			parts = append(parts, fmt.Sprintf("%s %d", f.Name, f.Count))
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, "\n%s：%s", facetNames[name], strings.Join(parts, "，"))
		}
	}
	fmt.Fprintln(w)
	return nil
}

// facetNames are the Chinese names of the facets search prints.
var facetNames = map[string]string{"category": "类别", "year": "年度", "lead_unit": "主办单位", "unit": "承办单位",
	"proposer_type": "提案人类型", "status": "状态", "session": "届次"}

type similarCmd struct {
	m      *Main
	text   string
	title  string
	k      int
	before int
	json   bool
}

func (c *similarCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "similar 提案号 | --text 文本",
		Short: "相似的提案，以及重复提交和疑似雷同的提案（附雷同的段落）；--before-year：以前是否提过？",
		Example: `  tian similar 20240107
  tian similar --text "建议加快老旧小区加装电梯" --before-year 2025`,
		Args: maximumArgs(1),
		RunE: c.run,
	}
	f := cmd.Flags()
	f.StringVar(&c.text, "text", "", "用一段文字代替已存储的提案（- 表示从标准输入读取）")
	f.StringVar(&c.title, "title", "", "--text 的标题")
	f.IntVar(&c.k, "k", 10, "列出的件数")
	f.IntVar(&c.before, "before-year", 0, "只看该年度以前的提案，并显示其答复")
	f.BoolVar(&c.json, "json", false, "输出 JSON")
	return cmd
}

func (c *similarCmd) run(cmd *cobra.Command, args []string) error {
	req := tian.SimilarRequest{K: c.k, BeforeYear: c.before, Title: c.title, Body: c.text}
	switch {
	case len(args) == 1 && c.text == "":
		req.Number = args[0]
	case len(args) == 0 && c.text != "":
		if c.text == "-" {
			b, err := io.ReadAll(io.LimitReader(c.m.Stdin, 4<<20))
			if err != nil {
				return err
			}
			req.Body = string(b)
		}
	default:
		return tian.Errorf(tian.EINVALID, "请给出提案号或 --text，二者选一")
	}
	b, err := c.m.Backend(cmd.Context())
	if err != nil {
		return err
	}
	ms, err := b.Similar(cmd.Context(), req)
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(c.m.Stdout, ms)
	}
	for _, m := range ms {
		fmt.Fprintf(c.m.Stdout, "%.3f  %s  %s  %d  %s\n", m.Score, m.KindLabel(), m.Number, m.Year, m.Title)
		if m.Duplicate() {
			fmt.Fprintf(c.m.Stdout, "       %s\n", m.DuplicateNote())
			for _, p := range m.Passages {
				fmt.Fprintf(c.m.Stdout, "       本件：%s\n       该件：%s（相似度 %.2f）\n", p.A, p.B, p.Similarity)
			}
		} else {
			fmt.Fprintf(c.m.Stdout, "       共有：%s\n", strings.Join(m.SharedTerms, "、"))
		}
		if m.Reply != "" {
			fmt.Fprintf(c.m.Stdout, "       答复：%s\n", m.Reply)
		}
	}
	if len(ms) == 0 {
		fmt.Fprintln(c.m.Stdout, "没有相似的提案")
	}
	return nil
}

type groupCmd struct {
	m       *Main
	req     tian.GroupRequest
	opt     relate.GroupOptions
	numbers []string
	format  string
	out     string
}

func (c *groupCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "group",
		Short: "把同类提案分组，供并案或集中协商，附组标签和归组理由",
		Example: `  tian group --year 2024
  tian group --year 2024 --threshold 0.9 --format xlsx --out 2024并案.xlsx`,
		Args: noArgs,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.IntVar(&c.req.Year, "year", 0, "该年度的提案")
	f.StringVar(&c.req.Session, "session", "", "该届次的提案")
	f.StringSliceVar(&c.numbers, "numbers", nil, "这些提案（提案号，以逗号分隔）")
	f.BoolVar(&c.req.FiledOnly, "filed-only", false, "不含未立案（不予立案）的提案")
	f.Float64Var(&c.req.Threshold, "threshold", 0, "组间平均同组可能性低于此值即停止合并，0–1（越高，组越紧；默认：相似度模型据已确认分组学到的阈值）")
	f.IntVar(&c.opt.MaxSize, "max-size", 8, "超过此件数的组再拆分")
	f.StringVar(&c.format, "format", "table", "table、json 或 xlsx")
	f.StringVarP(&c.out, "out", "o", "-", "输出文件（- 表示标准输出）")
	return cmd
}

func (c *groupCmd) run(cmd *cobra.Command, _ []string) error {
	c.req.Numbers = c.numbers
	if c.format != "table" && c.format != "json" && c.format != "xlsx" {
		return tian.Errorf(tian.EINVALID, "--format %q 无效：可选 table、json 或 xlsx", c.format)
	}
	if c.format == "xlsx" && c.out == "-" && isTerminal(os.Stdout) {
		return errXLSXToTerminal()
	}
	ix, err := c.m.Index(cmd.Context())
	if err != nil {
		return err
	}
	groups, err := ix.Relations().GroupsWith(cmd.Context(), c.req, c.opt)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		switch c.format {
		case "json":
			return printJSON(w, groups)
		case "xlsx":
			return sheet.WriteGroupsXLSX(w, groups)
		}
		for i, g := range groups {
			fmt.Fprintf(w, "第%d组  %s  （%d件，组内平均同组可能性%.0f%%，常见主办：%s）\n", i+1, strings.Join(g.Label, "、"), len(g.Members), g.Cohesion*100, g.LeadUnit)
			for _, m := range g.Members {
				fmt.Fprintf(w, "  %s  %s  [%s]\n", m.Number, m.Title, strings.Join(m.Reason, "、"))
			}
		}
		if len(groups) == 0 {
			fmt.Fprintln(w, "没有可合并的同类提案")
		}
		return nil
	}
	if c.out == "-" {
		return write(c.m.Stdout)
	}
	return office.WriteFileAtomic(c.out, 0o644, func(f *os.File) error { return write(f) })
}

// errXLSXToTerminal refuses to write a workbook to a terminal.
func errXLSXToTerminal() error {
	return tian.Errorf(tian.EINVALID, "xlsx 是二进制文件，不能输出到终端：请用 --out 指定文件")
}

type reindexCmd struct{ m *Main }

func (c *reindexCmd) command() *cobra.Command {
	return &cobra.Command{
		Use:   "reindex",
		Short: "从数据库重建检索索引",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkNotServed(c.m.DataDir); err != nil {
				return err
			}
			db, err := c.m.Store(cmd.Context())
			if err != nil {
				return err
			}
			seg, err := c.m.Segmenter()
			if err != nil {
				return err
			}
			if c.m.index != nil {
				c.m.index.Close()
				c.m.index = nil
			}
			ix, err := index.Rebuild(cmd.Context(), c.m.DataDir, db, seg)
			if err != nil {
				return err
			}
			c.m.index = ix
			n, _ := ix.Count()
			size, _ := ix.DiskSize()
			fmt.Fprintf(c.m.Stdout, "已索引提案 %d 件（占磁盘 %.1f MB）\n", n, float64(size)/1e6)
			return nil
		},
	}
}
