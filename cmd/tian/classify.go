package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"tian/office"

	"github.com/spf13/cobra"

	"tian"
)

type classifyCmd struct {
	m     *Main
	file  string
	title string
	k     int
	json  bool
}

func (c *classifyCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "classify [文本 | - | --file 文件]",
		Short: "推荐类别：给出校准过的概率和起决定作用的词，拿不准时如实标明“不确定”",
		Example: `  tian classify "关于加快发展社区嵌入式养老服务的提案 城东区近四成社区没有养老服务站点……"
  tian classify --file proposal.txt --json`,
		Args: cobra.ArbitraryArgs,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.StringVar(&c.file, "file", "", "从文件读取文本")
	f.StringVar(&c.title, "title", "", "标题（文本只有正文时）")
	f.IntVar(&c.k, "k", 3, "列出类别的个数")
	f.BoolVar(&c.json, "json", false, "输出 JSON")
	return cmd
}

// readText reads the text of a classify or route command: arguments, -
// for standard input, or --file.
func readText(m *Main, args []string, file string) (string, error) {
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fileError("文件", file, err)
		}
		return string(b), nil
	case len(args) == 0 || (len(args) == 1 && args[0] == "-"):
		b, err := io.ReadAll(io.LimitReader(m.Stdin, 4<<20))
		return string(b), err
	}
	return strings.Join(args, " "), nil
}

// splitTitle takes a first line that looks like a title (关于……) as the
// title.
func splitTitle(text, title string) (string, string) {
	text = strings.TrimSpace(text)
	if title != "" {
		return title, text
	}
	first, rest, _ := strings.Cut(text, "\n")
	if strings.HasPrefix(strings.TrimSpace(first), "关于") && len([]rune(first)) <= 80 {
		return strings.TrimSpace(first), rest
	}
	return "", text
}

func (c *classifyCmd) run(cmd *cobra.Command, args []string) error {
	text, err := readText(c.m, args, c.file)
	if err != nil {
		return err
	}
	b, err := c.m.Backend(cmd.Context())
	if err != nil {
		return err
	}
	title, body := splitTitle(text, c.title)
	s, err := b.Classify(cmd.Context(), title, body, c.k)
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(c.m.Stdout, s)
	}
	w := c.m.Stdout
	for i, l := range s.Labels {
		bar := strings.Repeat("█", int(l.Prob*20+0.5))
		fmt.Fprintf(w, "%s %-8s %5.1f%% %s\n", map[bool]string{true: "→", false: " "}[i == 0], l.Label, l.Prob*100, bar)
	}
	if s.Uncertain {
		fmt.Fprintf(w, "不确定：最高概率低于%.0f%%，请人工判断\n", s.Threshold*100)
	}
	var terms []string
	for _, e := range s.Evidence {
		terms = append(terms, e.Term)
	}
	fmt.Fprintf(w, "依据：%s\n", strings.Join(terms, "、"))
	return nil
}

type trainCmd struct {
	m      *Main
	corpus bool
	out    string
	which  []string
	// progress, if set, receives the steps of training worth showing,
	// e.g. the feedback line of feedbackUsed, as the HTTP training job's
	// progress.
	progress func(string)
}

func (c *trainCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "train",
		Short: "用数据库中的提案（含审查反馈）或演示数据训练类别模型、承办单位推荐模型和立案建议模型",
		Example: `  tian train                                   # 用数据库训练，存入 DATA/models，服务随即采用
  tian train --corpus --out models/trained     # 重现内置的默认模型`,
		Args: noArgs,
		RunE: c.run,
	}
	cmd.Flags().BoolVar(&c.corpus, "corpus", false, "用内置的演示数据训练，而不用数据库")
	cmd.Flags().StringVar(&c.out, "out", "", "输出目录（默认：数据目录下的 models）")
	cmd.Flags().StringSliceVar(&c.which, "models", []string{"category", "router", "filing", "pairs"}, "要训练的模型：category 类别模型，router 承办单位模型，filing 立案建议模型，pairs 相似度模型（分组与相似提案，据已确认的分组）")
	return cmd
}

func (c *trainCmd) run(cmd *cobra.Command, _ []string) (err error) {
	ctx := cmd.Context()
	src := c.m
	if c.corpus { // the embedded corpus, in a store and index of its own
		tmp, err := os.MkdirTemp("", "tian-train-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		src = &Main{Stdin: c.m.Stdin, Stdout: c.m.Stdout, Stderr: c.m.Stderr, DataDir: tmp, Actor: "train", seg: c.m.seg, UserDicts: c.m.UserDicts}
		defer src.Close()
	}
	o, err := src.Office(ctx)
	if err != nil {
		return err
	}
	if c.corpus {
		if _, err := o.EnsureDemo(ctx); err != nil {
			return err
		}
	}
	out := c.out
	if out == "" {
		out = office.ModelDir(c.m.DataDir)
		// the data's own models: on a shared store, one replica trains
		// at a time and the result goes into the store for all of them
		release, err := o.LockJob(ctx, "train", false)
		if err != nil {
			return err
		}
		defer release()
		if !c.corpus {
			defer func() {
				if err == nil {
					err = o.PublishModels(ctx, c.m.Actor)
				}
			}()
		}
	}
	var groups []tian.YearGroups
	if c.corpus { // the years the defaults are tuned on, as if staff had confirmed them
		if groups, err = office.DemoGoldYears(2021, 2022); err != nil {
			return err
		}
	}
	return c.trainInto(ctx, o, out, groups)
}

// trainInto trains the models chosen from o's store into out, printing
// (and passing to progress) what training used and made.
func (c *trainCmd) trainInto(ctx context.Context, o *office.Office, out string, groups []tian.YearGroups) error {
	opt := office.TrainOptions{Groups: groups, Progress: func(line string) {
		fmt.Fprintln(c.m.Stdout, line)
		if c.progress != nil {
			c.progress(line)
		}
	}}
	for _, w := range c.which {
		switch w {
		case "category":
			opt.Category = true
		case "router":
			opt.Router = true
		case "filing":
			opt.Filing = true
		case "pairs":
			opt.Pairs = true
		default:
			return tian.Errorf(tian.EINVALID, "--models %q：可选 category、router、filing 或 pairs", w)
		}
	}
	_, err := o.TrainInto(ctx, out, opt)
	return err
}

type routeCmd struct {
	m        *Main
	file     string
	title    string
	category string
	k        int
	json     bool
}

func (c *routeCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "route [文本 | - | --file 文件]",
		Short:   "推荐主办和协办单位，附以往同类提案和相符职责作为依据",
		Example: `  tian route "关于整治城北区城中村消防通道堵塞问题的提案 城北区几个城中村巷道狭窄……"`,
		Args:    cobra.ArbitraryArgs,
		RunE:    c.run,
	}
	f := cmd.Flags()
	f.StringVar(&c.file, "file", "", "从文件读取文本")
	f.StringVar(&c.title, "title", "", "标题（文本只有正文时）")
	f.StringVar(&c.category, "category", "", "类别（默认：推荐的类别）")
	f.IntVar(&c.k, "k", 3, "列出主办单位候选的个数")
	f.BoolVar(&c.json, "json", false, "输出 JSON")
	return cmd
}

func (c *routeCmd) run(cmd *cobra.Command, args []string) error {
	ctx := cmd.Context()
	text, err := readText(c.m, args, c.file)
	if err != nil {
		return err
	}
	title, body := splitTitle(text, c.title)
	b, err := c.m.Backend(ctx)
	if err != nil {
		return err
	}
	rt, err := b.Route(ctx, tian.RouteRequest{Title: title, Body: body, Category: c.category, K: c.k})
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(c.m.Stdout, rt)
	}
	w := c.m.Stdout
	for _, u := range rt.Lead {
		fmt.Fprintf(w, "主办候选%d %-16s 依据%s\n", u.Rank, u.Unit, u.Strength)
		printUnitEvidence(w, u)
	}
	for _, u := range rt.Co {
		fmt.Fprintf(w, "协办%d     %-16s %s协办（可能性 %.0f%%） 依据%s\n", u.Rank, u.Unit, u.Likelihood, 100*u.Probability, u.Strength)
		printUnitEvidence(w, u)
	}
	return nil
}

func printUnitEvidence(w io.Writer, u tian.UnitSuggestion) {
	for _, r := range u.Reasons {
		fmt.Fprintf(w, "     %s\n", r)
	}
	for _, c := range u.Cases[:min(2, len(u.Cases))] {
		fmt.Fprintf(w, "     %s %s %s\n", c.Role, c.Number, c.Title)
	}
}
