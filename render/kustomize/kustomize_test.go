package kustomize

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hardline.dev/hardline/analyzer"
)

func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: c:1\n"

// TestRemoteNotFetched: remote bases are left out and reported, and the
// rest builds; nothing reaches the network.
func TestRemoteNotFetched(t *testing.T) {
	dir := write(t, map[string]string{
		"kustomization.yaml": "resources:\n  - pod.yaml\n  - github.com/example/repo//deploy?ref=v1.2.3\n  - https://example.com/manifests.yaml\n",
		"pod.yaml":           pod,
	})
	rd, read := Build(context.Background(), dir, Options{})
	var msgs []string
	for _, p := range rd.Problems {
		if p.Kind != analyzer.SkippedProblem {
			t.Errorf("unexpected problem: %s", p.Message)
		}
		msgs = append(msgs, p.Message)
	}
	if len(msgs) != 2 || !strings.Contains(msgs[0], "github.com/example/repo") || !strings.Contains(msgs[1], "https://example.com/manifests.yaml") {
		t.Errorf("want the two remote resources reported, got %q", msgs)
	}
	if len(rd.Docs) != 1 || !strings.Contains(string(rd.Docs[0].Text), "kind: Pod") {
		t.Errorf("the local resource was not built: %+v", rd.Docs)
	}
	if len(read) != 2 {
		t.Errorf("read %q, want the kustomization and pod.yaml", read)
	}
}

// TestBadKustomizations: each gives one HL008 problem, never a panic or
// a hang.
func TestBadKustomizations(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]string
		want  string
	}{
		"cycle": {map[string]string{
			"a/kustomization.yaml": "resources:\n  - ../b\n",
			"b/kustomization.yaml": "resources:\n  - ../a\n",
		}, "cycle"},
		"missing resource": {map[string]string{"a/kustomization.yaml": "resources:\n  - nothere.yaml\n"}, "nothere.yaml"},
		"outside the root": {map[string]string{
			"a/kustomization.yaml": "resources:\n  - ../pod.yaml\n",
			"pod.yaml":             pod,
		}, "security"},
		"not yaml":      {map[string]string{"a/kustomization.yaml": "resources: [\n"}, "does not build"},
		"helm disabled": {map[string]string{"a/kustomization.yaml": "helmCharts:\n  - name: x\n    repo: https://charts.example.com\n"}, "does not build"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := write(t, tc.files)
			rd, _ := Build(context.Background(), filepath.Join(dir, "a"), Options{})
			if len(rd.Problems) != 1 || rd.Problems[0].Kind != analyzer.RenderProblem || !strings.Contains(rd.Problems[0].Message, tc.want) {
				t.Errorf("want one render problem saying %q, got %+v", tc.want, rd.Problems)
			}
		})
	}
}

func TestRemote(t *testing.T) {
	for ref, want := range map[string]bool{
		"../base": false, "deployment.yaml": false, "./x.yaml": false,
		"github.com/org/repo//dir?ref=v1": true, "https://example.com/a.yaml": true, "git@github.com:org/repo.git": true,
		"ssh://git@example.com/repo": true, "gitlab.com/org/repo": true,
	} {
		if got := remote(ref); got != want {
			t.Errorf("remote(%q) = %v, want %v", ref, got, want)
		}
	}
}

func TestJSONPointer(t *testing.T) {
	got := jsonPointer("/spec/template/spec/containers/0/securityContext/a~1b")
	if len(got) != 7 || !got[4].Item || got[4].Index != 0 || got[6].Key != "a/b" {
		t.Errorf("jsonPointer: %+v", got)
	}
}
