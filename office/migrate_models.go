package office

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"tian"
)

// migrateModels copies the trained models along with a store: from a
// store that keeps them (tian.ModelFiles) or else the source data
// directory's models folder, into the destination's. An end with neither
// (no folder, nothing stored) has the embedded defaults: nothing to copy.
func migrateModels(ctx context.Context, from, to MigrateEnd) (int, error) {
	files, err := readModelSet(ctx, from)
	if err != nil {
		return 0, endError("源", from.Name, err)
	}
	if len(files) == 0 {
		return 0, nil
	}
	if err := writeModelSet(ctx, to, files); err != nil {
		return 0, endError("目标", to.Name, err)
	}
	return len(files), nil
}

func readModelSet(ctx context.Context, e MigrateEnd) (map[string][]byte, error) {
	if mf, ok := e.Store.(tian.ModelFiles); ok {
		_, files, err := mf.ReadModels(ctx)
		return files, err
	}
	if e.Dir == "" {
		return nil, nil
	}
	return readModelFolder(ModelDir(e.Dir))
}

func writeModelSet(ctx context.Context, e MigrateEnd, files map[string][]byte) error {
	if mf, ok := e.Store.(tian.ModelFiles); ok {
		_, err := mf.SaveModels(ctx, files, "migrate")
		return err
	}
	if e.Dir == "" {
		return tian.Errorf(tian.EINVALID, "没有存放模型的数据目录")
	}
	dir := ModelDir(e.Dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for name, data := range files {
		if name != filepath.Base(name) || strings.HasPrefix(name, ".") {
			return tian.Errorf(tian.EINVALID, "模型文件名 %q 无效", name)
		}
		if err := writeAtomic(filepath.Join(dir, name), data); err != nil {
			return err
		}
	}
	return nil
}
