package office

import (
	"context"
	"log/slog"
	"time"

	"tian"
	"tian/internal/diskspace"
)

// CatchUp brings the index up to date and remembers why it failed, if it
// did, for IndexStatus.
func (o *Office) CatchUp(ctx context.Context) error {
	if o.index == nil {
		return nil // a running service indexes what was written
	}
	_, err := o.index.CatchUp(ctx)
	msg := ""
	if err != nil {
		msg = tian.ErrorMessage(err)
	}
	o.indexErr.Store(&msg)
	return err
}

// IndexStatus counts the changes the index has not applied yet.
func (o *Office) IndexStatus(ctx context.Context) tian.IndexStatus {
	var st tian.IndexStatus
	if o.index == nil {
		return st
	}
	if msg := o.indexErr.Load(); msg != nil {
		st.Error = *msg
	}
	behind, err := o.index.Behind(ctx)
	if err != nil {
		st.Error = tian.ErrorMessage(err)
	}
	if err := o.index.PersistError(); err != nil {
		st.Error = tian.ErrorMessage(err)
	}
	st.Behind = behind
	return st
}

// CheckSpace returns ENOSPACE when the data directory's disk cannot take
// need more bytes and keep the reserve; nothing should then be written.
func (o *Office) CheckSpace(need int64) error {
	return diskspace.Ensure(o.dataDir, uint64(o.minFree+max(need, 0)))
}

// KeepIndexCaughtUp retries catching up while the index is behind the
// store (after a write that committed while the disk was full, or by
// another process), every so often, until ctx ends; and at once when a
// store shared by several replicas says another committed changes.
func (o *Office) KeepIndexCaughtUp(ctx context.Context, logger *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	wake := make(chan struct{}, 1)
	if w, ok := o.store.(tian.ChangeWatcher); ok && o.index != nil {
		go o.watchChanges(ctx, w, wake, logger)
	}
	for {
		recovering := false
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if st := o.IndexStatus(ctx); st.Behind == 0 && st.Error == "" {
				continue
			}
			recovering = true
		case <-wake:
		}
		if err := o.CatchUp(ctx); err != nil {
			logger.Warn("index still behind", "err", err.Error())
		} else if recovering {
			logger.Info("index caught up")
		}
	}
}
