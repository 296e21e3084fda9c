package analyzer

import (
	"path/filepath"
	"testing"
)

// TestJoinPath: the walk's joins of a clean folder and an entry's name
// are filepath.Join's, which cleans; a folder as the user named it is
// cleaned too.
func TestJoinPath(t *testing.T) {
	for _, c := range []struct {
		dir   string
		clean bool
	}{
		{"/", true}, {"/a", true}, {"a/b", true}, {".", true}, {"..", true}, {"../a", true},
		{"./a/", false}, {"a//b/", false}, {"a/../b", false}, {"", false},
	} {
		if got, want := joinPath(c.dir, "x.yaml", c.clean), filepath.Join(c.dir, "x.yaml"); got != want {
			t.Errorf("joinPath(%q, clean %v) = %q, filepath.Join %q", c.dir, c.clean, got, want)
		}
	}
}
