package corpustest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestPages(t *testing.T) {
	pages := Pages(t)
	if len(pages) != 63 {
		t.Errorf("found %d pages, want the 63 Jekyll rendered", len(pages))
	}
	for i, p := range pages {
		if i > 0 && pages[i-1].Rel >= p.Rel {
			t.Errorf("%s listed after %s", p.Rel, pages[i-1].Rel)
		}
		if string(p.Body) != string(p.Source[p.BodyOffset:]) {
			t.Errorf("%s: Body is not Source[BodyOffset:]", p.Rel)
		}
		if home := JekyllHome(t, p.Jekyll); Find(home, func(n *html.Node) bool { return n.Data == "h1" || n.Data == "h2" }) == nil {
			t.Errorf("%s: Jekyll's article body has no heading", p.Jekyll)
		}
	}
}

func TestBodyStart(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      int
	}{
		{"front matter", "---\ntitle: a\n---\n# A\n", 17},
		{"empty front matter", "---\n---\nx", 8},
		{"trailing blanks and CRLF", "--- \r\na: 1\r\n---\t\r\nx", 18},
		{"ends with the closing line", "---\na: 1\n---", 12},
		{"unclosed", "---\na: 1\n", -1},
		{"no front matter", "# A\n---\n", -1},
		{"dashes then text", "---x\na: 1\n---\n", -1},
		{"closing line with text", "---\na: 1\n---x\n", -1},
		{"empty", "", -1},
	} {
		if got := BodyStart([]byte(tc.src)); got != tc.want {
			t.Errorf("%s: BodyStart(%q) = %d, want %d", tc.name, tc.src, got, tc.want)
		}
	}
}

func TestJekyllHome(t *testing.T) {
	file := filepath.Join(t.TempDir(), "index.html")
	page := `<p class="home">x</p><div class=" a  home ">Hi <b id="b">there</b></div>`
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	home := JekyllHome(t, file)
	if home.Data != "div" {
		t.Fatalf("JekyllHome = <%s>, want the <div>", home.Data)
	}
	if got := Text(home); got != "Hi there" {
		t.Errorf("Text = %q, want %q", got, "Hi there")
	}
	b := Find(home, func(n *html.Node) bool { return Attr(n, "id") == "b" })
	if b == nil || b.Data != "b" || HasClass(b, "home") || !HasClass(home, "a") {
		t.Errorf("Find, Attr or HasClass wrong: %v", b)
	}
}

// TestTestOnly checks that only _test.go files import this package, which
// links in testing and reads files from beside the repository. Go's internal
// rule already keeps it out of code outside gen/.
func TestTestOnly(t *testing.T) {
	const self = "github.com/kogi-course/kogi/gen/internal/corpustest"
	err := filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); path == self {
				t.Errorf("%s imports %s; only tests may", p, self)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
