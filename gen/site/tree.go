package site

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/zeebo/xxh3"
)

// tree is the folder a build writes into before it becomes the site.
//
// Creating a file or a folder costs about 0.45 ms on this machine's file
// system (a hard link 0.015 ms), and pretty URLs need a folder per page, so a
// 2,000-page site spent more time in mkdir and open than in Markdown. Where
// the OS can swap two folders atomically (Linux renameat2 RENAME_EXCHANGE),
// the build therefore keeps the site before the current one beside it as
// ".NAME.prev", brings that copy up to date by writing only the files whose
// bytes differ, and then exchanges it with NAME in one step. The served site
// is never written to: a failed build leaves it as it was, and the half-
// updated copy is simply brought up to date by the next build. Elsewhere a
// fresh temporary folder is filled and renamed into place.
type tree struct {
	dir   string // where this build writes
	out   string // the site folder it will replace
	reuse bool   // dir holds an older build: write only what differs
	// inPlace replaces files by rename (Session's page-only rebuilds write
	// into the served site, so a reader must never see half a file).
	inPlace bool
	dirs    sync.Map
	sums    *sums // what the files of a reused dir hold; nil: read them
}

func prevDir(out string) string {
	out = filepath.Clean(out)
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".prev")
}

func openTree(out, cacheDir string) (*tree, error) {
	if canExchange {
		prev := prevDir(out)
		if err := ownedOrAbsent(prev); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(prev, 0o755); err != nil {
			return nil, err
		}
		return &tree{dir: prev, out: out, reuse: true, sums: openSums(cacheDir, prev)}, nil
	}
	tmp, err := tempDirBeside(out)
	if err != nil {
		return nil, err
	}
	return &tree{dir: tmp, out: out}, nil
}

// ownedOrAbsent refuses a folder that exists, holds files and lacks the
// marker every build leaves: gen replaces such folders whole.
func ownedOrAbsent(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, markerFile)); err != nil {
		return fmt.Errorf("output folder %s exists and was not made by gen build; remove it or choose another --out", dir)
	}
	return nil
}

// abandon is called when the build failed. A fresh folder is removed; a
// reused one stays (it is not the served site) for the next build to fix.
func (t *tree) abandon() {
	if !t.reuse {
		os.RemoveAll(t.dir)
	}
}

// swap makes the finished tree the site.
func (t *tree) swap() error {
	if !t.reuse {
		return swapIn(t.dir, t.out)
	}
	if err := os.Chmod(t.dir, 0o755); err != nil {
		return err
	}
	if _, err := os.Lstat(t.out); os.IsNotExist(err) {
		return os.Rename(t.dir, t.out)
	}
	return exchange(t.dir, t.out)
}

// listing is what a reused tree held: its files (slash-separated, relative)
// and its folders (absolute).
type listing struct {
	files, dirs []string
	err         error
}

// list walks a reused tree. Walking a 2,000-page site takes a tenth of a
// second, so a build lists while it writes the search index: files it
// writes meanwhile are ones it keeps.
func (t *tree) list() listing {
	var l listing
	if !t.reuse {
		return l
	}
	l.err = filepath.WalkDir(t.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(t.dir, p)
		if d.IsDir() {
			if rel != "." {
				l.dirs = append(l.dirs, p)
			}
			return nil
		}
		l.files = append(l.files, filepath.ToSlash(rel))
		return nil
	})
	return l
}

// remove deletes the listed files not in keep (what an older build left
// that this one does not produce), then the folders left empty.
func (t *tree) remove(l listing, keep map[string]bool) error {
	if l.err != nil {
		return l.err
	}
	for _, rel := range l.files {
		if !keep[rel] {
			if err := os.Remove(filepath.Join(t.dir, filepath.FromSlash(rel))); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	// Deepest first, so a folder emptied by its children goes too.
	sort.Slice(l.dirs, func(i, j int) bool { return len(l.dirs[i]) > len(l.dirs[j]) })
	for _, d := range l.dirs {
		os.Remove(d) // fails, as it should, unless the folder is empty
	}
	return nil
}

// writeFile makes rel hold data. In a reused tree an identical file is left
// alone, and a file that shares its inode (a hard link to a source or to the
// minify cache) is replaced rather than written through.
func (t *tree) writeFile(rel string, data []byte) error {
	p := filepath.Join(t.dir, filepath.FromSlash(rel))
	if t.reuse {
		if fi, err := os.Lstat(p); err == nil {
			if fi.Mode().IsRegular() && !shared(fi) {
				h := t.sums.hash(data)
				if fi.Size() == int64(len(data)) {
					if t.sums.unchanged(rel, fi, h) {
						t.sums.record(rel, fi, h)
						return nil
					}
					if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
						t.sums.record(rel, fi, h)
						return nil
					}
				}
				if t.inPlace {
					return replaceFile(p, data)
				}
				return t.create(rel, p, data, h)
			}
			if err := os.RemoveAll(p); err != nil {
				return err
			}
		}
	}
	if err := t.mkdirFor(p); err != nil {
		return err
	}
	return t.create(rel, p, data, t.sums.hash(data))
}

// create writes data, which hashes to h, to the file p (rel in the tree) and
// records it in the tree's sums.
func (t *tree) create(rel, p string, data []byte, h xxh3.Uint128) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil && t.sums != nil {
		var fi fs.FileInfo
		if fi, err = f.Stat(); err == nil {
			t.sums.record(rel, fi, h)
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// link makes rel the file src: a hard link when the file system allows it,
// else a copy.
func (t *tree) link(rel, src string) error {
	p := filepath.Join(t.dir, filepath.FromSlash(rel))
	if t.reuse {
		if fi, err := os.Lstat(p); err == nil {
			if sfi, err := os.Stat(src); err == nil && os.SameFile(fi, sfi) {
				return nil
			}
			if err := os.RemoveAll(p); err != nil {
				return err
			}
		}
	}
	if err := t.mkdirFor(p); err != nil {
		return err
	}
	if err := os.Link(src, p); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	o, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(o, in); err != nil {
		o.Close()
		return err
	}
	return o.Close()
}

// mkdirFor makes p's folder. In a reused tree a file may sit where a folder
// is now needed (a page replaced a download of the same name): it goes.
func (t *tree) mkdirFor(p string) error {
	d := filepath.Dir(p)
	if _, ok := t.dirs.Load(d); ok {
		return nil
	}
	err := os.MkdirAll(d, 0o755)
	if err != nil && t.reuse {
		rel, _ := filepath.Rel(t.dir, d)
		cur := t.dir
		for _, part := range strings.Split(rel, string(filepath.Separator)) {
			cur = filepath.Join(cur, part)
			if fi, err := os.Lstat(cur); err == nil && !fi.IsDir() {
				if err := os.Remove(cur); err != nil {
					return err
				}
			}
		}
		err = os.MkdirAll(d, 0o755)
	}
	if err != nil {
		return err
	}
	t.dirs.Store(d, true)
	return nil
}

var errNoExchange = errors.New("atomic folder exchange not supported")

// replaceFile writes data beside p and renames it over p.
func replaceFile(p string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(p), ".kogi-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), p)
}
