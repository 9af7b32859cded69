package site

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

func TestZZMem(t *testing.T) {
	if os.Getenv("ZZMEM") == "" {
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
	names := []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes", "/memory/classes/heap/free:bytes", "/memory/classes/total:bytes", "/memory/classes/heap/released:bytes", "/gc/heap/goal:bytes"}
	samples := make([]metrics.Sample, len(names))
	for i, n := range names {
		samples[i].Name = n
	}
	maxv := make([]uint64, len(names))
	stop := make(chan bool)
	dumped := false
	done := make(chan bool)
	go func() {
		for {
			select {
			case <-stop:
				close(done)
				return
			case <-time.After(2 * time.Millisecond):
			}
			metrics.Read(samples)
			for i, s := range samples {
				maxv[i] = max(maxv[i], s.Value.Uint64())
			}
			if samples[5].Value.Uint64() > 75e6 && !dumped {
				dumped = true
				buf := make([]byte, 1<<20)
				n := runtime.Stack(buf, true)
				os.WriteFile("/tmp/zzstack.txt", buf[:n], 0o644)
			}
		}
	}()
	for range 3 {
		if _, err := Build(cfg); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	<-done
	for i, n := range names {
		t.Logf("max %-40s %6.1f MB", n, float64(maxv[i])/1e6)
	}
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM") || strings.HasPrefix(l, "VmRSS") {
			t.Log(l)
		}
	}
	_ = runtime.GC
}
