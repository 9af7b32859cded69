// Package backend turns the --backend flag of gpuruntime into a GoMLX backend.
//
// Three names are accepted: "go" (GoMLX's pure-Go simplego backend, always
// there), "xla:cuda" (XLA through the PJRT CUDA plugin, only on a machine
// with an NVIDIA GPU and the plugin installed, and only in a binary built with
// cgo) and "auto" (xla:cuda when a GPU and the CUDA plugin are both present,
// else go).
package backend

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
)

// Names lists the values --backend accepts for `train vae`, for usage messages.
const Names = "go, xla:cuda"

// AutoNames lists the values --backend accepts where "auto" is allowed.
const AutoNames = "auto, go, xla:cuda"

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
// needs it); nil otherwise. cudaPlugin (also from xla.go) reports whether a
// PJRT plugin named "cuda" is found, without loading it.
var (
	newXLA     func(config string) (backends.Backend, error)
	cudaPlugin func() bool
)

// New returns the backend named by the --backend flag ("go" or "xla:cuda").
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
			return nil, fmt.Errorf("backend %q unavailable (it needs an NVIDIA GPU and the PJRT CUDA plugin installed, found through PJRT_PLUGIN_LIBRARY_PATH; use --backend go on a CPU): %v", name, err)
		}
		return b, nil
	case name == "auto":
		return nil, fmt.Errorf("backend %q: use backend.Open", name)
	case strings.HasPrefix(name, "xla"):
		return nil, fmt.Errorf("backend %q not supported: use %s", name, AutoNames)
	default:
		return nil, fmt.Errorf("unknown backend %q: use %s", name, AutoNames)
	}
}

// Open is New with "auto" too: it returns the name of the backend chosen and
// writes to log one line saying why auto chose it.
//
// auto picks xla:cuda when the binary has the XLA backend (cgo), an NVIDIA
// GPU is present (/dev/nvidia0…, as go-xla itself checks) and a PJRT plugin
// named cuda is found; otherwise go. When all three are there but the plugin
// fails to start, that is an error, not a silent fall-back to a CPU run a
// hundred times slower.
func Open(name string, log io.Writer) (string, backends.Backend, error) {
	if name != "auto" {
		b, err := New(name)
		return name, b, err
	}
	why := ""
	switch {
	case newXLA == nil:
		why = "this binary has no XLA backend (built without cgo)"
	case !HasGPU():
		why = "no NVIDIA GPU (/dev/nvidia0 missing)"
	case !cudaPlugin():
		why = "a GPU but no PJRT CUDA plugin (set PJRT_PLUGIN_LIBRARY_PATH to the folder of pjrt_c_api_cuda_plugin.so)"
	}
	if why != "" {
		fmt.Fprintf(log, "backend auto: go (%s)\n", why)
		b, err := New("go")
		return "go", b, err
	}
	b, err := New("xla:cuda")
	if err != nil {
		return "xla:cuda", nil, fmt.Errorf("backend auto found a GPU and the CUDA plugin, but: %w", err)
	}
	fmt.Fprintf(log, "backend auto: xla:cuda (NVIDIA GPU and PJRT CUDA plugin found)\n")
	return "xla:cuda", b, nil
}

// HasGPU reports whether an NVIDIA GPU device file is present.
func HasGPU() bool {
	m, _ := filepath.Glob("/dev/nvidia[0-9]*")
	return len(m) > 0
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

// Device names the hardware a backend runs on, for manifests: the CPU model
// and core count for go, the GPU's name (from nvidia-smi, else from PJRT) for
// xla:cuda.
func Device(name string, b backends.Backend) string {
	if name == "go" {
		return fmt.Sprintf("%s, %d CPU cores", cpuModel(), runtime.NumCPU())
	}
	if out, err := exec.Command("nvidia-smi", "--query-gpu=name", "--format=csv,noheader").Output(); err == nil {
		if s := strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0]); s != "" {
			return s
		}
	}
	if d, ok := b.(interface {
		DeviceDescription(backends.DeviceNum) string
	}); ok {
		return d.DeviceDescription(0)
	}
	return b.Description()
}

// cpuModel is the "model name" of /proc/cpuinfo (GOARCH elsewhere).
func cpuModel() string {
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}
