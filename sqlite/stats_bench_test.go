package sqlite_test

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// BenchmarkStats150k computes the annual-report figures over 150,000
// proposals: all years (every query scans the table) and one year (the
// year index, and the year before for the changes). Besides the wall
// time it reports the process's CPU time an operation, steadier on a
// shared machine.
func BenchmarkStats150k(b *testing.B) {
	db := bigStore(b)
	for _, c := range []struct {
		name string
		year int
	}{{"all_years", 0}, {"year", 2023}} {
		b.Run(c.name, func(b *testing.B) {
			start, n := cpuTime(b), 0
			for b.Loop() {
				s, err := db.Stats(context.Background(), c.year)
				if err != nil {
					b.Fatal(err)
				}
				if s.Received == 0 {
					b.Fatalf("no proposals in %d", c.year)
				}
				n++
			}
			b.ReportMetric(float64((cpuTime(b)-start).Milliseconds())/float64(n), "cpu-ms/op")
		})
	}
}

// cpuTime is the process's user and system time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Skip("no getrusage:", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
