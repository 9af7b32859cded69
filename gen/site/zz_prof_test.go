package site

import (
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
	"time"
)

func TestZZProfile(t *testing.T) {
	out := os.Getenv("ZZPROF")
	if out == "" {
		t.Skip()
	}
	dir := sharedCorpus(t)
	gen := filepath.Join(t.TempDir(), "content")
	generateSite(t, dir, gen, 2000)
	tmp, _ := os.MkdirTemp("../..", ".bench-")
	defer os.RemoveAll(tmp)
	cfg := repoCfg(gen, filepath.Join(tmp, "public"))
	for range 2 {
		if _, err := Build(cfg); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := os.Create(out)
	pprof.StartCPUProfile(f)
	for range 3 {
		t0 := time.Now()
		if _, err := Build(cfg); err != nil {
			t.Fatal(err)
		}
		t.Logf("build %v", time.Since(t0))
	}
	pprof.StopCPUProfile()
	f.Close()
}
