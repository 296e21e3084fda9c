package main

import (
	"bytes"
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
