package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"

	"github.com/jackc/pgx/v5"

	"tian"
)

// NewSchema creates a schema of its own, named prefix and a random
// suffix, in the database at base, and returns the URL that uses it
// (search_path) and a function that drops it with all it holds. Tests
// and benchmarks run in one, so that they never see an office's data or
// each other's.
func NewSchema(ctx context.Context, base, prefix string) (string, func() error, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, tian.Errorf(tian.EINVALID, "PostgreSQL 连接地址无效：%v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := pgx.Identifier{prefix + hex.EncodeToString(b)}.Sanitize()
	run := func(ctx context.Context, sql string) error {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return unavailable("postgres.NewSchema", err)
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return classify("postgres.NewSchema", err)
	}
	if err := run(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", prefix+hex.EncodeToString(b))
	u.RawQuery = q.Encode()
	drop := func() error { return run(context.Background(), "DROP SCHEMA "+schema+" CASCADE") }
	return u.String(), drop, nil
}
