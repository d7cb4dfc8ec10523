package relate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"slices"
	"strings"

	"tian"
	"tian/internal/newton"
	"tian/models"
)

// PairModel is the learned similarity of two proposals: a logistic model
// over the pair features, fitted on pairs the office has judged — the
// groups it confirmed for joint consultation, the proposals it merged
// (并案) — so that its score is the probability that staff would put the
// two together. Threshold is the probability grouping joins at.
type PairModel struct {
	Format   int       `json:"format"`
	Features []string  `json:"features"`
	Weights  []float64 `json:"weights"`
	Bias     float64   `json:"bias"`
	// Means are the features' means over the training pairs, weighed in
	// for a value unknown (a free text's category and units).
	Means     []float64 `json:"means"`
	Threshold float64   `json:"threshold"`
	// MinSize is the smallest group staff confirmed: smaller clusters
	// are left ungrouped.
	MinSize int `json:"min_size"`
	// Provenance, for people: what the weights were fitted on.
	TrainedOn string `json:"trained_on"`
	Pairs     int    `json:"pairs"`
	Positives int    `json:"positives"`
}

const pairModelVersion = 1

// Prob is the model's probability that the pair belongs together.
func (m *PairModel) Prob(f [nFeatures]float64) float64 {
	z := m.Bias
	for i, w := range m.Weights {
		v := f[i]
		if math.IsNaN(v) {
			v = m.Means[i]
		}
		z += w * v
	}
	return 1 / (1 + math.Exp(-z))
}

// ReadPairModel reads a stored model, checking that its features are the
// ones this build measures.
func ReadPairModel(r io.Reader) (*PairModel, error) {
	var m PairModel
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		return nil, tian.Errorf(tian.EINVALID, "相似度模型不是有效的 JSON（%v）", err)
	}
	if m.Format != pairModelVersion || len(m.Features) != nFeatures || len(m.Weights) != nFeatures || len(m.Means) != nFeatures {
		return nil, tian.Errorf(tian.EINVALID, "相似度模型的版本或特征与本程序不符（格式 %d，特征 %d 个）", m.Format, len(m.Features))
	}
	for i, name := range m.Features {
		if name != featureNames[i] {
			return nil, tian.Errorf(tian.EINVALID, "相似度模型的第 %d 个特征是 %q，本程序为 %q", i+1, name, featureNames[i])
		}
	}
	if m.Threshold <= 0 || m.Threshold >= 1 {
		return nil, tian.Errorf(tian.EINVALID, "相似度模型的分组阈值须在 (0,1) 之间，收到 %g", m.Threshold)
	}
	return &m, nil
}

// Version names the model by its weights: "pairs-" and 8 hex digits.
// A grouping threshold learnt on one model's scale is only valid with it.
func (m *PairModel) Version() string {
	h := sha256.New()
	fmt.Fprintf(h, "%v %v %v", m.Weights, m.Bias, m.Features)
	return "pairs-" + hex.EncodeToString(h.Sum(nil))[:8]
}

// DefaultPairModel reads the model embedded in the binary
// (models/trained/pairs.json), fitted on the demo corpus's 2021–2022
// groups.
func DefaultPairModel() (*PairModel, error) {
	f, err := models.FS().Open(models.PairModel)
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "relate.DefaultPairModel", Err: err}
	}
	defer f.Close()
	return ReadPairModel(f)
}

// ReadPairModelFS reads a model from a file system.
func ReadPairModelFS(fsys fs.FS, name string) (*PairModel, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadPairModel(f)
}

// PairGrid are the probability thresholds grouping with a model is
// tuned over: 0.30 to 0.95 by 0.05.
func PairGrid() []float64 {
	var out []float64
	for k := 30; k <= 95; k += 5 {
		out = append(out, float64(k)/100)
	}
	return out
}

// TrainPairModel learns the pair model from the years staff confirmed:
// the weights from their pairs (PairSamples), then the threshold at which
// grouping those years best reproduces them (ScoreThresholds over
// PairGrid), and the smallest group they confirmed. EINVALID when the
// years hold too few judged pairs.
func (s *Service) TrainPairModel(ctx context.Context, confirmed []tian.YearGroups) (*PairModel, error) {
	minSize := 0
	var years []string
	for _, y := range confirmed {
		years = append(years, fmt.Sprint(y.Year))
		for _, g := range y.Groups {
			if n := len(g.Members); n >= 2 && (minSize == 0 || n < minSize) {
				minSize = n
			}
		}
	}
	opt := GroupOptions{}
	samples, err := s.PairSamples(ctx, confirmed, opt)
	if err != nil {
		return nil, err
	}
	m, err := FitPairModel(samples, pairL2)
	if err != nil {
		return nil, err
	}
	m.MinSize = max(2, min(minSize, 3))
	opt.Model, opt.MinSize = m, m.MinSize
	scores, err := s.ScoreThresholds(ctx, confirmed, PairGrid(), opt)
	if err != nil {
		return nil, err
	}
	best := BestThreshold(scores)
	m.Threshold = best.Threshold
	slices.Sort(years)
	m.TrainedOn = fmt.Sprintf("已确认的分组：%s年（%d 对提案，同组 %d 对；分组 F1 %.3f）", strings.Join(years, "、"), m.Pairs, m.Positives, best.F1)
	return m, nil
}

// pairL2 is the penalty of the fit, chosen on the 2021–2022 gold.
const pairL2 = 1

// WriteTo stores the model as JSON (io.WriterTo, as the other models).
func (m *PairModel) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return 0, err
	}
	n, err := w.Write(buf.Bytes())
	return int64(n), err
}

// PairSample is one judged pair: its features and whether the office put
// the two together.
type PairSample struct {
	A, B string // the proposals' numbers
	X    [nFeatures]float64
	Same bool
}

// FitPairModel fits the logistic model to judged pairs by Newton's method
// (iteratively reweighted least squares) with an L2 penalty on the
// standardised features, keeping every weight at least 0; with a dozen
// features a few thousand pairs fit in milliseconds. Positives are
// weighted so that both classes count equally: pairs that belong together
// are a few percent of the candidates.
func FitPairModel(samples []PairSample, l2 float64) (*PairModel, error) {
	var pos int
	for _, s := range samples {
		if s.Same {
			pos++
		}
	}
	if pos < 5 || len(samples)-pos < 5 {
		return nil, tian.Errorf(tian.EINVALID, "判定过的提案对太少，无法学习相似度（同组 %d 对，不同组 %d 对，各需至少 5 对）", pos, len(samples)-pos)
	}
	wPos := float64(len(samples)-pos) / float64(pos)
	// the fit runs on standardised features, so that the penalty weighs
	// each feature alike whatever its range; the weights are mapped back
	var mean, sd, known [nFeatures]float64
	for _, s := range samples {
		for i, v := range s.X {
			if !math.IsNaN(v) {
				mean[i] += v
				known[i]++
			}
		}
	}
	for i := range mean {
		mean[i] /= max(known[i], 1)
	}
	samples = slices.Clone(samples)
	for k := range samples { // an unknown value counts as the mean
		for i, v := range samples[k].X {
			if math.IsNaN(v) {
				samples[k].X[i] = mean[i]
			}
		}
	}
	for _, s := range samples {
		for i, v := range s.X {
			sd[i] += (v - mean[i]) * (v - mean[i]) / float64(len(samples))
		}
	}
	for i := range sd {
		if sd[i] = math.Sqrt(sd[i]); sd[i] == 0 {
			sd[i] = 1 // a constant feature: its weight stays 0
		}
	}
	// every feature measures agreement, so more of it must never make a
	// pair less alike: a feature whose weight comes out negative (in the
	// company of others it overlaps) is left out and the rest refitted,
	// until every weight is at least 0. Without this, two identical texts
	// would score lower than two merely related ones.
	var active [nFeatures]bool
	for i := range active {
		active[i] = true
	}
	var beta []float64
	for {
		var ok bool
		if beta, ok = newtonFit(samples, mean, sd, active, wPos, l2); !ok {
			return nil, tian.Errorf(tian.EINTERNAL, "相似度模型无法拟合：特征线性相关")
		}
		worst := -1
		for i := range nFeatures {
			if active[i] && beta[i] < 0 && (worst < 0 || beta[i] < beta[worst]) {
				worst = i
			}
		}
		if worst < 0 {
			break
		}
		active[worst] = false
	}
	for i := range nFeatures { // back to the features' own scale
		beta[i] /= sd[i]
		beta[nFeatures] -= beta[i] * mean[i]
	}
	// six decimals: features sum over maps, whose order varies from run
	// to run in the last digits, and a stored model should not
	for i := range beta {
		beta[i] = math.Round(beta[i]*1e6) / 1e6
	}
	means := make([]float64, nFeatures)
	for i := range means {
		means[i] = math.Round(mean[i]*1e6) / 1e6
	}
	m := &PairModel{Format: pairModelVersion, Features: featureNames[:], Weights: beta[:nFeatures], Bias: beta[nFeatures], Means: means,
		Threshold: 0.5, Pairs: len(samples), Positives: pos}
	return m, nil
}

// newtonFit fits the logistic model on the standardised features that are
// active (the others count 0), by Newton's method with an L2 penalty on
// all but the bias (last).
func newtonFit(samples []PairSample, mean, sd [nFeatures]float64, active [nFeatures]bool, wPos, l2 float64) ([]float64, bool) {
	const d = nFeatures + 1
	xs := make([][d]float64, len(samples))
	for n, s := range samples {
		xs[n] = s.x()
		for i := range nFeatures {
			xs[n][i] = (xs[n][i] - mean[i]) / sd[i]
			if !active[i] {
				xs[n][i] = 0
			}
		}
	}
	return newton.Maximize(newton.Ridge(d, l2, nFeatures), func(beta, grad []float64, hess [][]float64) (ll float64) {
		for n, s := range samples {
			x := xs[n]
			z := 0.0
			for i := range d {
				z += beta[i] * x[i]
			}
			p := 1 / (1 + math.Exp(-z))
			y, w := 0.0, 1.0
			if s.Same {
				y, w = 1, wPos
			}
			ll += w * (y*math.Log(max(p, 1e-300)) + (1-y)*math.Log(max(1-p, 1e-300)))
			for i := range d {
				grad[i] += w * (y - p) * x[i]
				for j := range d {
					hess[i][j] += w * p * (1 - p) * x[i] * x[j]
				}
			}
		}
		return ll
	})
}

func (s PairSample) x() [nFeatures + 1]float64 {
	var x [nFeatures + 1]float64
	copy(x[:], s.X[:])
	x[nFeatures] = 1
	return x
}
