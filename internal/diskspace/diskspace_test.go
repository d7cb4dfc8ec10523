package diskspace_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tian"
	"tian/internal/diskspace"
	"tian/internal/diskspace/disktest"
)

func TestFreeFollowsWrites(t *testing.T) {
	dir := disktest.Tmpfs(t, 16<<20)
	empty, err := diskspace.Free(dir)
	if err != nil || empty != 16<<20 {
		t.Fatalf("Free(empty 16 MB tmpfs) = %d, %v", empty, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "four"), make([]byte, 4<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, _ := diskspace.Free(dir); got != empty-4<<20 {
		t.Errorf("after writing 4 MB: Free = %d, want %d", got, empty-4<<20)
	}
	if got, err := diskspace.Free(filepath.Join(dir, "not", "yet")); err != nil || got != empty-4<<20 {
		t.Errorf("a path not made yet is measured at its parent: %d, %v", got, err)
	}
}

func TestEnsure(t *testing.T) {
	dir := disktest.Tmpfs(t, 16<<20)
	if err := diskspace.Ensure(dir, 8<<20); err != nil {
		t.Fatalf("Ensure(8 MB) on an empty 16 MB disk: %v", err)
	}
	free := disktest.Fill(t, dir)
	err := diskspace.Ensure(dir, 64<<20)
	want := "数据目录所在磁盘剩余空间不足（剩余 0 字节，需要至少 64 MB），本次写入未执行；查询不受影响。请清理磁盘后重试。"
	if tian.ErrorCode(err) != tian.ENOSPACE || tian.ErrorMessage(err) != want {
		t.Errorf("Ensure on a full disk:\n got %s %q\nwant %s %q", tian.ErrorCode(err), tian.ErrorMessage(err), tian.ENOSPACE, want)
	}
	free()
	if err := diskspace.Ensure(dir, 8<<20); err != nil {
		t.Errorf("Ensure after freeing: %v", err)
	}
}

func TestEnsureUnreadable(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o600)
	err := diskspace.Ensure(filepath.Join(f, "below a file"), 1)
	if tian.ErrorCode(err) != tian.EINTERNAL || !strings.Contains(tian.ErrorMessage(err), "无法读取") {
		t.Errorf("Ensure below a file: %v", err)
	}
}

func TestSize(t *testing.T) {
	for _, c := range []struct {
		n    uint64
		want string
	}{
		{0, "0 字节"}, {1023, "1023 字节"}, {1024, "1 KB"}, {12 << 20, "12 MB"},
		{64<<20 + 1, "64 MB"}, {3 << 29, "1.5 GB"}, {20 << 30, "20 GB"},
	} {
		if got := diskspace.Size(c.n); got != c.want {
			t.Errorf("Size(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
