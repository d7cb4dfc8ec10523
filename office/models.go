package office

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"tian"
	"tian/classify"
	"tian/models"
	"tian/sheet"
)

// openModel opens a model file of the data directory, or the embedded
// default, and says which it opened.
func (o *Office) openModel(name string) (io.ReadCloser, string, error) {
	path := filepath.Join(o.ModelDir(), filepath.Base(name))
	if f, err := os.Open(path); err == nil {
		return f, path, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", &tian.Error{Code: tian.EINTERNAL, Op: "office.openModel", Err: err}
	}
	f, err := models.FS().Open(name)
	if err != nil {
		return nil, "", tian.Errorf(tian.ENOTFOUND, "没有模型 %s：请运行 tian train", name)
	}
	return f, "embedded:" + name, nil
}

// LoadModels loads the serving models now, so that a broken model fails
// the start, not the first request.
// With a store that keeps the models, the folder first takes its
// version.
func (o *Office) LoadModels(ctx context.Context) error {
	o.modelsMu.Lock()
	_, err := o.syncModels(ctx)
	o.modelsMu.Unlock()
	if err != nil {
		return err
	}
	if _, _, err := o.models(ctx); err != nil {
		return err
	}
	if _, err := o.filingModel(); err != nil {
		return err
	}
	return o.loadPairs()
}

// models returns the serving models, loading them the first time.
func (o *Office) models(ctx context.Context) (*classify.Model, *classify.Router, error) {
	if cm, r := o.category.Load(), o.router.Load(); cm != nil && r != nil {
		return cm, r, nil
	}
	o.modelsMu.Lock()
	defer o.modelsMu.Unlock()
	if o.category.Load() == nil {
		cm, err := o.readCategory()
		if err != nil {
			return nil, nil, err
		}
		o.category.Store(cm)
	}
	if o.router.Load() == nil {
		r, err := o.readRouter(ctx)
		if err != nil {
			return nil, nil, err
		}
		o.router.Store(r)
	}
	return o.category.Load(), o.router.Load(), nil
}

func (o *Office) readCategory() (*classify.Model, error) {
	r, _, err := o.openModel(models.CategoryModel)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return classify.ReadModel(r, o.seg)
}

// readRouter reads the routing models with the store's unit catalogue (or
// the demo's, for an empty store).
func (o *Office) readRouter(ctx context.Context) (*classify.Router, error) {
	tr, _, err := o.openModel(models.UnitModel)
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	text, err := classify.ReadModel(tr, o.seg)
	if err != nil {
		return nil, err
	}
	rr, _, err := o.openModel(models.RouterModel)
	if err != nil {
		return nil, err
	}
	defer rr.Close()
	units, err := o.store.Units(ctx)
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		if units, err = sheet.ReadUnitsFS(tian.DemoFS(), tian.DemoUnits); err != nil {
			return nil, err
		}
	}
	return classify.ReadRouter(rr, text, units, o.seg)
}

// Classify implements tian.Suggester.
func (o *Office) Classify(ctx context.Context, title, body string, k int) (*tian.Suggestion, error) {
	cm, _, err := o.models(ctx)
	if err != nil {
		return nil, err
	}
	return cm.Classify(ctx, title, body, k)
}

// Route implements tian.Suggester: with no category, the suggested one.
func (o *Office) Route(ctx context.Context, req tian.RouteRequest) (*tian.Routing, error) {
	if o.index == nil {
		return nil, errNoIndex
	}
	cm, r, err := o.models(ctx)
	if err != nil {
		return nil, err
	}
	if req.Category == "" {
		sg, err := cm.Classify(ctx, req.Title, req.Body, 1)
		if err != nil {
			return nil, err
		}
		if len(sg.Labels) > 0 {
			req.Category = sg.Labels[0].Label
		}
	}
	return r.Route(ctx, o.index, req)
}

// Versions implements tian.ModelStore: the serving models' versions
// (only those loaded).
func (o *Office) Versions() map[string]string {
	out := map[string]string{}
	if cm := o.category.Load(); cm != nil {
		out["category"] = cm.Version()
	}
	if r := o.router.Load(); r != nil {
		out["router"] = r.Version()
	}
	if f := o.filing.Load(); f != nil {
		out["filing"] = f.Version()
	}
	if o.pairs != nil {
		if m := o.pairs.PairModel(); m != nil {
			out["pairs"] = m.Version()
		}
	}
	return out
}

// Train implements tian.ModelStore: it retrains the category, routing
// and filing models from the store, writes them atomically into the data
// directory's models folder and swaps them in. With a store shared by
// several replicas, one trains at a time (the others are refused), and
// the models are saved into the store under a new version that every
// replica then serves (KeepModels).
func (o *Office) Train(ctx context.Context, progress func(string)) (string, error) {
	release, err := o.lockJob(ctx, "train", false)
	if err != nil {
		return "", err
	}
	defer release()
	o.modelsMu.Lock()
	defer o.modelsMu.Unlock()
	// start from the store's latest, so that what is not retrained here
	// (a model of another replica's run) is not saved back older
	if _, err := o.syncModels(ctx); err != nil {
		return "", err
	}
	progress("训练类别模型、承办单位模型、立案建议模型和相似度模型")
	if _, err := o.TrainInto(ctx, o.ModelDir(), TrainOptions{Category: true, Router: true, Filing: true, Pairs: o.pairs != nil, Progress: progress}); err != nil {
		return "", err
	}
	progress("载入新模型")
	if err := o.reloadModels(ctx); err != nil {
		return "", err
	}
	if err := o.shareModels(ctx, "train"); err != nil {
		return "", err
	}
	cm, r, fm := o.category.Load(), o.router.Load(), o.filing.Load()
	progress("完成：" + cm.Version() + "，" + r.Version() + "，" + fm.Version())
	return cm.Version(), nil
}

// reloadModels reads the models folder (or the embedded defaults) again
// and swaps every model in; on an error none is swapped. The caller holds
// modelsMu.
func (o *Office) reloadModels(ctx context.Context) error {
	cm, err := o.readCategory()
	if err != nil {
		return err
	}
	r, err := o.readRouter(ctx)
	if err != nil {
		return err
	}
	fm, err := o.readFiling()
	if err != nil {
		return err
	}
	if err := o.loadPairs(); err != nil {
		return err
	}
	o.category.Store(cm)
	o.router.Store(r)
	o.filing.Store(fm)
	return nil
}

// saveModel writes a model atomically: a reader sees the old file or the
// new one, never a torn one.
func saveModel(path string, wt io.WriterTo) error {
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return err
	}
	return writeAtomic(path, buf.Bytes())
}

// WriteFileAtomic writes through a temporary file in the same folder,
// synced, and renames it into place with mode perm, so a crash never
// leaves a half-written file and a reader never sees one.
func WriteFileAtomic(path string, perm os.FileMode, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tian-*")
	if err != nil {
		return tian.Errorf(tian.EINVALID, "无法写入 %s：%v", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
