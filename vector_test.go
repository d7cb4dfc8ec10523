package tian_test

import (
	"math"
	"testing"

	"tian"
)

func TestIDF(t *testing.T) {
	for _, tt := range []struct {
		n, df int
		want  float64
	}{
		{0, 0, 1},                 // an empty corpus: every term weighs 1
		{9, 9, 1},                 // a term in every document
		{9, 0, math.Log(10) + 1},  // a term in none
		{99, 4, math.Log(20) + 1}, // ln(100/5) + 1
		{1570, 1570, 1},           // the demo corpus, a word everywhere
		{1570, 1, math.Log(785.5) + 1},
	} {
		if got := tian.IDF(tt.n, tt.df); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("IDF(%d, %d) = %v, want %v", tt.n, tt.df, got, tt.want)
		}
	}
}

func TestTFIDFAndCosine(t *testing.T) {
	idf := map[string]float64{"养老": 2, "服务": 1, "电梯": 3}
	a := tian.TFIDF(map[string]float64{"养老": 4, "服务": 1}, func(w string) float64 { return idf[w] })
	wantRatio := (1 + math.Log(4)) * 2 / 1 // sublinear TF times IDF, before scaling
	if r := a["养老"] / a["服务"]; math.Abs(r-wantRatio) > 1e-12 {
		t.Errorf("weights 养老/服务 = %v, want %v", r, wantRatio)
	}
	if c := tian.Cosine(a, a); math.Abs(c-1) > 1e-12 {
		t.Errorf("a vector's cosine with itself = %v, want 1 (unit length)", c)
	}
	b := tian.TFIDF(map[string]float64{"电梯": 2}, func(w string) float64 { return idf[w] })
	if c := tian.Cosine(a, b); c != 0 {
		t.Errorf("cosine without shared terms = %v, want 0", c)
	}
	if empty := tian.TFIDF(map[string]float64{}, func(string) float64 { return 1 }); len(empty) != 0 {
		t.Errorf("TFIDF of nothing = %v", empty)
	}
}

func TestLetters(t *testing.T) {
	if got := string(tian.Letters("加装电梯，5G 基站！Ab")); got != "加装电梯5G基站Ab" {
		t.Errorf("Letters = %q", got)
	}
}
