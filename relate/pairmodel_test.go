package relate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"tian"
	"tian/relate"
)

// nFeatures is the length of a pair's feature vector in this build.
const nFeatures = len(relate.PairSample{}.X)

// defaultModel is the embedded pair model, read afresh.
func defaultModel(t *testing.T) *relate.PairModel {
	t.Helper()
	m, err := relate.DefaultPairModel()
	if err != nil {
		t.Fatalf("the embedded pair model: %v", err)
	}
	return m
}

// feature is the position of a named feature in the model's vectors.
func feature(t *testing.T, m *relate.PairModel, name string) int {
	t.Helper()
	i := slices.Index(m.Features, name)
	if i < 0 {
		t.Fatalf("no feature %q in %v", name, m.Features)
	}
	return i
}

// modelJSON is the embedded model as a JSON object, changed by edit.
func modelJSON(t *testing.T, edit func(map[string]any)) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := defaultModel(t).WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(buf.Bytes(), &obj); err != nil {
		t.Fatal(err)
	}
	edit(obj)
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// A stored model this build cannot use is refused with EINVALID and a
// Chinese message saying what is wrong, never half read.
func TestReadPairModelRefusesForeignModels(t *testing.T) {
	drop := func(key string) func(map[string]any) {
		return func(o map[string]any) {
			s := o[key].([]any)
			o[key] = s[:len(s)-1]
		}
	}
	for _, c := range []struct {
		name  string
		json  string
		words string // in the message
	}{
		{"OtherFormat", modelJSON(t, func(o map[string]any) { o["format"] = 2 }), "格式 2"},
		{"NoFormat", modelJSON(t, func(o map[string]any) { delete(o, "format") }), "版本或特征"},
		{"RenamedFeature", modelJSON(t, func(o map[string]any) { o["features"].([]any)[2] = "body_bm25" }), "body_bm25"},
		{"SwappedFeatures", modelJSON(t, func(o map[string]any) {
			f := o["features"].([]any)
			f[1], f[2] = f[2], f[1]
		}), "第 2 个特征"},
		{"FeatureMissing", modelJSON(t, func(o map[string]any) { drop("features")(o); drop("weights")(o); drop("means")(o) }), "特征 10 个"},
		{"WeightMissing", modelJSON(t, drop("weights")), "版本或特征"},
		{"NoMeans", modelJSON(t, func(o map[string]any) { delete(o, "means") }), "版本或特征"},
		{"ThresholdZero", modelJSON(t, func(o map[string]any) { o["threshold"] = 0 }), "阈值"},
		{"ThresholdMissing", modelJSON(t, func(o map[string]any) { delete(o, "threshold") }), "阈值"},
		{"ThresholdOne", modelJSON(t, func(o map[string]any) { o["threshold"] = 1 }), "阈值"},
		{"ThresholdNegative", modelJSON(t, func(o map[string]any) { o["threshold"] = -0.4 }), "-0.4"},
		{"Truncated", modelJSON(t, func(map[string]any) {})[:200], "JSON"},
		{"NotJSON", "相似度模型：权重 3.5、14.8", "JSON"},
		{"WeightIsText", strings.Replace(modelJSON(t, func(map[string]any) {}), `"weights":[`, `"weights":["三",`, 1), "JSON"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := relate.ReadPairModel(strings.NewReader(c.json))
			if tian.ErrorCode(err) != tian.EINVALID || m != nil {
				t.Fatalf("model %v, err = %v; want EINVALID", m, err)
			}
			if msg := tian.ErrorMessage(err); !hasHan(msg) || !strings.Contains(msg, c.words) {
				t.Errorf("message %q does not say %q in Chinese", msg, c.words)
			}
		})
	}
}

// What Write stores, ReadPairModel reads back field for field, and the
// model keeps its name.
func TestPairModelWriteReadRoundTrip(t *testing.T) {
	fitted, err := relate.FitPairModel(separable(400, 1), 1)
	if err != nil {
		t.Fatal(err)
	}
	fitted.Threshold, fitted.MinSize, fitted.TrainedOn = 0.55, 3, "已确认的分组：2021、2022年"
	for name, m := range map[string]*relate.PairModel{"embedded": defaultModel(t), "fitted": fitted} {
		var buf bytes.Buffer
		if _, err := m.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		got, err := relate.ReadPairModel(&buf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("%s: read back\n%+v\nwrote\n%+v", name, got, m)
		}
		if got.Version() != m.Version() {
			t.Errorf("%s: version %s read back as %s", name, m.Version(), got.Version())
		}
	}
}

// sample is a judged pair of two made-up 2021 proposals with features x.
func sample(k int, x [nFeatures]float64, same bool) relate.PairSample {
	return relate.PairSample{A: fmt.Sprintf("2021%04d", 2*k%10000), B: fmt.Sprintf("2021%04d", (2*k+1)%10000), X: x, Same: same}
}

// separable are n judged pairs, one in eight belonging together, in which
// the body cosine (feature 2) separates the classes with some overlap,
// the character shingles (3) run against them (pairs that belong
// together share fewer characters), the category (6) is unknown for one
// pair in four, and the rest is noise.
func separable(n int, seed uint64) []relate.PairSample {
	r := rand.New(rand.NewPCG(seed, 13))
	out := make([]relate.PairSample, n)
	for k := range out {
		same := k%8 == 0
		var x [nFeatures]float64
		for i := range x {
			x[i] = r.Float64() * 0.2
		}
		if same {
			x[2] = 0.3 + 0.5*r.Float64()
			x[3] = 0.1 * r.Float64()
		} else {
			x[2] = 0.4 * r.Float64()
			x[3] = 0.2 + 0.6*r.Float64()
		}
		x[6] = float64(r.IntN(2))
		if r.IntN(4) == 0 {
			x[6] = math.NaN()
		}
		out[k] = sample(k, x, same)
	}
	return out
}

// Fitting needs pairs of both kinds; with fewer than five of either it
// says so in Chinese rather than learn from nothing.
func TestFitPairModelNeedsBothClasses(t *testing.T) {
	all := separable(400, 2)
	var pos, neg []relate.PairSample
	for _, s := range all {
		if s.Same {
			pos = append(pos, s)
		} else {
			neg = append(neg, s)
		}
	}
	for _, c := range []struct {
		name    string
		samples []relate.PairSample
		ok      bool
	}{
		{"FourTogether", append(slices.Clone(pos[:4]), neg...), false},
		{"FourApart", append(slices.Clone(pos), neg[:4]...), false},
		{"NoneTogether", neg, false},
		{"Nothing", nil, false},
		{"FiveOfEach", append(slices.Clone(pos[:5]), neg[:5]...), true},
	} {
		m, err := relate.FitPairModel(c.samples, 1)
		if c.ok {
			if err != nil || m == nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if tian.ErrorCode(err) != tian.EINVALID || m != nil {
			t.Errorf("%s: model %v, err = %v; want EINVALID", c.name, m, err)
		} else if msg := tian.ErrorMessage(err); !strings.Contains(msg, "太少") {
			t.Errorf("%s: message %q", c.name, msg)
		}
	}
}

// On pairs where the body cosine separates the classes, it gets a
// positive weight; the shingles, which run against the classes, would
// get a negative one and are left out instead (weight 0): more agreement
// must never make a pair less alike.
func TestFitPairModelIsMonotone(t *testing.T) {
	samples := separable(800, 3)
	m, err := relate.FitPairModel(samples, 1)
	if err != nil {
		t.Fatal(err)
	}
	body, shingle := feature(t, m, "body"), feature(t, m, "shingle")
	if body != 2 || shingle != 3 {
		t.Fatalf("features %v: the samples put body at 2 and shingle at 3", m.Features)
	}
	for i, w := range m.Weights {
		if w < 0 || math.IsNaN(w) {
			t.Errorf("weight of %s = %v, want ≥ 0", m.Features[i], w)
		}
	}
	if m.Weights[body] <= 0 {
		t.Errorf("the separating feature body has weight %v: %v", m.Weights[body], m.Weights)
	}
	if m.Weights[shingle] != 0 {
		t.Errorf("the anti-correlated feature shingle has weight %v, want 0 (left out)", m.Weights[shingle])
	}
	if m.Pairs != len(samples) || m.Positives != len(samples)/8 || m.Threshold <= 0 || m.Threshold >= 1 {
		t.Errorf("pairs %d, positives %d, threshold %v", m.Pairs, m.Positives, m.Threshold)
	}
	// and the weights rank the pairs: most pairs that belong together
	// score above most that do not
	var hit, pos float64
	for _, s := range samples {
		if s.Same {
			pos++
			if m.Prob(s.X) > 0.5 {
				hit++
			}
		}
	}
	if hit/pos < 0.8 {
		t.Errorf("only %.0f of %.0f pairs that belong together score above 0.5", hit, pos)
	}

	// with the body cosine the only other feature, the shingles still get
	// none (unconstrained, their weight would be negative)
	only := slices.Clone(samples)
	for k := range only {
		for i := range only[k].X {
			if i != shingle && i != body {
				only[k].X[i] = 0
			}
		}
	}
	m2, err := relate.FitPairModel(only, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Weights[shingle] != 0 || m2.Weights[body] <= 0 {
		t.Errorf("body and shingle alone: weights %v", m2.Weights)
	}
}

// An unknown feature (a free text's category) counts as the training
// pairs' mean of the known values, both in the fit and in Prob.
func TestPairModelWeighsUnknownAtItsMean(t *testing.T) {
	samples := separable(800, 4)
	m, err := relate.FitPairModel(samples, 1)
	if err != nil {
		t.Fatal(err)
	}
	cat := feature(t, m, "category")
	var sum, n float64
	for _, s := range samples {
		if !math.IsNaN(s.X[cat]) {
			sum += s.X[cat]
			n++
		}
	}
	if n == float64(len(samples)) {
		t.Fatal("the samples have no unknown category")
	}
	if math.Abs(m.Means[cat]-sum/n) > 1e-6 {
		t.Errorf("mean of category %v, want %v (the known values')", m.Means[cat], sum/n)
	}
	for _, mod := range []*relate.PairModel{m, defaultModel(t)} {
		for _, name := range []string{"category", "units"} {
			i := feature(t, mod, name)
			x := samples[1].X
			x[i] = math.NaN()
			got := mod.Prob(x)
			x[i] = mod.Means[i]
			if want := mod.Prob(x); got != want || math.IsNaN(got) {
				t.Errorf("%s unknown: Prob %v, at its mean %v", name, got, want)
			}
		}
	}
}

// More agreement on any feature never lowers the probability, from any
// pair of the corpus; it raises it for every feature the model weighs.
func TestPairModelProbIsMonotone(t *testing.T) {
	samples := demoPairs(t, 2021)
	fitted, err := relate.FitPairModel(samples, 1)
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]*relate.PairModel{"embedded": defaultModel(t), "fitted on 2021": fitted} {
		for k := 0; k < len(samples); k += 37 {
			base := samples[k].X
			p0 := m.Prob(base)
			for i := range base {
				x := base
				if math.IsNaN(x[i]) {
					x[i] = m.Means[i]
				}
				x[i] += 0.25
				p := m.Prob(x)
				if p < p0 || m.Weights[i] > 0 && p0 < 0.99 && p <= p0 {
					t.Errorf("%s: %s–%s: %s %v → +0.25 moves Prob %v → %v (weight %v)",
						name, samples[k].A, samples[k].B, m.Features[i], base[i], p0, p, m.Weights[i])
				}
			}
		}
	}
}

// demoPairs are the judged pairs of the demo gold's years, as the demo
// corpus's index retrieves them.
func demoPairs(t *testing.T, years ...int) []relate.PairSample {
	t.Helper()
	rel := demo(t).bleve.Relations()
	samples, err := rel.PairSamples(context.Background(), readGold(t).Confirmed(years...), relate.GroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) < 500 {
		t.Fatalf("only %d judged pairs in %v", len(samples), years)
	}
	return samples
}

// Fitting the same pairs in another order stores the same model, digit
// for digit: retraining on unchanged data must not change its name, or
// the tuned threshold would be dropped for nothing.
func TestFitPairModelIgnoresSampleOrder(t *testing.T) {
	for name, samples := range map[string][]relate.PairSample{"synthetic": separable(600, 5), "2021 gold": demoPairs(t, 2021)} {
		a, err := relate.FitPairModel(samples, 1)
		if err != nil {
			t.Fatal(err)
		}
		shuffled := slices.Clone(samples)
		r := rand.New(rand.NewPCG(7, 7))
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		b, err := relate.FitPairModel(shuffled, 1)
		if err != nil {
			t.Fatal(err)
		}
		if a.Version() != b.Version() || !reflect.DeepEqual(a, b) {
			t.Errorf("%s: in order %s %v %v; shuffled %s %v %v", name, a.Version(), a.Weights, a.Bias, b.Version(), b.Weights, b.Bias)
		}
	}
}

// The embedded model reads, is monotone, measures this build's features
// and keeps one name however often it is read; the name follows the
// weights, not the threshold or the provenance.
func TestDefaultPairModel(t *testing.T) {
	m := defaultModel(t)
	if len(m.Features) != nFeatures || m.Features[0] != "cosine" {
		t.Errorf("features %v", m.Features)
	}
	for i, w := range m.Weights {
		if w < 0 {
			t.Errorf("weight of %s = %v", m.Features[i], w)
		}
	}
	if m.MinSize < 2 || m.Positives <= 0 || m.Pairs <= m.Positives || !strings.Contains(m.TrainedOn, "2021、2022年") {
		t.Errorf("min size %d, pairs %d (%d together), trained on %q", m.MinSize, m.Pairs, m.Positives, m.TrainedOn)
	}
	v := m.Version()
	if !regexp.MustCompile(`^pairs-[0-9a-f]{8}$`).MatchString(v) {
		t.Errorf("version %q", v)
	}
	if again := defaultModel(t).Version(); again != v {
		t.Errorf("read again: %s, first %s", again, v)
	}
	m.Threshold, m.TrainedOn, m.MinSize = 0.35, "别的说明", 2
	if m.Version() != v {
		t.Errorf("the threshold and provenance changed the name: %s → %s", v, m.Version())
	}
	m.Weights[feature(t, m, "body")] += 0.5
	if m.Version() == v {
		t.Errorf("other weights keep the name %s", v)
	}
}

// The Service names the similarity it groups with, and with it the
// threshold and the grid a threshold is learnt on: the embedded model's
// until another is set, none for the fixed blend.
func TestServiceScaleFollowsTheModel(t *testing.T) {
	seg := segmenter(t)
	s := relate.New(newFakeEngine(seg), newMemStore(nil), seg)
	def := defaultModel(t)
	if s.Scale() != def.Version() || s.DefaultThreshold() != def.Threshold || !slices.Equal(s.ThresholdGrid(), relate.PairGrid()) {
		t.Errorf("at the start: scale %q at %v; embedded %s at %v", s.Scale(), s.DefaultThreshold(), def.Version(), def.Threshold)
	}
	fitted, err := relate.FitPairModel(separable(400, 6), 1)
	if err != nil {
		t.Fatal(err)
	}
	fitted.Threshold = 0.45
	s.SetPairModel(fitted)
	if s.PairModel() != fitted || s.Scale() != fitted.Version() || s.DefaultThreshold() != 0.45 {
		t.Errorf("a fitted model: scale %q at %v, want %s at 0.45", s.Scale(), s.DefaultThreshold(), fitted.Version())
	}
	ctx := context.Background()
	tuned, err := s.TuneThreshold(ctx, nil, 0.45, nil, relate.GroupOptions{})
	if err != nil || tuned.Scale != fitted.Version() || tuned.Threshold != 0.45 {
		t.Errorf("tuning with no confirmed year: %+v, %v", tuned, err)
	}
	tuned, err = s.TuneThreshold(ctx, nil, 0.45, nil, relate.GroupOptions{Model: def})
	if err != nil || tuned.Scale != def.Version() {
		t.Errorf("tuning another model's threshold: %+v, %v", tuned, err)
	}
	s.SetPairModel(nil)
	if s.PairModel() != nil || s.Scale() != "" || s.DefaultThreshold() != relate.DefaultThreshold || !slices.Equal(s.ThresholdGrid(), relate.ThresholdGrid()) {
		t.Errorf("the fixed blend: scale %q at %v", s.Scale(), s.DefaultThreshold())
	}
}
