package main

import (
	"bufio"
	"os"

	"github.com/spf13/cobra"

	"tian"
	"tian/office"
	"tian/sheet"
)

type exportCmd struct {
	m        *Main
	format   string
	year     int
	category string
	out      string
}

func (c *exportCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "导出提案为 xlsx、csv 或 jsonl，用中文表头（可原样导回）",
		Example: `  tian export --format xlsx --year 2024 --out 2024提案.xlsx
  tian export --format jsonl --category 社会建设 > social.jsonl`,
		Args: noArgs,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.StringVar(&c.format, "format", "xlsx", "xlsx、csv 或 jsonl")
	f.IntVar(&c.year, "year", 0, "只导出该年度")
	f.StringVar(&c.category, "category", "", "只导出该类别（名称或代码）")
	f.StringVarP(&c.out, "out", "o", "-", "输出文件（- 表示标准输出）")
	return cmd
}

func (c *exportCmd) run(cmd *cobra.Command, _ []string) error {
	switch c.format {
	case sheet.FormatXLSX, sheet.FormatCSV, sheet.FormatJSONL:
	default:
		return tian.Errorf(tian.EINVALID, "--format %q 无效：可选 xlsx、csv 或 jsonl", c.format)
	}
	if c.out == "-" && c.format == sheet.FormatXLSX && isTerminal(os.Stdout) {
		return errXLSXToTerminal()
	}
	o, err := c.m.Office(cmd.Context())
	if err != nil {
		return err
	}
	f := tian.ProposalFilter{Year: c.year, Category: c.category}
	if c.out == "-" {
		w := bufio.NewWriter(c.m.Stdout)
		if err := o.Export(cmd.Context(), w, c.format, f); err != nil {
			return err
		}
		return w.Flush()
	}
	return office.WriteFileAtomic(c.out, 0o644, func(out *os.File) error { return o.Export(cmd.Context(), out, c.format, f) })
}
