package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const privilegedPod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: kube-system}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    securityContext: {privileged: true}\n"

// plainPod has findings with safe fixes (allowPrivilegeEscalation, …).
const plainPod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: kube-system}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    securityContext: {readOnlyRootFilesystem: true}\n"

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestConfigErrors: every kind of config mistake exits 2 and names the
// file, line and column.
func TestConfigErrors(t *testing.T) {
	tests := []struct{ config, want string }{
		{"profile: strict\n", ".hardline.yaml:1:10: unknown profile \"strict\""},
		{"rules:\n  KS101: off\n  KS999: error\n", ".hardline.yaml:3:3: unknown rule \"KS999\""},
		{"rules:\n  privileged-container: loud\n", ".hardline.yaml:2:25: rule privileged-container: want off, error, warning or info"},
		{"profil: all\n", ".hardline.yaml:1:1: unknown key \"profil\""},
		{"namespaces:\n  KS102: kube-system\n", ".hardline.yaml:2:10: want a list of strings"},
		{"exclude: ['[']\n", ".hardline.yaml:1:11: exclude \"[\": bad glob"},
		{"kubernetesVersion: 2.0\n", ".hardline.yaml:1:20: kubernetesVersion \"2.0\""},
		{"regoVersion: v2\n", ".hardline.yaml:1:14: regoVersion \"v2\""},
		{"network: maybe\n", ".hardline.yaml:1:10: network: want true or false"},
		{"limits:\n  maxFileBytes: -1\n", ".hardline.yaml:2:17: maxFileBytes: want a positive whole number"},
		{"limits:\n  policyTimeout: soon\n", ".hardline.yaml:2:18: policyTimeout: want a positive duration"},
		{"limits:\n  maxMemory: 1\n", ".hardline.yaml:2:3: unknown limit \"maxMemory\""},
		{"docsURL: ftp://x\n", ".hardline.yaml:1:10: docsURL \"ftp://x\": want an http(s) URL"},
		{"cluster:\n  networkPolicies: yes\n", ".hardline.yaml:2:20: cluster.networkPolicies: want enforced or unknown, not \"yes\""},
		{"cluster:\n  region: eu\n", ".hardline.yaml:2:3: cluster: unknown key \"region\""},
		{"cluster: enforced\n", ".hardline.yaml:1:10: cluster: want {namespace, networkPolicies}"},
		{"profile: [all\n", ".hardline.yaml:1:1: not valid YAML: did not find expected ',' or ']'"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{".hardline.yaml": tt.config, "pod.yaml": privilegedPod})
			code, _, errOut := runCLI(t, "", "lint", filepath.Join(dir, "pod.yaml"))
			want := dir + string(filepath.Separator) + tt.want
			if code != ExitUsage || !strings.Contains(errOut, want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, want)
			}
		})
	}
}

// TestConfigDiscovery: the nearest config up the tree applies; --config
// replaces discovery; flags override the file; exclude globs skip files.
func TestConfigDiscovery(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		".hardline.yaml":             "rules:\n  KS101: warning\nexclude: [\"vendor/**\"]\n",
		"app/pod.yaml":               privilegedPod,
		"team/.hardline.yaml":        "namespaces:\n  KS101: [kube-system]\n",
		"team/pod.yaml":              privilegedPod,
		"vendor/lib/pod.yaml":        privilegedPod,
		"other/strict.hardline.yaml": "profile: baseline\nrules:\n  KS101: info\n",
	})
	_, out, _ := runCLI(t, "", "lint", "--profile", "baseline", dir)
	if !strings.Contains(out, filepath.Join(dir, "app/pod.yaml")+":8:23: warning KS101") {
		t.Errorf("root config's severity not applied:\n%s", out)
	}
	if strings.Contains(out, "team/pod.yaml") {
		t.Errorf("nearer config's namespace exclusion not applied:\n%s", out)
	}
	if strings.Contains(out, "vendor") {
		t.Errorf("excluded folder linted:\n%s", out)
	}
	_, out, _ = runCLI(t, "", "lint", "--config", filepath.Join(dir, "other/strict.hardline.yaml"), filepath.Join(dir, "team/pod.yaml"))
	if !strings.Contains(out, "info KS101") || strings.Contains(out, "KS201") {
		t.Errorf("--config not used instead of discovery:\n%s", out)
	}
	_, out, _ = runCLI(t, "", "lint", "--config", filepath.Join(dir, "other/strict.hardline.yaml"), "--profile", "restricted", filepath.Join(dir, "team/pod.yaml"))
	if !strings.Contains(out, "KS201") {
		t.Errorf("--profile did not override the file's profile:\n%s", out)
	}
}
