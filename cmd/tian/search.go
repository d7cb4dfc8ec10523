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
		Use:   "search QUERY...",
		Short: "search proposals: words, \"phrases\", OR, -excluded, field:value (类别:, 年度:, 主办:, 单位:, 标题:, …)",
		Example: `  tian search 加装电梯
  tian search '"老年助餐" OR 长者食堂' --from 2023 --to 2024
  tian search 停车 -城东区 --category 社会建设 --sort date --json`,
		Args: cobra.ArbitraryArgs,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.IntVar(&c.year, "year", 0, "only this year")
	f.IntVar(&c.req.YearFrom, "from", 0, "from this year")
	f.IntVar(&c.req.YearTo, "to", 0, "to this year")
	f.StringVar(&c.req.Session, "session", "", "only this session, e.g. 十四届二次")
	f.StringVar(&c.req.Category, "category", "", "only this category")
	f.StringVar(&c.req.Unit, "unit", "", "routed to this unit (lead or co-handling)")
	f.StringVar(&c.req.LeadUnit, "lead", "", "led by this unit")
	f.StringVar(&c.req.Proposer, "type", "", "委员 or 集体")
	f.StringVar(&c.req.Status, "status", "", "立案, 不予立案 or 并案")
	f.StringVar(&c.req.Sort, "sort", "relevance", "relevance or date")
	f.IntVar(&c.req.Page, "page", 1, "page")
	f.IntVar(&c.req.Size, "size", 10, "hits a page (at most 100)")
	f.BoolVar(&c.json, "json", false, "print JSON")
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
			fmt.Fprintf(w, "\n%s：%s", name, strings.Join(parts, "，"))
		}
	}
	fmt.Fprintln(w)
	return nil
}

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
		Use:   "similar NUMBER | --text TEXT",
		Short: "similar and near-duplicate proposals, with the shared key terms; --before-year: was it proposed before?",
		Example: `  tian similar 20240107
  tian similar --text "建议加快老旧小区加装电梯" --before-year 2025`,
		Args: cobra.MaximumNArgs(1),
		RunE: c.run,
	}
	f := cmd.Flags()
	f.StringVar(&c.text, "text", "", "free text instead of a stored proposal (- reads standard input)")
	f.StringVar(&c.title, "title", "", "a title for --text")
	f.IntVar(&c.k, "k", 10, "how many")
	f.IntVar(&c.before, "before-year", 0, "only proposals of years before this one, with their replies")
	f.BoolVar(&c.json, "json", false, "print JSON")
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
		return tian.Errorf(tian.EINVALID, "give a proposal number or --text, not both")
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
		kind := "相似"
		if m.Kind == tian.MatchNearDuplicate {
			kind = "疑似重复"
		}
		fmt.Fprintf(c.m.Stdout, "%.3f  %s  %s  %d  %s\n       共有：%s\n", m.Score, kind, m.Number, m.Year, m.Title,
			strings.Join(m.SharedTerms, "、"))
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
		Short: "groups of similar proposals for joint consultation (并案 / 同类提案集中协商), with labels and reasons",
		Example: `  tian group --year 2024
  tian group --year 2024 --threshold 0.2 --format xlsx --out 2024并案.xlsx`,
		Args: cobra.NoArgs,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.IntVar(&c.req.Year, "year", 0, "the year's proposals")
	f.StringVar(&c.req.Session, "session", "", "the session's proposals")
	f.StringSliceVar(&c.numbers, "numbers", nil, "these proposals (comma-separated numbers)")
	f.BoolVar(&c.req.FiledOnly, "filed-only", false, "leave out proposals not filed (不予立案)")
	f.Float64Var(&c.req.Threshold, "threshold", relate.DefaultThreshold, "mean similarity at which groups stop merging (higher: tighter groups)")
	f.IntVar(&c.opt.MaxSize, "max-size", 8, "re-split larger groups")
	f.StringVar(&c.format, "format", "table", "table, json or xlsx")
	f.StringVarP(&c.out, "out", "o", "-", "output file (- for standard output)")
	return cmd
}

func (c *groupCmd) run(cmd *cobra.Command, _ []string) error {
	c.req.Numbers = c.numbers
	if c.format != "table" && c.format != "json" && c.format != "xlsx" {
		return tian.Errorf(tian.EINVALID, "--format %q: want table, json or xlsx", c.format)
	}
	if c.format == "xlsx" && c.out == "-" && isTerminal(os.Stdout) {
		return tian.Errorf(tian.EINVALID, "an xlsx is binary: give a file with --out")
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
			fmt.Fprintf(w, "第%d组  %s  （%d件，凝聚度%.2f，常见主办：%s）\n", i+1, strings.Join(g.Label, "、"), len(g.Members), g.Cohesion, g.LeadUnit)
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

type reindexCmd struct{ m *Main }

func (c *reindexCmd) command() *cobra.Command {
	return &cobra.Command{
		Use:   "reindex",
		Short: "rebuild the search index from the database",
		Args:  cobra.NoArgs,
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
			fmt.Fprintf(c.m.Stdout, "indexed %d proposals (%.1f MB on disk)\n", n, float64(size)/1e6)
			return nil
		},
	}
}
