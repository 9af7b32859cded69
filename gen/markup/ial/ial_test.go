package ial_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/testutil"

	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/markup/ial"
)

// newMarkdown is configured like Jekyll's output: GFM, raw HTML kept, XHTML
// void elements (<img ... />).
func newMarkdown(exts ...goldmark.Extender) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(append([]goldmark.Extender{extension.GFM}, exts...)...),
		goldmark.WithRendererOptions(html.WithUnsafe(), html.WithXHTML()),
	)
}

// TestIAL runs testdata/ial.txt. Every expected output was checked against
// kramdown 2.4.0 with kramdown-parser-gfm 1.1.0 (the versions behind
// shared/corpus-jekyll); where Kogi differs, the case says why.
// Re-run one case with: go test ./gen/markup/ial -run TestIAL -args case=4
func TestIAL(t *testing.T) {
	testutil.DoTestCaseFile(newMarkdown(ial.Extension), "testdata/ial.txt", t, testutil.ParseCliCaseArg()...)
}

// TestIALSafe runs testdata/ial_safe.txt without html.WithUnsafe and without
// XHTML: the IAL may not smuggle what goldmark's safe mode keeps out.
func TestIALSafe(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM, ial.Extension))
	testutil.DoTestCaseFile(md, "testdata/ial_safe.txt", t, testutil.ParseCliCaseArg()...)
}

// TestPlainLinksUnchanged checks that links and images without an IAL come
// out exactly as goldmark renders them, under each renderer option that
// changes their HTML.
func TestPlainLinksUnchanged(t *testing.T) {
	inputs := []string{
		`[t](u) [t](u "title &amp; more") [t][r] [r] <https://example.com> https://example.org`,
		`![alt *with* **markup**](i.png "t") ![a](<x y.png>) [![a](i)](u)`,
		"![multi\nline alt](i) [multi\nline](u)",
		"![hard  \nbreak](i) ![東アジア\n文字](i)",
		`[t](javascript:alert(1)) ![a](javascript:alert(1)) [t](<> "e")`,
		`[日本語](https://ja.wikipedia.org/wiki/日本語) [q](u?a=1&b=2)`,
		"[r]: http://example.com/r \"ref title\"\n",
	}
	options := map[string][]goldmark.Option{
		"default": nil,
		"unsafe":  {goldmark.WithRendererOptions(html.WithUnsafe())},
		"xhtml":   {goldmark.WithRendererOptions(html.WithXHTML())},
		"hardwraps+eastasian": {goldmark.WithRendererOptions(html.WithHardWraps(),
			html.WithEastAsianLineBreaks(html.EastAsianLineBreaksCSS3Draft))},
	}
	for name, opts := range options {
		base := goldmark.New(append(opts, goldmark.WithExtensions(extension.GFM, extension.Typographer))...)
		with := goldmark.New(append(opts, goldmark.WithExtensions(extension.GFM, extension.Typographer, ial.Extension))...)
		for _, in := range inputs {
			src := []byte(in + "\n\n[r]: http://example.com/r \"ref title\"\n")
			var want, got bytes.Buffer
			if err := base.Convert(src, &want); err != nil {
				t.Fatal(err)
			}
			if err := with.Convert(src, &got); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("%s: %q\ngot  %s\nwant %s", name, in, got.String(), want.String())
			}
		}
	}
}

// TestDiagnostics pins the messages and offsets (of the "{") for each kind
// of problem, the corpus typos first.
func TestDiagnostics(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // "offset: message"
	}{
		{"unknown name", `[a](u){:taget="_blank"}`, []string{
			`6: attribute list {:taget="_blank"} has unknown name "taget"; did you mean {:target="_blank"}`}},
		{"target without underscore", `[a](u){:target="blank"}`, []string{
			`6: attribute list {:target="blank"} has unknown target "blank"; did you mean {:target="_blank"}`}},
		{"swapped letters", `[a](u){:target="_blnak"}`, []string{
			`6: attribute list {:target="_blnak"} has unknown target "_blnak"; did you mean {:target="_blank"}`}},
		{"doubled letter", `[a](u){:target="_blannk"}`, []string{
			`6: attribute list {:target="_blannk"} has unknown target "_blannk"; did you mean {:target="_blank"}`}},
		{"unclosed quote", `[a](u){:target="_blank}`, []string{
			`6: attribute list {:target="_blank} has an unclosed quote; did you mean {:target="_blank"}`}},
		{"offset counts bytes, second IAL on the line", "日本 [a](u){:target=\"_blank\"} [b](v){:target=\"blank\"}", []string{
			`38: attribute list {:target="blank"} has unknown target "blank"; did you mean {:target="_blank"}`}},
		{"valid lists are quiet", `[a](u){:target="_blank"} ![i](s){: style="width: 60%;" class="center"} [b](v){: .c #d target="_top" data-x="1" aria-label="l"}`, nil},
		{"window names far from a keyword are quiet", `[a](u){:target="preview"}`, nil},
		{"unknown keyword", `[a](u){:target="_new"}`, []string{
			`6: attribute list {:target="_new"} has unknown target "_new"`}},
		{"spaces around =", `[a](u){:target = "_blank"}`, []string{
			`6: attribute list {:target = "_blank"} has spaces around "="; did you mean {:target="_blank"}`}},
		{"unquoted value", `[a](u){: width=50%}`, []string{
			`6: attribute list {: width=50%} has an unquoted value; did you mean {: width="50%"}`}},
		{"bare word", `[a](u){: center}`, []string{
			`6: attribute list {: center} refers to undefined attribute list definition "center"; did you mean {: .center}`}},
		{"garbage", `[a](u){: =}`, []string{
			`6: attribute list {: =} has unparsable text "="`}},
		{"typo in style", `![a](u){: stlye="width: 60%"}`, []string{
			`7: attribute list {: stlye="width: 60%"} has unknown name "stlye"; did you mean {: style="width: 60%"}`}},
		{"after text", `see [a](u) {:target="_blank"}`, []string{
			`11: attribute list {:target="_blank"} follows text, not a link or other element, and is left as text`}},
		{"unmatched delimiter", `a*{: .c}`, []string{
			`2: attribute list {: .c} follows text, not a link or other element, and is left as text`}},
		{"prose braces are quiet", `\text{: 両辺に左から $\mb{X}$ の転置}`, nil},
		{"not rendered on a paragraph", "para\n{: target=\"_blank\"}", []string{
			`5: attribute list {: target="_blank"} sets "target", which is not rendered on a paragraph`}},
		{"typo on a block is reported once", "para\n{: taget=\"_blank\"}", []string{
			`5: attribute list {: taget="_blank"} has unknown name "taget"; did you mean {: target="_blank"}`}},
		{"code block", "```\ncode\n```\n{: .c}", []string{
			`13: attribute list {: .c} cannot be applied to a code block and is ignored`}},
		{"raw HTML block", "<div>x</div>\n{: .c}", []string{
			`13: attribute list {: .c} cannot be applied to raw HTML and is ignored`}},
		{"raw HTML inline", `<b>x</b>{: .c}`, []string{
			`8: attribute list {: .c} cannot be applied to raw HTML and is ignored`}},
		{"nothing follows", "para\n\n{: .c}", []string{
			`6: attribute list {: .c} is not followed by a block and is ignored`}},
		{"blank line at the start", "{: .c}\n\npara", []string{
			`0: attribute list {: .c} is followed by a blank line and is ignored`}},
		{"definition", "{:ref: .c}\npara", []string{
			`0: attribute list definition {:ref: .c} is not supported and is ignored`}},
		{"extension", "{::comment}\nx\n{:/comment}", []string{
			`0: kramdown extension {::comment} is not supported and is left as text`,
			`14: kramdown extension {:/comment} is not supported and is left as text`}},
		{"link reference definition", "[r]: http://x\n{: .c}\n\n[t][r]", []string{
			`14: attribute list {: .c} on a link reference definition is not supported and is ignored`}},
		{"known names from Config", `[a](u){: tabinde="1" taget="x"}`, []string{
			`6: attribute list {: tabinde="1" taget="x"} has unknown name "taget"; did you mean {: tabinde="1" target="x"}`}},
	}
	md := newMarkdown(ial.New(ial.Config{KnownNames: []string{"tabinde"}}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc := parser.NewContext()
			var out bytes.Buffer
			if err := md.Convert([]byte(tt.src), &out, parser.WithContext(pc)); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range diag.List(pc) {
				if d.Severity != diag.Warning {
					t.Errorf("severity %v, want warning", d.Severity)
				}
				if d.Offset < 0 || d.Offset >= len(tt.src) || tt.src[d.Offset] != '{' {
					t.Errorf("offset %d does not point at '{'", d.Offset)
				}
				got = append(got, fmt.Sprintf("%d: %s", d.Offset, d.Msg))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("diagnostics for %q:\ngot:\n%s\nwant:\n%s", tt.src, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// BenchmarkIAL compares a link-heavy page with and without the extension.
func BenchmarkIAL(b *testing.B) {
	var src bytes.Buffer
	for i := range 200 {
		fmt.Fprintf(&src, "* [実習 %d <img src=\"/assets/colab_icon.svg\">](https://colab.research.google.com/x%d.ipynb){:target=\"_blank\"} and `code`, *emphasis*\n", i, i)
		if i%20 == 19 {
			src.WriteString("\nA paragraph with [a link](u) and text {braces}.\n{: .note}\n\n")
		}
	}
	for _, bc := range []struct {
		name string
		md   goldmark.Markdown
	}{
		{"without", newMarkdown()},
		{"with", newMarkdown(ial.Extension)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var out bytes.Buffer
			for b.Loop() {
				out.Reset()
				if err := bc.md.Convert(src.Bytes(), &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
