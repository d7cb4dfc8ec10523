package office

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"tian"
	"tian/classify"
	"tian/models"
	"tian/relate"
)

// TrainOptions say which models to train and where progress goes.
type TrainOptions struct {
	Category, Router, Filing, Pairs bool
	// Groups are confirmed years to learn the pair similarity from besides
	// the store's (the demo's gold, for the embedded default).
	Groups []tian.YearGroups
	// Progress receives the steps worth showing: the feedback used, then
	// a line a model. Nil discards them.
	Progress func(string)
}

// TrainResult names the models written.
type TrainResult struct {
	Category *classify.Model
	Router   *classify.Router
	Filing   *classify.FilingModel
	Pairs    *relate.PairModel
	// Feedback is the line saying which verdicts were used, per reviewer.
	Feedback string
}

// TrainInto trains the models chosen from the store (with reviewers'
// feedback) and writes them atomically into dir. It does not swap them
// into the serving office: Train does.
func (o *Office) TrainInto(ctx context.Context, dir string, opt TrainOptions) (*TrainResult, error) {
	say := opt.Progress
	if say == nil {
		say = func(string) {}
	}
	ps, err := o.store.Proposals(ctx, tian.ProposalFilter{})
	if err != nil {
		return nil, err
	}
	ps = proposalsOnly(ps) // a message board's categories are not the committee's
	fbs, err := o.store.Feedbacks(ctx)
	if err != nil {
		return nil, err
	}
	if fbs, err = o.currentFeedback(ctx, fbs); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, tian.Errorf(tian.EINVALID, "无法创建模型目录 %s：%v", dir, err)
	}
	res := &TrainResult{Feedback: FeedbackUsed(ps, fbs, opt.Category, opt.Router)}
	say(res.Feedback)
	if opt.Category {
		t0 := time.Now()
		cm, err := classify.Train(o.seg, classify.WithFeedback(ps, fbs), classify.DefaultCategoryConfig())
		if err != nil {
			return nil, err
		}
		if err := saveModel(filepath.Join(dir, filepath.Base(models.CategoryModel)), cm); err != nil {
			return nil, err
		}
		cal := classify.Calibration{}
		if cm.Calibration != nil {
			cal = *cm.Calibration
		}
		say(fmt.Sprintf("类别模型 %s：%d 件，%d 类，用时 %s；%d 件未参与拟合的预测（交叉验证）准确率 %.3f，概率低于 %.2f 为不确定",
			cm.Version(), cm.Trained, len(cm.Labels), time.Since(t0).Round(time.Millisecond), cal.HeldOut, cal.Accuracy, cm.Threshold))
		res.Category = cm
	}
	if opt.Filing {
		if res.Filing, err = o.trainFiling(ps, dir, say); err != nil {
			return nil, err
		}
	}
	if opt.Pairs {
		if res.Pairs, err = o.trainPairs(ctx, dir, opt.Groups, say); err != nil {
			return nil, err
		}
	}
	if !opt.Router {
		return res, nil
	}
	if o.index == nil {
		return nil, errNoIndex
	}
	t0 := time.Now()
	units, err := o.store.Units(ctx)
	if err != nil {
		return nil, err
	}
	router, err := classify.TrainRouter(ctx, o.seg, classify.WithRoutingFeedback(ps, fbs), units, o.index, classify.DefaultRouterConfig())
	if err != nil {
		return nil, err
	}
	// the router first: a reader that finds a new text model expects its router
	for _, f := range []struct {
		name string
		wt   io.WriterTo
	}{{models.RouterModel, router}, {models.UnitModel, router.TextModel()}} {
		if err := saveModel(filepath.Join(dir, filepath.Base(f.name)), f.wt); err != nil {
			return nil, err
		}
	}
	say(fmt.Sprintf("承办单位模型 %s：%d 件，%d 个单位，%d 行回归样本，用时 %s",
		router.Version(), router.Trained, len(router.Units), router.Rows, time.Since(t0).Round(time.Millisecond)))
	res.Router = router
	return res, nil
}

// trainFiling trains the filing model on the store's decisions and
// writes it into dir. With too few decisions to learn from (a store of
// proposals with no status) it says so and writes nothing: the model
// there before, or the embedded default, stays.
func (o *Office) trainFiling(ps []*tian.Proposal, dir string, say func(string)) (*classify.FilingModel, error) {
	t0 := time.Now()
	fm, err := classify.TrainFiling(o.seg, ps, classify.DefaultFilingConfig())
	if tian.ErrorCode(err) == tian.EINVALID {
		say("立案建议模型未训练（" + tian.ErrorMessage(err) + "），沿用现有模型")
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if err := saveModel(filepath.Join(dir, filepath.Base(models.FilingModel)), fm); err != nil {
		return nil, err
	}
	line := fmt.Sprintf("立案建议模型 %s：%d 件，其中不予立案 %d 件，%d 类理由，用时 %s", fm.Version(), fm.Trained, fm.Rejected, len(fm.Reasons), time.Since(t0).Round(time.Millisecond))
	if d := fm.Dev; d != nil {
		line += fmt.Sprintf("；验证年度不予立案精确率 %.3f、召回率 %.3f，P(不予立案) ≥ %.2f 建议不予立案，≤ %.2f 建议立案", d.Precision, d.Recall, fm.RejectAt, fm.FileAt)
	}
	say(line)
	return fm, nil
}

// currentFeedback keeps the verdicts whose chosen category or unit the
// catalogue still has: the store checks new feedback, and this keeps a
// verdict stored before those checks (or naming a category since
// removed) from bringing a label of its own into the model.
func (o *Office) currentFeedback(ctx context.Context, fbs []tian.Feedback) ([]tian.Feedback, error) {
	cats, err := o.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	units, err := o.store.Units(ctx)
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

// FeedbackUsed says how many of the reviewers' verdicts training applies,
// and whose, most first: "使用审查反馈 43 条：token:张三 30 条，token:李四
// 13 条". A verdict applies as classify.WithFeedback and
// WithRoutingFeedback apply it: a category verdict on a stored proposal or
// on a text, a unit verdict on a stored proposal; of several category or
// lead-unit verdicts on one proposal, the latest.
func FeedbackUsed(ps []*tian.Proposal, fbs []tian.Feedback, category, router bool) string {
	stored := make(map[string]bool, len(ps))
	for _, p := range ps {
		stored[p.Number] = true
	}
	wants := map[string]bool{"category": category, "lead_unit": router, "co_unit": router}
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
