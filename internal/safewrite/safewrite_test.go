package safewrite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRefusesChangedFile: a file edited between read and write is left
// alone.
func TestRefusesChangedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pod.yaml")
	if err := os.WriteFile(path, []byte("edited meanwhile\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(path, []byte("as read\n"), []byte("fixed\n"))
	if err == nil || !strings.Contains(err.Error(), "changed since it was read") {
		t.Errorf("err = %v", err)
	}
	if text, _ := os.ReadFile(path); string(text) != "edited meanwhile\n" {
		t.Errorf("file overwritten: %q", text)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*hardline-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestWriteKeepsMode: the replacement has the original's permissions.
func TestWriteKeepsMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pod.yaml")
	if err := os.WriteFile(path, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, []byte("old\n"), []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if text, _ := os.ReadFile(path); string(text) != "new\n" || info.Mode().Perm() != 0o640 {
		t.Errorf("text %q, mode %v; want \"new\\n\", -rw-r-----", text, info.Mode().Perm())
	}
}

// TestTarget: a symlink resolves to its target only inside the link's
// folder tree, unless follow allows it.
func TestTarget(t *testing.T) {
	root := t.TempDir()
	inside := filepath.Join(root, "repo", "real.yaml")
	outside := filepath.Join(root, "elsewhere.yaml")
	for _, p := range []string{inside, outside} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	linkIn, linkOut := filepath.Join(root, "repo", "in.yaml"), filepath.Join(root, "repo", "out.yaml")
	if err := os.Symlink(inside, linkIn); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := os.Symlink(outside, linkOut); err != nil {
		t.Fatal(err)
	}
	resolved := func(p string) string { r, _ := filepath.EvalSymlinks(p); return r }
	if got, err := Target(linkIn, false); err != nil || got != resolved(inside) {
		t.Errorf("link inside: %q, %v", got, err)
	}
	if got, err := Target(linkOut, false); err == nil || !strings.Contains(err.Error(), "outside its folder") {
		t.Errorf("link outside: %q, %v", got, err)
	}
	if got, err := Target(linkOut, true); err != nil || got != resolved(outside) {
		t.Errorf("link outside with follow: %q, %v", got, err)
	}
	if got, err := Target(inside, false); err != nil || got != inside {
		t.Errorf("plain file: %q, %v", got, err)
	}
}
