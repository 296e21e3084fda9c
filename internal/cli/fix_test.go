package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"hardline.dev/hardline/internal/testenv"
)

func TestFixCommand(t *testing.T) {
	dir := writeFiles(t, map[string]string{"pod.yaml": plainPod, "Dockerfile": "FROM alpine:3.20\nCMD [\"sh\"]\n"})
	pod := filepath.Join(dir, "pod.yaml")
	if err := os.Chmod(pod, 0o640); err != nil {
		t.Fatal(err)
	}

	// --diff (the default) prints and writes nothing; safe fixes only.
	code, out, errOut := runCLI(t, "", "fix", dir)
	if !strings.Contains(out, "+    securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false") ||
		strings.Contains(out, "runAsNonRoot") || strings.Contains(out, "USER") {
		t.Errorf("safe diff:\n%s", out)
	}
	if code != ExitFindings || !strings.Contains(errOut, "would fix 2 findings in 1 file") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if text, _ := os.ReadFile(pod); string(text) != plainPod {
		t.Error("--diff wrote the file")
	}

	// --unsafe adds the unsafe fixes; --rule narrows them.
	_, out, _ = runCLI(t, "", "fix", "--unsafe", "--rule", "DF101", dir)
	if !strings.Contains(out, "+USER 65532:65532") || strings.Contains(out, "pod.yaml") {
		t.Errorf("--rule DF101 --unsafe diff:\n%s", out)
	}

	// --write writes atomically and keeps the mode.
	code, _, errOut = runCLI(t, "", "fix", "--write", "--unsafe", dir)
	if code != ExitOK || !strings.Contains(errOut, "fixed") {
		t.Errorf("--write: exit %d, %q", code, errOut)
	}
	text, _ := os.ReadFile(pod)
	if !strings.Contains(string(text), "runAsNonRoot: true") {
		t.Errorf("--write did not write:\n%s", text)
	}
	if info, _ := os.Stat(pod); info.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640 kept", info.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*hardline*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	// Nothing left to fix: a second run changes nothing.
	if _, out, errOut := runCLI(t, "", "fix", "--write", "--unsafe", dir); out != "" || !strings.Contains(errOut, "fixed 0 findings") {
		t.Errorf("second run: %q %q", out, errOut)
	}

	if code, _, _ := runCLI(t, "", "fix", "--diff", "--write", dir); code != ExitUsage {
		t.Errorf("--diff --write: exit %d", code)
	}
	if code, _, _ := runCLI(t, "", "fix", "--rule", "KS999", dir); code != ExitUsage {
		t.Errorf("--rule KS999: exit %d", code)
	}
}

// TestFixRestrictedConformance: after fixing copies of the upstream
// restricted fail/ pods, every pss finding left is one without a fix.
func TestFixRestrictedConformance(t *testing.T) {
	dir := testenv.CopyTree(t, filepath.Join("testdata", "pss", "restricted", "fail"))
	if code, _, errOut := runCLI(t, "", "fix", "--write", "--unsafe", "--profile", "restricted", dir); code == ExitUsage {
		t.Fatal(errOut)
	}
	_, out, _ := runCLI(t, "", "lint", "--format", "json", "--profile", "restricted", dir)
	var rep struct {
		Findings []struct {
			Path, Rule string
			Aliases    []string
			Fixes      []struct{ Safety string }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	left := 0
	for _, f := range rep.Findings {
		for _, a := range f.Aliases {
			if strings.HasPrefix(a, "pss:") {
				left++
				if slices.ContainsFunc(f.Fixes, func(fx struct{ Safety string }) bool { return fx.Safety != "manual" }) {
					t.Errorf("%s: %s still fixable after fix --write --unsafe", filepath.Base(f.Path), f.Rule)
				}
			}
		}
	}
	t.Logf("%d pss findings without a fix remain (privileged, host namespaces, volumes, …)", left)
}

// TestFixCorpusWrite runs `fix --write --unsafe` over a copy of the
// corpus: nothing fails, every file still parses as well as before, and a
// second run finds nothing more to fix. (The rules package's property
// test checks each fixed text in detail.)
func TestFixCorpusWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus-wide")
	}
	dir := testenv.CopyTree(t, testenv.Dir(t, "corpus"))
	// What the API server would reject (HL007) and what does not parse
	// (HL001), per file and object: fixing must never add either.
	rejected := func() map[string]int {
		_, out, _ := runCLI(t, "", "lint", "--profile", "all", "--format", "json", dir)
		var rep struct {
			Findings []struct {
				Path, Rule string
				Object     struct{ Kind, Namespace, Name string }
			}
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, f := range rep.Findings {
			if f.Rule == "HL007" || f.Rule == "HL001" {
				n[f.Rule+" "+f.Path+" "+f.Object.Kind+" "+f.Object.Namespace+"/"+f.Object.Name]++
			}
		}
		return n
	}
	before := rejected()
	code, _, errOut := runCLI(t, "", "fix", "--write", "--unsafe", "--profile", "all", dir)
	if code == ExitUsage || !strings.Contains(errOut, "fixed") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	t.Log(strings.TrimSpace(errOut))
	for id, n := range rejected() {
		if n > before[id] {
			t.Errorf("%s: %d findings after fix --write --unsafe, %d before", id, n, before[id])
		}
	}
	if _, out, errOut := runCLI(t, "", "fix", "--unsafe", "--profile", "all", dir); out != "" {
		t.Errorf("a second run would change more: %s\n%.2000s", errOut, out)
	}
}

// TestFixStdin: `fix -` reads stdin and writes the fixed text to stdout,
// as formatters do; with --diff, the diff. Files cannot join it, nor
// --write.
func TestFixStdin(t *testing.T) {
	code, out, errOut := runCLI(t, plainPod, "fix", "--stdin-filename", "k8s/pod.yaml", "-")
	if !strings.Contains(out, "allowPrivilegeEscalation: false") || !strings.HasPrefix(out, "apiVersion: v1\nkind: Pod\n") ||
		!strings.Contains(errOut, "fixed 2 findings in k8s/pod.yaml") || code != ExitFindings {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	// What it wrote is what fixing the file would have written.
	dir := writeFiles(t, map[string]string{"pod.yaml": plainPod})
	if _, _, _ = runCLI(t, "", "fix", "--write", dir); string(mustReadFile(t, filepath.Join(dir, "pod.yaml"))) != out {
		t.Error("fix - and fix --write disagree")
	}
	_, diff, _ := runCLI(t, plainPod, "fix", "--diff", "--stdin-filename", "k8s/pod.yaml", "-")
	if !strings.HasPrefix(diff, "--- a/k8s/pod.yaml\n+++ b/k8s/pod.yaml\n") || !strings.Contains(diff, "allowPrivilegeEscalation: false}") {
		t.Errorf("--diff -:\n%s", diff)
	}
	// A Dockerfile on stdin is known by its content.
	_, out, _ = runCLI(t, "FROM alpine:3.20\nCMD sh\n", "fix", "--unsafe", "-")
	if !strings.Contains(out, "USER 65532:65532") {
		t.Errorf("Dockerfile on stdin:\n%s", out)
	}
	for _, args := range [][]string{{"fix", "-", "testdata/examples"}, {"fix", "--write", "-"}} {
		if code, _, _ := runCLI(t, plainPod, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
