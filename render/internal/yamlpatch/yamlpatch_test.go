package yamlpatch

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func parse(t *testing.T, text string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(text), &n); err != nil {
		t.Fatal(err)
	}
	return &n
}

func TestDiff(t *testing.T) {
	before := parse(t, "a: 1\nb: {c: 2}\nl: [x]\ncontainers:\n- name: web\n  image: w\n- name: side\n")
	after := parse(t, "a: 1\nb: {c: 3, d: true}\nl: [x, y]\ncontainers:\n- name: web\n  image: w\n  securityContext: {runAsNonRoot: true}\n- name: side\n")
	var got []string
	for _, op := range Diff(before, after) {
		got = append(got, String(op.Path))
	}
	want := []string{"b.c", "b.d", "l", "containers[name=web].securityContext"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ops (-want +got):\n%s", diff)
	}
}

// TestApply writes the ops into a source in its own style, keeping its
// comments, and finds list items by name.
func TestApply(t *testing.T) {
	src := []byte("# values\nsecurityContext: {} # comment\npod:\n  containers:\n    - name: web # the app\n      image: w\n")
	find := func(text []byte) (fixes.Locator, *yaml.Node, *yaml.Node, error) {
		d, root := analyzer.ParseData("v.yaml", text, nil)
		return d, root, root, nil
	}
	ops := []Op{
		{Path: []Step{{Key: "securityContext"}, {Key: "allowPrivilegeEscalation"}}, Value: parse(t, "false").Content[0]},
		{Path: []Step{{Key: "pod"}, {Key: "containers"}, {Item: true, Name: "name=web"}, {Key: "securityContext"}}, Value: parse(t, "runAsNonRoot: true").Content[0]},
	}
	got, err := Apply(src, find, ops)
	if err != nil {
		t.Fatal(err)
	}
	want := "# values\nsecurityContext: {allowPrivilegeEscalation: false} # comment\npod:\n  containers:\n    - name: web # the app\n      image: w\n      securityContext:\n        runAsNonRoot: true\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}
	if _, err := Apply(src, find, []Op{{Path: []Step{{Key: "pod"}, {Key: "containers"}, {Item: true, Name: "name=other"}, {Key: "x"}}, Value: parse(t, "1").Content[0]}}); err == nil {
		t.Error("an item the source lacks was not refused")
	}
}
