// Package search builds the full-text index that static/assets/search.js
// queries in the browser. The index is a set of static files under
// assets/search/, so search works offline and on any static host, and a
// query downloads only what it needs:
//
//	docs.json         every page: URL, title, course and text length, and
//	                  the parameters below; loaded once per page view
//	s/XX.json         shard XX (hex) of the posting lists: the tokens whose
//	                  FNV-1a hash is XX modulo Shards, with their positions
//	t/ID-K.txt        the text of page ID from rune K×Chunk on, Chunk+Overlap
//	                  runes long: a snippet is cut from one such file
//
// The site build uses an Index: one Add per page (from any worker,
// in any order), then Files, whose files are written below the output
// folder. Tokens are described in token.go, ranking in lookup.go.
package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Dir is the folder, relative to the site root, that holds the index files.
const Dir = "assets/search/"

const (
	// Shards is the number of posting-list files. Each query token costs
	// one shard, so the transfer of a query is about tokens × (index size
	// / Shards): 256 keeps a shard of the corpus index near 10 KB.
	Shards = 256
	// Chunk is the number of runes between the starts of two text files
	// of a page; a result's snippet costs one file of Chunk+Overlap runes.
	Chunk = 1024
	// Overlap is how far a text file reaches into the next one, and the
	// length of a snippet: a window of Overlap runes, wherever it starts,
	// lies in one file.
	Overlap = 100
	// version is the format of docs.json; search.js refuses another.
	version = 1
)

// Doc is one page to index.
type Doc struct {
	URL    string // site path without the base URL: "/gm/lect02/"
	Title  string
	Course string // the course's title, "" for a page outside a course
	Text   string // visible text of the article: PlainText of its HTML
}

// Index collects pages; it is safe for concurrent use.
type Index struct {
	mu   sync.Mutex
	docs []*entry
}

// entry is one page, tokenized and encoded by Add, on the caller's worker,
// so that Files only has to merge.
type entry struct {
	url, title, course string
	runes              int       // length of the text
	chunks             [][]byte  // the text files
	sum                [32]byte  // hash of the chunks
	toks               []posting // by shard
	starts             []int32   // toks[starts[s]:starts[s+1]] are in shard s
	buf                []byte    // the lists of toks
}

// posting is one token of one page, its list already written out as JSON
// numbers: "count,first,delta,delta…" for positional tokens (bigrams and
// words), "count,first" for single characters. A single Japanese character
// keeps no more because a one-character query needs no more (a page has it
// or not, how often, where to cut the snippet), and these lists would
// otherwise be the largest.
type posting struct {
	tok        string
	shard      uint16
	uni        bool
	start, end int32 // the list: entry.buf[start:end]
}

// New returns an empty index.
func New() *Index { return &Index{} }

// Add indexes one page. Its title and text are normalized (see Normalize):
// snippets show ＥＬＢＯ as ELBO.
func (ix *Index) Add(d Doc) {
	text := Normalize(d.Text)
	e := &entry{url: d.URL, title: Normalize(d.Title), course: Normalize(d.Course)}
	pos := map[string][]int32{}
	type uniPost struct{ tf, first int32 }
	uni := map[string]*uniPost{}
	scan(text, func(sp span) {
		if !sp.cjk {
			w := word(text, sp)
			pos[w] = append(pos[w], int32(sp.pos))
			return
		}
		run := text[sp.start:sp.end]
		i, prev := 0, -1 // rune and byte offset of the previous character
		for b, c := range run {
			if prev >= 0 {
				bi := run[prev : b+utf8.RuneLen(c)]
				pos[bi] = append(pos[bi], int32(sp.pos+i-1))
			}
			ch := run[b : b+utf8.RuneLen(c)]
			if u := uni[ch]; u != nil {
				u.tf++
			} else {
				uni[ch] = &uniPost{1, int32(sp.pos + i)}
			}
			prev = b
			i++
		}
	})
	// The lists go into one buffer, and the postings are bucketed by
	// shard; their order within a shard does not matter (writeShard
	// sorts).
	all := make([]posting, 0, len(pos)+len(uni))
	for tok, ps := range pos {
		start := len(e.buf)
		e.buf = strconv.AppendInt(e.buf, int64(len(ps)), 10)
		prev := int32(0)
		for _, p := range ps {
			e.buf = append(e.buf, ',')
			e.buf = strconv.AppendInt(e.buf, int64(p-prev), 10)
			prev = p
		}
		all = append(all, posting{tok, uint16(ShardOf(tok)), false, int32(start), int32(len(e.buf))})
	}
	for tok, u := range uni {
		start := len(e.buf)
		e.buf = strconv.AppendInt(e.buf, int64(u.tf), 10)
		e.buf = append(e.buf, ',')
		e.buf = strconv.AppendInt(e.buf, int64(u.first), 10)
		all = append(all, posting{tok, uint16(ShardOf(tok)), true, int32(start), int32(len(e.buf))})
	}
	e.starts = make([]int32, Shards+1)
	for _, p := range all {
		e.starts[p.shard+1]++
	}
	for s := 1; s <= Shards; s++ {
		e.starts[s] += e.starts[s-1]
	}
	e.toks = make([]posting, len(all))
	fill := slices.Clone(e.starts[:Shards])
	for _, p := range all {
		e.toks[fill[p.shard]] = p
		fill[p.shard]++
	}

	rs := []rune(text)
	e.runes = len(rs)
	h := sha256.New()
	for k := 0; k*Chunk < len(rs); k++ {
		c := []byte(string(rs[k*Chunk : min(len(rs), (k+1)*Chunk+Overlap)]))
		e.chunks = append(e.chunks, c)
		h.Write(c)
	}
	h.Sum(e.sum[:0])

	ix.mu.Lock()
	ix.docs = append(ix.docs, e)
	ix.mu.Unlock()
}

// Remove drops the page with that URL, if any: a rebuild that re-renders
// one page can keep the Index, Remove the page and Add it again.
func (ix *Index) Remove(url string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.docs = slices.DeleteFunc(ix.docs, func(e *entry) bool { return e.url == url })
}

// Len returns the number of pages added.
func (ix *Index) Len() int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return len(ix.docs)
}

// Files returns the index files, keyed by their path under the site root
// (all below Dir). The bytes depend only on the pages added, not on the
// order of the Add calls: pages are numbered in URL order. Two pages with
// the same URL are an error.
func (ix *Index) Files() (map[string][]byte, error) {
	ix.mu.Lock()
	docs := slices.Clone(ix.docs)
	ix.mu.Unlock()
	slices.SortFunc(docs, func(a, b *entry) int { return strings.Compare(a.url, b.url) })
	for i := 1; i < len(docs); i++ {
		if docs[i].url == docs[i-1].url {
			return nil, fmt.Errorf("search: %s added twice", docs[i].url)
		}
	}

	// Shards are independent: write them in parallel.
	shards := make([][]byte, Shards)
	var next atomic.Int32
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), Shards) {
		wg.Go(func() {
			for s := int(next.Add(1) - 1); s < Shards; s = int(next.Add(1) - 1) {
				shards[s] = writeShard(docs, s)
			}
		})
	}
	wg.Wait()

	files := make(map[string][]byte, Shards+1+len(docs)*4)
	h := sha256.New()
	for s, b := range shards {
		files[fmt.Sprintf("%ss/%02x.json", Dir, s)] = b
		h.Write(b)
	}
	list := make([][]any, len(docs))
	for id, e := range docs {
		list[id] = []any{e.url, e.title, e.course, e.runes}
		for k, c := range e.chunks {
			files[fmt.Sprintf("%st/%d-%d.txt", Dir, id, k)] = c
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
		Docs    json.RawMessage `json:"docs"` // [url, title, course, length in runes]
	}{version, hex.EncodeToString(h.Sum(nil))[:16], Shards, Chunk, Overlap, l})
	if err != nil {
		return nil, err
	}
	files[Dir+"docs.json"] = b
	return files, nil
}

// writeShard merges the lists of shard s from every page into its JSON:
//
//	{"p":{"変分":[doc delta,count,first,delta,…,doc delta,count,…],…},
//	 "u":{"猫":[doc delta,count,first,…],…}}
//
// where pages are numbered in URL order and each list goes by page number.
// Tokens are letters only, so they need no JSON escaping.
func writeShard(docs []*entry, s int) []byte {
	type list struct {
		last int
		buf  []byte
	}
	lists := [2]map[string]*list{{}, {}} // positional, single characters
	for id, e := range docs {
		for _, p := range e.toks[e.starts[s]:e.starts[s+1]] {
			m := lists[0]
			if p.uni {
				m = lists[1]
			}
			l := m[p.tok]
			if l == nil {
				l = &list{}
				m[p.tok] = l
			} else {
				l.buf = append(l.buf, ',')
			}
			l.buf = strconv.AppendInt(l.buf, int64(id-l.last), 10)
			l.buf = append(l.buf, ',')
			l.buf = append(l.buf, e.buf[p.start:p.end]...)
			l.last = id
		}
	}
	out := []byte(`{"p":{`)
	for i, m := range lists {
		if i == 1 {
			out = append(out, `},"u":{`...)
		}
		for j, tok := range sortedKeys(m) {
			if j > 0 {
				out = append(out, ',')
			}
			out = append(out, '"')
			out = append(out, tok...)
			out = append(out, `":[`...)
			out = append(out, m[tok].buf...)
			out = append(out, ']')
		}
	}
	return append(out, "}}"...)
}

// ShardOf returns the shard of a token: FNV-1a (32 bits) of its UTF-8
// bytes, modulo Shards. search.js computes the same.
func ShardOf(tok string) int {
	h := uint32(2166136261)
	for i := 0; i < len(tok); i++ {
		h ^= uint32(tok[i])
		h *= 16777619
	}
	return int(h % Shards)
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

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
