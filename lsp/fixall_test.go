package lsp

import (
	"strings"
	"sync/atomic"
	"testing"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

// TestFixAllOncePerVersion: a client that cannot resolve code actions gets
// the fix-all edits with every code action request, at a few rounds of
// analysis each (seconds on a large file), at every cursor move. They are
// computed once per version of the file, for safe and for unsafe fixes.
func TestFixAllOncePerVersion(t *testing.T) {
	var runs atomic.Int32
	rule := &analyzer.Rule{Code: "TEST2", Name: "counted", Summary: "counts its runs", Severity: analyzer.Error,
		Profile: analyzer.Baseline, Language: analyzer.Kubernetes,
		Check: func(p *analyzer.Pass) {
			runs.Add(1)
			for _, o := range p.Doc.Objects {
				f, ok := analyzer.Lookup(analyzer.Get(o.Node, "metadata"), "name")
				if !ok || analyzer.Str(f.Value) != "bad" {
					continue
				}
				start, end := p.Doc.Span(f.Value)
				p.Report(analyzer.Finding{Start: start, End: end, Object: o.ObjectRef, Message: "bad name",
					Fix: func() []fixes.Fix {
						return []fixes.Fix{{Title: "rename", Safety: fixes.Safe, Edits: []fixes.TextEdit{{Start: start, End: end, NewText: "good"}}}}
					}})
			}
		}}
	c, _ := inProcessWith(t, analyzer.NewEngine([]*analyzer.Rule{rule}), 0)
	c.initialize(nil)
	uri := "file:///tmp/fixall/a.yaml"
	c.open(uri, "yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n")
	if len(c.diagnosticsFor(uri)) != 1 {
		t.Fatal("want the one finding")
	}
	fixAll := func(line int, kind string) string {
		t.Helper()
		var actions []codeAction
		c.request("textDocument/codeAction", map[string]any{
			"textDocument": map[string]any{"uri": uri},
			"range":        lspRange{lspPos{line, 0}, lspPos{line, 0}},
			"context":      map[string]any{"diagnostics": []any{}, "only": []string{kind}},
		}, &actions)
		if len(actions) != 1 || !strings.Contains(string(actions[0].Edit), `"newText"`) {
			t.Fatalf("%s at line %d: %+v", kind, line, actions)
		}
		return string(actions[0].Edit)
	}
	before := runs.Load()
	first := fixAll(3, "source.fixAll")
	computed := runs.Load()
	if computed == before {
		t.Fatal("the fix-all edit was computed without analysis")
	}
	if again := fixAll(0, "source.fixAll"); again != first || runs.Load() != computed {
		t.Errorf("asked again at another line: %d more analyses, same edit: %v", runs.Load()-computed, again == first)
	}
	fixAll(1, "source.hardline.fixAllUnsafe")
	withUnsafe := runs.Load()
	if withUnsafe == computed {
		t.Error("the unsafe fix-all reused the safe one's edit")
	}
	fixAll(2, "source.hardline.fixAllUnsafe")
	if runs.Load() != withUnsafe {
		t.Error("the unsafe fix-all was computed twice for one version")
	}
	c.edit(uri, []lspEdit{{Range: lspRange{lspPos{0, 0}, lspPos{0, 0}}, NewText: "# edited\n"}})
	c.diagnosticsFor(uri)
	edited := runs.Load()
	fixAll(4, "source.fixAll")
	if runs.Load() == edited {
		t.Error("a new version reused the old version's edit")
	}
}
