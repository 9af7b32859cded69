package search

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// This file is the search that static/assets/search.js runs in the
// browser, written again in Go so that tests can check results and measure
// what a query downloads without a browser. The two must stay step for step
// the same: the browser test compares them on the real index.
//
// Ranking. A page must match every term of the query (AND): a term is a
// word, a single Japanese character, or a Japanese run, which matches when
// all its bigrams occur in the page or the run occurs in the title. Among
// matches:
//
//  1. Pages where more terms occur as written come first. Bigrams are a
//     stand-in for words, so 変分 and 下限 far apart match 変分下限 without
//     containing it; the page that has the phrase (bigrams at consecutive
//     positions) is the one the reader asked for, whatever the counts.
//  2. Then by score: for each term, BM25 over its phrase count (so ten
//     mentions in a short page beat eleven in a long one, and the hundredth
//     mention adds little), weighted by the term's rarity among the matches,
//     ×0.3 when the bigrams only occur apart; plus a bonus of twice the
//     rarity when the term is in the title, which about equals the most
//     BM25 can give: a lecture named after the term is about it, while a
//     page that mentions it often may only use it.
//  3. Then by URL, so that equal scores keep one order.

// MaxTokens bounds the tokens, hence the shards, a query fetches; a longer
// query is cut. With the corpus index this keeps any query well under
// 300 KB.
const MaxTokens = 12

const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// Result is one hit, as the browser shows it.
type Result struct {
	URL, Title, Course string
	// Snippet is a window of the page's text around the match, with "…"
	// where it was cut; Marks are the [start, end) rune ranges in it to
	// highlight.
	Snippet string
	Marks   [][2]int
}

// Searcher runs queries over the files of an index.
type Searcher struct {
	fetch  func(name string) ([]byte, error)
	meta   docsFile
	docs   []docInfo
	avg    float64
	shards map[int]map[string][]byte
}

type docsFile struct {
	Version int     `json:"version"`
	Hash    string  `json:"hash"`
	Shards  int     `json:"shards"`
	Chunk   int     `json:"chunk"`
	Overlap int     `json:"overlap"`
	Docs    [][]any `json:"docs"`
}

type docInfo struct {
	url, title, course, key string
	n                       int
	titleRuns               []Run
}

// Open loads docs.json through fetch, which returns an index file by its
// path under the site root (Dir + "docs.json", …) as the browser would
// download it.
func Open(fetch func(name string) ([]byte, error)) (*Searcher, error) {
	b, err := fetch(Dir + "docs.json")
	if err != nil {
		return nil, err
	}
	s := &Searcher{fetch: fetch, shards: map[int]map[string][]byte{}}
	if err := json.Unmarshal(b, &s.meta); err != nil {
		return nil, fmt.Errorf("docs.json: %w", err)
	}
	if s.meta.Version != version {
		return nil, fmt.Errorf("docs.json: version %d, want %d", s.meta.Version, version)
	}
	total := 0
	for _, d := range s.meta.Docs {
		if len(d) != 5 {
			return nil, fmt.Errorf("docs.json: bad entry %v", d)
		}
		str := func(v any) string { s, _ := v.(string); return s }
		n, _ := d[3].(float64)
		info := docInfo{url: str(d[0]), title: str(d[1]), course: str(d[2]), n: int(n), key: str(d[4])}
		info.titleRuns = Runs(info.title)
		s.docs = append(s.docs, info)
		total += info.n
	}
	s.avg = float64(total) / float64(max(1, len(s.docs)))
	return s, nil
}

// term is one run of the query and the tokens that stand for it.
type term struct {
	run  Run
	uni  bool     // a single Japanese character, looked up in "u"
	toks []string // tokens looked up
	offs []int    // their offsets in the run, in runes
}

// terms splits a query into terms. A Japanese run is looked up by the
// bigrams at offsets 0, 2, 4, … and the last one: together they pin every
// character, so finding them at those offsets from one start is finding the
// phrase, with half the shards.
func terms(query string) []term {
	var ts []term
	n := 0
	for _, r := range Runs(Normalize(query)) {
		if slices.ContainsFunc(ts, func(t term) bool { return t.run.Text == r.Text }) {
			continue
		}
		rs := []rune(r.Text)
		t := term{run: r}
		switch {
		case !r.CJK:
			t.toks, t.offs = []string{r.Text}, []int{0}
		case len(rs) == 1:
			t.uni, t.toks, t.offs = true, []string{r.Text}, []int{0}
		default:
			for i := 0; i+1 < len(rs); i += 2 {
				t.toks, t.offs = append(t.toks, string(rs[i:i+2])), append(t.offs, i)
			}
			if len(rs)%2 == 1 {
				t.toks, t.offs = append(t.toks, string(rs[len(rs)-2:])), append(t.offs, len(rs)-2)
			}
		}
		if n+len(t.toks) > MaxTokens {
			if n > 0 {
				break
			}
			// A single run longer than the budget: keep its beginning.
			t.toks, t.offs = t.toks[:MaxTokens], t.offs[:MaxTokens]
			t.run.Text = string(rs[:t.offs[MaxTokens-1]+2])
		}
		n += len(t.toks)
		ts = append(ts, t)
	}
	return ts
}

// postings decodes one token's list (see shard.go): page → positions (for
// a single character: count and first position).
func postings(list []byte, uni bool) map[int][]int {
	m := map[int][]int{}
	next := func() int {
		v, n := binary.Uvarint(list)
		if n <= 0 {
			list = nil
			return 0
		}
		list = list[n:]
		return int(v)
	}
	doc := 0
	for len(list) > 0 {
		doc += next()
		n := next()
		if uni {
			first := next()
			m[doc] = []int{n, first}
			continue
		}
		ps := make([]int, 0, min(n, len(list)))
		p := 0
		for j := 0; j < n && len(list) > 0; j++ {
			p += next()
			ps = append(ps, p)
		}
		m[doc] = ps
	}
	return m
}

func (s *Searcher) shard(i int) (map[string][]byte, error) {
	if sh := s.shards[i]; sh != nil {
		return sh, nil
	}
	b, err := s.fetch(shardName(i))
	if err != nil {
		return nil, err
	}
	sh, err := parseShard(b)
	if err != nil {
		return nil, fmt.Errorf("shard %02x: %w", i, err)
	}
	s.shards[i] = sh
	return sh, nil
}

// inTitle reports whether a term occurs in a title: a word as one of its
// words, a Japanese run inside one of its runs.
func inTitle(t term, title []Run) bool {
	for _, r := range title {
		if r.CJK == t.run.CJK && (r.Text == t.run.Text || r.CJK && strings.Contains(r.Text, t.run.Text)) {
			return true
		}
	}
	return false
}

// match is how one term matched one page.
type match struct {
	occ    int  // occurrences: as a phrase, else of its rarest bigram
	first  int  // first position in the text, -1 when only in the title
	phrase bool // found as written in the text
	title  bool // found in the title
}

type hit struct {
	doc     int
	row     []match // per term
	phrases int     // terms found as written, in text or title
	score   float64
}

// Search returns the best matches for query, at most limit of them, with
// their snippets.
func (s *Searcher) Search(query string, limit int) ([]Result, error) {
	ts := terms(query)
	if len(ts) == 0 {
		return nil, nil
	}
	post := make([][]map[int][]int, len(ts)) // term, token → postings
	for i, t := range ts {
		for _, tok := range t.toks {
			sh, err := s.shard(ShardOf(tok))
			if err != nil {
				return nil, err
			}
			post[i] = append(post[i], postings(sh[tok], t.uni))
		}
	}

	var hits []hit
	df := make([]int, len(ts)) // pages with the term as written
	for d := range s.docs {
		row := make([]match, len(ts))
		ok := true
		for i, t := range ts {
			m := match{first: -1, title: inTitle(t, s.docs[d].titleRuns)}
			all := true
			for _, p := range post[i] {
				all = all && len(p[d]) > 0
			}
			switch {
			case !all:
			case t.uni:
				m.occ, m.first, m.phrase = post[i][0][d][0], post[i][0][d][1], true
			default:
				m.occ, m.first = phrases(post[i], t.offs, d)
				m.phrase = m.occ > 0
				if !m.phrase {
					m.first = post[i][0][d][0]
					m.occ = len(post[i][0][d])
					for _, p := range post[i][1:] {
						m.occ = min(m.occ, len(p[d]))
					}
				}
			}
			if !all && !m.title {
				ok = false
				break
			}
			row[i] = m
		}
		if ok {
			hits = append(hits, hit{doc: d, row: row})
		}
	}
	for _, h := range hits {
		for i, m := range h.row {
			if m.phrase || m.title {
				df[i]++
			}
		}
	}

	n := float64(len(s.docs))
	for h := range hits {
		norm := bm25K1 * (1 - bm25B + bm25B*float64(s.docs[hits[h].doc].n)/max(s.avg, 1))
		for i, m := range hits[h].row {
			idf := math.Log(1 + (n-float64(df[i])+0.5)/(float64(df[i])+0.5))
			w := float64(m.occ) * (bm25K1 + 1) / (float64(m.occ) + norm)
			if !m.phrase {
				w *= 0.3
			}
			if m.title {
				w += 2
			}
			hits[h].score += idf * w
			if m.phrase || m.title {
				hits[h].phrases++
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		switch {
		case a.phrases != b.phrases:
			return b.phrases - a.phrases
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return a.doc - b.doc
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	var out []Result
	for _, h := range hits {
		d := s.docs[h.doc]
		r := Result{URL: d.url, Title: d.title, Course: d.course}
		if err := s.snippet(&r, h, ts); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// phrases counts the starts p at which every token i of a term occurs at
// p+offs[i] in page d, and returns the first.
func phrases(post []map[int][]int, offs []int, d int) (n, first int) {
	first = -1
	for _, p := range post[0][d] {
		all := true
		for i := 1; i < len(post) && all; i++ {
			_, all = slices.BinarySearch(post[i][d], p+offs[i])
		}
		if all {
			if n == 0 {
				first = p
			}
			n++
		}
	}
	return n, first
}

// snippetPos is where a hit's snippet is centred: the first term, in query
// order, found as written in the text, else the first found at all, else
// the start.
func snippetPos(h hit) int {
	for _, m := range h.row {
		if m.phrase {
			return m.first
		}
	}
	for _, m := range h.row {
		if m.first >= 0 {
			return m.first
		}
	}
	return 0
}

// snippet fetches the one text file that holds the window around the hit
// and marks the terms in it: each term as written, or, where the text has
// only its bigrams apart, the bigrams.
func (s *Searcher) snippet(r *Result, h hit, ts []term) error {
	n := s.docs[h.doc].n
	if n == 0 {
		return nil
	}
	w := s.meta.Overlap
	start := max(0, min(snippetPos(h)-w*3/10, n-w))
	k := start / s.meta.Chunk
	b, err := s.fetch(textName(s.docs[h.doc].key, k))
	if err != nil {
		return err
	}
	text := []rune(string(b))
	from := start - k*s.meta.Chunk
	to := min(len(text), from+w)
	if from > to {
		return fmt.Errorf("%s: text file %s-%d shorter than the index says", r.URL, s.docs[h.doc].key, k)
	}
	win := text[from:to]
	low := make([]rune, len(win))
	for i, c := range win {
		low[i] = lower(c)
	}
	var marks [][2]int
	for i, t := range ts {
		pats := []string{t.run.Text}
		if t.run.CJK && !h.row[i].phrase {
			pats = Tokenize(t.run.Text)
		}
		for _, p := range pats {
			pr := []rune(p)
			for j := 0; j+len(pr) <= len(low); j++ {
				if slices.Equal(low[j:j+len(pr)], pr) {
					marks = append(marks, [2]int{j, j + len(pr)})
				}
			}
		}
	}
	slices.SortFunc(marks, func(a, b [2]int) int { return a[0] - b[0] })
	shift := 0
	if start > 0 {
		shift = 1
		r.Snippet = "…"
	}
	r.Snippet += string(win)
	if start+len(win) < n {
		r.Snippet += "…"
	}
	for _, m := range marks {
		m[0], m[1] = m[0]+shift, m[1]+shift
		if l := len(r.Marks); l > 0 && m[0] <= r.Marks[l-1][1] {
			r.Marks[l-1][1] = max(r.Marks[l-1][1], m[1])
			continue
		}
		r.Marks = append(r.Marks, m)
	}
	return nil
}
