package cyclegan

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/kogi-course/kogi/gpuruntime/mnist"
)

// Translations are the four maps of a set of A and B digits.
type Translations struct{ GA, FGA, FB, GFB []float32 }

// Translate runs G and F on a (n × 784) and b (m × 784), in chunks of 500.
func Translate(be backends.Backend, ctx *context.Context, p Preset, a, b []float32) (tr *Translations, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("translating: %v", r)
		}
	}()
	// there and back: x → there(x) → back(there(x)).
	roundTrip := func(there, back string) (*context.Exec, error) {
		return context.NewExec(be, ctx.Reuse(), func(ctx *context.Context, x *graph.Node) (*graph.Node, *graph.Node) {
			ctx = ctx.Checked(false)
			y := Generator(ctx.In(there), p, x)
			return y, Generator(ctx.In(back), p, y)
		})
	}
	exec, err := roundTrip("G", "F")
	if err != nil {
		return nil, err
	}
	execF, err := roundTrip("F", "G")
	if err != nil {
		return nil, err
	}
	run := func(e *context.Exec, x []float32) (y, z []float32, err error) {
		for start := 0; start < len(x)/mnist.Pixels; start += 500 {
			n := min(500, len(x)/mnist.Pixels-start)
			in := tensors.FromFlatDataAndDimensions(x[start*mnist.Pixels:(start+n)*mnist.Pixels], n, mnist.Pixels)
			out, err := e.Exec(in)
			in.MustFinalizeAll()
			if err != nil {
				return nil, nil, err
			}
			y = append(y, tensors.MustCopyFlatData[float32](out[0])...)
			z = append(z, tensors.MustCopyFlatData[float32](out[1])...)
			out[0].MustFinalizeAll()
			out[1].MustFinalizeAll()
		}
		return y, z, nil
	}
	tr = &Translations{}
	if tr.GA, tr.FGA, err = run(exec, a); err != nil {
		return nil, err
	}
	if tr.FB, tr.GFB, err = run(execF, b); err != nil {
		return nil, err
	}
	return tr, nil
}
