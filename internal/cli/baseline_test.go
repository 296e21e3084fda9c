package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hardline.dev/hardline/internal/testenv"
)

const baselinePod = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: x:1
    securityContext: {privileged: true}
`

// TestBaseline: a baseline keeps recorded findings quiet through line
// shifts and edits elsewhere, and reports findings that are new: a new
// container, an edited offending line, a copied object.
func TestBaseline(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(dir, "pod.yaml")
	base := filepath.Join(dir, "baseline.json")
	if err := os.WriteFile(manifest, []byte(baselinePod), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "lint", "--write-baseline", base, manifest)
	if code != ExitOK || out != "" || !strings.Contains(errOut, "recorded ") {
		t.Fatalf("--write-baseline: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	_, all, _ := runCLI(t, "", "lint", manifest)
	recorded := strings.Count(all, "\n")
	if recorded == 0 || !strings.Contains(errOut, fmt.Sprintf("recorded %d findings", recorded)) {
		t.Fatalf("stderr %q, want %d findings recorded", errOut, recorded)
	}

	tests := []struct {
		name, text string
		// new findings, as "CODE container" pairs; empty: exit 0, no output
		want []string
	}{
		{"unchanged", baselinePod, nil},
		{"lines shifted, edits elsewhere", "# moved down\n\n" + strings.Replace(strings.Replace(baselinePod,
			"metadata:\n", "metadata:\n  labels: {app: x}\n", 1), "image: x:1", "image: x:2", 1), nil},
		{"re-indented", strings.Replace(baselinePod, "  - name: c\n    image: x:1\n    securityContext",
			"    - name: c\n      image: x:1\n      securityContext", 1), nil},
		{"a new container", baselinePod + "  - name: d\n    image: y:1\n    securityContext: {privileged: true}\n",
			[]string{"KS201 d", "KS202 d", "KS203 d", "KS205 d", "KS301 d", "KS401 d", "KS402 d", "KS403 d", "KS101 d"}},
		{"the offending line edited", strings.Replace(baselinePod, "{privileged: true}", "{privileged: true}  # needed?", 1),
			[]string{"KS101 c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(manifest, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := runCLI(t, "", "lint", "--format", "json", "--baseline", base, manifest)
			var rep struct {
				Findings []struct{ Rule, Container string }
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("%v: %s", err, errOut)
			}
			var got []string
			for _, f := range rep.Findings {
				got = append(got, f.Rule+" "+f.Container)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("new findings %q, want %q", got, tt.want)
			}
			if wantCode := map[bool]int{true: ExitOK, false: ExitFindings}[len(tt.want) == 0]; code != wantCode {
				t.Errorf("exit %d, want %d", code, wantCode)
			}
		})
	}
}

func TestBaselineErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"version": 1, "findings": [{"fingerprint": ""}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"missing file": {"lint", "--baseline", filepath.Join(dir, "nope.json"), "testdata/examples"},
		"bad file":     {"lint", "--baseline", bad, "testdata/examples"},
		"both flags":   {"lint", "--baseline", bad, "--write-baseline", bad, "testdata/examples"},
		"bad --output": {"lint", "--output", "sarif", "testdata/examples"},
		"bad format":   {"lint", "--output", "xml=x.xml", "testdata/examples"},
	} {
		if code, _, errOut := runCLI(t, "", args...); code != ExitUsage || errOut == "" {
			t.Errorf("%s: exit %d, stderr %q; want 2 and a message", name, code, errOut)
		}
	}
}

// TestOutputFiles: --output writes extra reports of the same run beside the
// one on stdout.
func TestOutputFiles(t *testing.T) {
	dir := t.TempDir()
	sarif, gitlab := filepath.Join(dir, "h.sarif"), filepath.Join(dir, "gl.json")
	code, out, errOut := runCLI(t, "", "lint", "--format", "github", "--output", "sarif="+sarif, "--output", "gitlab="+gitlab, "testdata/examples")
	if code != ExitFindings || errOut != "hardline: "+examplesSummary+"\n" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for path, format := range map[string]string{sarif: "sarif", gitlab: "gitlab"} {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, want, _ := runCLI(t, "", "lint", "--format", format, "testdata/examples")
		if string(got) != want {
			t.Errorf("--output %s= differs from --format %s", format, format)
		}
	}
	_, want, _ := runCLI(t, "", "lint", "--format", "github", "testdata/examples")
	if out != want {
		t.Error("stdout changed with --output")
	}
}

// TestFingerprintsUnique: identical findings (the same rule on identical
// lines) still get distinct fingerprints, which GitLab and code scanning
// would otherwise merge into one.
func TestFingerprintsUnique(t *testing.T) {
	dockerfile := "FROM debian:12\nRUN apt-get install -y curl\nRUN apt-get install -y curl\nUSER 1000\n"
	_, out, _ := runCLI(t, dockerfile, "lint", "--format", "json", "--profile", "all", "--stdin-filename", "Dockerfile", "-")
	var rep struct {
		Findings []struct{ Rule, Fingerprint string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	seen, dups := map[string]string{}, 0
	rules := map[string]int{}
	for _, f := range rep.Findings {
		if prev, ok := seen[f.Fingerprint]; ok {
			t.Errorf("%s and %s share fingerprint %s", prev, f.Rule, f.Fingerprint)
		}
		seen[f.Fingerprint] = f.Rule
		if rules[f.Rule]++; rules[f.Rule] == 2 {
			dups++
		}
	}
	if dups == 0 {
		t.Fatalf("no rule fired on both lines, so the test proves nothing: %s", out)
	}
}

// TestBaselineFromAnywhere: fingerprints hash paths relative to the
// repository root (or, outside one, to the baseline's folder), so a
// baseline written inside a repository matches when the same files are
// linted from a parent folder.
func TestBaselineFromAnywhere(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: \"x:1\", securityContext: {privileged: true}}]\n"
	for _, git := range []bool{true, false} {
		t.Run(map[bool]string{true: "in a repository", false: "outside one"}[git], func(t *testing.T) {
			files := map[string]string{"repo/k8s/pod.yaml": pod}
			if git {
				files["repo/.git/HEAD"] = "ref: refs/heads/main\n"
			}
			parent := writeFiles(t, files)
			repo := filepath.Join(parent, "repo")
			t.Chdir(repo)
			if code, _, errOut := runCLI(t, "", "lint", "--profile", "baseline", "--write-baseline", "b.json", "."); code != ExitOK {
				t.Fatalf("write: exit %d, %s", code, errOut)
			}
			t.Chdir(parent)
			code, out, errOut := runCLI(t, "", "lint", "--profile", "baseline", "--baseline", filepath.Join("repo", "b.json"), "repo")
			if code != ExitOK || strings.Contains(out, "KS101") || !strings.Contains(errOut, "1 finding recorded in repo/b.json not reported") {
				t.Errorf("from the parent folder: exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		})
	}
}

// TestBaselineMatchingNothing says so: a baseline for other files, or
// one written where paths resolve differently, should not pass silently.
func TestBaselineMatchingNothing(t *testing.T) {
	dir := t.TempDir()
	b := filepath.Join(dir, "b.json")
	if err := os.WriteFile(b, []byte(`{"version": 2, "findings": [{"fingerprint": "0123", "rule": "KS101", "path": "elsewhere.yaml", "message": "m"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, errOut := runCLI(t, "", "lint", "--baseline", b, "testdata/examples")
	if !strings.Contains(errOut, "none of the 1 finding recorded in "+b+" matched") {
		t.Errorf("stderr %q", errOut)
	}
}

// TestBaselineRecordsSetFindings: writing a baseline keeps no file's text
// (the set rules read again the files they report on) and reading one
// keeps it; both must fingerprint the findings across objects alike, or
// the baseline would not silence them.
func TestBaselineRecordsSetFindings(t *testing.T) {
	dir := testenv.CopyTree(t, "testdata/rules/KS801/fail-isolation")
	base := filepath.Join(t.TempDir(), "baseline.json")
	_, all, _ := runCLI(t, "", "lint", "--profile", "all", "--format", "text", dir)
	if !strings.Contains(all, " KS801 ") {
		t.Fatalf("no KS801 finding to record:\n%s", all)
	}
	if code, _, errOut := runCLI(t, "", "lint", "--profile", "all", "--write-baseline", base, dir); code != ExitOK {
		t.Fatalf("--write-baseline: exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "", "lint", "--profile", "all", "--format", "text", "--baseline", base, dir)
	if code != ExitOK || out != "" {
		t.Errorf("--baseline: exit %d, findings not silenced:\n%s%s", code, out, errOut)
	}
}
