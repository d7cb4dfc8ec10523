package postgres_test

import (
	"tian/office"
	"tian/postgres"
)

// The PostgreSQL store is everything the office asks of a system of
// record (it is not wired into the office or cmd/tian yet).
var _ office.Store = (*postgres.DB)(nil)
