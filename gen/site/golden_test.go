package site

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kogi-course/kogi/gen/config"
	"github.com/kogi-course/kogi/gen/markup"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// body renders one page's Markdown the way the site does, without the layout.
func body(t *testing.T, file string) []byte {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	src = liquid(src, "", "", func(int, string) {})
	var buf bytes.Buffer
	if _, err := markup.New(config.Default.Markup).Convert(src, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden compares the rendered body of our own lecture pages byte for
// byte with testdata/golden/*.html. After an intended change, run
// go test ./gen/site -run TestGolden -update and review the diff.
func TestGolden(t *testing.T) {
	pages, _ := filepath.Glob("../../content/gm/*.md")
	pages = append(pages, "testdata/site/course/lect01.md")
	if len(pages) < 4 {
		t.Fatalf("expected our sample lectures, found %v", pages)
	}
	for _, p := range pages {
		name := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(p), "../../"), ".md"), "/", "_") + ".html"
		golden := filepath.Join("testdata", "golden", name)
		got := body(t, p)
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: output differs from %s:\n%s", p, golden, firstDiff(want, got))
		}
	}
}

// TestGoldenShared pins the seed page and a few corpus pages. Their text is
// the course author's, which this repository must not copy, so the golden
// file holds a SHA-256 of each rendered body instead of the HTML; on a
// mismatch the new output is written to a temporary file for review.
func TestGoldenShared(t *testing.T) {
	root := filepath.Dir(sharedCorpus(t))
	pages := []string{
		"seed/000_03a643f5cba75a1f.txt",
		"corpus/2025ai/2025ai_lect12.md",
		"corpus/2024ai/2024ai_lect05.md",
		"corpus/2024ai/2024ai_lect24.md",
		"corpus/2025ai/2025ai_lect19.md",
	}
	golden := filepath.Join("testdata", "golden", "shared.sha256")
	want := map[string]string{}
	if f, err := os.Open(golden); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if fs := strings.Fields(sc.Text()); len(fs) == 2 {
				want[fs[1]] = fs[0]
			}
		}
		f.Close()
	} else if !*update {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	var lines []string
	for _, p := range pages {
		got := body(t, filepath.Join(root, p))
		sum := sha256.Sum256(got)
		h := hex.EncodeToString(sum[:])
		lines = append(lines, h+"  "+p)
		if *update {
			continue
		}
		if want[p] != h {
			out := filepath.Join(t.TempDir(), strings.ReplaceAll(p, "/", "_")+".html")
			os.WriteFile(out, got, 0o644)
			t.Errorf("%s: rendered body changed (sha256 %s, golden %s); new output kept in %s while the test runs", p, h[:12], want[p], out)
		}
	}
	if *update {
		sort.Strings(lines)
		if err := os.WriteFile(golden, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// firstDiff shows the first differing line with its neighbours.
func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d\n- %s\n+ %s", i+1, w, g)
		}
	}
	return "(identical lines, different bytes)"
}
