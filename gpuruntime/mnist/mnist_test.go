package mnist

import (
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	loadOnce         sync.Once
	train, test      *Set
	loadDir, loadErr = "", error(nil)
)

// load reads the real MNIST files once for all tests of the package.
func load(t *testing.T) (*Set, *Set) {
	t.Helper()
	loadOnce.Do(func() {
		if loadDir, loadErr = Dir(); loadErr == nil {
			train, test, loadErr = Load(loadDir)
		}
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return train, test
}

func TestLoadRealFiles(t *testing.T) {
	train, test := load(t)
	if train.N() != 60000 || test.N() != 10000 {
		t.Fatalf("%d train and %d test digits, want 60000 and 10000", train.N(), test.N())
	}
	if len(train.Images) != 60000*Pixels || len(test.Images) != 10000*Pixels {
		t.Fatalf("image data sizes %d and %d", len(train.Images), len(test.Images))
	}
	// The first training digit of MNIST is a 5, the first test digit a 7.
	if train.Labels[0] != 5 || test.Labels[0] != 7 {
		t.Errorf("first labels %d and %d, want 5 and 7", train.Labels[0], test.Labels[0])
	}
	var counts [10]int
	for _, l := range train.Labels {
		counts[l]++
	}
	for d, c := range counts {
		if c < 5000 || c > 7000 {
			t.Errorf("digit %d appears %d times in the training set", d, c)
		}
	}
	var lo, hi float32 = 1, 0
	var sum float64
	for _, v := range test.Images {
		lo, hi = min(lo, v), max(hi, v)
		sum += float64(v)
	}
	if lo != 0 || hi != 1 {
		t.Errorf("grey levels span [%g, %g], want [0, 1]", lo, hi)
	}
	// About 13 % of MNIST's pixel mass is ink.
	if mean := sum / float64(len(test.Images)); mean < 0.1 || mean > 0.16 {
		t.Errorf("mean grey level %.3f", mean)
	}
	if sub := train.Subset(100); sub.N() != 100 || &sub.Image(99)[0] != &train.Image(99)[0] {
		t.Error("Subset(100) is not the first 100 digits")
	}
}

func TestLoadMissingFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	_, _, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("error %v does not name %s", err, dir)
	}
}

func TestLoadFolderWithoutFiles(t *testing.T) {
	dir := t.TempDir()
	_, _, err := Load(dir)
	want := filepath.Join(dir, Files.TrainImages)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v does not name %s", err, want)
	}
}

// copyData copies the real files into a temporary folder the test can spoil.
func copyData(t *testing.T) string {
	t.Helper()
	load(t)
	dir := t.TempDir()
	for _, f := range []string{Files.TrainImages, Files.TrainLabels, Files.TestImages, Files.TestLabels} {
		b, err := os.ReadFile(filepath.Join(loadDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadBadFiles(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		content    func() []byte
		want       string
	}{
		{"not gzip", Files.TestLabels, func() []byte { return []byte("hello") }, "not a gzip file"},
		{"wrong magic", Files.TestImages, func() []byte { return gz([]byte{0, 0, 8, 1, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28}) }, "magic number"},
		{"truncated", Files.TestImages, func() []byte { return gz([]byte{0, 0, 8, 3, 0, 0, 39, 16, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3}) }, "truncated"},
		{"wrong size", Files.TrainImages, func() []byte { return gz([]byte{0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 32, 0, 0, 0, 32}) }, "dimension"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyData(t)
			path := filepath.Join(dir, tc.file)
			if err := os.WriteFile(path, tc.content(), 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := Load(dir)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v: want one naming %s and saying %q", err, path, tc.want)
			}
		})
	}
}

func gz(b []byte) []byte {
	var sb strings.Builder
	w := gzip.NewWriter(&sb)
	w.Write(b)
	w.Close()
	return []byte(sb.String())
}
