package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tian"
	"tian/api"
	"tian/classify"
	"tian/index"
	"tian/internal/diskspace"
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
	// minFree is the disk space writes must leave free in the data
	// directory: below it they are refused before anything is written.
	minFree int64
	// indexErr is why the last catch-up failed, "" once it succeeds.
	indexErr atomic.Pointer[string]
}

// defaultMinFree is the reserve writes leave on the data directory's disk:
// room for SQLite's journal and bleve's segments and merges.
const defaultMinFree = 64 << 20

var _ api.Services = (*services)(nil)

// newServices opens the index; with models it also loads the models now
// (the service fails at start, not at the first request, when a model is
// broken); without, they load when first asked for.
func newServices(ctx context.Context, m *Main, models bool) (*services, error) {
	ix, err := m.Index(ctx)
	if err != nil {
		return nil, err
	}
	s := &services{m: m, ix: ix, minFree: defaultMinFree}
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
	return s.ix.Similar(ctx, tian.SimilarRequest{Number: number, Title: title, Body: body, K: k, BeforeYear: before})
}

func (s *services) Groups(ctx context.Context, year int, session string, numbers []string, threshold float64) ([]tian.Group, error) {
	return s.ix.Groups(ctx, tian.GroupRequest{Year: year, Session: session, Numbers: numbers, Threshold: threshold})
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

// CatchUp brings the index up to date and remembers why it failed, if it
// did, for IndexStatus.
func (s *services) CatchUp(ctx context.Context) error {
	_, err := s.ix.CatchUp(ctx)
	msg := ""
	if err != nil {
		msg = tian.ErrorMessage(err)
	}
	s.indexErr.Store(&msg)
	return err
}

// IndexStatus counts the changes the index has not applied yet.
func (s *services) IndexStatus(ctx context.Context) api.IndexStatus {
	var st api.IndexStatus
	if msg := s.indexErr.Load(); msg != nil {
		st.Error = *msg
	}
	behind, err := s.ix.Behind(ctx)
	if err != nil {
		st.Error = tian.ErrorMessage(err)
	}
	if err := s.ix.PersistError(); err != nil {
		st.Error = tian.ErrorMessage(err)
	}
	st.Behind = behind
	return st
}

// keepIndexCaughtUp retries catching up while the index is behind the
// store (after a write that committed while the disk was full, say),
// until ctx ends.
func (s *services) keepIndexCaughtUp(ctx context.Context, logger *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if st := s.IndexStatus(ctx); st.Behind == 0 && st.Error == "" {
			continue
		}
		if err := s.CatchUp(ctx); err != nil {
			logger.Warn("index still behind", "err", err.Error())
		} else {
			logger.Info("index caught up")
		}
	}
}

// CheckSpace refuses a write that would leave less than the reserve free.
func (s *services) CheckSpace(need int64) error {
	return diskspace.Ensure(s.m.DataDir, uint64(s.minFree+max(need, 0)))
}

func (s *services) ImportFile(ctx context.Context, req api.ImportRequest) (*tian.ImportReport, error) {
	path, name := req.Path, req.Name
	res, err := sheet.ReadProposals(path, sheet.Options{})
	if code := tian.ErrorCode(err); code != "" && code != tian.EINTERNAL {
		// show the uploaded file's own name, not the temporary path
		return nil, tian.Errorf(code, "%s", strings.ReplaceAll(tian.ErrorMessage(err), path, name))
	} else if err != nil {
		return nil, err
	}
	for i := range res.Errors {
		res.Errors[i].File = name
	}
	db, err := s.m.Store(ctx)
	if err != nil {
		return nil, err
	}
	opt := tian.ImportOptions{File: name, Strict: req.Strict, ClearAbsent: req.ClearAbsent, Actor: req.Actor, Columns: res.Columns,
		DryRun: req.Strict && len(res.Errors) > 0}
	if req.Progress != nil {
		total := len(res.Records)
		opt.Progress = func(done int) { req.Progress(done, total) }
	}
	rep, err := db.ImportProposals(ctx, res.Records, opt)
	if err != nil {
		return nil, err
	}
	rep.Rows += len(res.Errors)
	rep.Rejected += len(res.Errors)
	rep.Errors = append(res.Errors, rep.Errors...)
	rep.Mapping, rep.Unmapped = res.Mapping, res.Unmapped
	if err := s.CatchUp(ctx); err != nil {
		// committed: the report stands, and says the index is behind
		rep.Warnings = append(rep.Warnings, tian.RowError{File: name,
			Message: "已导入，但检索索引暂未更新（" + tian.ErrorMessage(err) + "）；服务会自动补齐"})
	}
	return rep, nil
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
	t := &trainCmd{m: quiet, which: []string{"category", "router"}, progress: progress}
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
