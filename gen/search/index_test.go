package search

import (
	"bytes"
	"fmt"
	"maps"
	"sync"
	"testing"
)

// site is what a build holds of an index: the text files Add returned and
// the files Write emitted, less those that Write no longer names.
type site struct {
	ix    *Index
	mu    sync.Mutex
	files map[string][]byte
}

func newSite() *site { return &site{ix: New(), files: map[string][]byte{}} }

// add indexes d and keeps its text files; safe for concurrent use.
func (s *site) add(d Doc) {
	fs := s.ix.Add(d)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range fs {
		s.files[f.Name] = f.Data
	}
}

// write writes the index and returns every file of it.
func (s *site) write() (map[string][]byte, error) {
	names, err := s.ix.Write(func(name string, data []byte) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.files[name] = bytes.Clone(data) // data is only lent
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keep := map[string]bool{}
	for _, n := range names {
		if _, ok := s.files[n]; !ok {
			return nil, fmt.Errorf("Write names %s, which neither Add nor Write gave", n)
		}
		keep[n] = true
	}
	maps.DeleteFunc(s.files, func(n string, _ []byte) bool { return !keep[n] })
	return maps.Clone(s.files), nil
}

// build indexes docs in order and returns the index's files.
func build(t testing.TB, docs []Doc, limit int) map[string][]byte {
	t.Helper()
	s := newSite()
	s.ix.store.limit = limit
	for _, d := range docs {
		s.add(d)
	}
	files, err := s.write()
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestSpill checks that the blocks moved to the spill file come back as
// they were: the index of the corpus is the same whether every page stays
// in memory, every page spills on its own, or a few pages spill together
// and some were removed and added again after.
func TestSpill(t *testing.T) {
	_, docs := corpusIndex(t)
	mem := build(t, docs, 1<<40)
	for _, limit := range []int{1, 200_000} {
		s := newSite()
		s.ix.store.limit = limit
		for _, d := range docs {
			s.add(d)
		}
		for _, d := range docs[:10] {
			s.ix.Remove(d.URL)
		}
		for _, d := range docs[:10] {
			s.add(d)
		}
		got, err := s.write()
		if err != nil {
			t.Fatal(err)
		}
		if s.ix.store.size == 0 {
			t.Errorf("limit %d: nothing spilled", limit)
		}
		if !maps.EqualFunc(got, mem, bytes.Equal) {
			t.Errorf("limit %d: the index differs from the one kept in memory", limit)
		}
		// A second Write reads the spill file again.
		again, err := s.write()
		if err != nil || !maps.EqualFunc(again, mem, bytes.Equal) {
			t.Errorf("limit %d: a second Write differs (%v)", limit, err)
		}
	}
}

// TestCompact rebuilds pages one by one, as a dev server does, until the
// spill file is mostly pages that were replaced, and checks that it is
// rewritten and the index still right.
func TestCompact(t *testing.T) {
	_, docs := corpusIndex(t)
	docs = docs[:20]
	want := build(t, docs, 1<<40)
	s := newSite()
	s.ix.store.limit = 100_000
	for _, d := range docs {
		s.add(d)
	}
	compacted := false
	for i := range 2 * len(docs) {
		d := docs[i%len(docs)]
		s.ix.Remove(d.URL)
		s.add(d)
		got, err := s.write()
		if err != nil {
			t.Fatal(err)
		}
		st := &s.ix.store
		if st.dead > st.size/2 || len(st.batches) > maxBatches {
			t.Fatalf("after %d rebuilds: %d of %d bytes dead, %d batches", i+1, st.dead, st.size, len(st.batches))
		}
		compacted = compacted || len(st.batches) == 1 && st.dead == 0
		if i%len(docs) == len(docs)-1 && !maps.EqualFunc(got, want, bytes.Equal) {
			t.Fatalf("after %d rebuilds the index differs from a fresh one", i+1)
		}
	}
	if !compacted {
		t.Error("the spill file was never rewritten")
	}
}
