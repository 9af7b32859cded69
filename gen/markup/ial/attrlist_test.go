package ial

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// TestParseAttrList pins kramdown's parse_attribute_list on the content of
// "{:...}". The expected values were produced by kramdown 2.4.0.
func TestParseAttrList(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"key value", `target="_blank"`, `target=_blank`},
		{"leading space", ` target="_blank"`, `target=_blank`},
		{"classes and ids", ` .a.b #x .c`, `class=a class=b id=x class=c`},
		{"single quotes", ` k='v'`, `k=v`},
		{"unclosed quote", `target="_blank`, `gap="target=\"_blank"`},
		{"unclosed after a valid one", ` .a target="_blank`, `class=a gap="target=\"_blank"`},
		{"quote inside a value", ` title="a"b" x`, `title=a"b ref=x`},
		{"escaped quote", ` k="a\"b"`, `k=a"b`},
		{"escaped brace", ` k='c\}d'`, `k=c}d`},
		{"backslash before the closing quote", ` k="a\"`, `k=a\`},
		{"references resolved", ` k="&amp; &#x41; &foo;"`, `k=& A &foo;`},
		{"names are ASCII", ` 名前="x" .クラス`, `class=クラス gap="名前=\"x\""`},
		{"id needs a letter", ` #1a`, `gap="#1a"`},
		{"unquoted", ` a=b`, `gap="a=b"`},
		{"spaces around =", `target = "_blank"`, `ref=target gap="= \"_blank\""`},
		{"repeated names kept in order", ` k="v" k="w"`, `k=v k=w`},
		{"hyphens and digits", ` data-x-1="y" 2k="z"`, `data-x-1=y 2k=z`},
		{"only a colon", `:`, ``},
		{"only spaces", `   `, ``},
		{"tab separated", "\tk=\"v\"\t.c", `k=v class=c`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := parseAttrList(tt.in)
			var got []string
			for _, a := range l.attrs {
				got = append(got, a.name+"="+a.value)
			}
			for _, r := range l.refs {
				got = append(got, "ref="+r.name)
			}
			for _, g := range l.gaps {
				got = append(got, fmt.Sprintf("gap=%q", tt.in[g.start:g.end]))
			}
			if s := strings.Join(got, " "); s != tt.want {
				t.Errorf("parseAttrList(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}

func TestSpanEnd(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
	}{
		{"simple", `{:x} rest`, 4},
		{"empty content", `{:} rest`, 0},
		{"escaped brace inside", `{:a\}b} rest`, 7},
		{"escaped brace closes when nothing else does", `{:a\} rest`, 5},
		{"unclosed", `{:a`, 0},
		{"not on the same line", "{:a\n}", 0},
		{"not an IAL", `{x}`, 0},
	}
	for _, tt := range tests {
		if got := spanEnd([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: spanEnd(%q) = %d, want %d", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestBlockLen(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
	}{
		{"alone", "{: .c}\n", 6},
		{"trailing space", "{: .c}  \n", 6},
		{"text after", "{: .c} x\n", 0},
		{"extension", "{::comment}\n", 0},
		{"extension stop", "{:/}\n", 0},
		{"definition is still a line", "{:ref: .c}\n", 10},
	}
	for _, tt := range tests {
		if got := blockLen([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: blockLen(%q) = %d, want %d", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"taget", "target", 1},
		{"_blnak", "_blank", 1},
		{"_blannk", "_blank", 1},
		{"blank", "_blank", 1},
		{"stlye", "style", 1},
		{"_new", "_top", 3},
		{"", "id", 2},
		{"クラス", "クラブ", 1},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestNoMarkersLeft makes sure the parse markers never reach a renderer or
// another extension, whatever happened to the list they stood for.
func TestNoMarkersLeft(t *testing.T) {
	inputs := []string{
		`[t](u){:target="_blank"}{: .a} *e*{: .c} a*{: .d} [{:.x}](u)`,
		"para\n{: .c}\n{: .d}\nmore\n\n{: .e}\n\n{: .f}\n* a\n  {: .g}\n* {: .h} b\n\n{: .i}",
		"{:ref: .x}\n{: .c}\n\n<div>x</div>\n{: .c}\n\n[r]: http://x\n{: .c}\n\n```\nc\n```\n{: .c}",
		"| a |\n|---|\n| [t](u){: .c} |\n{: .t}\n> q\n{: .q}",
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM, Extension))
	for _, in := range inputs {
		doc := md.Parser().Parse(text.NewReader([]byte(in)))
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if k := n.Kind(); k == kindSpanMarker || k == kindBlockMarker {
				t.Errorf("%q: a %s is left in the tree", in, k)
			}
			return ast.WalkContinue, nil
		})
	}
}

// FuzzIAL looks for panics and leftover markers on arbitrary input:
// go test ./gen/markup/ial -run '^$' -fuzz FuzzIAL -fuzztime 30s
func FuzzIAL(f *testing.F) {
	for _, s := range []string{
		`[t](u){:target="_blank"}`, `[t](u){:target="_blank}`, "para\n{: .c}\n", "* {: .c} a\n  {: .d}\n",
		`*a*{: k="a\"b\}" .c #d}`, "<div>\n{: .c}", "{:r: .x}\n{: .c}\n\n> q\n{: .q}", "| a |\n|---|\n{: .t}",
	} {
		f.Add(s)
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM, Extension))
	f.Fuzz(func(t *testing.T, in string) {
		doc := md.Parser().Parse(text.NewReader([]byte(in)))
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if k := n.Kind(); k == kindSpanMarker || k == kindBlockMarker {
				t.Errorf("%q: a %s is left in the tree", in, k)
			}
			return ast.WalkContinue, nil
		})
		var sb strings.Builder
		if err := md.Renderer().Render(&sb, []byte(in), doc); err != nil {
			t.Fatal(err)
		}
	})
}

// TestMarkerPos pins what transformers that run before this package's (below
// 200) can rely on: a block IAL line is a node whose Pos() is the offset of
// its "{". mathx's $$ boundary rule uses that to see that a math block ends
// at a boundary when an IAL line follows it, as kramdown does.
func TestMarkerPos(t *testing.T) {
	src := []byte("para\n{: .a}\n\n> q\n>   {: .b}\n\n* i\n\n  {: .c}\n  j\n\n```\nc\n```\n {: .d}\n")
	var seen []string
	spy := transformerFunc(func(doc *ast.Document, reader text.Reader, pc parser.Context) {
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if m, ok := n.(*blockMarker); ok && entering {
				seen = append(seen, m.x.raw)
				if m.Pos() != m.x.offset || src[m.Pos()] != '{' {
					t.Errorf("%s: Pos() %d, offset %d", m.x.raw, m.Pos(), m.x.offset)
				}
			}
			return ast.WalkContinue, nil
		})
	})
	md := goldmark.New(goldmark.WithExtensions(extension.GFM, Extension),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(spy, 150))))
	md.Parser().Parse(text.NewReader(src))
	if got := strings.Join(seen, " "); got != "{: .a} {: .b} {: .c} {: .d}" {
		t.Errorf("markers seen before the transformer: %s", got)
	}
}

type transformerFunc func(*ast.Document, text.Reader, parser.Context)

func (f transformerFunc) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	f(doc, reader, pc)
}
