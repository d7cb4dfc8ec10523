package office

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"tian"
	"tian/models"
	"tian/relate"
)

// PairLearner is the relations engine whose similarity learns from the
// groups staff confirm (relate.Service).
type PairLearner interface {
	TrainPairModel(ctx context.Context, confirmed []tian.YearGroups) (*relate.PairModel, error)
	SetPairModel(m *relate.PairModel)
	PairModel() *relate.PairModel
}

// trainPairs learns the pair similarity from every year staff confirmed,
// with extra years (the demo's gold, for the embedded default) and writes
// it into dir. With too few confirmed pairs it says so and writes nothing:
// the model there before, or the embedded default, stays.
func (o *Office) trainPairs(ctx context.Context, dir string, extra []tian.YearGroups, say func(string)) (*relate.PairModel, error) {
	if o.pairs == nil {
		return nil, errNoIndex
	}
	t0 := time.Now()
	confirmed := extra
	if gs, ok := o.store.(tian.GroupStore); ok {
		stored, err := gs.ConfirmedYearGroups(ctx)
		if err != nil {
			return nil, err
		}
		confirmed = append(append([]tian.YearGroups(nil), stored...), extra...)
	}
	if len(confirmed) == 0 {
		say("相似度模型未训练（还没有已确认的分组年度），沿用现有模型")
		return nil, nil
	}
	m, err := o.pairs.TrainPairModel(ctx, confirmed)
	if tian.ErrorCode(err) == tian.EINVALID {
		say("相似度模型未训练（" + tian.ErrorMessage(err) + "），沿用现有模型")
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if err := saveModel(filepath.Join(dir, filepath.Base(models.PairModel)), m); err != nil {
		return nil, err
	}
	say(fmt.Sprintf("相似度模型 %s：%s；分组阈值 %.2f，至少 %d 件成组，用时 %s", m.Version(), m.TrainedOn, m.Threshold, m.MinSize,
		time.Since(t0).Round(time.Millisecond)))
	return m, nil
}

// loadPairs swaps in the pair model of the data directory, if training
// wrote one; otherwise the relations engine keeps the embedded default.
func (o *Office) loadPairs() error {
	if o.pairs == nil {
		return nil
	}
	m, err := DataPairModel(o.dataDir)
	if err != nil || m == nil {
		return err
	}
	o.pairs.SetPairModel(m)
	return nil
}

// DataPairModel reads the pair model training wrote into a data
// directory; nil when there is none. EINVALID names the file when it
// cannot be used.
func DataPairModel(dataDir string) (*relate.PairModel, error) {
	name := filepath.Base(models.PairModel)
	m, err := relate.ReadPairModelFS(os.DirFS(ModelDir(dataDir)), name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case tian.ErrorCode(err) == tian.EINVALID:
		return nil, tian.Errorf(tian.EINVALID, "%s：%s（删除该文件即改用内置的相似度模型）", filepath.Join(ModelDir(dataDir), name), tian.ErrorMessage(err))
	}
	return m, err
}

// DemoGoldYears reads the demo's gold groups of the given years as the
// years staff confirmed, for training the embedded default pair model.
func DemoGoldYears(years ...int) ([]tian.YearGroups, error) {
	f, err := tian.DemoFS().Open(tian.DemoGold)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g, err := relate.ReadGold(f)
	if err != nil {
		return nil, err
	}
	return g.Confirmed(years...), nil
}
