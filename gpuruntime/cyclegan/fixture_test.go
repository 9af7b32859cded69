package cyclegan

import (
	"testing"

	"github.com/gomlx/gomlx/backends"

	"github.com/kogi-course/kogi/gpuruntime/internal/fixture"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
)

type testSets struct {
	train, test *mnist.Set
	be          backends.Backend
}

// testData is the first 2,000 training and 500 test digits and the go
// backend, shared by the tests.
func testData(t *testing.T) testSets {
	t.Helper()
	train, test := fixture.MNIST(t)
	return testSets{train.Subset(2000), test.Subset(500), fixture.Backend(t)}
}
