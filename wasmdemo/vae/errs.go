package vae

import (
	"errors"
	"strconv"
)

// errs builds an error message from strings and integers. The package does
// without fmt on purpose: fmt (with reflect and os) adds about 200 KB gzip to
// the WebAssembly build every reader downloads.
func errs(parts ...any) error {
	var b []byte
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			b = append(b, v...)
		case error:
			b = append(b, v.Error()...)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case uint8:
			b = strconv.AppendUint(b, uint64(v), 10)
		case uint16:
			b = strconv.AppendUint(b, uint64(v), 10)
		case uint32:
			b = strconv.AppendUint(b, uint64(v), 10)
		default:
			b = append(b, '?')
		}
	}
	return errors.New(string(b))
}

// hex32 is v as 8 hex digits.
func hex32(v uint32) string {
	s := strconv.FormatUint(uint64(v), 16)
	for len(s) < 8 {
		s = "0" + s
	}
	return s
}
