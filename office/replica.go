package office

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"tian"
)

// Several tian processes (replicas) may share one store that says so
// (PostgreSQL: tian.ChangeWatcher, tian.ModelFiles, tian.JobLocker).
// Each keeps its own index and models folder as caches of the store: the
// index follows the change log, woken by the store's notifications, and
// the models folder holds the store's models of the version it names.
// Long jobs run on one replica at a time. With SQLite, one process, none
// of this applies and the office behaves as before.

// storedVersionFile names, in a models folder that caches the store's
// models, the version it holds.
const storedVersionFile = ".stored-version"

// LockJob takes a long job's lock (tian.JobLocker) when the store is
// shared by replicas; a no-op release otherwise. The office's own jobs
// take it themselves; cmd takes it around work it composes (tian train).
func (o *Office) LockJob(ctx context.Context, job string, wait bool) (func(), error) {
	return o.lockJob(ctx, job, wait)
}

// PublishModels saves the models folder into a store that keeps models,
// under its next version, which every replica then serves (KeepModels);
// nothing for a store that does not.
func (o *Office) PublishModels(ctx context.Context, actor string) error {
	o.modelsMu.Lock()
	defer o.modelsMu.Unlock()
	return o.shareModels(ctx, actor)
}

// lockJob takes a long job's lock when the store is shared; a no-op
// release otherwise.
func (o *Office) lockJob(ctx context.Context, job string, wait bool) (func(), error) {
	if l, ok := o.store.(tian.JobLocker); ok {
		return l.LockJob(ctx, job, wait)
	}
	return func() {}, nil
}

// cachedModelsVersion is the stored version the models folder holds, 0
// for none.
func (o *Office) cachedModelsVersion() int64 {
	b, err := os.ReadFile(filepath.Join(o.ModelDir(), storedVersionFile))
	if err != nil {
		return 0
	}
	v, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return v
}

// syncModels makes the models folder the store's models when the store
// keeps them and holds a version the folder does not; it says whether
// the folder changed. The files are written atomically one by one and
// the version last, so a crash midway is repaired by the next call.
func (o *Office) syncModels(ctx context.Context) (bool, error) {
	mf, ok := o.store.(tian.ModelFiles)
	if !ok {
		return false, nil
	}
	v, err := mf.ModelsVersion(ctx)
	if err != nil || v == 0 || v == o.cachedModelsVersion() {
		return false, err
	}
	v, files, err := mf.ReadModels(ctx)
	if err != nil {
		return false, err
	}
	dir := o.ModelDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, tian.Errorf(tian.EINVALID, "无法创建模型目录 %s：%v", dir, err)
	}
	for name, data := range files {
		if name != filepath.Base(name) || name == storedVersionFile || strings.HasPrefix(name, ".") {
			return false, tian.Errorf(tian.EINVALID, "数据库中的模型文件名 %q 无效", name)
		}
		if err := writeAtomic(filepath.Join(dir, name), data); err != nil {
			return false, err
		}
	}
	// a file of an earlier version that this one does not have goes
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if _, kept := files[e.Name()]; !kept && e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return false, err
			}
		}
	}
	return true, writeAtomic(filepath.Join(dir, storedVersionFile), []byte(strconv.FormatInt(v, 10)+"\n"))
}

func writeAtomic(path string, data []byte) error {
	return WriteFileAtomic(path, 0o600, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// shareModels saves the models folder into the store, when it keeps
// models, as the next version, and records that version in the folder.
func (o *Office) shareModels(ctx context.Context, actor string) error {
	mf, ok := o.store.(tian.ModelFiles)
	if !ok {
		return nil
	}
	dir := o.ModelDir()
	files, err := readModelFolder(dir)
	if err != nil {
		return err
	}
	v, err := mf.SaveModels(ctx, files, actor)
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, storedVersionFile), []byte(strconv.FormatInt(v, 10)+"\n"))
}

// readModelFolder reads the model files of a folder (not its hidden
// files); none when there is no folder.
func readModelFolder(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string][]byte{}, nil
	}
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files[e.Name()] = b
	}
	return files, nil
}

// KeepModels, when the store keeps the models, swaps in those another
// replica trained, checking every so often, until ctx ends.
func (o *Office) KeepModels(ctx context.Context, logger *slog.Logger, every time.Duration) {
	if _, ok := o.store.(tian.ModelFiles); !ok {
		return
	}
	everySoOften(ctx, every, func() {
		changed, err := o.refreshModels(ctx)
		switch {
		case err != nil:
			logger.Warn("models from the database not loaded", "err", err.Error())
		case changed:
			logger.Info("models from the database loaded", "versions", o.Versions())
		}
	})
}

// everySoOften runs fn every period until ctx ends.
func everySoOften(ctx context.Context, period time.Duration, fn func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// refreshModels brings the store's models into the folder and, if they
// changed, serves them.
func (o *Office) refreshModels(ctx context.Context) (bool, error) {
	o.modelsMu.Lock()
	defer o.modelsMu.Unlock()
	changed, err := o.syncModels(ctx)
	if err != nil || !changed {
		return false, err
	}
	return true, o.reloadModels(ctx)
}

// watchChanges wakes the index's catch-up at each change any replica
// commits, watching again after a lost connection (with polling covering
// the gap), until ctx ends.
func (o *Office) watchChanges(ctx context.Context, w tian.ChangeWatcher, wake chan<- struct{}, logger *slog.Logger) {
	nudge := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	backoff := time.Second
	for {
		start := time.Now()
		err := w.WatchChanges(ctx, nudge)
		if ctx.Err() != nil {
			return
		}
		logger.Warn("change notifications lost; polling until they are back", "err", err.Error())
		if time.Since(start) > time.Minute {
			backoff = time.Second
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
		nudge() // what was committed while nobody listened
	}
}
