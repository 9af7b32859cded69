// Package search builds the full-text index that static/assets/search.js
// queries in the browser. The index is a set of static files under
// assets/search/, so search works offline and on any static host, and a
// query downloads only what it needs:
//
//	docs.json         every page: URL, title, course, text length and text
//	                  key, and the parameters below; loaded once per page view
//	s/XX.bin          shard XX (hex) of the posting lists: the tokens whose
//	                  FNV-1a hash is XX modulo Shards (format in shard.go)
//	t/KEY-K.txt       the text of the page with that key from rune K×Chunk
//	                  on, Chunk+Overlap runes long: a snippet is cut from one
//	                  such file
//
// The site build uses an Index: one Add per page, from any worker, in any
// order, which returns the page's text files for the worker to write at
// once; then Write, which merges the pages' postings into the shards and
// emits them and docs.json one by one. The index keeps little per page in
// memory: not its text, and its postings only until they add up to
// spillAt bytes, when they move to a temporary file (store.go). Tokens are
// described in token.go, the postings in encode.go and shard.go, ranking
// in lookup.go.
package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Dir is the folder, relative to the site root, that holds the index files.
const Dir = "assets/search/"

const (
	// Shards is the number of posting-list files. Each query token costs
	// one shard, so the transfer of a query is about tokens × (index size
	// / Shards): 256 keeps a shard of the corpus index near 4 KB.
	Shards = 256
	// Chunk is the number of runes between the starts of two text files
	// of a page; a result's snippet costs one file of Chunk+Overlap runes.
	// Every file costs the build a creation (0.45 ms here) or, on a
	// rebuild, a read to compare, so fewer, larger files: on the corpus a
	// page is 2.4 files with 4096 (7.8 with 1024), and the ten snippets of
	// a query cost at most 110 KB (32 KB with 1024).
	Chunk = 4096
	// Overlap is how far a text file reaches into the next one, and the
	// length of a snippet: a window of Overlap runes, wherever it starts,
	// lies in one file.
	Overlap = 100
	// version is the format of docs.json and the shards; search.js
	// refuses another.
	version = 2
)

// Doc is one page to index.
type Doc struct {
	URL    string // site path without the base URL: "/gm/lect02/"
	Title  string
	Course string // the course's title, "" for a page outside a course
	Text   string // visible text of the article: PlainText of its HTML
}

// File is one file of the index: its path under the site root (below Dir)
// and its bytes.
type File struct {
	Name string
	Data []byte
}

// Index collects pages; it is safe for concurrent use.
type Index struct {
	mu    sync.Mutex
	docs  map[string][]*entry // by URL; more than one is an error
	store store               // the postings of every page
}

// entry is one page, tokenized and encoded by Add on the caller's worker,
// so that Write only has to merge.
type entry struct {
	url, title, course string
	key                string   // names its text files: see textKey
	runes              int      // length of the text
	texts              int      // number of text files
	sum                [32]byte // hash of the text
	block                       // its postings: see encode.go and store.go
}

// New returns an empty index.
func New() *Index { return &Index{docs: map[string][]*entry{}} }

// Add indexes one page and returns its text files, which the caller writes
// (they are not kept: Write lists their names, not their bytes). Their Data
// share one array and must not be modified. The title and text are
// normalized (see Normalize): snippets show ＥＬＢＯ as ELBO.
func (ix *Index) Add(d Doc) []File {
	text := appendNormal(make([]byte, 0, len(d.Text)), d.Text)
	e := &entry{url: d.URL, title: Normalize(d.Title), course: Normalize(d.Course), key: textKey(d.URL)}
	e.sum = sha256.Sum256(text)
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	recs, runes, cuts := s.encode(text, &e.block)
	e.runes, e.texts = runes, len(cuts)
	files := make([]File, len(cuts))
	for k, c := range cuts {
		files[k] = File{Name: textName(e.key, k), Data: text[c[0]:c[1]:c[1]]}
	}

	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.docs[e.url] = append(ix.docs[e.url], e)
	ix.store.add(&e.block, recs)
	return files
}

// textKey names the text files of the page at url: 12 hex digits of its
// SHA-256, so that Add can name them before the pages are numbered (in URL
// order, by Write) and a page keeps its names across builds. Write refuses
// two URLs with one key, which for 2,000 pages has a chance of 1 in 10^8.
func textKey(url string) string {
	h := sha256.Sum256([]byte(url))
	return hex.EncodeToString(h[:6])
}

func textName(key string, k int) string {
	return Dir + "t/" + key + "-" + strconv.Itoa(k) + ".txt"
}

// Remove drops the page with that URL, if any: a rebuild that re-renders
// one page can keep the Index, Remove the page and Add it again.
func (ix *Index) Remove(url string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, e := range ix.docs[url] {
		ix.store.remove(&e.block)
	}
	delete(ix.docs, url)
}

// Len returns the number of pages added.
func (ix *Index) Len() int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := 0
	for _, es := range ix.docs {
		n += len(es)
	}
	return n
}

// Write emits the shards and docs.json, each by a call of emit with its
// path under the site root (below Dir). emit may be called from several
// goroutines at once, and must not keep data after it returns. The bytes
// depend only on the pages added, not on the order of the Add calls: pages
// are numbered in URL order. Write returns the paths of every file of the
// index, the text files of Add included, so that the caller can remove
// older ones. Two pages with the same URL are an error.
func (ix *Index) Write(emit func(name string, data []byte) error) ([]string, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	docs := make([]*entry, 0, len(ix.docs))
	for _, es := range ix.docs {
		docs = append(docs, es...)
	}
	slices.SortFunc(docs, func(a, b *entry) int { return strings.Compare(a.url, b.url) })
	keys := make(map[string]string, len(docs))
	for i, e := range docs {
		if i > 0 && e.url == docs[i-1].url {
			return nil, fmt.Errorf("search: %s added twice", e.url)
		}
		if other, ok := keys[e.key]; ok {
			return nil, fmt.Errorf("search: %s and %s have the same text key %s", other, e.url, e.key)
		}
		keys[e.key] = e.url
	}

	blocks := make([]*block, len(docs))
	for i, e := range docs {
		blocks[i] = &e.block
	}
	sums, err := ix.store.writeShards(blocks, emit)
	if err != nil {
		return nil, err
	}

	names := make([]string, 0, Shards+1+len(docs)*2)
	h := sha256.New()
	for s := range Shards {
		names = append(names, shardName(s))
		h.Write(sums[s][:])
	}
	list := make([][]any, len(docs))
	for id, e := range docs {
		list[id] = []any{e.url, e.title, e.course, e.runes, e.key}
		for k := range e.texts {
			names = append(names, textName(e.key, k))
		}
		h.Write(e.sum[:])
	}
	l, err := marshal(list)
	if err != nil {
		return nil, err
	}
	h.Write(l)
	// The hash of the whole index goes into docs.json; search.js adds it
	// to the URLs of shards and texts, so that a browser that cached files
	// of an older build never mixes them with this one's page numbers.
	b, err := marshal(struct {
		Version int             `json:"version"`
		Hash    string          `json:"hash"`
		Shards  int             `json:"shards"`
		Chunk   int             `json:"chunk"`
		Overlap int             `json:"overlap"`
		Docs    json.RawMessage `json:"docs"` // [url, title, course, length in runes, text key]
	}{version, hex.EncodeToString(h.Sum(nil))[:16], Shards, Chunk, Overlap, l})
	if err != nil {
		return nil, err
	}
	if err := emit(Dir+"docs.json", b); err != nil {
		return nil, err
	}
	return append(names, Dir+"docs.json"), nil
}

func shardName(s int) string { return fmt.Sprintf("%ss/%02x.bin", Dir, s) }

// ShardOf returns the shard of a token: FNV-1a (32 bits) of its UTF-8
// bytes, modulo Shards. search.js computes the same.
func ShardOf(tok string) int {
	h := uint32(fnvBasis)
	for i := 0; i < len(tok); i++ {
		h = (h ^ uint32(tok[i])) * fnvPrime
	}
	return int(h % Shards)
}

const (
	fnvBasis = 2166136261
	fnvPrime = 16777619
)

// fnvRune continues an FNV-1a hash over the UTF-8 bytes of r, which is
// valid.
func fnvRune(h uint32, r rune) uint32 {
	u := uint32(r)
	switch {
	case u < 0x80:
		return (h ^ u) * fnvPrime
	case u < 0x800:
		h = (h ^ (0xC0 | u>>6)) * fnvPrime
	case u < 0x10000:
		h = (h ^ (0xE0 | u>>12)) * fnvPrime
		h = (h ^ (0x80 | u>>6&0x3F)) * fnvPrime
	default:
		h = (h ^ (0xF0 | u>>18)) * fnvPrime
		h = (h ^ (0x80 | u>>12&0x3F)) * fnvPrime
		h = (h ^ (0x80 | u>>6&0x3F)) * fnvPrime
	}
	return (h ^ (0x80 | u&0x3F)) * fnvPrime
}

// marshal is compact JSON without HTML escaping (the files are fetched, never
// inlined into a page); map keys come out sorted.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
