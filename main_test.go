package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"hardline.dev/hardline/internal/cli"
)

func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestCommands: main picks the command; the commands' own tests are in
// internal/cli and lsp.
func TestCommands(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
		out  string
	}{
		{"no command", nil, cli.ExitUsage, ""},
		{"lint", []string{"lint", "testdata/examples"}, cli.ExitFindings, "KS101"},
		{"fix", []string{"fix", "testdata/examples/hardened.yaml"}, cli.ExitOK, ""},
		{"rules", []string{"rules", "KS101"}, cli.ExitOK, "## KS101 privileged-container"},
		{"pin without a path", []string{"pin"}, cli.ExitUsage, ""},
		{"unknown command", []string{"frobnicate"}, cli.ExitUsage, ""},
		{"version", []string{"version"}, cli.ExitOK, "hardline " + version},
		{"help", []string{"help"}, cli.ExitOK, "Usage:"},
		{"lsp, client gone at once", []string{"lsp", "--stdio"}, cli.ExitOK, ""},
		{"lsp with a missing config", []string{"lsp", "--config", "testdata/nope.yaml"}, cli.ExitUsage, ""},
		{"lsp with an argument", []string{"lsp", "testdata"}, cli.ExitUsage, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMain(t, tt.args...)
			if code != tt.want || !strings.Contains(out, tt.out) {
				t.Errorf("exit %d, want %d; stdout %q lacks %q (stderr %q)", code, tt.want, out, tt.out, errOut)
			}
		})
	}
}

// TestSmallRunCollects: linting one small file, package initialisation
// included, runs no collection (internal/gcpace): the libraries hardline
// links allocate ≈ 5 MB at init, and at the default pacing paid two.
func TestSmallRunCollects(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set: the user's pacing")
	}
	cmd := exec.Command(hardlineBinary(t), "lint", "--format", "text", "testdata/examples/deployment.yaml")
	cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil {
		t.Fatal("lint of testdata/examples/deployment.yaml found nothing")
	}
	if gcs := regexp.MustCompile(`(?m)^gc \d+ @.*$`).FindAllString(stderr.String(), -1); len(gcs) > 0 {
		t.Errorf("%d collections linting one small file:\n%s", len(gcs), strings.Join(gcs, "\n"))
	}
}

// TestIsTerminal: a character device that is not a terminal (/dev/null) is
// not one, nor a file or a buffer; a pseudo-terminal is, where the system
// has them.
func TestIsTerminal(t *testing.T) {
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	for name, w := range map[string]io.Writer{"/dev/null": devNull, "a file": file, "a buffer": &bytes.Buffer{}} {
		if isTerminal(w) {
			t.Errorf("%s taken for a terminal", name)
		}
	}
	if pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0); err == nil {
		defer pty.Close()
		if !isTerminal(pty) {
			t.Error("a pseudo-terminal not taken for a terminal")
		}
	}
}
