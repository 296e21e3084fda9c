package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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

// TestRenderedSources: rendered input piped in names its sources (helm
// template's `# Source:` comments, kustomize's origin annotation) in the
// text, JSON and SARIF outputs.
func TestRenderedSources(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("testdata", "rendered", "stdin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, out, _ := runCLI(t, string(text), "lint", "--profile", "baseline", "-")
	golden(t, filepath.Join("testdata", "golden", "rendered.text"), out)

	_, out, _ = runCLI(t, string(text), "lint", "--profile", "baseline", "--format", "json", "-")
	var rep struct {
		Findings []struct {
			Rule   string
			Source *struct{ Path string }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, f := range rep.Findings {
		if f.Source != nil {
			sources = append(sources, f.Source.Path)
		}
	}
	if diff := cmp.Diff([]string{"web/templates/deployment.yaml", "base/pod.yaml"}, sources); diff != "" {
		t.Errorf("JSON sources (-want +got):\n%s", diff)
	}

	_, out, _ = runCLI(t, string(text), "lint", "--profile", "baseline", "--format", "sarif", "-")
	if strings.Count(out, `"source":{`) != 2 || !strings.Contains(out, `"path":"web/templates/deployment.yaml"`) {
		t.Errorf("SARIF lacks the sources:\n%.2000s", out)
	}
}
