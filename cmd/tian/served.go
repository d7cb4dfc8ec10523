package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"tian"
	"tian/office"
)

// servedFile, in a data directory, says that a `tian serve` holds it and
// where it listens: the index can have one writer only, so other commands
// on the directory must go through the service.
const servedFile = "serve.json"

type served struct {
	PID     int       `json:"pid"`
	URL     string    `json:"url"`
	Started time.Time `json:"started"`
}

// markServed records the running service in the data directory and
// returns a function that removes the record.
func markServed(dataDir, url string) (func(), error) {
	b, _ := json.Marshal(served{PID: os.Getpid(), URL: url, Started: time.Now().UTC()})
	path := filepath.Join(dataDir, servedFile)
	if err := office.WriteFileAtomic(path, 0o600, func(f *os.File) error { _, err := f.Write(b); return err }); err != nil {
		return nil, err
	}
	return func() { os.Remove(path) }, nil
}

// checkNotServed fails at once, saying how to proceed, when a live
// service (another process) holds the data directory; a record left by a
// service that died is ignored.
func checkNotServed(dataDir string) error {
	b, err := os.ReadFile(filepath.Join(dataDir, servedFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var s served
	if err != nil || json.Unmarshal(b, &s) != nil || s.PID <= 0 || s.PID == os.Getpid() {
		return nil
	}
	if err := syscall.Kill(s.PID, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return nil // the service is gone
	}
	return tian.Errorf(tian.ECONFLICT, "数据目录 %s 正由 tian serve 使用（进程 %d，地址 %s），命令行不能同时打开其索引。"+
		"请通过服务执行：tian --server %s --token 令牌 …（检索、相似、分类、承办单位），或先停止服务再运行。",
		dataDir, s.PID, s.URL, s.URL)
}
