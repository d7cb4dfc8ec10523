// Package shareddata finds the project's third-party evaluation data for
// tests and benchmarks: ../shared/data beside the project, or the folder
// $TIAN_SHARED_DATA names. The data is never committed or embedded; where
// it is absent the tests that need it skip.
package shareddata

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Root returns the data folder (which may not exist).
func Root() string {
	if root := os.Getenv("TIAN_SHARED_DATA"); root != "" {
		return root
	}
	_, file, _, _ := runtime.Caller(0) // …/internal/shareddata/shareddata.go
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
}

// Path returns the path of rel inside the data folder, skipping the test
// when it is absent.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	path := filepath.Join(Root(), rel)
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("%s not present (third-party evaluation data, see ../shared/data/README.md)", path)
	}
	return path
}
