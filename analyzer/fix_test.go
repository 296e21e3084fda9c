package analyzer

import (
	"context"
	"testing"

	"hardline.dev/hardline/fixes"
)

// flagRule reports pods whose metadata has "flag: on" and offers three
// fixes: one right, one that breaks the YAML, one that fixes nothing.
var flagRule = &Rule{
	Code: "XX001", Name: "flag", Severity: Error, Profile: Baseline, Language: Kubernetes,
	Check: func(p *Pass) {
		for _, o := range p.Doc.Objects {
			f, ok := Lookup(Get(o.Node, "metadata"), "flag")
			if !ok || Str(f.Value) != "on" {
				continue
			}
			start, end := p.Doc.FieldSpan(f)
			doc, value := p.Doc, f.Value
			p.Report(Finding{Start: start, End: end, Object: o.ObjectRef, Message: "flag is on", Fix: func() []fixes.Fix {
				vs, ve := doc.Span(value)
				return []fixes.Fix{
					{Title: "breaks the YAML", Edits: []fixes.TextEdit{{Start: vs, End: ve, NewText: "[off"}}},
					{Title: "changes nothing that matters", Edits: []fixes.TextEdit{{Start: vs, End: ve, NewText: "'on'"}}},
					{Title: "turn it off", Edits: []fixes.TextEdit{{Start: vs, End: ve, NewText: "off"}}},
				}
			}})
		}
	},
}

func TestFixVerificationDropsBadFixes(t *testing.T) {
	e := NewEngine([]*Rule{flagRule})
	doc := Parse("p.yaml", []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  flag: on\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: q}\n"), ParseOptions{})
	findings := e.Run(context.Background(), doc, nil)
	if len(findings) != 1 {
		t.Fatalf("findings: %v", findings)
	}
	got := e.Fixes(context.Background(), doc, nil, &findings[0])
	if len(got) != 1 || got[0].Title != "turn it off" {
		t.Fatalf("verified fixes = %+v, want only the one that works", got)
	}
	fixed, applied := e.FixText(context.Background(), "p.yaml", doc.Text, ParseOptions{}, nil, func(*Finding, fixes.Fix) bool { return true })
	if len(applied) != 1 || string(fixed) != "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  flag: off\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: q}\n" {
		t.Errorf("FixText = %q, %v", fixed, applied)
	}
}
