package site

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/kogi-course/kogi/gen/config"
)

// Every build leaves this file in its output. A build replaces the whole
// output folder, so it refuses to replace a folder without it: a mistyped
// --out must never delete someone's files.
const (
	markerFile = ".kogi-site"
	markerText = "Built by Kogi (go run ./gen build). This folder is replaced on every build.\n"
)

// safeOut refuses output folders that a swap would wreck: one holding the
// sources, or an existing non-empty folder that gen did not make.
func safeOut(cfg config.Build) error {
	if cfg.Out == "" {
		return errors.New("no output folder given")
	}
	out, err := filepath.Abs(cfg.Out)
	if err != nil {
		return err
	}
	for _, src := range []string{cfg.Content, cfg.Templates, cfg.Static} {
		if src == "" {
			continue
		}
		a, err := filepath.Abs(src)
		if err != nil {
			return err
		}
		if a == out || strings.HasPrefix(a, out+string(filepath.Separator)) {
			return fmt.Errorf("output folder %s would replace %s", cfg.Out, src)
		}
	}
	entries, err := os.ReadDir(out)
	if err != nil || len(entries) == 0 {
		return nil // absent or empty: nothing to lose
	}
	if _, err := os.Stat(filepath.Join(out, markerFile)); err != nil {
		return fmt.Errorf("output folder %s exists and was not made by gen build; remove it or choose another --out", cfg.Out)
	}
	return nil
}

// tempDirBeside makes the folder a build writes into: beside out, on the
// same file system, so the final rename is atomic.
func tempDirBeside(out string) (string, error) {
	out = filepath.Clean(out)
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	return os.MkdirTemp(parent, "."+filepath.Base(out)+".building-")
}

// swapIn replaces out with the finished build in tmp. The old site is moved
// aside first and removed only after the new one is in place.
func swapIn(tmp, out string) error {
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	old := ""
	if _, err := os.Lstat(out); err == nil {
		o, err := os.MkdirTemp(filepath.Dir(filepath.Clean(out)), "."+filepath.Base(out)+".old-")
		if err != nil {
			return err
		}
		old = filepath.Join(o, "site")
		if err := os.Rename(out, old); err != nil {
			os.Remove(o)
			return err
		}
		defer os.RemoveAll(o)
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			os.Rename(old, out) // put the previous site back
		}
		return fmt.Errorf("replace %s: %w", out, err)
	}
	return nil
}

// copyFiles copies (or minifies) every non-page file on all workers.
func (b *builder) copyFiles() error {
	jobs := make(chan *File)
	errc := make(chan error, 1)
	var wg sync.WaitGroup
	for range b.cfg.NumWorkers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				if err := b.copyFile(f); err != nil {
					select {
					case errc <- fmt.Errorf("%s: %w", f.Own, err):
					default:
					}
				}
			}
		}()
	}
	for _, f := range b.files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

func (b *builder) copyFile(f *File) error {
	if b.min != nil && !f.Verbatim && b.min.handles(path.Ext(f.Out)) {
		fi, err := os.Stat(f.Abs)
		if err != nil {
			return err
		}
		if cached, ok := b.stats.lookup(f.Abs, fi); ok {
			b.stats.keep(f.Abs, fi)
			return b.tree.link(f.Out, cached)
		}
		src, err := os.ReadFile(f.Abs)
		if err != nil {
			return err
		}
		cached, err := b.minifyCached(path.Ext(f.Out), src, f.Out)
		if err == nil && cached != "" {
			b.stats.record(f.Abs, fi, cached)
			b.stats.keep(f.Abs, fi)
		}
		return err
	}
	return b.tree.link(f.Out, f.Abs)
}
