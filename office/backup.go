package office

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"tian"
)

// DatabaseFile is the name a backup gives the database copy.
const DatabaseFile = "tian.db"

// BackupResult says what a backup holds.
type BackupResult struct {
	Dir    string
	Counts map[string]int
}

// Backup copies the database consistently while the office serves, and the
// trained models, into dir, private to their owner (folders 0700, files
// 0600), with a MANIFEST.json that counts what the copy holds: count reads
// the copied database (opened read-only by the caller's engine), not the
// live store. copied, if set, runs once the database is copied (tests
// write to the live store there).
func (o *Office) Backup(ctx context.Context, dir string, count func(ctx context.Context, path string) (map[string]int, error), copied func()) (*BackupResult, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, tian.Errorf(tian.EINVALID, "无法创建备份目录：%v", err)
	}
	file := filepath.Join(dir, DatabaseFile)
	if err := o.store.Backup(ctx, file); err != nil {
		return nil, err
	}
	if copied != nil {
		copied()
	}
	if err := copyDir(o.ModelDir(), filepath.Join(dir, "models")); err != nil {
		return nil, err
	}
	counts, err := count(ctx, file)
	if err != nil {
		return nil, err
	}
	manifest, _ := json.MarshalIndent(map[string]any{"tian": tian.Version, "at": time.Now().UTC().Format(time.RFC3339),
		"from": o.dataDir, "counts": counts}, "", "  ")
	err = WriteFileAtomic(filepath.Join(dir, "MANIFEST.json"), 0o600, func(f *os.File) error {
		_, err := io.Copy(f, bytes.NewReader(manifest))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &BackupResult{Dir: dir, Counts: counts}, nil
}

// RestoreFiles copies a backup's database and models into an empty data
// directory; the caller then opens the store and rebuilds the index.
func RestoreFiles(from, dataDir string) error {
	if _, err := os.Stat(filepath.Join(from, DatabaseFile)); err != nil {
		return tian.Errorf(tian.EINVALID, "%s 不是 tian 备份（没有 %s）", from, DatabaseFile)
	}
	dst := filepath.Join(dataDir, DatabaseFile)
	if _, err := os.Stat(dst); err == nil {
		return tian.Errorf(tian.ECONFLICT, "%s 中已有数据库；请恢复到空的数据目录", dataDir)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return tian.Errorf(tian.EINVALID, "无法创建数据目录：%v", err)
	}
	if err := copyFile(filepath.Join(from, DatabaseFile), dst); err != nil {
		return err
	}
	return copyDir(filepath.Join(from, "models"), ModelDir(dataDir))
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
	return WriteFileAtomic(to, 0o600, func(f *os.File) error {
		_, err := io.Copy(f, in)
		return err
	})
}
