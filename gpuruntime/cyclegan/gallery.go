package cyclegan

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/kogi-course/kogi/gpuruntime/ckpt"
	"github.com/kogi-course/kogi/gpuruntime/ddpm"
	"github.com/kogi-course/kogi/gpuruntime/gallery"
	"github.com/kogi-course/kogi/gpuruntime/judge"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
	"github.com/kogi-course/kogi/gpuruntime/steptrain"
)

// The gallery's files.
const (
	TripletsPNG = "triplets.png"
	TrainingGIF = "training.gif"
	StripPNG    = "training_strip.png"
	LossesSVG   = "losses.svg"
)

// File is one file's record in the manifest.
type File struct {
	gallery.File
	Steps []int `json:"steps,omitempty"` // the strip and the GIF: the training step of each frame
}

// Preservation is the manifest's content_preservation: the share of
// translated digits the other domain's 11-class judge reads as their
// source's class, and the same judges on the untranslated digits.
type Preservation struct {
	AToB            float64 `json:"a_to_b"`
	BToA            float64 `json:"b_to_a"`
	PassthroughAToB float64 `json:"passthrough_a_to_b"`
	PassthroughBToA float64 `json:"passthrough_b_to_a"`
}

// JudgeInfo describes one 11-class judge.
type JudgeInfo struct {
	Architecture string  `json:"architecture"`
	Classes      string  `json:"classes"`
	TrainDigits  int     `json:"train_digits"`
	Epochs       int     `json:"epochs"`
	TestAccuracy float64 `json:"test_accuracy"` // on its own 11-class test set
}

// LossPoint is the mean of each loss component over the steps before Step.
type LossPoint struct {
	Step   int       `json:"step"`
	Losses []float64 `json:"losses"`
}

// Manifest is manifest.json.
type Manifest struct {
	Kind string `json:"kind"`
	gallery.Run
	Seed                int64           `json:"seed"`
	GitCommit           string          `json:"git_commit"`
	ContentPreservation Preservation    `json:"content_preservation"`
	CycleL1             float64         `json:"cycle_l1"`
	L1GAA               float64         `json:"l1_ga_a"`
	Files               map[string]File `json:"files"`

	Target              float64            `json:"target_gain"` // both gains over the pass-through must reach this
	TargetMet           bool               `json:"target_met"`
	CycleL1Detail       map[string]float64 `json:"cycle_l1_detail"`
	TestDigits          int                `json:"test_digits"`
	Data                string             `json:"data"`
	JudgeA              JudgeInfo          `json:"judge_a"`
	JudgeB              JudgeInfo          `json:"judge_b"`
	PlainJudgeOnTypeset float64            `json:"plain_judge_on_typeset"`
	ParamsDetail        map[string]int     `json:"params_detail"`
	LossNames           []string           `json:"loss_names"`
	LossHistory         []LossPoint        `json:"loss_history"`
	RenderSeconds       float64            `json:"render_seconds"`
}

// GalleryOptions configure WriteGallery.
type GalleryOptions struct {
	Dir        string // the run folder
	Gallery    string // where the files go
	Backend    backends.Backend
	TestN      int // test digits per domain (0: 2000)
	JudgeTrain int // digits per domain the 11-class judges train on (0: 10000)
	JudgeEpoch int // their epochs (0: 3)
	PlainJudge string
	GitCommit  string
	Stdout     io.Writer
	Stderr     io.Writer
}

// Load reads a trained run's latest checkpoint: its preset (from the
// checkpoint's own record of it), seed and weights.
func Load(dir string) (Preset, int64, *context.Context, error) {
	ctx := context.New()
	if err := ckpt.Load(ctx, CheckpointDir(dir)); err != nil {
		return Preset{}, 0, nil, err
	}
	var p Preset
	if err := json.Unmarshal([]byte(context.GetParamOr(ctx, paramRecipe, "")), &p); err != nil {
		return p, 0, nil, fmt.Errorf("%s: no CycleGAN recipe in the checkpoint: %v", ckpt.Latest(CheckpointDir(dir)), err)
	}
	return p, context.GetParamOr(ctx, paramSeed, int64(1)), ctx, nil
}

// WriteGallery judges the translations of the trained run and writes the
// gallery and its manifest.
func WriteGallery(o GalleryOptions, trainA, testA *mnist.Set) (*Manifest, error) {
	started := time.Now()
	p, seed, ctx, err := Load(o.Dir)
	if err != nil {
		return nil, err
	}
	var rec Record
	raw, err := os.ReadFile(filepath.Join(o.Dir, RecordFile))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(o.Dir, RecordFile), err)
	}
	p.Name = rec.Preset
	steps := int(optimizers.GetGlobalStep(ctx))
	if len(rec.Frames) == 0 || rec.Frames[len(rec.Frames)-1].Step != steps {
		return nil, fmt.Errorf("%s does not end at the checkpoint's step %d: train again to finish the run", RecordFile, steps)
	}
	testN, judgeN, epochs := def(o.TestN, 2000), def(o.JudgeTrain, 10000), def(o.JudgeEpoch, 3)
	testA = testA.Subset(testN)
	testB := TypesetSet(seed, TestTypesetSeed, testA.N())
	tr, err := Translate(o.Backend, ctx, p, testA.Images, testB.Images)
	if err != nil {
		return nil, err
	}

	// The 11-class judges: judge A* knows the handwritten classes and
	// "typeset", judge B* the typeset classes and "handwritten".
	trA, trB := trainA.Subset(judgeN), TypesetSet(seed, TrainTypesetSeed, judgeN)
	judgeA, infoA, err := trainJudge(o, "judge_a", trA, trB, testA, testB, epochs)
	if err != nil {
		return nil, err
	}
	judgeB, infoB, err := trainJudge(o, "judge_b", trB, trA, testB, testA, epochs)
	if err != nil {
		return nil, err
	}
	acc := func(m *judge.Model, x []float32, labels []uint8) float64 {
		return judge.Accuracy(m, x, labels)
	}
	man := &Manifest{Kind: "cyclegan", Run: gallery.Run{Model: p.ModelText(), Recipe: p.RecipeText(), Preset: p.Name, Steps: steps,
		Seconds: steptrain.TrainedSeconds(ctx), Backend: rec.Backend, Device: rec.Device}, Seed: seed, GitCommit: o.GitCommit,
		ContentPreservation: Preservation{
			AToB: acc(judgeB, tr.GA, testA.Labels), BToA: acc(judgeA, tr.FB, testB.Labels),
			PassthroughAToB: acc(judgeB, testA.Images, testA.Labels), PassthroughBToA: acc(judgeA, testB.Images, testB.Labels),
		},
		CycleL1Detail: map[string]float64{"a": meanAbs(tr.FGA, testA.Images), "b": meanAbs(tr.GFB, testB.Images), "f_b_b": meanAbs(tr.FB, testB.Images)},
		L1GAA:         meanAbs(tr.GA, testA.Images),
		TestDigits:    testA.N(),
		Data: fmt.Sprintf("A: MNIST (%d test digits); B: digits set in %d Go fonts (%s), %d test digits, random size, rotation, position, stroke weight",
			testA.N(), len(FontNames), strings.Join(FontNames, ", "), testB.N()),
		JudgeA: infoA, JudgeB: infoB, LossNames: LossNames, Files: map[string]File{},
		ParamsDetail: map[string]int{"G": ddpm.CountParams(ctx, "/G"), "F": ddpm.CountParams(ctx, "/F"),
			"D_A": ddpm.CountParams(ctx, "/DA"), "D_B": ddpm.CountParams(ctx, "/DB")},
	}
	for _, v := range man.ParamsDetail {
		man.Params += v
	}
	man.CycleL1 = (man.CycleL1Detail["a"] + man.CycleL1Detail["b"]) / 2
	if man.Seconds > 0 {
		man.StepsPerS = float64(steps) / man.Seconds
	}
	man.Target = 0.30
	if p.Name == "gpu" {
		man.Target = 0.85
	}
	cp := man.ContentPreservation
	man.TargetMet = cp.AToB-cp.PassthroughAToB >= man.Target && cp.BToA-cp.PassthroughBToA >= man.Target
	if o.PlainJudge != "" {
		plain, err := judge.Load(o.PlainJudge)
		if err != nil {
			return nil, err
		}
		man.PlainJudgeOnTypeset = plain.Accuracy(testB)
	}
	for _, f := range rec.Frames[1:] {
		man.LossHistory = append(man.LossHistory, LossPoint{Step: f.Step, Losses: f.Losses})
	}
	if err := writePictures(o.Gallery, man, &rec, testA, testB, tr); err != nil {
		return nil, err
	}
	man.RenderSeconds = time.Since(started).Seconds()
	if err := gallery.WriteJSON(filepath.Join(o.Gallery, gallery.Manifest), man); err != nil {
		return nil, err
	}
	return man, nil
}

func def(v, d int) int {
	if v > 0 {
		return v
	}
	return d
}

func meanAbs(x, y []float32) float64 {
	var s float64
	for i := range x {
		s += math.Abs(float64(x[i] - y[i]))
	}
	return s / float64(len(x))
}

// trainJudge trains an 11-class judge: own's ten classes and the other
// domain as class 10 (resuming from its checkpoints in the run folder).
func trainJudge(o GalleryOptions, name string, own, other, testOwn, testOther *mnist.Set, epochs int) (*judge.Model, JudgeInfo, error) {
	merge := func(x, y *mnist.Set) *mnist.Set {
		s := &mnist.Set{Images: append(append([]float32(nil), x.Images...), y.Images...), Labels: append([]uint8(nil), x.Labels...)}
		for range y.N() {
			s.Labels = append(s.Labels, 10)
		}
		return s
	}
	ctx := judge.DefaultContext()
	ctx.SetParam(judge.ParamClasses, 11)
	m, _, err := judge.Train(judge.TrainOptions{Ctx: ctx, Backend: o.Backend, Epochs: epochs,
		CheckpointDir: filepath.Join(o.Dir, name), CheckpointEvery: time.Hour, Stdout: io.Discard, Stderr: o.Stderr}, merge(own, other))
	if err != nil {
		return nil, JudgeInfo{}, err
	}
	test := merge(testOwn, testOther)
	info := JudgeInfo{Architecture: m.Arch(), Classes: "0–9 of its domain, 10: the other domain", TrainDigits: own.N() + other.N(),
		Epochs: epochs, TestAccuracy: judge.Accuracy(m, test.Images, test.Labels)}
	return m, info, nil
}
