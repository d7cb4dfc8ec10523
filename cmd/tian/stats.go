package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

type statsCmd struct {
	m      *Main
	year   int
	json   bool
	topics int
	other  bool
}

func (c *statsCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "年度报告数据：收到、立案、立案率、委员与集体提案、类别、主办单位、热点议题",
		Example: `  tian stats --year 2024
  tian stats --json`,
		Args: noArgs,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.IntVar(&c.year, "year", 0, "只统计该年度（默认：全部年度）")
	f.BoolVar(&c.json, "json", false, "输出 JSON")
	f.IntVar(&c.topics, "topics", 10, "列出热点议题的个数")
	f.BoolVar(&c.other, "include-other", false, "也统计标为非提案的记录（如导入的网上留言）")
	return cmd
}

func (c *statsCmd) run(cmd *cobra.Command, _ []string) error {
	o, err := c.m.Office(cmd.Context())
	if err != nil {
		return err
	}
	s, err := o.StatsOf(cmd.Context(), c.year, c.topics, c.other)
	if err != nil {
		return err
	}
	if c.json {
		enc := json.NewEncoder(c.m.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	fmt.Fprintln(c.m.Stdout, s.Report())
	if s.Received == 0 {
		fmt.Fprintf(c.m.Stdout, "（%s 中还没有提案：运行 tian demo 载入演示数据，或用 tian import 导入。）\n", c.m.DataDir)
	}
	fmt.Fprintln(c.m.Stdout)
	fmt.Fprintln(c.m.Stdout, "类别\t件数\t占比")
	for _, x := range s.Categories {
		fmt.Fprintf(c.m.Stdout, "%s\t%d\t%.1f%%\n", x.Name, x.Count, x.Share)
	}
	fmt.Fprintln(c.m.Stdout)
	fmt.Fprintln(c.m.Stdout, "主办单位\t件数")
	for _, x := range s.LeadUnits {
		fmt.Fprintf(c.m.Stdout, "%s\t%d\n", x.Name, x.Count)
	}
	return nil
}
