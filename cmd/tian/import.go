package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
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
	dryRun   bool
	allProps bool
	sheet    string
	json     bool
	quiet    bool
}

func (c *importCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import 文件...",
		Short: "导入提案：.xlsx、.csv、.tsv 或 .jsonl（按提案号更新；重复导入不改变数据）",
		Long: `将提案导入数据目录。各列按常用的中文表头识别（提案号、标题/案由/提案名称、内容/正文/提案内容、
类别/分类、主办单位、协办单位、提案人、届次、年度、状态……），其他表头用 --map field=表头 指定。
每个文件在一个事务中导入：有问题的行注明文件、行和列后跳过；加 --strict 则整个文件都不导入。
每次导入是一个批次（tian imports 列出），可用 tian undo-import 批次号 撤销。
没有提案流程字段（状态、届次、界别、提案人类型、承办单位……）的记录（如网上留言）标为“非提案”，不计入统计。`,
		Example: `  tian import 2024提案.xlsx
  tian import --map number=留言编号 --map title=留言主题 --map body=留言详情 messages.xlsx
  tian import --strict --json proposals.csv
  tian import --dry-run --map category= 附件2.xlsx`,
		Args: minimumArgs(1),
		RunE: c.run,
	}
	f := cmd.Flags()
	f.StringArrayVar(&c.maps, "map", nil, "field=表头：从该表头的列读取该字段（可重复）；field= 表示不读取该字段")
	f.BoolVar(&c.strict, "strict", false, "文件中只要有一行有问题，整个文件都不导入")
	f.BoolVar(&c.clear, "clear-absent", false, "已存储的提案中，文件没有对应列的字段一律清空（默认保留原值）")
	f.BoolVar(&c.newUnits, "new-units", false, "单位表中没有的承办单位直接新建，而不拒收该行")
	f.BoolVar(&c.dryRun, "dry-run", false, "只检查并报告将新增、更新、未变和拒收的行，不写入")
	f.BoolVar(&c.allProps, "all-proposals", false, "每一行都作为提案导入，即使没有状态、届次、界别、提案人类型和承办单位")
	f.StringVar(&c.sheet, "sheet", "", ".xlsx 的工作表（默认：打开时显示的工作表）")
	f.BoolVar(&c.json, "json", false, "以 JSON 输出每个文件的导入报告")
	f.BoolVar(&c.quiet, "quiet", false, "不显示进度条")
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
			DryRun: c.dryRun, AllProposals: c.allProps, ClearAbsent: c.clear, Actor: c.m.Actor, Progress: func(done, total int) {
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
	if rep.Batch != 0 {
		fmt.Fprintf(c.m.Stdout, "  批次%d（撤销：tian undo-import %d）\n", rep.Batch, rep.Batch)
	}
	if rep.NotProposals > 0 {
		fmt.Fprintf(c.m.Stdout, "  其中%d件没有提案流程字段（状态、届次、界别、提案人类型、承办单位），标为非提案，不计入统计（都是提案时加 --all-proposals）\n", rep.NotProposals)
	}
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

type importsCmd struct {
	m      *Main
	limit  int
	offset int
	json   bool
}

func (c *importsCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "imports",
		Short: "列出导入批次（最新的在前）：文件、导入人、时间、新增/更新/未变/拒收",
		Example: `  tian imports
  tian imports --limit 100 --json`,
		Args: noArgs,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.IntVar(&c.limit, "limit", 20, "列出的批次数（1–500）")
	f.IntVar(&c.offset, "offset", 0, "跳过最新的若干批次")
	f.BoolVar(&c.json, "json", false, "输出 JSON")
	return cmd
}

func (c *importsCmd) run(cmd *cobra.Command, _ []string) error {
	o, err := c.m.Office(cmd.Context())
	if err != nil {
		return err
	}
	page, err := o.Batches(cmd.Context(), c.offset, c.limit)
	if err != nil {
		return err
	}
	if c.json {
		enc := json.NewEncoder(c.m.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(page)
	}
	if page.Total == 0 {
		fmt.Fprintln(c.m.Stdout, "还没有导入批次。")
		return nil
	}
	fmt.Fprintf(c.m.Stdout, "共%d个批次\n批次\t时间\t导入人\t文件\t新增\t更新\t未变\t拒收\t非提案\t状态\n", page.Total)
	for _, b := range page.Batches {
		state := "有效"
		if b.UndoneAt != "" {
			state = "已于" + b.UndoneAt + "由" + b.UndoneBy + "撤销"
		}
		fmt.Fprintf(c.m.Stdout, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\n", b.ID, b.At, b.Actor, b.File,
			b.Added, b.Updated, b.Unchanged, b.Rejected, b.NotProposals, state)
	}
	return nil
}

type undoImportCmd struct {
	m    *Main
	json bool
}

func (c *undoImportCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "undo-import 批次号",
		Short: "撤销一个导入批次：删除它新增的提案，恢复它更新的提案（之后又被改动的提案会阻止撤销）",
		Example: `  tian imports
  tian undo-import 7`,
		Args: exactArgs(1),
		RunE: c.run,
	}
	cmd.Flags().BoolVar(&c.json, "json", false, "输出 JSON")
	return cmd
}

func (c *undoImportCmd) run(cmd *cobra.Command, args []string) error {
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return tian.Errorf(tian.EINVALID, "批次号须为正整数，收到 %q（tian imports 列出批次）", args[0])
	}
	o, err := c.m.Office(cmd.Context())
	if err != nil {
		return err
	}
	rep, err := o.UndoBatch(cmd.Context(), id, c.m.Actor)
	if err != nil {
		return err
	}
	if c.json {
		enc := json.NewEncoder(c.m.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(rep)
	}
	fmt.Fprintf(c.m.Stdout, "已撤销第%d批导入（%s）：删除%d件，恢复%d件\n", rep.Batch.ID, rep.Batch.File, len(rep.Removed), len(rep.Restored))
	if len(rep.RemovedCategories) > 0 || len(rep.RemovedUnits) > 0 {
		fmt.Fprintf(c.m.Stdout, "  一并删除这批导入新建、已无提案使用的类别%d个、单位%d个\n", len(rep.RemovedCategories), len(rep.RemovedUnits))
	}
	if rep.Warning != "" {
		fmt.Fprintln(c.m.Stderr, "  "+rep.Warning)
	}
	return nil
}
