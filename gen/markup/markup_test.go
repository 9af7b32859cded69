package markup

import (
	"strings"
	"testing"

	"github.com/kogi-course/kogi/gen/config"
)

// Cases where the extensions meet; each extension's own cases live in its
// package's testdata.
func TestPipeline(t *testing.T) {
	conv := New(config.Default.Markup)
	for _, c := range []struct{ name, in, want string }{
		{"ial after display math", "$$\nx\n$$\n{: #eq1}\n", `<div class="math display" id="eq1">\[x\]</div>`},
		{"prices are not math and MathJax is told so", "It costs $5 and $10.\n",
			`<p>It costs <span class="nomath">$</span>5 and <span class="nomath">$</span>10.</p>`},
		{"a lone dollar stays plain", "hello $.;'there\n", `<p>hello $.;'there</p>`},
		{"link with target in a heading", "## [ASA](https://example.com/){:target=\"_blank\"}\n",
			`<h2 id="asa"><a href="https://example.com/" target="_blank">ASA</a></h2>`},
		{"heading without word characters has no id", "# ！？\n", "<h1>！？</h1>"},
		{"japanese heading id", "# 第 12 回\n", `<h1 id="第-12-回">第 12 回</h1>`},
		{"japanese lines join without a space", "変分下限は\n対数尤度の下界である。\n", "<p>変分下限は対数尤度の下界である。</p>"},
		{"math untouched by emphasis", "$a_1 * b_2 * c$ and $$\\{x\\}\\\\$$\n",
			`<p><span class="math inline">\(a_1 * b_2 * c\)</span> and <span class="math inline">\(\{x\}\\\)</span></p>`},
		{"autolink in raw html", "<div>\nsee <https://example.com/>\n</div>\n",
			"<div>\nsee &lt;<a href=\"https://example.com/\">https://example.com/</a>&gt;\n</div>"},
		{"front matter is not content", "---\ntitle: t\n---\n本文\n", "<p>本文</p>"},
		{"dashes without front matter are markdown", "---\nFoo\n---\n", "<hr />\n<h2 id=\"foo\">Foo</h2>"},
	} {
		got, _, err := conv.ConvertString(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if strings.TrimSpace(got) != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, strings.TrimSpace(got), c.want)
		}
	}
}

func TestResult(t *testing.T) {
	conv := New(config.Default.Markup)
	src := "---\ntitle: t\n---\n# 見出し\n\n![図](img/a.png) [次](../b/)\n<img src=\"/x.svg\" alt=\"\"> <a href=\"/y/\">y</a>\n\n<!--\n<img src=\"/hidden.png\">\n-->\n\n<!-- one line -->\n\n```python\nx = 1\n```\n\n<!-- never closed\n"
	_, res, err := conv.ConvertString(src)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, r := range res.Refs {
		refs = append(refs, r.URL)
		if r.Offset < 0 || !strings.Contains(src[r.Offset:], r.URL) {
			t.Errorf("ref %q has offset %d, not before its URL", r.URL, r.Offset)
		}
	}
	if got, want := strings.Join(refs, " "), "img/a.png ../b/ /x.svg /y/"; got != want {
		t.Errorf("refs = %q, want %q", got, want)
	}
	if !res.Refs[0].Image || res.Refs[1].Image || !res.Refs[2].Image || res.Refs[3].Image {
		t.Errorf("image flags wrong: %+v", res.Refs)
	}
	if src[res.Refs[0].Offset:res.Refs[0].Offset+2] != "![" {
		t.Errorf("image offset points at %q, want the opening ![", src[res.Refs[0].Offset:][:5])
	}
	if len(res.Headings) != 1 || res.Headings[0].ID != "見出し" || res.Headings[0].Text != "見出し" {
		t.Errorf("headings = %+v", res.Headings)
	}
	if !res.HasCode || res.HasMath {
		t.Errorf("HasCode %v HasMath %v", res.HasCode, res.HasMath)
	}
	var msgs []string
	for _, d := range res.Diags {
		msgs = append(msgs, d.Msg)
	}
	if len(msgs) != 1 || !strings.Contains(msgs[0], "never closed") {
		t.Errorf("diagnostics = %q, want only the unclosed comment", msgs)
	}
}

func TestMissingAlt(t *testing.T) {
	conv := New(config.Default.Markup)
	src := "![](a.png) ![ok](b.png)\n\n<img src=\"c.png\"> <img src=\"d.png\" alt=\"\"> <img alt=\"e\" src=\"e.png\">\n\n<!-- <img src=\"hidden.png\"> -->\n"
	_, res, err := conv.ConvertString(src)
	if err != nil {
		t.Fatal(err)
	}
	var at []string
	for _, d := range res.Diags {
		if d.Msg == "image has no alt text" {
			at = append(at, src[d.Offset:d.Offset+4])
		}
	}
	if strings.Join(at, "|") != "![](|<img" || len(at) != 2 {
		t.Errorf("missing-alt warnings at %q, want the markdown image and c.png", at)
	}
}
