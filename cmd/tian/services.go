package main

import (
	"context"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"tian"
	"tian/api"
	"tian/classify"
	"tian/index"
	"tian/sheet"
)

// services implements api.Services over the concrete parts. The models
// sit behind atomic pointers: training builds new ones and swaps them in,
// and a request in flight finishes on the models it started with.
type services struct {
	m        *Main
	ix       *index.Index
	category atomic.Pointer[classify.Model]
	router   atomic.Pointer[classify.Router]
	trainMu  sync.Mutex
}

var _ api.Services = (*services)(nil)

// newServices opens the index; with models it also loads the models now
// (the service fails at start, not at the first request, when a model is
// broken); without, they load when first asked for.
func newServices(ctx context.Context, m *Main, models bool) (*services, error) {
	ix, err := m.Index(ctx)
	if err != nil {
		return nil, err
	}
	s := &services{m: m, ix: ix}
	if models {
		if _, err := s.models(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// models returns the serving models, loading them the first time.
func (s *services) models(ctx context.Context) (*classify.Model, error) {
	if cm := s.category.Load(); cm != nil && s.router.Load() != nil {
		return cm, nil
	}
	s.trainMu.Lock()
	defer s.trainMu.Unlock()
	if s.category.Load() == nil {
		cm, err := s.m.Category()
		if err != nil {
			return nil, err
		}
		s.category.Store(cm)
	}
	if s.router.Load() == nil {
		r, err := s.m.Router(ctx)
		if err != nil {
			return nil, err
		}
		s.router.Store(r)
	}
	return s.category.Load(), nil
}

func (s *services) Search(ctx context.Context, req tian.SearchRequest) (*tian.SearchResult, error) {
	return s.ix.Search(ctx, req)
}

func (s *services) Similar(ctx context.Context, number, title, body string, k, before int) ([]tian.Match, error) {
	return s.ix.Similar(ctx, index.SimilarRequest{Number: number, Title: title, Body: body, K: k, BeforeYear: before})
}

func (s *services) Groups(ctx context.Context, year int, session string, numbers []string, threshold float64) ([]tian.Group, error) {
	return s.ix.Groups(ctx, index.GroupRequest{Year: year, Session: session, Numbers: numbers, Threshold: threshold})
}

func (s *services) Classify(ctx context.Context, title, body string, k int) (*tian.Suggestion, error) {
	cm, err := s.models(ctx)
	if err != nil {
		return nil, err
	}
	return cm.Classify(ctx, title, body, k)
}

func (s *services) Route(ctx context.Context, title, body, category string, k int) (*tian.Routing, error) {
	cm, err := s.models(ctx)
	if err != nil {
		return nil, err
	}
	if category == "" {
		sg, err := cm.Classify(ctx, title, body, 1)
		if err != nil {
			return nil, err
		}
		category = sg.Labels[0].Label
	}
	return s.router.Load().Route(ctx, s.ix, title, body, category, k)
}

func (s *services) CatchUp(ctx context.Context) error {
	_, err := s.ix.CatchUp(ctx)
	return err
}

func (s *services) ImportFile(ctx context.Context, path, name string, strict bool, actor string) (*tian.ImportReport, error) {
	res, err := sheet.ReadProposals(path, sheet.Options{})
	if err != nil {
		// show the uploaded file's own name, not the temporary path
		return nil, tian.Errorf(tian.EINVALID, "%s", strings.ReplaceAll(tian.ErrorMessage(err), path, name))
	}
	for i := range res.Errors {
		res.Errors[i].File = name
	}
	db, err := s.m.Store(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := db.ImportProposals(ctx, res.Records, tian.ImportOptions{File: name, Strict: strict, Actor: actor,
		Columns: res.Columns, DryRun: strict && len(res.Errors) > 0})
	if err != nil {
		return nil, err
	}
	rep.Rows += len(res.Errors)
	rep.Rejected += len(res.Errors)
	rep.Errors = append(res.Errors, rep.Errors...)
	return rep, s.CatchUp(ctx)
}

func (s *services) Export(ctx context.Context, w io.Writer, format string, f tian.ProposalFilter) error {
	db, err := s.m.Store(ctx)
	if err != nil {
		return err
	}
	ps, err := db.Proposals(ctx, f)
	if err != nil {
		return err
	}
	return sheet.WriteProposals(w, format, ps)
}

func (s *services) ExportGroups(w io.Writer, groups []tian.Group) error {
	return sheet.WriteGroupsXLSX(w, groups)
}

// Train retrains both models from the store into the data directory's
// models folder (atomically, file by file) and swaps them in.
func (s *services) Train(ctx context.Context, progress func(string)) (string, error) {
	s.trainMu.Lock()
	defer s.trainMu.Unlock()
	progress("训练类别模型和承办单位模型")
	quiet := &Main{Stdout: io.Discard, Stderr: io.Discard, DataDir: s.m.DataDir}
	t := &trainCmd{m: quiet, which: []string{"category", "router"}}
	if err := t.trainFrom(ctx, s.m, s.m.modelDir()); err != nil {
		return "", err
	}
	progress("载入新模型")
	loader := &Main{DataDir: s.m.DataDir, seg: s.m.seg, store: s.m.store}
	cm, err := loader.Category()
	if err != nil {
		return "", err
	}
	r, err := loader.Router(ctx)
	if err != nil {
		return "", err
	}
	s.category.Store(cm)
	s.router.Store(r)
	progress("完成：" + cm.Version() + "，" + r.Version())
	return cm.Version(), nil
}

func (s *services) Models() map[string]string {
	out := map[string]string{}
	if cm := s.category.Load(); cm != nil {
		out["category"] = cm.Version()
	}
	if r := s.router.Load(); r != nil {
		out["router"] = r.Version()
	}
	return out
}
