package mathx

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html"

	"github.com/kogi-course/kogi/gen/internal/corpustest"
	"github.com/kogi-course/kogi/gen/markup/diag"
)

// The rest mirrors the math features of shared/tools/compat: TeX is taken
// from math/tex scripts and from \[…\], $$…$$, \(…\) and $…$ in the visible
// text, with all whitespace removed.
var (
	compatDisplay = regexp.MustCompile(`(?s)\\\[(.+?)\\\]|\$\$(.+?)\$\$`)
	compatInline  = regexp.MustCompile(`\\\((.+?)\\\)|\$([^$\n]+?)\$`)
	compatSpace   = regexp.MustCompile(`\s+`)
)

func compatMath(root *html.Node, isRef bool) map[string]int {
	math := map[string]int{}
	var prose strings.Builder
	var walk func(n *html.Node, skip bool)
	walk = func(n *html.Node, skip bool) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				if strings.HasPrefix(corpustest.Attr(n, "type"), "math/tex") {
					math[compatSpace.ReplaceAllString(corpustest.Text(n), "")]++
				}
				return
			case "style":
				return
			case "nav", "header", "footer":
				if !isRef {
					return
				}
			case "pre":
				return
			}
		}
		if n.Type == html.TextNode && !skip {
			prose.WriteString(n.Data)
		}
		block := n.Type == html.ElementNode && blockish(n.Data)
		if block {
			prose.WriteString("\n\n")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, skip)
		}
		if block {
			prose.WriteString("\n\n")
		}
	}
	walk(root, false)
	text := compatDisplay.ReplaceAllStringFunc(prose.String(), func(m string) string {
		sm := compatDisplay.FindStringSubmatch(m)
		math[compatSpace.ReplaceAllString(sm[1]+sm[2], "")]++
		return " "
	})
	compatInline.ReplaceAllStringFunc(text, func(m string) string {
		sm := compatInline.FindStringSubmatch(m)
		math[compatSpace.ReplaceAllString(sm[1]+sm[2], "")]++
		return " "
	})
	return math
}

func blockish(tag string) bool {
	switch tag {
	case "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th",
		"blockquote", "center", "br", "section", "article":
		return true
	}
	return false
}

// looseTeX undoes what kramdown did to TeX it took for Markdown, $…$ being
// plain text to kramdown: escapes lost their backslash (\\ \{ \| \_ …),
// _…_ and *…* became <em>, and typographic symbols were substituted. Two
// TeX strings equal under looseTeX differ only by that mangling.
var looseReplacer = strings.NewReplacer(
	`\`, "", "_", "", "*", "",
	"–", "--", "—", "---", "…", "...", "«", "<<", "»", ">>",
	"‘", "'", "’", "'", "“", `"`, "”", `"`,
)

func looseTeX(s string) string { return looseReplacer.Replace(s) }

// mangleKind names what kramdown did to ours to give jekyll.
func mangleKind(jekyll, ours string) string {
	switch {
	case strings.ContainsAny(jekyll, "–—…«»‘’“”"):
		return "typographic symbols (' became ’)"
	case strings.Count(ours, "_")+strings.Count(ours, "*") > strings.Count(jekyll, "_")+strings.Count(jekyll, "*"):
		return "emphasis (_ or * became <em>)"
	default:
		return `escapes (\{ \| \\ lost their backslash)`
	}
}

// mathDiff is how one page's math compares with Jekyll's, as multisets of
// TeX with white space removed.
type mathDiff struct {
	total, hit  int
	mangled     [][2]string // Jekyll's TeX and ours, equal under looseTeX
	unexplained []string    // Jekyll's TeX we do not have at all
	onlyOurs    []string    // our TeX that Jekyll's page does not have
}

func diffMath(ref, got map[string]int) mathDiff {
	var d mathDiff
	extra := map[string][]string{} // looseTeX → our surplus TeX
	for k, c := range got {
		for range c - ref[k] {
			extra[looseTeX(k)] = append(extra[looseTeX(k)], k)
		}
	}
	var missing []string
	for k, c := range ref {
		d.total += c
		h := min(c, got[k])
		d.hit += h
		for range c - h {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	for _, k := range missing {
		if l := looseTeX(k); len(extra[l]) > 0 {
			d.mangled = append(d.mangled, [2]string{k, extra[l][0]})
			extra[l] = extra[l][1:]
			continue
		}
		d.unexplained = append(d.unexplained, k)
	}
	for _, ks := range extra {
		d.onlyOurs = append(d.onlyOurs, ks...)
	}
	sort.Strings(d.onlyOurs)
	return d
}

// TestCorpusMath renders every corpus page with GFM and this extension and
// compares its math, the way shared/tools/compat scores it, with the math
// in Jekyll's page. Differences where Jekyll's TeX is ours after kramdown's
// Markdown processing (see looseTeX) are Jekyll's mangling and count as
// matches for the adjusted recall; the test fails if that is below 0.99.
// With -v it logs every page below 1, what is missing, and the
// diagnostics; MANGLED=1 also lists the mangled pairs.
func TestCorpusMath(t *testing.T) {
	pages := corpustest.Pages(t)
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, Extension),
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
	)
	var sumRaw, sumAdj float64
	var refTotal, hitTotal, mangledTotal int
	var diags []string
	kinds := map[string]int{}
	for _, pg := range pages {
		pc := parser.NewContext()
		var out bytes.Buffer
		if err := md.Convert(pg.Body, &out, parser.WithContext(pc)); err != nil {
			t.Fatalf("%s: %v", pg.Rel, err)
		}
		for _, d := range diag.List(pc) {
			diags = append(diags, fmt.Sprintf("%s: offset %d: %s: %s", pg.Rel, d.Offset, d.Severity, d.Msg))
		}
		ours, err := html.Parse(&out)
		if err != nil {
			t.Fatal(err)
		}
		home := corpustest.JekyllHome(t, pg.Jekyll)
		d := diffMath(compatMath(home, true), compatMath(ours, false))
		if d.total > 0 && !HasMath(pc) {
			t.Errorf("%s: Jekyll's page has %d math items but HasMath is false", pg.Rel, d.total)
		}
		raw, adj := 1.0, 1.0
		if d.total > 0 {
			raw = float64(d.hit) / float64(d.total)
			adj = float64(d.hit+len(d.mangled)) / float64(d.total)
		}
		sumRaw += raw
		sumAdj += adj
		refTotal += d.total
		hitTotal += d.hit
		mangledTotal += len(d.mangled)
		for _, m := range d.mangled {
			kinds[mangleKind(m[0], m[1])]++
		}
		if raw == 1 && len(d.onlyOurs) == 0 {
			continue
		}
		t.Logf("%-34s math %4d  recall %.4f  adjusted %.4f  (mangled by kramdown %d)", pg.Rel, d.total, raw, adj, len(d.mangled))
		for _, k := range d.unexplained {
			t.Logf("    not found: %q", k)
		}
		for _, k := range d.onlyOurs {
			t.Logf("    only ours: %q", k)
		}
		if os.Getenv("MANGLED") != "" {
			for _, m := range d.mangled {
				t.Logf("    mangled: jekyll %q\n             ours   %q", m[0], m[1])
			}
		}
	}
	n := float64(len(pages))
	t.Logf("pages %d, Jekyll math items %d, found %d, kramdown-mangled %d", len(pages), refTotal, hitTotal, mangledTotal)
	t.Logf("math recall (compat, mean per page) %.4f; adjusted for kramdown's mangling %.4f; items %.4f / %.4f",
		sumRaw/n, sumAdj/n, float64(hitTotal)/float64(refTotal), float64(hitTotal+mangledTotal)/float64(refTotal))
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		t.Logf("  kramdown-mangled, %s: %d", k, kinds[k])
	}
	for _, d := range diags {
		t.Logf("diagnostic %s", d)
	}
	if sumAdj/n < 0.99 {
		t.Errorf("adjusted math recall %.4f is below 0.99", sumAdj/n)
	}
}
