package office

import (
	"context"

	"tian"
	"tian/classify"
	"tian/models"
)

// AdviseFiling implements tian.Filer with the serving filing model:
// EINVALID for a text with no letters or digits, ETOOLARGE for one over
// the length limit.
func (o *Office) AdviseFiling(ctx context.Context, title, body string) (*tian.FilingAdvice, error) {
	if len(tian.Letters(title+body)) == 0 {
		return nil, tian.Errorf(tian.EINVALID, "文本没有文字，无法给出立案建议")
	}
	m, err := o.filingModel()
	if err != nil {
		return nil, err
	}
	return m.AdviseFiling(ctx, title, body)
}

// filingModel returns the serving filing model, loading it the first
// time.
func (o *Office) filingModel() (*classify.FilingModel, error) {
	if m := o.filing.Load(); m != nil {
		return m, nil
	}
	o.modelsMu.Lock()
	defer o.modelsMu.Unlock()
	if m := o.filing.Load(); m != nil {
		return m, nil
	}
	m, err := o.readFiling()
	if err != nil {
		return nil, err
	}
	o.filing.Store(m)
	return m, nil
}

// readFiling reads the filing model of the data directory, or the
// embedded default.
func (o *Office) readFiling() (*classify.FilingModel, error) {
	r, _, err := o.openModel(models.FilingModel)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return classify.ReadFilingModel(r, o.seg)
}
