// Package backend turns the --backend flag of gpuruntime into a GoMLX backend.
//
// Two names are accepted: "go" (GoMLX's pure-Go simplego backend, always
// there) and "xla:cuda" (XLA through the PJRT CUDA plugin, only on a machine
// with an NVIDIA GPU and the plugin installed, and only in a binary built with
// cgo).
package backend

import (
	"fmt"
	"os"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
)

// Names lists the values --backend accepts, for usage messages.
const Names = "go, xla:cuda"

// GoConfig is the simplego configuration every gpuruntime run uses.
//
// parallelism=-1 starts a goroutine per parallel task instead of going through
// simplego's bounded worker pool. Measured with GoMLX v0.26.0 on the 2-core
// build machine: with the default pool, a training step in which several
// matrix products run at once can deadlock (the pool's waiters hold the
// workers the products need), and unbounded goroutines were also the fastest
// setting.
const GoConfig = "parallelism=-1"

// newXLA is set by xla.go when the binary is built with cgo (the XLA backend
// needs it); nil otherwise.
var newXLA func(config string) (backends.Backend, error)

// New returns the backend named by the --backend flag.
func New(name string) (backends.Backend, error) {
	switch {
	case name == "go":
		return newGo()
	case name == "xla:cuda":
		if newXLA == nil {
			return nil, fmt.Errorf("backend %q unavailable: this binary was built without cgo, which the XLA backend needs", name)
		}
		b, err := newXLA("cuda")
		if err != nil {
			return nil, fmt.Errorf("backend %q unavailable (it needs an NVIDIA GPU and the PJRT CUDA plugin installed; use --backend go on a CPU): %v", name, err)
		}
		return b, nil
	case strings.HasPrefix(name, "xla"):
		return nil, fmt.Errorf("backend %q not supported: use %s", name, Names)
	default:
		return nil, fmt.Errorf("unknown backend %q: use %s", name, Names)
	}
}

// newGo creates the simplego backend with GoConfig.
//
// simplego.New announces the parallelism setting with fmt.Printf; stdout is
// gpuruntime's report (one line per epoch), so the announcement is sent to
// /dev/null. This runs once, before any goroutine of ours prints.
func newGo() (backends.Backend, error) {
	saved := os.Stdout
	if devNull, err := os.Open(os.DevNull); err == nil {
		os.Stdout = devNull
		defer func() { os.Stdout = saved; _ = devNull.Close() }()
	}
	b, err := simplego.New(GoConfig)
	if err != nil {
		return nil, fmt.Errorf("backend go: %v", err)
	}
	return b, nil
}

// Describe is the backend's one-line description for reports and manifests.
func Describe(name string, b backends.Backend) string {
	if name == "go" {
		return fmt.Sprintf("simplego (pure Go, GoMLX v0.26.0, %s)", GoConfig)
	}
	return fmt.Sprintf("%s (%s)", b.Name(), b.Description())
}
