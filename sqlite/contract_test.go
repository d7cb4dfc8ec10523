package sqlite_test

import (
	"testing"

	"tian/storetest"
)

// The store contract (package storetest) holds for SQLite.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return openDB(t) })
}
