package index_test

import (
	"context"
	"testing"

	"tian"
)

// Benchmarks on the demo corpus (1,570 proposals). `tian bench` measures
// the same operations at scale (100,000 proposals) and prints p50/p99.

func BenchmarkSearch(b *testing.B) {
	f := demo(b)
	queries := []string{"加装电梯", "专精特新 融资", `"老年助餐"`, "停车 -城东区", "类别:文化建设 夜游", "托育 OR 一老一小"}
	i := 0
	for b.Loop() {
		if _, err := f.ix.Search(context.Background(), tian.SearchRequest{Query: queries[i%len(queries)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkSimilar(b *testing.B) {
	f := demo(b)
	numbers := []string{"20210205", "20230114", "20240303", "20220435", "20250109"}
	i := 0
	for b.Loop() {
		if _, err := f.ix.Similar(context.Background(), tian.SimilarRequest{Number: numbers[i%len(numbers)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkGroupsYear(b *testing.B) {
	f := demo(b)
	for b.Loop() {
		if _, err := f.ix.Groups(context.Background(), tian.GroupRequest{Year: 2024}); err != nil {
			b.Fatal(err)
		}
	}
}
