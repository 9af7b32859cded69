// Package ckpt opens gpuruntime's checkpoint folders: GoMLX checkpoints
// (weights, optimizer state and context params in one JSON + binary pair)
// with two guards every training run needs: a damaged checkpoint is an error
// that names its file, and a checkpoint trained with other hyperparameters
// than the run asks for is refused instead of being silently continued.
package ckpt

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/checkpoints"
)

// Keep is how many checkpoints a folder keeps (the older ones are deleted).
const Keep = 3

// Open attaches the checkpoint folder dir to ctx, loading the latest
// checkpoint's weights, optimizer state and params into it (a folder without
// checkpoints leaves ctx as it is), and checks that the params named in
// checked have the values ctx had before the load. Params in exclude are
// neither saved nor loaded (a run's length, which a resumed run may change).
func Open(ctx *context.Context, dir string, checked, exclude []string) (*checkpoints.Handler, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("checkpoint folder: %w", err)
	}
	want := map[string]string{}
	for _, k := range checked {
		v, _ := ctx.GetParam(k)
		want[k] = fmt.Sprint(v)
	}
	h, err := checkpoints.Build(ctx).Dir(dir).Keep(Keep).ExcludeParams(exclude...).Done()
	if err != nil {
		return nil, corrupt(dir, err)
	}
	for _, k := range checked {
		v, _ := ctx.GetParam(k)
		if got := fmt.Sprint(v); got != want[k] {
			return nil, fmt.Errorf("the checkpoint in %s was trained with %s=%s, this run asks for %s: use another --out or delete that folder", dir, k, got, want[k])
		}
	}
	return h, nil
}

// Load reads the latest checkpoint in dir into ctx for inference: params,
// and every variable created in ctx at once (Open leaves the values aside
// until a graph creates the variables), so they can be counted and read.
func Load(ctx *context.Context, dir string) error {
	if !Exists(dir) {
		return fmt.Errorf("no checkpoint in %s", dir)
	}
	if _, err := checkpoints.Load(ctx).Dir(dir).Immediate().Done(); err != nil {
		return corrupt(dir, err)
	}
	return nil
}

func corrupt(dir string, err error) error {
	return fmt.Errorf("corrupt checkpoint %s: %v\n(delete it, with its .bin, to resume from the checkpoint before it, or delete %s to start over)", Latest(dir), err, dir)
}

// Exists reports whether dir holds at least one checkpoint.
func Exists(dir string) bool {
	names, _ := filepath.Glob(filepath.Join(dir, "checkpoint-*.json"))
	return len(names) > 0
}

// Latest names the newest checkpoint metadata file in dir, the one
// checkpoints.Build loads (it sorts the names, which start with a counter),
// or dir itself when there is none.
func Latest(dir string) string {
	names, _ := filepath.Glob(filepath.Join(dir, "checkpoint-*.json"))
	if len(names) == 0 {
		return dir
	}
	sort.Strings(names)
	return names[len(names)-1]
}

// Damage cuts the latest checkpoint's file of kind ".json" or ".bin" in dir
// to half its length and returns the checkpoint's name (tests).
func Damage(dir, kind string) (string, error) {
	latest := Latest(dir)
	path := strings.TrimSuffix(latest, ".json") + kind
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return latest, os.WriteFile(path, b[:len(b)/2], 0o644)
}
