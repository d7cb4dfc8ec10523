package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"tian"
	"tian/index"
	"tian/office"
	"tian/postgres"
	"tian/sqlite"
)

type migrateCmd struct {
	m        *Main
	from, to string
}

func (c *migrateCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate --from 源 --to 目标",
		Short: "在 SQLite 数据目录与 PostgreSQL 之间整库迁移（目标须为空），并核对",
		Long: "将整个数据库（提案、类别、承办单位、变更日志、反馈、审计日志、导入批次、令牌、会话、并案分组、委员会词表）" +
			"从源复制到空的目标，编号不变，在目标上一次性提交（失败则目标不变）；复制后逐表核对行数与内容，并逐件比较提案。\n" +
			"源和目标各为一个数据目录或 postgres://… 地址。自行训练的模型一并复制；检索索引不迁移：\n" +
			"目标为数据目录时，检索索引在首次打开时按变更日志重建。迁移前请停止使用源的 tian 服务。\n\n" +
			"例：tian migrate --from ./tian-data --to postgres://tian@127.0.0.1:5432/tian",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.run(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&c.from, "from", "", "源：数据目录，或 postgres://… 地址")
	cmd.Flags().StringVar(&c.to, "to", "", "目标：新的（或空的）数据目录，或空的 PostgreSQL 数据库的 postgres://… 地址")
	return cmd
}

func (c *migrateCmd) run(ctx context.Context) (err error) {
	if c.from == "" || c.to == "" {
		return tian.Errorf(tian.EINVALID, "请用 --from 指定源、--to 指定目标（数据目录或 postgres://… 地址）")
	}
	a, errA := filepath.Abs(c.from)
	b, errB := filepath.Abs(c.to)
	if errA == nil && errB == nil && a == b {
		return tian.Errorf(tian.EINVALID, "迁移的源与目标相同（%s）：请指定另一个目标", c.from)
	}
	from, err := openEnd(ctx, c.from, false)
	if err != nil {
		return err
	}
	defer from.close()
	to, err := openEnd(ctx, c.to, true)
	if err != nil {
		return err
	}
	defer func() {
		to.close()
		if err != nil && to.created {
			os.RemoveAll(c.to) // the directory this run made, holding only an empty store
		}
	}()
	fmt.Fprintf(c.m.Stdout, "正在将 %s 迁移到 %s…\n", from.Name, to.Name)
	rep, err := office.Migrate(ctx, from.MigrateEnd, to.MigrateEnd, func(table string, rows int) {
		fmt.Fprintf(c.m.Stdout, "  %-16s %d 行\n", table, rows)
	})
	if err != nil {
		return err
	}
	total := 0
	for _, t := range rep.Tables {
		total += t.Rows
	}
	fmt.Fprintf(c.m.Stdout, "核对通过：%d 张表共 %d 行，行数与内容一致；%d 件提案逐项相同。\n", len(rep.Tables), total, rep.Proposals)
	if rep.Models > 0 {
		fmt.Fprintf(c.m.Stdout, "已复制训练所得的模型文件 %d 个。\n", rep.Models)
	}
	if to.dir {
		fmt.Fprintf(c.m.Stdout, "检索索引不在数据库中，未迁移：将在首次打开 %s 时按变更日志重建。\n", c.to)
	} else {
		fmt.Fprintln(c.m.Stdout, "检索索引不在数据库中，未迁移：使用该数据库的每个 tian 副本在自己的数据目录中按变更日志重建。")
	}
	return nil
}

// end is one opened end of a migration.
type end struct {
	office.MigrateEnd
	close   func() error
	dir     bool // a data directory, not PostgreSQL
	created bool // the directory did not exist before
}

// openEnd opens a data directory or a postgres:// URL; a source directory
// must hold a database, a target directory must have no index (a store
// copied in starts a new change log history for it).
func openEnd(ctx context.Context, spec string, target bool) (*end, error) {
	role := "源"
	if target {
		role = "目标"
	}
	if strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://") {
		name := spec
		if u, err := url.Parse(spec); err == nil {
			name = u.Redacted()
		}
		db, err := postgres.Open(ctx, spec)
		if err != nil {
			return nil, &tian.Error{Code: tian.ErrorCode(err), Op: "migrate", Err: err, Message: fmt.Sprintf("%s %s：%s", role, name, tian.ErrorMessage(err))}
		}
		return &end{MigrateEnd: office.MigrateEnd{Name: name, Store: db}, close: db.Close}, nil
	}
	_, statErr := os.Stat(spec)
	e := &end{dir: true, created: errors.Is(statErr, fs.ErrNotExist)}
	if err := checkNotServed(spec); err != nil {
		return nil, tian.Errorf(tian.ECONFLICT, "%s数据目录 %s 正由 tian serve 使用：请先停止服务再迁移", role, spec)
	}
	if !target {
		if _, err := os.Stat(filepath.Join(spec, sqlite.FileName)); err != nil {
			return nil, tian.Errorf(tian.ENOTFOUND, "源数据目录 %s 中没有数据库文件 %s", spec, sqlite.FileName)
		}
	} else if _, err := os.Stat(filepath.Join(spec, index.DirName)); err == nil {
		return nil, tian.Errorf(tian.ECONFLICT, "目标数据目录 %s 已有检索索引 %s：请迁移到新的数据目录", spec, index.DirName)
	}
	db, err := sqlite.Open(ctx, spec)
	if err != nil {
		return nil, &tian.Error{Code: tian.ErrorCode(err), Op: "migrate", Err: err, Message: fmt.Sprintf("%s %s：%s", role, spec, tian.ErrorMessage(err))}
	}
	e.MigrateEnd, e.close = office.MigrateEnd{Name: spec, Store: db, Dir: spec}, db.Close
	return e, nil
}
