// Package gcpace paces the garbage collector of the process's start-up and
// of a batch run (lint, fix).
// A run over a repository allocates several times what it keeps: each file's
// trees die when the file is done. With the default pacing (GOGC=100) the
// collector runs whenever the heap doubles, and while the heap is small that
// is often: over the corpus, a sixth of the CPU time. Batch runs collect when
// the heap grows ninefold, within a memory limit that keeps the peak near where
// the default pacing would have it; once the live heap is large (a large input
// keeps much alive), a limit would make the collector run all the time, so
// a middle pacing takes over, and the default pacing once the live heap is
// very large.
package gcpace

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

const (
	// percent is GOGC while the heap is small: the limit, more than
	// growth, says when to collect. Over the corpus, GOGC 800 is two
	// collections after start-up where 400 made three.
	percent = 800
	// limit bounds the heap while it is. 96 MiB rather than 72 (about
	// the default pacing's peak) is 4 % less wall time over the corpus for
	// 10 MB more peak RSS (≈ 120 MB; the target is 150). 128 MiB took the
	// corpus one collection lower and 2-4 % faster, but made SARIF on the
	// 5,000-document file 3-10 % slower (its heap grows to the limit once
	// before its live heap is seen to be large): not worth it.
	limit = 96 << 20
	// release is the live heap from which the limit is lifted, so that
	// the collector does not run for a few free bytes below it: 48 MiB,
	// under which a run over many files stays (the corpus: 15-32 MB) and
	// over which one large file's trees, findings and fixes go (SARIF of
	// 5,000 documents: 60-90 MB).
	release = 48 << 20
	// middle is GOGC while the live heap is between release and large: a
	// file of thousands of documents keeps its trees, findings and fixes
	// (SARIF: 60-90 MB) and would collect twice more at the default for
	// no less peak RSS (the log's writing peaks above); past large (60,000
	// Pods), the default.
	middle = 200
	large  = 256 << 20
)

// init paces the start-up of the binary that links this package: the
// libraries hardline links allocate ≈ 5 MB in their package init, over the
// collector's first goal (4 MB), which cost two collections of memory that
// stays live — with their write barriers and mark workers, ≈ 5 of the 20 ms
// of CPU that linting one small file took.
// Packages are initialised in import-path order as soon as their imports
// are, and this one's few imports put it ahead of most of that. The
// command then sets its own pacing: Start, or Default.
func init() {
	if !userSet() {
		debug.SetGCPercent(percent)
	}
}

// userSet tells whether GOGC or GOMEMLIMIT says how to collect.
func userSet() bool {
	return os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != ""
}

// Start paces the collector for a batch run, unless GOGC or GOMEMLIMIT says
// how it should.
func Start() {
	if userSet() {
		return
	}
	debug.SetGCPercent(percent)
	debug.SetMemoryLimit(limit)
	watch()
}

// Default gives the default pacing back after start-up, for the commands
// that are not batch runs: the language server runs for hours.
func Default() {
	if !userSet() {
		debug.SetGCPercent(100)
	}
}

// watch looks at the live heap after the next collection: the cleanup of
// an object that nothing references runs once a cycle has freed it.
func watch() {
	runtime.AddCleanup(new(sentinel), func(struct{}) { after() }, struct{}{})
}

// sentinel is large enough not to share a tiny allocation block, whose
// objects are freed together.
type sentinel [16]byte

func after() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	live := uint64(0)
	if sample[0].Value.Kind() == metrics.KindUint64 {
		live = sample[0].Value.Uint64()
	}
	switch {
	case live > large:
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		return
	case live > release:
		debug.SetGCPercent(middle)
		debug.SetMemoryLimit(math.MaxInt64)
	}
	watch()
}
