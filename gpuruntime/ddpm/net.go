package ddpm

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"

	"github.com/kogi-course/kogi/gpuruntime/dense"
)

// timeFeatures returns the sinusoidal features of the steps t [batch]
// (float): sin(t·f_k) and cos(t·f_k) for k < n/2, f_k = 10000^(−k/(n/2)),
// each [batch, n/2]. They are two nodes, not one concatenation, so that the
// first dense layer takes them with dense.LayerSum.
func timeFeatures(t *graph.Node, n int) (sin, cos *graph.Node) {
	g := t.Graph()
	half := n / 2
	freqs := make([]float32, half)
	for k := range half {
		freqs[k] = float32(math.Exp(-math.Log(10000) * float64(k) / float64(half)))
	}
	b := t.Shape().Dimensions[0]
	tf := graph.BroadcastToDims(graph.Reshape(t, b, 1), b, half)
	f := graph.BroadcastToDims(graph.Reshape(graph.Const(g, freqs), 1, half), b, half)
	arg := graph.Mul(tf, f)
	return graph.Sin(arg), graph.Cos(arg)
}

func silu(x *graph.Node) *graph.Node { return activations.Swish(x) }

// Eps is the denoiser: the noise ε̂(x_t, t) predicted for the states xt
// [batch, state…] at steps t [batch]. Variables live under /ddpm.
func Eps(ctx *context.Context, p Preset, xt, t *graph.Node) *graph.Node {
	ctx = ctx.In("ddpm")
	if p.Recipe == "latent" {
		return mlp(ctx, p, xt, t)
	}
	return unet(ctx, p, xt, t)
}

// mlp: (state + time features) → Width ×Depth, SiLU → state.
func mlp(ctx *context.Context, p Preset, xt, t *graph.Node) *graph.Node {
	sin, cos := timeFeatures(t, p.TimeFeatures)
	h := silu(dense.LayerSum(ctx.In("0"), p.Width, xt, sin, cos))
	for i := 1; i < p.Depth; i++ {
		h = silu(dense.Layer(ctx.Inf("%d", i), h, p.Width))
	}
	out := dense.Layer(ctx.Inf("%d", p.Depth), h, xt.Shape().Dimensions[1])
	out.AssertDims(xt.Shape().Dimensions...)
	return out
}

// Conv is a k×k convolution with "same" padding (layers.Convolution).
func Conv(ctx *context.Context, x *graph.Node, out, k, stride int) *graph.Node {
	return layers.Convolution(ctx, x).Filters(out).KernelSize(k).PadSame().Strides(stride).Done()
}

// GroupNorm normalises x [batch, h, w, c] over (h, w, c/groups) in each of
// groups channel groups, then scales and shifts each channel.
func GroupNorm(ctx *context.Context, x *graph.Node, groups int) *graph.Node {
	d := x.Shape().Dimensions
	b, h, w, c := d[0], d[1], d[2], d[3]
	groups = min(groups, c)
	if c%groups != 0 {
		panic(fmt.Errorf("groupNorm: %d channels in %d groups", c, groups))
	}
	g := graph.Reshape(x, b, h, w, groups, c/groups)
	mean := graph.ReduceAndKeep(g, graph.ReduceMean, 1, 2, 4)
	centred := graph.Sub(g, mean)
	variance := graph.ReduceAndKeep(graph.Square(centred), graph.ReduceMean, 1, 2, 4)
	g = graph.Mul(centred, graph.Rsqrt(graph.AddScalar(variance, 1e-5)))
	x = graph.Reshape(g, b, h, w, c)
	dt := x.DType()
	gamma := ctx.WithInitializer(initializers.One).VariableWithShape("scale", shapes.Make(dt, c)).ValueGraph(x.Graph())
	beta := ctx.WithInitializer(initializers.Zero).VariableWithShape("offset", shapes.Make(dt, c)).ValueGraph(x.Graph())
	gamma = graph.BroadcastToDims(graph.Reshape(gamma, 1, 1, 1, c), b, h, w, c)
	beta = graph.BroadcastToDims(graph.Reshape(beta, 1, 1, 1, c), b, h, w, c)
	return graph.Add(graph.Mul(x, gamma), beta)
}

// resBlock: GroupNorm, SiLU, conv; plus the time embedding (dense.Layer);
// GroupNorm, SiLU, conv; plus the input (1×1 conv when widths differ).
func resBlock(ctx *context.Context, x, temb *graph.Node, out int) *graph.Node {
	d := x.Shape().Dimensions
	h := Conv(ctx.In("conv0"), silu(GroupNorm(ctx.In("norm0"), x, 8)), out, 3, 1)
	e := dense.Layer(ctx.In("time"), silu(temb), out)
	h = graph.Add(h, graph.BroadcastToDims(graph.Reshape(e, d[0], 1, 1, out), d[0], d[1], d[2], out))
	h = Conv(ctx.In("conv1"), silu(GroupNorm(ctx.In("norm1"), h, 8)), out, 3, 1)
	skip := x
	if d[3] != out {
		skip = Conv(ctx.In("skip"), x, out, 1, 1)
	}
	return graph.Add(skip, h)
}

// Upsample doubles height and width (nearest neighbour).
func Upsample(x *graph.Node) *graph.Node {
	d := x.Shape().Dimensions
	b, h, w, c := d[0], d[1], d[2], d[3]
	x = graph.BroadcastToDims(graph.Reshape(x, b, h, 1, w, 1, c), b, h, 2, w, 2, c)
	return graph.Reshape(x, b, 2*h, 2*w, c)
}

// unet is the pixel recipe's denoiser on xt [batch, 28, 28, 1]: two
// resolutions down (28 → 14 → 7, strided convolutions), two residual blocks
// at 7×7, and back up with skip connections; the time features go through a
// two-layer MLP into every residual block.
func unet(ctx *context.Context, p Preset, xt, t *graph.Node) *graph.Node {
	ch := p.Width
	xt.AssertDims(-1, 28, 28, 1)
	sin, cos := timeFeatures(t, p.TimeFeatures)
	temb := silu(dense.LayerSum(ctx.In("time0"), 4*ch, sin, cos))
	temb = dense.Layer(ctx.In("time1"), temb, 4*ch)

	h := Conv(ctx.In("in"), xt, ch, 3, 1)
	h1 := resBlock(ctx.In("down0"), h, temb, ch) // 28×28×ch
	h = Conv(ctx.In("down0_stride"), h1, 2*ch, 3, 2)
	h2 := resBlock(ctx.In("down1"), h, temb, 2*ch) // 14×14×2ch
	h = Conv(ctx.In("down1_stride"), h2, 4*ch, 3, 2)
	h.AssertDims(-1, 7, 7, 4*ch)
	h = resBlock(ctx.In("mid0"), h, temb, 4*ch)
	h = resBlock(ctx.In("mid1"), h, temb, 4*ch)
	h = Conv(ctx.In("up1_conv"), Upsample(h), 2*ch, 3, 1)
	h = resBlock(ctx.In("up1"), graph.Concatenate([]*graph.Node{h, h2}, -1), temb, 2*ch)
	h = Conv(ctx.In("up0_conv"), Upsample(h), ch, 3, 1)
	h = resBlock(ctx.In("up0"), graph.Concatenate([]*graph.Node{h, h1}, -1), temb, ch)
	out := Conv(ctx.In("out"), silu(GroupNorm(ctx.In("out_norm"), h, 8)), 1, 3, 1)
	out.AssertDims(xt.Shape().Dimensions...)
	return out
}
