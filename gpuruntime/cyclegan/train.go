package cyclegan

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/kogi-course/kogi/gpuruntime/artifact"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
	"github.com/kogi-course/kogi/gpuruntime/steptrain"
)

// Seeds of the typeset sets (xored with the run's seed).
const (
	TrainTypesetSeed = 1
	TestTypesetSeed  = 2
)

// RecordFile, in the run folder, holds the training animation's frames and
// the loss means between them; `render cyclegan` draws from it.
const RecordFile = "record.json"

// Frame is the translations of the fixed inputs after Step training steps,
// and the mean of each loss component over the steps since the last frame.
type Frame struct {
	Step   int       `json:"step"`
	GA     []byte    `json:"g_a"` // 10 × 784 grey levels: G of the fixed A digits 0…9
	FB     []byte    `json:"f_b"` // F of the fixed B digits 0…9
	Sums   []float64 `json:"sums"`
	Losses []float64 `json:"losses,omitempty"` // means since the last frame, LossNames order
}

// Record is RecordFile.
type Record struct {
	Preset  string  `json:"preset"`
	Seed    int64   `json:"seed"`
	FixedA  []byte  `json:"fixed_a"` // the first MNIST test digit of each class
	FixedB  []byte  `json:"fixed_b"` // the first typeset test digit of each class
	Frames  []Frame `json:"frames"`
	Backend string  `json:"backend"`
	Device  string  `json:"device"`
}

// TrainOptions configure a run.
type TrainOptions struct {
	Preset Preset
	Seed   int64
	// Backend runs the training; BackendText and Device describe it.
	Backend             backends.Backend
	BackendText, Device string
	Dir                 string // the run folder: Dir/ckpt, Dir/record.json
	// Stdout, Stderr, TTY, Stop, StopAtStep and CheckpointEvery are
	// steptrain.Options'.
	Stdout, Stderr  io.Writer
	TTY             bool
	Stop            <-chan struct{}
	StopAtStep      int
	CheckpointEvery time.Duration
}

// TrainResult is a finished run.
type TrainResult struct {
	Steps     int
	Seconds   float64
	StepsPerS float64
	Ctx       *context.Context
	Record    *Record
}

// CheckpointDir is where a run folder keeps its checkpoints.
func CheckpointDir(dir string) string { return filepath.Join(dir, "ckpt") }

// FixedDigits returns the first digit of each class 0…9 of set, 10 × 784.
func FixedDigits(set *mnist.Set) ([]float32, error) {
	out := make([]float32, 10*mnist.Pixels)
	found := 0
	seen := [10]bool{}
	for i := 0; i < set.N() && found < 10; i++ {
		if c := set.Labels[i]; !seen[c] {
			seen[c] = true
			found++
			copy(out[int(c)*mnist.Pixels:], set.Image(i))
		}
	}
	if found < 10 {
		return nil, fmt.Errorf("the set of %d digits lacks a class", set.N())
	}
	return out, nil
}

// TypesetSet renders a run's typeset digits (seed: TrainTypesetSeed or TestTypesetSeed).
func TypesetSet(runSeed int64, which uint64, n int) *mnist.Set {
	return Render(uint64(runSeed)<<8^which, n)
}

// Train trains (or resumes) the run, in segments of FrameEvery steps; after
// each it records the translations of the fixed inputs.
func Train(o TrainOptions, trainA, testA *mnist.Set) (*TrainResult, error) {
	p := o.Preset
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if trainA.N() < p.Batch {
		return nil, fmt.Errorf("batch %d for %d handwritten digits", p.Batch, trainA.N())
	}
	trainB := TypesetSet(o.Seed, TrainTypesetSeed, p.TypesetN)
	fixedA, err := FixedDigits(testA)
	if err != nil {
		return nil, err
	}
	fixedB, err := FixedDigits(TypesetSet(o.Seed, TestTypesetSeed, 200))
	if err != nil {
		return nil, err
	}
	recPath := filepath.Join(o.Dir, RecordFile)
	rec := &Record{Preset: p.Name, Seed: o.Seed, FixedA: greyBytes(fixedA), FixedB: greyBytes(fixedB)}
	if raw, err := os.ReadFile(recPath); err == nil {
		if err := json.Unmarshal(raw, rec); err != nil {
			return nil, fmt.Errorf("%s: %v (delete %s to start over)", recPath, err, o.Dir)
		}
	}
	rec.Backend, rec.Device = o.BackendText, o.Device
	ctx := p.Context(o.Seed)
	data := newData(p, o.Seed, trainA, trainB)
	save := func() error {
		raw, _ := json.Marshal(rec)
		if err := os.MkdirAll(o.Dir, 0o755); err != nil {
			return err
		}
		return artifact.WriteAtomic(recPath, raw)
	}
	// addFrame records the translations after step (replacing any frame
	// of that step or later, left by a run killed before its checkpoint).
	addFrame := func(step int) error {
		out, err := Translate(o.Backend, ctx, p, fixedA, fixedB)
		if err != nil {
			return err
		}
		for len(rec.Frames) > 0 && rec.Frames[len(rec.Frames)-1].Step >= step {
			rec.Frames = rec.Frames[:len(rec.Frames)-1]
		}
		f := Frame{Step: step, GA: greyBytes(out.GA), FB: greyBytes(out.FB), Sums: readSums(ctx)}
		if n := len(rec.Frames); n > 0 {
			prev := rec.Frames[n-1]
			f.Losses = make([]float64, len(f.Sums))
			for i := range f.Sums {
				f.Losses[i] = (f.Sums[i] - prev.Sums[i]) / float64(step-prev.Step)
			}
		}
		rec.Frames = append(rec.Frames, f)
		return save()
	}
	if len(rec.Frames) == 0 {
		if err := addFrame(0); err != nil {
			return nil, err
		}
	}
	// One run, so one checkpoint handler: a second ckpt.Open on the same
	// context would save the values it loaded next to the trained ones.
	res, err := steptrain.Run(steptrain.Options{
		Name: "cyclegan-" + p.Name, Ctx: ctx, Backend: o.Backend, ModelFn: modelFn(p), LossFn: lossFn,
		Batch: data.at, Steps: p.Steps, ReportEvery: p.FrameEvery,
		CheckpointDir: CheckpointDir(o.Dir), Checked: checkedParams,
		Params:          map[string]any{"kogi_backend": o.BackendText, "kogi_device": o.Device},
		CheckpointEvery: o.CheckpointEvery, Stdout: o.Stdout, Stderr: o.Stderr, TTY: o.TTY,
		Stop: o.Stop, StopAtStep: o.StopAtStep, OnReport: addFrame,
	})
	if err != nil {
		return nil, err
	}
	return &TrainResult{Steps: res.Steps, Seconds: res.Seconds, StepsPerS: res.StepsPerSecond(), Ctx: ctx, Record: rec}, nil
}

func readSums(ctx *context.Context) []float64 {
	v := ctx.GetVariableByScopeAndName("/losses", "sums")
	out := make([]float64, len(LossNames))
	if v == nil {
		return out
	}
	t, err := v.Value()
	if err != nil {
		return out
	}
	for i, x := range tensors.MustCopyFlatData[float32](t) {
		out[i] = float64(x)
	}
	return out
}

func greyBytes(flat []float32) []byte {
	out := make([]byte, len(flat))
	for i, v := range flat {
		out[i] = byte(min(max(v, 0), 1)*255 + 0.5)
	}
	return out
}

// FromGrey turns grey levels back into [0, 1].
func FromGrey(b []byte) []float32 {
	out := make([]float32, len(b))
	for i, v := range b {
		out[i] = float32(v) / 255
	}
	return out
}

// data is the training stream: step k draws A's and B's batches from
// orders shuffled per epoch from (seed, epoch), the cycle noise and the
// pool's choices from (seed, k): a function of k alone.
type data struct {
	p              Preset
	a, b           *mnist.Set
	seed           uint64
	orderA, orderB steptrain.Order
}

func newData(p Preset, seed int64, a, b *mnist.Set) *data {
	s := uint64(seed)
	return &data{p: p, a: a, b: b, seed: s,
		orderA: steptrain.Order{N: a.N(), Batch: p.Batch, Seed: s ^ 0x41},
		orderB: steptrain.Order{N: b.N(), Batch: p.Batch, Seed: s ^ 0x42}}
}

func (d *data) batch(set *mnist.Set, order *steptrain.Order, step int) []float32 {
	x := make([]float32, 0, d.p.Batch*mnist.Pixels)
	for _, i := range order.At(step) {
		x = append(x, set.Image(i)...)
	}
	return x
}

func (d *data) at(step int) []*tensors.Tensor {
	p := d.p
	B, P := p.Batch, p.Pool
	a := d.batch(d.a, &d.orderA, step)
	b := d.batch(d.b, &d.orderB, step)
	rng := rand.New(rand.NewPCG(d.seed^0x6379636c65, uint64(step)))
	noise := func() []float32 {
		n := make([]float32, B*mnist.Pixels)
		for i := range n {
			n[i] = float32(rng.NormFloat64() * p.CycleNoise)
		}
		return n
	}
	na, nb := noise(), noise()
	t := []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(a, B, mnist.Pixels), tensors.FromFlatDataAndDimensions(b, B, mnist.Pixels),
		tensors.FromFlatDataAndDimensions(na, B, mnist.Pixels), tensors.FromFlatDataAndDimensions(nb, B, mnist.Pixels),
	}
	for range 2 {
		use, sel, put := make([]float32, B), make([]float32, B*P), make([]float32, P*B)
		if step == 0 {
			// The pool starts with this step's first fakes.
			for j := range min(P, B) {
				put[j*B+j] = 1
			}
		} else {
			slots := rng.Perm(P)
			used := 0
			for i := range B {
				if used < P && rng.IntN(2) == 0 {
					j := slots[used]
					used++
					use[i], sel[i*P+j], put[j*B+i] = 1, 1, 1
				}
			}
		}
		t = append(t, tensors.FromFlatDataAndDimensions(use, B, 1), tensors.FromFlatDataAndDimensions(sel, B, P),
			tensors.FromFlatDataAndDimensions(put, P, B))
	}
	return t
}

// ErrStopped and ErrInterrupted are steptrain's.
var (
	ErrStopped     = steptrain.ErrStopped
	ErrInterrupted = steptrain.ErrInterrupted
)
