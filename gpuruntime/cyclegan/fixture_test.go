package cyclegan

import (
	"sync"

	"github.com/gomlx/gomlx/backends"

	"github.com/kogi-course/kogi/gpuruntime/backend"
	"github.com/kogi-course/kogi/gpuruntime/mnist"
)

// fixture loads MNIST (the first 2,000 training and 500 test digits) and
// the go backend once for all tests.
var fixture = sync.OnceValues(func() (*struct {
	train, test *mnist.Set
	be          backends.Backend
}, error) {
	dir, err := mnist.Dir()
	if err != nil {
		return nil, err
	}
	tr, te, err := mnist.Load(dir)
	if err != nil {
		return nil, err
	}
	be, err := backend.New("go")
	if err != nil {
		return nil, err
	}
	return &struct {
		train, test *mnist.Set
		be          backends.Backend
	}{tr.Subset(2000), te.Subset(500), be}, nil
})
