package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/kogi-course/kogi/gpuruntime/backend"
	"github.com/kogi-course/kogi/gpuruntime/dense"
)

// checkBackend opens a backend and runs one matrix product and its
// gradient on it: the first thing to run on a new machine (the device
// script runs it before training).
func checkBackend(args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("check backend", flag.ContinueOnError)
	fs.SetOutput(stderr)
	backendArg := fs.String("backend", "auto", "GoMLX backend: "+backend.AutoNames)
	size := fs.Int("size", 512, "the product is [size, size]·[size, size]")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *size < 1 || *size > 8192 {
		return usageError{fmt.Sprintf("--size %d: want 1..8192", *size)}
	}
	name, be, err := backend.Open(*backendArg, stderr)
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("backend %s: %v", name, r)
		}
	}()
	fmt.Fprintf(stdout, "backend: %s\ndevice: %s\n", backend.Describe(name, be), backend.Device(name, be))
	exec, err := graph.NewExec(be, func(x, w *graph.Node) (*graph.Node, *graph.Node) {
		loss := graph.ReduceAllSum(graph.Tanh(dense.MatMul(x, w)))
		return loss, graph.Gradient(loss, w)[0]
	})
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	vals := make([]float32, *size**size)
	for i := range vals {
		vals[i] = float32(rng.NormFloat64()) / 16
	}
	x := tensors.FromFlatDataAndDimensions(vals, *size, *size)
	w := tensors.FromFlatDataAndDimensions(vals, *size, *size)
	var best time.Duration
	for i := range 4 {
		began := time.Now()
		out, err := exec.Exec(x, w)
		if err != nil {
			return err
		}
		loss := tensors.ToScalar[float32](out[0])
		d := time.Since(began)
		if i == 0 {
			fmt.Fprintf(stdout, "first run (with compilation): %s, loss %.4f\n", d.Round(time.Millisecond), loss)
		} else if best == 0 || d < best {
			best = d
		}
	}
	fmt.Fprintf(stdout, "product and gradient, %d×%d: %s (best of 3)\n", *size, *size, best.Round(time.Microsecond))
	return nil
}
