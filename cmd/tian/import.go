package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"tian"
	"tian/sheet"
)

type importCmd struct {
	m        *Main
	maps     []string
	strict   bool
	clear    bool
	newUnits bool
	sheet    string
	json     bool
	quiet    bool
}

func (c *importCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "import proposals from .xlsx, .csv, .tsv or .jsonl (upsert by number; re-importing changes nothing)",
		Long: `Import proposals into the data directory. Columns are found by their usual Chinese headers
(提案号, 标题/案由/提案名称, 内容/正文/提案内容, 类别/分类, 主办单位, 协办单位, 提案人, 届次, 年度, 状态, …);
--map field=header names another. Each file is imported in one transaction: a bad row is reported
with its file, row and column and skipped, or with --strict the whole file is left out.`,
		Example: `  tian import 2024提案.xlsx
  tian import --map number=留言编号 --map title=留言主题 --map body=留言详情 messages.xlsx
  tian import --strict --json proposals.csv`,
		Args: cobra.MinimumNArgs(1),
		RunE: c.run,
	}
	f := cmd.Flags()
	f.StringArrayVar(&c.maps, "map", nil, "field=header: read field from the column with this header (repeatable)")
	f.BoolVar(&c.strict, "strict", false, "import nothing from a file when any of its rows is bad")
	f.BoolVar(&c.clear, "clear-absent", false, "empty, in proposals already stored, the fields the file has no column for (default: they keep their values)")
	f.BoolVar(&c.newUnits, "new-units", false, "create undertaking units the catalogue does not know instead of rejecting the row")
	f.StringVar(&c.sheet, "sheet", "", "worksheet of an .xlsx (default: the active one)")
	f.BoolVar(&c.json, "json", false, "print each file's report as JSON")
	f.BoolVar(&c.quiet, "quiet", false, "no progress bar")
	return cmd
}

func (c *importCmd) run(cmd *cobra.Command, args []string) error {
	mapping, err := sheet.ParseMapping(c.maps)
	if err != nil {
		return err
	}
	o, err := c.m.Office(cmd.Context())
	if err != nil {
		return err
	}
	rejected := 0
	for _, path := range args {
		bar := (*progressbar.ProgressBar)(nil)
		req := tian.FileImport{Path: path, Map: mapping, Sheet: c.sheet, Strict: c.strict, NewUnits: c.newUnits,
			ClearAbsent: c.clear, Actor: c.m.Actor, Progress: func(done, total int) {
				if bar == nil {
					bar = c.progress(total, path)
				}
				if bar != nil {
					bar.Set(done)
				}
			}}
		rep, err := o.Import(cmd.Context(), req)
		if bar != nil {
			bar.Finish()
		}
		if err != nil {
			return err
		}
		rejected += rep.Rejected
		c.print(rep)
	}
	if rejected > 0 {
		return tian.Errorf(tian.EINVALID, "共拒收 %d 行（见上）", rejected)
	}
	return nil
}

func (c *importCmd) progress(total int, path string) *progressbar.ProgressBar {
	if c.quiet || c.json || total < 2000 || !isTerminal(os.Stderr) {
		return nil
	}
	return progressbar.NewOptions(total, progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription(path), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
}

func (c *importCmd) print(rep *tian.ImportReport) {
	if c.json {
		enc := json.NewEncoder(c.m.Stdout)
		enc.SetEscapeHTML(false)
		enc.Encode(rep)
		return
	}
	fmt.Fprintln(c.m.Stdout, rep.Summary())
	var cols []string
	for _, m := range rep.Mapping {
		cols = append(cols, m.Column+"→"+m.Field)
	}
	fmt.Fprintf(c.m.Stdout, "  列对应：%s\n", strings.Join(cols, "，"))
	if len(rep.Unmapped) > 0 {
		fmt.Fprintf(c.m.Stdout, "  未导入的列：%s\n", strings.Join(rep.Unmapped, "，"))
	}
	if len(rep.NewCategories) > 0 {
		fmt.Fprintf(c.m.Stdout, "  新类别：%v\n", rep.NewCategories)
	}
	if len(rep.NewUnits) > 0 {
		fmt.Fprintf(c.m.Stdout, "  新单位：%d个\n", len(rep.NewUnits))
	}
	printRowErrors(c.m.Stderr, rep.Errors, 50)
}

func printRowErrors(w io.Writer, errs []tian.RowError, most int) {
	for i, e := range errs {
		if i == most {
			fmt.Fprintf(w, "  ……还有%d条错误（--json 输出全部）\n", len(errs)-most)
			return
		}
		fmt.Fprintln(w, "  "+e.Error())
	}
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
