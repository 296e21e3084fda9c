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

// TestBatchesOfKeys: candidates with equal edits share a batch's check
// without joining again; a key shared by other edits (a hash collision)
// is not taken for equal edits.
func TestBatchesOfKeys(t *testing.T) {
	edit := func(start int, text string) []fixes.TextEdit {
		return []fixes.TextEdit{{Start: start, End: start + 1, NewText: text}}
	}
	cand := func(edits []fixes.TextEdit, key uint64) *candidate {
		return &candidate{start: 0, end: 10, edits: edits, key: key}
	}
	a, same := cand(edit(1, "x"), editsKey(edit(1, "x"))), cand(edit(1, "x"), editsKey(edit(1, "x")))
	// Replaces the same byte as a, with another key's hash: it overlaps a,
	// so it must not join a's batch as an equal.
	clash := cand(edit(1, "y"), a.key)
	apart := cand(edit(5, "z"), a.key)
	if editsKey(same.edits) != a.key || editsKey(clash.edits) == a.key {
		t.Fatal("editsKey: equal edits must hash equal, these others apart")
	}
	got := batchesOf([]*candidate{a, same, clash, apart})
	if len(got) != 2 {
		t.Fatalf("%d batches, want 2 (a, same and apart; clash alone)", len(got))
	}
	if ms := got[0].members[a.key]; len(ms) != 3 || ms[0] != a || ms[1] != same || ms[2] != apart {
		t.Errorf("first batch's members: %v", ms)
	}
	if edits := got[0].edits.Edits(); len(edits) != 2 {
		t.Errorf("first batch's edits: %v, want a's and apart's", edits)
	}
	if ms := got[1].members[a.key]; len(ms) != 1 || ms[0] != clash {
		t.Errorf("second batch's members: %v", ms)
	}
}
