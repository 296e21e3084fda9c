package analyzer

import (
	"bytes"

	"hardline.dev/hardline/fixes"
)

// YAMLEditor returns an editor for the YAML document that holds o.
func (d *Document) YAMLEditor(o *Object) *fixes.YAML { return fixes.NewYAML(d.Text, d, o.Root) }

// DockerfileEditor returns an editor for the Dockerfile.
func (d *Document) DockerfileEditor() *fixes.Dockerfile {
	escape := '\\'
	var keywords []string
	if d.Dockerfile != nil {
		escape = d.Dockerfile.Escape
		for _, in := range d.Dockerfile.Instructions {
			keywords = append(keywords, string(d.Text[in.Start:in.Start+len(in.Keyword)]))
		}
	}
	return fixes.NewDockerfile(d.Text, escape, keywords)
}

// Fixes returns the finding's fixes that pass verification: applied to the
// text, the result parses without a new syntax error, and the rule no
// longer reports the finding. A fix that fails is dropped: it is a bug in
// the rule's fix, and no user should be offered it.
func (e *Engine) Fixes(doc *Document, f *Finding) []fixes.Fix {
	if f.Fix == nil {
		return nil
	}
	v := verifier{e: e, doc: doc}
	var out []fixes.Fix
	for _, fx := range f.Fix() {
		if len(fx.Edits) > 0 && v.verify(f, fx) {
			out = append(out, fx)
		}
	}
	return out
}

// AttachFixes computes every finding's verified fixes, for outputs that
// carry them; the closures that computed them are dropped so results do
// not keep the parse tree alive.
func (e *Engine) AttachFixes(doc *Document, findings []Finding) {
	for i := range findings {
		findings[i].Fixes = e.Fixes(doc, &findings[i])
		findings[i].Fix = nil
	}
}

type verifier struct {
	e   *Engine
	doc *Document
}

// verify applies fx to the smallest unit that can be re-parsed on its own
// (the YAML document holding the object, or the whole file) and re-runs
// every rule there: the finding must be gone, no other finding may appear
// (a fix must not trade one problem for another), and no syntax error.
func (v *verifier) verify(f *Finding, fx fixes.Fix) bool {
	start, end := 0, len(v.doc.Text)
	if o := v.objectOf(f); o != nil {
		start, end = o.DocStart, o.DocEnd
	}
	shifted := make([]fixes.TextEdit, len(fx.Edits))
	for i, e := range fx.Edits {
		if e.Start < start || e.End > end {
			start, end = 0, len(v.doc.Text) // reaches outside: verify the file
			shifted = nil
			break
		}
		shifted[i] = fixes.TextEdit{Start: e.Start - start, End: e.End - start, NewText: e.NewText}
	}
	if shifted == nil {
		shifted = fx.Edits
	}
	before := v.doc.Text[start:end]
	after, err := fixes.Apply(before, shifted)
	if err != nil || bytes.Equal(after, before) {
		return false
	}
	opts := ParseOptions{Language: v.doc.Language}
	oldDoc, newDoc := Parse(v.doc.Path, before, opts), Parse(v.doc.Path, after, opts)
	if syntaxProblems(newDoc) > syntaxProblems(oldDoc) {
		return false
	}
	was, now := v.identities(oldDoc), v.identities(newDoc)
	target := identity{f.Rule, f.Object, f.Container}
	if now[target] >= was[target] {
		return false
	}
	for id, n := range now {
		if n > was[id] {
			return false
		}
	}
	return true
}

// identity is what tells findings apart across an edit: positions move,
// messages may change, the rule, object and container do not.
type identity struct {
	rule      *Rule
	object    ObjectRef
	container string
}

// identities runs every analysis rule of the document's language and
// counts findings by identity.
func (v *verifier) identities(doc *Document) map[identity]int {
	var out []Finding
	memo := map[any]any{}
	for _, r := range v.e.rules {
		if r.Phase == AnalyzePhase && (r.Language == "" || r.Language == doc.Language) {
			runRule(&Pass{Rule: r, Doc: doc, memo: memo, out: &out})
		}
	}
	ids := map[identity]int{}
	for _, g := range out {
		ids[identity{g.Rule, g.Object, g.Container}]++
	}
	return ids
}

// objectOf finds the object a Kubernetes finding belongs to.
func (v *verifier) objectOf(f *Finding) *Object {
	if f.Object.Kind == "" {
		return nil
	}
	for _, o := range v.doc.Objects {
		if o.ObjectRef == f.Object && f.Start >= o.DocStart && f.Start < o.DocEnd {
			return o
		}
	}
	return nil
}

func syntaxProblems(d *Document) int {
	n := 0
	for _, p := range d.Problems {
		if p.Kind == SyntaxProblem {
			n++
		}
	}
	return n
}

// AppliedFix records a fix that FixText applied.
type AppliedFix struct {
	Rule    *Rule
	Title   string
	Safety  fixes.Safety
	Message string
}

// maxRounds bounds fix-all: each round applies the fixes that do not
// overlap, the next ones see the result (e.g. a second field inserted into
// the securityContext the first round created).
const maxRounds = 8

// FixText applies, in rounds until nothing changes, the first verified fix
// of every finding that accept allows, and returns the new text. The
// result never has more syntax errors than the input; if it would, the
// input is returned unchanged with no fixes.
func (e *Engine) FixText(path string, text []byte, opts ParseOptions, cfg *Config, accept func(*Finding, fixes.Fix) bool) ([]byte, []AppliedFix) {
	orig := Parse(path, text, opts)
	var applied []AppliedFix
	for round := 0; round < maxRounds; round++ {
		doc := orig
		if round > 0 {
			doc = Parse(path, text, opts)
		}
		var chosen, firstEdits []fixes.TextEdit
		n := len(applied)
		for _, f := range e.Run(doc, cfg) {
			fs := e.Fixes(doc, &f)
			if len(fs) == 0 || !accept(&f, fs[0]) || fixes.Overlap(chosen, fs[0].Edits) {
				continue
			}
			if chosen == nil {
				firstEdits = fs[0].Edits
			}
			chosen = append(chosen, fs[0].Edits...)
			applied = append(applied, AppliedFix{Rule: f.Rule, Title: fs[0].Title, Safety: fs[0].Safety, Message: f.Message})
		}
		if len(applied) == n {
			break
		}
		next, err := fixes.Apply(text, chosen)
		if err != nil || syntaxProblems(Parse(path, next, opts)) > syntaxProblems(doc) {
			// Fixes verified one by one can still clash together (two
			// that add the same key): take the first alone this round.
			next, err = fixes.Apply(text, firstEdits)
			applied = applied[:n+1]
			if err != nil {
				applied = applied[:n]
				break
			}
		}
		text = next
	}
	if syntaxProblems(Parse(path, text, opts)) > syntaxProblems(orig) {
		return orig.Text, nil
	}
	return text, applied
}
