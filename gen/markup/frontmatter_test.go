package markup

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/kogi-course/kogi/gen/internal/corpustest"
)

// reFrontMatterSpec is the definition SplitFrontMatter's scan implements:
// an opening --- line, then lazily up to the first closing --- or ... line.
var reFrontMatterSpec = regexp.MustCompile(`\A---[ \t]*\r?\n((?s:.*?)\r?\n)??(?:---|\.\.\.)[ \t]*(?:\r?\n|\z)`)

func splitBySpec(src []byte) ([]byte, int, bool) {
	m := reFrontMatterSpec.FindSubmatchIndex(src)
	if m == nil {
		return nil, 0, false
	}
	var y []byte
	if m[2] >= 0 {
		y = src[m[2]:m[3]]
	}
	return y, m[1], true
}

func checkSplit(t *testing.T, src []byte) {
	t.Helper()
	y, off, ok := SplitFrontMatter(src)
	wy, woff, wok := splitBySpec(src)
	if ok != wok || off != woff || !bytes.Equal(y, wy) || (y == nil) != (wy == nil) {
		t.Errorf("SplitFrontMatter(%q) = %q, %d, %v; want %q, %d, %v", src, y, off, ok, wy, woff, wok)
	}
}

var frontMatterCases = []string{
	"", "---", "---\n", "---\n---", "---\n---\n", "---\n...\n", "--- \t\ntitle: a\n---  \nbody",
	"---\r\ntitle: a\r\n---\r\nbody", "---\ntitle: a\n----\n", "---\ntitle: a\n---x\n---\n",
	"---\ntitle: a\n---\r", "---\ntitle: a\n---\r\n", "----\n---\n", " ---\n---\n",
	"---\ntitle: a", "---\n\n---\n", "---\na: |\n  ---\n---\nb", "---\na\n...", "---\r---\n",
	"---\ntitle: a\n--- \t", "x\n---\n---\n", "---\n\r\n---\n", "---\na: b\n\n...\t\nbody\n---\n",
}

func TestSplitFrontMatter(t *testing.T) {
	for _, c := range frontMatterCases {
		checkSplit(t, []byte(c))
	}
	// Every page of the corpus and of our course.
	dirs := []string{filepath.Join("..", "..", "content")}
	if shared, err := corpustest.Locate(); err == nil {
		dirs = append(dirs, filepath.Join(shared, "corpus"), filepath.Join(shared, "seed"))
	}
	n := 0
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && filepath.Ext(p) == ".md" {
				if src, err := os.ReadFile(p); err == nil {
					checkSplit(t, src)
					n++
				}
			}
			return nil
		})
	}
	if n < 5 {
		t.Errorf("only %d pages checked", n)
	}
}

func FuzzSplitFrontMatter(f *testing.F) {
	for _, c := range frontMatterCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, src []byte) { checkSplit(t, src) })
}
