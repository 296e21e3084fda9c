package analyzer

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Set rules read the objects of a whole run, not one document: a pod no
// NetworkPolicy selects, a Service that selects nothing. Like go/analysis
// facts, each set rule's Collect records what it needs of every document
// (Pass.AddFact) while documents are analyzed, and its CheckSet reads the
// facts of the run once they are all in. Facts are small values, not
// parse trees: a run over a large corpus keeps them all.

// Fact is one recorded fact: the value a rule's Collect added, and the
// scope of the objects it is about.
type Fact struct {
	Rule  *Rule
	Value any
	// Scope separates sets: "" for the plain files of a run; each render
	// (of a chart with one values set, of one overlay) is a set of its
	// own, since renders are alternatives to one another and a chart or
	// overlay holds what it deploys together.
	Scope string
}

// SetScope is the set a document's objects belong to.
type SetScope struct {
	// ID is the Fact.Scope of its facts.
	ID string
	// Namespace is where the set's objects that name no namespace go: a
	// chart's release namespace ("" when the set does not say).
	Namespace string
	// Locate maps spans of the document to the files users read (nil:
	// the document's own).
	Locate func(start, end int) Location
}

// SetPass hands a set rule the facts of one scope.
type SetPass struct {
	Rule *Rule
	// Facts are the rule's facts of the scope, in the order they were
	// collected.
	Facts []Fact
	// Scope is the scope being checked.
	Scope  string
	config func(path string) *Config
	out    *[]SetFinding
}

// Config is the configuration of a file of the set.
func (p *SetPass) Config(path string) *Config { return p.config(path) }

// Report records a finding at a location of the set.
func (p *SetPass) Report(at Location, f Finding) {
	f.Rule = p.Rule
	*p.out = append(*p.out, SetFinding{At: at, Finding: f})
}

// SetFinding is a set rule's finding with the file it is in.
type SetFinding struct {
	At Location
	Finding
}

// Related is another place a finding involves: the binding and the role
// behind a service account's reach, the policy that selects a pod.
type Related struct {
	Location
	Range   Range
	Message string
}

// AddFact records a fact of the running rule (its Collect) about the
// document; located spans come from Pass.Locate.
func (p *Pass) AddFact(v any) {
	if p.facts != nil {
		*p.facts = append(*p.facts, Fact{Rule: p.Rule, Value: v, Scope: p.set.ID})
	}
}

// Namespace is the namespace of an object of the document: its own, else
// its set's (a chart's release namespace), else the configured cluster
// default; "" when none says.
func (p *Pass) Namespace(o *Object) string {
	switch {
	case o.Namespace != "":
		return o.Namespace
	case p.set != nil && p.set.Namespace != "":
		return p.set.Namespace
	}
	return p.Config.Cluster.Namespace
}

// Locate turns a span of the document into a location of the file the
// user reads: the document's own, or for a rendered one the template,
// values or patch line it came from. Its Lines index that file.
func (p *Pass) Locate(start, end int) Location {
	if p.set != nil && p.set.Locate != nil {
		return p.set.Locate(start, end)
	}
	return Location{Path: p.Doc.Path, Start: start, End: end, Lines: p.Doc.Lines}
}

// collect runs the set rules' collectors on a document. A collector that
// panics loses its facts, not the run, and is reported to out as a rule's
// panic is (runRule) when there is an out: its checks across objects would
// otherwise pass having checked nothing.
func (e *Engine) collect(doc *Document, cfg *Config, memo *memo, facts *[]Fact, in *SetScope, out *findingChunks) {
	shared := &passRun{Doc: doc, Config: cfg, engine: e, memo: memo, facts: facts, set: in}
	for _, r := range e.rules {
		if r.Phase != SetPhase || r.Collect == nil || !cfg.Enabled(r) || r.Language != "" && r.Language != doc.Language {
			continue
		}
		p := &Pass{Rule: r, out: out, passRun: shared}
		func() {
			defer func() {
				if v := recover(); v != nil && out != nil {
					internalError(p, v)
				}
			}()
			r.Collect(p)
		}()
	}
}

// CollectFacts runs only the set rules' collectors on a document: what a
// workspace index needs of files no one has open.
func (e *Engine) CollectFacts(doc *Document, cfg *Config, in SetScope) []Fact {
	var facts []Fact
	e.collect(doc, cfg, newMemo(), &facts, &in, nil)
	return facts
}

// HasSetRules tells whether any set rule is enabled under cfg: only then
// are facts worth collecting.
func (e *Engine) HasSetRules(cfg *Config) bool {
	for _, r := range e.rules {
		if r.Phase == SetPhase && cfg.Enabled(r) {
			return true
		}
	}
	return false
}

// RunSet runs the set rules over the facts of a run, once per scope, and
// returns their findings by file, completed as Run completes findings
// (severity, range, fingerprint; namespace exclusions and suppressions
// in the file reported at).
func (e *Engine) RunSet(ctx context.Context, facts []Fact, configFor func(path string) *Config) []FileResult {
	// The facts by rule and scope, once: scopes are many (one per render).
	type group struct {
		rule  *Rule
		scope string
	}
	// Counted first, then each group sized once: its slice is not grown
	// (and copied) a dozen times on the way to thousands of facts.
	index := map[group]int{}
	var order []group
	var counts []int
	at := make([]int, len(facts))
	for i, f := range facts {
		g := group{f.Rule, f.Scope}
		j, ok := index[g]
		if !ok {
			j = len(order)
			index[g] = j
			order, counts = append(order, g), append(counts, 0)
		}
		counts[j]++
		at[i] = j
	}
	grouped := make([][]Fact, len(order))
	for j, n := range counts {
		grouped[j] = make([]Fact, 0, n)
	}
	for i, f := range facts {
		grouped[at[i]] = append(grouped[at[i]], f)
	}
	// The rules (and scopes) are independent: checked in parallel, each
	// into its own slot, read in order.
	outs := make([][]SetFinding, len(order))
	errs := make([]error, len(order))
	Parallel(len(order), func(i int) {
		g := order[i]
		if ctx.Err() != nil || g.rule.Phase != SetPhase || g.rule.CheckSet == nil {
			return
		}
		// Not the run: the rule's findings are missing, which the run
		// must say (a tool error), not pass over.
		defer func() {
			if v := recover(); v != nil {
				outs[i] = nil
				errs[i] = fmt.Errorf("internal error in rule %s across objects: %v (please report it); its findings are missing", g.rule.Code, v)
			}
		}()
		g.rule.CheckSet(&SetPass{Rule: g.rule, Facts: grouped[i], Scope: g.scope, config: configFor, out: &outs[i]})
	})
	if ctx.Err() != nil {
		return nil
	}
	var found []SetFinding
	var failed []FileResult
	for i := range order {
		found = append(found, outs[i]...)
		if errs[i] != nil {
			failed = append(failed, FileResult{Err: errs[i]})
		}
	}
	// Per file: enabled, severity, range, suppressions, fingerprints.
	failed = append(failed, reload(found)...)
	byPath := map[string]*FileResult{}
	seen := map[string]bool{}
	for _, sf := range found {
		at := sf.At
		if at.Lines == nil || at.Lines.Err() != nil || slices.ContainsFunc(sf.Related, func(r Related) bool { return r.Lines.Err() != nil }) {
			continue
		}
		cfg := configFor(at.Path)
		f := sf.Finding
		if !cfg.Enabled(f.Rule) || f.Object.Namespace != "" && cfg.namespaceExcluded(f.Rule.Code, f.Object.Namespace) {
			continue
		}
		n := len(at.Lines.Bytes())
		f.Start, f.End = clamp(at.Start, n), max(clamp(at.Start, n), clamp(at.End, n))
		f.Range = at.Lines.Range(f.Start, f.End)
		if f.Severity == 0 {
			f.Severity = cfg.SeverityOf(f.Rule)
		}
		for i := range f.Related {
			if l := f.Related[i].Lines; l != nil {
				f.Related[i].Range = l.Range(clamp(f.Related[i].Start, len(l.Bytes())), clamp(f.Related[i].End, len(l.Bytes())))
			}
		}
		key := at.Path + "\x00" + f.Rule.Code + "\x00" + f.Message + "\x00" + strconv.Itoa(f.Start)
		if seen[key] {
			continue // renders that agree on a source line: one finding
		}
		seen[key] = true
		r, ok := byPath[at.Path]
		if !ok {
			r = &FileResult{Path: at.Path, Lines: at.Lines, Checked: true}
			byPath[at.Path] = r
		}
		r.Findings = append(r.Findings, f)
	}
	var out []FileResult
	for path, r := range byPath {
		d := &Document{Path: path, Language: LanguageOf(path), Text: r.Lines.Bytes(), Lines: r.Lines, limits: configFor(path).Limits}
		if d.Language == Unknown {
			d.Language = Kubernetes
		}
		if sups := e.suppressions(d); len(sups) > 0 {
			kept := r.Findings[:0]
			for _, f := range r.Findings {
				covered := false
				for _, s := range sups {
					covered = covered || s.covers(&f)
				}
				if !covered {
					kept = append(kept, f)
				}
			}
			r.Findings = kept
		}
		r.Findings = sortFindings(r.Findings, compareFindings)
		if cfg := configFor(path); !cfg.NoFingerprints {
			for i, fp := range Fingerprints(FingerprintPath(path, cfg.FingerprintRoot), r.Lines, r.Findings) {
				r.Findings[i].Fingerprint = fp
			}
		}
		out = append(out, *r)
	}
	SortResults(out)
	return append(out, failed...)
}

// reload reads again, in parallel, the released texts (Lines.Release)
// that findings are in, and returns a result with the error for each file
// that could not be: its findings across files are missing, which the run
// must say.
func reload(found []SetFinding) []FileResult {
	var texts []*Lines
	seen := map[*Lines]bool{}
	add := func(l *Lines) {
		if l != nil && l.released != nil && !seen[l] {
			seen[l] = true
			texts = append(texts, l)
		}
	}
	for _, sf := range found {
		add(sf.At.Lines)
		for _, r := range sf.Related {
			add(r.Lines)
		}
	}
	Parallel(len(texts), func(i int) { texts[i].load() })
	var failed []FileResult
	for _, l := range texts {
		if err := l.Err(); err != nil {
			failed = append(failed, FileResult{Path: l.released.path, Err: err})
		}
	}
	return failed
}

// MergeResults makes one result of the results of one path (a file's own
// findings and the set rules' on it), in path order.
func MergeResults(rs []FileResult) []FileResult {
	index := map[string]int{}
	var out []FileResult
	for _, r := range rs {
		i, ok := index[r.Path]
		if !ok || r.Err != nil || out[i].Err != nil {
			index[r.Path] = len(out)
			out = append(out, r)
			continue
		}
		m := &out[i]
		m.Findings = append(m.Findings, r.Findings...)
		m.Checked = m.Checked || r.Checked
		m.Facts = append(m.Facts, r.Facts...)
		if m.Lines == nil {
			m.Lines = r.Lines
		}
		m.Findings = sortFindings(m.Findings, compareFindings)
	}
	SortResults(out)
	return out
}

// compareFindings orders findings by position, rule and message.
func compareFindings(a, b *Finding) int {
	if a.Start != b.Start {
		return cmp.Compare(a.Start, b.Start)
	}
	if c := strings.Compare(a.Rule.Code, b.Rule.Code); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}
