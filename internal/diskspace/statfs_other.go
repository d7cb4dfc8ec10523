//go:build !unix

package diskspace

func statfsFree(string) (uint64, error) { return 0, ErrUnsupported }
