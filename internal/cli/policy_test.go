package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"hardline.dev/hardline/internal/testenv"
)

// TestPolicies: the README's policy example on the command line, and a
// broken policy reported at its own file and line (exit 1, nothing else
// from the policies).
func TestPolicies(t *testing.T) {
	code, out, errOut := runCLI(t, "", "lint", "--profile", "baseline", "--policy", "testdata/policies/policy",
		"--data", "testdata/policies/data", "testdata/policies/input")
	if code != ExitFindings || errOut != "hardline: 2 errors, 2 warnings in 2 files\n" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	golden(t, filepath.Join("testdata", "golden", "policies.text"), out)

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.rego")
	if err := os.WriteFile(bad, []byte("package main\n\ndeny contains msg if {\n  msg := http.send({\"method\": \"get\", \"url\": \"http://127.0.0.1:9/\"})\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, "", "lint", "--format", "github", "--policy", dir, "testdata/policies/input/deploy.yaml")
	if code != ExitFindings {
		t.Errorf("exit %d, want 1", code)
	}
	want := "::error file=" + filepath.ToSlash(bad) + ",line=4,col=10,"
	if !strings.Contains(out, want) || !strings.Contains(out, "http.send is disabled: policies from a repository may not reach the network") || strings.Contains(out, "POL-") {
		t.Errorf("want HL005 at %s and no policy findings:\n%s", want, out)
	}

	// --namespace picks the packages: none of the examples is in "team".
	code, out, _ = runCLI(t, "", "lint", "--profile", "baseline", "--policy", "testdata/policies/policy",
		"--data", "testdata/policies/data", "--namespace", "team", "testdata/policies/input")
	if code != ExitOK || out != "" {
		t.Errorf("--namespace team: exit %d:\n%s", code, out)
	}

	// The config file's policies: relative to the config, with its own
	// namespace list and data.
	cfgDir := testenv.CopyTree(t, "testdata/policies")
	if err := os.WriteFile(filepath.Join(cfgDir, ".hardline.yaml"), []byte("profile: baseline\npolicies: [policy]\ndata: [data/registries.yaml]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, "", "lint", filepath.Join(cfgDir, "input"))
	if code != ExitFindings || strings.Count(out, " POL-") != 3 || !strings.Contains(out, " DOCKER-LATEST ") {
		t.Errorf("config policies: exit %d, stderr %q\n%s", code, errOut, out)
	}
}

// TestReadmePolicyExample: the README's policy example prints what the
// README says it prints.
func TestReadmePolicyExample(t *testing.T) {
	readme := string(mustReadFile(t, "README.md"))
	i := strings.Index(readme, "## Your own rules")
	if i < 0 {
		t.Fatal("README has no policy section")
	}
	section := readme[i:]
	cmdStart := strings.Index(section, "```sh\n") + len("```sh\n")
	cmdEnd := cmdStart + strings.Index(section[cmdStart:], "\n")
	command := strings.Fields(section[cmdStart:cmdEnd])
	closing := strings.Index(section[cmdEnd:], "```\n") + cmdEnd + len("```\n")
	outStart := strings.Index(section[closing:], "```\n") + closing + len("```\n")
	outEnd := outStart + strings.Index(section[outStart:], "```")
	if len(command) < 2 || command[0] != "hardline" {
		t.Fatalf("no hardline command in %q", section[cmdStart:cmdEnd])
	}
	_, out, errOut := runCLI(t, "", command[1:]...)
	if diff := cmp.Diff(section[outStart:outEnd], out+errOut); diff != "" {
		t.Errorf("README's output (-readme +actual):\n%s", diff)
	}
}
