// Package segment cuts Chinese proposal text into words with gse, the way
// this domain needs it.
//
// A Segmenter combines three dictionaries, highest precedence first: the
// deployment's user dictionaries (given at start-up, no rebuild needed),
// tian's embedded domain dictionary (models/dict/domain.txt: 专精特新,
// 一老一小, 急难愁盼, the undertaking units, …) and gse's embedded Simplified
// Chinese dictionary (zh_s). They are merged into one gse dictionary in a
// single load, so no entry is dropped or overridden by load order, and the
// Segmenter is never mutated afterwards. To change dictionaries, start with
// the new ones and rebuild the index (tian reindex): the index holds words
// as the old dictionaries cut them, and queries must be cut the same way.
//
// Before cutting, text is normalised: invalid UTF-8 becomes U+FFFD,
// full-width ASCII becomes half-width, runs of whitespace collapse to one
// space, zero-width characters go, and Traditional Chinese becomes
// Simplified through OpenCC (github.com/longbridgeapp/opencc, t2s). Tokens
// carry the normalised word and its byte offsets in the original input.
//
// Exact mode gives one token per word (classification, display); search mode
// adds the dictionary words inside long words (the index). Keywords ranks
// the words of a text by TF-IDF, with IDF from a corpus or, without one,
// from gse's table.
package segment
