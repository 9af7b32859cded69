package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/kogi-course/kogi/gen/internal/corpustest"
)

// BenchmarkCLI runs `gen build` on ../shared/corpus the way an author does:
// a compiled binary, started afresh for every build, into a site built
// before. The time per op includes starting the process; cpu-ms is the
// child's user+system time (so both cores' work counts), peak-RSS its
// largest resident set. gen/site's benchmarks time the build alone.
func BenchmarkCLI(b *testing.B) {
	corpus, err := filepath.Abs(filepath.Join(corpustest.Shared(b), "corpus"))
	if err != nil {
		b.Fatal(err)
	}
	// Beside the repo, where `make` builds public/: file creation in the
	// system temp folder was 5x slower on this machine.
	tmp, err := filepath.Abs("..")
	if err == nil {
		tmp, err = os.MkdirTemp(tmp, ".bench-")
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(tmp) })
	bin := filepath.Join(tmp, "gen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for _, mode := range []struct {
		name  string
		flags []string
	}{{"rebuild", nil}, {"rebuild-no-search", []string{"--no-search"}}} {
		b.Run(mode.name, func(b *testing.B) {
			out := filepath.Join(tmp, "public-"+mode.name)
			args := append([]string{"build", "-q", "--content", corpus, "--out", out}, mode.flags...)
			build := func() *os.ProcessState {
				cmd := exec.Command(bin, args...)
				cmd.Dir = ".." // the repository root, as with make
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("gen %v: %v\n%s", args, err, out)
				}
				return cmd.ProcessState
			}
			build() // the site and the folder beside it (see gen/site's tree)
			build()
			var cpu time.Duration
			var rss int64
			for b.Loop() {
				ps := build()
				cpu += ps.UserTime() + ps.SystemTime()
				if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
					rss = max(rss, ru.Maxrss)
				}
			}
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
			b.ReportMetric(float64(rss)/1024, "peak-RSS-MiB")
		})
	}
}
