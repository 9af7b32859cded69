package ial

import (
	"fmt"
	"slices"
	"strings"

	"github.com/yuin/goldmark/parser"
)

// lint reports what Jekyll renders without a word but is almost certainly a
// mistake. The corpus has {:taget="_blank"} (9 times in 2025ai/index.md),
// {:target="blank"}, {:target="_blnak"}, {:target="_blannk"} and
// {:target="_blank} (2025ai_lect19.md); each is still rendered exactly as
// Jekyll did, and the message carries the corrected list.
func (x *ial) lint(pc parser.Context) {
	content := x.raw[2 : len(x.raw)-1]
	l := x.list
	spacedRefs := map[int]bool{}
	for _, g := range l.gaps {
		from, to := g.start, g.end
		// "target = "_blank"": kramdown reads a bare word "target" (a
		// reference) and skips the rest; report both as one problem.
		for i, r := range l.refs {
			if r.end <= g.start && strings.TrimSpace(content[r.end:g.start]) == "" && content[g.start] == '=' {
				from = r.nameStart
				spacedRefs[i] = true
			}
		}
		region := content[from:to]
		problem, fixed := repair(region)
		if problem == "" {
			warnf(pc, x.offset, "attribute list %s has unparsable text %q", x.raw, region)
			continue
		}
		x.warnFix(pc, fmt.Sprintf("has %s", problem), content, from, to, fixed)
	}
	for i, r := range l.refs {
		if spacedRefs[i] {
			continue
		}
		x.warnFix(pc, fmt.Sprintf("refers to undefined attribute list definition %q", r.name),
			content, r.nameStart, r.end, "."+r.name)
	}
	for _, a := range l.attrs {
		if a.valueStart < 0 {
			continue // a class or an id: any name is fine
		}
		name := strings.ToLower(a.name)
		if !x.knownName(name) {
			if best, ok := closest(name, typoCandidates, typoLimit(name)); ok {
				if x.typos == nil {
					x.typos = map[string]bool{}
				}
				x.typos[a.name] = true
				x.warnFix(pc, fmt.Sprintf("has unknown name %q", a.name), content, a.nameStart, a.nameStart+len(a.name), best)
			}
			continue
		}
		if name == "target" {
			x.lintTargetValue(pc, content, a)
		}
	}
}

// targetKeywords are the browsing-context keywords. Any other value names a
// window: target="blank" opens a tab called "blank" and reuses it for every
// later click, which is not what an author means.
var targetKeywords = []string{"_blank", "_self", "_parent", "_top"}

func (x *ial) lintTargetValue(pc parser.Context, content string, a attr) {
	v := strings.ToLower(a.value)
	if slices.Contains(targetKeywords, v) {
		return
	}
	best, ok := closest(v, targetKeywords, 2)
	if !strings.HasPrefix(v, "_") {
		// A window name; report it only when it looks like a keyword typo.
		if !ok {
			return
		}
		if d := distance(v, best); d > 1 && len(v) < 5 {
			return
		}
	}
	msg := fmt.Sprintf("has unknown target %q", a.value)
	if !ok {
		warnf(pc, x.offset, "attribute list %s %s", x.raw, msg)
		return
	}
	x.warnFix(pc, msg, content, a.valueStart, a.valueEnd, best)
}

// warnFix reports a problem with the list rewritten so that content[from:to]
// reads repl.
func (x *ial) warnFix(pc parser.Context, problem, content string, from, to int, repl string) {
	fixed := x.raw[:2+from] + repl + x.raw[2+to:]
	warnf(pc, x.offset, "attribute list %s %s; did you mean %s", x.raw, problem, fixed)
}

// repair recognises the usual ways a name="value" pair goes wrong and returns
// a description and the corrected text, or "" when region is something else.
func repair(region string) (problem, fixed string) {
	n := wordLen(region, 0)
	if n == 0 {
		return "", ""
	}
	name, rest := region[:n], region[n:]
	trimmed := strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(trimmed, "=") {
		return "", ""
	}
	value := strings.TrimLeft(trimmed[1:], " \t")
	if len(rest) != len(trimmed) || len(trimmed)-1 != len(value) {
		fixed = name + "=" + value
		if clean(fixed) {
			return `spaces around "="`, fixed
		}
		return "", ""
	}
	if value == "" {
		return "", ""
	}
	if q := value[0]; q == '"' || q == '\'' {
		fixed = name + "=" + value + string(q)
		if clean(fixed) {
			return "an unclosed quote", fixed
		}
		return "", ""
	}
	q := `"`
	if strings.Contains(value, `"`) {
		q = "'"
	}
	fixed = name + "=" + q + value + q
	if clean(fixed) {
		return "an unquoted value", fixed
	}
	return "", ""
}

// clean reports whether s parses as attributes with nothing left over.
func clean(s string) bool {
	l := parseAttrList(s)
	return len(l.attrs) > 0 && len(l.refs) == 0 && len(l.gaps) == 0
}

func (x *ial) knownName(name string) bool {
	if strings.HasPrefix(name, "data-") || strings.HasPrefix(name, "aria-") {
		return true
	}
	if _, ok := htmlAttributes[name]; ok {
		return true
	}
	for _, k := range x.cfg.KnownNames {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// typoCandidates are the names an IAL in lecture notes actually uses; an
// unknown name near one of them is reported with it as the suggestion.
var typoCandidates = []string{
	"target", "class", "style", "id", "width", "height", "alt", "title",
	"href", "src", "rel", "align", "lang", "name", "loading",
}

// typoLimit allows one edit for short names and two for longer ones, so that
// "taget" and "wdith" are caught but a two-letter custom name is not matched
// against everything.
func typoLimit(name string) int {
	if len(name) <= 4 {
		return 1
	}
	return 2
}

// htmlAttributes are the attribute names HTML defines for the elements an IAL
// can land on; they are never reported as typos.
var htmlAttributes = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, s := range strings.Fields(`
		accesskey autocapitalize autofocus class contenteditable dir draggable
		enterkeyhint hidden id inert inputmode is itemid itemprop itemref
		itemscope itemtype lang nonce part popover role slot spellcheck style
		tabindex title translate
		download href hreflang media ping referrerpolicy rel shape target type
		alt crossorigin decoding fetchpriority height ismap loading sizes src
		srcset usemap width align border
		start reversed value cite datetime
		bgcolor cellpadding cellspacing frame rules summary abbr axis char
		charoff colspan headers rowspan scope valign span
		color noshade size name open`) {
		m[s] = struct{}{}
	}
	return m
}()

// closest returns the candidate nearest to s within limit edits.
func closest(s string, candidates []string, limit int) (string, bool) {
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := distance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best, bestD <= limit
}

// distance is the optimal string alignment distance: insertions, deletions,
// substitutions and swaps of neighbours ("_blnak" is one edit from "_blank").
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
