package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStdinLimit: standard input is read only up to limits.maxFileBytes
// (one byte more, to know it is over), and is then skipped like a file.
func TestStdinLimit(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "tiny.yaml")
	if err := os.WriteFile(cfg, []byte("limits: {maxFileBytes: 64}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, errOut := runCLI(t, privilegedPod, "lint", "--config", cfg, "--stdin-filename", "pod.yaml", "-")
	if !strings.Contains(out, "pod.yaml:1:1: info HL003 file-skipped: standard input over limits.maxFileBytes (64 bytes): not analyzed") || strings.Contains(out, "KS101") {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
}
