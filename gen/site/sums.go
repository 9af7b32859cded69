package site

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"github.com/zeebo/xxh3"
)

// sums remembers what each file of a reused tree holds, so that a rebuild
// can tell an unchanged output from a changed one without reading it back:
// reading back every page, shard and text file was a twentieth of a corpus
// rebuild. An entry is trusted only while the file's stat key (size, inode,
// modification and change times, as git trusts its index) is the one
// recorded when gen wrote or compared the file; anything else is compared
// byte by byte as before. The record lives in the cache folder, one per tree
// folder (by path and inode, since builds exchange two folders), and is
// only a cache: a missing, stale or corrupt one costs reads, never a wrong
// file.
type sums struct {
	path string // of the record; "" when there is none
	mu   sync.Mutex
	old  map[string]sumEntry // rel → as the last build left it
	cur  map[string]sumEntry // rel → as this build leaves it
}

type sumEntry struct {
	stat [4]int64 // see statOf
	hash xxh3.Uint128
}

const sumsHeader = "kogi-sums 1\n"

// openSums reads the record of the tree folder dir (an existing folder) in
// cacheDir; with no cache folder it returns nil, which records nothing.
func openSums(cacheDir, dir string) *sums {
	if cacheDir == "" {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil
	}
	st, ok := statOf(fi)
	if !ok {
		return nil
	}
	h := sha256.Sum256([]byte(abs))
	s := &sums{
		path: filepath.Join(cacheDir, "out", fmt.Sprintf("%s-%d", hex.EncodeToString(h[:8]), st[1])),
		old:  map[string]sumEntry{},
		cur:  map[string]sumEntry{},
	}
	data, err := os.ReadFile(s.path)
	if err != nil || !bytes.HasPrefix(data, []byte(sumsHeader)) {
		return s
	}
	// A file changed in the same clock tick as gen last wrote it keeps its
	// stat; as git does with its index, entries not older than the record
	// itself are compared byte by byte.
	rfi, err := os.Stat(s.path)
	if err != nil {
		return s
	}
	saved := rfi.ModTime().UnixNano()
	for line := range bytes.SplitSeq(data[len(sumsHeader):], []byte("\n")) {
		rel, e, ok := parseSum(line)
		if !ok {
			if len(line) > 0 {
				clear(s.old) // damaged: trust none of it
				return s
			}
			continue
		}
		if e.stat[2] < saved {
			s.old[rel] = e
		}
	}
	return s
}

// parseSum reads "rel\tsize ino mtime ctime hi lo".
func parseSum(line []byte) (string, sumEntry, bool) {
	rel, rest, ok := bytes.Cut(line, []byte("\t"))
	if !ok {
		return "", sumEntry{}, false
	}
	var e sumEntry
	var nums [6]uint64
	for i := range nums {
		f, r, _ := bytes.Cut(rest, []byte(" "))
		v, err := strconv.ParseUint(string(f), 10, 64)
		if err != nil {
			return "", sumEntry{}, false
		}
		nums[i], rest = v, r
	}
	for i := range e.stat {
		e.stat[i] = int64(nums[i])
	}
	e.hash = xxh3.Uint128{Hi: nums[4], Lo: nums[5]}
	return string(rel), e, true
}

// hash is what the record keeps of data; without a record, nothing is
// computed.
func (s *sums) hash(data []byte) xxh3.Uint128 {
	if s == nil {
		return xxh3.Uint128{}
	}
	return xxh3.Hash128(data)
}

// unchanged reports whether the file rel, which stat describes as fi, is
// known to hold bytes with hash h.
func (s *sums) unchanged(rel string, fi fs.FileInfo, h xxh3.Uint128) bool {
	if s == nil {
		return false
	}
	st, ok := statOf(fi)
	if !ok {
		return false
	}
	s.mu.Lock()
	e, ok := s.old[rel]
	s.mu.Unlock()
	return ok && e.stat == st && e.hash == h
}

// record notes that rel, as fi describes it, now holds bytes with hash h.
func (s *sums) record(rel string, fi fs.FileInfo, h xxh3.Uint128) {
	if s == nil {
		return
	}
	if st, ok := statOf(fi); ok {
		s.mu.Lock()
		s.cur[rel] = sumEntry{st, h}
		s.mu.Unlock()
	}
}

// save writes this build's record in place of the last one; on failure the
// old record stays, and its entries no longer match the files they name.
func (s *sums) save() error {
	if s == nil {
		return nil
	}
	var buf bytes.Buffer
	buf.WriteString(sumsHeader)
	for rel, e := range s.cur {
		buf.WriteString(rel)
		buf.WriteByte('\t')
		for _, v := range e.stat {
			buf.WriteString(strconv.FormatUint(uint64(v), 10))
			buf.WriteByte(' ')
		}
		buf.WriteString(strconv.FormatUint(e.hash.Hi, 10))
		buf.WriteByte(' ')
		buf.WriteString(strconv.FormatUint(e.hash.Lo, 10))
		buf.WriteByte('\n')
	}
	if err := writeCacheFile(s.path, buf.Bytes()); err != nil {
		return err
	}
	dropOldRecords(filepath.Dir(s.path), maxRecords)
	return nil
}

// maxRecords is how many output folders keep a record. Every folder ever
// built gets one (two per site, and each of a benchmark's temporary
// folders), so the oldest go: a site built again after that only reads its
// outputs back once.
const maxRecords = 32

// dropOldRecords removes all but the keep most recently written records.
func dropOldRecords(dir string, keep int) {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) <= keep {
		return
	}
	type rec struct {
		name string
		mod  int64
	}
	var recs []rec
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
			recs = append(recs, rec{e.Name(), fi.ModTime().UnixNano()})
		}
	}
	slices.SortFunc(recs, func(a, b rec) int { return cmp.Compare(b.mod, a.mod) })
	for _, r := range recs[min(keep, len(recs)):] {
		os.Remove(filepath.Join(dir, r.name))
	}
}
