package cyclegan

import (
	"encoding/json"
	"image/gif"
	"os"
	"path/filepath"
	"testing"

	"github.com/kogi-course/kogi/gpuruntime/artifact"
	"github.com/kogi-course/kogi/gpuruntime/gallery"
)

// The committed gallery matches its manifest: every file's digest and
// size, the animation's frames and steps, the GIF's weight.
func TestShippedGallery(t *testing.T) {
	dir := "../../static/gallery/cyclegan"
	raw, err := os.ReadFile(filepath.Join(dir, gallery.Manifest))
	if os.IsNotExist(err) {
		t.Skip("no gallery committed yet")
	}
	if err != nil {
		t.Fatal(err)
	}
	var man Manifest
	if err := json.Unmarshal(raw, &man); err != nil {
		t.Fatal(err)
	}
	if man.Kind != "cyclegan" || man.Steps < 1 || len(man.Files) != 4 {
		t.Fatalf("manifest: kind %q, %d steps, %d files", man.Kind, man.Steps, len(man.Files))
	}
	for name, f := range man.Files {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if artifact.SHA256(data) != f.SHA256 || len(data) != f.Bytes {
			t.Errorf("%s: digest or size differs from the manifest", name)
		}
	}
	strip, anim := man.Files[StripPNG], man.Files[TrainingGIF]
	if len(strip.Steps) != strip.Frames || strip.Steps[strip.Frames-1] != man.Steps || strip.Width != strip.Frames*strip.FrameWidth {
		t.Errorf("strip: %d frames, steps %v, %d px wide", strip.Frames, strip.Steps, strip.Width)
	}
	f, err := os.Open(filepath.Join(dir, TrainingGIF))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := gif.DecodeAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != anim.Frames || anim.Frames != strip.Frames || anim.Bytes > gallery.MaxGIFBytes {
		t.Errorf("training.gif: %d frames decoded, %d in the manifest, %d bytes", len(g.Image), anim.Frames, anim.Bytes)
	}
}
