package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
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
	year     int
	session  string
	council  string
	json     bool
	quiet    bool
}

func (c *importCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import 文件或文件夹...",
		Short: "导入提案：.xlsx、.xls、.csv、.tsv、.jsonl 或 Word 提案表/提案选编（.docx）（按提案号更新；重复导入不改变数据）",
		Long: `将提案导入数据目录。表头行在前几行中自动查找（其上的标题行、空行跳过；承办单位下分主办、协办的两行表头也能识别），
各列按常用的中文表头识别（提案号/案号、标题/案由、内容、类别、主办单位、会办单位、提案人/提案者/领衔人、界别、届次、年度……），
其他表头用 --map field=表头 指定；表格下方的“注：”“合计”等行跳过并列出。年度取自年度列，否则取自 --year/--session、
标题行（如“第十四届委员会第三次会议”）、工作表名或文件名；没有年度的行会列出。提案号“第0001号”“0001”“1”“〔2024〕1号”
视为同一件，存为 年度+四位序号（20240001）。Word 提案表没有编号时暂编一个（如 2024L3F2A9C1B）。
文件夹中的文件逐个导入，各有报告；同一提案在不同文件中的内容按提案号合并，空白不会覆盖已有内容。
每个文件在一个事务中导入：有问题的行注明文件、行和列后跳过；加 --strict 则整个文件都不导入。
每次导入是一个批次（tian imports 列出），可用 tian undo-import 批次号 撤销。
没有提案流程字段（状态、届次、界别、提案人类型、承办单位……）的记录（如网上留言）标为“非提案”，不计入统计。`,
		Example: `  tian import 2024提案.xlsx
  tian import --sheet all --session 十四届三次 立案一览表.xls
  tian import 提案表/                     # 一个文件夹的 Word 提案表
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
	f.StringVar(&c.sheet, "sheet", "", "工作簿的工作表（默认：打开时显示的工作表；all：所有有提案表头的工作表）")
	f.IntVar(&c.year, "year", 0, "没有年度列的行的年度，如 2024（默认取自标题行、工作表名或文件名）")
	f.StringVar(&c.session, "session", "", "没有届次列的行的届次，如 十四届三次；也用来推算年度")
	f.StringVar(&c.council, "committee", "", "届次与年度的对应：某届第一次会议的年份，如 十四届=2023（默认）")
	f.BoolVar(&c.allProps, "all-proposals", false, "每一行都作为提案导入，即使没有状态、届次、界别、提案人类型和承办单位")
	f.BoolVar(&c.json, "json", false, "以 JSON 输出每个文件的导入报告")
	f.BoolVar(&c.quiet, "quiet", false, "不显示进度条")
	return cmd
}

func (c *importCmd) run(cmd *cobra.Command, args []string) error {
	mapping, err := sheet.ParseMapping(c.maps)
	if err != nil {
		return err
	}
	files, err := importFiles(args)
	if err != nil {
		return err
	}
	base := tian.FileImport{Map: mapping, Sheet: c.sheet, Year: c.year, Session: c.session, Committee: c.council}
	if _, err := sheet.OptionsFor(base); err != nil {
		return err
	}
	o, err := c.m.Office(cmd.Context())
	if err != nil {
		return err
	}
	rejected, failed := 0, 0
	for _, path := range files {
		bar := (*progressbar.ProgressBar)(nil)
		req := base
		req.Path, req.Strict, req.NewUnits, req.ClearAbsent, req.DryRun, req.Actor = path, c.strict, c.newUnits, c.clear, c.dryRun, c.m.Actor
		req.AllProposals = c.allProps
		req.Progress = func(done, total int) {
			if bar == nil {
				bar = c.progress(total, path)
			}
			if bar != nil {
				bar.Set(done)
			}
		}
		rep, err := o.Import(cmd.Context(), req)
		if bar != nil {
			bar.Finish()
		}
		// of several files, one that cannot be read is reported and the
		// others imported: each file is its own transaction
		if err != nil && len(files) > 1 && tian.ErrorCode(err) != tian.EINTERNAL && tian.ErrorCode(err) != tian.ENOSPACE {
			fmt.Fprintln(c.m.Stderr, "未导入 "+tian.ErrorMessage(err))
			failed++
			continue
		}
		if err != nil {
			return err
		}
		rejected += rep.Rejected
		c.print(rep)
	}
	if len(files) > 1 && !c.json {
		fmt.Fprintf(c.m.Stdout, "共%d个文件：导入%d个，未导入%d个\n", len(files), len(files)-failed, failed)
	}
	switch {
	case failed > 0 && rejected > 0:
		return tian.Errorf(tian.EINVALID, "%d个文件未导入，共拒收 %d 行（见上）", failed, rejected)
	case failed > 0:
		return tian.Errorf(tian.EINVALID, "%d个文件未导入（见上）", failed)
	case rejected > 0:
		return tian.Errorf(tian.EINVALID, "共拒收 %d 行（见上）", rejected)
	}
	return nil
}

// importable are the extensions tian import reads from a folder.
var importable = []string{".xlsx", ".xlsm", ".xls", ".csv", ".tsv", ".jsonl", ".ndjson", ".docx", ".doc"}

// importFiles expands folders into the files in them tian can read, in
// name order (lists before forms is not needed: fields merge by number).
// Office's lock files (~$…) and hidden files are left out.
func importFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil || !st.IsDir() {
			out = append(out, a) // the import says what is wrong with it
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, tian.Errorf(tian.EINVALID, "%s：无法读取文件夹（%v）", a, err)
		}
		n := len(out)
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || strings.HasPrefix(name, "~$") || strings.HasPrefix(name, ".") ||
				!slices.Contains(importable, strings.ToLower(filepath.Ext(name))) {
				continue
			}
			out = append(out, filepath.Join(a, name))
		}
		if len(out) == n {
			return nil, tian.Errorf(tian.EINVALID, "%s：文件夹中没有可导入的文件（%s）", a, strings.Join(importable, "、"))
		}
		sort.Strings(out[n:])
	}
	return out, nil
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
	for i, w := range rep.Warnings {
		if i == 20 {
			fmt.Fprintf(c.m.Stdout, "  ……还有%d条提示（--json 输出全部）\n", len(rep.Warnings)-i)
			break
		}
		fmt.Fprintln(c.m.Stdout, "  提示："+w.Error())
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
