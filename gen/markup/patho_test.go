package markup

import (
	"strings"
	"testing"
	"time"

	"github.com/kogi-course/kogi/gen/config"
)

// TestPathological guards against inputs that make an extension quadratic:
// each 200 KB input must convert in a time proportional to its size. The
// bound is generous (a tenth of a second per 100 KB of input on this
// 2-core machine is ~50x the normal cost), so only blow-ups fail it.
func TestPathological(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: slow on purpose")
	}
	conv := New(config.Default.Markup)
	for name, unit := range map[string]string{
		"dollars":        "$a ",
		"double dollars": "$$a ",
		"brackets":       "[a ",
		"ial openers":    "[a](b){: ",
		"backslash":      `\( `,
		"angle":          "<a ",
		"comment":        "<!-- ",
		"emphasis":       "*a _b ",
		"table pipes":    "| a ",
		"cjk":            "日本\n",
		"footnotes":      "[^a] ",
		"headings":       "# a\n",
		"html blocks":    "<div>\n<https://a.b>\n",
	} {
		src := strings.Repeat(unit, 200_000/len(unit))
		start := time.Now()
		if _, _, err := conv.ConvertString(src); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: %v for %d bytes", name, d, len(src))
		} else {
			t.Logf("%s: %v", name, d)
		}
	}
}
