package index

// SetRawReserve sets the reserve without the default for 0, which turns
// the free-space guard off: tests then meet bleve on a full disk.
func (ix *Index) SetRawReserve(n uint64) { ix.guard.reserve.Store(n) }
