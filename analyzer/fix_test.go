package analyzer

import (
	"context"
	"fmt"
	"strings"
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

// renameRule and addRule offer fixes that are right alone and clash
// together: one renames metadata's "colour" to "color", the other adds a
// "color" to metadata without one.
var renameRule = &Rule{
	Code: "XX002", Name: "rename", Severity: Error, Profile: Baseline, Language: Kubernetes,
	Check: func(p *Pass) {
		for _, o := range p.Doc.Objects {
			if f, ok := Lookup(Get(o.Node, "metadata"), "colour"); ok {
				start, end := p.Doc.Span(f.Key)
				p.Report(Finding{Start: start, End: end, Object: o.ObjectRef, Message: "colour", Fix: func() []fixes.Fix {
					return []fixes.Fix{{Title: "rename", Edits: []fixes.TextEdit{{Start: start, End: end, NewText: "color"}}}}
				}})
			}
		}
	},
}

var addRule = &Rule{
	Code: "XX003", Name: "add", Severity: Error, Profile: Baseline, Language: Kubernetes,
	Check: func(p *Pass) {
		for _, o := range p.Doc.Objects {
			spec, ok := Lookup(o.Node, "spec")
			if _, has := Lookup(Get(o.Node, "metadata"), "color"); has || !ok {
				continue
			}
			start, end := p.Doc.Span(spec.Key)
			p.Report(Finding{Start: start, End: end, Object: o.ObjectRef, Message: "no color", Fix: func() []fixes.Fix {
				return []fixes.Fix{{Title: "add", Edits: []fixes.TextEdit{{Start: start, End: start, NewText: "  color: red\n"}}}}
			}})
		}
	},
}

// TestFixAllClashing: fixes verified one by one that clash in a round (a
// key renamed to the one another adds: a duplicate key) do not hold back
// the others: fix-all reaches its fixed point in a round or two, where
// taking the first fix alone needed a round per object and stopped short
// after maxRounds — fixing again changed the file (found by FuzzFix).
func TestFixAllClashing(t *testing.T) {
	e := NewEngine([]*Rule{renameRule, addRule})
	var text, want strings.Builder
	for i := range maxRounds + 2 {
		fmt.Fprintf(&text, "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p%d\n  colour: red\nspec: {}\n", i)
		fmt.Fprintf(&want, "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p%d\n  color: red\nspec: {}\n", i)
	}
	all := func(*Finding, fixes.Fix) bool { return true }
	fixed, applied := e.FixText(context.Background(), "p.yaml", []byte(text.String()), ParseOptions{}, nil, all)
	if string(fixed) != want.String() || len(applied) != maxRounds+2 {
		t.Fatalf("FixText applied %d fixes:\n%s", len(applied), fixed)
	}
	if again, more := e.FixText(context.Background(), "p.yaml", fixed, ParseOptions{}, nil, all); len(more) > 0 {
		t.Errorf("fixing again applied %d more:\n%s", len(more), again)
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
