package analyzer_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

// identityMap maps a rendered stream to the one source it is a copy of.
type identityMap struct{ path string }

func (m identityMap) Locate(start, end int, _ string) (analyzer.Location, bool) {
	return analyzer.Location{Path: m.path, Start: start, End: end}, true
}

func (m identityMap) Retarget(edits []fixes.TextEdit) (string, []fixes.TextEdit, bool) {
	return m.path, edits, true
}

// TestRenderedFixesRenderOncePerChange: a fix carried back to a source is
// verified by rendering again with it applied; findings of several objects
// often carry the same fix (one values setting), which renders once, and
// without source maps (a chart's cost a second render). `fix` lints its
// new render, with them.
func TestRenderedFixesRenderOncePerChange(t *testing.T) {
	// unmarked reports every object of a stream that does not start with
	// "# marked"; the fix of each is that line, at the top.
	rule := &analyzer.Rule{Code: "XT002", Name: "unmarked", Summary: "unmarked", Severity: analyzer.Warning,
		Profile: analyzer.Baseline, Language: analyzer.Kubernetes,
		Check: func(p *analyzer.Pass) {
			if bytes.HasPrefix(p.Doc.Text, []byte("# marked")) {
				return
			}
			for _, o := range p.Doc.Objects {
				p.Report(analyzer.Finding{Start: o.Start, End: o.Start + 4, Object: o.ObjectRef, Message: "unmarked",
					Fix: func() []fixes.Fix {
						return []fixes.Fix{{Title: "mark", Safety: fixes.Safe, Edits: []fixes.TextEdit{{NewText: "# marked\n"}}}}
					}})
			}
		}}
	const path = "src.yaml"
	source := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n")
	renders := 0
	var mapped []bool
	var render func(files map[string][]byte) *analyzer.Rendered
	render = func(files map[string][]byte) *analyzer.Rendered {
		text := source
		if t, ok := files[path]; ok {
			text = t
		}
		return &analyzer.Rendered{Kind: analyzer.KustomizationRender, Root: ".", Name: ".",
			Docs:    []analyzer.RenderedDoc{{Path: path, Text: text, Map: identityMap{path}}},
			Sources: map[string][]byte{path: text},
			Rerender: func(_ context.Context, files map[string][]byte, maps bool) *analyzer.Rendered {
				renders++
				mapped = append(mapped, maps)
				return render(files)
			}}
	}
	cfg := analyzer.DefaultConfig()
	results := analyzer.NewEngine([]*analyzer.Rule{rule}).LintRendered(context.Background(), []*analyzer.Rendered{render(nil)}, &cfg, analyzer.VerifiedFixes)
	n := 0
	for _, r := range results {
		for _, f := range r.Findings {
			n++
			if len(f.Fixes) != 1 {
				t.Errorf("%s %s: fixes %+v, want the verified mark", f.Rule.Code, f.Object.Name, f.Fixes)
			}
		}
	}
	if n != 2 || renders != 1 || mapped[0] {
		t.Fatalf("%d findings verified with %d renders (mapped: %v), want 2 with 1 without maps", n, renders, mapped)
	}
	mapped = nil
	fixed := analyzer.NewEngine([]*analyzer.Rule{rule}).FixRendered(context.Background(), render(nil), &cfg,
		func(*analyzer.Finding, fixes.Fix) bool { return true })
	if len(fixed) != 1 || !bytes.HasPrefix(fixed[0].New, []byte("# marked\n")) {
		t.Fatalf("fix gave %+v", fixed)
	}
	if !slices.Contains(mapped, true) {
		t.Errorf("fix's renders (mapped: %v) had no source maps to lint the result by", mapped)
	}
}
