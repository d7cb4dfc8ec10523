package relate

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// topVoted keeps what sorting every touched member by votes (most first,
// ties to the lower index) and taking k would keep, ties and short lists
// included.
func TestTopVotedIsTheSortsHead(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 500 {
		n := 1 + rng.IntN(200)
		votes := make([]float64, n)
		var touched []int
		for j := range n {
			if rng.IntN(3) > 0 {
				votes[j] = float64(rng.IntN(8)) / 4 // many ties
				touched = append(touched, j)
			}
		}
		rng.Shuffle(len(touched), func(a, b int) { touched[a], touched[b] = touched[b], touched[a] })
		k := 1 + rng.IntN(20)
		want := slices.Clone(touched)
		sort.Slice(want, func(a, b int) bool {
			if votes[want[a]] != votes[want[b]] {
				return votes[want[a]] > votes[want[b]]
			}
			return want[a] < want[b]
		})
		want = want[:min(k, len(want))]
		if got := topVoted(nil, touched, votes, k); !slices.Equal(got, want) {
			t.Fatalf("round %d, k %d: got %v, want %v", round, k, got, want)
		}
	}
}
