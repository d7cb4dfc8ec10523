package sheet

import (
	bin "encoding/binary"
	"errors"
	"unicode/utf16"
)

// A compound file (OLE2, [MS-CFB]) is what Excel 97–2003 (.xls) and
// Word 97–2003 (.doc) files are, and what Office wraps a password-
// protected .xlsx or .docx in. tian reads only its directory and whole
// streams from bytes already in memory; every chain is followed at most
// as many sectors as the file has, so a looping or lying file ends in
// an error, never a hang.

// cfbFile is a parsed compound file.
type cfbFile struct {
	b        []byte
	ssz      int      // sector size: 512 or 4096
	fat      []uint32 // sector chains
	minifat  []uint32 // mini sector chains
	ministrm []byte   // the mini stream (small streams live in it)
	cutoff   uint32   // streams smaller than this are in the mini stream
	entries  []cfbEntry
}

type cfbEntry struct {
	name  string
	kind  byte // 1 storage, 2 stream, 5 root
	start uint32
	size  uint64
}

const (
	cfbEnd  = 0xFFFFFFFE // ENDOFCHAIN
	cfbFree = 0xFFFFFFFF // FREESECT
)

var errCFB = errors.New("复合文档结构损坏")

// parseCFB reads a compound file's header, allocation tables and
// directory.
func parseCFB(b []byte) (*cfbFile, error) {
	if len(b) < 512 || string(b[:8]) != string(oleMagic) {
		return nil, errCFB
	}
	le := bin.LittleEndian
	shift := le.Uint16(b[0x1E:])
	if shift != 9 && shift != 12 {
		return nil, errCFB
	}
	c := &cfbFile{b: b, ssz: 1 << shift, cutoff: le.Uint32(b[0x38:])}
	fatSectors, err := c.difat(le.Uint32(b[0x44:]), le.Uint32(b[0x48:]))
	if err != nil {
		return nil, err
	}
	for _, s := range fatSectors {
		sec, err := c.sector(s)
		if err != nil {
			return nil, err
		}
		for i := 0; i+4 <= len(sec); i += 4 {
			c.fat = append(c.fat, le.Uint32(sec[i:]))
		}
	}
	dir, err := c.chain(le.Uint32(b[0x30:]), 0)
	if err != nil {
		return nil, err
	}
	c.entries = parseDirectory(dir)
	if len(c.entries) == 0 || c.entries[0].kind != 5 {
		return nil, errCFB
	}
	if mf, err := c.chain(le.Uint32(b[0x3C:]), 0); err == nil {
		for i := 0; i+4 <= len(mf); i += 4 {
			c.minifat = append(c.minifat, le.Uint32(mf[i:]))
		}
	}
	root := c.entries[0]
	if root.start != cfbEnd && root.size > 0 {
		if c.ministrm, err = c.chain(root.start, root.size); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// difat lists the FAT's sectors: 109 in the header, the rest in a chain
// of DIFAT sectors.
func (c *cfbFile) difat(next, count uint32) ([]uint32, error) {
	le := bin.LittleEndian
	var out []uint32
	add := func(s uint32) {
		if s != cfbFree && s != cfbEnd {
			out = append(out, s)
		}
	}
	for i := 0; i < 109; i++ {
		add(le.Uint32(c.b[0x4C+4*i:]))
	}
	for n := uint32(0); n < count && next != cfbEnd && next != cfbFree; n++ {
		if int(n) > c.sectors() {
			return nil, errCFB // a DIFAT chain that loops
		}
		sec, err := c.sector(next)
		if err != nil {
			return nil, err
		}
		for i := 0; i+8 <= len(sec); i += 4 {
			add(le.Uint32(sec[i:]))
		}
		next = le.Uint32(sec[len(sec)-4:])
	}
	if len(out) > c.sectors() {
		return nil, errCFB
	}
	return out, nil
}

// sectors is how many whole sectors the file holds after its header.
func (c *cfbFile) sectors() int { return len(c.b)/c.ssz - 1 }

func (c *cfbFile) sector(n uint32) ([]byte, error) {
	off := (int64(n) + 1) * int64(c.ssz)
	if n >= cfbEnd-16 || off+int64(c.ssz) > int64(len(c.b)) {
		return nil, errCFB
	}
	return c.b[off : off+int64(c.ssz)], nil
}

// chain reads a sector chain; size 0 means the whole chain.
func (c *cfbFile) chain(start uint32, size uint64) ([]byte, error) {
	if size > uint64(len(c.b)) {
		return nil, errCFB
	}
	var out []byte
	for n, s := 0, start; s != cfbEnd; n++ {
		if n > c.sectors() || int(s) >= len(c.fat) {
			return nil, errCFB
		}
		sec, err := c.sector(s)
		if err != nil {
			return nil, err
		}
		out = append(out, sec...)
		if size > 0 && uint64(len(out)) >= size {
			return out[:size], nil
		}
		s = c.fat[s]
	}
	if size > uint64(len(out)) {
		return nil, errCFB
	}
	return out, nil
}

// miniChain reads a stream stored in the mini stream.
func (c *cfbFile) miniChain(start uint32, size uint64) ([]byte, error) {
	const msz = 64
	var out []byte
	for n, s := 0, start; uint64(len(out)) < size; n++ {
		off := int(s) * msz
		if s == cfbEnd || n > len(c.minifat) || int(s) >= len(c.minifat) || off+msz > len(c.ministrm) {
			return nil, errCFB
		}
		out = append(out, c.ministrm[off:off+msz]...)
		s = c.minifat[s]
	}
	return out[:size], nil
}

func parseDirectory(dir []byte) []cfbEntry {
	le := bin.LittleEndian
	var out []cfbEntry
	for i := 0; i+128 <= len(dir); i += 128 {
		e := dir[i : i+128]
		n := int(le.Uint16(e[64:]))
		if n < 2 || n > 64 {
			out = append(out, cfbEntry{})
			continue
		}
		u := make([]uint16, n/2-1)
		for j := range u {
			u[j] = le.Uint16(e[2*j:])
		}
		out = append(out, cfbEntry{name: string(utf16.Decode(u)), kind: e[66],
			start: le.Uint32(e[116:]), size: le.Uint64(e[120:]) & 0xFFFFFFFF})
	}
	return out
}

// stream returns the named stream's bytes, and whether there is one.
func (c *cfbFile) stream(name string) ([]byte, bool, error) {
	for _, e := range c.entries {
		if e.kind != 2 || e.name != name {
			continue
		}
		if e.size < uint64(c.cutoff) {
			b, err := c.miniChain(e.start, e.size)
			return b, true, err
		}
		b, err := c.chain(e.start, e.size)
		return b, true, err
	}
	return nil, false, nil
}

// has reports whether the file holds a stream of that name.
func (c *cfbFile) has(name string) bool {
	for _, e := range c.entries {
		if e.kind == 2 && e.name == name {
			return true
		}
	}
	return false
}
