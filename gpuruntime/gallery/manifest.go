package gallery

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"slices"

	"github.com/kogi-course/kogi/gpuruntime/artifact"
	"github.com/kogi-course/kogi/gpuruntime/judge"
	"github.com/kogi-course/kogi/gpuruntime/steptrain"
)

// The gallery's files.
const (
	SamplesPNG = "samples.png"
	ForwardGIF = "forward.gif"
	ReverseGIF = "reverse.gif"
	StripPNG   = "strip.png"
	Manifest   = "manifest.json"
)

// MaxGIFBytes is the most a gallery GIF may weigh.
const MaxGIFBytes = 1 << 20

// File is one picture's record in the manifest.
type File struct {
	SHA256      string `json:"sha256"`
	Bytes       int    `json:"bytes"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Frames      int    `json:"frames,omitempty"`       // GIFs and the strip
	FrameWidth  int    `json:"frame_width,omitempty"`  // the strip
	FrameHeight int    `json:"frame_height,omitempty"` // the strip
	T           []int  `json:"t,omitempty"`            // the diffusion time of each frame
	Grid        Layout `json:"grid"`                   // each frame's layout of digits
	DelaysCS    []int  `json:"delays_cs,omitempty"`    // GIFs: each frame's time on screen, 1/100 s
	What        string `json:"what"`
}

// JudgeRecord is the manifest's "judge": the verdict on the samples and
// which judge gave it.
type JudgeRecord struct {
	judge.Verdict
	File         string  `json:"file"`
	SHA256       string  `json:"sha256"`
	Architecture string  `json:"architecture,omitempty"`
	TestAccuracy float64 `json:"test_accuracy,omitempty"`
}

// Run is the keys every gallery manifest starts with: the model, and the
// training run that made it.
type Run struct {
	Model     string  `json:"model"`
	Recipe    string  `json:"recipe"` // one short line
	Params    int     `json:"params"`
	Preset    string  `json:"preset"`
	Steps     int     `json:"steps"`
	Seconds   float64 `json:"seconds"` // training wall time
	Backend   string  `json:"backend"`
	Device    string  `json:"device"`
	StepsPerS float64 `json:"steps_per_s"`
}

// ManifestData is manifest.json. The first keys are what the site
// generator reads; the rest document the run.
type ManifestData struct {
	Run
	ImagesPerS  float64         `json:"images_per_s"`
	SampleSteps int             `json:"sample_steps"`
	Seed        int64           `json:"seed"`
	GitCommit   string          `json:"git_commit"`
	Judge       JudgeRecord     `json:"judge"`
	Files       map[string]File `json:"files"`

	RecipeDetail  string             `json:"recipe_detail"`
	TrainSeed     int64              `json:"train_seed"`
	Data          string             `json:"data"`
	Schedule      string             `json:"schedule"`
	ParamsDetail  map[string]int     `json:"params_detail"`
	SecondsDetail map[string]float64 `json:"seconds_detail"`
	SampleBackend string             `json:"sample_backend"`
	SampleDevice  string             `json:"sample_device"`
	SampleSeconds float64            `json:"sample_seconds"`
	LossHistory   []steptrain.Point  `json:"loss_history,omitempty"`
}

// Record is what `sample ddpm` hands to `render diffusion` (in the run
// folder, not the gallery): the sampling run's numbers and the decoded
// trajectory of the first RecordN samples.
type Record struct {
	Preset      string         `json:"preset"`
	Seed        int64          `json:"seed"`
	Samples     int            `json:"samples"`
	SampleSteps int            `json:"sample_steps"`
	ModelSteps  int            `json:"model_steps"` // denoiser steps of the checkpoint sampled
	Backend     string         `json:"backend"`
	Device      string         `json:"device"`
	Seconds     float64        `json:"seconds"` // sampling and decoding, wall
	ImagesPerS  float64        `json:"images_per_s"`
	Judge       JudgeRecord    `json:"judge"`
	SamplesFile File           `json:"samples_png"`
	GIFFrames   int            `json:"gif_frames"`
	StripFrames int            `json:"strip_frames"`
	RecordN     int            `json:"record_n"`
	Times       []int          `json:"times"`  // descending, T … 0
	Frames      [][]byte       `json:"frames"` // per time: RecordN × 784 grey levels
	Extra       map[string]any `json:"extra,omitempty"`
}

// FrameImages returns the trajectory at time t as grey levels in [0, 1].
func (r *Record) FrameImages(t int) ([]float32, error) {
	i := slices.Index(r.Times, t)
	if i < 0 {
		return nil, fmt.Errorf("the sampling record has no frame at t=%d (it has %v): run sample ddpm again", t, r.Times)
	}
	out := make([]float32, len(r.Frames[i]))
	for j, b := range r.Frames[i] {
		out[j] = float32(b) / 255
	}
	return out, nil
}

// GreyBytes quantises grey levels as Grey does.
func GreyBytes(flat []float32) []byte {
	out := make([]byte, len(flat))
	for i, v := range flat {
		out[i] = Grey(v)
	}
	return out
}

// WriteFile writes one picture into dir and returns its record.
func WriteFile(dir, name string, data []byte, f File) (File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return f, err
	}
	if err := artifact.WriteAtomic(filepath.Join(dir, name), data); err != nil {
		return f, err
	}
	f.SHA256, f.Bytes = artifact.SHA256(data), len(data)
	return f, nil
}

// WriteJSON writes v as indented JSON.
func WriteJSON(path string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return artifact.WriteAtomic(path, append(raw, '\n'))
}

// ReadManifest reads dir/manifest.json.
func ReadManifest(dir string) (*ManifestData, error) {
	raw, err := os.ReadFile(filepath.Join(dir, Manifest))
	if err != nil {
		return nil, err
	}
	var m ManifestData
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, Manifest), err)
	}
	return &m, nil
}

// Check verifies the gallery in dir against its manifest: every file is
// there with the recorded digest, size, dimensions and frame count, each
// GIF is at most MaxGIFBytes, the strip is Frames frames of the recorded
// size, and every frame list runs between T and 0.
func Check(dir string) (*ManifestData, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{SamplesPNG, ForwardGIF, ReverseGIF, StripPNG} {
		f, ok := m.Files[name]
		if !ok {
			return nil, fmt.Errorf("manifest has no %s", name)
		}
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if got := artifact.SHA256(raw); got != f.SHA256 || len(raw) != f.Bytes {
			return nil, fmt.Errorf("%s: sha256 %s, %d bytes; manifest says %s, %d bytes", name, got, len(raw), f.SHA256, f.Bytes)
		}
		var w, h, frames int
		switch filepath.Ext(name) {
		case ".gif":
			g, err := gif.DecodeAll(bytes.NewReader(raw))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			w, h, frames = g.Config.Width, g.Config.Height, len(g.Image)
			if len(raw) > MaxGIFBytes {
				return nil, fmt.Errorf("%s: %d bytes, more than %d", name, len(raw), MaxGIFBytes)
			}
			if frames != f.Frames || len(f.T) != frames {
				return nil, fmt.Errorf("%s: %d frames, manifest says %d (and %d times)", name, frames, f.Frames, len(f.T))
			}
		default:
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			b := img.Bounds()
			w, h = b.Dx(), b.Dy()
		}
		if w != f.Width || h != f.Height {
			return nil, fmt.Errorf("%s: %d×%d, manifest says %d×%d", name, w, h, f.Width, f.Height)
		}
		if name != SamplesPNG {
			fw, fh := f.Grid.Size()
			if name == StripPNG && (f.FrameWidth != fw || f.FrameHeight != fh || f.Frames*fw != w || fh != h || len(f.T) != f.Frames) {
				return nil, fmt.Errorf("%s: %d×%d for %d frames of %d×%d (grid %d×%d), %d times", name, w, h, f.Frames, f.FrameWidth, f.FrameHeight, fw, fh, len(f.T))
			}
			if name != StripPNG && (w != fw || h != fh) {
				return nil, fmt.Errorf("%s: %d×%d, its grid is %d×%d", name, w, h, fw, fh)
			}
			lo, hi := f.T[0], f.T[len(f.T)-1]
			if name != ForwardGIF {
				lo, hi = hi, lo
			}
			if lo != 0 || hi != m.SampleSteps {
				return nil, fmt.Errorf("%s: frames from t=%d to t=%d, want 0 and %d", name, f.T[0], f.T[len(f.T)-1], m.SampleSteps)
			}
		}
	}
	return m, nil
}

// Decode reads a PNG.
func Decode(raw []byte) (image.Image, error) { return png.Decode(bytes.NewReader(raw)) }
