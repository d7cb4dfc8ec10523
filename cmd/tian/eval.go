package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"tian"
	"tian/classify"
	"tian/relate"
	"tian/sheet"
)

type evalCmd struct {
	m    *Main
	gold string
	// years are the test years of each subcommand; each has its own
	// field, because a flag's default is written when it is defined.
	years, groupYears, routeYears []int
	filed                         bool
	json                          bool
	train                         string
	sts                           string // eval similarity's directory
	test                          string
	text                          []string
	label                         string
	folds                         int
	classes                       string
}

func (c *evalCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "对照标注数据衡量质量",
	}
	groups := &cobra.Command{
		Use:     "groups",
		Short:   "对照标注文件评估分组和疑似重复：成对的精确率/召回率/F1、调整兰德指数",
		Example: `  tian demo && tian eval groups --gold testdata/gold.json --years 2023,2024,2025`,
		Args:    noArgs,
		RunE:    c.runGroups,
	}
	groups.Flags().StringVar(&c.gold, "gold", "testdata/gold.json", "标注文件：分组和疑似重复对")
	groups.Flags().IntSliceVar(&c.groupYears, "years", []int{2023, 2024, 2025}, "评估的年度（默认模型是在 2021–2022 年上训练和调整的）")
	groups.Flags().BoolVar(&c.filed, "filed", false, "只为立案（含并案）的提案分组，并只在这些提案上计分，如提案委员会实际所做")
	groups.Flags().BoolVar(&c.json, "json", false, "输出 JSON")
	cls := &cobra.Command{
		Use:   "classify",
		Short: "类别模型质量：用一个文件训练、另一个测试，或在一个文件或数据库上做 k 折交叉验证",
		Example: `  tian eval classify --train thucnews/dev.txt --test thucnews/test.txt --classes thucnews/class.txt
  tian eval classify --folds 5 --train 附件2.xlsx --text 留言主题,留言详情 --label 一级分类
  tian eval classify --folds 5                       # 数据库中的提案`,
		Args: noArgs,
		RunE: c.runClassify,
	}
	f := cls.Flags()
	f.StringVar(&c.train, "train", "", "训练文件（.tsv 文本<TAB>标签、.csv、.xlsx、.jsonl）；不给则用数据库")
	f.StringVar(&c.test, "test", "", "测试文件；不给则在训练数据上按 --folds 交叉验证")
	f.StringSliceVar(&c.text, "text", nil, "表格的文本列（第一列作标题）")
	f.StringVar(&c.label, "label", "", "表格的标签列")
	f.IntVar(&c.folds, "folds", 5, "没有测试文件时的分层折数")
	f.StringVar(&c.classes, "classes", "", "标签名文件，每行一个，用于数字标签（THUCNews 的 class.txt）")
	f.BoolVar(&c.json, "json", false, "输出 JSON")
	route := &cobra.Command{
		Use:   "route",
		Short: "承办单位推荐质量：用数据库中较早年度训练、较晚年度测试（主办 top-1 和 top-3，协办 F1 和概率校准）",
		Args:  noArgs,
		RunE:  c.runRoute,
	}
	route.Flags().IntSliceVar(&c.routeYears, "test-years", []int{2024, 2025}, "测试的年度；更早的年度用于训练（开发时用 --test-years 2023）")
	route.Flags().BoolVar(&c.json, "json", false, "输出 JSON")
	sim := &cobra.Command{
		Use:     "similarity",
		Short:   "相似度得分与人工评判的 Spearman 相关系数（STS-B 测试集、SOHU dd 和 dc）",
		Example: `  tian eval similarity --sts ../shared/data/sts-zh`,
		Args:    noArgs,
		RunE:    c.runSimilarity,
	}
	sim.Flags().StringVar(&c.sts, "sts", "../shared/data/sts-zh", "含 STS-B/STS-B.test.data 和 SOHU/dd-test.jsonl、dc-test.jsonl 的目录")
	sim.Flags().BoolVar(&c.json, "json", false, "输出 JSON")
	filing := &cobra.Command{
		Use:   "filing",
		Short: "立案建议质量：用数据库中较早年度训练（其最后一年用于校准和定阈值）、较晚年度测试，与“全部立案”基线对比",
		Example: `  tian demo && tian eval filing                 # 2021–2024 训练（2024 校准），2025 测试
  tian eval filing --test-years 2024,2025 --json`,
		Args: noArgs,
		RunE: c.runFiling,
	}
	filing.Flags().IntSliceVar(&c.years, "test-years", nil, "测试的年度（默认：最后一年）；更早的年度用于训练")
	filing.Flags().BoolVar(&c.json, "json", false, "输出 JSON")
	cmd.AddCommand(groups, cls, route, sim, filing, (&evalWordsCmd{m: c.m}).command())
	return cmd
}

func (c *evalCmd) docs(cmd *cobra.Command, path string) ([]classify.Doc, error) {
	if path == "" {
		db, err := c.m.Store(cmd.Context())
		if err != nil {
			return nil, err
		}
		ps, err := db.Proposals(cmd.Context(), tian.ProposalFilter{})
		if err != nil {
			return nil, err
		}
		return classify.WithFeedback(ps, nil), nil
	}
	ls, err := sheet.ReadLabelled(path, c.text, c.label)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	if c.classes != "" {
		b, err := os.ReadFile(c.classes)
		if err != nil {
			return nil, tian.Errorf(tian.EINVALID, "%v", err)
		}
		for i, n := range strings.Fields(string(b)) {
			names[strconv.Itoa(i)] = n
		}
	}
	docs := make([]classify.Doc, len(ls))
	for i, l := range ls {
		label := l.Label
		if n, ok := names[label]; ok {
			label = n
		}
		docs[i] = classify.Doc{Title: l.Title, Body: l.Body, Label: label}
	}
	return docs, nil
}

func (c *evalCmd) runClassify(cmd *cobra.Command, _ []string) error {
	seg, err := c.m.Segmenter()
	if err != nil {
		return err
	}
	train, err := c.docs(cmd, c.train)
	if err != nil {
		return err
	}
	var r classify.Report
	if c.test != "" {
		test, err := c.docs(cmd, c.test)
		if err != nil {
			return err
		}
		t0 := time.Now()
		m, err := classify.Train(seg, train, classify.DefaultCategoryConfig())
		if err != nil {
			return err
		}
		took := time.Since(t0)
		r = classify.Evaluate(m, test)
		r.TrainSeconds = took.Seconds()
	} else if r, err = classify.CrossValidate(seg, train, classify.DefaultCategoryConfig(), c.folds); err != nil {
		return err
	}
	if c.json {
		return printJSON(c.m.Stdout, r)
	}
	w := c.m.Stdout
	fmt.Fprintf(w, "documents %d  accuracy %.3f  macro-F1 %.3f  calibration error (ECE) %.3f\n", r.N, r.Accuracy, r.MacroF1, r.ECE)
	fmt.Fprintf(w, "confident (not flagged uncertain) %.1f%%, of which right %.1f%%\n", r.Coverage*100, r.Precision*100)
	fmt.Fprintf(w, "training %.2f s  prediction %.0f documents/s (normalise, segment, predict)\n", r.TrainSeconds, r.DocsPerSecond)
	for _, c := range r.Chosen {
		fmt.Fprintf(w, "chosen by cross-validation on the training data: %s\n", c)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "label\tprecision\trecall\tF1\tsupport")
	for _, p := range r.PerClass {
		fmt.Fprintf(w, "%s\t%.3f\t%.3f\t%.3f\t%d\n", p.Label, p.Precision, p.Recall, p.F1, p.Support)
	}
	fmt.Fprintln(w, "\nreliability (top probability)\tn\tmean P\tright")
	for _, b := range r.Reliability {
		if b.N > 0 {
			fmt.Fprintf(w, "[%.1f, %.1f)\t%d\t%.3f\t%.3f\n", b.Lo, b.Hi, b.N, b.MeanProb, b.Observed)
		}
	}
	fmt.Fprintln(w, "\nconfusion (rows: true, columns: predicted, in the order above)")
	for i, row := range r.Confusion {
		cells := make([]string, len(row))
		for j, n := range row {
			cells[j] = strconv.Itoa(n)
		}
		fmt.Fprintf(w, "%s\t%s\n", r.Labels[i], strings.Join(cells, "\t"))
	}
	return nil
}

func (c *evalCmd) runRoute(cmd *cobra.Command, _ []string) error {
	ctx := cmd.Context()
	db, err := c.m.Store(ctx)
	if err != nil {
		return err
	}
	ps, err := db.Proposals(ctx, tian.ProposalFilter{})
	if err != nil {
		return err
	}
	units, err := db.Units(ctx)
	if err != nil {
		return err
	}
	ix, err := c.m.Index(ctx)
	if err != nil {
		return err
	}
	seg, err := c.m.Segmenter()
	if err != nil {
		return err
	}
	train, test, err := splitByTestYears(ps, c.routeYears)
	if err != nil {
		return err
	}
	t0 := time.Now()
	r, err := classify.TrainRouter(ctx, seg, train, units, ix, classify.DefaultRouterConfig())
	if err != nil {
		return err
	}
	took := time.Since(t0)
	t1 := time.Now()
	ev, err := classify.EvaluateRouter(ctx, r, ix, test)
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(c.m.Stdout, ev)
	}
	printRouteEval(c.m.Stdout, r, ev, yearSpan(train), yearSpan(test), took, time.Since(t1))
	return nil
}

func printRouteEval(w io.Writer, r *classify.Router, ev classify.RouteEval, trained, tested string, train, route time.Duration) {
	fmt.Fprintf(w, "routing: trained on %s (%d proposals, %s), tested on %s: %d proposals (%.1f ms each)\n",
		trained, r.Trained, train.Round(time.Millisecond), tested, ev.N, route.Seconds()*1000/float64(max(ev.N, 1)))
	fmt.Fprintf(w, "lead top-1 %.3f, top-3 %.3f; first candidate's probability ECE %.3f\n", ev.Top1, ev.Top3, ev.LeadECE)
	fmt.Fprintf(w, "co-handling F1 %.3f: recall %.3f, precision %.3f (%d suggested at P ≥ %.2f, %d real); ECE %.4f\n",
		ev.CoF1, ev.CoRecall, ev.CoPrecison, ev.CoSuggested, r.CoThreshold, ev.CoGold, ev.CoECE)
	for _, b := range ev.Shown {
		fmt.Fprintf(w, "  co-handlers shown as %s: %d, mean P %.3f, right %.3f\n", b.Band, b.N, b.MeanProb, b.Observed)
	}
	for _, b := range ev.LeadShown {
		fmt.Fprintf(w, "  first lead candidates shown as 依据%s: %d, mean P %.3f, right %.3f\n", b.Band, b.N, b.MeanProb, b.Observed)
	}
	fmt.Fprintln(w, "\nreliability\tlead: n\tmean P\tright\tco-handling: n\tmean P\tco-handled")
	for i, b := range ev.CoReliability {
		l := ev.LeadReliability[i]
		fmt.Fprintf(w, "[%.1f, %.1f)\t%d\t%.3f\t%.3f\t%d\t%.3f\t%.3f\n", b.Lo, b.Hi, l.N, l.MeanProb, l.Observed, b.N, b.MeanProb, b.Observed)
	}
}

func (c *evalCmd) runGroups(cmd *cobra.Command, _ []string) error {
	f, err := os.Open(c.gold)
	if err != nil {
		return tian.Errorf(tian.EINVALID, "gold file: %v", err)
	}
	defer f.Close()
	g, err := relate.ReadGold(f)
	if err != nil {
		return err
	}
	ix, err := c.m.Index(cmd.Context())
	if err != nil {
		return err
	}
	evs, err := ix.Relations().EvalGroups(cmd.Context(), g, c.groupYears, tian.GroupRequest{FiledOnly: c.filed}, relate.GroupOptions{})
	if err != nil {
		return err
	}
	dup, err := ix.Relations().EvalDuplicates(cmd.Context(), g, c.groupYears, relate.DefaultParams())
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(c.m.Stdout, map[string]any{"groups": evs, "near_duplicates": dup})
	}
	w := c.m.Stdout
	fmt.Fprintln(w, "year\tprecision\trecall\tF1\tARI\tgroups\tgold groups")
	var f1, ari float64
	for _, e := range evs {
		fmt.Fprintf(w, "%d\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\n", e.Year, e.Precision, e.Recall, e.F1, e.ARI, e.Groups, e.GoldGroups)
		f1 += e.F1 / float64(len(evs))
		ari += e.ARI / float64(len(evs))
	}
	years := make([]string, len(c.groupYears))
	for i, y := range c.groupYears {
		years[i] = strconv.Itoa(y)
	}
	fmt.Fprintf(w, "mean\t\t\t%.3f\t%.3f\n", f1, ari)
	fmt.Fprintf(w, "near_duplicate (%s): precision %.3f, recall %.3f, F1 %.3f (%d flagged, %d gold pairs)\n",
		strings.Join(years, ","), dup.Precision, dup.Recall, dup.F1, dup.Flagged, dup.GoldPairs)
	return nil
}

func (c *evalCmd) runSimilarity(cmd *cobra.Command, _ []string) error {
	seg, err := c.m.Segmenter()
	if err != nil {
		return err
	}
	sets := []struct {
		name, path string
		read       func(string) ([]relate.Pair, error)
	}{
		{"STS-B test", filepath.Join(c.sts, "STS-B", "STS-B.test.data"), relate.ReadSTSB},
		{"SOHU dd", filepath.Join(c.sts, "SOHU", "dd-test.jsonl"), relate.ReadSOHU},
		{"SOHU dc", filepath.Join(c.sts, "SOHU", "dc-test.jsonl"), relate.ReadSOHU},
	}
	out := map[string]float64{}
	for _, s := range sets {
		pairs, err := s.read(s.path)
		if err != nil {
			return err
		}
		out[s.name] = relate.SpearmanOn(seg, pairs, relate.DefaultParams())
		if !c.json {
			fmt.Fprintf(c.m.Stdout, "%s: Spearman %.3f over %d pairs\n", s.name, out[s.name], len(pairs))
		}
	}
	if c.json {
		return printJSON(c.m.Stdout, out)
	}
	return nil
}

func (c *evalCmd) runFiling(cmd *cobra.Command, _ []string) error {
	ctx := cmd.Context()
	db, err := c.m.Store(ctx)
	if err != nil {
		return err
	}
	ps, err := db.Proposals(ctx, tian.ProposalFilter{})
	if err != nil {
		return err
	}
	seg, err := c.m.Segmenter()
	if err != nil {
		return err
	}
	train, test, err := splitByTestYears(ps, c.years)
	if err != nil {
		return err
	}
	m, err := classify.TrainFiling(seg, train, classify.DefaultFilingConfig())
	if err != nil {
		return err
	}
	ev := classify.EvaluateFiling(m, test)
	if c.json {
		return printJSON(c.m.Stdout, map[string]any{"test": ev, "development": m.Dev, "reasons": m.Reasons, "shapes": m.Shapes})
	}
	printFilingEval(c.m.Stdout, m, ev, yearSpan(train), yearSpan(test))
	return nil
}

// splitByTestYears puts the proposals of the test years (by default the
// latest) in test and those of earlier years in train.
func splitByTestYears(ps []*tian.Proposal, years []int) (train, test []*tian.Proposal, err error) {
	first := 0
	for _, y := range years {
		if first == 0 || y < first {
			first = y
		}
	}
	if len(years) == 0 {
		for _, p := range ps {
			first = max(first, p.Year)
		}
		years = []int{first}
	}
	for _, p := range ps {
		switch {
		case slices.Contains(years, p.Year):
			test = append(test, p)
		case p.Year < first:
			train = append(train, p)
		}
	}
	if len(train) == 0 || len(test) == 0 {
		return nil, nil, tian.Errorf(tian.EINVALID, "测试年度 %v 之前或之中没有提案：请换用 --test-years", years)
	}
	return train, test, nil
}

// yearSpan is "2021–2024" for the proposals' years.
func yearSpan(ps []*tian.Proposal) string {
	lo, hi := ps[0].Year, ps[0].Year
	for _, p := range ps {
		lo, hi = min(lo, p.Year), max(hi, p.Year)
	}
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

func printFilingEval(w io.Writer, m *classify.FilingModel, e classify.FilingEval, trained, tested string) {
	fmt.Fprintf(w, "filing advice: trained on %s (%d proposals, %d not filed; the last year calibrates and sets the thresholds), tested on %s: %d proposals, %d not filed\n\n",
		trained, m.Trained, m.Rejected, tested, e.N, e.NotFiled)
	fmt.Fprintln(w, "measure\tmodel\talways 立案")
	fmt.Fprintf(w, "accuracy\t%.3f\t%.3f\n", e.Accuracy, e.BaselineAccuracy)
	fmt.Fprintf(w, "Brier score\t%.4f\t%.4f (the base rate %.3f for every text)\n", e.Brier, e.BaselineBrier, e.BaseRate)
	fmt.Fprintf(w, "ECE, 10 bins\t%.4f\t%.4f\n", e.ECE, e.BaselineECE)
	fmt.Fprintf(w, "不予立案 precision\t%.3f\t– (never advised)\n", e.Precision)
	fmt.Fprintf(w, "不予立案 recall\t%.3f\t0\n", e.Recall)
	fmt.Fprintf(w, "AUC\t%.3f\t0.5\n\n", e.AUC)
	fmt.Fprintf(w, "建议不予立案 at P(不予立案) ≥ %.3f: %d texts; 建议立案 at ≤ %.3f: %.1f%% of texts, %.1f%% of them filed; 无法判断 (abstain) %.1f%%\n",
		e.RejectAt, e.Flagged, e.FileAt, e.FileShare*100, e.FilePrecision*100, e.Abstain*100)
	fmt.Fprintf(w, "reasons on the correctly flagged (%d): top-1 %.3f, top-2 %.3f; on all not filed (%d): top-1 %.3f, top-2 %.3f\n",
		e.ReasonN, e.ReasonTop1, e.ReasonTop2, e.ReasonAllN, e.ReasonAllTop1, e.ReasonAllTop2)
	if d := m.Dev; d != nil {
		fmt.Fprintf(w, "development year (%d proposals, %d not filed): 不予立案 precision %.3f, recall %.3f; Brier %.4f (base rate %.4f), ECE %.4f; reasons top-1 %.3f, top-2 %.3f on the correctly flagged (%d)\n",
			d.N, d.NotFiled, d.Precision, d.Recall, d.Brier, d.BaselineBrier, d.ECE, d.ReasonTop1, d.ReasonTop2, d.ReasonN)
	}
	if len(e.ReasonMisses) > 0 {
		fmt.Fprintln(w, "\nreason misses (first reason wrong)\ttaken for\ttexts")
		for _, r := range e.ReasonMisses {
			fmt.Fprintf(w, "%s\t%s\t%d\n", r.Reason, r.TakenFor, r.N)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "reliability: P(不予立案)\ttexts\tmean P\tnot filed")
	for _, b := range e.Reliability {
		if b.N > 0 {
			fmt.Fprintf(w, "[%.1f, %.1f)\t%d\t%.3f\t%.3f\n", b.Lo, b.Hi, b.N, b.MeanProb, b.Observed)
		}
	}
	fmt.Fprintln(w, "\nreason classes (by lead clause)\texamples\tthe office's wording")
	for _, r := range m.Reasons {
		fmt.Fprintf(w, "%s\t%d\t%s\n", r.Lead, r.Examples, r.Wording)
	}
	fmt.Fprintln(w, "\ntext shape\tfiled\tnot filed\tweight towards 不予立案")
	for _, s := range m.Shapes {
		fmt.Fprintf(w, "%s\t%.3f\t%.3f\t%.3f\n", s.Name, s.Filed, s.NotFiled, s.Weight)
	}
}
