package tian

import (
	"math"
	"unicode"
)

// Term weighting, the one implementation segment, classify and the
// similarity of proposals share: smoothed IDF, sublinear TF-IDF with unit
// length, and the cosine of two such vectors. It is plain arithmetic over
// the standard library, so it lives here, where every part may import it
// without importing another part.

// IDF is the smoothed inverse document frequency of a term held by df of
// n documents: ln((n+1)/(df+1)) + 1. A term in every document still
// weighs 1; a term in none weighs the most.
func IDF(n, df int) float64 {
	return math.Log(float64(n+1)/float64(df+1)) + 1
}

// SublinearTF is the weight of a term seen tf times: 1 + ln(tf), so that
// repeating a word adds less and less. tf is positive.
func SublinearTF(tf float64) float64 { return 1 + math.Log(tf) }

// TFIDF weighs term counts by SublinearTF times idf and scales the vector
// to unit length, in place; an empty or all-zero vector stays as it is.
// It returns counts.
func TFIDF(counts map[string]float64, idf func(term string) float64) map[string]float64 {
	for t, c := range counts {
		counts[t] = SublinearTF(c) * idf(t)
	}
	return UnitLength(counts)
}

// UnitLength scales a term vector to unit length, in place; an empty or
// all-zero vector stays as it is. It returns v.
func UnitLength(v map[string]float64) map[string]float64 {
	var norm float64
	for _, w := range v {
		norm += w * w
	}
	if norm == 0 {
		return v
	}
	norm = math.Sqrt(norm)
	for t := range v {
		v[t] /= norm
	}
	return v
}

// Cosine is the cosine of two unit-length term vectors (their dot
// product), at most 1.
func Cosine(a, b map[string]float64) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	var s float64
	for t, w := range a {
		s += w * b[t]
	}
	return math.Min(1, s)
}

// Letters keeps the letters and digits of s, the characters that
// character features (n-grams, shingles) are cut from, so that they do not
// span punctuation or spaces.
func Letters(s string) []rune {
	out := make([]rune, 0, len(s)/3)
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = append(out, r)
		}
	}
	return out
}
