package office_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"tian"
	"tian/internal/slowtest"
	"tian/models"
	"tian/office"
	"tian/segment"
)

// filingSeg is the default segmenter of the package's tests, loaded once
// (seconds under -race): the shared office's and that of the offices the
// tests make beside it.
var filingSeg = sync.OnceValues(func() (*segment.Segmenter, error) { return segment.New(segment.DefaultConfig()) })

// The office advises with the embedded filing model until the data
// directory has its own: a vague text is advised 不予立案 for the
// office's own wording of 内容空泛, a filed proposal of the store 立案,
// and a text with no letters is refused.
func TestAdviseFilingEmbedded(t *testing.T) {
	o, db, _ := newOffice(t)
	ctx := context.Background()
	a, err := o.AdviseFiling(ctx, "关于加强全市基层社会治理工作的提案",
		"基层社会治理是国家治理的基石。建议市委市政府高度重视，进一步提高认识、加强领导、完善机制、强化保障，不断提升基层社会治理水平，努力打造共建共治共享的社会治理格局。")
	if err != nil {
		t.Fatal(err)
	}
	if a.Recommendation != tian.RecommendReject || len(a.Reasons) == 0 || a.Reasons[0].Label != "内容空泛，缺少具体可行的建议" || len(a.Evidence) == 0 {
		t.Errorf("a vague text: %+v", a)
	}
	p, err := db.Proposal(ctx, "20250001")
	if err != nil {
		t.Fatal(err)
	}
	if a, err := o.AdviseFiling(ctx, p.Title, p.Body); err != nil || a.Recommendation != tian.RecommendFile || a.NotFiledProb > a.FileAt {
		t.Errorf("%s (%s): %+v, %v", p.Number, p.Status, a, err)
	}
	for _, text := range []string{"", " \n ", "，。！？", "……——"} {
		if _, err := o.AdviseFiling(ctx, text, text); tian.ErrorCode(err) != tian.EINVALID || !strings.Contains(tian.ErrorMessage(err), "没有文字") {
			t.Errorf("%q: err = %v, want EINVALID", text, err)
		}
	}
	// the served model is the embedded file: its version is the digest of
	// the file, which it writes back byte for byte
	b, err := fs.ReadFile(models.FS(), models.FilingModel)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if v := o.Versions()["filing"]; v != "filing-"+hex.EncodeToString(sum[:6]) || a.Model != v {
		t.Errorf("serving %s (advice by %s), embedded file digest %x", v, a.Model, sum[:6])
	}
}

// TrainInto writes a filing model learnt from the store; an office whose
// data directory holds it serves it, and one holding a broken file
// refuses to advise rather than guess.
func TestTrainFilingIntoDataDir(t *testing.T) {
	slowtest.Gate(t)
	o, db, _ := newOffice(t)
	ctx := context.Background()
	dir := t.TempDir()
	var lines []string
	res, err := o.TrainInto(ctx, office.ModelDir(dir), office.TrainOptions{Filing: true, Progress: func(l string) { lines = append(lines, l) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Filing == nil || res.Category != nil || res.Router != nil || res.Filing.Rejected != 206 {
		t.Fatalf("trained %+v", res)
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, res.Filing.Version()) || !strings.Contains(last, "不予立案 206 件") {
		t.Errorf("progress %q", lines)
	}
	s, err := filingSeg()
	if err != nil {
		t.Fatal(err)
	}
	own := office.New(office.Config{DataDir: dir, Store: db, Segmenter: s})
	if err := own.LoadModels(ctx); err != nil {
		t.Fatal(err)
	}
	if v := own.Versions()["filing"]; v != res.Filing.Version() {
		t.Errorf("serving %s, trained %s", v, res.Filing.Version())
	}
	broken := t.TempDir()
	os.MkdirAll(office.ModelDir(broken), 0o700)
	var buf bytes.Buffer
	res.Filing.WriteTo(&buf)
	os.WriteFile(filepath.Join(office.ModelDir(broken), "filing.json"), buf.Bytes()[:buf.Len()/3], 0o600)
	bad := office.New(office.Config{DataDir: broken, Store: db, Segmenter: s})
	if _, err := bad.AdviseFiling(ctx, "关于加装电梯的提案", "建议加快老旧小区加装电梯。"); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("a truncated model: err = %v, want EINVALID", err)
	}
}

// statusless is a store whose proposals carry no decisions (as imported
// messages do); only what training asks of a store is answered.
type statusless struct{ office.Store }

func (statusless) Proposals(context.Context, tian.ProposalFilter) ([]*tian.Proposal, error) {
	ps, err := tian.ReadDemo()
	for _, p := range ps {
		p.Status, p.StatusReason = tian.StatusUnknown, ""
	}
	return ps, err
}
func (statusless) Feedbacks(context.Context) ([]tian.Feedback, error)  { return nil, nil }
func (statusless) Categories(context.Context) ([]tian.Category, error) { return nil, nil }
func (statusless) Units(context.Context) ([]tian.Unit, error)          { return nil, nil }

// With no decisions to learn from, training says so, writes no filing
// model and fails nothing (the office keeps the model it has).
func TestTrainFilingWithoutDecisions(t *testing.T) {
	dir := t.TempDir()
	o := office.New(office.Config{DataDir: dir, Store: statusless{}}) // no text is cut
	var lines []string
	res, err := o.TrainInto(context.Background(), office.ModelDir(dir), office.TrainOptions{Filing: true, Progress: func(l string) { lines = append(lines, l) }})
	if err != nil || res.Filing != nil {
		t.Fatalf("trained %+v, %v", res, err)
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "立案建议模型未训练") || !strings.Contains(last, "沿用现有模型") {
		t.Errorf("progress %q", lines)
	}
	if _, err := os.Stat(filepath.Join(office.ModelDir(dir), "filing.json")); !os.IsNotExist(err) {
		t.Errorf("a filing model was written: %v", err)
	}
}
