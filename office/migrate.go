package office

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"reflect"
	"slices"

	"tian"
	"tian/internal/storecore"
)

// MigrateStore is a store a migration copies from or into: any engine
// that reads and writes whole tables (storecore.RowSource, RowSink),
// counts its tables and reads its proposals.
type MigrateStore interface {
	storecore.RowSource
	storecore.RowSink
	Counts(ctx context.Context) (map[string]int, error)
	Proposals(ctx context.Context, f tian.ProposalFilter) ([]*tian.Proposal, error)
}

// MigrateEnd is one end of a migration: a store and the name errors give
// it (a data directory, a URL without its password).
type MigrateEnd struct {
	Name  string
	Store MigrateStore
	// Dir is the data directory of a store that does not keep the
	// models itself (SQLite): its models folder holds them.
	Dir string
}

// MigratedTable is how many rows of one table a migration copied.
type MigratedTable struct {
	Name string `json:"name"`
	Rows int    `json:"rows"`
}

// MigrateReport is what a migration copied and verified.
type MigrateReport struct {
	Tables []MigratedTable `json:"tables"` // in copy order, every table
	// Proposals is how many proposals were compared, field by field,
	// between the two stores after the copy.
	Proposals int `json:"proposals"`
	// Models is how many trained model files were copied (from a data
	// directory's models folder or a store that keeps them, into the
	// other).
	Models int `json:"models"`
}

// Migrate copies every table of one store into another, empty one, in
// one transaction on the destination: the rows with their numbers (ids,
// the change log's sequence, tokens, batches, groups), so that what
// refers to them stays valid. progress, if not nil, hears of each table
// once copied. The copy is then verified: every table holds the same
// rows in both (storecore.Digest: times to the second, JSON by content),
// the stores' own counts agree, and every proposal reads the same from
// both. The trained models follow (migrateModels); the search index is
// not copied: it is rebuilt from the change log where it is opened.
// Errors name the end they come from.
func Migrate(ctx context.Context, from, to MigrateEnd, progress func(table string, rows int)) (*MigrateReport, error) {
	if from.Name == to.Name {
		return nil, tian.Errorf(tian.EINVALID, "迁移的源与目标相同（%s）：请指定另一个目标", from.Name)
	}
	rep := &MigrateReport{Tables: []MigratedTable{}}
	sums := map[string]*storecore.Digest{}
	var srcErr, dstErr error
	err := to.Store.CopyIn(ctx, func(write func(*storecore.CopyTable, iter.Seq2[storecore.Row, error]) (int, error)) error {
		err := from.Store.CopyOut(ctx, func(t *storecore.CopyTable, rows iter.Seq2[storecore.Row, error]) error {
			sum := &storecore.Digest{}
			sums[t.Name] = sum
			var readErr error
			summed := func(yield func(storecore.Row, error) bool) {
				for r, err := range rows {
					if err == nil {
						err = sum.Add(t, r)
					}
					if err != nil {
						readErr = err
						yield(nil, err)
						return
					}
					if !yield(r, nil) {
						return
					}
				}
			}
			n, err := write(t, summed)
			if err != nil {
				if readErr == nil {
					dstErr = err
				}
				return err
			}
			if n != sum.Rows() {
				dstErr = tian.Errorf(tian.EINTERNAL, "表 %s 读出 %d 行，写入 %d 行", t.Name, sum.Rows(), n)
				return dstErr
			}
			rep.Tables = append(rep.Tables, MigratedTable{Name: t.Name, Rows: n})
			if progress != nil {
				progress(t.Name, n)
			}
			return nil
		})
		if err != nil && dstErr == nil {
			srcErr = err
		}
		return err
	})
	if err != nil {
		if srcErr != nil {
			return nil, endError("源", from.Name, err)
		}
		return nil, endError("目标", to.Name, err)
	}
	if err := verifyTables(ctx, to, sums); err != nil {
		return nil, err
	}
	if err := verifyCounts(ctx, from, to); err != nil {
		return nil, err
	}
	n, err := verifyProposals(ctx, from, to)
	if err != nil {
		return nil, err
	}
	rep.Proposals = n
	if rep.Models, err = migrateModels(ctx, from, to); err != nil {
		return nil, err
	}
	return rep, nil
}

// endError is err with the end of the migration it came from named.
func endError(role, name string, err error) error {
	return &tian.Error{Code: tian.ErrorCode(err), Op: "office.Migrate", Err: err,
		Message: fmt.Sprintf("%s %s：%s", role, name, tian.ErrorMessage(err))}
}

// mismatch is the error of a copy that does not read back the same.
func mismatch(format string, args ...any) error {
	return tian.Errorf(tian.EINTERNAL, "迁移后校验未通过："+format+"（迁移期间是否仍有 tian 服务在写入源？）", args...)
}

// verifyTables reads the destination back and compares each table's
// digest with the source's.
func verifyTables(ctx context.Context, to MigrateEnd, want map[string]*storecore.Digest) error {
	var differ error
	err := to.Store.CopyOut(ctx, func(t *storecore.CopyTable, rows iter.Seq2[storecore.Row, error]) error {
		got := &storecore.Digest{}
		for r, err := range rows {
			if err != nil {
				return err
			}
			if err := got.Add(t, r); err != nil {
				return err
			}
		}
		w := want[t.Name]
		switch {
		case w == nil:
			differ = mismatch("表 %s 未被复制", t.Name)
		case got.Rows() != w.Rows():
			differ = mismatch("表 %s 在源中有 %d 行，在目标中有 %d 行", t.Name, w.Rows(), got.Rows())
		case got.Sum() != w.Sum():
			differ = mismatch("表 %s 的内容在源与目标中不同", t.Name)
		}
		return differ
	})
	if err != nil && err != differ {
		return endError("目标", to.Name, err)
	}
	return err
}

// verifyCounts compares the stores' own table counts.
func verifyCounts(ctx context.Context, from, to MigrateEnd) error {
	a, err := from.Store.Counts(ctx)
	if err != nil {
		return endError("源", from.Name, err)
	}
	b, err := to.Store.Counts(ctx)
	if err != nil {
		return endError("目标", to.Name, err)
	}
	for _, table := range slices.Sorted(maps.Keys(a)) {
		if a[table] != b[table] {
			return mismatch("表 %s 在源中计 %d 行，在目标中计 %d 行", table, a[table], b[table])
		}
	}
	if len(a) != len(b) {
		return mismatch("源与目标计数的表不同（%d 个、%d 个）", len(a), len(b))
	}
	return nil
}

// verifyProposals reads every proposal from both stores and compares them
// field by field; it returns how many it compared.
func verifyProposals(ctx context.Context, from, to MigrateEnd) (int, error) {
	a, err := from.Store.Proposals(ctx, tian.ProposalFilter{})
	if err != nil {
		return 0, endError("源", from.Name, err)
	}
	b, err := to.Store.Proposals(ctx, tian.ProposalFilter{})
	if err != nil {
		return 0, endError("目标", to.Name, err)
	}
	if len(a) != len(b) {
		return 0, mismatch("源有 %d 件提案，目标有 %d 件", len(a), len(b))
	}
	copied := make(map[string]*tian.Proposal, len(b))
	for _, p := range b {
		copied[p.Number] = p
	}
	for _, p := range a {
		q := copied[p.Number]
		if q == nil {
			return 0, mismatch("提案 %s 未被复制", p.Number)
		}
		if !storecore.SameProposal(p, q) {
			return 0, mismatch("提案 %s 的字段 %s 在源与目标中不同", p.Number, differingField(p, q))
		}
	}
	return len(a), nil
}

// differingField names the first field (by its JSON name) in which two
// proposals differ.
func differingField(p, q *tian.Proposal) string {
	var x, y map[string]any
	bp, _ := json.Marshal(p) // a Proposal always marshals
	bq, _ := json.Marshal(q)
	json.Unmarshal(bp, &x)
	json.Unmarshal(bq, &y)
	for _, k := range slices.Sorted(maps.Keys(x)) {
		if !reflect.DeepEqual(x[k], y[k]) {
			return k
		}
	}
	for _, k := range slices.Sorted(maps.Keys(y)) {
		if _, ok := x[k]; !ok {
			return k
		}
	}
	return "（未知）"
}
