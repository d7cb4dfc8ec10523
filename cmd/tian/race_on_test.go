//go:build race

package main

// raceEnabled tells tests that the race detector is on: tests that only
// retrain models to compare bytes are skipped then (.ci/run runs them
// without it), for training is slow under the detector.
const raceEnabled = true
