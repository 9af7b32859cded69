package search

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// plainTextRef is PlainText as it was written first, over x/net's
// Tokenizer: the reference that tokenizer.go must match.
func plainTextRef(articleHTML []byte) string {
	z := html.NewTokenizer(bytes.NewReader(articleHTML))
	var b strings.Builder
	var skip, tex string
	depth := 0
	var texBuf strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return collapseRef(b.String())
		case html.TextToken:
			switch {
			case skip != "":
			case tex != "":
				texBuf.Write(z.Text())
			default:
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			a := atom.Lookup(name)
			if skip != "" || tex != "" {
				cur := skip + tex
				if tag == cur && tt == html.StartTagToken {
					depth++
				} else if tag == cur && tt == html.EndTagToken {
					depth--
				}
				if depth == 0 {
					if tex != "" {
						b.Write(texText([]byte(texBuf.String())))
						texBuf.Reset()
					}
					skip, tex = "", ""
				}
				continue
			}
			if slices.Contains(blockLevel, a) {
				b.WriteByte(' ')
			}
			if tt != html.StartTagToken {
				continue
			}
			if slices.Contains(hidden, a) {
				skip, depth = tag, 1
				continue
			}
			if hasAttr && (a == atom.Span || a == atom.Div) {
				switch mathClassRef(z) {
				case "display":
					skip, depth = tag, 1
					b.WriteByte(' ')
				case "inline":
					tex, depth = tag, 1
				}
			}
		}
	}
}

func mathClassRef(z *html.Tokenizer) string {
	for {
		k, v, more := z.TagAttr()
		if string(k) == "class" {
			f := strings.Fields(string(v))
			if slices.Contains(f, "math") {
				for _, c := range []string{"display", "inline"} {
					if slices.Contains(f, c) {
						return c
					}
				}
			}
			return ""
		}
		if !more {
			return ""
		}
	}
}

func collapseRef(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// htmlSeeds are inputs at the edges of the tokenizer: raw text, script
// escapes, comments cut short, attributes, bad UTF-8, NUL.
var htmlSeeds = []string{
	"<p>変分<b>下限</b></p>",
	`<script>var s = '<script>';</script>後`,
	`<script><!--<script>x</script>y--></script>後`,
	`<script><!-- a --> </script>b`,
	"<style>p{}</STYLE >c",
	"<textarea>&lt;x&gt;</textarea>d<title>t</title>",
	"<xmp><b>&amp;</b></xmp>e",
	"<plaintext><p>all the rest",
	"<noscript><p>x</p></noscript>f",
	"<!-- a -- b --!>c<!--->d<!-->e<!---x",
	"<!---->a<!--x--!-->b<!--x--!!-->c<!----!>d<!--a-!>b-->e<!--a>b-->f<!--",
	"<!doctype html><!DOCTYPE",
	"<!DOCTYPE x",
	"<!x>y<?php z ?>w</ >v</3>u",
	"a < b > c &amp; &lt &notit; &#12354; &#xD800;",
	`<div class="math display">\[x\]</div><span CLASS='math inline' class="x">\(a\)</span>`,
	`<div class=math&#x20;display>x</div>y<div class="math &amp;display">z</div>`,
	`<span class="math inline"><span class="math inline">a</span>b</span>c`,
	`<br/><br /><img src=a/><div/>x</div>`,
	`<p a="1" A="2" b='3' c=4 d e=>x</p>`,
	"<p>\x00<script>\x00</script>\x00</p>",
	"\xe5<!-- -->\x89\x8d \xff\xfe",
	"<svg><text>x</text></svg><math><mi>y</mi></math>z",
	"<a href=\"x>y\">link</a>",
	"<p",
	"<p class=\"",
	"</p",
	"<",
	"</",
	"<script>",
	"<div class=\"math display\"><div>x</div>y</div>後",
	"<iframe src=v>代替</iframe><IFRAME>x</iframe >y",
	"ａ\u3000b\u00a0c\u2028d\u0085e",
}

// TestTokenizerMatchesXNet compares PlainText with plainTextRef on the seeds
// and on every page of the corpus and of content/gm as the build renders them.
func TestTokenizerMatchesXNet(t *testing.T) {
	for _, s := range htmlSeeds {
		if got, want := PlainText([]byte(s)), plainTextRef([]byte(s)); got != want {
			t.Errorf("PlainText(%q) = %q, x/net gives %q", s, got, want)
		}
	}
	for _, h := range corpusHTML(t) {
		if got, want := PlainText(h.html), plainTextRef(h.html); got != want {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Errorf("%s: PlainText differs from x/net at byte %d: %.80q vs %.80q", h.url, i, got[i:], want[i:])
		}
	}
}

func FuzzPlainText(f *testing.F) {
	for _, s := range htmlSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := PlainText(b), plainTextRef(b); got != want {
			t.Errorf("PlainText(%q) = %q, x/net gives %q", b, got, want)
		}
	})
}
