package dense

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/kogi-course/kogi/gpuruntime/backend"
)

func newBackend(t testing.TB) backends.Backend {
	t.Helper()
	b, err := backend.New("go")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func randomTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	flat := make([]float32, n)
	for i := range flat {
		flat[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(flat, dims...)
}

// lossGrads returns the gradients of sum(tanh(mul(x,w))·c) with respect to x
// and w, where mul is either MatMul or GoMLX's own Dot.
func lossGrads(t *testing.T, b backends.Backend, mul func(x, w *graph.Node) *graph.Node, x, w, c *tensors.Tensor) (gx, gw []float32) {
	t.Helper()
	exec, err := graph.NewExec(b, func(x, w, c *graph.Node) (*graph.Node, *graph.Node, *graph.Node) {
		y := graph.Tanh(mul(x, w))
		loss := graph.ReduceAllSum(graph.Mul(y, c))
		g := graph.Gradient(loss, x, w)
		return loss, g[0], g[1]
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(x, w, c)
	if err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float32](out[1]), tensors.MustCopyFlatData[float32](out[2])
}

// The custom gradient must equal GoMLX's built-in gradient of Dot, and the
// forward value must be the plain product.
func TestMatMulGradientMatchesDot(t *testing.T) {
	b := newBackend(t)
	rng := rand.New(rand.NewPCG(1, 2))
	x, w, c := randomTensor(rng, 5, 7), randomTensor(rng, 7, 3), randomTensor(rng, 5, 3)
	gx, gw := lossGrads(t, b, MatMul, x, w, c)
	wantX, wantW := lossGrads(t, b, graph.Dot, x, w, c)
	for i := range gx {
		if math.Abs(float64(gx[i]-wantX[i])) > 1e-5 {
			t.Fatalf("dx[%d] = %g, Dot's gradient gives %g", i, gx[i], wantX[i])
		}
	}
	for i := range gw {
		if math.Abs(float64(gw[i]-wantW[i])) > 1e-5 {
			t.Fatalf("dw[%d] = %g, Dot's gradient gives %g", i, gw[i], wantW[i])
		}
	}
	y, err := graph.ExecOnce(b, func(x, w *graph.Node) *graph.Node { return graph.Sub(MatMul(x, w), graph.Dot(x, w)) }, x, w)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range tensors.MustCopyFlatData[float32](y) {
		if d != 0 {
			t.Fatalf("forward value differs from Dot at %d by %g", i, d)
		}
	}
}

// A numeric check on one weight, independent of GoMLX's gradients.
func TestMatMulGradientNumeric(t *testing.T) {
	b := newBackend(t)
	rng := rand.New(rand.NewPCG(3, 4))
	x, w, c := randomTensor(rng, 4, 6), randomTensor(rng, 6, 2), randomTensor(rng, 4, 2)
	_, gw := lossGrads(t, b, MatMul, x, w, c)
	loss := func(wFlat []float32) float64 {
		out, err := graph.ExecOnce(b, func(x, w, c *graph.Node) *graph.Node {
			return graph.ReduceAllSum(graph.Mul(graph.Tanh(graph.Dot(x, w)), c))
		}, x, tensors.FromFlatDataAndDimensions(wFlat, 6, 2), c)
		if err != nil {
			t.Fatal(err)
		}
		return float64(tensors.MustCopyFlatData[float32](out)[0])
	}
	wFlat := tensors.MustCopyFlatData[float32](w)
	const h = 1e-2
	for _, i := range []int{0, 5, 11} {
		p := append([]float32(nil), wFlat...)
		m := append([]float32(nil), wFlat...)
		p[i] += h
		m[i] -= h
		numeric := (loss(p) - loss(m)) / (2 * h)
		if math.Abs(numeric-float64(gw[i])) > 2e-3 {
			t.Errorf("dw[%d] = %g, central difference gives %g", i, gw[i], numeric)
		}
	}
}

// BenchmarkStep compares one forward+backward pass of a 784-256-128 stack
// (batch 128) with MatMul and with the built-in Dot.
func BenchmarkStep(b *testing.B) {
	be := newBackend(b)
	rng := rand.New(rand.NewPCG(5, 6))
	x := randomTensor(rng, 128, 784)
	w1, w2 := randomTensor(rng, 784, 256), randomTensor(rng, 256, 128)
	for _, bc := range []struct {
		name string
		mul  func(x, w *graph.Node) *graph.Node
	}{{"MatMul", MatMul}, {"Dot", graph.Dot}} {
		b.Run(bc.name, func(b *testing.B) {
			exec, err := graph.NewExec(be, func(x, w1, w2 *graph.Node) (*graph.Node, *graph.Node) {
				h := graph.Tanh(bc.mul(x, w1))
				loss := graph.ReduceAllSum(graph.Tanh(bc.mul(h, w2)))
				g := graph.Gradient(loss, w1, w2)
				return g[0], g[1]
			})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				out, err := exec.Exec(x, w1, w2)
				if err != nil {
					b.Fatal(err)
				}
				for _, o := range out {
					o.MustFinalizeAll()
				}
			}
		})
	}
}

// LayerSum over several inputs is Layer over their concatenation, with the
// weight matrices stacked.
func TestLayerSumIsLayerOnConcatenation(t *testing.T) {
	b := newBackend(t)
	rng := rand.New(rand.NewPCG(3, 4))
	x1, x2 := randomTensor(rng, 5, 3), randomTensor(rng, 5, 2)
	ctx := context.New()
	sum, err := context.ExecOnce(b, ctx, func(ctx *context.Context, x1, x2 *graph.Node) *graph.Node {
		return LayerSum(ctx.In("sum"), 4, x1, x2)
	}, x1, x2)
	if err != nil {
		t.Fatal(err)
	}
	w1 := tensors.MustCopyFlatData[float32](ctx.GetVariableByScopeAndName("/sum", "weights").MustValue())
	w2 := tensors.MustCopyFlatData[float32](ctx.GetVariableByScopeAndName("/sum", "weights_1").MustValue())
	stacked := tensors.FromFlatDataAndDimensions(append(w1, w2...), 5, 4)
	cat := tensors.FromFlatDataAndDimensions(
		concatRows(tensors.MustCopyFlatData[float32](x1), 3, tensors.MustCopyFlatData[float32](x2), 2), 5, 5)
	ctx2 := context.New()
	ctx2.In("one").VariableWithValue("weights", stacked)
	ctx2.In("one").VariableWithValue("biases", tensors.FromFlatDataAndDimensions(make([]float32, 4), 4))
	one, err := context.ExecOnce(b, ctx2.Reuse(), func(ctx *context.Context, x *graph.Node) *graph.Node {
		return Layer(ctx.In("one"), x, 4)
	}, cat)
	if err != nil {
		t.Fatal(err)
	}
	a, c := tensors.MustCopyFlatData[float32](sum), tensors.MustCopyFlatData[float32](one)
	for i := range a {
		if math.Abs(float64(a[i]-c[i])) > 1e-5 {
			t.Fatalf("value %d: LayerSum %g, Layer on the concatenation %g", i, a[i], c[i])
		}
	}
}

func concatRows(a []float32, na int, b []float32, nb int) []float32 {
	var out []float32
	for r := range len(a) / na {
		out = append(out, a[r*na:(r+1)*na]...)
		out = append(out, b[r*nb:(r+1)*nb]...)
	}
	return out
}
