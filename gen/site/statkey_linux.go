//go:build linux

package site

import (
	"io/fs"
	"strconv"
	"syscall"
)

// statKey is the stat-index key of a file; ok is false where stat says too
// little to trust a file unchanged.
func statKey(abs string, fi fs.FileInfo) (string, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", false
	}
	b := make([]byte, 0, len(abs)+64)
	b = append(b, abs...)
	for _, v := range []int64{fi.Size(), int64(st.Ino), fi.ModTime().UnixNano(), st.Ctim.Nano()} {
		b = append(b, ' ')
		b = strconv.AppendInt(b, v, 10)
	}
	return string(b), true
}

// statOf is the part of a file's stat that changes whenever its bytes may
// have: size, inode, modification and change times.
func statOf(fi fs.FileInfo) ([4]int64, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return [4]int64{}, false
	}
	return [4]int64{fi.Size(), int64(st.Ino), fi.ModTime().UnixNano(), st.Ctim.Nano()}, true
}
