package site

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

const canExchange = true

// exchange swaps two folders atomically: readers see the old site or the new
// one, never a mix and never nothing.
func exchange(a, b string) error {
	if err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE); err != nil {
		return fmt.Errorf("swap %s and %s: %w", a, b, err)
	}
	return nil
}

// shared reports whether the file has other names: a hard link to a source
// file or to the minify cache must be replaced, never written through.
func shared(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Nlink > 1
}
