package site

import (
	"fmt"
	"github.com/kogi-course/kogi/gen/config"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kogi-course/kogi/gen/testenv"
	"github.com/zeebo/xxh3"
)

func TestSumsRecord(t *testing.T) {
	cache, dir := t.TempDir(), t.TempDir()
	file := filepath.Join(dir, "a.html")
	data := []byte("<p>一</p>")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := statOf(fi); !ok {
		t.Skip("no stat keys on this OS: every output is read back")
	}
	h := xxh3.Hash128(data)
	s := openSums(cache, dir)
	if s.unchanged("a.html", fi, h) {
		t.Fatal("an empty record trusts a file")
	}
	s.record("a.html", fi, h)
	// The record must be younger than the file to be trusted (see openSums).
	time.Sleep(20 * time.Millisecond)
	if err := s.save(); err != nil {
		t.Fatal(err)
	}

	s = openSums(cache, dir)
	if !s.unchanged("a.html", fi, h) {
		t.Fatal("the saved record does not trust the file it recorded")
	}
	if s.unchanged("a.html", fi, xxh3.Hash128([]byte("<p>二</p>"))) {
		t.Error("trusted with other bytes")
	}
	if s.unchanged("b.html", fi, h) {
		t.Error("trusted under another name")
	}

	// Rewritten with other bytes of the same size: its stat changes.
	time.Sleep(20 * time.Millisecond)
	if err := os.WriteFile(file, []byte("<p>二</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi2, _ := os.Lstat(file)
	if s.unchanged("a.html", fi2, h) {
		t.Error("a rewritten file is trusted")
	}

	// Racy: a record not older than the file it trusts is not used.
	if err := os.Chtimes(s.path, time.Time{}, fi.ModTime().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if openSums(cache, dir).unchanged("a.html", fi, h) {
		t.Error("a record older than the file is trusted")
	}

	// Damaged: nothing is trusted, nothing fails.
	if err := os.WriteFile(s.path, []byte(sumsHeader+"a.html\t1 2 x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if openSums(cache, dir).unchanged("a.html", fi, h) {
		t.Error("a damaged record is trusted")
	}
	if openSums("", dir) != nil {
		t.Error("no cache folder, yet a record")
	}
}

// TestSumsBuild: the build that trusts its record still repairs an output
// changed behind its back, and a damaged record is rebuilt.
func TestSumsBuild(t *testing.T) {
	dir := writeSite(t, map[string]string{
		"a.md": "---\ntitle: a\n---\n# 一\n\n本文です。\n",
		"b.md": "---\ntitle: b\n---\n# 二\n\n[a](../a/)\n",
	})
	out := filepath.Join(t.TempDir(), "public")
	cfg := testenv.Config(dir, out)
	cfg.CacheDir = t.TempDir()
	build := func() { t.Helper(); mustBuild(t, cfg) }
	for range 3 {
		build()
	}
	want := read(t, filepath.Join(out, "a", "index.html"))
	records, _ := filepath.Glob(filepath.Join(cfg.CacheDir, "out", "*"))
	if !canExchange {
		t.Skip("no folder exchange on this OS: builds fill a fresh folder")
	}
	if len(records) != 2 {
		t.Fatalf("want a record for each of the two folders, have %q", records)
	}
	// The folder the next build writes into, tampered with: same size.
	prev := filepath.Join(prevDir(out), "a", "index.html")
	old := read(t, prev)
	if old != want {
		t.Fatalf("the two folders differ before tampering")
	}
	time.Sleep(20 * time.Millisecond)
	bad := strings.Replace(old, "本文", "偽物", 1)
	if err := os.WriteFile(prev, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	build()
	if got := read(t, filepath.Join(out, "a", "index.html")); got != want {
		t.Errorf("a tampered output of the same size was trusted:\n%s", got)
	}
	for _, r := range records {
		if err := os.WriteFile(r, []byte("garbage"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	build()
	build()
	if got := read(t, filepath.Join(out, "a", "index.html")); got != want {
		t.Errorf("after a damaged record:\n%s", got)
	}
}

// mustBuild builds cfg and fails the test, listing the problems, if that
// fails.
func mustBuild(t *testing.T, cfg config.Build) {
	t.Helper()
	if res, err := Build(cfg); err != nil {
		t.Fatalf("build: %v\n%s", err, problemsText(res.Problems, cfg.Content))
	}
}

// TestSumsRecordsBounded: every output folder ever built leaves a record in
// the cache; only the newest maxRecords stay.
func TestSumsRecordsBounded(t *testing.T) {
	cache := t.TempDir()
	dir := writeSite(t, map[string]string{"a.md": "---\ntitle: a\n---\n本文\n"})
	for i := range maxRecords + 5 {
		cfg := testenv.Config(dir, filepath.Join(t.TempDir(), fmt.Sprintf("public%d", i)))
		cfg.CacheDir = cache
		mustBuild(t, cfg)
	}
	records, err := os.ReadDir(filepath.Join(cache, "out"))
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != maxRecords {
		t.Errorf("%d records after %d sites, want %d", len(records), maxRecords+5, maxRecords)
	}
}
