package office_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"tian"
	"tian/classify"
	"tian/models"
	"tian/office"
	"tian/segment"
)

// filingSeg is a segmenter for offices the tests make beside the shared one.
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
	f, err := models.FS().Open(models.FilingModel)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := filingSeg()
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := classify.ReadFilingModel(f, s)
	if err != nil {
		t.Fatalf("the embedded filing model does not load: %v", err)
	}
	if v := o.Versions()["filing"]; v != embedded.Version() || a.Model != v {
		t.Errorf("serving %s (advice by %s), embedded %s", v, a.Model, embedded.Version())
	}
}

// TrainInto writes a filing model learnt from the store; an office whose
// data directory holds it serves it, and one holding a broken file
// refuses to advise rather than guess.
func TestTrainFilingIntoDataDir(t *testing.T) {
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
