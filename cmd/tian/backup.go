package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"tian/index"
	"tian/office"
	"tian/sqlite"
)

type backupCmd struct {
	m *Main
	// copied, if set, runs once the database is copied; tests write to
	// the live store there.
	copied func()
}

func (c *backupCmd) command() *cobra.Command {
	return &cobra.Command{
		Use:   "backup 目录",
		Short: "备份数据目录（服务运行时也可）：数据库的一致副本和模型（恢复时重建索引）",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.run(cmd.Context(), args[0])
		},
	}
}

// run copies the database and the models into dir (office.Backup), with a
// MANIFEST that counts what the copy holds.
func (c *backupCmd) run(ctx context.Context, dir string) error {
	if c.m.onPostgres() {
		return errPostgresBackup
	}
	o, err := c.m.Office(ctx)
	if err != nil {
		return err
	}
	res, err := o.Backup(ctx, dir, backupCounts, c.copied)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "已将 %s 备份到 %s：提案 %d 件\n", c.m.DataDir, dir, res.Counts["proposals"])
	return nil
}

// backupCounts counts the rows of the database copy at path, opened
// read-only: what the backup holds, not what the live store has since.
func backupCounts(ctx context.Context, path string) (map[string]int, error) {
	b, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	return b.Counts(ctx)
}

type restoreCmd struct{ m *Main }

func (c *restoreCmd) command() *cobra.Command {
	return &cobra.Command{
		Use:   "restore 目录",
		Short: "将备份恢复到空的数据目录（--data）并重建索引",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if c.m.onPostgres() {
				return errPostgresBackup
			}
			if err := office.RestoreFiles(args[0], c.m.DataDir); err != nil {
				return err
			}
			db, err := c.m.Store(cmd.Context())
			if err != nil {
				return err
			}
			seg, err := c.m.Segmenter()
			if err != nil {
				return err
			}
			ix, err := index.Rebuild(cmd.Context(), c.m.DataDir, db, seg)
			if err != nil {
				return err
			}
			c.m.index = ix
			n, _ := ix.Count()
			fmt.Fprintf(c.m.Stdout, "已将 %s 恢复到 %s：索引提案 %d 件\n", args[0], c.m.DataDir, n)
			return nil
		},
	}
}
