package gcpace

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestPacing: Start paces the collector for a small heap, and gives the
// default pacing back once the live heap is large; GOGC or GOMEMLIMIT set
// by the user win.
func TestPacing(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "150")
	debug.SetMemoryLimit(math.MaxInt64)
	Start()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("with GOGC set, the memory limit became %d", got)
	}

	t.Setenv("GOGC", "")
	Start()
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Fatalf("memory limit %d, want %d", got, limit)
	}
	if got := debug.SetGCPercent(percent); got != percent {
		t.Fatalf("GOGC %d, want %d", got, percent)
	}
	// A live heap over release: after a collection, the default pacing.
	keep := make([]byte, release+8<<20)
	for i := range keep {
		keep[i] = byte(i)
	}
	// The pacing is given back by a cleanup after a collection, on the
	// cleanup goroutine: collections are counted, not time.
	for gcs := 0; debug.SetMemoryLimit(-1) != math.MaxInt64; gcs++ {
		if gcs == 1000 {
			t.Fatal("the memory limit stayed with a large live heap, 1,000 collections on")
		}
		runtime.GC()
		time.Sleep(time.Millisecond) // the cleanup goroutine runs
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC %d after release, want 100", got)
	}
	runtime.KeepAlive(keep)
}
