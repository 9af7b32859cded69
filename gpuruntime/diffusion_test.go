package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kogi-course/kogi/gpuruntime/gallery"
)

// The committed judge, from this package's folder.
const testJudge = "judge/judge.kjdg"

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := runCmd(args...)
	if code != 0 {
		t.Fatalf("%s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return stdout
}

// Every diffusion command end to end on a tiny configuration: the gallery
// checks against its manifest (digests, sizes, frames), the manifest has
// the keys the site generator reads, and the same seed gives the same files.
func TestDiffusionPipeline(t *testing.T) {
	out := t.TempDir()
	train := []string{"train", "ddpm", "--out", out, "--backend", "go", "--steps", "30", "--vae-epochs", "1",
		"--train-subset", "1024", "--test-subset", "200", "--timesteps", "20"}
	if got := mustRun(t, train...); !strings.Contains(got, "ddpm-cpu: 30 steps") || !strings.Contains(got, "vae16 epoch   1/1") {
		t.Fatalf("train stdout %q", got)
	}
	gal := filepath.Join(out, "gallery")
	sample := []string{"sample", "ddpm", "--out", out, "--gallery", gal, "--samples", "64", "--batch", "40",
		"--judge", testJudge, "--gif-frames", "12", "--strip-frames", "6", "--backend", "auto"}
	if got := mustRun(t, sample...); !strings.Contains(got, "64 samples") || !strings.Contains(got, "confident share") {
		t.Fatalf("sample stdout %q", got)
	}
	render := []string{"render", "diffusion", "--out", out, "--gallery", gal}
	if got := mustRun(t, render...); !strings.Contains(got, "manifest.json written") {
		t.Fatalf("render stdout %q", got)
	}
	m, err := gallery.Check(gal)
	if err != nil {
		t.Fatal(err)
	}
	if m.Preset != "cpu" || m.Steps != 30 || m.SampleSteps != 20 || m.Seed != 1 || m.Judge.Samples != 64 ||
		!strings.HasPrefix(m.Recipe, "latent diffusion: ") || m.Params <= 0 || m.Seconds <= 0 || m.StepsPerS <= 0 || m.ImagesPerS <= 0 ||
		!strings.Contains(m.Backend, "simplego") || !strings.Contains(m.Device, "CPU cores") || m.GitCommit == "" ||
		m.TrainSeed != 1 || !strings.Contains(m.Data, "1024 training digits") ||
		m.ParamsDetail["denoiser"] <= 0 || m.Params != m.ParamsDetail["denoiser"]+m.ParamsDetail["vae_decoder"] {
		t.Fatalf("manifest %+v", m)
	}
	for name, frames := range map[string]int{gallery.ForwardGIF: 12, gallery.ReverseGIF: 12, gallery.StripPNG: 6} {
		if f := m.Files[name]; f.Frames != frames || len(f.T) != frames {
			t.Errorf("%s: %d frames, times %v; want %d", name, f.Frames, f.T, frames)
		}
	}
	if s := m.Files[gallery.StripPNG]; s.T[0] != 20 || s.T[len(s.T)-1] != 0 || s.Width != 6*s.FrameWidth {
		t.Errorf("strip %+v", s)
	}

	// The keys the site generator reads, with their JSON types.
	raw, err := os.ReadFile(filepath.Join(gal, gallery.Manifest))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	wantKeys(t, "manifest", doc, map[string]string{
		"model": "string", "recipe": "string", "params": "int", "preset": "string", "steps": "int",
		"seconds": "number", "backend": "string", "device": "string", "steps_per_s": "number",
		"images_per_s": "number", "sample_steps": "int", "seed": "int", "git_commit": "string",
		"judge": "object", "files": "object",
	})
	wantKeys(t, "judge", doc["judge"].(map[string]any), map[string]string{"confident_share": "number", "class_entropy": "number", "samples": "int"})
	files := doc["files"].(map[string]any)
	base := map[string]string{"sha256": "string", "bytes": "int", "width": "int", "height": "int"}
	wantKeys(t, "samples.png", files["samples.png"].(map[string]any), base)
	for _, g := range []string{"forward.gif", "reverse.gif"} {
		wantKeys(t, g, files[g].(map[string]any), with(base, map[string]string{"frames": "int"}))
	}
	wantKeys(t, "strip.png", files["strip.png"].(map[string]any), with(base, map[string]string{
		"frames": "int", "frame_width": "int", "frame_height": "int", "t": "array"}))

	// The same seed on the same backend: byte-identical pictures.
	gal2 := filepath.Join(out, "gallery2")
	mustRun(t, append(sample[:5:5], append([]string{gal2}, sample[6:]...)...)...)
	mustRun(t, "render", "diffusion", "--out", out, "--gallery", gal2)
	for _, name := range []string{gallery.SamplesPNG, gallery.ForwardGIF, gallery.ReverseGIF, gallery.StripPNG} {
		a, _ := os.ReadFile(filepath.Join(gal, name))
		b, _ := os.ReadFile(filepath.Join(gal2, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	// Another seed, other samples.
	gal3 := filepath.Join(out, "gallery3")
	mustRun(t, append(sample[:5:5], append([]string{gal3}, append(sample[6:], "--seed", "2")...)...)...)
	a, _ := os.ReadFile(filepath.Join(gal, gallery.SamplesPNG))
	b, _ := os.ReadFile(filepath.Join(gal3, gallery.SamplesPNG))
	if bytes.Equal(a, b) {
		t.Error("seeds 1 and 2 gave the same samples.png")
	}
	// render now sees a samples.png it did not sample for gal: refused in gal3? No:
	// the record is gal3's, so rendering into gal (seed 1's samples.png) is refused.
	if code, _, stderr := runCmd(render...); code != 1 || !strings.Contains(stderr, "run sample ddpm again") {
		t.Errorf("render over another sampling's samples.png: exit %d, %q", code, stderr)
	}
	// A finished run trains nothing more.
	if got := mustRun(t, train...); !strings.Contains(got, "ddpm-cpu: 30 steps") || strings.Contains(got, "vae16 epoch") {
		t.Errorf("second train: %q", got)
	}
}

func with(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func wantKeys(t *testing.T, what string, doc map[string]any, keys map[string]string) {
	t.Helper()
	for k, typ := range keys {
		v, ok := doc[k]
		if !ok {
			t.Errorf("%s: no key %q", what, k)
			continue
		}
		okType := false
		switch x := v.(type) {
		case string:
			okType = typ == "string"
		case float64:
			okType = typ == "number" || (typ == "int" && x == float64(int64(x)))
		case map[string]any:
			okType = typ == "object"
		case []any:
			okType = typ == "array"
		}
		if !okType {
			t.Errorf("%s: %q is %T (%v), want %s", what, k, v, v, typ)
		}
	}
}

func TestDiffusionErrors(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown preset", []string{"train", "ddpm", "--preset", "tpu"}, 2, `--preset "tpu"`},
		{"bad schedule", []string{"train", "ddpm", "--schedule", "quadratic"}, 2, `unknown schedule "quadratic"`},
		{"bad steps", []string{"train", "ddpm", "--steps", "-3"}, 2, "must be ≥ 0"},
		{"bad flag", []string{"train", "ddpm", "--stpes", "3"}, 2, "flag provided but not defined: -stpes"},
		{"few samples", []string{"sample", "ddpm", "--samples", "10"}, 2, "--samples 10"},
		{"gif frames", []string{"sample", "ddpm", "--gif-frames", "1000"}, 2, "--gif-frames 1000"},
		{"render argument", []string{"render", "diffusion", "now"}, 2, `unexpected argument "now"`},
		{"gpu preset on go", []string{"train", "ddpm", "--preset", "gpu", "--backend", "go"}, 1, "cannot differentiate a convolution"},
		{"no gpu", []string{"train", "ddpm", "--backend", "xla:cuda"}, 1, `backend "xla:cuda" unavailable`},
		{"unknown backend", []string{"sample", "ddpm", "--backend", "tpu", "--judge", testJudge}, 1, `unknown backend "tpu"`},
		{"no judge", []string{"sample", "ddpm", "--judge", filepath.Join(empty, "j.kjdg")}, 1, "train judge"},
		{"sample untrained", []string{"sample", "ddpm", "--out", empty, "--judge", testJudge, "--backend", "go"}, 1, "no trained model in " + filepath.Join(empty, "ddpm-cpu", "ddpm")},
		{"render unsampled", []string{"render", "diffusion", "--out", empty}, 1, "no sampling record in " + filepath.Join(empty, "ddpm-cpu")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCmd(tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q: want %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}
