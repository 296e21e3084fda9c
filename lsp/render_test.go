package lsp

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"hardline.dev/hardline/internal/testenv"
)

// TestChartInTheEditor: opening a chart's files shows the rendered
// chart's findings on the values and template lines; editing a template
// in its buffer (unsaved) re-renders the chart and changes the
// diagnostics of its other files.
func TestChartInTheEditor(t *testing.T) {
	dir := testenv.CopyTree(t, filepath.Join("..", "testdata", "charts", "starter"))
	s := start(t)
	s.initialize(nil)
	values := fileURI(t, filepath.Join(dir, "values.yaml"))
	tmpl := fileURI(t, filepath.Join(dir, "templates", "deployment.yaml"))
	s.open(values, "yaml", string(mustRead(t, filepath.Join(dir, "values.yaml"))))
	got := s.diagnosticsFor(values)
	// securityContext: {} on line 26 (0-based 25) leaves the container
	// without allowPrivilegeEscalation: false.
	if !hasAt(got, "KS201", 25) || !hasAt(got, "KS401", 40) {
		t.Fatalf("values.yaml diagnostics:\n%s", summary(got))
	}

	// The values line has its quick fix, carried back to values.yaml and
	// verified by rendering again; hover explains the rule.
	var fix *codeAction
	for _, a := range s.codeActions(values, find(t, got, "KS201")) {
		if a.IsPreferred && strings.Contains(a.Title, "allowPrivilegeEscalation") {
			fix = &a
		}
	}
	if fix == nil || !strings.Contains(string(fix.Edit), "allowPrivilegeEscalation: false") || !strings.Contains(string(fix.Edit), "values.yaml") {
		t.Errorf("no quick fix of values.yaml for KS201: %+v", fix)
	}
	var hover struct {
		Contents struct{ Kind, Value string } `json:"contents"`
	}
	s.request("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": values}, "position": find(t, got, "KS201").Range.Start}, &hover)
	if !strings.Contains(hover.Contents.Value, "KS201") {
		t.Errorf("hover on the values line = %+v", hover)
	}

	// The template now writes the container's securityContext itself,
	// hardened: the values line no longer produces KS201.
	text := string(mustRead(t, filepath.Join(dir, "templates", "deployment.yaml")))
	s.open(tmpl, "yaml", text)
	if ds := s.diagnosticsFor(tmpl); len(ds) != 0 {
		t.Errorf("the template has no findings of its own yet, got:\n%s", summary(ds))
	}
	old := "{{- toYaml .Values.securityContext | nindent 12 }}"
	i := strings.Index(text, old)
	if i < 0 {
		t.Fatal("the fixture's template changed")
	}
	line := strings.Count(text[:i], "\n")
	col := i - strings.LastIndex(text[:i], "\n") - 1
	s.edit(tmpl, []lspEdit{{Range: lspRange{Start: lspPos{line, col}, End: lspPos{line, col + len(old)}},
		NewText: "allowPrivilegeEscalation: true # typed in the template"}})
	// One render publishes both files; wait for the two.
	var valuesDone, tmplDone bool
	var lastTmpl []lspDiagnostic
	for !valuesDone || !tmplDone {
		p, ok := s.nextDiagnostics("", liveness)
		if !ok {
			t.Fatalf("the render after the template changed did not publish both files (values: %v, template: %v); template:\n%s", valuesDone, tmplDone, summary(lastTmpl))
		}
		switch p.URI {
		case values:
			// The values line is no longer the cause.
			valuesDone = valuesDone || !hasAt(p.Diagnostics, "KS201", 25)
		case tmpl:
			lastTmpl = p.Diagnostics
			tmplDone = tmplDone || p.Version != nil && *p.Version == 2 && hasAt(p.Diagnostics, "KS201", line)
		}
	}
}

func hasAt(ds []lspDiagnostic, code string, line int) bool {
	return slices.ContainsFunc(ds, func(d lspDiagnostic) bool { return d.Code == code && d.Range.Start.Line == line })
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
