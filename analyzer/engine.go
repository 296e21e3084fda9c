package analyzer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
)

// Config is what the engine needs to know of the user's settings.
type Config struct {
	Profile Profile
}

// Engine runs rules over documents. It is safe for concurrent use: all
// state of a run lives in the run.
type Engine struct {
	rules []*Rule
}

// NewEngine returns an engine running rules; main wires in rules.All().
func NewEngine(rules []*Rule) *Engine {
	return &Engine{rules: rules}
}

// Rules lists the engine's rules.
func (e *Engine) Rules() []*Rule { return e.rules }

// Rule finds a rule by code or name.
func (e *Engine) Rule(codeOrName string) *Rule {
	for _, r := range e.rules {
		if r.Code == codeOrName || r.Name == codeOrName {
			return r
		}
	}
	return nil
}

// Run analyzes one parsed document and returns its findings sorted by
// position, then rule code.
func (e *Engine) Run(doc *Document, cfg Config) []Finding {
	if cfg.Profile == 0 {
		cfg.Profile = Restricted
	}
	var out []Finding
	memo := map[any]any{}
	for _, r := range e.rules {
		if r.Profile > cfg.Profile || r.Language != "" && r.Language != doc.Language {
			continue
		}
		runRule(&Pass{Rule: r, Doc: doc, memo: memo, out: &out})
	}
	for i := range out {
		f := &out[i]
		if f.Severity == 0 {
			f.Severity = f.Rule.Severity
		}
		f.Start, f.End = clamp(f.Start, len(doc.Text)), clamp(f.End, len(doc.Text))
		if f.End < f.Start {
			f.End = f.Start
		}
		f.Range = doc.Lines.Range(f.Start, f.End)
		f.Fingerprint = fingerprint(doc, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Range.Start != b.Range.Start {
			if a.Range.Start.Line != b.Range.Start.Line {
				return a.Range.Start.Line < b.Range.Start.Line
			}
			return a.Range.Start.Column < b.Range.Start.Column
		}
		if a.Rule.Code != b.Rule.Code {
			return a.Rule.Code < b.Rule.Code
		}
		return a.Message < b.Message
	})
	return out
}

// runRule isolates a rule: a panic in one rule becomes a finding of that
// rule instead of taking down the CLI or the language server.
func runRule(p *Pass) {
	defer func() {
		if v := recover(); v != nil {
			start, end := p.Doc.LineSpan(1)
			p.Report(Finding{Start: start, End: end, Message: fmt.Sprintf("internal error in rule %s: %v (please report it)", p.Rule.Code, v)})
		}
	}()
	p.Rule.Check(p)
}

func clamp(v, n int) int { return max(0, min(v, n)) }

// fingerprint hashes what identifies a finding apart from where it is:
// rule, path, object, container and the offending lines' text with white
// space trimmed, so it survives edits above it and re-indentation.
func fingerprint(doc *Document, f *Finding) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", f.Rule.Code, doc.Path)
	if o := f.Object; o.Kind != "" {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", o.APIVersion, o.Kind, o.Namespace, o.Name)
	}
	fmt.Fprintf(h, "%s\x00", f.Container)
	for l := f.Range.Start.Line; l <= f.Range.End.Line && l <= doc.Lines.Count(); l++ {
		h.Write(bytes.TrimSpace(doc.Lines.Text(l)))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
