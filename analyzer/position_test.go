package analyzer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLinesRelease: released lines read their file again at the first use
// and convert as before; a file that changed in between is an error, not
// positions on other lines.
func TestLinesRelease(t *testing.T) {
	text := []byte("a: 1\r\nb: é\nc: [x]\n")
	path := filepath.Join(t.TempDir(), "a.yaml")
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	kept, released := NewLines(text), NewLines(text)
	released.Release(path)
	if released.text != nil || released.starts != nil {
		t.Fatal("Release kept the text")
	}
	for off := range len(text) + 1 {
		if diff := cmp.Diff(kept.Position(off), released.Position(off)); diff != "" {
			t.Fatalf("offset %d: %s", off, diff)
		}
	}
	if diff := cmp.Diff(string(kept.Bytes()), string(released.Bytes())); diff != "" || released.Err() != nil {
		t.Fatalf("%v %s", released.Err(), diff)
	}

	changed := NewLines(text)
	changed.Release(path)
	if err := os.WriteFile(path, []byte("a: 2\r\nb: é\nc: [x]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := changed.Err(); err == nil || !strings.Contains(err.Error(), "changed while hardline read it") {
		t.Fatalf("a changed file: %v", err)
	}
	if changed.Count() != 1 || len(changed.Bytes()) != 0 {
		t.Errorf("a changed file's lines are not empty: %d lines", changed.Count())
	}

	gone := NewLines(text)
	gone.Release(filepath.Join(t.TempDir(), "missing.yaml"))
	if gone.Err() == nil {
		t.Error("a file that cannot be read again: no error")
	}
}

// TestRunSetReportsChangedFile: set findings on a file that changed
// before RunSet read it again are missing, and the run says so.
func TestRunSetReportsChangedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.yaml")
	text := []byte("kind: Pod\n")
	if err := os.WriteFile(path, append(text, '#'), 0o644); err != nil {
		t.Fatal(err)
	}
	lines := NewLines(text)
	lines.Release(path) // released with other content than the file's
	rule := &Rule{Code: "XX001", Phase: SetPhase, CheckSet: func(p *SetPass) {
		for _, f := range p.Facts {
			p.Report(f.Value.(Location), Finding{Message: "m"})
		}
	}}
	e := NewEngine([]*Rule{rule})
	cfg := DefaultConfig()
	got := e.RunSet(t.Context(), []Fact{{Rule: rule, Value: Location{Path: path, Start: 0, End: 4, Lines: lines}}}, func(string) *Config { return &cfg })
	if len(got) != 1 || got[0].Err == nil || len(got[0].Findings) != 0 {
		t.Fatalf("want one result with an error, got %+v", got)
	}
}
