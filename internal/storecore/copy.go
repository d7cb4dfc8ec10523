package storecore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"time"

	"tian"
)

// Kind is how a column's values travel between engines, whatever the
// column's type in each (see CopyTables).
type Kind int

const (
	Int      Kind = iota // int64
	NullInt              // int64, or nil: a missing reference (SQL NULL on both)
	Float                // float64
	Text                 // string
	Bool                 // bool: SQLite 0/1, PostgreSQL boolean
	Time                 // time.Time, UTC: SQLite RFC 3339 text, PostgreSQL timestamptz
	NullTime             // time.Time, or nil when unset: SQLite '', PostgreSQL NULL
	JSON                 // json.RawMessage: SQLite text, PostgreSQL jsonb
	NullJSON             // json.RawMessage, or nil when unset: SQLite '', PostgreSQL NULL
	Ints                 // []int64: SQLite space-separated text, PostgreSQL integer[]
)

// Column is one column of a copied table.
type Column struct {
	Name string
	Kind Kind
}

// CopyTable is one table of the store as a whole-store copy sees it: the
// same name and columns in every engine.
type CopyTable struct {
	Name    string
	Columns []Column
	// OrderBy is the table's key, the order rows are read in.
	OrderBy string
	// Serial is the column the engine numbers new rows by (PostgreSQL's
	// identity, SQLite's rowid), "" for none: a copy keeps the numbers
	// and moves the counter past them.
	Serial string
}

// ColumnNames are the table's column names, in order.
func (t *CopyTable) ColumnNames() []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

// Row is one row of a CopyTable: a value per column, typed by its Kind.
type Row []any

// CopyTables are every table of the store, parents before children, so
// that a copy in this order meets every foreign key. Both engines keep
// these tables (sqlite/db.go, postgres/schema.go); their own bookkeeping
// (schema versions) is not copied.
var CopyTables = []*CopyTable{
	{Name: "categories", OrderBy: "id", Serial: "id", Columns: []Column{
		{"id", Int}, {"code", Text}, {"name", Text}, {"scope", Text}}},
	{Name: "units", OrderBy: "id", Serial: "id", Columns: []Column{
		{"id", Int}, {"name", Text}, {"kind", Text}, {"duties", Text}}},
	{Name: "unit_aliases", OrderBy: "alias", Columns: []Column{
		{"alias", Text}, {"unit_id", Int}}},
	{Name: "proposals", OrderBy: "id", Serial: "id", Columns: []Column{
		{"id", Int}, {"number", Text}, {"written_number", Text}, {"year", Int}, {"session", Text},
		{"title", Text}, {"body", Text}, {"proposer", Text}, {"proposer_type", Text}, {"sector", Text},
		{"category_id", NullInt}, {"status", Text}, {"status_reason", Text}, {"merged_into", Text},
		{"reply", Text}, {"submitted", Text}, {"reply_date", Text}, {"not_proposal", Bool},
		{"created_at", Time}, {"updated_at", Time}}},
	{Name: "routings", OrderBy: "proposal_id, unit_id", Columns: []Column{
		{"proposal_id", Int}, {"unit_id", Int}, {"role", Text}, {"ord", Int}}},
	{Name: "changes", OrderBy: "seq", Serial: "seq", Columns: []Column{
		{"seq", Int}, {"number", Text}, {"op", Text}, {"at", Time}}},
	{Name: "feedback", OrderBy: "id", Serial: "id", Columns: []Column{
		{"id", Int}, {"number", Text}, {"kind", Text}, {"suggested", Text}, {"chosen", Text},
		{"accepted", Bool}, {"text", Text}, {"model_version", Text}, {"actor", Text}, {"at", Time}}},
	{Name: "audit", OrderBy: "id", Serial: "id", Columns: []Column{
		{"id", Int}, {"at", Time}, {"actor", Text}, {"action", Text}, {"target", Text}, {"detail", Text}}},
	{Name: "batches", OrderBy: "id", Serial: "id", Columns: []Column{
		{"id", Int}, {"file", Text}, {"actor", Text}, {"at", Time}, {"rows", Int}, {"added", Int},
		{"updated", Int}, {"unchanged", Int}, {"rejected", Int}, {"not_proposals", Int},
		{"new_categories", JSON}, {"new_units", JSON}, {"undone_at", NullTime}, {"undone_by", Text}}},
	{Name: "batch_items", OrderBy: "batch_id, number", Columns: []Column{
		{"batch_id", Int}, {"number", Text}, {"action", Text}, {"before", NullJSON}, {"after_hash", Text}}},
	{Name: "tokens", OrderBy: "id", Serial: "id", Columns: []Column{
		{"id", Int}, {"name", Text}, {"role", Text}, {"hash", Text}, {"created_at", Time},
		{"created_by", Text}, {"revoked_at", NullTime}, {"last_used", NullTime}}},
	{Name: "sessions", OrderBy: "hash", Columns: []Column{
		{"hash", Text}, {"token_id", Int}, {"created_at", Time}, {"expires_at", Time}}},
	{Name: "group_years", OrderBy: "year", Columns: []Column{
		{"year", Int}, {"version", Int}, {"saved_at", Time}, {"saved_by", Text},
		{"confirmed_at", NullTime}, {"confirmed_by", Text}}},
	{Name: "curated_groups", OrderBy: "year, id", Columns: []Column{
		{"year", Int}, {"id", Text}, {"ord", Int}, {"name", Text}, {"lead_unit", Text}}},
	{Name: "curated_members", OrderBy: "number", Columns: []Column{
		{"number", Text}, {"year", Int}, {"group_id", Text}, {"ord", Int}}},
	{Name: "group_tuning", OrderBy: "id", Columns: []Column{
		{"id", Int}, {"threshold", Float}, {"years", Ints}, {"f1", Float}, {"previous", Float},
		{"previous_f1", Float}, {"at", Text}, {"scale", Text}}},
	{Name: "words", OrderBy: "word", Columns: []Column{
		{"word", Text}, {"status", Text}, {"note", Text}, {"decided_by", Text}, {"decided_at", Time}}},
}

// RowSource reads a whole store table by table, in CopyTables' order,
// all from one consistent view: each is called with the table and its
// rows, which it must range over before returning.
type RowSource interface {
	CopyOut(ctx context.Context, each func(t *CopyTable, rows iter.Seq2[Row, error]) error) error
}

// RowSink writes a whole store in one transaction: CopyIn refuses a
// store that holds any row (ECONFLICT), then calls fill, which writes
// tables through write (parents first) and commits when fill returns nil.
// Serial counters are moved past the copied numbers before the commit.
type RowSink interface {
	CopyIn(ctx context.Context, fill func(write func(t *CopyTable, rows iter.Seq2[Row, error]) (int, error)) error) error
}

// NotEmpty is the error of a copy into a store that holds rows.
func NotEmpty(table string, n int) error {
	return tian.Errorf(tian.ECONFLICT, "数据库不是空的（表 %s 已有 %d 行）：只能迁移到空的数据库", table, n)
}

// BadValue is the error of a stored value a copy cannot carry over.
func BadValue(t *CopyTable, c Column, v any, err error) error {
	return &tian.Error{Code: tian.EINVALID, Op: "copy", Err: err,
		Message: fmt.Sprintf("表 %s 的列 %s 有无法迁移的值 %q：%v", t.Name, c.Name, fmt.Sprint(v), err)}
}

// Digest sums a table's rows, whatever their order, with values compared
// as the stores' interfaces give them: times to the second (SQLite keeps
// no more), JSON by its content (PostgreSQL's jsonb re-spaces and orders
// keys). Two stores whose tables have equal digests hold the same data.
type Digest struct {
	rows [][sha256.Size]byte
}

// Add sums one row of t.
func (d *Digest) Add(t *CopyTable, r Row) error {
	norm := make([]any, len(r))
	for i, v := range r {
		switch x := v.(type) {
		case time.Time:
			norm[i] = x.UTC().Format(time.RFC3339)
		case json.RawMessage:
			var content any
			if err := json.Unmarshal(x, &content); err != nil {
				return BadValue(t, t.Columns[i], string(x), err)
			}
			norm[i] = content // maps marshal with sorted keys
		default:
			norm[i] = v
		}
	}
	b, err := json.Marshal(norm)
	if err != nil {
		return &tian.Error{Code: tian.EINTERNAL, Op: "storecore.Digest", Err: err}
	}
	d.rows = append(d.rows, sha256.Sum256(b))
	return nil
}

// Rows is how many rows were summed.
func (d *Digest) Rows() int { return len(d.rows) }

// Sum is the digest of the rows summed, independent of their order.
func (d *Digest) Sum() string {
	rows := slices.Clone(d.rows)
	slices.SortFunc(rows, func(a, b [sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
	h := sha256.New()
	for _, r := range rows {
		h.Write(r[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ReadAll reads every table of a store into memory, by name: for tests
// and small stores.
func ReadAll(ctx context.Context, src RowSource) (map[string][]Row, error) {
	out := map[string][]Row{}
	err := src.CopyOut(ctx, func(t *CopyTable, rows iter.Seq2[Row, error]) error {
		list := []Row{}
		for r, err := range rows {
			if err != nil {
				return err
			}
			list = append(list, r)
		}
		out[t.Name] = list
		return nil
	})
	return out, err
}
