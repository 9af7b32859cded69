package search

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
)

// spillAt is how many bytes of blocks the index keeps in memory before it
// moves them to its spill file. A block is about 27 KB a page, so a site of
// more than about 75 pages spills: the generated 2,000-page site has 54 MB
// of them, which in memory would triple (GOGC=200) into the build's peak.
const spillAt = 2 << 20

// store holds the blocks of an Index: the newest in memory, back to back
// in one arena that is reused, the others in a temporary file, written in
// batches. A batch is laid out by group (all its pages' group 0, then all
// their group 1, …), so that Write reads the part of a batch it merges in
// one piece.
type store struct {
	limit   int // spillAt; tests lower it
	arena   []byte
	pending []*block
	f       *os.File
	name    string // of f, where it could not be unlinked at once
	cleanup runtime.Cleanup
	size    int64 // bytes in f
	batches []batch
	dead    int64 // bytes in f of removed pages
	err     error // the first spill that failed
}

// batch is one write to the spill file: segment g, from seg[g] to
// seg[g+1], is the group g of each of its blocks, in order.
type batch struct {
	seg    [groups + 1]int64
	blocks []*block
}

// add keeps block b, whose records are recs. The arena is spilled before
// it would grow past the limit, so that it stays one allocation, reused.
func (s *store) add(b *block, recs []byte) {
	limit := s.limit
	if limit == 0 {
		limit = spillAt
	}
	if len(s.pending) > 0 && len(s.arena)+len(recs) > limit && s.err == nil {
		s.err = s.spill()
	}
	if need := len(s.arena) + len(recs); need > cap(s.arena) {
		// The first block, one larger than the limit, or a spill failed.
		a := make([]byte, len(s.arena), max(need, 2*cap(s.arena), min(limit, spillAt)))
		copy(a, s.arena)
		s.arena = a
	}
	b.off = len(s.arena)
	s.arena = append(s.arena, recs...)
	s.pending = append(s.pending, b)
}

func (s *store) remove(b *block) {
	b.id = -1
	if b.spilled > 0 {
		s.dead += int64(b.grp[groups])
		return
	}
	// Its records stay in the arena until the next spill empties it.
	if i := slices.Index(s.pending, b); i >= 0 {
		s.pending = slices.Delete(s.pending, i, i+1)
	}
}

// spill appends the pending blocks to the file as one batch. On failure
// they stay in memory.
func (s *store) spill() error {
	if s.f == nil {
		f, name, err := tempFile()
		if err != nil {
			return err
		}
		s.setFile(f, name)
	}
	w := bufio.NewWriterSize(io.NewOffsetWriter(s.f, s.size), 256<<10)
	bt := batch{blocks: slices.Clone(s.pending)}
	off := s.size
	for g := range groups {
		bt.seg[g] = off
		for _, b := range s.pending {
			part := s.arena[b.off+int(b.grp[g]) : b.off+int(b.grp[g+1])]
			w.Write(part)
			off += int64(len(part))
		}
	}
	bt.seg[groups] = off
	if err := w.Flush(); err != nil {
		return fmt.Errorf("search: spill file: %w", err)
	}
	s.batches = append(s.batches, bt)
	for _, b := range s.pending {
		b.spilled = int32(len(s.batches))
	}
	s.size = off
	s.pending, s.arena = s.pending[:0], s.arena[:0]
	return nil
}

// settle is called before Write, with every live block numbered in b.id.
// Once the index has spilled, what is still in memory is spilled too and
// the arena let go: Write needs its memory for merging, and a build does
// not add pages after it. A dev server's rebuilds each leave a batch of
// one page and the page it replaced: when those come to dominate the file,
// it is written again with the live blocks only.
func (s *store) settle(live []*block) error {
	if len(s.batches) == 0 || s.err != nil {
		return s.err
	}
	if len(s.pending) > 0 {
		if err := s.spill(); err != nil {
			return err
		}
	}
	s.arena = nil
	if len(s.batches) > maxBatches || s.dead > s.size/2 {
		return s.compact(live)
	}
	return nil
}

// maxBatches bounds the reads of a Write: one per batch and group.
const maxBatches = 256

// compact writes the live blocks to a new spill file as one batch.
func (s *store) compact(live []*block) error {
	f, name, err := tempFile()
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 256<<10)
	var bt batch
	parts := make([][]byte, len(live))
	var buf []byte
	off := int64(0)
	for g := range groups {
		if buf, err = s.parts(g, parts, buf); err != nil {
			f.Close()
			return err
		}
		bt.seg[g] = off
		for _, p := range parts {
			w.Write(p)
			off += int64(len(p))
		}
	}
	bt.seg[groups] = off
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("search: spill file: %w", err)
	}
	bt.blocks = slices.Clone(live)
	for _, b := range live {
		b.spilled = 1
	}
	s.setFile(f, name)
	s.batches, s.size, s.dead = []batch{bt}, off, 0
	return nil
}

// parts points parts[b.id] at block b's records of group g, for every
// block b of the index, reading segment g of every batch into buf, which
// it returns.
func (s *store) parts(g int, parts [][]byte, buf []byte) ([]byte, error) {
	n := int64(0)
	for _, bt := range s.batches {
		n += bt.seg[g+1] - bt.seg[g]
	}
	if int64(cap(buf)) < n {
		buf = make([]byte, n)
	}
	buf = buf[:0]
	for _, bt := range s.batches {
		start := len(buf)
		buf = buf[:start+int(bt.seg[g+1]-bt.seg[g])]
		if _, err := s.f.ReadAt(buf[start:], bt.seg[g]); err != nil {
			return buf, fmt.Errorf("search: spill file: %w", err)
		}
		for _, b := range bt.blocks {
			n := int(b.grp[g+1] - b.grp[g])
			if b.id >= 0 {
				parts[b.id] = buf[start : start+n]
			}
			start += n
		}
	}
	for _, b := range s.pending {
		parts[b.id] = s.arena[b.off+int(b.grp[g]) : b.off+int(b.grp[g+1])]
	}
	return buf, nil
}

// tempFile creates a spill file. It is unlinked at once where the system
// allows, so that nothing is left behind even if the process is killed;
// elsewhere (Windows) name is returned, to be removed when the file is let
// go.
func tempFile() (*os.File, string, error) {
	f, err := os.CreateTemp("", "kogi-search-*")
	if err != nil {
		return nil, "", fmt.Errorf("search: spill file: %w", err)
	}
	name := f.Name()
	if os.Remove(name) == nil {
		name = ""
	}
	return f, name, nil
}

// setFile makes f the spill file, closed (and removed, if name is not
// "") when the store is collected or the file replaced.
func (s *store) setFile(f *os.File, name string) {
	if s.f != nil {
		s.cleanup.Stop()
		spillFile{s.f, s.name}.close()
	}
	s.f, s.name = f, name
	s.cleanup = runtime.AddCleanup(s, spillFile.close, spillFile{f, name})
}

type spillFile struct {
	f    *os.File
	name string
}

func (sf spillFile) close() {
	sf.f.Close()
	if sf.name != "" {
		os.Remove(sf.name)
	}
}
