package vae

import (
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// shipped is where the trained weights live (committed; `make models`).
const shipped = "../../static/demos/vae"

// parityCase is what gpuruntime's GoMLX graph computed on the shipped
// (dequantised) weights: encodings of test images and decodings of points.
type parityCase struct {
	X       [][]float32 `json:"x"`
	Mu      [][]float32 `json:"mu"`
	LogVar  [][]float32 `json:"logvar"`
	Z       [][]float32 `json:"z"`
	Decoded [][]float32 `json:"decoded"`
}

// TestParityWithGoMLX runs natively and, through TestUnderWasm, as
// WebAssembly: the same forward pass must agree with the training graph.
func TestParityWithGoMLX(t *testing.T) {
	raw, err := os.ReadFile("testdata/parity.json")
	if errors.Is(err, fs.ErrNotExist) {
		if _, merr := os.Stat(filepath.Join(shipped, "manifest.json")); merr == nil {
			t.Fatal("static/demos/vae is shipped but testdata/parity.json is missing: run `make models`")
		}
		t.Skip("skipping: no trained model yet (make models writes it)")
	}
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string]parityCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("parity.json holds no model")
	}
	for name, c := range cases {
		data, err := os.ReadFile(filepath.Join(shipped, name+".kvae"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := Read(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(c.X) == 0 || len(c.Z) == 0 {
			t.Fatalf("%s: parity case is empty", name)
		}
		r := m.NewRunner()
		mu, lv := make([]float32, m.Latent), make([]float32, m.Latent)
		for i, x := range c.X {
			r.Encode(x, mu, lv)
			near(t, name+" mu", i, mu, c.Mu[i])
			near(t, name+" logvar", i, lv, c.LogVar[i])
		}
		out := make([]float32, Pixels)
		for i, z := range c.Z {
			r.Decode(z, out)
			near(t, name+" decoded", i, out, c.Decoded[i])
		}
	}
}

func near(t *testing.T, what string, i int, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s %d: %d values, reference has %d", what, i, len(got), len(want))
	}
	for j := range got {
		if d := math.Abs(float64(got[j] - want[j])); d > 1e-5 {
			t.Fatalf("%s %d[%d] = %.7g, GoMLX %.7g (|Δ| %.2g > 1e-5)", what, i, j, got[j], want[j], d)
		}
	}
}

// TestUnderWasm runs this package's tests compiled to WebAssembly under
// Node.js, the way the browser runs the forward pass.
func TestUnderWasm(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("already running as wasm")
	}
	if testing.Short() {
		t.Skip("skipping: compiles the package for wasm")
	}
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI: node is required (.ci/run installs nodejs)")
		}
		t.Skip("skipping: node not installed")
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	execDir := filepath.Join(string(goroot[:len(goroot)-1]), "lib", "wasm")
	cmd := exec.Command("go", "test", "-count=1", "-run", "Parity|Forward|ReadBad|CenterMNIST", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "PATH="+execDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("wasm tests failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
