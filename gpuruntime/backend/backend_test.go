package backend

import (
	"strings"
	"testing"
)

// Without a GPU (or without cgo), auto is the go backend, and says why.
func TestAuto(t *testing.T) {
	if HasGPU() {
		t.Skip("this machine has an NVIDIA GPU")
	}
	var log strings.Builder
	name, b, err := Open("auto", &log)
	if err != nil || name != "go" || b == nil {
		t.Fatalf("auto: %q, %v", name, err)
	}
	if !strings.HasPrefix(log.String(), "backend auto: go (") {
		t.Fatalf("log %q", log.String())
	}
	if d := Device(name, b); !strings.Contains(d, "CPU cores") {
		t.Fatalf("device %q", d)
	}
	for arg, want := range map[string]string{"xla:cuda": `backend "xla:cuda" unavailable`, "xla:tpu": "not supported", "cpu": `unknown backend "cpu"`} {
		if _, _, err := Open(arg, &log); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", arg, err, want)
		}
	}
}
