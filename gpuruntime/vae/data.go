package vae

import (
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/kogi-course/kogi/gpuruntime/mnist"
	"github.com/kogi-course/kogi/gpuruntime/steptrain"
)

// EvalSeed fixes the noise of every test-set evaluation: the per-epoch test
// numbers, the manifest's and the shipped-model test all draw eps from
// TestNoise, so they are one and the same single-sample estimate.
const EvalSeed = 20240601

// TestNoise returns n×latent standard normal values, row by row, from
// EvalSeed: the eps of test digit i is row i.
func TestNoise(n, latent int) []float32 {
	rng := rand.New(rand.NewPCG(EvalSeed, uint64(latent)))
	eps := make([]float32, n*latent)
	for i := range eps {
		eps[i] = float32(rng.NormFloat64())
	}
	return eps
}

// trainData is the training set as a train.Dataset that never ends: step k
// of the run is batch k%stepsPerEpoch of epoch k/stepsPerEpoch, in an order
// shuffled from (seed, epoch), with noise drawn from (seed, k). So the batch
// stream depends only on the step number, and a run resumed from a
// checkpoint at step k sees exactly what the uninterrupted run would have.
// The last train.N()%batch digits of each shuffled epoch are left out.
type trainData struct {
	set           *mnist.Set
	batch, latent int
	seed          uint64
	step          int // the step the next Yield serves
	order         steptrain.Order
}

func newTrainData(set *mnist.Set, batch, latent int, seed uint64, step int) *trainData {
	return &trainData{set: set, batch: batch, latent: latent, seed: seed, step: step,
		order: steptrain.Order{N: set.N(), Batch: batch, Seed: seed}}
}

func (d *trainData) Name() string { return "mnist-train" }

// Reset does nothing: the stream is positioned by step, not restarted.
func (d *trainData) Reset() {}

func (d *trainData) Yield() (spec any, inputs, labels []*tensors.Tensor, err error) {
	x := make([]float32, d.batch*mnist.Pixels)
	for i, idx := range d.order.At(d.step) {
		copy(x[i*mnist.Pixels:], d.set.Image(idx))
	}
	rng := rand.New(rand.NewPCG(d.seed^0x6e6f697365, uint64(d.step)))
	eps := make([]float32, d.batch*d.latent)
	for i := range eps {
		eps[i] = float32(rng.NormFloat64())
	}
	d.step++
	return nil, []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(x, d.batch, mnist.Pixels),
		tensors.FromFlatDataAndDimensions(eps, d.batch, d.latent),
	}, nil, nil
}
