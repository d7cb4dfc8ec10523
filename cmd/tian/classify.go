package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"tian"
	"tian/classify"
	"tian/models"
	"tian/sheet"
	"tian/sqlite"
)

// modelDir is where `tian train` puts the models of a data directory;
// they take precedence over the embedded defaults.
func (m *Main) modelDir() string { return filepath.Join(m.DataDir, "models") }

// openModel opens a model file of the data directory, or the embedded
// default.
func (m *Main) openModel(name string) (io.ReadCloser, string, error) {
	path := filepath.Join(m.modelDir(), filepath.Base(name))
	if f, err := os.Open(path); err == nil {
		return f, path, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", err
	}
	f, err := models.FS().Open(name)
	if err != nil {
		return nil, "", tian.Errorf(tian.ENOTFOUND, "no %s: run tian train", name)
	}
	return f, "embedded:" + name, nil
}

// Category loads the category model once.
func (m *Main) Category() (*classify.Model, error) {
	if m.category != nil {
		return m.category, nil
	}
	seg, err := m.Segmenter()
	if err != nil {
		return nil, err
	}
	r, _, err := m.openModel(models.CategoryModel)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cm, err := classify.ReadModel(r, seg)
	if err != nil {
		return nil, err
	}
	m.category = cm
	return cm, nil
}

type classifyCmd struct {
	m     *Main
	file  string
	title string
	k     int
	json  bool
}

func (c *classifyCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "classify [TEXT | - | --file F]",
		Short: "suggest a category with a calibrated probability, the words that drove it, and an honest 'uncertain'",
		Example: `  tian classify "关于加快发展社区嵌入式养老服务的提案 城东区近四成社区没有养老服务站点……"
  tian classify --file proposal.txt --json`,
		Args: cobra.ArbitraryArgs,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.StringVar(&c.file, "file", "", "read the text from a file")
	f.StringVar(&c.title, "title", "", "the title, if the text is only the body")
	f.IntVar(&c.k, "k", 3, "how many categories to list")
	f.BoolVar(&c.json, "json", false, "print JSON")
	return cmd
}

// readText reads the text of a classify or route command: arguments, -
// for standard input, or --file.
func readText(m *Main, args []string, file string) (string, error) {
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", tian.Errorf(tian.EINVALID, "%v", err)
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
		Short: "train the category and routing models from the store (with reviewers' feedback) or the demo corpus",
		Example: `  tian train                                   # from the store, into DATA/models, served from then on
  tian train --corpus --out models/trained     # reproduce the embedded defaults`,
		Args: cobra.NoArgs,
		RunE: c.run,
	}
	cmd.Flags().BoolVar(&c.corpus, "corpus", false, "train from the embedded demo corpus instead of the store")
	cmd.Flags().StringVar(&c.out, "out", "", "output folder (default: the data directory's models folder)")
	cmd.Flags().StringSliceVar(&c.which, "models", []string{"category", "router"}, "which models to train: category, router")
	return cmd
}

func (c *trainCmd) run(cmd *cobra.Command, _ []string) error {
	ctx := cmd.Context()
	src := c.m
	if c.corpus { // the embedded corpus, in a store and index of its own
		tmp, err := os.MkdirTemp("", "tian-train-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		src = &Main{Stdin: c.m.Stdin, Stdout: c.m.Stdout, Stderr: c.m.Stderr, DataDir: tmp, Actor: "train", seg: c.m.seg}
		defer src.Close()
		if _, err := src.EnsureDemo(ctx); err != nil {
			return err
		}
	}
	out := c.out
	if out == "" {
		out = c.m.modelDir()
	}
	return c.trainFrom(ctx, src, out)
}

// currentFeedback keeps the verdicts whose chosen category or unit the
// catalogue still has: the store checks new feedback, and this keeps a
// verdict stored before those checks (or naming a category since
// removed) from bringing a label of its own into the model.
func currentFeedback(ctx context.Context, db *sqlite.DB, fbs []tian.Feedback) ([]tian.Feedback, error) {
	cats, err := db.Categories(ctx)
	if err != nil {
		return nil, err
	}
	units, err := db.Units(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, c := range cats {
		known["category\x00"+c.Name] = true
	}
	for _, u := range units {
		known["unit\x00"+u.Name] = true
	}
	var out []tian.Feedback
	for _, f := range fbs {
		kind := "unit"
		if f.Kind == "category" {
			kind = "category"
		}
		if known[kind+"\x00"+f.Chosen] {
			out = append(out, f)
		}
	}
	return out, nil
}

// trainFrom trains the models chosen from src's store (with its feedback)
// and writes them atomically into out.
func (c *trainCmd) trainFrom(ctx context.Context, src *Main, out string) error {
	db, err := src.Store(ctx)
	if err != nil {
		return err
	}
	ps, err := db.Proposals(ctx, tian.ProposalFilter{})
	if err != nil {
		return err
	}
	fbs, err := db.Feedbacks(ctx)
	if err != nil {
		return err
	}
	if fbs, err = currentFeedback(ctx, db, fbs); err != nil {
		return err
	}
	seg, err := src.Segmenter()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o700); err != nil {
		return tian.Errorf(tian.EINVALID, "%v", err)
	}
	for _, w := range c.which {
		if w != "category" && w != "router" {
			return tian.Errorf(tian.EINVALID, "--models %q: want category or router", w)
		}
	}
	used := feedbackUsed(ps, fbs, c.which)
	fmt.Fprintln(c.m.Stdout, used)
	if c.progress != nil {
		c.progress(used)
	}
	if slices.Contains(c.which, "category") {
		t0 := time.Now()
		cm, err := classify.Train(seg, classify.WithFeedback(ps, fbs), classify.DefaultTrainConfig())
		if err != nil {
			return err
		}
		if err := saveModel(filepath.Join(out, filepath.Base(models.CategoryModel)), cm); err != nil {
			return err
		}
		fmt.Fprintf(c.m.Stdout, "category model %s: %d documents, %d labels, trained in %s; held-out accuracy %.3f, uncertain below %.2f\n",
			cm.Version(), cm.Trained, len(cm.Labels), time.Since(t0).Round(time.Millisecond), cal(cm).Accuracy, cm.Threshold)
		c.m.category = nil
	}
	if !slices.Contains(c.which, "router") {
		return nil
	}
	t0 := time.Now()
	units, err := db.Units(ctx)
	if err != nil {
		return err
	}
	ix, err := src.Index(ctx)
	if err != nil {
		return err
	}
	router, err := classify.TrainRouter(ctx, seg, classify.WithRoutingFeedback(ps, fbs), units, ix, classify.DefaultRouterConfig())
	if err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "router %s: %d proposals, %d units, %d regression rows, trained in %s\n",
		router.Version(), router.Trained, len(router.Units), router.Rows, time.Since(t0).Round(time.Millisecond))
	// the router first: a reader that finds a new text model expects its router
	for _, f := range []struct {
		name string
		wt   io.WriterTo
	}{{models.RouterModel, router}, {models.UnitModel, router.TextModel()}} {
		if err := saveModel(filepath.Join(out, filepath.Base(f.name)), f.wt); err != nil {
			return err
		}
	}
	c.m.router = nil
	return nil
}

// feedbackUsed says how many of the reviewers' verdicts training the
// models in which applies, and whose, most first: "使用审查反馈 43 条：
// token:张三 30 条，token:李四 13 条". A verdict applies as
// classify.WithFeedback and WithRoutingFeedback apply it: a category
// verdict on a stored proposal or on a text, a unit verdict on a stored
// proposal; of several category or lead-unit verdicts on one proposal,
// the latest.
func feedbackUsed(ps []*tian.Proposal, fbs []tian.Feedback, which []string) string {
	stored := make(map[string]bool, len(ps))
	for _, p := range ps {
		stored[p.Number] = true
	}
	wants := map[string]bool{"category": slices.Contains(which, "category"),
		"lead_unit": slices.Contains(which, "router"), "co_unit": slices.Contains(which, "router")}
	byActor := map[string]int{}
	latest := map[string]bool{} // kind and number of a verdict counted
	total := 0
	for i := len(fbs) - 1; i >= 0; i-- {
		f := fbs[i]
		key := f.Kind + " " + f.Number
		switch {
		case !wants[f.Kind] || f.Chosen == "":
			continue
		case f.Number == "" && (f.Kind != "category" || f.Text == ""):
			continue
		case f.Number != "" && (!stored[f.Number] || f.Kind != "co_unit" && latest[key]):
			continue
		}
		latest[key] = true
		byActor[cmp.Or(f.Actor, "（未署名）")]++
		total++
	}
	actors := slices.Collect(maps.Keys(byActor))
	slices.SortFunc(actors, func(a, b string) int {
		return cmp.Or(cmp.Compare(byActor[b], byActor[a]), cmp.Compare(a, b))
	})
	parts := make([]string, len(actors))
	for i, a := range actors {
		parts[i] = fmt.Sprintf("%s %d 条", a, byActor[a])
	}
	line := fmt.Sprintf("使用审查反馈 %d 条", total)
	if len(parts) > 0 {
		line += "：" + strings.Join(parts, "，")
	}
	return line
}

func cal(m *classify.Model) classify.Calibration {
	if m.Calibration == nil {
		return classify.Calibration{}
	}
	return *m.Calibration
}

// Router loads the routing models once, with the store's unit catalogue
// (or the demo's, for an empty store).
func (m *Main) Router(ctx context.Context) (*classify.Router, error) {
	if m.router != nil {
		return m.router, nil
	}
	seg, err := m.Segmenter()
	if err != nil {
		return nil, err
	}
	tr, _, err := m.openModel(models.UnitModel)
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	text, err := classify.ReadModel(tr, seg)
	if err != nil {
		return nil, err
	}
	rr, _, err := m.openModel(models.RouterModel)
	if err != nil {
		return nil, err
	}
	defer rr.Close()
	db, err := m.Store(ctx)
	if err != nil {
		return nil, err
	}
	units, err := db.Units(ctx)
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		if units, err = sheet.ReadUnitsFS(tian.DemoFS(), tian.DemoUnits); err != nil {
			return nil, err
		}
	}
	r, err := classify.ReadRouter(rr, text, units, seg)
	if err != nil {
		return nil, err
	}
	m.router = r
	return r, nil
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
		Use:     "route [TEXT | - | --file F]",
		Short:   "suggest the lead and co-handling units, with the similar past proposals and duties behind them",
		Example: `  tian route "关于整治城北区城中村消防通道堵塞问题的提案 城北区几个城中村巷道狭窄……"`,
		Args:    cobra.ArbitraryArgs,
		RunE:    c.run,
	}
	f := cmd.Flags()
	f.StringVar(&c.file, "file", "", "read the text from a file")
	f.StringVar(&c.title, "title", "", "the title, if the text is only the body")
	f.StringVar(&c.category, "category", "", "the category (default: the suggested one)")
	f.IntVar(&c.k, "k", 3, "how many lead units to rank")
	f.BoolVar(&c.json, "json", false, "print JSON")
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
	rt, err := b.Route(ctx, title, body, c.category, c.k)
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(c.m.Stdout, rt)
	}
	w := c.m.Stdout
	for i, u := range rt.Lead {
		mark := "  "
		if i == 0 {
			mark = "主办"
		}
		fmt.Fprintf(w, "%s %-16s %.3f\n", mark, u.Unit, u.Score)
		printUnitEvidence(w, u)
	}
	for _, u := range rt.Co {
		fmt.Fprintf(w, "协办 %-16s %.3f\n", u.Unit, u.Score)
		printUnitEvidence(w, u)
	}
	return nil
}

func printUnitEvidence(w io.Writer, u tian.UnitSuggestion) {
	if len(u.Similar) > 0 {
		fmt.Fprintf(w, "     以往同类：%s\n", strings.Join(u.Similar[:min(2, len(u.Similar))], "；"))
	}
	if len(u.Duties) > 0 {
		fmt.Fprintf(w, "     职责相符：%s\n", strings.Join(u.Duties, "、"))
	}
}

// saveModel writes a model atomically: a reader sees the old file or the
// new one, never a torn one.
func saveModel(path string, wt io.WriterTo) error {
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return err
	}
	return writeFileAtomic(path, func(f *os.File) error {
		_, err := f.Write(buf.Bytes())
		return err
	})
}
