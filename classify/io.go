package classify

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"tian"
)

// The saved form: gzip of a header line naming the kind and format
// version, a JSON line with everything but the weights, then each
// member's weights and biases, little-endian, member after member. Equal
// models give equal bytes. Format 1 (one member) and 2 (an ensemble) keep
// the weights as float32; format 3 (either) keeps each member's weights
// as int16 steps of a float64 scale (the largest weight is 32767 steps),
// half the size, and the biases as float32. Formats 1 and 2 are still
// read.
const (
	categoryMagic   = "tian-category-model"
	formatVersion   = 1
	ensembleFormat  = 2
	quantisedFormat = 3
)

// format is the version of m's saved form.
func (m *Model) format() int { return quantisedFormat }

type modelHeader struct {
	Model *Model    `json:"model"`
	K     int       `json:"k"`
	D     int       `json:"d"`
	Terms []string  `json:"terms"`
	IDF   []float32 `json:"idf"`
}

// seal rounds the weights to what the saved form keeps, so that a model
// in memory and one loaded from disk answer the same, and computes the
// version from the saved bytes.
func (m *Model) seal() error {
	for _, lin := range m.lins {
		if lin.scale == 0 { // trained, not yet quantised
			r := quantise(lin.w)
			r.weights(lin.w)
			lin.scale = r.Scale
		}
		for i, b := range lin.b {
			lin.b[i] = float64(float32(b))
		}
	}
	var buf bytes.Buffer
	if err := m.write(&buf); err != nil {
		return err
	}
	sum := sha256.Sum256(buf.Bytes())
	m.version = "category-" + hex.EncodeToString(sum[:6])
	return nil
}

// WriteTo saves the model.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	zw, err := gzip.NewWriterLevel(cw, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	if err := m.write(zw); err != nil {
		return cw.n, err
	}
	err = zw.Close()
	return cw.n, err
}

func (m *Model) write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s %d\n", categoryMagic, m.format())
	h := modelHeader{Model: m, K: m.lins[0].k, D: m.lins[0].d, Terms: m.vocab.terms, IDF: m.vocab.idf}
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(h); err != nil {
		return err
	}
	var b [8]byte
	for _, lin := range m.lins {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(lin.scale))
		bw.Write(b[:])
		for _, w := range lin.w {
			binary.LittleEndian.PutUint16(b[:2], uint16(int16(math.Round(w/lin.scale))))
			bw.Write(b[:2])
		}
		for _, x := range lin.b {
			binary.LittleEndian.PutUint32(b[:4], math.Float32bits(float32(x)))
			bw.Write(b[:4])
		}
	}
	return bw.Flush()
}

// ReadModel loads a model saved by WriteTo; seg is the segmenter it will
// cut text with. A file of another kind or format version is EINVALID.
func ReadModel(r io.Reader, seg tian.Segmenter) (*Model, error) {
	bad := func(format string, args ...any) error {
		return &tian.Error{Code: tian.EINVALID, Op: "classify.ReadModel", Message: fmt.Sprintf(format, args...)}
	}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, bad("不是 tian 的模型文件（%v）", err)
	}
	br := bufio.NewReader(zr)
	line, err := br.ReadString('\n')
	var kind string
	var version int
	if _, err2 := fmt.Sscanf(line, "%s %d", &kind, &version); err != nil || err2 != nil || kind != categoryMagic {
		return nil, bad("不是 tian 的类别模型")
	}
	if version < formatVersion || version > quantisedFormat {
		return nil, bad("模型格式为第 %d 版，本程序读取第 %d 至 %d 版：请用 tian train 重新训练", version, formatVersion, quantisedFormat)
	}
	js, err := br.ReadBytes('\n')
	if err != nil {
		return nil, bad("模型文件不完整（%v）", err)
	}
	var h modelHeader
	if err := json.Unmarshal(js, &h); err != nil || h.Model == nil {
		return nil, bad("模型文件头已损坏（%v）", err)
	}
	if h.K != len(h.Model.Labels) || h.D != len(h.Terms) || len(h.IDF) != h.D || h.K < 2 || h.D > 50_000_000 {
		return nil, bad("模型文件头前后不一致")
	}
	m := h.Model
	n := len(members(m.Config))
	if n > 1 && len(m.MemberTemperatures) != n || version < quantisedFormat && (n > 1) != (version == ensembleFormat) {
		return nil, bad("模型文件头前后不一致")
	}
	if len(m.Top) != 0 && (len(m.Top) != 2 || !(m.Top[0] >= 0) || math.IsInf(m.Top[0], 0) || math.IsNaN(m.Top[1]) || math.IsInf(m.Top[1], 0)) {
		return nil, bad("模型的概率校准参数无效：%v", m.Top)
	}
	for range n {
		lin := &linear{k: h.K, d: h.D, w: make([]float64, h.K*h.D), b: make([]float64, h.K)}
		var err error
		if version == quantisedFormat {
			err = readQuantised(br, lin)
		} else {
			err = readFloat32(br, lin.w, lin.b)
		}
		if err != nil {
			return nil, bad("%s", err.Error())
		}
		m.lins = append(m.lins, lin)
	}
	m.vocab = &vocab{terms: h.Terms, idf: h.IDF, index: make(map[string]int32, len(h.Terms)), byView: m.Config.Features.ByView}
	for i, t := range h.Terms {
		m.vocab.index[t] = int32(i)
	}
	m.ex = extractor{seg: seg, cfg: m.Config.Features}
	if err := m.seal(); err != nil {
		return nil, err
	}
	return m, nil
}

// readQuantised reads a member's weights of format 3.
func readQuantised(r io.Reader, lin *linear) error {
	var b [8]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return errors.New("模型权重不完整")
	}
	lin.scale = math.Float64frombits(binary.LittleEndian.Uint64(b[:]))
	if !(lin.scale > 0) || math.IsInf(lin.scale, 0) {
		return fmt.Errorf("模型权重的刻度无效：%v", lin.scale)
	}
	for i := range lin.w {
		if _, err := io.ReadFull(r, b[:2]); err != nil {
			return errors.New("模型权重不完整")
		}
		lin.w[i] = float64(int16(binary.LittleEndian.Uint16(b[:2]))) * lin.scale
	}
	return readFloat32(r, lin.b)
}

// readFloat32 reads little-endian float32s into each slice in turn.
func readFloat32(r io.Reader, xss ...[]float64) error {
	var b [4]byte
	for _, xs := range xss {
		for i := range xs {
			if _, err := io.ReadFull(r, b[:]); err != nil {
				return errors.New("模型权重不完整")
			}
			xs[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[:])))
		}
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
