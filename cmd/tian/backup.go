package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"tian"
	"tian/index"
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
		Use:   "backup DIR",
		Short: "back up the data directory while it serves: a consistent copy of the database and the models (the index is rebuilt on restore)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.run(cmd.Context(), args[0])
		},
	}
}

// run copies the database and the models into dir, private to their
// owner (folders 0700, files 0600), and writes a MANIFEST that counts what
// the copy holds.
func (c *backupCmd) run(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tian.Errorf(tian.EINVALID, "无法创建备份目录：%v", err)
	}
	db, err := c.m.Store(ctx)
	if err != nil {
		return err
	}
	file := filepath.Join(dir, sqlite.FileName)
	if err := db.Backup(ctx, file); err != nil {
		return err
	}
	if c.copied != nil {
		c.copied()
	}
	if err := copyDir(c.m.modelDir(), filepath.Join(dir, "models")); err != nil {
		return err
	}
	counts, err := backupCounts(ctx, file)
	if err != nil {
		return err
	}
	manifest, _ := json.MarshalIndent(map[string]any{"tian": tian.Version, "at": time.Now().UTC().Format(time.RFC3339),
		"from": c.m.DataDir, "counts": counts}, "", "  ")
	err = writeFileAtomic(filepath.Join(dir, "MANIFEST.json"), func(f *os.File) error {
		return writePrivate(f, bytes.NewReader(manifest))
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "backed up %s to %s: %d proposals\n", c.m.DataDir, dir, counts["proposals"])
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
		Use:   "restore DIR",
		Short: "restore a backup into an empty data directory (--data) and rebuild its index",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src := args[0]
			if _, err := os.Stat(filepath.Join(src, sqlite.FileName)); err != nil {
				return tian.Errorf(tian.EINVALID, "%s is not a tian backup (no %s)", src, sqlite.FileName)
			}
			dst := filepath.Join(c.m.DataDir, sqlite.FileName)
			if _, err := os.Stat(dst); err == nil {
				return tian.Errorf(tian.ECONFLICT, "%s already holds a database; restore into an empty data directory", c.m.DataDir)
			}
			if err := os.MkdirAll(c.m.DataDir, 0o700); err != nil {
				return tian.Errorf(tian.EINVALID, "%v", err)
			}
			if err := copyFile(filepath.Join(src, sqlite.FileName), dst); err != nil {
				return err
			}
			if err := copyDir(filepath.Join(src, "models"), c.m.modelDir()); err != nil {
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
			fmt.Fprintf(c.m.Stdout, "restored %s into %s: %d proposals indexed\n", src, c.m.DataDir, n)
			return nil
		},
	}
}

// copyDir copies the files of a folder (not recursively); a missing
// folder copies nothing.
func copyDir(from, to string) error {
	entries, err := os.ReadDir(from)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			if err := copyFile(filepath.Join(from, e.Name()), filepath.Join(to, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyFile copies through a temporary file and a rename, synced; the copy
// is readable by its owner only.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeFileAtomic(to, func(f *os.File) error { return writePrivate(f, in) })
}

// writePrivate makes f the owner's only (0600), then copies r into it.
func writePrivate(f *os.File, r io.Reader) error {
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	_, err := io.Copy(f, r)
	return err
}
