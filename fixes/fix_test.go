package fixes

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestApply(t *testing.T) {
	text := []byte("0123456789")
	got, err := Apply(text, []TextEdit{{8, 9, "X"}, {2, 4, ""}, {5, 5, "ins"}})
	if err != nil || string(got) != "014ins567X9" {
		t.Errorf("Apply = %q, %v", got, err)
	}
	for _, bad := range [][]TextEdit{
		{{2, 5, "a"}, {4, 6, "b"}}, // overlapping
		{{3, 3, "a"}, {3, 3, "b"}}, // two insertions at one place
		{{2, 6, "a"}, {4, 4, "b"}}, // an insertion inside a replacement
	} {
		if _, err := Apply(text, bad); !errors.Is(err, ErrOverlap) {
			t.Errorf("Apply(%v) err = %v, want ErrOverlap", bad, err)
		}
		if !Overlap(bad[:1], bad[1:]) {
			t.Errorf("Overlap(%v) = false", bad)
		}
	}
	if Overlap([]TextEdit{{0, 2, "a"}}, []TextEdit{{2, 4, "b"}}) {
		t.Error("adjacent edits overlap")
	}
	if _, err := Apply(text, []TextEdit{{5, 11, ""}}); err == nil {
		t.Error("an edit past the end was applied")
	}
}

// TestDisjoint: the set answers as Overlap over all the edits added to it,
// whatever they are: random edit sets (insertions, replacements, equal
// starts), chosen as a fix-all round chooses, and a set tangled by edits
// that conflict with each other.
func TestDisjoint(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	edits := func() []TextEdit {
		out := make([]TextEdit, 1+r.IntN(3))
		for i := range out {
			start := r.IntN(200)
			out[i] = TextEdit{Start: start, End: start + r.IntN(4)*r.IntN(2)}
		}
		return out
	}
	checked, tangled := 0, 0
	for range 300 {
		var set Disjoint
		var all []TextEdit
		for range 60 {
			e := edits()
			if got, want := set.Overlaps(e), Overlap(all, e); got != want {
				t.Fatalf("Overlaps(%v) = %v, want %v; the set holds %v", e, got, want, all)
			}
			checked++
			// As fix-all: take what does not overlap, and sometimes what
			// does, to tangle the set.
			if !Overlap(all, e) || r.IntN(20) == 0 {
				set.Add(e)
				all = append(all, e...)
			}
		}
		if set.tangled {
			tangled++
		}
	}
	if tangled == 0 || tangled == 300 {
		t.Fatalf("%d of 300 sets tangled: both kinds must be checked", tangled)
	}
	t.Logf("%d questions, %d tangled sets", checked, tangled)
}

// TestJoiner: joining edit sets one after another gives what Merge gives
// (the same edits, the same errors, nothing changed by a failed join), on
// random insertions of YAML lines at a few offsets — which join or clash —
// and replacements, tangled starts included.
func TestJoiner(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	lines := []string{"\n  a: 1", "\n  b: 2", "\n  a: 3", "\n  c:\n    d: 4", "\n  c:\n    e: 5", ", x: 1"}
	edits := func() []TextEdit {
		out := make([]TextEdit, 1+r.IntN(2))
		for i := range out {
			start := 10 * r.IntN(8)
			if r.IntN(4) == 0 {
				out[i] = TextEdit{Start: start, End: start + 1 + r.IntN(15), NewText: "r"}
			} else {
				out[i] = TextEdit{Start: start, End: start, NewText: lines[r.IntN(len(lines))]}
			}
		}
		return out
	}
	joins, failures := 0, 0
	for range 400 {
		first := edits()
		j, merged := NewJoiner(first), append([]TextEdit(nil), first...)
		for range 12 {
			more := edits()
			want, wantErr := Merge(merged, more)
			before := append([]TextEdit(nil), j.Edits()...)
			err := j.Join(more)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("Join(%v) onto %v: %v, Merge: %v", more, before, err, wantErr)
			}
			if err != nil {
				failures++
				if !slices.Equal(j.Edits(), before) {
					t.Fatalf("a failed join changed the edits: %v -> %v", before, j.Edits())
				}
				continue
			}
			joins++
			merged = want
			if got := Sorted(j.Edits()); !slices.Equal(got, Sorted(want)) {
				t.Fatalf("Join(%v) onto %v = %v, Merge: %v", more, before, got, Sorted(want))
			}
		}
	}
	if joins == 0 || failures == 0 {
		t.Fatalf("%d joins, %d failures: both must be checked", joins, failures)
	}
}

func TestUnified(t *testing.T) {
	a := []byte("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n")
	b := []byte("a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn")
	want := "--- x\n+++ y\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -11,3 +11,4 @@\n k\n l\n m\n+n\n\\ No newline at end of file\n"
	if diff := cmp.Diff(want, Unified("x", "y", a, b)); diff != "" {
		t.Errorf("Unified (-want +got):\n%s", diff)
	}
	if Unified("x", "y", a, a) != "" {
		t.Error("equal texts gave a diff")
	}
}

// TestDiffLarge: a fix of every finding of a large file changes lines all
// over it. The diff must stay small in memory (an exact table of the whole
// middle would take gigabytes), give both texts back, and stay minimal
// where lines anchor it; texts with nothing to anchor on get a correct
// diff.
func TestDiffLarge(t *testing.T) {
	var a, b strings.Builder
	changed := 0
	for i := range 40000 {
		fmt.Fprintf(&a, "  name: app-%d\n  image: x\n", i)
		fmt.Fprintf(&b, "  name: app-%d\n  image: x\n", i)
		if i%3 == 0 {
			b.WriteString("  securityContext: {}\n")
			changed++
		}
	}
	repeated := strings.Repeat("same\n", 3000)
	for _, tc := range []struct {
		name       string
		a, b       string
		wantChange int // lines added or removed; 0: not checked
	}{
		{"anchored", a.String(), b.String(), changed},
		{"nothing to anchor on", repeated + "x\n" + repeated, "y\n" + repeated + repeated + "z\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			change, alloc := checkDiff(t, tc.a, tc.b)
			if alloc > 64<<20 {
				t.Errorf("the diff allocated %d MB", alloc>>20)
			}
			if tc.wantChange > 0 && change != tc.wantChange {
				t.Errorf("%d lines changed, want %d", change, tc.wantChange)
			}
		})
	}
}

// FuzzDiff: any two texts get a diff that gives both back, in order. The
// exact table's limit is lowered so that small inputs are split at anchors
// too.
func FuzzDiff(f *testing.F) {
	f.Add("a\nb\nc\nd\n", "a\nc\nb\nd\n")
	f.Add("x\ny\nx\ny\n", "y\nx\ny\n")
	f.Add("k: 1\nv: 2\n", "k: 1\nw: 0\nv: 2")
	f.Add("same\nsame\nsame\n", "other\nsame\n")
	defer func(limit int) { maxLCSCells = limit }(maxLCSCells)
	maxLCSCells = 4
	f.Fuzz(func(t *testing.T, a, b string) {
		checkDiff(t, a, b)
	})
}

// checkDiff diffs a and b by lines, checks that the ops go forward and
// give both texts back, and returns how many lines they add or remove and
// the bytes the diff allocated.
func checkDiff(t *testing.T, a, b string) (changed int, alloc uint64) {
	t.Helper()
	la, lb := splitLines([]byte(a)), splitLines([]byte(b))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ops := diffLines(la, lb)
	runtime.ReadMemStats(&after)
	var gotA, gotB strings.Builder
	for k, op := range ops {
		if k > 0 && (op.a < ops[k-1].a || op.b < ops[k-1].b) {
			t.Fatalf("op %d goes back: %+v after %+v", k, op, ops[k-1])
		}
		if op.kind != '+' {
			gotA.WriteString(op.text)
		}
		if op.kind != '-' {
			gotB.WriteString(op.text)
		}
		if op.kind != ' ' {
			changed++
		}
	}
	if gotA.String() != a || gotB.String() != b {
		t.Fatalf("the diff does not give the texts back:\n%q\n%q", a, b)
	}
	return changed, after.TotalAlloc - before.TotalAlloc
}

func TestMinimal(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           TextEdit
	}{
		{"insert", "a: 1\nb: 2\n", "a: 1\nx: 0\nb: 2\n", TextEdit{Start: 5, End: 5, NewText: "x: 0\n"}},
		{"replace a word", "privileged: true\n", "privileged: false\n", TextEdit{Start: 12, End: 15, NewText: "fals"}},
		{"equal", "same", "same", TextEdit{Start: 4, End: 4}},
		// "é" (c3 a9) and "è" (c3 a8) share their first byte: the edit
		// starts at the character, not inside it.
		{"no split UTF-8", "café\n", "cafè\n", TextEdit{Start: 3, End: 5, NewText: "è"}},
		// Inserting a line before another in a CRLF file: the common
		// prefix ends between \r and \n; the edit must not start there.
		{"no split CRLF", "a\r\nb\r\n", "a\r\nx\r\nb\r\n", TextEdit{Start: 3, End: 3, NewText: "x\r\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Minimal([]byte(tt.old), []byte(tt.new))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			out, err := Apply([]byte(tt.old), []TextEdit{got})
			if err != nil || string(out) != tt.new {
				t.Errorf("applying gives %q, %v", out, err)
			}
		})
	}
}

func TestJoin(t *testing.T) {
	got, err := Join(TextEdit{5, 5, "a"}, TextEdit{1, 2, "x"}, TextEdit{5, 5, "b"})
	if diff := cmp.Diff([]TextEdit{{1, 2, "x"}, {5, 5, "ab"}}, got); err != nil || diff != "" {
		t.Errorf("Join: %v (-want +got):\n%s", err, diff)
	}
	if _, err := Join(TextEdit{2, 5, "a"}, TextEdit{3, 3, "b"}); !errors.Is(err, ErrOverlap) {
		t.Errorf("Join of an insertion inside a replacement: err = %v, want ErrOverlap", err)
	}
}

func TestJoinInsertionsShareBlockKeys(t *testing.T) {
	for _, tt := range []struct {
		name, a, b, want string // want "" for ErrOverlap
	}{
		{"line break first", "\n  sc:\n    a: 1", "\n  sc:\n    caps:\n      drop:\n      - ALL",
			"\n  sc:\n    a: 1\n    caps:\n      drop:\n      - ALL"},
		{"line break last", "sc:\n  a: 1\n", "sc:\n  b:\n    c: 2\n", "sc:\n  a: 1\n  b:\n    c: 2\n"},
		{"CRLF", "\r\n  sc:\r\n    a: 1", "\r\n  sc:\r\n    b: 2", "\r\n  sc:\r\n    a: 1\r\n    b: 2"},
		{"different keys", "\n  sc:\n    a: 1", "\n  res:\n    b: 2", "\n  sc:\n    a: 1\n  res:\n    b: 2"},
		{"one begins the other", "\n  sc:\n    a: 1", "\n  sc:\n    a: 1\n  mounts:\n  - name: tmp", "\n  sc:\n    a: 1\n  mounts:\n  - name: tmp"},
		{"same key twice", "\n  sc:\n    a: 1", "\n  sc:\n    a: 2", ""},
		{"already there", "\n  a: 1\n  caps:\n    drop:\n    - ALL\n  ro: true", "\n  ro: true\n  m:\n  - x",
			"\n  a: 1\n  caps:\n    drop:\n    - ALL\n  ro: true\n  m:\n  - x"},
		{"sequences differ", "\n  drop:\n  - ALL", "\n  drop:\n  - NET_RAW", ""},
		{"flow", ", sc: {a: 1}", ", res: {b: 2}", ", sc: {a: 1}, res: {b: 2}"},
		{"flow, same key", ", sc: {a: 1}", ", sc: {b: 2}", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Join(TextEdit{3, 3, tt.a}, TextEdit{3, 3, tt.b})
			if tt.want == "" {
				if !errors.Is(err, ErrOverlap) {
					t.Errorf("got %v, %v; want ErrOverlap", got, err)
				}
				return
			}
			if err != nil || len(got) != 1 || got[0].NewText != tt.want {
				t.Errorf("got %v, %v; want %q", got, err, tt.want)
			}
		})
	}
}
