package policy_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/rules"
	"hardline.dev/hardline/rules/policy"
)

var engine = analyzer.NewEngine(rules.All())

func config(t testing.TB, policies []string, mutate ...func(*analyzer.Config)) *analyzer.Config {
	t.Helper()
	cfg := analyzer.DefaultConfig()
	cfg.Profile = analyzer.Baseline
	for _, p := range policies {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Policies = append(cfg.Policies, abs)
	}
	for _, m := range mutate {
		m(&cfg)
	}
	return &cfg
}

// lint returns the findings of the policy rules (and HL005) as
// "line:col CODE severity: message".
func lint(t testing.TB, cfg *analyzer.Config, path, text string) []string {
	t.Helper()
	doc := analyzer.Parse(path, []byte(text), analyzer.ParseOptions{})
	var out []string
	for _, f := range engine.Run(context.Background(), doc, cfg) {
		if f.Rule.Policy || f.Rule.Code == "HL005" {
			out = append(out, fmt.Sprintf("%d:%d %s %s: %s", f.Range.Start.Line, f.Range.Start.Column, f.Rule.Code, f.Severity, f.Message))
		}
	}
	return out
}

func read(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writePolicies writes policy files into a new folder.
func writePolicies(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestExamplePolicies: the examples under testdata/policies — a Rego v1
// policy with "path", a conftest-style v0 policy with an exception and a
// Dockerfile policy with its own code — find what they should, where.
func TestExamplePolicies(t *testing.T) {
	cfg := config(t, []string{"../../testdata/policies/policy"}, func(c *analyzer.Config) {
		d, _ := filepath.Abs("../../testdata/policies/data")
		c.Data = []string{d}
	})
	got := lint(t, cfg, "deploy.yaml", read(t, "../../testdata/policies/input/deploy.yaml"))
	want := []string{
		// v0, no path: at the object's kind. The "legacy" Deployment is excepted.
		"2:1 POL-main-warn_team_label warning: Deployment web has no team label",
		// v1, with path: at the image of the second container.
		`15:11 POL-main-deny error: container "proxy": image "docker.io/envoyproxy/envoy:v1.31" is not from an allowed registry (registry.example, ghcr.io/example)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deploy.yaml (-want +got):\n%s", diff)
	}
	got = lint(t, cfg, "Dockerfile", read(t, "../../testdata/policies/input/Dockerfile"))
	want = []string{
		"1:1 DOCKER-LATEST error: FROM golang:latest: pin a version, not latest",
		"1:1 POL-main-warn warning: RUN uses curl: prefer ADD --checksum",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Dockerfile (-want +got):\n%s", diff)
	}
}

const pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n"

func TestRegoVersions(t *testing.T) {
	v0 := "package main\n\ndeny[msg] {\n  input.kind == \"Pod\"\n  msg := \"v0 says no\"\n}\n"
	v1 := "package main\n\ndeny contains msg if {\n  input.kind == \"Pod\"\n  msg := \"v1 says no\"\n}\n"
	dir := writePolicies(t, map[string]string{"v0.rego": v0, "v1.rego": v1})
	tests := []struct {
		version string
		want    []string
	}{
		{"auto", []string{"2:1 POL-main-deny error: v0 says no", "2:1 POL-main-deny error: v1 says no"}},
		{"v1", []string{"3:1 HL005 error: rego_parse_error: `if` keyword is required before rule body"}},
		{"v0", []string{"3:1 HL005 error: rego_parse_error: var cannot be used for rule name (hint: `import future.keywords.contains` for `p contains x` rules)"}},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			cfg := config(t, []string{dir}, func(c *analyzer.Config) { c.RegoVersion = tt.version })
			got := lint(t, cfg, "pod.yaml", pod)
			if tt.version != "auto" {
				// A policy that does not parse stops all of them; the
				// problem is reported at the policy file.
				if len(got) != 0 {
					t.Errorf("findings with a broken policy: %q", got)
				}
				got = nil
				for _, r := range policy.Results(cfg).Files {
					for _, f := range r.Findings {
						got = append(got, fmt.Sprintf("%d:%d %s %s: %s", f.Range.Start.Line, f.Range.Start.Column, f.Rule.Code, f.Severity, f.Message))
					}
				}
				if len(got) > 0 {
					got = got[:1]
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestNetworkBuiltinsDoNotCompile: http.send is a compile error at its
// line, never a request.
func TestNetworkBuiltinsDoNotCompile(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1) }))
	defer srv.Close()
	for name, call := range map[string]string{
		"http.send":          `http.send({"method": "get", "url": "` + srv.URL + `"})`,
		"net.lookup_ip_addr": `net.lookup_ip_addr("example.com")`,
		"opa.runtime":        `opa.runtime().env.HOME`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := writePolicies(t, map[string]string{"p.rego": "package main\n\ndeny contains msg if {\n  x := " + call + "\n  msg := sprintf(\"%v\", [x])\n}\n"})
			cfg := config(t, []string{dir})
			if got := lint(t, cfg, "pod.yaml", pod); len(got) != 0 {
				t.Errorf("findings: %q", got)
			}
			res := policy.Results(cfg).Files
			if len(res) != 1 || len(res[0].Findings) == 0 {
				t.Fatalf("no HL005 for %s: %+v", name, res)
			}
			f := res[0].Findings[0]
			if !strings.HasSuffix(res[0].Path, "p.rego") || f.Range.Start.Line != 4 ||
				!strings.Contains(f.Message, name+" is disabled: policies from a repository may not reach the network") {
				t.Errorf("%s:%d: %s", res[0].Path, f.Range.Start.Line, f.Message)
			}
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("the policy reached the network %d times", n)
	}
}

// TestSlowPolicyIsCutOff: a policy that would compute for minutes stops at
// the time limit and is reported as HL005 on the object.
func TestSlowPolicyIsCutOff(t *testing.T) {
	dir := writePolicies(t, map[string]string{"slow.rego": `package main

deny contains msg if {
	n := count({[a, b, c] | some a in numbers.range(1, 400); some b in numbers.range(1, 400); some c in numbers.range(1, 400)})
	msg := sprintf("%d", [n])
}
`})
	cfg := config(t, []string{dir}, func(c *analyzer.Config) { c.Limits.PolicyTimeout = 50 * time.Millisecond })
	got := lint(t, cfg, "pod.yaml", pod)
	// The HL005 finding is the proof that the limit cut the policy off.
	want := []string{"2:1 HL005 error: the policies of data.main took longer than 50ms on this object; their results are left out (limits.policyTimeout)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestPolicyCodesAreRules: POL codes and a result's own code can be turned
// off in the config and suppressed like built-in rules.
func TestPolicyCodesAreRules(t *testing.T) {
	dir := writePolicies(t, map[string]string{"p.rego": `package main

deny contains msg if {
	input.kind == "Pod"
	msg := "no pods"
}

warn contains {"msg": "mine", "code": "TEAM-1", "path": "spec.containers[0].image"} if input.kind == "Pod"
`})
	cfg := config(t, []string{dir})
	if got, want := lint(t, cfg, "pod.yaml", pod), []string{"2:1 POL-main-deny error: no pods", "8:5 TEAM-1 warning: mine"}; !cmp.Equal(want, got) {
		t.Errorf("got %q, want %q", got, want)
	}
	off, err := analyzer.ApplyConfig(*cfg, "test", []byte(`{"rules": {"POL-main-deny": "off"}}`), engine.Rules())
	if err != nil {
		t.Fatal(err)
	}
	if got := lint(t, &off, "pod.yaml", pod); !cmp.Equal([]string{"8:5 TEAM-1 warning: mine"}, got) {
		t.Errorf("POL-main-deny: off: %q", got)
	}
	regraded, err := analyzer.ApplyConfig(*cfg, "test", []byte(`{"rules": {"POL-main-deny": "info"}}`), engine.Rules())
	if err != nil {
		t.Fatal(err)
	}
	if got := lint(t, &regraded, "pod.yaml", pod); !cmp.Equal([]string{"2:1 POL-main-deny info: no pods", "8:5 TEAM-1 warning: mine"}, got) {
		t.Errorf("POL-main-deny: info: %q", got)
	}
	suppressed := strings.Replace(pod, "kind: Pod", "kind: Pod # hardline:ignore POL-main-deny", 1)
	suppressed = strings.Replace(suppressed, "image: nginx:1.27", "image: nginx:1.27 # hardline:ignore TEAM-1", 1)
	if got := lint(t, cfg, "pod.yaml", suppressed); len(got) != 0 {
		t.Errorf("suppressed: %q", got)
	}
}

// TestDockerfileLines: a Dockerfile result with "line" points at the
// instruction on that line; without it, at the first FROM.
func TestDockerfileLines(t *testing.T) {
	dir := writePolicies(t, map[string]string{"p.rego": `package main

deny contains {"msg": "at line 3", "line": 3} if {
	some i
	input[i].Cmd == "user"
}
warn contains "no healthcheck" if not any_healthcheck
any_healthcheck if input[_].Cmd == "healthcheck"
`})
	cfg := config(t, []string{dir})
	dockerfile := "FROM debian:12 AS build\nRUN make \\\n  all\nUSER root\n"
	want := []string{"1:1 POL-main-warn warning: no healthcheck", "2:1 POL-main-deny error: at line 3"}
	if got := lint(t, cfg, "Dockerfile", dockerfile); !cmp.Equal(want, got) {
		t.Errorf("got %q, want %q (line 3 is the RUN's continuation)", got, want)
	}
}

// TestNamespaces: only the configured packages are queried.
func TestNamespaces(t *testing.T) {
	dir := writePolicies(t, map[string]string{
		"main.rego": "package main\n\ndeny contains \"from main\" if input.kind == \"Pod\"\n",
		"team.rego": "package team.security\n\ndeny contains \"from team\" if input.kind == \"Pod\"\n",
	})
	cfg := config(t, []string{dir}, func(c *analyzer.Config) { c.PolicyNamespaces = []string{"team.security"} })
	if got, want := lint(t, cfg, "pod.yaml", pod), []string{"2:1 POL-team-security-deny error: from team"}; !cmp.Equal(want, got) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestReload: an edited policy is recompiled on the next analysis.
func TestReload(t *testing.T) {
	dir := writePolicies(t, map[string]string{"p.rego": "package main\n\ndeny contains \"one\" if input.kind == \"Pod\"\n"})
	cfg := config(t, []string{dir})
	if got := lint(t, cfg, "pod.yaml", pod); !cmp.Equal([]string{"2:1 POL-main-deny error: one"}, got) {
		t.Fatalf("before: %q", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "p.rego"), []byte("package main\n\ndeny contains \"two!\" if input.kind == \"Pod\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := lint(t, cfg, "pod.yaml", pod); !cmp.Equal([]string{"2:1 POL-main-deny error: two!"}, got) {
		t.Errorf("after the edit: %q", got)
	}
}

// TestNoPoliciesNoOPA: without policies nothing is loaded or compiled.
func TestNoPoliciesNoOPA(t *testing.T) {
	cfg := config(t, nil)
	if policy.Load(cfg) != nil || policy.Results(cfg).Files != nil {
		t.Error("a config without policies loaded some")
	}
}

// BenchmarkPolicyEval is the cost per object of evaluating the example
// policies with their prepared queries (parse and built-in rules included
// in BenchmarkLint for comparison).
func BenchmarkPolicyEval(b *testing.B) {
	cfg := config(b, []string{"../../testdata/policies/policy"}, func(c *analyzer.Config) {
		d, _ := filepath.Abs("../../testdata/policies/data")
		c.Data = []string{d}
		c.Profile = analyzer.Baseline
	})
	text := []byte(read(b, "../../testdata/policies/input/deploy.yaml"))
	doc := analyzer.Parse("deploy.yaml", text, analyzer.ParseOptions{})
	only := analyzer.NewEngine(policy.Rules())
	policy.Load(cfg)
	b.ResetTimer()
	for b.Loop() {
		only.Run(context.Background(), doc, cfg)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(doc.Objects)), "µs/object")
}

// TestPoliciesReadDefinitions: the CLI parses CustomResourceDefinitions
// skimmed (no built-in rule reads their schemas), but not when policies
// run: a policy reads a definition's schema as written, through the path
// the CLI lints files by.
func TestPoliciesReadDefinitions(t *testing.T) {
	dir := writePolicies(t, map[string]string{"p.rego": `package main

deny contains msg if {
  input.kind == "CustomResourceDefinition"
  some v in input.spec.versions
  v.schema.openAPIV3Schema.properties.spec.properties.size.type == "integer"
  v.served
  msg := sprintf("%s: size is an integer", [v.name])
}
`})
	file := filepath.Join(t.TempDir(), "crd.yaml")
	crd := `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
    served: true
    storage: true
`
	if err := os.WriteFile(file, []byte(crd), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config(t, []string{dir})
	if def := analyzer.DefaultConfig(); cfg.Skims() || !def.Skims() {
		t.Errorf("Skims: %v with policies, %v without", cfg.Skims(), def.Skims())
	}
	results := engine.LintFiles(context.Background(), []string{file}, nil, func(string) (*analyzer.Config, error) { return cfg, nil }, analyzer.NoFixes)
	var got []string
	for _, r := range results {
		for _, f := range r.Findings {
			if f.Rule.Policy {
				got = append(got, f.Message)
			}
		}
	}
	if diff := cmp.Diff([]string{"v1: size is an integer"}, got); diff != "" {
		t.Errorf("policy findings (-want +got):\n%s", diff)
	}
}
