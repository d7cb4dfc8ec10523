package relate

import (
	"strconv"
	"testing"

	"tian"
)

// The profile cache stays within maxProfiles however many proposals pass
// through it, and a profile used again since the last turn of generations
// stays cached.
func TestProfileCacheIsBounded(t *testing.T) {
	s := &Service{}
	cs := &corpusStats{}
	s.stats = cs
	params := DefaultParams()
	hot := &tian.Proposal{Number: "20250001", Title: "关于加快老旧小区加装电梯的提案"}
	// the hot proposal's profile goes in first, through profileOf's own key
	hotProf := &profile{}
	hotKey := profileKey(hot.Number, params)
	s.mu.Lock()
	s.keepProfile(hotKey, hotProf)
	s.mu.Unlock()
	for i := range 5 * maxProfiles {
		s.mu.Lock()
		s.keepProfile(profileKey("D"+strconv.Itoa(i), params), &profile{})
		s.mu.Unlock()
		if n := len(s.profiles) + len(s.older); n > maxProfiles {
			t.Fatalf("after %d profiles the cache holds %d, more than %d", i+1, n, maxProfiles)
		}
		if i%(maxProfiles/4) == 0 {
			// used again now and then: never segmented again
			if got := s.profileOf(hot, cs, params); got != hotProf {
				t.Fatalf("after %d profiles the hot profile was made again", i+1)
			}
		}
	}
}
