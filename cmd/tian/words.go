package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"tian"
	"tian/office"
)

// wordsCmd is the committee's own dictionary: new-word discovery and
// staff's decisions.
type wordsCmd struct {
	m     *Main
	year  int
	limit int
	note  string
	json  bool
}

func (c *wordsCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "words",
		Short: "委员会词表：发现新词（新词发现），收入或不收，列出已处理的词",
		Long: `委员会词表收录本会提案中常用、而词典没有的词语（首发经济、两重两新、保交楼）。
收入的词整体切分，用于检索、相似提案、分组和各模型；词表存于数据库，随备份保存。
收入后检索索引在后台按新词表重新分析（服务运行时由服务完成）。`,
		Example: `  tian words suggest --year 2024          # 2024年提案中的候选新词
  tian words accept 首发经济 两重两新        # 收入词表
  tian words reject 推进城                 # 不收，以后不再推荐
  tian words list`,
	}
	suggest := &cobra.Command{
		Use:   "suggest",
		Short: "从提案中发现词典没有的新词，按得分列出",
		Args:  noArgs,
		RunE:  c.suggest,
	}
	suggest.Flags().IntVar(&c.year, "year", 0, "只看这一年度的提案（默认全部）")
	suggest.Flags().IntVar(&c.limit, "limit", 50, "列出的候选词数（1—500）")
	suggest.Flags().BoolVar(&c.json, "json", false, "输出 JSON")
	accept := &cobra.Command{
		Use:   "accept 词语...",
		Short: "把词语收入委员会词表",
		Args:  minimumArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return c.decide(cmd, args, tian.WordAccepted) },
	}
	reject := &cobra.Command{
		Use:   "reject 词语...",
		Short: "不收这些候选词，以后不再推荐",
		Args:  minimumArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return c.decide(cmd, args, tian.WordRejected) },
	}
	for _, sub := range []*cobra.Command{accept, reject} {
		sub.Flags().StringVar(&c.note, "note", "", "说明（来源、理由）")
	}
	forget := &cobra.Command{
		Use:   "forget 词语...",
		Short: "撤销对词语的处理（收入的词移出词表，不收的词可再次推荐）",
		Args:  minimumArgs(1),
		RunE:  c.forget,
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "列出委员会词表：收入和不收的词",
		Args:  noArgs,
		RunE:  c.list,
	}
	list.Flags().BoolVar(&c.json, "json", false, "输出 JSON")
	cmd.AddCommand(suggest, accept, reject, forget, list)
	return cmd
}

func (c *wordsCmd) suggest(cmd *cobra.Command, _ []string) error {
	o, err := c.m.Office(cmd.Context())
	if err != nil {
		return err
	}
	res, err := o.SuggestWords(cmd.Context(), tian.WordSuggestRequest{Year: c.year, Limit: c.limit})
	if err != nil {
		return err
	}
	if c.json {
		enc := json.NewEncoder(c.m.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	printCandidates(c.m.Stdout, res)
	return nil
}

func printCandidates(w io.Writer, res *tian.WordSuggestions) {
	scope := "全部年度"
	if res.Year != 0 {
		scope = fmt.Sprintf("%d年", res.Year)
	}
	if len(res.Candidates) == 0 {
		fmt.Fprintf(w, "%s的 %d 件提案中没有发现新的候选词。\n", scope, res.Proposals)
		return
	}
	fmt.Fprintf(w, "%s的 %d 件提案中发现候选词 %d 个（%d 毫秒）：\n", scope, res.Proposals, len(res.Candidates), res.TookMS)
	fmt.Fprintln(w, "序号\t候选词\t出现次数\t提案数\t得分\t现在切为\t例句")
	for i, c := range res.Candidates {
		ex := ""
		if len(c.Examples) > 0 {
			ex = c.Examples[0]
		}
		fmt.Fprintf(w, "%d\t%s\t%d\t%d\t%.2f\t%s\t%s\n", i+1, c.Word, c.Freq, c.Docs, c.Score, c.Cut, ex)
	}
	fmt.Fprintln(w, "收入：tian words accept 词语…；不收：tian words reject 词语…")
}

func (c *wordsCmd) decide(cmd *cobra.Command, args []string, status tian.WordStatus) error {
	ctx := cmd.Context()
	o, err := c.m.Office(ctx)
	if err != nil {
		return err
	}
	ws := make([]tian.Word, len(args))
	for i, a := range args {
		ws[i] = tian.Word{Word: a, Status: status, Note: c.note}
	}
	stored, err := o.DecideWords(ctx, ws, c.m.Actor)
	if err != nil {
		return err
	}
	names := make([]string, len(stored))
	for i, w := range stored {
		names[i] = w.Word
	}
	verb := "已收入委员会词表"
	if status == tian.WordRejected {
		verb = "已记为不收（不再推荐）"
	}
	fmt.Fprintf(c.m.Stdout, "%s：%s\n", verb, strings.Join(names, "、"))
	return c.apply(ctx, o)
}

func (c *wordsCmd) forget(cmd *cobra.Command, args []string) error {
	ctx := cmd.Context()
	o, err := c.m.Office(ctx)
	if err != nil {
		return err
	}
	for _, a := range args {
		if err := o.ForgetWord(ctx, a, c.m.Actor); err != nil {
			return err
		}
		fmt.Fprintf(c.m.Stdout, "已撤销对“%s”的处理\n", strings.TrimSpace(a))
	}
	return c.apply(ctx, o)
}

// apply brings the words into force here, or says that the service
// holding the index will.
func (c *wordsCmd) apply(ctx context.Context, o *office.Office) error {
	if c.m.index == nil {
		fmt.Fprintln(c.m.Stdout, "运行中的 tian serve 将在几秒内按新词表重新分析检索索引。")
		return nil
	}
	st := o.VocabularyStatus(ctx)
	if st.Index == st.Version {
		return nil
	}
	fmt.Fprintf(c.m.Stdout, "正在按新词表重新分析检索索引……\n")
	if err := o.SyncVocabulary(ctx); err != nil {
		return err
	}
	st = o.VocabularyStatus(ctx)
	fmt.Fprintf(c.m.Stdout, "检索索引已按新词表（%d 个词）重新分析 %d 件提案。\n", st.Accepted, st.Done)
	return nil
}

func (c *wordsCmd) list(cmd *cobra.Command, _ []string) error {
	db, err := c.m.Store(cmd.Context())
	if err != nil {
		return err
	}
	ws, err := db.Words(cmd.Context())
	if err != nil {
		return err
	}
	if c.json {
		enc := json.NewEncoder(c.m.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(ws)
	}
	if len(ws) == 0 {
		fmt.Fprintln(c.m.Stdout, "委员会词表为空：用 tian words suggest 发现新词。")
		return nil
	}
	for _, w := range ws {
		status := "收入"
		if w.Status == tian.WordRejected {
			status = "不收"
		}
		fmt.Fprintf(c.m.Stdout, "%s\t%s\t%s\t%s\t%s\n", w.Word, status, w.By, w.At, w.Note)
	}
	return nil
}
