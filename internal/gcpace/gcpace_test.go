package gcpace

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// TestStartUp: the package's init paces the start-up (it runs before the
// tests), and Default gives the default pacing back; GOGC set by the user
// wins over both. (SetGCPercent says what GOGC was: the runtime metric is
// read from statistics that a collection refreshes.)
func TestStartUp(t *testing.T) {
	afterInit := debug.SetGCPercent(percent)
	defer debug.SetGCPercent(afterInit)
	if userSet() {
		t.Skip("GOGC or GOMEMLIMIT is set: the user's pacing")
	}
	if afterInit != percent {
		t.Fatalf("GOGC %d after init, want %d", afterInit, percent)
	}
	Default()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GOGC %d after Default, want 100", got)
	}
	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150)
	Default()
	if got := debug.SetGCPercent(150); got != 150 {
		t.Fatalf("with GOGC=150 set, Default made GOGC %d", got)
	}
}

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
	// A live heap over release: after a collection, a GOGC of middle
	// without a limit; over large, the default pacing.
	keep := grow(nil, release+8<<20)
	collectUntil(t, func() bool { return gogc() == middle && memoryLimit() == math.MaxInt64 })
	keep = grow(keep, large+8<<20)
	collectUntil(t, func() bool { return gogc() == 100 })
	if got := memoryLimit(); got != math.MaxInt64 {
		t.Errorf("memory limit %d after release, want none", got)
	}
	runtime.KeepAlive(keep)
}

// grow extends b to n bytes, each written: live heap.
func grow(b []byte, n int) []byte {
	for len(b) < n {
		b = append(b, byte(len(b)))
	}
	return b
}

// collectUntil collects until done holds: the pacing changes in a cleanup
// after a collection, on the cleanup goroutine, so collections are counted,
// not time.
func collectUntil(t *testing.T, done func() bool) {
	t.Helper()
	for gcs := 0; !done(); gcs++ {
		if gcs == 1000 {
			t.Fatalf("1,000 collections on, GOGC is %d and the memory limit %d", gogc(), memoryLimit())
		}
		runtime.GC()
		time.Sleep(time.Millisecond) // the cleanup goroutine runs
	}
}

func gogc() int64 { return readMetric("/gc/gogc:percent") }

func memoryLimit() int64 { return readMetric("/gc/gomemlimit:bytes") }

func readMetric(name string) int64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}
