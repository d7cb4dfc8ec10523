package main

import (
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

type backupCmd struct{ m *Main }

func (c *backupCmd) command() *cobra.Command {
	return &cobra.Command{
		Use:   "backup DIR",
		Short: "back up the data directory while it serves: a consistent copy of the database and the models (the index is rebuilt on restore)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return tian.Errorf(tian.EINVALID, "%v", err)
			}
			db, err := c.m.Store(cmd.Context())
			if err != nil {
				return err
			}
			if err := db.Backup(cmd.Context(), filepath.Join(dir, sqlite.FileName)); err != nil {
				return err
			}
			if err := copyDir(c.m.modelDir(), filepath.Join(dir, "models")); err != nil {
				return err
			}
			counts, err := db.Counts(cmd.Context())
			if err != nil {
				return err
			}
			manifest, _ := json.MarshalIndent(map[string]any{"tian": tian.Version, "at": time.Now().UTC().Format(time.RFC3339),
				"from": c.m.DataDir, "counts": counts}, "", "  ")
			if err := os.WriteFile(filepath.Join(dir, "MANIFEST.json"), manifest, 0o640); err != nil {
				return err
			}
			fmt.Fprintf(c.m.Stdout, "backed up %s to %s: %d proposals\n", c.m.DataDir, dir, counts["proposals"])
			return nil
		},
	}
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
			if err := os.MkdirAll(c.m.DataDir, 0o750); err != nil {
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
	if err := os.MkdirAll(to, 0o750); err != nil {
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

// copyFile copies through a temporary file and a rename, synced.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeFileAtomic(to, func(f *os.File) error {
		_, err := io.Copy(f, in)
		return err
	})
}
