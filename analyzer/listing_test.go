package analyzer_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"hardline.dev/hardline/analyzer"
)

// TestListing: what Discover's walk saw answers for the folders it read
// — what is not there, what is a folder — and nothing else: folders it
// did not read, links, and names that differ only in case (a
// case-insensitive file system finds those) are left to the file system.
func TestListing(t *testing.T) {
	dir := t.TempDir()
	for path, text := range map[string]string{
		"app/pod.yaml":      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
		"app/chart.yaml":    "name: lower-case\n",
		"app/sub/.keep":     "",
		"ignored/pod.yaml":  "apiVersion: v1\nkind: Pod\nmetadata: {name: q}\n",
		".gitignore":        "ignored/\n",
		"app/.hardline.yml": "",
	} {
		p := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	linked := os.Symlink(filepath.Join(dir, "app", "sub"), filepath.Join(dir, "app", "link")) == nil

	var none *analyzer.Listing
	if none.Absent(filepath.Join(dir, "nothing")) {
		t.Error("a nil listing knows of no absent file")
	}
	l := analyzer.NewListing()
	files, err := analyzer.Discover([]string{dir}, analyzer.DiscoverOptions{Listing: l})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "app", ".hardline.yml"), filepath.Join(dir, "app", "chart.yaml"), filepath.Join(dir, "app", "pod.yaml")}
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("Discover (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		path   string
		absent bool
	}{
		{"app/kustomization.yaml", true},
		{"app/.hardline.yaml", true},
		{"app/pod.yaml", false},
		{"app/Chart.yaml", false}, // chart.yaml is there
		{"app/sub", false},
		{"app/sub/Chart.yaml", true},
		{"Chart.yaml", true},
		{"ignored/Chart.yaml", false}, // not walked
		{"../Chart.yaml", false},      // above the walk
	} {
		if got := l.Absent(filepath.Join(dir, c.path)); got != c.absent {
			t.Errorf("Absent(%s) = %v, want %v", c.path, got, c.absent)
		}
	}
	for path, want := range map[string]bool{"app/pod.yaml": true, "app/kustomization.yaml": false, "ignored/pod.yaml": true, "ignored/x": false} {
		if got := l.Exists(filepath.Join(dir, path)); got != want {
			t.Errorf("Exists(%s) = %v, want %v", path, got, want)
		}
	}
	for _, c := range []struct {
		path         string
		isDir, known bool
	}{
		{"app", true, true},
		{"app/sub", true, true},
		{"app/pod.yaml", false, true},
		{"app/missing.yaml", false, false},
		{"ignored/pod.yaml", false, false},
	} {
		if isDir, known := l.IsDir(filepath.Join(dir, c.path)); isDir != c.isDir || known != c.known {
			t.Errorf("IsDir(%s) = %v, %v; want %v, %v", c.path, isDir, known, c.isDir, c.known)
		}
	}
	if linked {
		if _, known := l.IsDir(filepath.Join(dir, "app", "link")); known {
			t.Error("IsDir of a link: known, but a link is left to the file system")
		}
	}
	// A relative path names the same folder.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if rel, err := filepath.Rel(wd, filepath.Join(dir, "app", "kustomization.yaml")); err == nil && !l.Absent(rel) {
		t.Errorf("Absent(%s), relative: false", rel)
	}
}
