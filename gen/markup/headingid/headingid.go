// Package headingid gives headings the IDs that Jekyll's Markdown converter,
// kramdown 2.4.0 with kramdown-parser-gfm 1.1.0 and `auto_ids: true`, gives
// them, so that links into Kogi's pages keep working after the switch.
//
// The reference is generate_gfm_header_id in kramdown-parser-gfm
// (lib/kramdown/parser/gfm.rb):
//
//	result = text.downcase
//	result.gsub!(/[^\p{Word}\- \t]/, '')
//	result.tr!(" \t", '-')
//
// followed by a per-document counter. text is the header's raw_text, which
// rawText rebuilds from the heading's Markdown source.
package headingid

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
)

type ids struct {
	// seen counts how often each ID has been generated, like the parser's
	// @id_counter. It is keyed by the ID before any "-N" suffix.
	seen map[string]int
}

var _ parser.IDs = (*ids)(nil)

// New returns a generator for one document; pass it to goldmark with
// parser.NewContext(parser.WithIDs(New())) for every page, because the
// duplicate numbering restarts with each document.
func New() parser.IDs {
	return &ids{seen: map[string]int{}}
}

// Generate returns the ID for a heading. value is what goldmark passes: the
// source text of the heading's last line, with the ATX markers and closing
// #s (and, when attribute parsing is on, a trailing {…} list) removed, but
// with all inline Markdown still in it.
//
// An empty ID is returned as is: kramdown has no fallback such as goldmark's
// "heading", and its HTML converter then omits the id attribute altogether.
func (s *ids) Generate(value []byte, _ ast.NodeKind) []byte {
	id := slug(rawText(value))
	// kramdown numbers repeats of a base ID with -1, -2, … (the second
	// "別解 1. 最小 $2$ 乗解" of 2024ai/2024ai_lect05.md is
	// "別解-1-最小-2-乗解-1") but never records the suffixed ID itself, so
	// "a", "a", "a-1" yields a, a-1 and a-1 again. Kogi copies that to keep
	// the same anchors.
	n := s.seen[id]
	s.seen[id] = n + 1
	if n > 0 {
		id += "-" + strconv.Itoa(n)
	}
	return []byte(id)
}

// Put is called by goldmark for a heading with an explicit ID. It does
// nothing: kramdown-parser-gfm skips headers that already have an ID and
// leaves its counter alone, so an explicit {#foo} does not push a later
// heading "Foo" to "foo-1".
func (s *ids) Put(value []byte) {}

// slug applies generate_gfm_header_id's three string steps to text.
func slug(text string) string {
	var b strings.Builder
	for _, r := range text {
		switch {
		case r == ' ' || r == '\t' || r == '-':
			b.WriteByte('-')
		case r == 'İ':
			// Ruby's downcase uses the full Unicode mapping, under
			// which U+0130 becomes "i" plus a combining dot (a Mark, so
			// it is kept); Go's simple mapping gives a bare "i".
			b.WriteString("i\u0307")
		case isWord(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// isWord reports whether r matches Ruby's \p{Word}, which Onigmo defines as
// Alphabetic + Mark + Decimal_Number + Connector_Punctuation (Ruby's
// tool/enc-unicode.rb). So Japanese letters, the long-vowel mark ー, Roman
// numerals such as Ⅲ (Nl) and '_' are kept, while the ideographic space,
// full-width punctuation ，（）：, circled digits such as ① (No) and the
// middle dot ・ are dropped: "例： 雇用の未来 Frey and Osborne (2013)" is
// "例-雇用の未来-frey-and-osborne-2013" (2024ai/2025ai_lect04.md) and
// "DALL・E" is "dalle" (2025ai/2025ai_lect12.md).
func isWord(r rune) bool {
	return isAlpha(r) || unicode.In(r, unicode.M, unicode.Nd, unicode.Pc)
}

// isAlpha reports whether r has the Unicode Alphabetic property, Ruby's
// [[:alpha:]].
func isAlpha(r rune) bool {
	return unicode.IsLetter(r) || unicode.In(r, unicode.Nl, unicode.Other_Alphabetic)
}
