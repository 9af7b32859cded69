// Package dense holds the fully connected layer that every gpuruntime model
// is built from, with a matrix product whose gradient is cheap on simplego.
package dense

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// MatMul returns x·w for x [batch, in] and w [in, out], with the gradient of
// two plain matrix products: dx = v·wᵀ and dw = xᵀ·v.
//
// GoMLX v0.26.0's own gradient of Dot and DotGeneral broadcasts v to
// [batch, in, out], multiplies and reduces (dotVJP in rev_autodiff.go,
// dotGeneralVJP in ops_helpers.go): on simplego that made a dense layer's
// backward pass about ten times slower than its forward pass.
//
// The graph package lets only single-input nodes carry a custom gradient
// (IdentityWithCustomGradient), so the product is wrapped three times: the
// identity after the product records v, the gradient arriving at x·w, and
// the identities on x and w return the two products built from it. The
// reverse pass always reaches the outer identity first (it comes later in the
// graph). The built-in gradient nodes of the Dot in the middle are still
// created, but nothing reads them, so no backend executes them.
func MatMul(x, w *graph.Node) *graph.Node {
	if x.Rank() != 2 || w.Rank() != 2 || x.Shape().Dimensions[1] != w.Shape().Dimensions[0] {
		panic(fmt.Errorf("dense.MatMul wants [batch, in]·[in, out], got %s·%s", x.Shape(), w.Shape()))
	}
	var v *graph.Node // gradient arriving at the product, set by the outer identity
	gradV := func() *graph.Node {
		if v == nil {
			panic(fmt.Errorf("dense.MatMul: gradient reached an operand before the product"))
		}
		return v
	}
	xi := graph.IdentityWithCustomGradient(x, func(_, _ *graph.Node) *graph.Node {
		return graph.DotGeneral(gradV(), []int{1}, nil, w, []int{1}, nil) // [batch,out]·[in,out]ᵀ
	})
	wi := graph.IdentityWithCustomGradient(w, func(_, _ *graph.Node) *graph.Node {
		return graph.DotGeneral(x, []int{0}, nil, gradV(), []int{0}, nil) // [batch,in]ᵀ·[batch,out]
	})
	return graph.IdentityWithCustomGradient(graph.Dot(xi, wi), func(_, grad *graph.Node) *graph.Node {
		v = grad
		return grad
	})
}

// Layer is a fully connected layer: x·w + b with w [in, out] and b [out],
// created (or reused) in ctx under the variable names "weights" and "biases".
// Weights start with He initialisation (the context default), biases at 0.
func Layer(ctx *context.Context, x *graph.Node, out int) *graph.Node {
	return layer(ctx, x, out, false)
}

// Frozen is Layer with weights that pass no gradient (the gradient still
// flows to x): a GAN's discriminator inside the generator's loss, trained
// in the same step by its own loss.
func Frozen(ctx *context.Context, x *graph.Node, out int) *graph.Node {
	return layer(ctx, x, out, true)
}

func layer(ctx *context.Context, x *graph.Node, out int, frozen bool) *graph.Node {
	in := x.Shape().Dimensions[x.Rank()-1]
	dtype := x.DType()
	w := ctx.VariableWithShape("weights", shapes.Make(dtype, in, out)).ValueGraph(x.Graph())
	b := ctx.VariableWithShape("biases", shapes.Make(dtype, out)).ValueGraph(x.Graph())
	if frozen {
		w, b = graph.StopGradient(w), graph.StopGradient(b)
	}
	return graph.Add(MatMul(x, w), graph.ExpandAxes(b, 0))
}

// LayerSum is a fully connected layer on the concatenation of xs along their
// last axis, computed as x₀·w₀ + x₁·w₁ + … + b without building the
// concatenation: the gradient of a concatenation is a slice, and the gradient
// of a slice is a Pad, which simplego does not implement. The weights of
// xs[0] are named "weights" (so a one-input LayerSum is Layer), the others
// "weights_1", "weights_2", …; all xs are [batch, in_i].
func LayerSum(ctx *context.Context, out int, xs ...*graph.Node) *graph.Node {
	var sum *graph.Node
	for i, x := range xs {
		name := "weights"
		if i > 0 {
			name = fmt.Sprintf("weights_%d", i)
		}
		in := x.Shape().Dimensions[x.Rank()-1]
		w := ctx.VariableWithShape(name, shapes.Make(x.DType(), in, out)).ValueGraph(x.Graph())
		if p := MatMul(x, w); sum == nil {
			sum = p
		} else {
			sum = graph.Add(sum, p)
		}
	}
	b := ctx.VariableWithShape("biases", shapes.Make(xs[0].DType(), out)).ValueGraph(xs[0].Graph())
	return graph.Add(sum, graph.ExpandAxes(b, 0))
}

// ParseWidths parses hidden-layer widths written "256,128"; param names the
// hyperparameter in the error.
func ParseWidths(param, s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 4096 {
			return nil, fmt.Errorf("%s: bad hidden widths %q (want comma-separated sizes like 256,128)", param, s)
		}
		out = append(out, n)
	}
	return out, nil
}
