package analyzer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Engine runs rules over documents. It is safe for concurrent use: all
// state of a run lives in the run.
type Engine struct {
	rules []*Rule
	// policies holds the rules made for the Rego policy results this
	// engine has seen (PolicyRule): an engine's, so that two engines in
	// one process (a server's workspaces, tests) never share them.
	policies policyRules
}

// NewEngine returns an engine running rules; main wires in rules.All().
func NewEngine(rules []*Rule) *Engine {
	return &Engine{rules: rules}
}

// Rules lists the engine's rules.
func (e *Engine) Rules() []*Rule { return e.rules }

// Lookup finds the rules a word names: a code or name (policy codes
// included, Pass.PolicyRule), else every rule with that peer alias, with
// or without the tool's prefix (lookup).
func (e *Engine) Lookup(word string) []*Rule {
	if rs := lookup(e.rules, word); len(rs) > 0 {
		return rs
	}
	if r := e.policies.find(word); r != nil {
		return []*Rule{r}
	}
	return nil
}

// Rule finds the rule a word names when it names exactly one (Lookup).
func (e *Engine) Rule(word string) *Rule {
	if rs := e.Lookup(word); len(rs) == 1 {
		return rs[0]
	}
	return nil
}

// Run analyzes one parsed document under cfg and returns its findings,
// with severities, namespace exclusions and suppressions applied, sorted
// by position, then rule code. A cancelled ctx stops it between rules:
// it returns nil then, and the caller tells that from "no findings" by
// ctx.Err().
func (e *Engine) Run(ctx context.Context, doc *Document, cfg *Config) []Finding {
	out, _, _ := e.run(ctx, doc, cfg, nil, false)
	return out
}

// RunWithFacts is Run that also collects the set rules' facts about the
// document (set.go), as objects of the set in.
func (e *Engine) RunWithFacts(ctx context.Context, doc *Document, cfg *Config, in SetScope) ([]Finding, []Fact) {
	out, facts, _ := e.run(ctx, doc, cfg, &in, false)
	return out, facts
}

// run is Run, with the set rules' facts when in is set, and with what the
// rules found before filtering, counted for fix verification, when
// counted is set.
func (e *Engine) run(ctx context.Context, doc *Document, cfg *Config, in *SetScope, counted bool) ([]Finding, []Fact, *originals) {
	if cfg == nil {
		def := DefaultConfig()
		cfg = &def
	}
	memo := newMemo()
	runs := func(r *Rule) bool {
		return cfg.Enabled(r) && (r.Language == "" || r.Language == doc.Language) && r.Phase != SetPhase
	}
	var review []*Rule
	analysis := make([]*Rule, 0, len(e.rules))
	for _, r := range e.rules {
		if !runs(r) {
			continue
		}
		if r.Phase == ReviewPhase {
			review = append(review, r)
			continue
		}
		analysis = append(analysis, r)
	}
	var orig *originals
	if counted {
		orig = newOriginals(doc)
	}
	var found findingChunks
	var facts []Fact
	shared := &passRun{Doc: doc, Config: cfg, engine: e, memo: memo}
	if len(doc.Objects) < parallelRulesObjects {
		passes := make([]Pass, len(analysis)) // one allocation for the file's passes
		for i, r := range analysis {
			if ctx.Err() != nil {
				return nil, nil, nil
			}
			from := found.n
			passes[i] = Pass{Rule: r, out: &found, passRun: shared}
			ok := runRule(&passes[i])
			orig.add(r, ok, &found, from)
		}
		if in != nil {
			e.collect(doc, cfg, memo, &facts, in, &found)
		}
	} else {
		// A document of many objects (a generated file, a large
		// render) would keep one core busy with its rules while the
		// others idle: they run in parallel, each into its own
		// findings, taken in rule order. The set rules' facts are
		// collected meanwhile (first, the longest task), their
		// findings taken after the rules' as in the serial order.
		outs := make([]findingChunks, len(analysis))
		ok := make([]bool, len(analysis))
		var collected findingChunks
		Parallel(len(analysis)+1, func(i int) {
			switch {
			case ctx.Err() != nil:
			case i == 0:
				if in != nil {
					e.collect(doc, cfg, memo, &facts, in, &collected)
				}
			default:
				ok[i-1] = runRule(&Pass{Rule: analysis[i-1], out: &outs[i-1], passRun: shared})
			}
		})
		if ctx.Err() != nil {
			return nil, nil, nil
		}
		for i := range outs {
			orig.add(analysis[i], ok[i], &outs[i], 0)
			found.chunks = append(found.chunks, outs[i].chunks...)
			found.n += outs[i].n
		}
		found.chunks = append(found.chunks, collected.chunks...)
		found.n += collected.n
	}
	sups := e.suppressions(doc)
	for _, s := range sups {
		for _, r := range s.Rules {
			s.RuleRan = s.RuleRan || runs(r)
		}
	}
	kept := keepAll(doc, cfg, &found, sups)
	if ctx.Err() != nil {
		return nil, nil, nil
	}
	if len(review) > 0 {
		var late findingChunks
		reviewing := &passRun{Doc: doc, Config: cfg, engine: e, memo: memo, sups: sups}
		for _, r := range review {
			runRule(&Pass{Rule: r, out: &late, passRun: reviewing})
		}
		k := keeper{doc: doc, cfg: cfg, sups: sups}
		kept = late.keep(kept, k.keep)
	}
	out := sortedCopy(kept, compareFindings)
	if !cfg.NoFingerprints {
		for i, fp := range Fingerprints(fingerprintPath(doc.Path, doc.abs, cfg.FingerprintRoot), doc.Lines, out) {
			out[i].Fingerprint = fp
		}
	}
	return out, facts, orig
}

// sortFindings sorts findings stably by cmp.
func sortFindings(fs []Finding, cmp func(a, b *Finding) int) []Finding {
	sorted := true
	for i := 1; i < len(fs) && sorted; i++ {
		sorted = cmp(&fs[i], &fs[i-1]) >= 0
	}
	if sorted {
		return fs
	}
	ptrs := make([]*Finding, len(fs))
	for i := range fs {
		ptrs[i] = &fs[i]
	}
	return sortedCopy(ptrs, cmp)
}

// sortedCopy sorts findings given by pointer stably by cmp and moves them,
// in that order, into a new slice. Rules report in position order, one
// rule after the other: the findings are a few ascending runs (a file of
// 60,000 Pods has 840,000 findings in 14), which are merged pairwise, the
// earlier first on ties; any other order is sorted (sortedPtrs).
func sortedCopy(ptrs []*Finding, cmp func(a, b *Finding) int) []Finding {
	var live [][]*Finding
	from := 0
	for i := 1; i <= len(ptrs) && len(live) <= maxRuns; i++ {
		if i == len(ptrs) || cmp(ptrs[i], ptrs[i-1]) < 0 {
			live = append(live, ptrs[from:i])
			from = i
		}
	}
	if len(live) > maxRuns {
		live = [][]*Finding{sortedPtrs(ptrs, cmp)}
	}
	for len(live) > 1 {
		next := live[:0]
		for i := 0; i < len(live); i += 2 {
			if i+1 == len(live) {
				next = append(next, live[i])
				break
			}
			next = append(next, mergeTwo(live[i], live[i+1], cmp))
		}
		live = next
	}
	out := make([]Finding, 0, len(ptrs))
	for _, r := range live {
		for _, f := range r {
			out = append(out, *f)
		}
	}
	return out
}

// maxRuns is how many ascending runs sortedCopy merges; more, and it sorts.
const maxRuns = 64

// mergeTwo merges two sorted runs, a's first on ties.
func mergeTwo(a, b []*Finding, cmp func(a, b *Finding) int) []*Finding {
	out := make([]*Finding, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if cmp(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

// sortedPtrs sorts findings given by pointer stably by cmp, in place:
// findings are large, and sorting pointers then moving each finding once
// (mergeRuns) costs a fraction of swapping them. Stability comes from the
// original index as the last key: pattern-defeating quicksort with it
// takes a third of the time of a stable merge sort.
func sortedPtrs(ptrs []*Finding, cmp func(a, b *Finding) int) []*Finding {
	type entry struct {
		f *Finding
		i int
	}
	es := make([]entry, len(ptrs))
	for i, f := range ptrs {
		es[i] = entry{f, i}
	}
	slices.SortFunc(es, func(a, b entry) int {
		if c := cmp(a.f, b.f); c != 0 {
			return c
		}
		return a.i - b.i
	})
	for i, e := range es {
		ptrs[i] = e.f
	}
	return ptrs
}

// Fingerprints computes the fingerprints of a file's findings, in file
// order, hashing path for the file (FingerprintPath). A baseline of an
// older format recomputes them with the path it hashed.
func Fingerprints(path string, lines *Lines, findings []Finding) []string {
	out := make([]string, len(findings))
	var buf []byte
	for i := range findings {
		buf = fingerprintInput(buf[:0], path, lines, &findings[i])
		sum := sha256.Sum256(buf)
		out[i] = hex.EncodeToString(sum[:16])
	}
	uniqueFingerprints(out)
	return out
}

// uniqueFingerprints gives findings that agree in everything fingerprint
// hashes (the same rule on identical lines of one object) distinct values:
// code scanning and GitLab merge findings with equal fingerprints, and
// baselines count them. The n-th such finding in file order gets n hashed
// in, which keeps it stable across edits elsewhere.
func uniqueFingerprints(fps []string) {
	if len(fps) < 2 {
		return
	}
	seen := make(map[string]int, len(fps))
	for i, fp := range fps {
		if n := seen[fp]; n > 0 {
			sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", fp, n))
			fps[i] = hex.EncodeToString(sum[:16])
		}
		seen[fp]++
	}
}

// keeper completes findings (severity, range, detached strings, source)
// and drops the ones the configuration or a suppression removes, for one
// goroutine: what it clones and which suppressions it used are its own.
type keeper struct {
	doc  *Document
	cfg  *Config
	sups []*Suppression
	// used marks the suppressions that removed a finding; nil: none are
	// marked (the review phase's findings).
	used []bool
	// interned holds detach's clones.
	interned interner
}

func (k *keeper) keep(f *Finding) bool {
	doc, cfg := k.doc, k.cfg
	if f.Object.Namespace != "" && cfg.namespaceExcluded(f.Rule.Code, f.Object.Namespace) {
		return false
	}
	// A policy rule runs inside HL005, so the config's "off" for it
	// applies to its findings.
	if f.Rule.Policy && !cfg.Enabled(f.Rule) {
		return false
	}
	f.Start, f.End = clamp(f.Start, len(doc.Text)), clamp(f.End, len(doc.Text))
	if f.End < f.Start {
		f.End = f.Start
	}
	suppressed := false
	for i, s := range k.sups {
		if s.covers(f) {
			suppressed = true
			if k.used != nil {
				k.used[i] = true
			}
		}
	}
	if suppressed {
		return false
	}
	if f.Severity == 0 {
		f.Severity = cfg.SeverityOf(f.Rule)
	}
	f.Range = doc.Lines.Range(f.Start, f.End)
	f.Message, f.Container = k.detach(f.Message), k.detach(f.Container)
	f.Object = ObjectRef{APIVersion: k.detach(f.Object.APIVersion), Kind: k.detach(f.Object.Kind), Namespace: k.detach(f.Object.Namespace), Name: k.detach(f.Object.Name)}
	for i := range f.Related {
		f.Related[i].Message = k.detach(f.Related[i].Message)
	}
	if o := doc.objectAt(f.Start); o != nil && o.Source != "" {
		f.Source = &Source{Path: o.Source}
	}
	return true
}

// detach returns s, or a clone of it when it shares the document's text:
// what a rule reports outlives the text (Document.Text). A check of where
// the string lies is all most strings cost; strings repeated (a
// container's name in each of its findings) are cloned once.
func (k *keeper) detach(s string) string {
	if !sharesMemory(s, k.doc.Text) {
		return s
	}
	return k.interned.intern(s)
}

// keepAll keeps the analysis's findings (keeper.keep), in order, and marks
// the suppressions that removed some. A document of many findings is kept
// in parts on all cores.
func keepAll(doc *Document, cfg *Config, found *findingChunks, sups []*Suppression) []*Finding {
	parts := 1
	if found.n >= parallelKeepFindings {
		parts = max(1, min(len(found.chunks), 4*runtime.GOMAXPROCS(0)))
	}
	kept := make([][]*Finding, parts)
	used := make([][]bool, parts)
	Parallel(parts, func(p int) {
		k := keeper{doc: doc, cfg: cfg, sups: sups, used: make([]bool, len(sups))}
		chunks := found.chunks[p*len(found.chunks)/parts : (p+1)*len(found.chunks)/parts]
		n := 0
		for _, ch := range chunks {
			n += len(ch)
		}
		kept[p] = make([]*Finding, 0, n)
		for _, ch := range chunks {
			for i := range ch {
				if k.keep(&ch[i]) {
					kept[p] = append(kept[p], &ch[i])
				}
			}
		}
		used[p] = k.used
	})
	for _, u := range used {
		for i, ok := range u {
			sups[i].Used = sups[i].Used || ok
		}
	}
	if parts == 1 {
		return kept[0]
	}
	return slices.Concat(kept...)
}

// parallelKeepFindings is the number of findings from which keepAll runs
// in parts.
var parallelKeepFindings = 1 << 14

// parallelRulesObjects is the number of objects from which a document's
// rules run in parallel: below it, a run's files keep the cores busy, and
// rules take less time than starting goroutines for them (large CRDs are
// few objects, their time is parsing).
var parallelRulesObjects = 512

// findingChunks collects a run's findings in chunks: a file of 60,000 Pods
// has 840,000, which one growing slice would copy again at each doubling.
type findingChunks struct {
	chunks [][]Finding
	n      int
}

func (c *findingChunks) add(f Finding) {
	last := len(c.chunks) - 1
	if last < 0 || len(c.chunks[last]) == cap(c.chunks[last]) {
		size := 16
		if last >= 0 {
			size = min(2*cap(c.chunks[last]), 4096)
		}
		c.chunks = append(c.chunks, make([]Finding, 0, size))
		last++
	}
	c.chunks[last] = append(c.chunks[last], f)
	c.n++
}

// each calls fn for the findings from the from-th on.
func (c *findingChunks) each(from int, fn func(*Finding)) {
	for _, ch := range c.chunks {
		if from >= len(ch) {
			from -= len(ch)
			continue
		}
		for i := from; i < len(ch); i++ {
			fn(&ch[i])
		}
		from = 0
	}
}

// keep appends to dst the findings that ok keeps (ok may complete them).
func (c *findingChunks) keep(dst []*Finding, ok func(*Finding) bool) []*Finding {
	for _, ch := range c.chunks {
		for i := range ch {
			if ok(&ch[i]) {
				dst = append(dst, &ch[i])
			}
		}
	}
	return dst
}

// runRule isolates a rule: a panic in one rule becomes a finding of that
// rule instead of taking down the CLI or the language server. It tells
// whether the rule completed.
func runRule(p *Pass) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			internalError(p, v)
		}
	}()
	p.Rule.Check(p)
	return true
}

// internalError reports a rule's panic v at the document's first line.
func internalError(p *Pass, v any) {
	start, end := p.Doc.LineSpan(1)
	p.Report(Finding{Start: start, End: end, Message: fmt.Sprintf("internal error in rule %s: %v (please report it)", p.Rule.Code, v)})
}

func clamp(v, n int) int { return max(0, min(v, n)) }

// fingerprintInput appends to buf what a fingerprint hashes — what
// identifies a finding apart from where it is: rule, path, object,
// container and the offending lines' text with white space trimmed, so it
// survives edits above it and re-indentation — to hash it in one call
// (the language server fingerprints every finding of a file at each edit).
func fingerprintInput(buf []byte, path string, lines *Lines, f *Finding) []byte {
	buf = append(append(buf, f.Rule.Code...), 0)
	buf = append(append(buf, path...), 0)
	if o := f.Object; o.Kind != "" {
		buf = append(append(buf, o.APIVersion...), 0)
		buf = append(append(buf, o.Kind...), 0)
		buf = append(append(buf, o.Namespace...), 0)
		buf = append(append(buf, o.Name...), 0)
	}
	buf = append(append(buf, f.Container...), 0)
	for l := f.Range.Start.Line; l <= f.Range.End.Line && l <= lines.Count(); l++ {
		buf = append(append(buf, bytes.TrimSpace(lines.Text(l))...), '\n')
	}
	return buf
}

// repoRoots caches, per folder, the repository root above it ("" when
// there is none): every file of a run asks.
var repoRoots sync.Map

// FingerprintPath is the path a fingerprint hashes: relative to the
// repository root (the nearest folder above the file that holds .git),
// else relative to root when one is given (a baseline's folder), else as
// given; cleaned and slash-separated. So a baseline recorded inside a
// repository matches when the same files are linted from a parent folder,
// and "./k8s/a.yaml" and "k8s/a.yaml" are one file on every OS.
func FingerprintPath(path, root string) string {
	return fingerprintPath(path, "", root)
}

// fingerprintPath is FingerprintPath with the path's absolute form when
// the caller has it (a run resolves its paths against the working
// directory it read once; filepath.Abs reads it again, two stats a file).
func fingerprintPath(path, abs, root string) string {
	if path == "-" || path == "" {
		return path
	}
	if abs == "" {
		var err error
		if abs, err = filepath.Abs(path); err != nil {
			return filepath.ToSlash(filepath.Clean(path))
		}
	}
	base := repoRoot(filepath.Dir(abs))
	if base == "" {
		base = root
	}
	if base != "" {
		if absBase, err := filepath.Abs(base); err == nil {
			if rel, err := filepath.Rel(absBase, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(path))
}

func repoRoot(dir string) string {
	if r, ok := repoRoots.Load(dir); ok {
		return r.(string)
	}
	root := ""
	if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
		root = dir
	} else if parent := filepath.Dir(dir); parent != dir {
		root = repoRoot(parent)
	}
	repoRoots.Store(dir, root)
	return root
}
