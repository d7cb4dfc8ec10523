package classify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"

	"tian"
)

// The filing model's saved form is one JSON document: the model's
// settings and findings, its vocabulary, and its weights quantised to
// 16-bit integers with a scale per row. Equal models give equal bytes.
const (
	filingKind   = "tian-filing-model"
	filingFormat = 2 // 2: the reason model's settings and the evidence words
)

type filingFile struct {
	Kind   string       `json:"kind"`
	Format int          `json:"format"`
	Model  *FilingModel `json:"model"`
	Terms  []string     `json:"terms"`
	IDF    []float32    `json:"idf"`
	// Filing are the weights towards not filing (over Terms, then the
	// shapes), Reason those of each reason class.
	// Cues are the indexes of the Terms that may be evidence.
	Cues       []int32    `json:"cues"`
	Filing     quantRow   `json:"filing"`
	FilingBias float64    `json:"filing_bias"`
	Reason     []quantRow `json:"reason"`
	ReasonBias []float64  `json:"reason_bias"`
}

// quantRow is a weight row as integers: w[i] = Q[i]·Scale.
type quantRow struct {
	Scale float64 `json:"scale"`
	Q     []int16 `json:"q"`
}

func quantise(w []float64) quantRow {
	var mx float64
	for _, x := range w {
		mx = math.Max(mx, math.Abs(x))
	}
	r := quantRow{Scale: 1, Q: make([]int16, len(w))}
	if mx > 0 {
		r.Scale = mx / math.MaxInt16
	}
	for i, x := range w {
		r.Q[i] = int16(math.Round(x / r.Scale))
	}
	return r
}

func (r quantRow) weights(dst []float64) {
	for i, q := range r.Q {
		dst[i] = float64(q) * r.Scale
	}
}

// file is the saved form of the model.
func (m *FilingModel) file() filingFile {
	d := m.filing.d
	diff := make([]float64, d)
	for i := range diff {
		diff[i] = m.filing.w[d+i] - m.filing.w[i]
	}
	f := filingFile{Kind: filingKind, Format: filingFormat, Model: m, Terms: m.vocab.terms, IDF: m.vocab.idf,
		Cues: []int32{}, Filing: quantise(diff), FilingBias: float64(float32(m.filing.b[1] - m.filing.b[0])), Reason: []quantRow{}, ReasonBias: []float64{}}
	for j, ok := range m.cue {
		if ok {
			f.Cues = append(f.Cues, int32(j))
		}
	}
	if m.reason != nil {
		for c := range m.reason.k {
			f.Reason = append(f.Reason, quantise(m.reason.w[c*d:(c+1)*d]))
			f.ReasonBias = append(f.ReasonBias, float64(float32(m.reason.b[c])))
		}
	}
	return f
}

// load sets the weights from a saved form.
func (m *FilingModel) load(f filingFile) {
	d := len(f.Filing.Q)
	m.filing = &linear{k: 2, d: d, w: make([]float64, 2*d), b: []float64{0, f.FilingBias}}
	f.Filing.weights(m.filing.w[d:])
	m.reason = nil
	if len(f.Reason) > 0 {
		m.reason = &linear{k: len(f.Reason), d: d, w: make([]float64, len(f.Reason)*d), b: append([]float64(nil), f.ReasonBias...)}
		for c, r := range f.Reason {
			r.weights(m.reason.w[c*d : (c+1)*d])
		}
	}
}

// seal rounds the weights to what the saved form keeps, so that a model
// in memory and one loaded answer the same, and computes the version.
func (m *FilingModel) seal() error {
	m.load(m.file())
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return err
	}
	sum := sha256.Sum256(buf.Bytes())
	m.version = "filing-" + hex.EncodeToString(sum[:6])
	return nil
}

// WriteTo saves the model as JSON.
func (m *FilingModel) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m.file()); err != nil {
		return 0, err
	}
	n, err := w.Write(buf.Bytes())
	return int64(n), err
}

// ReadFilingModel loads a model saved by WriteTo; seg is the segmenter it
// will cut text with. A file of another kind or format version, or one
// whose parts disagree, is EINVALID.
func ReadFilingModel(r io.Reader, seg tian.Segmenter) (*FilingModel, error) {
	var f filingFile
	if err := json.NewDecoder(r).Decode(&f); err != nil || f.Kind != filingKind || f.Model == nil {
		return nil, tian.Errorf(tian.EINVALID, "不是 tian 的立案建议模型")
	}
	if f.Format != filingFormat {
		return nil, tian.Errorf(tian.EINVALID, "立案建议模型格式为第 %d 版，本程序读取第 %d 版：请用 tian train 重新训练", f.Format, filingFormat)
	}
	m := f.Model
	if !m.consistent(f) {
		return nil, tian.Errorf(tian.EINVALID, "立案建议模型前后不一致（或由另一版本的程序训练）：请用 tian train 重新训练")
	}
	m.vocab = &vocab{terms: f.Terms, idf: f.IDF, index: make(map[string]int32, len(f.Terms))}
	for i, t := range f.Terms {
		m.vocab.index[t] = int32(i)
	}
	m.cue = make([]bool, len(f.Terms))
	for _, j := range f.Cues {
		m.cue[j] = true
	}
	m.ex = extractor{seg: seg, cfg: m.Config.Features}
	m.load(f)
	if err := m.seal(); err != nil {
		return nil, err
	}
	return m, nil
}

// consistent checks that a saved form's parts agree with each other and
// with this program's text shapes.
func (m *FilingModel) consistent(f filingFile) bool {
	d := len(f.Terms) + len(shapes)
	if len(f.IDF) != len(f.Terms) || len(f.Filing.Q) != d || len(m.Shapes) != len(shapes) || len(m.Reasons) == 0 {
		return false
	}
	for i, s := range shapes {
		if m.Shapes[i].Name != s.name {
			return false
		}
	}
	if len(f.Reason) != len(f.ReasonBias) || len(f.Reason) != 0 && len(f.Reason) != len(m.Reasons) {
		return false
	}
	for i, j := range f.Cues {
		if j < 0 || int(j) >= len(f.Terms) || i > 0 && f.Cues[i-1] >= j {
			return false
		}
	}
	for _, r := range f.Reason {
		if len(r.Q) != d {
			return false
		}
	}
	return true
}
