package analyzer

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Parallel runs work(0..n-1) on up to GOMAXPROCS goroutines and returns
// when all are done: the files of a run, the charts of a run, the fix
// verifications of one file are independent. Results go into slots
// indexed by i, so their order is the inputs'.
func Parallel(n int, work func(int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			work(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				work(i)
			}
		})
	}
	wg.Wait()
}
