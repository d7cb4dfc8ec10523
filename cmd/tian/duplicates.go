package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"tian"
	"tian/office"
	"tian/sheet"
)

type duplicatesCmd struct {
	m      *Main
	req    tian.DuplicateRequest
	format string
	out    string
}

func (c *duplicatesCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "duplicates --year 年度",
		Short: "一个年度的查重：与同年提案文字基本相同的（疑似雷同）、与前几年提案基本相同的（重复提交），附雷同的段落",
		Example: `  tian duplicates --year 2025
  tian duplicates --year 2025 --lookback 4 --format xlsx --out 2025年提案查重.xlsx`,
		Args: noArgs,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.IntVar(&c.req.Year, "year", 0, "查重的年度（必填）")
	f.IntVar(&c.req.Lookback, "lookback", tian.DefaultLookback, fmt.Sprintf("往前比较的年数，1–%d", tian.MaxLookback))
	f.StringVar(&c.format, "format", "table", "table、json 或 xlsx")
	f.StringVarP(&c.out, "out", "o", "-", "输出文件（- 表示标准输出）")
	return cmd
}

func (c *duplicatesCmd) run(cmd *cobra.Command, _ []string) error {
	if c.format != "table" && c.format != "json" && c.format != "xlsx" {
		return tian.Errorf(tian.EINVALID, "--format %q 无效：可选 table、json 或 xlsx", c.format)
	}
	if c.req.Year == 0 {
		return tian.Errorf(tian.EINVALID, "请用 --year 指定查重的年度")
	}
	if c.req.Lookback == 0 {
		return tian.Errorf(tian.EINVALID, "--lookback 须在 1–%d 之间", tian.MaxLookback)
	}
	if c.format == "xlsx" && c.out == "-" && isTerminal(os.Stdout) {
		return errXLSXToTerminal()
	}
	ix, err := c.m.Index(cmd.Context())
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := ix.Duplicates(cmd.Context(), c.req)
	if err != nil {
		return err
	}
	took := time.Since(start)
	write := func(w io.Writer) error {
		switch c.format {
		case "json":
			return printJSON(w, rep)
		case "xlsx":
			return sheet.WriteDuplicates(w, rep)
		}
		return printDuplicates(w, rep, took)
	}
	if c.out == "-" {
		return write(c.m.Stdout)
	}
	return office.WriteFileAtomic(c.out, 0o644, func(f *os.File) error { return write(f) })
}

// printDuplicates prints a year's 查重 as staff read it: each pair's kind,
// the proposal, what it repeats and where that stands, and the passages.
func printDuplicates(w io.Writer, rep *tian.DuplicateReport, took time.Duration) error {
	kinds := map[string]int{}
	for _, d := range rep.Pairs {
		kinds[d.Kind]++
	}
	fmt.Fprintf(w, "%d年查重：比较 %d–%d 年的提案 %d 件，重复提交 %d 对，疑似雷同 %d 对（用时 %.1f 秒）\n", rep.Year, rep.FromYear, rep.Year,
		rep.Compared, kinds[tian.MatchResubmission], kinds[tian.MatchCopy], took.Seconds())
	for _, d := range rep.Pairs {
		fmt.Fprintf(w, "\n%s  %s  %s（%s）\n", d.KindLabel(), d.Proposal.Number, d.Proposal.Title, d.Proposal.Proposer)
		fmt.Fprintf(w, "      %s（雷同程度 %d%%）\n", d.Note(), d.CoverPercent())
		fmt.Fprintf(w, "      该件：%s  %s（%s）\n", d.Repeats.Number, d.Repeats.Title, d.Repeats.Proposer)
		for _, p := range d.Passages {
			fmt.Fprintf(w, "        本件：%s\n        该件：%s（相似度 %.2f）\n", p.A, p.B, p.Similarity)
		}
	}
	if len(rep.Pairs) == 0 {
		fmt.Fprintln(w, "没有发现重复提交或疑似雷同的提案")
	}
	return nil
}
