package classify_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"strings"
	"testing"

	"tian"
	"tian/classify"
	"tian/internal/slowtest"
)

// Each learner the selection chooses among, alone and averaged, learns the
// corpus's categories: trained on 2021–2022, tested on 2023.
func TestLearnersOnCorpus(t *testing.T) {
	slowtest.Gate(t) // every learner trained on the corpus
	ps, docs := corpusDocs(t)
	var train, test []classify.Doc
	for i, p := range ps {
		switch p.Year {
		case 2021, 2022:
			train = append(train, docs[i])
		case 2023:
			test = append(test, docs[i])
		}
	}
	svm := classify.Member{Loss: "svm"}
	for name, members := range map[string][]classify.Member{
		"svm":         {svm},
		"naive Bayes": {{Loss: "bayes"}},
		"svm + bayes": {svm, {Loss: "bayes"}},
	} {
		cfg := classify.DefaultCategoryConfig()
		cfg.Select, cfg.Members, cfg.HoldOut, cfg.Features.MinDF = nil, members, 0, 2
		if len(members) > 1 {
			cfg.HoldOut = 0.2 // the members' temperatures come from the held-out part
		}
		m, err := classify.Train(seg(t), train, cfg)
		if err != nil {
			t.Fatal(err)
		}
		r := classify.Evaluate(m, test)
		t.Logf("%s: macro-F1 %.3f, accuracy %.3f", name, r.MacroF1, r.Accuracy)
		if r.MacroF1 < 0.7 {
			t.Errorf("%s: macro-F1 %.3f on 2023", name, r.MacroF1)
		}
		if len(members) > 1 && len(m.MemberTemperatures) != len(members) {
			t.Errorf("%s: member temperatures %v", name, m.MemberTemperatures)
		}
	}
}

// An ensemble saves and loads to the same answers; a file whose format
// does not match its members is refused.
func TestEnsembleSaveLoad(t *testing.T) {
	_, docs := corpusDocs(t)
	cfg := classify.DefaultCategoryConfig()
	cfg.Select, cfg.Features.MinDF = nil, 2
	m, err := classify.Train(seg(t), docs[:150], cfg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	loaded, err := classify.ReadModel(bytes.NewReader(buf.Bytes()), seg(t))
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Version() != m.Version() {
		t.Errorf("version %s after loading, %s before", loaded.Version(), m.Version())
	}
	title, body := "关于加快发展社区嵌入式养老服务的提案", "城东区近四成社区没有养老服务站点，建议利用闲置用房建设嵌入式养老服务设施。"
	a, b := m.Probabilities(title, body), loaded.Probabilities(title, body)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("probabilities differ after loading: %v vs %v", a, b)
		}
	}
	zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	head, rest, _ := strings.Cut(string(plain), "\n")
	if head != "tian-category-model 3" {
		t.Fatalf("an ensemble's header is %q", head)
	}
	// the float32 form of format 2, as models trained before format 3
	// were saved, still loads and answers the same to float32 precision
	old := float32Form(t, rest, len(m.MemberTemperatures))
	var oldFile bytes.Buffer
	zw := gzip.NewWriter(&oldFile)
	io.WriteString(zw, "tian-category-model 2\n"+old)
	zw.Close()
	fromOld, err := classify.ReadModel(&oldFile, seg(t))
	if err != nil {
		t.Fatalf("a format 2 file: %v", err)
	}
	for _, text := range [][2]string{{title, body}, {"关于治理城南区黑臭水体的提案", "每到夏季，城南区的几条排水渠就发黑发臭。"}, {"关于加强网络谣言治理的提案", ""}} {
		a, c := m.Probabilities(text[0], text[1]), fromOld.Probabilities(text[0], text[1])
		for i := range a {
			if math.Abs(a[i]-c[i]) > 1e-4 {
				t.Errorf("%s: probabilities %v from the format 2 file, %v from format 3", text[0], c, a)
				break
			}
		}
	}
	var forged bytes.Buffer
	zw = gzip.NewWriter(&forged)
	io.WriteString(zw, "tian-category-model 1\n"+float32Form(t, rest, len(m.MemberTemperatures)))
	zw.Close()
	if _, err := classify.ReadModel(&forged, seg(t)); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("an ensemble labelled format 1: err = %v", err)
	}
	if !strings.Contains(rest, `"top":[`) {
		t.Fatalf("the model has no recalibration of its top probability: %.300s", rest)
	}
	for _, bad := range []string{`"top":[-1,0],"y":[`, `"top":[-1,`, `"top":[1e999,`, `"top":[0.5],"x":[`} {
		forged.Reset()
		zw = gzip.NewWriter(&forged)
		io.WriteString(zw, head+"\n"+strings.Replace(rest, `"top":[`, bad, 1))
		zw.Close()
		if _, err := classify.ReadModel(&forged, seg(t)); tian.ErrorCode(err) != tian.EINVALID {
			t.Errorf("a top recalibration forged as %s: err = %v", bad, err)
		}
	}
}

// float32Form rewrites the body of a format 3 file (the JSON line, then
// each member's int16 weights with their scale, and float32 biases) with
// every weight as a float32, as formats 1 and 2 keep them.
func float32Form(t *testing.T, body string, members int) string {
	t.Helper()
	js, weights, _ := strings.Cut(body, "\n")
	var h struct{ K, D int }
	if err := json.Unmarshal([]byte(js), &h); err != nil {
		t.Fatal(err)
	}
	r := strings.NewReader(weights)
	var out bytes.Buffer
	out.WriteString(js + "\n")
	for range max(members, 1) {
		var scale float64
		binary.Read(r, binary.LittleEndian, &scale)
		q := make([]int16, h.K*h.D)
		binary.Read(r, binary.LittleEndian, q)
		for _, v := range q {
			binary.Write(&out, binary.LittleEndian, float32(float64(v)*scale))
		}
		bias := make([]float32, h.K)
		binary.Read(r, binary.LittleEndian, bias)
		binary.Write(&out, binary.LittleEndian, bias)
	}
	if r.Len() != 0 {
		t.Fatalf("%d bytes left after %d members", r.Len(), members)
	}
	return out.String()
}
