package helm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"hardline.dev/hardline/analyzer"
)

func TestScanActions(t *testing.T) {
	src := "a: {{ .Values.a }}\n{{- /* a }} comment */ -}}\nb: {{ \"}}\" }} {{- `raw }}` -}}\n{{ broken"
	var got []string
	for _, a := range scanActions(src) {
		got = append(got, src[a.start:a.end]+" | "+a.inner)
	}
	want := []string{
		"{{ .Values.a }} | .Values.a",
		"{{- /* a }} comment */ -}} | /* a }} comment */",
		`{{ "}}" }} | "}}"`,
		"{{- `raw }}` -}} | `raw }}`",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
}

// TestInstrumentKeepsOutput checks that marks never change what a
// template writes: stripped of them, the marked render is the render.
func TestInstrumentKeepsOutput(t *testing.T) {
	chart := writeChart(t, map[string]string{
		"values.yaml": "sc:\n  runAsUser: 1000\nname: web\nitems: [a, b]\n",
		"templates/_helpers.tpl": `{{- define "t.labels" -}}
app: {{ .Values.name }}
{{- end }}
{{- define "t.name" -}}{{ .Values.name | trunc 63 }}{{- end }}`,
		"templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "t.name" . }}-{{ .Release.Name }}
  labels:
    {{- include "t.labels" . | nindent 4 }}
data:
  {{- with .Values.sc }}
  sc: {{ toYaml . | quote }}
  {{- end }}
  {{- range .Values.items }}
  item-{{ . }}: "x"
  {{- end }}
  eq: {{ eq (include "t.name" .) "web" | quote }}
`,
	})
	rs := Renders(context.Background(), chart, Options{})
	if len(rs) != 1 || len(rs[0].Docs) != 1 {
		t.Fatalf("want one render of one template, got %+v", rs)
	}
	m := rs[0].Docs[0].Map.(*templateMap)
	if m.marked == nil {
		t.Fatal("the marked render failed")
	}
	if got, want := m.marked.text, string(rs[0].Docs[0].Text); got != want {
		t.Errorf("the marked render, marks out, differs:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(want(rs), `eq: "true"`) {
		t.Errorf("an inline define compared with eq must not be marked:\n%s", want(rs))
	}
}

func want(rs []*analyzer.Rendered) string { return string(rs[0].Docs[0].Text) }

func TestBlockDefines(t *testing.T) {
	got := blockDefines([]string{
		`{{ include "pod" . | nindent 6 }}{{ include "name" . }}{{ include "labels" . | nindent 4 }}`,
		`{{- if eq (include "labels" .) "" }}{{ end }}{{ template "tpl" . }}{{ include "tpl" . | nindent 2 }}`,
	})
	if diff := cmp.Diff(map[string]bool{"pod": true}, got); diff != "" {
		t.Errorf("block defines (-want +got):\n%s", diff)
	}
}

func TestAlignLines(t *testing.T) {
	// "sum" differs in place and pairs; "x" has no partner.
	a := []string{"a\n", "b\n", "sum: 1\n", "c\n", "d\n"}
	b := []string{"a\n", "b\n", "sum: 2\n", "c\n", "x\n", "d\n"}
	if diff := cmp.Diff([]int{0, 1, 2, 3, 5}, alignLines(a, b)); diff != "" {
		t.Errorf("alignment (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{0, 1, 2}, alignLines([]string{"a", "sum: 1", "c"}, []string{"a", "sum: 2", "c"})); diff != "" {
		t.Errorf("lines that differ in place pair (-want +got):\n%s", diff)
	}
}

func TestSplitLikeHelm(t *testing.T) {
	got, inserted := splitLikeHelm("a: 1\n---# note\nb: 2\n--- \nc: 3\n----\n")
	if want := "a: 1\n---\n# note\nb: 2\n--- \nc: 3\n----\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if diff := cmp.Diff([]int{8}, inserted); diff != "" {
		t.Errorf("inserted (-want +got):\n%s", diff)
	}
	m := &templateMap{inserted: inserted}
	for linted, plain := range map[int]int{0: 0, 8: 8, 9: 8, 12: 11} {
		if got := m.unsplit(linted); got != plain {
			t.Errorf("unsplit(%d) = %d, want %d", linted, got, plain)
		}
	}
}

func TestExternalRef(t *testing.T) {
	for schema, want := range map[string]string{
		`{"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"a": {"$ref": "#/definitions/a"}}}`: "",
		`{"properties": {"a": {"$ref": "https://example.com/s.json"}}}`:                                            "https://example.com/s.json",
		`{"allOf": [{"$ref": "file://../values.schema.json"}]}`:                                                    "file://../values.schema.json",
		`{"$schema": "https://example.com/meta"}`:                                                                  "https://example.com/meta",
	} {
		if got := externalRef([]byte(schema)); got != want {
			t.Errorf("externalRef(%s) = %q, want %q", schema, got, want)
		}
	}
}

// TestBadCharts: every broken chart gives a finding in bounded time,
// never a panic or a hang.
func TestBadCharts(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]string
		want  string
	}{
		"unknown function": {map[string]string{"templates/a.yaml": "a: {{ frobnicate . }}\n"}, `function "frobnicate" not defined`},
		"include recursion": {map[string]string{
			"templates/_h.tpl": `{{- define "loop" }}{{ include "loop" . }}{{ end }}`,
			"templates/a.yaml": "a: {{ include \"loop\" . }}\n",
		}, "rendering template has a nested reference name: loop"},
		"fail":               {map[string]string{"templates/a.yaml": "{{ fail \"no way\" }}\n"}, "no way"},
		"bad values":         {map[string]string{"values.yaml": "a: [\n", "templates/a.yaml": "a: 1\n"}, "values.yaml"},
		"schema violation":   {map[string]string{"values.yaml": "replicas: many\n", "values.schema.json": `{"properties": {"replicas": {"type": "integer"}}}`, "templates/a.yaml": "a: 1\n"}, "schema"},
		"kubeVersion":        {map[string]string{"Chart.yaml": "apiVersion: v2\nname: old\nversion: 1.0.0\nkubeVersion: <1.20\n", "templates/a.yaml": "a: 1\n"}, "requires kubeVersion <1.20"},
		"no Chart.yaml name": {map[string]string{"Chart.yaml": "apiVersion: v2\nversion: 1.0.0\n"}, "does not load"},
		"gigabytes":          {map[string]string{"templates/a.yaml": "a: {{ repeat 2000000000 \"x\" }}\n"}, "asks for 2000000000 items"},
		"a billion items":    {map[string]string{"templates/a.yaml": "{{ range until 1000000000 }}-{{ end }}\n"}, "not rendered"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeChart(t, tc.files)
			rs := Renders(context.Background(), dir, Options{})
			var msgs []string
			for _, p := range rs[0].Problems {
				msgs = append(msgs, p.Message)
			}
			if len(msgs) != 1 || !strings.Contains(msgs[0], tc.want) {
				t.Errorf("want one problem saying %q, got %q", tc.want, msgs)
			}
		})
	}
}

// TestRenderTimeout: a render that runs past its time is abandoned and
// reported; the caller goes on.
func TestRenderTimeout(t *testing.T) {
	dir := writeChart(t, map[string]string{
		// A few seconds of work, which an abandoned render finishes in
		// the background.
		"templates/a.yaml": "{{- range until 10000 }}{{ range until 3000 }}{{ end }}{{ end }}\n",
	})
	// Wait (a liveness bound, not a speed figure) until the abandoned
	// renders end, so that other tests render again.
	defer func() {
		for deadline := time.Now().Add(2 * time.Minute); abandoned.Load() > 0 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
	}()
	for i := range maxAbandoned {
		rs := Renders(context.Background(), dir, Options{Timeout: time.Millisecond})
		if len(rs[0].Problems) != 1 || !strings.Contains(rs[0].Problems[0].Message, "took longer than 1ms") {
			t.Fatalf("render %d: want a timeout problem, got %+v", i, rs[0].Problems)
		}
	}
	// While they run, no new render starts.
	rs := Renders(context.Background(), dir, Options{Timeout: time.Minute})
	if len(rs[0].Problems) != 1 || !strings.Contains(rs[0].Problems[0].Message, "still running") {
		t.Errorf("want the render refused while %d abandoned ones run, got %+v", maxAbandoned, rs[0].Problems)
	}
}

// TestValuesLocation: a value an action reads is found in the file of
// highest precedence that has it, else where most of its path is.
func TestValuesLocation(t *testing.T) {
	chart := writeChart(t, map[string]string{
		"values.yaml": "a:\n  b: 1\n  c: {}\n",
	})
	user := filepath.Join(t.TempDir(), "prod.yaml")
	if err := os.WriteFile(user, []byte("a:\n  b: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &valueSources{
		user:   []*valuesFile{parseValues(user, []byte("a:\n  b: 2\n"), nil)},
		charts: map[string]*valuesFile{chart: parseValues(filepath.Join(chart, "values.yaml"), []byte("a:\n  b: 1\n  c: {}\n"), nil)},
		chains: map[string]chain{chart: {folders: []string{chart}}},
	}
	for _, tc := range []struct {
		path []string
		file string
		line int
	}{
		{[]string{"a", "b"}, user, 2},
		{[]string{"a", "c"}, filepath.Join(chart, "values.yaml"), 3},
		{[]string{"a", "c", "d"}, filepath.Join(chart, "values.yaml"), 3},
	} {
		loc, ok := s.locate(chart, tc.path)
		if !ok || loc.Path != tc.file {
			t.Errorf("%v: got %+v, want %s", tc.path, loc, tc.file)
			continue
		}
		text, _ := os.ReadFile(loc.Path)
		if line := analyzer.NewLines(text).Line(loc.Start); line != tc.line {
			t.Errorf("%v: line %d, want %d", tc.path, line, tc.line)
		}
	}
	if _, ok := s.locate(chart, []string{"z"}); ok {
		t.Error("a path no file has was found")
	}
}

// writeChart writes a chart (a default Chart.yaml unless given) into a
// temporary folder.
func writeChart(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "chart")
	if _, ok := files["Chart.yaml"]; !ok {
		files["Chart.yaml"] = "apiVersion: v2\nname: t\nversion: 1.0.0\n"
	}
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

// TestChartSizeLimits: a chart larger than ten times limits.maxFileBytes
// is not read, and one that renders more than that is not linted.
func TestChartSizeLimits(t *testing.T) {
	limits := analyzer.DefaultConfig().Limits
	limits.MaxFileBytes = 100
	big := writeChart(t, map[string]string{"templates/a.yaml": "a: " + strings.Repeat("x", 2000) + "\n"})
	if rs := Renders(context.Background(), big, Options{Limits: limits}); len(rs[0].Problems) != 1 || !strings.Contains(rs[0].Problems[0].Message, "larger than limits.maxFileBytes") {
		t.Errorf("a chart over the limit: %+v", rs[0].Problems)
	}
	limits.MaxFileBytes = 300
	loud := writeChart(t, map[string]string{"templates/a.yaml": "a: {{ repeat 5000 \"x\" }}\n"})
	if rs := Renders(context.Background(), loud, Options{Limits: limits}); len(rs[0].Problems) != 1 || !strings.Contains(rs[0].Problems[0].Message, "renders 5004 bytes") {
		t.Errorf("a render over the limit: %+v", rs[0].Problems)
	}
}
