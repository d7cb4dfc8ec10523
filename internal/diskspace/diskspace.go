// Package diskspace measures the free space of the disk that holds a path
// and refuses work that would fill it.
//
// A full data directory must cost a write, never the service: tian checks
// free space before it commits a write or hands bleve a batch (bleve's
// behaviour on a full disk is described in package index), and answers a
// short disk with ENOSPACE, which the API turns into 507 Insufficient
// Storage while reads go on.
package diskspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"tian"
)

// ErrUnsupported is returned by Free where the platform cannot tell the
// free space of a disk; Ensure lets the work go ahead there.
var ErrUnsupported = errors.New("diskspace: free space cannot be measured on this platform")

// Free returns the bytes an unprivileged process can still write on the
// disk that holds path. A path that does not exist yet is measured at its
// nearest existing parent.
func Free(path string) (uint64, error) {
	p, err := existing(path)
	if err != nil {
		return 0, err
	}
	return statfsFree(p)
}

// existing returns path or its nearest parent that exists.
func existing(path string) (string, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	for {
		_, err := os.Stat(p)
		if err == nil || !errors.Is(err, fs.ErrNotExist) {
			return p, err
		}
		parent := filepath.Dir(p)
		if parent == p {
			return p, err
		}
		p = parent
	}
}

// Ensure returns nil when the disk holding path has at least need bytes
// free, and otherwise an ENOSPACE error whose message tells the user how
// much is left and that nothing was written. It returns EINTERNAL when the
// free space cannot be read, and nil where the platform cannot measure it.
func Ensure(path string, need uint64) error {
	free, err := Free(path)
	switch {
	case errors.Is(err, ErrUnsupported):
		return nil
	case err != nil:
		return &tian.Error{Code: tian.EINTERNAL, Op: "diskspace.Ensure", Message: "无法读取数据目录所在磁盘的剩余空间", Err: err}
	case free < need:
		return &tian.Error{Code: tian.ENOSPACE, Op: "diskspace.Ensure", Message: fmt.Sprintf(
			"数据目录所在磁盘剩余空间不足（剩余 %s，需要至少 %s），本次写入未执行；查询不受影响。请清理磁盘后重试。",
			Size(free), Size(need))}
	}
	return nil
}

// Size writes a byte count for people: "12 MB", "512 KB", "1.5 GB".
func Size(n uint64) string {
	const k = 1024
	switch {
	case n >= 10*k*k*k:
		return fmt.Sprintf("%d GB", n/(k*k*k))
	case n >= k*k*k:
		return fmt.Sprintf("%.1f GB", float64(n)/(k*k*k))
	case n >= k*k:
		return fmt.Sprintf("%d MB", n/(k*k))
	case n >= k:
		return fmt.Sprintf("%d KB", n/k)
	}
	return fmt.Sprintf("%d 字节", n)
}
