package markup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kogi-course/kogi/gen/config"
)

// FuzzConvert feeds arbitrary bytes through the whole pipeline. It must not
// panic, must not hang, and every diagnostic must point inside the input.
// Crashers found by `go test -fuzz` are kept in testdata/fuzz as regression
// tests; the corpus pages seed it when ../shared is present.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: t\n---\n# 見出し\n\n$$\n\\newcommand{\\mb}[1]{\\mathbf{#1}}\n$$\n",
		"[a](b){:target=\"_blank\"} $x_1$ and $5 and $10\n",
		"$$\nunclosed\n",
		"<!-- never closed\n\n# h\n",
		"{: .cls}\n\npara\n{: style=\"color: red\"}\n",
		"| a | b |\n|---|---|\n| $x|y$ | `$` |\n",
		"脚注[^1]\n\n[^1]: 注\n",
		"\\(a\\) \\[b\\] $$c$$ \\$d$",
		"# 見出し <a name=\"x\"></a>\n# 見出し\n",
	} {
		f.Add([]byte(s))
	}
	if pages, _ := filepath.Glob("../../../shared/corpus/*/*.md"); len(pages) > 0 {
		for _, p := range pages[:min(len(pages), 12)] {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	conv := New(config.Default.Markup)
	f.Fuzz(func(t *testing.T, src []byte) {
		var sb strings.Builder
		res, err := conv.Convert(src, &sb)
		if err != nil {
			return // a render error is reported to the author, not a crash
		}
		for _, d := range res.Diags {
			if d.Offset > len(src) {
				t.Errorf("diagnostic %q at offset %d beyond input of %d bytes", d.Msg, d.Offset, len(src))
			}
		}
		if utf8.Valid(src) && !utf8.ValidString(sb.String()) {
			t.Error("valid UTF-8 input produced invalid UTF-8 output")
		}
	})
}
