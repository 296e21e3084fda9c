package analyzer

import (
	"fmt"
	"strings"
	"sync"

	"hardline.dev/hardline/fixes"
)

// Severity of a finding; ordered so that comparisons mean "at least".
type Severity int

const (
	Info Severity = iota + 1
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity reads "error", "warning" or "info".
func ParseSeverity(s string) (Severity, error) {
	for _, v := range []Severity{Info, Warning, Error} {
		if s == v.String() {
			return v, nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

// Profile is a cumulative set of rules: baseline ⊂ restricted ⊂ all.
type Profile int

const (
	Baseline Profile = iota + 1
	Restricted
	All
)

func (p Profile) String() string {
	switch p {
	case Baseline:
		return "baseline"
	case Restricted:
		return "restricted"
	case All:
		return "all"
	}
	return fmt.Sprintf("profile(%d)", int(p))
}

// Profiles lists the profiles that include a rule whose smallest profile is p.
func (p Profile) Profiles() []string {
	var out []string
	for q := p; q <= All; q++ {
		out = append(out, q.String())
	}
	return out
}

// ParseProfile reads "baseline", "restricted" or "all".
func ParseProfile(s string) (Profile, error) {
	for _, v := range []Profile{Baseline, Restricted, All} {
		if s == v.String() {
			return v, nil
		}
	}
	return 0, fmt.Errorf("unknown profile %q (want baseline, restricted or all)", s)
}

// RuleDoc is a rule's documentation, in the same sections for every rule.
type RuleDoc struct {
	// Why explains what the rule checks, why it matters and what an
	// attacker gains when it is ignored.
	Why string
	// Bad and Good are short examples: a failing and a passing snippet.
	Bad, Good string
	// Fix describes the rule's fixes and their safety; "" when it has none.
	Fix string
}

// Rule is a self-describing check: metadata, documentation and the
// function that reports findings. Rules are plain values, like
// go/analysis analyzers, so that listing, documenting, running and testing
// them all read the same data.
type Rule struct {
	Code     string // stable, e.g. "KS101"
	Name     string // stable kebab-case, e.g. "privileged-container"
	Summary  string // one line
	Severity Severity
	// Profile is the smallest profile that includes the rule.
	Profile Profile
	// Language is the kind of document the rule reads; "" means any.
	Language Language
	// Aliases are peer tools' IDs for the same control ("pss:privileged").
	Aliases []string
	Doc     RuleDoc
	// Phase is when the rule runs; most rules analyze the document, a
	// few review what the others found.
	Phase Phase
	// Tag tells editors how to render the rule's findings.
	Tag Tag
	// Policy marks a rule made from a user's Rego policy (PolicyRule):
	// its code comes from the policy, not from hardline.
	Policy bool
	// Pin, when set, declares that the rule reports image references
	// that pinning to a digest fixes: a fix that must ask the registry,
	// so it runs only on request (`hardline pin`, the editor's "Pin to
	// digest" when network access is allowed). It says where the
	// reference sits in a finding's span.
	Pin ImageSpan
	// ReadsOtherObjects declares that what the rule finds about an object
	// depends on other objects of the document (a ServiceAccount in the
	// same file, say). Fix verification analyzes a YAML document alone, so
	// for such a rule it runs the rule again on the original document
	// alone; for the others it counts what the run already found there.
	ReadsOtherObjects bool
	Check             func(*Pass)
	// Collect and CheckSet make a set rule (Phase SetPhase): Collect
	// records facts about each document (Pass.AddFact), CheckSet reads
	// the facts of the whole run (set.go).
	Collect  func(*Pass)
	CheckSet func(*SetPass)
}

// ImageSpan says where an image reference sits in a finding's span.
type ImageSpan int

const (
	// NoImage: the rule's findings are not about an image to pin.
	NoImage ImageSpan = iota
	// ImageIsSpan: the span is the reference (a FROM line's image).
	ImageIsSpan
	// ImageAfterKey: the span is "key: reference" (a container's image).
	ImageAfterKey
)

// Tag marks findings that editors render specially.
type Tag int

const (
	NoTag Tag = iota
	// Unnecessary findings point at text that does nothing (faded out).
	Unnecessary
	// Deprecated findings point at something deprecated (struck through).
	Deprecated
)

// Phase orders rules within a run.
type Phase int

const (
	// AnalyzePhase rules read the document.
	AnalyzePhase Phase = iota
	// ReviewPhase rules run after suppressions were applied to the other
	// rules' findings and may read Pass.Suppressions.
	ReviewPhase
	// SetPhase rules read the objects of a whole run (Collect, CheckSet).
	SetPhase
)

// lookup finds the rules a user's word names, wherever a rule code is
// accepted: a code or name names one rule; otherwise every rule that
// carries the word as a peer alias, with or without the tool's prefix
// ("pss:privileged" or "privileged", "hadolint:DL3002" or "DL3002"),
// compared without regard to case.
func lookup(rules []*Rule, word string) []*Rule {
	for _, r := range rules {
		if r.Code == word || r.Name == word {
			return []*Rule{r}
		}
	}
	var out []*Rule
	for _, r := range rules {
		for _, a := range r.Aliases {
			_, id, _ := strings.Cut(a, ":")
			if strings.EqualFold(a, word) || strings.EqualFold(id, word) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// Alias returns the rule's alias for a peer tool prefix ("pss"), or "".
func (r *Rule) Alias(tool string) string {
	for _, a := range r.Aliases {
		if t, id, ok := strings.Cut(a, ":"); ok && t == tool {
			return id
		}
	}
	return ""
}

// Finding is one problem a rule found.
type Finding struct {
	Rule     *Rule
	Severity Severity
	Message  string
	// Start and End are the byte span the finding covers; Range is the
	// same span as positions, filled in by the engine.
	Start, End int
	Range      Range
	// Object is the Kubernetes object concerned (zero for Dockerfiles).
	Object ObjectRef
	// Container is the container's name where the finding concerns one.
	Container string
	// Source says where a rendered object came from (nil for most): a
	// `# Source:` comment of helm template's output or kustomize's
	// config.kubernetes.io/origin annotation in the input, or the chart
	// or kustomization that hardline rendered.
	Source *Source
	// ScopeStart and ScopeEnd span what the finding belongs to (its
	// container, Dockerfile stage or object), for editors that group
	// findings; both zero when it belongs to the file.
	ScopeStart, ScopeEnd int
	// Fingerprint identifies the finding across edits elsewhere in the file.
	Fingerprint string
	// Fix computes the rule's fixes for the finding, best first; nil when
	// the rule has none. It runs only when fixes are asked for (a code
	// action, `fix`, JSON or SARIF output), never per keystroke.
	Fix func() []fixes.Fix
	// Fixes are Fix's results that passed verification (Engine.Fixes).
	Fixes []fixes.Fix
	// Hint is the first fix's title and safety, for outputs that mention
	// it (the terminal's "fix available", the summary's count); from the
	// verified fixes when those were computed, else as the rule offers it.
	Hint *FixHint
	// Related are other places the finding involves (set rules: the
	// policy, binding or role behind it).
	Related []Related
}

// FixHint summarises a finding's first fix.
type FixHint struct {
	Title  string
	Safety fixes.Safety
	// Explanation: a manual fix without edits, which says why there is
	// no fix to apply.
	Explanation bool
}

func hintOf(fx fixes.Fix) *FixHint {
	return &FixHint{Title: fx.Title, Safety: fx.Safety, Explanation: len(fx.Edits) == 0}
}

// Pass hands a rule one document and collects what it reports.
type Pass struct {
	Rule *Rule
	out  *findingChunks
	// The rest is the same for every rule of a run: a file runs a hundred
	// rules, and their passes are made and written on every file.
	*passRun
}

// passRun is what the passes of one run over a document share.
type passRun struct {
	Doc *Document
	// Config is the configuration the document is analyzed under (never
	// nil); rules read settings such as the target Kubernetes version.
	Config *Config
	engine *Engine
	memo   *memo
	// ids, when set, makes the pass count findings by identity instead of
	// collecting them: fix verification needs only the counts.
	ids  map[identity]int
	sups []*Suppression
	// facts and set serve set rules' collectors (set.go).
	facts *[]Fact
	set   *SetScope
}

// Suppressions lists the document's suppressions with their use, for
// review-phase rules.
func (p *Pass) Suppressions() []*Suppression { return p.sups }

// PolicyRule returns the engine's rule for a policy result's code, making
// it the first time: policies are the user's, so their rules exist only
// once policies produce them. severity is a new rule's default (error for
// deny and violation, warning for warn); summary says where it comes from.
func (p *Pass) PolicyRule(code string, severity Severity, summary string) *Rule {
	return p.engine.policies.get(code, severity, summary)
}

// Report records a finding of the running rule.
func (p *Pass) Report(f Finding) {
	p.ReportAs(p.Rule, f)
}

// ReportAs records a finding under another rule: the rule that runs Rego
// policies reports each result under its policy's rule (PolicyRule).
func (p *Pass) ReportAs(r *Rule, f Finding) {
	f.Rule = r
	if p.ids != nil {
		// As count does for a span: a finding at the very end belongs
		// to what follows.
		if f.Start < len(p.Doc.Text) {
			p.ids[identityOf(&f)]++
		}
		return
	}
	p.out.add(f)
}

// Memo returns the value build computes for key, building it once per
// document, so that views several rules read (such as the workload view of
// Kubernetes objects) are computed once. Rules of a large document run in
// parallel (Engine.run): a value is built once and then shared, so rules
// must read it, never change it.
func (p *Pass) Memo(key any, build func() any) any {
	return p.memo.get(key, build)
}

// memo holds the values of Pass.Memo for one document's passes.
type memo struct {
	mu     sync.Mutex
	values map[any]*memoValue
}

type memoValue struct {
	once sync.Once
	v    any
}

func newMemo() *memo { return &memo{values: map[any]*memoValue{}} }

func (m *memo) get(key any, build func() any) any {
	m.mu.Lock()
	e, ok := m.values[key]
	if !ok {
		e = &memoValue{}
		m.values[key] = e
	}
	m.mu.Unlock()
	e.once.Do(func() { e.v = build() })
	return e.v
}
