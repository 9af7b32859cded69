//go:build cgo && linux && amd64

package backend

import (
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/xla"
)

// The XLA backend is compiled in only with cgo (go-xla's PJRT bindings are C).
// Auto-install is turned off: it would download the PJRT plugin at run time,
// and gpuruntime runs on machines without network access; a missing plugin is
// reported as an error instead.
func init() {
	newXLA = func(plugin string) (backends.Backend, error) {
		xla.EnableAutoInstall(false)
		return xla.New(plugin)
	}
	cudaPlugin = func() bool {
		xla.EnableAutoInstall(false)
		return slices.Contains(xla.GetAvailablePlugins(), "cuda")
	}
}
