package judge

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kogi-course/kogi/gpuruntime/artifact"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
)

// Info is the judge's record, written beside the weights as NAME.json.
type Info struct {
	File          string  `json:"file"`
	Architecture  string  `json:"architecture"`
	Params        int     `json:"params"`
	Epochs        int     `json:"epochs"`
	Recipe        string  `json:"recipe"`
	TestAccuracy  float64 `json:"test_accuracy"`     // of the shipped (int8) weights
	TestAccF32    float64 `json:"test_accuracy_f32"` // float32 weights as trained
	TestConfident float64 `json:"test_confident_share"`
	Seconds       float64 `json:"seconds"`
	Backend       string  `json:"backend"`
	Device        string  `json:"device"`
	GitCommit     string  `json:"git_commit"`
	Bytes         int     `json:"bytes"`
	SHA256        string  `json:"sha256"`
}

// Export quantises m, checks the shipped file's accuracy on test and writes
// the file and its record (path with .json in place of the extension).
func Export(m *Model, test *mnist.Set, path string, info Info) (*Info, error) {
	raw := Marshal(m)
	shipped, err := Unmarshal(raw)
	if err != nil {
		return nil, fmt.Errorf("reading back %s: %w", path, err)
	}
	info.File = filepath.Base(path)
	info.Architecture, info.Params = shipped.Arch(), shipped.Params()
	info.TestAccF32 = m.Accuracy(test)
	info.TestAccuracy = shipped.Accuracy(test)
	info.TestConfident = shipped.Judge(test.Images).ConfidentShare
	info.Bytes, info.SHA256 = len(raw), artifact.SHA256(raw)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	if err := artifact.WriteAtomic(path, raw); err != nil {
		return nil, err
	}
	js, _ := json.MarshalIndent(info, "", "  ")
	if err := artifact.WriteAtomic(InfoPath(path), append(js, '\n')); err != nil {
		return nil, err
	}
	return &info, nil
}

// InfoPath is the record's path for a judge file.
func InfoPath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".json"
}

// Load reads a judge file.
func Load(path string) (*Model, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("judge: %w (train it with `go run ./gpuruntime train judge`)", err)
	}
	m, err := Unmarshal(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// LoadInfo reads the record beside a judge file.
func LoadInfo(path string) (*Info, error) {
	raw, err := os.ReadFile(InfoPath(path))
	if err != nil {
		return nil, err
	}
	var info Info
	if err := json.Unmarshal(raw, &info); err != nil {
		return nil, fmt.Errorf("%s: %w", InfoPath(path), err)
	}
	return &info, nil
}
