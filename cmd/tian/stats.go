package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"tian"
	"tian/office"
)

type statsCmd struct {
	m      *Main
	year   int
	json   bool
	topics int
	xlsx   string
	other  bool
}

func (c *statsCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "年度报告数据：收到、立案、立案率与上年比较，委员与集体提案、界别、类别、主办单位、不予立案理由、热点议题",
		Example: `  tian stats --year 2024
  tian stats --year 2024 --xlsx 2024年提案统计.xlsx
  tian stats --json`,
		Args: noArgs,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.IntVar(&c.year, "year", 0, "只统计该年度（默认：全部年度）")
	f.BoolVar(&c.json, "json", false, "输出 JSON")
	f.IntVar(&c.topics, "topics", office.HotTopics, "列出热点议题的个数")
	f.StringVar(&c.xlsx, "xlsx", "", "另将报告和各表写入该 Excel 文件（每表一个工作表）")
	f.BoolVar(&c.other, "include-other", false, "也统计标为非提案的记录（如导入的网上留言）")
	return cmd
}

func (c *statsCmd) run(cmd *cobra.Command, _ []string) error {
	if c.year != 0 && (c.year < 1000 || c.year > 9999) {
		return tian.Errorf(tian.EINVALID, "--year %d 无效：须为四位年份（如 2024），不填则统计全部年度", c.year)
	}
	o, err := c.m.Office(cmd.Context())
	if err != nil {
		return err
	}
	s, err := o.StatsOf(cmd.Context(), c.year, c.topics, c.other)
	if err != nil {
		return err
	}
	if c.xlsx != "" {
		if err := office.WriteFileAtomic(c.xlsx, 0o644, func(f *os.File) error { return o.ExportStats(f, s) }); err != nil {
			return err
		}
		defer fmt.Fprintf(c.m.Stderr, "已将%s写入 %s\n", s.Title(), c.xlsx)
	}
	if c.json {
		enc := json.NewEncoder(c.m.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	fmt.Fprintln(c.m.Stdout, s.Report())
	if len(s.Years) == 0 {
		fmt.Fprintf(c.m.Stdout, "（%s 中还没有提案：运行 tian demo 载入演示数据，或用 tian import 导入。）\n", c.m.DataDir)
		return nil
	}
	if s.Received == 0 {
		years := make([]string, len(s.Years))
		for i, y := range s.Years {
			years[i] = fmt.Sprint(y.Year)
		}
		fmt.Fprintf(c.m.Stdout, "（有提案的年度：%s。）\n", strings.Join(years, "、"))
		return nil
	}
	printTables(c.m.Stdout, s)
	return nil
}

// printTables prints the report's tables, tab-separated, each after a
// blank line; a table with no rows is left out.
func printTables(w io.Writer, s *tian.Stats) {
	table := func(header string, rows []string) {
		if len(rows) > 0 {
			fmt.Fprintf(w, "\n%s\n%s\n", header, strings.Join(rows, "\n"))
		}
	}
	var rows []string
	if s.Previous != nil {
		for _, c := range s.CategoryChanges {
			rows = append(rows, fmt.Sprintf("%s\t%d\t%.1f%%\t%d\t%+d", c.Name, c.Count, tian.Percent(c.Count, s.Filed), c.Previous, c.Change))
		}
		table(fmt.Sprintf("类别\t立案件数\t占比\t%d年\t增减", s.Previous.Year), rows)
	} else {
		for _, c := range s.Categories {
			rows = append(rows, fmt.Sprintf("%s\t%d\t%.1f%%", c.Name, c.Count, c.Share))
		}
		table("类别\t立案件数\t占比", rows)
	}
	table("主办单位\t立案件数", countRows(s.LeadUnits, false))
	table("界别\t收到\t立案\t立案率", tallyRows(s.Sectors))
	table("提案者类型\t收到\t立案\t立案率", tallyRows(s.ProposerTypes))
	table("不予立案理由\t件数\t占比", countRows(s.Reasons, true))
	table("热点议题\t立案提案数", countRows(s.Topics, false))
}

func countRows(cs []tian.Count, share bool) []string {
	var rows []string
	for _, c := range cs {
		if share {
			rows = append(rows, fmt.Sprintf("%s\t%d\t%.1f%%", c.Name, c.Count, c.Share))
		} else {
			rows = append(rows, fmt.Sprintf("%s\t%d", c.Name, c.Count))
		}
	}
	return rows
}

// tallyRows prints a part's filing rate, or — when none of its
// proposals has a review result.
func tallyRows(ts []tian.Tally) []string {
	var rows []string
	for _, t := range ts {
		rate := "—"
		if t.Reviewed > 0 {
			rate = fmt.Sprintf("%.2f%%", t.FilingRate)
		}
		rows = append(rows, fmt.Sprintf("%s\t%d\t%d\t%s", t.Name, t.Received, t.Filed, rate))
	}
	return rows
}
