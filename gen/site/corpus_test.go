package site

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kogi-course/kogi/gen/markup/diag"
)

// TestCheckCorpus runs the checker over ../shared/corpus. The corpus ships a
// stand-in for every file its pages reference that exists on the real site,
// so each reported reference must really be missing there, and the broken
// figure the issue names must be among them.
func TestCheckCorpus(t *testing.T) {
	dir := sharedCorpus(t)
	res, err := Check(repoCfg(dir, ""))
	if err != nil {
		t.Fatalf("check: %v\n%v", err, res.Problems)
	}
	re := regexp.MustCompile(`^(broken link|missing file) "([^"]*)"`)
	found := false
	n := 0
	for _, p := range res.Problems {
		m := re.FindStringSubmatch(p.Msg)
		if m == nil {
			continue
		}
		n++
		if p.Line == 0 {
			t.Errorf("%s: reference problem without a line", p)
		}
		rel, _ := filepath.Rel(dir, p.File)
		if rel == filepath.FromSlash("2024ai/2024ai_lect05.md") && p.Line == 191 && m[2] == "/2024assets/2024_0514Pythagoras.svg" {
			found = true
		}
		if existsInCorpus(dir, filepath.ToSlash(rel), m[2]) {
			t.Errorf("%s: reported, but the corpus has the file", p)
		}
	}
	if !found {
		t.Error("2024ai/2024ai_lect05.md:191 /2024assets/2024_0514Pythagoras.svg not reported")
	}
	t.Logf("%d broken references reported in the corpus", n)
}

// existsInCorpus resolves ref the way a browser would from the page's pretty
// URL and looks for a source file that publishes it. It is written apart from
// checkRef on purpose, so the two can disagree.
func existsInCorpus(root, page, ref string) bool {
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		ref = ref[:i]
	}
	base := "/" + strings.TrimSuffix(page, ".md") + "/"
	if path.Base(strings.TrimSuffix(page, ".md")) == "index" {
		base = "/" + path.Dir(page) + "/"
	}
	p := ref
	if !strings.HasPrefix(p, "/") {
		p = path.Join(base, p)
	}
	if u, err := strconv.Unquote(`"` + p + `"`); err == nil {
		p = u
	}
	p = strings.TrimSuffix(path.Clean(p), "/")
	for _, cand := range []string{p, p + ".md", p + "/index.md", p + "/index.html", p + ".html"} {
		if fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(cand))); err == nil && !fi.IsDir() {
			return true
		}
	}
	return false
}

// TestCompatCorpus is acceptance test 1: build the corpus and score it
// against Jekyll's HTML with ../shared/tools/compat.
func TestCompatCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: builds the corpus and runs the compat tool")
	}
	dir := sharedCorpus(t)
	out := filepath.Join(t.TempDir(), "public")
	res, err := Build(repoCfg(dir, out))
	if err != nil {
		t.Fatalf("build: %v\n%v", err, res.Problems)
	}
	for _, p := range res.Problems {
		if p.Severity == diag.Error {
			t.Errorf("corpus error: %s", p)
		}
	}
	absOut, _ := filepath.Abs(out)
	cmd := exec.Command("go", "run", ".", "-src", "../../corpus", "-ref", "../../corpus-jekyll", "-got", absOut)
	cmd.Dir = "../../../shared/tools/compat"
	b, err := cmd.CombinedOutput()
	report := string(b)
	t.Logf("compat:\n%s", report)
	if err != nil {
		t.Fatalf("compat: %v", err)
	}
	if m := regexp.MustCompile(`missing in output (\d+)`).FindStringSubmatch(report); m == nil || m[1] != "0" {
		t.Error("pages missing in output")
	}
	for _, m := range regexp.MustCompile(`(?m)^\s+(\w+)\s+recall ([0-9.]+)$`).FindAllStringSubmatch(report, -1) {
		if v, _ := strconv.ParseFloat(m[2], 64); v < 0.97 {
			t.Errorf("%s recall %.4f < 0.97", m[1], v)
		}
	}
	m := regexp.MustCompile(`fidelity ([0-9.]+)`).FindStringSubmatch(report)
	if m == nil {
		t.Fatal("no fidelity line")
	}
	if v, _ := strconv.ParseFloat(m[1], 64); v < 0.99 {
		t.Errorf("fidelity %.4f < 0.99", v)
	}
	l := regexp.MustCompile(`leaks: project (\d+), jekyll (\d+)`).FindStringSubmatch(report)
	if l == nil {
		t.Fatal("no leaks line")
	}
	ours, theirs := atoi(l[1]), atoi(l[2])
	if ours >= theirs {
		t.Errorf("leaks: ours %d, Jekyll's %d: want fewer than Jekyll", ours, theirs)
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
