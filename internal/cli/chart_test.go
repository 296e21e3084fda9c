package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type jsonReport struct {
	Findings []struct {
		Path   string `json:"path"`
		Rule   string `json:"rule"`
		Range  struct{ Start struct{ Line int } }
		Source *struct {
			Path    string   `json:"path"`
			Chart   string   `json:"chart"`
			Values  []string `json:"values"`
			Renders []string `json:"renders"`
		} `json:"source"`
	} `json:"findings"`
}

func lintReport(t *testing.T, args ...string) (int, jsonReport, string) {
	t.Helper()
	code, out, errOut := runCLI(t, "", append([]string{"lint", "--format", "json"}, args...)...)
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, errOut)
	}
	return code, r, errOut
}

// TestChartLint lints a chart as a user does: the findings are on the
// values and template lines, JSON says which chart, template and values
// produced each, and the summary counts the chart.
func TestChartLint(t *testing.T) {
	code, r, errOut := lintReport(t, "testdata/charts/with-ci")
	if code != ExitFindings {
		t.Errorf("exit %d, want %d", code, ExitFindings)
	}
	if !strings.Contains(errOut, "(1 chart linted)") {
		t.Errorf("the summary does not count the chart: %q", errOut)
	}
	var got []string
	for _, f := range r.Findings {
		s := f.Source
		if s == nil {
			t.Fatalf("%s %s: no source", f.Path, f.Rule)
		}
		got = append(got, f.Rule+" "+f.Path+" "+s.Path+" "+s.Chart+" "+strings.Join(s.Values, ",")+" | "+strings.Join(s.Renders, ","))
	}
	want := []string{
		"KS101 testdata/charts/with-ci/ci/debug-values.yaml templates/deployment.yaml testdata/charts/with-ci values.yaml,ci/debug-values.yaml | ",
		"KS501 testdata/charts/with-ci/templates/deployment.yaml templates/deployment.yaml testdata/charts/with-ci values.yaml | default,ci/debug-values.yaml",
		"HL007 testdata/charts/with-ci/values.yaml templates/deployment.yaml testdata/charts/with-ci values.yaml,ci/debug-values.yaml | ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestChartValuesFlags: --values and --set apply to the charts linted,
// after their values.yaml; a finding on a value from --values is on that
// file's line.
func TestChartValuesFlags(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"prod.yaml": "hostNetwork: true\n",
	})
	_, r, _ := lintReport(t, "--values", filepath.Join(dir, "prod.yaml"), "--set", "debug=true", "testdata/charts/risky")
	found := false
	for _, f := range r.Findings {
		if f.Rule == "KS102" {
			found = true
			if f.Path != filepath.Join(dir, "prod.yaml") || f.Range.Start.Line != 1 {
				t.Errorf("KS102 at %s:%d, want %s:1", f.Path, f.Range.Start.Line, filepath.Join(dir, "prod.yaml"))
			}
		}
	}
	if !found {
		t.Error("no KS102 for hostNetwork: true from --values")
	}
	code, _, errOut := runCLI(t, "", "lint", "--set", "novalue", "testdata/charts/risky")
	if code != ExitUsage || !strings.Contains(errOut, "--set novalue") {
		t.Errorf("a bad --set: exit %d, %q", code, errOut)
	}
}

// TestChartConfig: the helm section of .hardline.yaml gives a chart its
// values files and release name.
func TestChartConfig(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		".hardline.yaml":   "helm:\n  app:\n    values: [prod-values.yaml]\n    releaseName: shop\n",
		"prod-values.yaml": "privileged: true\n",
		"app/Chart.yaml":   "apiVersion: v2\nname: app\nversion: 1.0.0\n",
		"app/templates/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n" +
			"    - name: app\n      image: app:1.0\n      securityContext:\n        privileged: {{ .Values.privileged | default false }}\n",
	})
	_, r, _ := lintReport(t, filepath.Join(dir, "app"))
	var ks101 []string
	for _, f := range r.Findings {
		if f.Rule == "KS101" {
			ks101 = append(ks101, f.Path)
		}
	}
	if diff := cmp.Diff([]string{filepath.Join(dir, "prod-values.yaml")}, ks101); diff != "" {
		t.Errorf("KS101 from the configured values file (-want +got):\n%s", diff)
	}
	code, _, errOut := runCLI(t, "", "lint", "--config", writeFiles(t, map[string]string{"c.yaml": "helm:\n  app:\n    value: [x]\n"})+"/c.yaml", dir)
	if code != ExitUsage || !strings.Contains(errOut, `unknown key "value"`) {
		t.Errorf("a misspelled helm key: exit %d, %q", code, errOut)
	}
}

// TestChartTemplateNamed: naming one template of a chart lints the chart
// and reports that file's findings only.
func TestChartTemplateNamed(t *testing.T) {
	_, r, _ := lintReport(t, "testdata/charts/starter/templates/tests/test-connection.yaml")
	if len(r.Findings) == 0 {
		t.Fatal("no findings for the named template")
	}
	for _, f := range r.Findings {
		if f.Path != "testdata/charts/starter/templates/tests/test-connection.yaml" {
			t.Errorf("finding in %s, which was not named", f.Path)
		}
	}
}

// TestRelatedLocations: a rule across objects names the other object in
// JSON (related) and SARIF (relatedLocations).
func TestRelatedLocations(t *testing.T) {
	code, out, _ := runCLI(t, "", "lint", "--profile", "all", "--format", "json", "testdata/rules/KS807/fail-exposed")
	if code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	var r struct {
		Findings []struct {
			Rule    string `json:"rule"`
			Related []struct {
				Path  string `json:"path"`
				Range struct{ Start struct{ Line int } }
			} `json:"related"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range r.Findings {
		if f.Rule == "KS807" && len(f.Related) == 1 && f.Related[0].Path == "testdata/rules/KS807/fail-exposed/agent.yaml" && f.Related[0].Range.Start.Line == 15 {
			found = true
		}
	}
	if !found {
		t.Errorf("no KS807 with the DaemonSet's hostNetwork line as related: %s", out)
	}
	_, sarif, _ := runCLI(t, "", "lint", "--profile", "all", "--format", "sarif", "testdata/rules/KS807/fail-exposed")
	if !strings.Contains(sarif, `"relatedLocations"`) || !strings.Contains(sarif, "agent.yaml") {
		t.Error("SARIF has no relatedLocations for KS807")
	}
	_, full, _ := runCLI(t, "", "lint", "--profile", "all", "--format", "full", "testdata/rules/KS807/fail-exposed")
	if !strings.Contains(full, "related testdata/rules/KS807/fail-exposed/agent.yaml:15:7: DaemonSet \"agent\" runs with hostNetwork: true") {
		t.Errorf("the full format has no related line:\n%s", full)
	}
}
