// Package testenv locates the test data that lives outside the
// repository: ../shared, the corpus of real-world manifests, charts and
// Dockerfiles that sits beside a checkout on the project's machines but
// not in a contributor's fresh clone. Tests that need it skip with one
// line naming the folder when it is absent, and fail instead when
// HARDLINE_REQUIRE_CORPUS is set (.ci/run sets it), so CI never passes by
// skipping them.
package testenv

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// RequireEnv, when set to a non-empty value, turns a missing ../shared
// into a test failure.
const RequireEnv = "HARDLINE_REQUIRE_CORPUS"

// SharedEnv overrides where ../shared is looked for.
const SharedEnv = "HARDLINE_SHARED"

// Dir returns the folder sub of ../shared (e.g. "corpus/k8s"). When it is
// absent, the test is skipped, or fails when RequireEnv is set.
func Dir(tb testing.TB, sub string) string {
	tb.Helper()
	dir, ok := find(sub)
	if !ok {
		fail(tb, dir)
		tb.Skipf(absent, dir)
	}
	return dir
}

// Optional returns the folder sub of ../shared, or "" when it is absent:
// for tests that also run without it (fuzz seeds), which log one line
// then, and fail when RequireEnv is set.
func Optional(tb testing.TB, sub string) string {
	tb.Helper()
	dir, ok := find(sub)
	if !ok {
		fail(tb, dir)
		tb.Logf(absent, dir)
		return ""
	}
	return dir
}

// Required tells whether CI asked for every test on ../shared to run.
func Required() bool { return os.Getenv(RequireEnv) != "" }

const absent = "%s is not beside the repository: skipping what needs it (README, Development)"

func fail(tb testing.TB, dir string) {
	tb.Helper()
	if Required() {
		tb.Fatalf("%s is missing and %s is set: CI runs every test on the shared corpus", dir, RequireEnv)
	}
}

// find resolves sub under $HARDLINE_SHARED, else under the folder shared
// beside the module root; dir is where it was looked for.
func find(sub string) (dir string, ok bool) {
	base := os.Getenv(SharedEnv)
	if base == "" {
		base = filepath.Join(moduleRoot(), "..", "shared")
	}
	dir = filepath.Clean(filepath.Join(base, filepath.FromSlash(sub)))
	info, err := os.Stat(dir)
	return dir, err == nil && info.IsDir()
}

// moduleRoot is the folder holding go.mod above the working directory
// (go test runs each package in its own folder).
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// CopyTree copies src into a new temporary folder: tests never write into
// ../shared.
func CopyTree(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// FuzzSlowEnv, set by scripts/fuzz.sh to a duration such as "2s", makes a
// fuzz input that takes longer a failure: inputs are small, so that is
// super-linear work an attacker can scale up, and the fuzzer keeps it as a
// crasher. Plain `go test` replays the seeds without it: a busy machine
// must not fail CI by chance (a real hang still ends in go test's
// -timeout, with every goroutine's stack).
const FuzzSlowEnv = "HARDLINE_FUZZ_SLOW"

// FuzzSlow is the limit FuzzSlowEnv sets, or 0 for none.
func FuzzSlow() time.Duration {
	d, err := time.ParseDuration(os.Getenv(FuzzSlowEnv))
	if err != nil {
		return 0
	}
	return d
}

// SlowGuard fails an input that takes longer than FuzzSlow. Use:
// defer testenv.SlowGuard(t, input)().
func SlowGuard(t testing.TB, input []byte) func() {
	limit := FuzzSlow()
	if limit == 0 {
		return func() {}
	}
	start := time.Now()
	return func() {
		if d := time.Since(start); d > limit {
			t.Fatalf("%d-byte input took %v (over %s=%v):\n%q", len(input), d, FuzzSlowEnv, limit, input)
		}
	}
}

// Golden compares got with the golden file at path, or (update, the
// tests' -update flag) writes it there.
func Golden(tb testing.TB, path, got string, update bool) {
	tb.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run the test with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		tb.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}
