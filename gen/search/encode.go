package search

import (
	"encoding/binary"
	"sync"
	"unicode/utf8"
)

// Add turns a page into a block: its postings, one record per distinct
// token, grouped by shard, in the bytes Write copies into the shards:
//
//	flags      1 byte: the shard's index in its group (s % perGroup), and
//	           flagUni for a single Japanese character
//	len, tok   the token's length (1 byte) and its UTF-8 bytes
//	n          the length in bytes of the rest (uvarint), so that Write
//	           copies it without decoding it
//	tf         how often it occurs (uvarint)
//	positions  a bigram or word: the rune offset of each occurrence, each
//	           as the difference from the one before (tf uvarints); a
//	           single character: the offset of the first only (1 uvarint)
//
// A single Japanese character keeps no more because a one-character query
// needs no more (a page has it or not, how often, where to cut the
// snippet), and these lists would otherwise be the largest.
//
// Records are grouped by shard so that Write, which merges one group of
// shards at a time, reads each page's part of a group in one piece.
const (
	groups   = 64
	perGroup = Shards / groups
	flagUni  = 0x80
)

// block is where one page's records are. grp[g] is where group g starts in
// them; they are at off in the store's arena until they move to the spill
// file (see store).
type block struct {
	off     int
	grp     [groups + 1]uint32
	spilled int32 // 1 + the spill batch that holds it; 0 in memory
	id      int32 // the page's number in Write; -1 once removed
}

// scratch is what encoding one page needs; it is kept in a pool, so that a
// build does not allocate it for every page. Tokens are numbered as they
// are first seen; what is known of token t is at index t of keys, tfs,
// firsts, shards and starts.
type scratch struct {
	tab    table            // bigram or character → token
	rare   map[uint64]int32 // the same, for characters beyond U+FFFF
	words  wordTable        // word → token
	lower  []byte
	keys   []uint64 // see bigramKey
	tfs    []int32
	firsts []int32
	shards []int32
	starts []int32      // where its positions start in sorted
	occ    []occurrence // of bigrams and words, in text order
	ends   []occurrence // the last character of each Japanese run
	sorted []int32      // positions grouped by token
	count  [Shards + 1]int32
	order  []int32 // tokens grouped by shard
	buf    []byte
}

// occurrence is a token (for ends, a rune) at an offset.
type occurrence struct{ tok, pos int32 }

var scratchPool = sync.Pool{New: func() any {
	return &scratch{rare: map[uint64]int32{}}
}}

// Keys of tokens: runes are below 2^21, and a Japanese rune is at least
// 0x2E80, so no key is 0. Words are not in table; their key is their index
// in scratch.words.
const (
	uniBit  = 1 << 62
	wordBit = 1 << 61
)

func bigramKey(a, b rune) uint64 { return uint64(a)<<21 | uint64(b) }
func uniKey(r rune) uint64       { return uniBit | uint64(r) }

// newToken adds a token first seen at offset p.
func (s *scratch) newToken(key uint64, p int32) int32 {
	s.keys = append(s.keys, key)
	s.tfs = append(s.tfs, 0)
	s.firsts = append(s.firsts, p)
	return int32(len(s.keys) - 1)
}

// token returns the bigram or single character with key, added at offset
// p if new. Nearly all are in the Basic Multilingual Plane and go in table,
// by a key of 32 bits; the others go in a map.
func (s *scratch) token(key uint64, p int32) int32 {
	a, b := rune(key>>21&(1<<21-1)), rune(key&(1<<21-1))
	if a >= 0x10000 || b >= 0x10000 {
		t, ok := s.rare[key]
		if !ok {
			t = s.newToken(key, p)
			s.rare[key] = t
		}
		return t
	}
	k := uint32(a)<<16 | uint32(b) // a single character: b is its rune, a 0
	if key&uniBit != 0 {
		k = uint32(b) << 16
	}
	i, ok := s.tab.index(k)
	if ok {
		return s.tab.slots[i].tok
	}
	t := s.newToken(key, p)
	s.tab.put(i, k, t)
	return t
}

// word counts one more of the word in sp. An ASCII word is lower-cased
// here, into a buffer, so that no word costs a string.
func (s *scratch) word(text []byte, sp span) {
	w := text[sp.start:sp.end]
	if sp.n == len(w) && len(w) <= maxWord { // ASCII
		s.lower = s.lower[:0]
		for _, c := range w {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			s.lower = append(s.lower, c)
		}
		w = s.lower
	} else {
		w = []byte(word(string(w), span{end: len(w), n: sp.n}))
	}
	t := s.words.token(w, s, int32(sp.pos))
	s.tfs[t]++
	s.occ = append(s.occ, occurrence{t, int32(sp.pos)})
}

// wordTable maps the words of a page to their tokens by open addressing,
// with the words' bytes in one arena: a map with string keys, and a string
// for each new word, were a tenth of the time spent indexing a page. The
// FNV-1a hash that places a word is the one that picks its shard.
type wordTable struct {
	slots []int32    // index in spans + 1; 0: empty
	spans [][2]int32 // the words, by the index in their key: bytes[s[0]:s[1]]
	hash  []uint32   // FNV-1a of each word
	toks  []int32    // the token of each word
	bytes []byte
	shift uint
}

func (wt *wordTable) reset() {
	if wt.slots == nil {
		wt.slots, wt.shift = make([]int32, 1<<9), 32-9
	}
	clear(wt.slots)
	wt.spans, wt.hash, wt.toks, wt.bytes = wt.spans[:0], wt.hash[:0], wt.toks[:0], wt.bytes[:0]
}

func (wt *wordTable) word(i uint64) []byte {
	sp := wt.spans[i]
	return wt.bytes[sp[0]:sp[1]]
}

// token returns the token of word w, a new one first seen at offset p if
// need be.
func (wt *wordTable) token(w []byte, s *scratch, p int32) int32 {
	h := uint32(fnvBasis)
	for _, c := range w {
		h = (h ^ uint32(c)) * fnvPrime
	}
	mask := len(wt.slots) - 1
	i := int((h * 0x9E3779B1) >> wt.shift)
	for ; wt.slots[i] != 0; i = (i + 1) & mask {
		k := wt.slots[i] - 1
		if wt.hash[k] == h && string(wt.word(uint64(k))) == string(w) {
			return wt.toks[k]
		}
	}
	k := len(wt.spans)
	start := int32(len(wt.bytes))
	wt.bytes = append(wt.bytes, w...)
	wt.spans = append(wt.spans, [2]int32{start, int32(len(wt.bytes))})
	wt.hash = append(wt.hash, h)
	wt.slots[i] = int32(k + 1)
	if 2*(k+1) > len(wt.slots) {
		wt.slots, wt.shift = make([]int32, 2*len(wt.slots)), wt.shift-1
		mask = len(wt.slots) - 1
		for j, h := range wt.hash {
			i := int((h * 0x9E3779B1) >> wt.shift)
			for wt.slots[i] != 0 {
				i = (i + 1) & mask
			}
			wt.slots[i] = int32(j + 1)
		}
	}
	t := s.newToken(wordBit|uint64(k), p)
	wt.toks = append(wt.toks, t)
	return t
}

// encode tokenizes normalized text (see token.go) into the records of its
// block, which stay valid until the next encode, and sets the block's
// groups. It returns the text's length in runes and where its text files
// start and end (in bytes: file k is text[cuts[k][0]:cuts[k][1]]).
// Everything per character is done in one pass, which is what Runs and
// scan do, fused: the pass over a page was most of the time spent
// indexing it.
func (s *scratch) encode(text []byte, b *block) (recs []byte, runes int, cuts [][2]int) {
	clear(s.rare)
	s.words.reset()
	s.keys, s.tfs, s.firsts = s.keys[:0], s.tfs[:0], s.firsts[:0]
	s.tab.reset(len(text))
	s.occ, s.ends = s.occ[:0], s.ends[:0]
	var (
		n       int32             // runes before c
		prev    = rune(-1)        // the Japanese character before c, if any
		w       = span{start: -1} // the word being read
		nextCut int32             // rune that starts the next text file
		endCut  = int32(Chunk + Overlap)
	)
	for i := 0; i < len(text); {
		// utf8.DecodeRune, with kana and kanji (U+1000 to U+CFFF) decoded
		// inline.
		c, size := rune(text[i]), 1
		switch {
		case c < utf8.RuneSelf:
		case 0xE1 <= c && c <= 0xEC && i+2 < len(text) && text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80:
			c, size = (c&0x0F)<<12|rune(text[i+1]&0x3F)<<6|rune(text[i+2]&0x3F), 3
		default:
			c, size = utf8.DecodeRune(text[i:])
		}
		if n == nextCut {
			cuts = append(cuts, [2]int{i, len(text)})
			nextCut += Chunk
		}
		if n == endCut {
			cuts[len(cuts)-2][1] = i
			endCut += Chunk
		}
		cjk := c >= cjkLow && (c < cjkHigh && cjkBits[(c-cjkLow)/64]&(1<<((c-cjkLow)%64)) != 0 || c >= cjkHigh && isCJKSlow(c))
		switch {
		case cjk:
			if w.start >= 0 {
				w.end = i
				s.word(text, w)
				w.start = -1
			}
			// The rest of the run, as long as it is kana and kanji of
			// three bytes, is read by the loop below on its own: it has
			// no word, end or cut to look for.
			lim := min(nextCut, endCut)
			for {
				if prev < 0 {
					prev = c
				} else {
					var t int32
					if k := uint32(prev)<<16 | uint32(c); prev|c < 0x10000 {
						// s.token, inlined for the common case.
						j := int((k * 0x9E3779B1) >> s.tab.shift)
						for mask := len(s.tab.slots) - 1; ; j = (j + 1) & mask {
							if sl := s.tab.slots[j]; sl.key == k {
								t = sl.tok
								break
							} else if sl.key == 0 {
								t = s.newToken(bigramKey(prev, c), n-1)
								s.tab.put(j, k, t)
								break
							}
						}
					} else {
						t = s.token(bigramKey(prev, c), n-1)
					}
					s.tfs[t]++
					s.occ = append(s.occ, occurrence{t, n - 1})
					prev = c
				}
				j := i + size
				if n+1 >= lim || j+2 >= len(text) {
					break
				}
				c0 := text[j]
				if c0 < 0xE1 || c0 > 0xEC || text[j+1]&0xC0 != 0x80 || text[j+2]&0xC0 != 0x80 {
					break
				}
				next := rune(c0&0x0F)<<12 | rune(text[j+1]&0x3F)<<6 | rune(text[j+2]&0x3F)
				if next < cjkLow || next >= cjkHigh || cjkBits[(next-cjkLow)/64]&(1<<((next-cjkLow)%64)) == 0 {
					break
				}
				c, n, i, size = next, n+1, j, 3
			}
		case isWord(c):
			if prev >= 0 {
				s.ends = append(s.ends, occurrence{prev, n - 1})
				prev = -1
			}
			if w.start < 0 {
				w = span{start: i, pos: int(n)}
			}
			w.n++
		default:
			if prev >= 0 {
				s.ends = append(s.ends, occurrence{prev, n - 1})
				prev = -1
			}
			if w.start >= 0 {
				w.end = i
				s.word(text, w)
				w.start = -1
			}
		}
		n++
		i += size
	}
	if prev >= 0 {
		s.ends = append(s.ends, occurrence{prev, n - 1})
	}
	if w.start >= 0 {
		w.end = len(text)
		s.word(text, w)
	}
	// Every Japanese character starts a bigram but the last of its run:
	// the single characters are counted from the bigrams and the ends, with
	// a lookup per distinct bigram rather than one per character.
	for t, m := 0, len(s.keys); t < m; t++ {
		if key := s.keys[t]; key&wordBit == 0 {
			u := s.token(uniKey(rune(key>>21)), s.firsts[t])
			s.tfs[u] += s.tfs[t]
			s.firsts[u] = min(s.firsts[u], s.firsts[t])
		}
	}
	for _, e := range s.ends {
		u := s.token(uniKey(rune(e.tok)), e.pos)
		s.tfs[u]++
		s.firsts[u] = min(s.firsts[u], e.pos)
	}

	// Tokens grouped by shard: shard x is order[count[x]:count[x+1]].
	s.shards = grow(s.shards, len(s.keys))
	for t, key := range s.keys {
		switch {
		case key&wordBit != 0:
			s.shards[t] = int32(s.words.hash[key&^wordBit] % Shards)
		case key&uniBit != 0:
			s.shards[t] = int32(fnvRune(fnvBasis, rune(key&(1<<21-1))) % Shards)
		default:
			s.shards[t] = int32(fnvRune(fnvRune(fnvBasis, rune(key>>21)), rune(key&(1<<21-1))) % Shards)
		}
	}
	clear(s.count[:])
	for _, sh := range s.shards {
		s.count[sh+1]++
	}
	for i := 1; i <= Shards; i++ {
		s.count[i] += s.count[i-1]
	}
	s.order = grow(s.order, len(s.keys))
	fill := s.count
	for t, sh := range s.shards {
		s.order[fill[sh]] = int32(t)
		fill[sh]++
	}
	// Positions grouped by token, in text order within each, and the
	// tokens in the order of their records, so that writing the records
	// reads the positions in one pass rather than a token's here and
	// another's there.
	s.starts = grow(s.starts, len(s.keys))
	npos := int32(0)
	for _, t := range s.order {
		if s.keys[t]&uniBit == 0 {
			s.starts[t] = npos
			npos += s.tfs[t]
		}
	}
	s.sorted = grow(s.sorted, int(npos))
	for _, o := range s.occ {
		s.sorted[s.starts[o.tok]] = o.pos
		s.starts[o.tok]++
	}

	// Room for every record, so that appending never copies: a record
	// is at most 3 bytes of flags and lengths, its token (8 bytes but for
	// a word), and 5 bytes for its tf and for each position.
	need := len(s.keys)*(3+8+5+5) + 5*int(npos)
	need += len(s.words.bytes)
	if cap(s.buf) < need {
		s.buf = make([]byte, 0, need)
	}
	buf := s.buf[:0]
	pos := s.sorted // the positions of the next token
	for g := range groups {
		b.grp[g] = uint32(len(buf))
		for _, t := range s.order[s.count[g*perGroup]:s.count[(g+1)*perGroup]] {
			key, tf := s.keys[t], s.tfs[t]
			flags := byte(s.shards[t] % perGroup)
			n := len(buf) + 2
			switch {
			case key&wordBit != 0:
				buf = append(buf, flags, 0)
				buf = append(buf, s.words.word(key&^wordBit)...)
			case key&uniBit != 0:
				buf = append(buf, flags|flagUni, 0)
				buf = appendRune(buf, rune(key&(1<<21-1)))
			default:
				buf = append(buf, flags, 0)
				buf = appendRune(buf, rune(key>>21))
				buf = appendRune(buf, rune(key&(1<<21-1)))
			}
			buf[n-1] = byte(len(buf) - n)
			m := len(buf) // where the length of the rest goes
			buf = append(buf, 0)
			buf = appendUvarint(buf, uint32(tf))
			if key&uniBit != 0 {
				buf = appendUvarint(buf, uint32(s.firsts[t]))
			} else {
				prev := int32(0)
				for _, p := range pos[:tf] {
					buf = appendUvarint(buf, uint32(p-prev))
					prev = p
				}
				pos = pos[tf:]
			}
			if r := len(buf) - m - 1; r < 0x80 {
				buf[m] = byte(r)
			} else {
				buf = putLength(buf, m, r)
			}
		}
	}
	b.grp[groups] = uint32(len(buf))
	s.buf = buf
	return buf, int(n), cuts
}

// appendRune is utf8.AppendRune with the three-byte runes of Japanese
// inlined.
func appendRune(buf []byte, r rune) []byte {
	if 0x800 <= r && r < 0xD800 || 0xE000 <= r && r < 0x10000 {
		return append(buf, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	}
	return utf8.AppendRune(buf, r)
}

// appendUvarint is binary.AppendUvarint with the one- and two-byte cases,
// nearly all deltas of positions, inlined.
func appendUvarint(buf []byte, x uint32) []byte {
	switch {
	case x < 0x80:
		return append(buf, byte(x))
	case x < 0x4000:
		return append(buf, byte(x)|0x80, byte(x>>7))
	}
	return binary.AppendUvarint(buf, uint64(x))
}

// putLength stores r, the length of buf[m+1:], as a uvarint at buf[m],
// where one byte was left for it, moving the bytes after it: a length of
// more than one byte is a token with more than some forty positions.
func putLength(buf []byte, m, r int) []byte {
	var l [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(l[:], uint64(r))
	buf = append(buf, l[1:k]...) // room
	copy(buf[m+k:], buf[m+1:m+1+r])
	copy(buf[m:], l[:k])
	return buf
}

func grow(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

// table maps the 32-bit keys of bigrams and characters to tokens by open
// addressing: a page has some thousands of them, and a Go map was half the
// cost of indexing one. A slot holds both, so that a lookup reads one
// cache line.
type table struct {
	slots      []slot // a prefix of all, sized to the page
	all, spare []slot // kept from page to page; grow swaps them
	n          int
	shift      uint
}

type slot struct {
	key uint32 // 0: empty
	tok int32
}

// reset empties the table for a text of n bytes. The corpus has a
// distinct bigram or character for every seven bytes of text: the table
// starts at twice that many slots, so that it seldom grows (it doubles
// when half full), and no larger, so that it stays in the processor's
// cache.
func (t *table) reset(n int) {
	bits := uint(10)
	for bits < 24 && 1<<bits < n/3 {
		bits++
	}
	if len(t.all) < 1<<bits {
		t.all = make([]slot, 1<<bits)
	}
	t.slots, t.shift, t.n = t.all[:1<<bits], 32-bits, 0
	clear(t.slots)
}

// index returns the slot of key, or the empty slot where it goes.
func (t *table) index(key uint32) (int, bool) {
	mask := len(t.slots) - 1
	for i := int((key * 0x9E3779B1) >> t.shift); ; i = (i + 1) & mask {
		switch t.slots[i].key {
		case key:
			return i, true
		case 0:
			return i, false
		}
	}
}

// put fills the empty slot i, growing the table past half full.
func (t *table) put(i int, key uint32, tok int32) {
	t.slots[i] = slot{key, tok}
	if t.n++; 2*t.n <= len(t.slots) {
		return
	}
	old := t.slots
	if len(t.spare) < 2*len(old) {
		t.spare = make([]slot, 2*len(old))
	}
	t.all, t.spare = t.spare, t.all
	t.slots, t.shift = t.all[:2*len(old)], t.shift-1
	clear(t.slots)
	for _, sl := range old {
		if sl.key != 0 {
			i, _ := t.index(sl.key)
			t.slots[i] = sl
		}
	}
}
