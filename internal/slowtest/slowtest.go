// Package slowtest marks the tests that are slow quality gates —
// retraining models, corpus-wide evaluations on third-party data,
// end-to-end runs that retrain under load — so that the README's
// `go test -race ./...` stays within minutes. .ci/run runs them with
// TIAN_SLOW=1, without the race detector where it adds nothing.
package slowtest

import (
	"os"
	"testing"
)

// Gate skips the test unless TIAN_SLOW is set.
func Gate(tb testing.TB) {
	tb.Helper()
	if os.Getenv("TIAN_SLOW") == "" {
		tb.Skip("a slow quality gate: set TIAN_SLOW=1 to run it (.ci/run does)")
	}
}

// Enabled reports whether slow gates run.
func Enabled() bool { return os.Getenv("TIAN_SLOW") != "" }
