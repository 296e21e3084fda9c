package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// lintJSON runs lint with --format json and returns "path RULE" per
// finding, sorted.
func lintJSON(t *testing.T, stdin string, args ...string) (int, []string, string) {
	t.Helper()
	code, out, errOut := runCLI(t, stdin, append([]string{"lint", "--format", "json"}, args...)...)
	var rep struct {
		Findings []struct{ Path, Rule string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.Path+" "+f.Rule)
	}
	slices.Sort(got)
	return code, slices.Compact(got), errOut
}

// TestRepositoryLintsOnlyManifests: in a repository of JSON with comments,
// Compose, workflows, Ansible, values files, a node_modules folder and an
// ignored folder, `lint .` reports the manifests' and the Dockerfile's
// findings and nothing else.
func TestRepositoryLintsOnlyManifests(t *testing.T) {
	repo := filepath.Join("testdata", "repo")
	code, got, errOut := lintJSON(t, "", "--profile", "baseline", repo)
	want := []string{
		"testdata/repo/k8s/broken.yaml HL001",
		"testdata/repo/k8s/deploy.yaml KS101",
	}
	if diff := cmp.Diff(want, got); diff != "" || code != ExitFindings {
		t.Errorf("exit %d (want 1), stderr %q, findings (-want +got):\n%s", code, errOut, diff)
	}

	// The default profile fails CI on the Dockerfile's security errors.
	_, got, _ = lintJSON(t, "", repo)
	for _, rule := range []string{"DF106", "DF108", "DF109", "DF110", "DF113"} {
		if !slices.Contains(got, "testdata/repo/Dockerfile "+rule) {
			t.Errorf("no %s on the Dockerfile: %v", rule, got)
		}
	}

	// --no-ignore walks what .ignore excludes; node_modules never.
	_, got, _ = lintJSON(t, "", "--profile", "baseline", "--no-ignore", repo)
	if !slices.Contains(got, "testdata/repo/generated/pod.yaml KS101") || slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "node_modules") }) {
		t.Errorf("--no-ignore: %v", got)
	}

	// A file named on the command line is linted, ignored or not.
	_, got, _ = lintJSON(t, "", "--profile", "baseline", filepath.Join(repo, "generated", "pod.yaml"), filepath.Join(repo, "node_modules", "some-pkg", "deploy", "pod.yaml"))
	if len(got) != 2 {
		t.Errorf("named files: %v", got)
	}
}

// TestNothingToLint: a run that finds nothing to lint says so and passes.
func TestNothingToLint(t *testing.T) {
	code, out, errOut := runCLI(t, "", "lint", filepath.Join("testdata", "repo", "chart"), filepath.Join("testdata", "repo", ".github"))
	if code != ExitOK || out != "" || !strings.Contains(errOut, "no Kubernetes manifests or Dockerfiles under testdata/repo/chart, testdata/repo/.github") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestIgnoreFilesOfTheRepository: a walk of a folder inside a git
// repository honours the .gitignore of the folders above it.
func TestIgnoreFilesOfTheRepository(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: \"x:1\", securityContext: {privileged: true}}]\n"
	dir := writeFiles(t, map[string]string{
		".git/HEAD":              "ref: refs/heads/main\n",
		".gitignore":             "build/\n*.local.yaml\n",
		"app/k8s/pod.yaml":       pod,
		"app/k8s/pod.local.yaml": pod,
		"app/build/pod.yaml":     pod,
		"app/.gitignore":         "!*.local.yaml\n",
	})
	_, got, _ := lintJSON(t, "", "--profile", "baseline", filepath.Join(dir, "app"))
	want := []string{filepath.Join(dir, "app/k8s/pod.local.yaml") + " KS101", filepath.Join(dir, "app/k8s/pod.yaml") + " KS101"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestStdinIsSniffed: without --stdin-filename, a Dockerfile on stdin is
// read as one.
func TestStdinIsSniffed(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("testdata", "repo", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	code, got, _ := lintJSON(t, string(text), "-")
	if code != ExitFindings || !slices.Contains(got, "- DF113") {
		t.Errorf("exit %d, %v", code, got)
	}
}

// TestLinkedFolder: a folder named through a symbolic link is walked, not
// passed over as if it held nothing.
func TestLinkedFolder(t *testing.T) {
	dir := writeFiles(t, map[string]string{"real/pod.yaml": privilegedPod})
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "real"), link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	code, out, errOut := runCLI(t, "", "lint", "--format", "text", link)
	if code != ExitFindings || !strings.Contains(out, "KS101") || !strings.Contains(out, filepath.Join(link, "pod.yaml")) {
		t.Errorf("lint through a link: exit %d, stderr %q\n%s", code, errOut, out)
	}
}
