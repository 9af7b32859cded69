//go:build !linux

package site

import "os"

const canExchange = false

func exchange(a, b string) error { return errNoExchange }

// shared is never asked for without exchange: fresh folders hold only new files.
func shared(fi os.FileInfo) bool { return true }
