package mathx

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/testutil"
	"github.com/yuin/goldmark/text"

	"github.com/kogi-course/kogi/gen/internal/corpustest"
	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/markup/kast"
)

// newMarkdown is the pipeline the tests use: GFM, as kramdown's GFM input,
// plus this extension. Raw HTML is kept, as lecture pages need it.
func newMarkdown(exts ...goldmark.Extender) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(append([]goldmark.Extender{extension.GFM}, exts...)...),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
}

// TestMath runs testdata/mathx.txt, one case per edge case. Re-run a single
// case with: go test ./gen/markup/mathx -run TestMath -args case=4
func TestMath(t *testing.T) {
	testutil.DoTestCaseFile(newMarkdown(Extension), filepath.Join("testdata", "mathx.txt"), t, testutil.ParseCliCaseArg()...)
}

func TestConfigVariants(t *testing.T) {
	t.Run("zero Config: only kramdown's $$", func(t *testing.T) {
		testutil.DoTestCase(newMarkdown(New(Config{})), testutil.MarkdownTestCase{
			No:       1,
			Markdown: "$a_1$ and \\(b\\) and $$c_1$$",
			Expected: "<p>$a_1$ and (b) and <span class=\"math inline\">\\(c_1\\)</span></p>\n",
		}, t)
	})
	t.Run("without backslash delimiters \\[ is a bracket", func(t *testing.T) {
		c := NewConfig()
		c.Backslash = false
		testutil.DoTestCase(newMarkdown(New(c)), testutil.MarkdownTestCase{
			No:       2,
			Markdown: "\\[注\\] and $x$",
			Expected: "<p>[注] and <span class=\"math inline\">\\(x\\)</span></p>\n",
		}, t)
	})
	t.Run("without DollarUnescape \\[ stays in $…$", func(t *testing.T) {
		c := NewConfig()
		c.DollarUnescape = ""
		testutil.DoTestCase(newMarkdown(New(c)), testutil.MarkdownTestCase{
			No:       3,
			Markdown: "$\\gamma \\in \\[0,1\\]$",
			Expected: "<p><span class=\"math inline\">\\(\\gamma \\in \\[0,1\\]\\)</span></p>\n",
		}, t)
	})
}

func TestDiagnostics(t *testing.T) {
	unclosed := func(off int) diag.Diagnostic {
		return diag.Diagnostic{Offset: off, Severity: diag.Warning, Msg: "unclosed $$"}
	}
	tests := []struct {
		name string
		src  string
		want []diag.Diagnostic
	}{
		{"closed span", "a $$x$$ b", nil},
		{"closed block", "$$\nx\n$$\n", nil},
		{"prices are not problems", "It costs $5 and $10.", nil},
		{"a price is not reported", "It costs $5 and $ 3.", nil},
		{"unclosed $ before a letter is reported", "#### 学習 $Multi-task", []diag.Diagnostic{{Offset: 12, Severity: diag.Warning,
			Msg: `unclosed $ (math never closed in this paragraph; write \$ for a dollar sign)`}}},
		{"unclosed span", "text $$x\nmore", []diag.Diagnostic{unclosed(5)}},
		{"third $$ of a paragraph", "a $$ b $$ c $$", []diag.Diagnostic{unclosed(12)}},
		// 2025ai/2025ai_lect26.md:859-861
		{"stray $$ after span math", "Text.\n$$\nx$$\n$$\n\n$$\ny\n$$\n", []diag.Diagnostic{unclosed(13)}},
		{"$$ closed only outside its block quote", "> $$\n> x\n\n$$", []diag.Diagnostic{unclosed(2), unclosed(10)}},
		{"every unclosed $$ is reported", "$$ a\n\n$$ b\n\nc", []diag.Diagnostic{unclosed(0), unclosed(6)}},
	}
	md := newMarkdown(Extension)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc := parser.NewContext()
			var out bytes.Buffer
			if err := md.Convert([]byte(tt.src), &out, parser.WithContext(pc)); err != nil {
				t.Fatal(err)
			}
			got := diag.List(pc)
			if len(got) != len(tt.want) {
				t.Fatalf("diagnostics = %v, want %v\nHTML: %s", got, tt.want, out.String())
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("diagnostic %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestUnclosedBlockIsMarked(t *testing.T) {
	src := []byte("> $$\n> x\n\n$$")
	doc := newMarkdown(Extension).Parser().Parse(text.NewReader(src))
	var found *kast.MathBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if b, ok := n.(*kast.MathBlock); ok && entering {
			found = b
		}
		return ast.WalkContinue, nil
	})
	if found == nil || !found.Unclosed {
		t.Fatalf("want an Unclosed MathBlock, got %v", found)
	}
}

func TestHasMath(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want bool
	}{
		{"no math", "Plain text.", false},
		{"prices", "It costs $5 and $10.", false},
		{"math in code only", "`$x$` and\n\n```\n$$y$$\n```", false},
		{"dollar math", "Let $x$ be.", true},
		{"block math", "$$\nx\n$$", true},
		{"backslash math", "\\(x\\)", true},
		{"kramdown span math", "a $$x$$ b", true},
		{"math in an HTML block, typeset by MathJax", "<div>\n$x$\n</div>", true},
		{"math in inline HTML", "a <span>\\(x\\)</span> b", true},
		{"math in an HTML comment", "<!--\n$x$\n-->", false},
	}
	md := newMarkdown(Extension)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc := parser.NewContext()
			if err := md.Convert([]byte(tt.src), &bytes.Buffer{}, parser.WithContext(pc)); err != nil {
				t.Fatal(err)
			}
			if got := HasMath(pc); got != tt.want {
				t.Errorf("HasMath = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestAttributes checks that attributes another extension sets (an IAL,
// say) are merged into the class and filtered.
func TestAttributes(t *testing.T) {
	md := newMarkdown(Extension)
	src := []byte("$$\nx\n$$\n")
	doc := md.Parser().Parse(text.NewReader(src))
	b := doc.FirstChild()
	b.SetAttributeString("class", []byte("eq"))
	b.SetAttributeString("id", []byte("eq-1"))
	b.SetAttributeString("onclick", []byte("alert(1)"))
	var out bytes.Buffer
	if err := md.Renderer().Render(&out, src, doc); err != nil {
		t.Fatal(err)
	}
	want := "<div class=\"math display eq\" id=\"eq-1\">\\[x\\]</div>\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// BenchmarkWithAndWithoutMath converts the same math-heavy lecture page with
// and without the extension. The page is a corpus page when ../shared is
// there, otherwise a synthetic one, so the benchmark runs everywhere.
func BenchmarkWithAndWithoutMath(b *testing.B) {
	src := benchPage(b)
	for _, bc := range []struct {
		name string
		md   goldmark.Markdown
	}{
		{"without", newMarkdown()},
		{"with", newMarkdown(Extension)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			var out bytes.Buffer
			for b.Loop() {
				out.Reset()
				if err := bc.md.Convert(src, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchPage(b *testing.B) []byte {
	if shared, err := corpustest.Locate(); err == nil {
		p := filepath.Join(shared, "corpus", "2024ai", "2024ai_lect05.md")
		if src, err := os.ReadFile(p); err == nil {
			if n := corpustest.BodyStart(src); n >= 0 {
				b.Logf("benchmark page: %s", p)
				return src[n:]
			}
		}
	}
	const section = `## 重回帰

中学校以来の直線の方程式 $y = ax + b$ を一般化します。
データ行列を $\mathbf{X}$，予測すべき値を $\mathbf{y}$ とし，$w_{ij}$ と $b_i$ を推定します。
価格は $5 から $10 です。

$$
\mathbf{w}^\top\mathbf{X}^\top\mathbf{Xw} - \lambda\left(\mathbf{w}^\top\mathbf{w}-1\right)
$$

- 誤差 $\left\|\mathbf{\epsilon}\right\|^2$ を **最小** にする
- 射影 $\mathbf{P}=\mathbf{X}\left(\mathbf{X}^\top\mathbf{X}\right)^{-1}\mathbf{X}^\top$

| 記号 | 意味 |
|------|------|
| $\beta$ | 係数 |

`

	b.Log("benchmark page: synthetic")
	return []byte(strings.Repeat(section, 100))
}

// FuzzMath looks for panics and for math that leaks unescaped markup.
// Run with: go test ./gen/markup/mathx -fuzz FuzzMath
func FuzzMath(f *testing.F) {
	for _, s := range []string{
		"$x$", "$$\nx\n$$\n", "a $$x", "\\(x\\) \\[y\\]", "> $$\n> x\n\n$$", "- $$\n  x\n  $$\n- b",
		"$$x$$\ntext", "## h\n$$x$$", "$a\\[b$ `$c$`", "\t$$\n\tx\n\t$$", "$5 and $10 $x $ 3$",
	} {
		f.Add(s)
	}
	md := newMarkdown(Extension)
	f.Fuzz(func(t *testing.T, src string) {
		pc := parser.NewContext()
		var out bytes.Buffer
		if err := md.Convert([]byte(src), &out, parser.WithContext(pc)); err != nil {
			t.Fatal(err)
		}
		for _, d := range diag.List(pc) {
			if d.Offset < 0 || d.Offset > len(src) || !strings.HasPrefix(src[d.Offset:], "$$") {
				t.Fatalf("diagnostic %+v does not point at a $$ in %q", d, src)
			}
		}
	})
}

func TestDefinesOnly(t *testing.T) {
	for _, c := range []struct {
		name, tex string
		want      bool
	}{
		{"seed block", "\\newcommand{\\mb}[1]{\\mathbf{#1}}\n\\newcommand{\\Brc}[1]{\\left(#1\\right)}\n\\newcommand{\\Rank}{\\text{rank}\\;}", true},
		{"renewcommand without braces around the name", `\renewcommand\Bar[1]{\overline{\;#1\;}}`, true},
		{"def", `\def\x{\mathbf{x}}`, true},
		{"definition then math", "\\newcommand{\\x}{x}\n\\x + 1", false},
		{"plain math", `a + b`, false},
		{"empty", "  ", false},
		{"unbalanced", `\newcommand{\x}{\frac{1}{2}`, false},
	} {
		if got := definesOnly([]byte(c.tex)); got != c.want {
			t.Errorf("%s: definesOnly = %v, want %v", c.name, got, c.want)
		}
	}
}
