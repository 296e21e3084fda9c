package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWriteKeepsOwner(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("changing a file's owner needs root")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "pod.yaml")
	if err := os.WriteFile(path, []byte(plainPod), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 4242, 4343); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "", "fix", "--write", "--unsafe", path); code == ExitUsage {
		t.Fatalf("fix --write: %s", errOut)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	if st.Uid != 4242 || st.Gid != 4343 || info.Mode().Perm() != 0o640 {
		t.Errorf("after fix --write: owner %d:%d, mode %v; want 4242:4343, -rw-r-----", st.Uid, st.Gid, info.Mode().Perm())
	}
	if text, _ := os.ReadFile(path); !strings.Contains(string(text), "allowPrivilegeEscalation: false") {
		t.Errorf("not fixed:\n%s", text)
	}
}

func TestWriteThroughSymlinks(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"tree/real", "outside"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(rel string) string {
		p := filepath.Join(dir, rel)
		if err := os.WriteFile(p, []byte(plainPod), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inside, outside := write("tree/real/pod.yaml"), write("outside/pod.yaml")
	linkIn, linkOut := filepath.Join(dir, "tree", "in.yaml"), filepath.Join(dir, "tree", "out.yaml")
	if err := os.Symlink(filepath.Join("real", "pod.yaml"), linkIn); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, linkOut); err != nil {
		t.Fatal(err)
	}
	fixed := func(p string) bool {
		text, _ := os.ReadFile(p)
		return strings.Contains(string(text), "allowPrivilegeEscalation: false")
	}
	isLink := func(p string) bool {
		info, err := os.Lstat(p)
		return err == nil && info.Mode()&os.ModeSymlink != 0
	}

	// Inside its folder: written through, the link stays a link.
	if code, _, errOut := runCLI(t, "", "fix", "--write", linkIn); code == ExitUsage {
		t.Fatalf("inside: %s", errOut)
	}
	if !fixed(inside) || !isLink(linkIn) {
		t.Errorf("inside: target fixed %v, still a link %v", fixed(inside), isLink(linkIn))
	}

	// Outside: refused, nothing written.
	code, _, errOut := runCLI(t, "", "fix", "--write", linkOut)
	if code != ExitUsage || !strings.Contains(errOut, "outside its folder: not writing there (--follow-symlinks allows it)") {
		t.Errorf("outside: exit %d, stderr %q", code, errOut)
	}
	if fixed(outside) || !isLink(linkOut) {
		t.Error("outside: the target was written or the link replaced")
	}

	// Asked for: written through.
	if code, _, errOut := runCLI(t, "", "fix", "--write", "--follow-symlinks", linkOut); code == ExitUsage {
		t.Fatalf("--follow-symlinks: %s", errOut)
	}
	if !fixed(outside) || !isLink(linkOut) {
		t.Errorf("--follow-symlinks: target fixed %v, still a link %v", fixed(outside), isLink(linkOut))
	}
}

func TestWriteRefusesUnparsableText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pod.yaml")
	if err := os.WriteFile(path, []byte(plainPod), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(plainPod, "  containers:", "  containers: [", 1)
	err := writeFixed(path, []byte(plainPod), []byte(broken), false)
	if err == nil || !strings.Contains(err.Error(), "would not parse; not writing it") {
		t.Errorf("error %v", err)
	}
	if text, _ := os.ReadFile(path); string(text) != plainPod {
		t.Error("the file was written")
	}
}
