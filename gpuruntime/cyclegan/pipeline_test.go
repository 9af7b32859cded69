package cyclegan

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kogi-course/kogi/gpuruntime/artifact"
)

// The whole pipeline on a tiny configuration: train, render the gallery,
// and check the manifest's keys and every file's digest and size.
func TestPipeline(t *testing.T) {
	f := testData(t)
	dir := t.TempDir()
	if _, err := tinyTrain(t, dir, 4, 0); err != nil {
		t.Fatal(err)
	}
	gal := filepath.Join(dir, "gallery")
	man, err := WriteGallery(GalleryOptions{Dir: dir, Gallery: gal, Backend: f.be, TestN: 100, JudgeTrain: 200, JudgeEpoch: 1,
		PlainJudge: "../judge/judge.kjdg", GitCommit: "c0ffee", Stdout: io.Discard, Stderr: io.Discard}, f.train, f.test)
	if err != nil {
		t.Fatal(err)
	}
	if man.Steps != 4 || man.Params == 0 || man.Preset != "tiny" || man.GitCommit != "c0ffee" || man.PlainJudgeOnTypeset < 0.7 {
		t.Fatalf("manifest: %+v", man)
	}
	raw, err := os.ReadFile(filepath.Join(gal, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"kind", "model", "recipe", "params", "preset", "steps", "seconds", "backend", "device",
		"steps_per_s", "seed", "git_commit", "content_preservation", "cycle_l1", "l1_ga_a", "files"} {
		if _, ok := m[k]; !ok {
			t.Errorf("manifest lacks %q", k)
		}
	}
	cp := m["content_preservation"].(map[string]any)
	for _, k := range []string{"a_to_b", "b_to_a", "passthrough_a_to_b", "passthrough_b_to_a"} {
		if _, ok := cp[k].(float64); !ok {
			t.Errorf("content_preservation lacks %q", k)
		}
	}
	files := m["files"].(map[string]any)
	for name, keys := range map[string][]string{
		TripletsPNG: {"sha256", "bytes", "width", "height"},
		TrainingGIF: {"sha256", "bytes", "width", "height", "frames"},
		StripPNG:    {"sha256", "bytes", "width", "height", "frames", "frame_width", "frame_height", "steps"},
		LossesSVG:   {"sha256", "bytes", "width", "height"},
	} {
		rec, ok := files[name].(map[string]any)
		if !ok {
			t.Fatalf("files lacks %s", name)
		}
		for _, k := range keys {
			if _, ok := rec[k]; !ok {
				t.Errorf("files[%s] lacks %q", name, k)
			}
		}
		data, err := os.ReadFile(filepath.Join(gal, name))
		if err != nil {
			t.Fatal(err)
		}
		if rec["sha256"] != artifact.SHA256(data) || int(rec["bytes"].(float64)) != len(data) {
			t.Errorf("%s: digest or size differs from the manifest", name)
		}
	}
	strip := man.Files[StripPNG]
	if strip.Frames != 3 || !slices.Equal(strip.Steps, []int{0, 2, 4}) || strip.Width != 3*strip.FrameWidth {
		t.Errorf("strip: %d frames at %v, %d wide in frames of %d", strip.Frames, strip.Steps, strip.Width, strip.FrameWidth)
	}
	if w, h := man.Files[TripletsPNG].Width, man.Files[TripletsPNG].Height; w != 302 || h != 182 {
		t.Errorf("triplets.png %d×%d, want 302×182", w, h)
	}
}
