package search

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// A shard file (s/XX.bin) is its tokens in byte order, each as
//
//	uvarint  length of the token, then its UTF-8 bytes
//	uvarint  length of its list, then the list
//
// where the list holds, for every page with the token in page order, the
// page's number minus the previous page's (uvarint), then the rest of the
// page's record (see encode.go): tf and the positions, or, for a single
// Japanese character, tf and the first position. Tokens need no kind: a
// single Japanese character is never a bigram or a word.

// writeShards merges the blocks, which are in page order, into the shards
// and emits each; it returns their hashes. A worker takes one group of
// shards at a time and merges them one by one: a page's records of a
// group are in shard order, so each page's part is read from where the
// previous shard stopped, and only one shard's lists are held at once.
func (s *store) writeShards(blocks []*block, emit func(string, []byte) error) ([Shards][32]byte, error) {
	var sums [Shards][32]byte
	if s.err != nil {
		return sums, s.err
	}
	var (
		next int32 = -1
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for i, b := range blocks {
		b.id = int32(i)
	}
	if s.err = s.settle(blocks); s.err != nil {
		return sums, s.err
	}
	for range min(runtime.GOMAXPROCS(0), groups) {
		wg.Go(func() {
			var m merger
			var buf, out []byte
			m.parts = make([][]byte, len(blocks))
			m.read = make([]int32, len(blocks))
			for g := int(atomic.AddInt32(&next, 1)); g < groups; g = int(atomic.AddInt32(&next, 1)) {
				var err error
				buf, err = s.parts(g, m.parts, buf)
				clear(m.read)
				for i := 0; i < perGroup && err == nil; i++ {
					m.reset()
					for id := range m.parts {
						if err = m.add(int32(id), byte(i)); err != nil {
							break
						}
					}
					if err == nil {
						sh := g*perGroup + i
						out = m.shard(out[:0])
						sums[sh] = sha256.Sum256(out)
						err = emit(shardName(sh), out)
					}
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return sums, errors.Join(errs...)
}

// merger collects the lists of one shard without copying them: a list is
// a chain of references to the pages' records, which stay where
// store.parts put them, and shard copies each record once, into the file.
// Its tokens are interned in a table of its own, by a hash of their bytes
// read a word at a time: a map with string keys, one string per token and
// shard, was half the time of Write, and maphash with a byte comparison
// still a quarter.
type merger struct {
	parts [][]byte // each page's records of the group being merged
	read  []int32  // how far parts[id] was merged: earlier shards
	slots []int32  // index in toks + 1; 0: empty
	shift uint     // 64 - log2(len(slots))
	toks  []mtoken
	bytes []byte // the tokens' bytes
	refs  []ref  // the records of all lists, chained
	order []sortKey
}

// mtoken is one token of the shard and its list.
type mtoken struct {
	key        uint64   // prefixKey of its bytes
	tok        [2]int32 // bytes[tok[0]:tok[1]]
	head, tail int32    // its refs, in page order
	last       int32    // page of the last ref
	size       int32    // bytes of its list in the shard file
}

// ref is the rest of one record (tf and positions), parts[id][off:off+n],
// and the next record of its token's list, -1 for none.
type ref struct{ id, off, n, next int32 }

type sortKey struct {
	key uint64
	t   int32
}

// prefixKey is the first 8 bytes of tok, big-endian, padded with zeros:
// tokens whose keys differ are in the order of their keys, so that
// sorting them rarely looks at their bytes.
func prefixKey(tok []byte) uint64 {
	if len(tok) >= 8 {
		return binary.BigEndian.Uint64(tok)
	}
	var k uint64
	for i, c := range tok {
		k |= uint64(c) << (56 - 8*i)
	}
	return k
}

// hash mixes what interning compares: the key, the length and, past 8
// bytes, the last 8, so that long words with one prefix spread too.
func hash(key uint64, tok []byte) uint64 {
	h := key + uint64(len(tok))
	if len(tok) > 8 {
		h ^= binary.LittleEndian.Uint64(tok[len(tok)-8:]) * 0xC2B2AE3D27D4EB4F
	}
	return h * 0x9E3779B97F4A7C15
}

func (m *merger) reset() {
	if m.slots == nil {
		m.slots, m.shift = make([]int32, 1<<10), 64-10
	}
	clear(m.slots)
	m.toks, m.bytes, m.refs = m.toks[:0], m.bytes[:0], m.refs[:0]
}

// token returns the index in toks of tok, whose prefixKey is key, new if
// need be.
func (m *merger) token(key uint64, tok []byte) int32 {
	h := hash(key, tok)
	mask := len(m.slots) - 1
	i := int(h >> m.shift)
	for ; m.slots[i] != 0; i = (i + 1) & mask {
		t := &m.toks[m.slots[i]-1]
		// Equal keys and lengths are equal tokens up to 8 bytes.
		if t.key == key && int(t.tok[1]-t.tok[0]) == len(tok) &&
			(len(tok) <= 8 || string(m.bytes[t.tok[0]:t.tok[1]]) == string(tok)) {
			return m.slots[i] - 1
		}
	}
	start := int32(len(m.bytes))
	m.bytes = append(m.bytes, tok...)
	m.toks = append(m.toks, mtoken{key: key, tok: [2]int32{start, int32(len(m.bytes))}, head: -1, tail: -1})
	n := int32(len(m.toks))
	m.slots[i] = n
	if 2*int(n) > len(m.slots) {
		m.slots, m.shift = make([]int32, 2*len(m.slots)), m.shift-1
		mask = len(m.slots) - 1
		for k := range m.toks {
			t := &m.toks[k]
			i := int(hash(t.key, m.bytes[t.tok[0]:t.tok[1]]) >> m.shift)
			for m.slots[i] != 0 {
				i = (i + 1) & mask
			}
			m.slots[i] = int32(k + 1)
		}
	}
	return n - 1
}

// add appends the records of page id for the shard with index sh in its
// group, from where the previous shard's stopped.
func (m *merger) add(id int32, sh byte) error {
	recs := m.parts[id]
	i := int(m.read[id])
	for i < len(recs) && recs[i]&^flagUni == sh {
		// flags, length of the token, the token, length of the rest
		if i+2 > len(recs) || i+2+int(recs[i+1]) > len(recs) {
			return errCorrupt
		}
		tok := recs[i+2 : i+2+int(recs[i+1])]
		i += 2 + len(tok)
		n, k := binary.Uvarint(recs[i:])
		if k <= 0 || n > uint64(len(recs)-i-k) {
			return errCorrupt
		}
		i += k
		var key uint64
		if s := i - k - len(tok); s+8 <= len(recs) {
			// The bytes after a short token are the record's rest: read
			// 8 at once and drop those.
			key = binary.BigEndian.Uint64(recs[s:])
			if len(tok) < 8 {
				key &= ^uint64(0) << (64 - 8*len(tok))
			}
		} else {
			key = prefixKey(tok)
		}
		t := &m.toks[m.token(key, tok)]
		r := int32(len(m.refs))
		m.refs = append(m.refs, ref{id: id, off: int32(i), n: int32(n), next: -1})
		if t.tail >= 0 {
			m.refs[t.tail].next = r
		} else {
			t.head = r
		}
		t.tail = r
		t.size += int32(uvarintLen(uint64(id-t.last)) + int(n))
		t.last = id
		i += int(n)
	}
	if i < len(recs) && recs[i]&^flagUni < sh {
		return errCorrupt
	}
	m.read[id] = int32(i)
	return nil
}

var errCorrupt = errors.New("search: spill file corrupt")

func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

// shard appends the shard, in its file format, to out.
func (m *merger) shard(out []byte) []byte {
	m.order = m.order[:0]
	for t := range m.toks {
		m.order = append(m.order, sortKey{m.toks[t].key, int32(t)})
	}
	slices.SortFunc(m.order, func(a, b sortKey) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		ta, tb := &m.toks[a.t], &m.toks[b.t]
		return bytes.Compare(m.bytes[ta.tok[0]:ta.tok[1]], m.bytes[tb.tok[0]:tb.tok[1]])
	})
	// The shard's size, and 8 bytes more: a record's rest of up to 8
	// bytes, most of them, is copied as one word.
	size := 8
	for _, t := range m.toks {
		n := int(t.tok[1] - t.tok[0])
		size += uvarintLen(uint64(n)) + n + uvarintLen(uint64(t.size)) + int(t.size)
	}
	out = slices.Grow(out, size)
	for _, o := range m.order {
		t := &m.toks[o.t]
		out = appendUvarint(out, uint32(t.tok[1]-t.tok[0]))
		out = append(out, m.bytes[t.tok[0]:t.tok[1]]...)
		out = appendUvarint(out, uint32(t.size))
		prev := int32(0)
		for r := t.head; r >= 0; {
			f := &m.refs[r]
			out = appendUvarint(out, uint32(f.id-prev))
			part := m.parts[f.id]
			if w := len(out); f.n <= 8 && int(f.off)+8 <= len(part) {
				binary.LittleEndian.PutUint64(out[w:w+8], binary.LittleEndian.Uint64(part[f.off:]))
				out = out[:w+int(f.n)]
			} else {
				out = append(out, part[f.off:f.off+f.n]...)
			}
			prev, r = f.id, f.next
		}
	}
	return out
}

// parseShard splits a shard file into its tokens' lists.
func parseShard(b []byte) (map[string][]byte, error) {
	m := map[string][]byte{}
	for len(b) > 0 {
		var parts [2][]byte
		for k := range parts {
			n, w := binary.Uvarint(b)
			if w <= 0 || uint64(len(b)-w) < n {
				return nil, fmt.Errorf("truncated at %d bytes from the end", len(b))
			}
			parts[k], b = b[w:w+int(n)], b[w+int(n):]
		}
		m[string(parts[0])] = parts[1]
	}
	return m, nil
}
