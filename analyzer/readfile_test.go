package analyzer

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadLimited: files are read whole, empty ones as empty texts, those
// over the limit not at all (the document says why), and errors are the
// os package's.
func TestReadLimited(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := strings.Repeat("a: b\n", 100_000)
	for _, c := range []struct {
		path  string
		limit int64
		want  string
		skip  bool
	}{
		{write("pod.yaml", "kind: Pod\n"), 0, "kind: Pod\n", false},
		{write("empty.yaml", ""), 0, "", false},
		{write("big.yaml", big), 0, big, false},
		{filepath.Join(dir, "big.yaml"), 1000, "", true},
	} {
		var opts ParseOptions
		text, err := readLimited(c.path, c.limit, &opts)
		if err != nil || string(text) != c.want || (opts.Skip != "") != c.skip {
			t.Errorf("%s (limit %d): %d bytes, skip %q, %v", c.path, c.limit, len(text), opts.Skip, err)
		}
		if !c.skip && text == nil {
			t.Errorf("%s: a nil text reads as skipped", c.path)
		}
	}
	missing := filepath.Join(dir, "missing.yaml")
	_, err := readLimited(missing, 0, &ParseOptions{})
	if _, osErr := os.Open(missing); err == nil || !errors.Is(err, fs.ErrNotExist) || err.Error() != osErr.Error() {
		t.Errorf("missing file: %v, want %v", err, osErr)
	}
	if _, err := readLimited(dir, 0, &ParseOptions{}); err == nil {
		t.Error("a folder read as a file")
	}
}
