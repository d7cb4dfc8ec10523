package sheet

import "testing"

// Limits are the caps a test may lower; a zero field keeps the real one.
type Limits struct {
	FileBytes, UnzipBytes, HeldBytes int64
	Records, Cells                   int
}

// LowerLimits lowers caps until the test ends.
func LowerLimits(t testing.TB, l Limits) {
	t.Helper()
	old := Limits{maxFileBytes, maxUnzipBytes, maxHeldBytes, maxRecords, maxCells}
	t.Cleanup(func() {
		maxFileBytes, maxUnzipBytes, maxHeldBytes, maxRecords, maxCells = old.FileBytes, old.UnzipBytes, old.HeldBytes, old.Records, old.Cells
	})
	set(&maxFileBytes, l.FileBytes)
	set(&maxUnzipBytes, l.UnzipBytes)
	set(&maxHeldBytes, l.HeldBytes)
	set(&maxRecords, l.Records)
	set(&maxCells, l.Cells)
}

func set[T int | int64](p *T, v T) {
	if v > 0 {
		*p = v
	}
}
