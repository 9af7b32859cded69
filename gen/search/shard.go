package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
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
			parts := make([][]byte, len(blocks))
			for g := int(atomic.AddInt32(&next, 1)); g < groups; g = int(atomic.AddInt32(&next, 1)) {
				var err error
				buf, err = s.parts(g, parts, buf)
				for i := 0; i < perGroup && err == nil; i++ {
					m.reset()
					for id, p := range parts {
						if parts[id], err = m.add(int32(id), p, byte(i)); err != nil {
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

// merger collects the lists of one shard. Its tokens are interned in a
// table of its own, by hash, with their bytes in one arena: a map with
// string keys, one string per token and shard, was half the time of Write.
type merger struct {
	seed  maphash.Seed
	slots []int32 // index in lists + 1; 0: empty
	lists []plist
	toks  []byte  // the tokens' bytes
	order []int32 // lists by token
}

type plist struct {
	tok  [2]int32 // toks[tok[0]:tok[1]]
	last int32    // page of the last entry
	buf  []byte
}

func (m *merger) reset() {
	if m.slots == nil {
		m.seed, m.slots = maphash.MakeSeed(), make([]int32, 1<<10)
	}
	clear(m.slots)
	m.lists, m.toks = m.lists[:0], m.toks[:0]
}

// list returns the list of tok, new if need be.
func (m *merger) list(tok []byte) *plist {
	mask := len(m.slots) - 1
	for i := int(maphash.Bytes(m.seed, tok)) & mask; ; i = (i + 1) & mask {
		l := m.slots[i]
		if l == 0 {
			break
		}
		if p := &m.lists[l-1]; string(m.toks[p.tok[0]:p.tok[1]]) == string(tok) {
			return p
		}
	}
	if 2*(len(m.lists)+1) > len(m.slots) {
		m.slots = make([]int32, 2*len(m.slots))
		mask = len(m.slots) - 1
		for k := range m.lists {
			p := &m.lists[k]
			i := int(maphash.Bytes(m.seed, m.toks[p.tok[0]:p.tok[1]])) & mask
			for m.slots[i] != 0 {
				i = (i + 1) & mask
			}
			m.slots[i] = int32(k + 1)
		}
	}
	i := int(maphash.Bytes(m.seed, tok)) & mask
	for m.slots[i] != 0 {
		i = (i + 1) & mask
	}
	start := int32(len(m.toks))
	m.toks = append(m.toks, tok...)
	if n := len(m.lists); n < cap(m.lists) {
		m.lists = m.lists[:n+1]
		m.lists[n] = plist{buf: m.lists[n].buf[:0]} // reuse its buffer
	} else {
		m.lists = append(m.lists, plist{})
	}
	m.slots[i] = int32(len(m.lists))
	p := &m.lists[len(m.lists)-1]
	p.tok = [2]int32{start, int32(len(m.toks))}
	return p
}

// add appends the records of page id for the shard with index sh in its
// group from the start of recs, and returns the rest.
func (m *merger) add(id int32, recs []byte, sh byte) ([]byte, error) {
	for len(recs) > 0 && recs[0]&^flagUni == sh {
		if len(recs) < 2 || len(recs) < 2+int(recs[1]) {
			return nil, errCorrupt
		}
		flags, tok := recs[0], recs[2:2+int(recs[1])]
		rest := recs[2+len(tok):]
		// The rest of the record: tf, then tf positions or one.
		tf, n := binary.Uvarint(rest)
		if n <= 0 {
			return nil, errCorrupt
		}
		if flags&flagUni != 0 {
			tf = 1
		}
		end := n
		for ; tf > 0; tf-- {
			_, k := binary.Uvarint(rest[end:])
			if k <= 0 {
				return nil, errCorrupt
			}
			end += k
		}
		l := m.list(tok)
		l.buf = binary.AppendUvarint(l.buf, uint64(id-l.last))
		l.buf = append(l.buf, rest[:end]...)
		l.last = id
		recs = rest[end:]
	}
	if len(recs) > 0 && recs[0]&^flagUni < sh {
		return nil, errCorrupt
	}
	return recs, nil
}

var errCorrupt = errors.New("search: spill file corrupt")

// shard appends the shard, in its file format, to out.
func (m *merger) shard(out []byte) []byte {
	tok := func(i int32) []byte { t := m.lists[i].tok; return m.toks[t[0]:t[1]] }
	m.order = m.order[:0]
	for i := range m.lists {
		m.order = append(m.order, int32(i))
	}
	slices.SortFunc(m.order, func(a, b int32) int { return bytes.Compare(tok(a), tok(b)) })
	for _, i := range m.order {
		l := &m.lists[i]
		out = binary.AppendUvarint(out, uint64(l.tok[1]-l.tok[0]))
		out = append(out, tok(i)...)
		out = binary.AppendUvarint(out, uint64(len(l.buf)))
		out = append(out, l.buf...)
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
