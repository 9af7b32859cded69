package demoblock_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/kogi-course/kogi/gen/markup/demoblock"
	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/markup/kast"
)

func convert(t *testing.T, src string, fn demoblock.RenderFunc) (string, []diag.Diagnostic) {
	t.Helper()
	md := goldmark.New(goldmark.WithExtensions(demoblock.New(demoblock.Config{Render: fn})))
	pc := parser.NewContext()
	doc := md.Parser().Parse(text.NewReader([]byte(src)), parser.WithContext(pc))
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, []byte(src), doc); err != nil {
		t.Fatal(err)
	}
	return buf.String(), diag.List(pc)
}

func TestDemoBlock(t *testing.T) {
	var got []*kast.Demo
	fn := func(w util.BufWriter, d *kast.Demo) error {
		got = append(got, d)
		w.WriteString("<figure data-demo=\"" + d.Name + "\"></figure>\n")
		return nil
	}
	src := "Before.\n\n```demo\nname: vae-latent\ncaption: 潜在空間\n```\n\n```python\nx = 1\n```\n\n- item\n\n  ```demo\n  name: vae-draw\n  ```\n"
	html, diags := convert(t, src, fn)
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if len(got) != 2 || got[0].Name != "vae-latent" || got[0].Params["caption"] != "潜在空間" || got[1].Name != "vae-draw" {
		t.Fatalf("demos: %+v", got)
	}
	if got[0].Offset != strings.Index(src, "demo\nname") {
		t.Errorf("Offset = %d, want the info string's offset", got[0].Offset)
	}
	for _, want := range []string{`<figure data-demo="vae-latent">`, `<figure data-demo="vae-draw">`, `<code class="language-python">x = 1`} {
		if !strings.Contains(html, want) {
			t.Errorf("output lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "name:") {
		t.Errorf("the YAML body leaked into the page:\n%s", html)
	}
}

func TestDemoBlockBadInput(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"```demo\n```\n", "has no name"},
		{"```gallery\ncaption: x\n```\n", "gallery block has no name"},
		{"```demo\nname: [a, b\n```\n", "not YAML"},
		{"```demo\nname:\n  nested: 1\n```\n", "want a plain value"},
	} {
		html, diags := convert(t, tc.src, nil)
		if len(diags) != 1 || diags[0].Severity != diag.Error || !strings.Contains(diags[0].Msg, tc.want) {
			t.Errorf("%q: diagnostics %v, want one error with %q", tc.src, diags, tc.want)
		}
		if diags[0].Offset != 3 {
			t.Errorf("%q: offset %d, want 3 (the info string)", tc.src, diags[0].Offset)
		}
		if !strings.Contains(html, "kogi-demo-missing") {
			t.Errorf("%q: no placeholder: %s", tc.src, html)
		}
	}
}
