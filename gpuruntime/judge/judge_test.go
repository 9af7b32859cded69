package judge

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/kogi-course/kogi/gpuruntime/artifact"
	"github.com/kogi-course/kogi/gpuruntime/internal/fixture"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
)

// Shipped is the committed judge, relative to this package.
const Shipped = "judge.kjdg"

func testSet(t *testing.T) *mnist.Set {
	t.Helper()
	_, test := fixture.MNIST(t)
	return test
}

// The shipped judge is what its record says, reaches 98% on the test set
// and is confident (≥ 0.9) on at least 90% of the real test digits.
func TestShippedJudge(t *testing.T) {
	m, err := Load(Shipped)
	if err != nil {
		t.Fatal(err)
	}
	info, err := LoadInfo(Shipped)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(Shipped)
	if artifact.SHA256(raw) != info.SHA256 || len(raw) != info.Bytes {
		t.Fatalf("judge.json does not describe judge.kjdg")
	}
	test := testSet(t)
	acc := m.Accuracy(test)
	v := m.Judge(test.Images)
	t.Logf("shipped judge %s: test accuracy %.4f, confident on %.4f of the test digits, class entropy %.4f", m.Arch(), acc, v.ConfidentShare, v.ClassEntropy)
	if acc < 0.98 || math.Abs(acc-info.TestAccuracy) > 1e-9 {
		t.Errorf("test accuracy %.4f (record %.4f), want ≥ 0.98", acc, info.TestAccuracy)
	}
	if v.ConfidentShare < 0.9 {
		t.Errorf("confident on %.3f of real test digits, want ≥ 0.9", v.ConfidentShare)
	}
	if v.ClassEntropy < 0.99*math.Log(10) {
		t.Errorf("class entropy on the test set %.3f", v.ClassEntropy)
	}
	// Noise and blank images are not confidently anything.
	blank := make([]float32, 2*mnist.Pixels)
	for i := mnist.Pixels; i < len(blank); i++ {
		blank[i] = float32((i*7919)%256) / 255
	}
	if v := m.Judge(blank); v.ConfidentShare > 0.5 {
		t.Logf("note: blank/noise judged confidently: %+v", v)
	}
}

func TestFormat(t *testing.T) {
	m := &Model{Layers: []Layer{
		{In: mnist.Pixels, Out: 3, W: make([]float32, 3*mnist.Pixels), B: []float32{1, 2, 3}},
		{In: 3, Out: Classes, W: make([]float32, 3*Classes), B: make([]float32, Classes)},
	}}
	for i := range m.Layers[0].W {
		m.Layers[0].W[i] = float32(math.Sin(float64(i)))
	}
	for i := range m.Layers[1].W {
		m.Layers[1].W[i] = float32(i) / 10
	}
	raw := Marshal(m)
	back, err := Unmarshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	if back.Arch() != "784-3-10" || back.Params() != m.Params() {
		t.Fatalf("read back %s", back.Arch())
	}
	for li, l := range back.Layers {
		for o := range l.Out {
			var step float64 // the row's quantisation step
			for _, w := range m.Layers[li].W[o*l.In : (o+1)*l.In] {
				step = max(step, math.Abs(float64(w))/127)
			}
			for i := o * l.In; i < (o+1)*l.In; i++ {
				if d := math.Abs(float64(l.W[i] - m.Layers[li].W[i])); d > step/2*1.0001+1e-7 {
					t.Fatalf("layer %d weight %d moved %g (row step %g)", li, i, d, step)
				}
			}
		}
	}
	for _, bad := range []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", raw[:len(raw)/2], "CRC-32"},
		{"flipped", append(append([]byte{}, raw[:100]...), append([]byte{raw[100] ^ 1}, raw[101:]...)...), "CRC-32"},
		{"not a judge", []byte("KVAE\x01\x00\x02\x00 and more"), "not a judge file"},
	} {
		if _, err := Unmarshal(bad.data); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v, want %q", bad.name, err, bad.want)
		}
	}
}

func TestShift(t *testing.T) {
	src := make([]float32, mnist.Pixels)
	src[5*28+7] = 1
	dst := make([]float32, mnist.Pixels)
	Shift(dst, src, 2, -1)
	if dst[4*28+9] != 1 {
		t.Fatal("shift moved the pixel elsewhere")
	}
	Shift(dst, src, 28, 0)
	for _, v := range dst {
		if v != 0 {
			t.Fatal("a shift off the image left ink")
		}
	}
}
