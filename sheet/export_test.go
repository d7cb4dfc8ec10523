package sheet

import "testing"

// LowerLimits lowers the file byte cap and the record and cell caps (0
// keeps one) until the test ends.
func LowerLimits(t testing.TB, fileBytes int64, records, cells int) {
	t.Helper()
	oldBytes, oldRecords, oldCells := maxFileBytes, maxRecords, maxCells
	t.Cleanup(func() { maxFileBytes, maxRecords, maxCells = oldBytes, oldRecords, oldCells })
	if fileBytes > 0 {
		maxFileBytes = fileBytes
	}
	if records > 0 {
		maxRecords = records
	}
	if cells > 0 {
		maxCells = cells
	}
}
