package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Japanese is written without spaces, so words cannot be found by splitting
// on them, and a dictionary-based segmenter (MeCab and the like) is large and
// would have to run in the browser too. Instead a run of Japanese characters
// is indexed as its overlapping character bigrams: 変分下限 is 変分, 分下,
// 下限, and a page contains the phrase where the three sit at consecutive
// positions. Latin text keeps its words, lower-cased, and numbers are words.
// search.js implements Normalize and the tokenizer below character for
// character; a change here must be made there too.

// maxWord is the longest word indexed, in runes; a longer word (a URL
// fragment, a hash) is cut to it, in the index and in queries alike, so it
// still matches.
const maxWord = 32

// Normalize maps the width variants a Japanese keyboard produces to one form:
// full-width ASCII (ＥＬＢＯ, ２０２４) to ASCII, the ideographic space to a
// space, and half-width katakana (ｶﾞｳｽ) to full-width (ガウス), composing a
// voiced-sound mark with the kana before it. It is applied to the indexed
// text and to queries, so either form finds the other; it is a small part of
// NFKC, which Go's standard library does not provide. Case is kept: the text
// is also what snippets show.
//
// Full-width parentheses and colons are in most Japanese pages, so the text
// between the characters it maps is copied as it is, not rune by rune.
func Normalize(s string) string {
	var a abnormal
	if a.in(s, 0) < 0 {
		return s
	}
	return string(appendNormal(nil, s))
}

// appendNormal appends Normalize(s) to dst.
func appendNormal(dst []byte, s string) []byte {
	out := dst
	var a abnormal
	done := 0 // s[:done] is in out
	for i := a.in(s, 0); i >= 0; i = a.in(s, done) {
		out = append(out, s[done:i]...)
		r, n := utf8.DecodeRuneInString(s[i:])
		done = i + n
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		case r == 0xFF9E || r == 0xFF9F: // ﾞ ﾟ
			prev, m := utf8.DecodeLastRune(out[len(dst):])
			if v := voiced(prev, r == 0xFF9F); m > 0 && v != 0 {
				out = utf8.AppendRune(out[:len(out)-m], v)
				continue
			}
			r = 0x309B + r - 0xFF9E // ゛ ゜
		case r >= 0xFF61 && r <= 0xFF9D:
			r = halfKana[r-0xFF61]
		}
		out = utf8.AppendRune(out, r)
	}
	return append(out, s[done:]...)
}

// abnormal finds the runes that Normalize maps: U+3000 (E3 80 80) and
// U+FF01 to U+FF9F (EF BC 81 to EF BE 9F). It looks for them with
// strings.Index, and remembers where the next of each is, so that a text
// full of （） is not scanned again for every one.
type abnormal struct {
	ef, e3 int // offset of the next EF byte and of the next U+3000; -1: none
	init   bool
}

// in returns the offset of the first rune of s at or after i that
// Normalize maps, or -1.
func (a *abnormal) in(s string, i int) int {
	if !a.init {
		a.init, a.ef, a.e3 = true, -2, -2
	}
	for {
		if a.ef != -1 && a.ef < i {
			a.ef = index(s, i, "\xEF")
		}
		if a.e3 != -1 && a.e3 < i {
			a.e3 = index(s, i, "\u3000")
		}
		switch {
		case a.e3 >= 0 && (a.ef < 0 || a.e3 < a.ef):
			return a.e3
		case a.ef < 0:
			return -1
		}
		if r, _ := utf8.DecodeRuneInString(s[a.ef:]); r >= 0xFF01 && r <= 0xFF9F {
			return a.ef
		}
		i = a.ef + 1 // another rune with that lead byte
	}
}

func index(s string, from int, sub string) int {
	if j := strings.Index(s[from:], sub); j >= 0 {
		return from + j
	}
	return -1
}

// halfKana maps U+FF61 (｡) to U+FF9D (ﾝ) to their full-width forms.
var halfKana = []rune("。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン")

// voiced returns the kana k with a (semi-)voiced sound mark, or 0 when there
// is no such kana: カ→ガ, ハ→バ or パ, ウ→ヴ.
func voiced(k rune, semi bool) rune {
	switch {
	case k >= 'ハ' && k <= 'ホ' && (k-'ハ')%3 == 0:
		if semi {
			return k + 2
		}
		return k + 1
	case semi:
		return 0
	case k == 'ウ':
		return 'ヴ'
	case k >= 'カ' && k <= 'ヂ' && (k-'カ')%2 == 0,
		k >= 'ツ' && k <= 'ド' && (k-'ツ')%2 == 0:
		return k + 1
	}
	return 0
}

// isCJK reports whether r is part of a Japanese run: kanji (with 々 and 〆),
// hiragana, katakana, and the prolonged sound mark ー, which Unicode files
// under neither script.
func isCJK(r rune) bool {
	switch {
	case r < cjkLow: // below the first CJK radical: Latin, Greek, symbols
		return false
	case r < cjkHigh:
		return cjkBits[(r-cjkLow)/64]&(1<<((r-cjkLow)%64)) != 0
	}
	return isCJKSlow(r)
}

func isCJKSlow(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー' || r == 'ヶ'
}

// cjkBits caches isCJKSlow from the CJK radicals to the end of the unified
// ideographs, where nearly all Japanese text lies: unicode.In was a third
// of the time spent indexing a page.
const cjkLow, cjkHigh = 0x2E80, 0xA000

var cjkBits = func() (bits [(cjkHigh - cjkLow + 63) / 64]uint64) {
	set := func(r rune) {
		if cjkLow <= r && r < cjkHigh {
			bits[(r-cjkLow)/64] |= 1 << ((r - cjkLow) % 64)
		}
	}
	eachRune(set, unicode.Han, unicode.Hiragana, unicode.Katakana)
	set('ー')
	set('ヶ')
	return bits
}()

// eachRune calls f for each rune of the tables below U+10000. The caches
// are filled from the tables rather than by asking unicode.In of every
// rune, which took a millisecond of every build.
func eachRune(f func(rune), tabs ...*unicode.RangeTable) {
	for _, t := range tabs {
		for _, r := range t.R16 {
			for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
				f(c)
			}
		}
	}
}

// isWord reports whether r belongs in a word: a letter, number or combining
// mark that is not Japanese.
func isWord(r rune) bool {
	if r < cjkHigh {
		return wordBits[r/64]&(1<<(r%64)) != 0
	}
	return isWordSlow(r)
}

func isWordSlow(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.In(r, unicode.L, unicode.N, unicode.M) && !isCJK(r)
}

// wordBits caches isWordSlow below cjkHigh: Japanese punctuation (、。「」)
// is neither Japanese nor a word, and unicode.In was a tenth of the time
// spent indexing a page.
var wordBits = func() (bits [cjkHigh / 64]uint64) {
	eachRune(func(r rune) {
		if r < cjkHigh && !isCJK(r) {
			bits[r/64] |= 1 << (r % 64)
		}
	}, unicode.L, unicode.N, unicode.M)
	return bits
}()

// lower lower-cases one rune, as search.js does: İ (U+0130) stays, since
// JavaScript maps it to two code points.
func lower(r rune) rune {
	if r == 0x130 {
		return r
	}
	return unicode.ToLower(r)
}

// Run is a stretch of one kind of text in a normalized string: a Japanese
// run or a word, lower-cased.
type Run struct {
	Text string
	CJK  bool
	Pos  int // offset of its first rune, in runes
}

// span is a run as scan finds it: bytes [start, end) of the string, n runes
// from rune pos, not yet lower-cased or cut.
type span struct {
	start, end, pos, n int
	cjk                bool
}

// scan calls f for each Japanese run and word of s, in order; everything
// else (spaces, punctuation, symbols) separates them.
func scan(s string, f func(span)) {
	cur := span{start: -1}
	flush := func(end int) {
		if cur.start >= 0 {
			cur.end = end
			f(cur)
			cur.start = -1
		}
	}
	i := 0
	for b, r := range s {
		switch c := isCJK(r); {
		case c || isWord(r):
			if cur.start >= 0 && cur.cjk != c {
				flush(b)
			}
			if cur.start < 0 {
				cur = span{start: b, pos: i, cjk: c}
			}
			cur.n++
		default:
			flush(b)
		}
		i++
	}
	flush(len(s))
}

// word returns the text of a word span: lower-cased, cut to maxWord runes.
// It allocates only when the word has to change.
func word(s string, sp span) string {
	w := s[sp.start:sp.end]
	if sp.n > maxWord {
		n := 0
		for b := range w {
			if n == maxWord {
				w = w[:b]
				break
			}
			n++
		}
	}
	for _, r := range w {
		if lower(r) != r {
			return strings.Map(lower, w)
		}
	}
	return w
}

// Runs splits normalized text into Japanese runs and words, lower-cased;
// words longer than maxWord runes are cut.
func Runs(s string) []Run {
	var runs []Run
	scan(s, func(sp span) {
		t := s[sp.start:sp.end]
		if !sp.cjk {
			t = word(s, sp)
		}
		runs = append(runs, Run{Text: t, CJK: sp.cjk, Pos: sp.pos})
	})
	return runs
}

// tokens returns the bigrams of a Japanese run, in order, or the run
// itself when it is a word or a single character.
func (r Run) tokens() []string {
	rs := []rune(r.Text)
	if !r.CJK || len(rs) == 1 {
		return []string{r.Text}
	}
	ts := make([]string, 0, len(rs)-1)
	for i := 0; i+1 < len(rs); i++ {
		ts = append(ts, string(rs[i:i+2]))
	}
	return ts
}

// Tokenize returns the tokens of normalized text s as the index holds them,
// run by run: the bigrams of each Japanese run (a one-character run is its
// own token) and each word. Add also counts every Japanese character on its
// own, so that a one-character query finds it inside longer runs.
func Tokenize(s string) []string {
	var out []string
	for _, r := range Runs(s) {
		out = append(out, r.tokens()...)
	}
	return out
}
