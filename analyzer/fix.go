package analyzer

import (
	"bytes"
	"context"
	"hash/maphash"
	"slices"
	"sort"
	"strconv"

	"hardline.dev/hardline/analyzer/yamlfast"
	"hardline.dev/hardline/fixes"
)

// YAMLEditor returns an editor for the YAML document that holds o. It is
// made once per document: learning the document's style walks all of it,
// and every fix of every finding in it asks for the editor — the items of
// a List (`kubectl get -o yaml`) share theirs.
func (d *Document) YAMLEditor(o *Object) *fixes.YAML {
	if y, ok := d.editors.Load(o.Root); ok {
		return y.(*fixes.YAML)
	}
	y, _ := d.editors.LoadOrStore(o.Root, fixes.NewYAML(d.Text, d, o.Root))
	return y.(*fixes.YAML)
}

// DockerfileEditor returns the editor for the Dockerfile, made once per
// document: every fix of every finding asks for it.
func (d *Document) DockerfileEditor() *fixes.Dockerfile {
	d.dockerfileEditorOnce.Do(func() {
		escape := '\\'
		var keywords []string
		if d.Dockerfile != nil {
			escape = d.Dockerfile.Escape
			for _, in := range d.Dockerfile.Instructions {
				keywords = append(keywords, string(d.Text[in.Start:in.Start+len(in.Keyword)]))
			}
		}
		d.dockerfileEditor = fixes.NewDockerfile(d.Text, escape, keywords)
	})
	return d.dockerfileEditor
}

// Fixes returns the finding's fixes that pass verification: applied to the
// text, the result parses without a new syntax error, the finding is gone
// and no other finding appeared. A fix that fails is dropped: it is a bug
// in the rule's fix, and no user should be offered it.
func (e *Engine) Fixes(ctx context.Context, doc *Document, cfg *Config, f *Finding) []fixes.Fix {
	return e.verifyAll(ctx, doc, cfg, nil, []*Finding{f})[0]
}

// AttachFixes computes every finding's verified fixes, for outputs that
// carry them; the closures that computed them are dropped so results do
// not keep the parse tree alive. A cancelled ctx leaves fixes unverified,
// and so left out.
func (e *Engine) AttachFixes(ctx context.Context, doc *Document, cfg *Config, findings []Finding) {
	e.attachFixes(ctx, doc, cfg, nil, findings)
}

// RunDetailed is Run with what an output reads of fixes (detail):
// verified fixes, checked against what the run found, or hints, or none.
func (e *Engine) RunDetailed(ctx context.Context, doc *Document, cfg *Config, detail FixDetail) []Finding {
	findings, _ := e.runDetailed(ctx, doc, cfg, nil, detail)
	return findings
}

// runDetailed is RunDetailed with the set rules' facts when in is set.
func (e *Engine) runDetailed(ctx context.Context, doc *Document, cfg *Config, in *SetScope, detail FixDetail) ([]Finding, []Fact) {
	findings, facts, counts := e.run(ctx, doc, cfg, in, detail == VerifiedFixes)
	switch detail {
	case VerifiedFixes:
		e.attachFixes(ctx, doc, cfg, counts, findings)
	case FixHints:
		e.AttachHints(findings)
	}
	return findings, facts
}

// attachFixes is AttachFixes with the counts of the run that found the
// findings (run), when the caller has them.
func (e *Engine) attachFixes(ctx context.Context, doc *Document, cfg *Config, orig *originals, findings []Finding) {
	ptrs := make([]*Finding, len(findings))
	for i := range findings {
		ptrs[i] = &findings[i]
	}
	for i, fs := range e.verifyAll(ctx, doc, cfg, orig, ptrs) {
		findings[i].Fixes = fs
		findings[i].Fix = nil
		findings[i].Hint = nil
		if len(fs) > 0 {
			findings[i].Hint = hintOf(fs[0])
		}
	}
}

// AttachHints gives each finding that has a fix its first fix's title and
// safety as the rule offers it, without verifying it: verification is
// what `fix`, the editor's actions and the JSON and SARIF outputs pay for;
// a terminal's "fix available" and the summary's count need only this.
// Findings with the same hint share it (hints are never modified): a file
// of many workloads has a few distinct hints and many findings.
func (e *Engine) AttachHints(findings []Finding) {
	// A document's fixes may be computed concurrently (they read it, and
	// Pass.Memo's values): many findings are spread over the cores.
	hints := make([]FixHint, len(findings))
	has := make([]bool, len(findings))
	hint := func(i int) {
		if f := &findings[i]; f.Hint == nil && f.Fix != nil {
			if fs := f.Fix(); len(fs) > 0 {
				hints[i], has[i] = FixHint{Title: fs[0].Title, Safety: fs[0].Safety, Explanation: len(fs[0].Edits) == 0}, true
			}
		}
	}
	inBatches(len(findings), hint)
	shared := map[FixHint]*FixHint{}
	for i, k := range hints {
		if !has[i] {
			continue
		}
		h, ok := shared[k]
		if !ok {
			h = &k // a copy: a pointer into hints would keep them all
			shared[k] = h
		}
		findings[i].Hint = h
	}
}

// hintBatch is how many findings' fixes a goroutine computes: from two
// batches on, they are spread over the cores (inBatches).
var hintBatch = 512

// inBatches calls fn for 0..n-1, in batches of hintBatch on all cores when
// there are several: computing many findings' fixes, which may run
// concurrently (they read the document and Pass.Memo's values).
func inBatches(n int, fn func(i int)) {
	if batch := hintBatch; n < 2*batch {
		for i := range n {
			fn(i)
		}
	} else {
		Parallel((n+batch-1)/batch, func(b int) {
			for i := b * batch; i < min((b+1)*batch, n); i++ {
				fn(i)
			}
		})
	}
}

// candidate is one fix of one finding, placed in the span it is verified in.
type candidate struct {
	finding *Finding
	fix     fixes.Fix
	// start, end: the span re-parsed to verify (the YAML document holding
	// the object, or the whole file); edits are shifted into it.
	start, end int
	edits      []fixes.TextEdit
	key        uint64 // editsKey(edits): candidates of one span with equal edits have equal keys
	ok         bool
}

// verifyAll verifies the fixes of many findings of one document. Re-parsing
// is the cost, so candidates are grouped: per span, fixes that do not
// overlap, or only insert at one place (fixes.Join), are applied together
// and checked with one parse; a group that fails is checked fix by fix.
// Equal edits (one pod-level setting offered for each container) are
// verified once. A cancelled ctx stops the checks: what was not verified
// is not offered. orig, when set, holds what the run under cfg found in
// doc.
func (e *Engine) verifyAll(ctx context.Context, doc *Document, cfg *Config, orig *originals, findings []*Finding) [][]fixes.Fix {
	if cfg == nil {
		def := DefaultConfig()
		cfg = &def
	}
	v := &verifier{e: e, doc: doc, cfg: cfg, orig: orig, before: map[[2]int]map[identity]int{}}
	// The original's side of each check, the analysis of the spans the
	// findings are in, runs while the fixes are computed (the document is
	// immutable), span by span on all cores.
	var spans [][2]int
	seen := map[[2]int]bool{}
	for _, f := range findings {
		if f.Fix == nil {
			continue
		}
		if sp := v.spanOf(f); !seen[sp] {
			seen[sp] = true
			spans = append(spans, sp)
		}
	}
	analyzed := make(chan struct{})
	go func() {
		ids := make([]map[identity]int, len(spans))
		Parallel(len(spans), func(i int) { ids[i] = v.originalOf(spans[i][0], spans[i][1]) })
		for i, sp := range spans {
			v.before[sp] = ids[i]
		}
		close(analyzed)
	}()
	// Each finding's fixes are computed and placed in their spans on all
	// cores: fixes read the document, which does not change. explanations
	// are manual fixes without edits: why there is no fix to apply.
	// Nothing changes, so nothing is verified.
	placed := make([][]*candidate, len(findings))
	explained := make([][]fixes.Fix, len(findings))
	inBatches(len(findings), func(i int) {
		f := findings[i]
		if f.Fix == nil {
			return
		}
		for _, fx := range f.Fix() {
			if len(fx.Edits) == 0 && fx.Safety == fixes.Manual {
				explained[i] = append(explained[i], fx)
			} else if c := v.place(f, fx); c != nil {
				placed[i] = append(placed[i], c)
			}
		}
	})
	// Candidates by span, in the findings' order: batching depends on it.
	var order [][2]int
	bySpan := map[[2]int][]*candidate{}
	for _, cs := range placed {
		for _, c := range cs {
			span := [2]int{c.start, c.end}
			if _, ok := bySpan[span]; !ok {
				order = append(order, span)
			}
			bySpan[span] = append(bySpan[span], c)
		}
	}
	// Each span's candidates go into batches of edit sets that do not
	// overlap; spans are independent, so they are batched in parallel.
	spanBatches := make([][]*batch, len(order))
	Parallel(len(order), func(i int) { spanBatches[i] = batchesOf(bySpan[order[i]]) })
	var batches []*batch
	for _, bs := range spanBatches {
		batches = append(batches, bs...)
	}
	// Batches are independent and each sets only its own candidates, so
	// they are checked in parallel once the original's counts are known
	// (a fix that reaches outside its document is checked in the file).
	<-analyzed
	for _, b := range batches {
		v.original(b.start, b.end)
	}
	Parallel(len(batches), func(i int) {
		if ctx.Err() != nil {
			return
		}
		b := batches[i]
		if len(b.members) > 1 && v.check(b.start, b.end, b.edits.Edits(), allOf(b.members)) {
			for _, ms := range b.members {
				for _, c := range ms {
					c.ok = true
				}
			}
			return
		}
		for _, ms := range b.members {
			for _, c := range ms {
				c.ok = v.check(b.start, b.end, c.edits, []*candidate{c})
			}
		}
	})
	out := make([][]fixes.Fix, len(findings))
	for i, cs := range placed {
		for _, c := range cs {
			if c.ok {
				out[i] = append(out[i], c.fix)
			}
		}
		out[i] = append(out[i], explained[i]...)
	}
	return out
}

// batch is candidates of one span whose edits are checked together.
type batch struct {
	start, end int
	edits      *fixes.Joiner
	// members by candidate key: equal edits are checked once. The first
	// of each key's members has edits the batch joined; the others have
	// equal edits or (keys that collide) joined theirs too.
	members map[uint64][]*candidate
}

// batchesOf groups one span's candidates, in order, into batches: each
// joins the first batch its edits join (fixes.Joiner), else starts one.
func batchesOf(cands []*candidate) []*batch {
	var out []*batch
next:
	for _, c := range cands {
		for _, b := range out {
			ms := b.members[c.key]
			if len(ms) > 0 && slices.Equal(ms[0].edits, c.edits) {
				b.members[c.key] = append(ms, c)
				continue next
			}
			if b.edits.Join(c.edits) != nil {
				continue
			}
			b.members[c.key] = append(ms, c)
			continue next
		}
		out = append(out, &batch{start: c.start, end: c.end, edits: fixes.NewJoiner(c.edits),
			members: map[uint64][]*candidate{c.key: {c}}})
	}
	return out
}

func allOf(m map[uint64][]*candidate) []*candidate {
	var out []*candidate
	for _, ms := range m {
		out = append(out, ms...)
	}
	return out
}

// verifier holds what verification of one document's fixes shares.
type verifier struct {
	e    *Engine
	doc  *Document
	cfg  *Config
	orig *originals // the run's counts, or nil
	// before holds the identities found in each span of the original.
	before map[[2]int]map[identity]int
}

// spanOf is the span a finding's fixes are verified in: the YAML document
// that holds its object, or the whole file.
func (v *verifier) spanOf(f *Finding) [2]int {
	if o := v.objectOf(f); o != nil {
		return [2]int{o.DocStart, o.DocEnd}
	}
	return [2]int{0, len(v.doc.Text)}
}

// place finds the span a fix is verified in and shifts its edits there.
func (v *verifier) place(f *Finding, fx fixes.Fix) *candidate {
	if len(fx.Edits) == 0 {
		return nil
	}
	sp := v.spanOf(f)
	start, end := sp[0], sp[1]
	if start != 0 || end != len(v.doc.Text) {
		for _, e := range fx.Edits {
			if e.Start < start || e.End > end {
				start, end = 0, len(v.doc.Text) // reaches outside: verify the file
				break
			}
		}
	}
	edits := fixes.Sorted(fx.Edits)
	for i := range edits {
		edits[i].Start -= start
		edits[i].End -= start
	}
	return &candidate{finding: f, fix: fx, start: start, end: end, edits: edits, key: editsKey(edits)}
}

// editsKey hashes edits: equal edits, equal keys.
func editsKey(edits []fixes.TextEdit) uint64 {
	var h maphash.Hash
	h.SetSeed(editsSeed)
	for _, e := range edits {
		maphash.WriteComparable(&h, e)
	}
	return h.Sum64()
}

var editsSeed = maphash.MakeSeed()

// appendEdits appends sorted edits to a key, each as " start,end,length:text":
// equal keys, equal edits.
func appendEdits(key []byte, edits []fixes.TextEdit) []byte {
	for _, e := range edits {
		key = append(strconv.AppendInt(append(key, ' '), int64(e.Start), 10), ',')
		key = append(strconv.AppendInt(key, int64(e.End), 10), ',')
		key = append(strconv.AppendInt(key, int64(len(e.NewText)), 10), ':')
		key = append(key, e.NewText...)
	}
	return key
}

// check applies edits to the span [start, end) and re-runs every rule
// there: each candidate's finding must be gone, no finding may appear
// that was not there (a fix must not trade one problem for another), and
// no syntax error.
func (v *verifier) check(start, end int, edits []fixes.TextEdit, cands []*candidate) bool {
	before := v.doc.Text[start:end]
	after, err := fixes.Apply(before, edits)
	if err != nil || bytes.Equal(after, before) {
		return false
	}
	was := v.original(start, end)
	// The fixed document is only counted, then dropped: its trees reuse
	// the memory of earlier ones.
	fixed := Parse(v.doc.Path, after, ParseOptions{Language: v.doc.Language, Skim: v.doc.skim, arena: arenas.Get().(*yamlfast.Arena)})
	now := v.identities(fixed)
	fixed.releaseTrees()
	for id, n := range now {
		if n > was[id] {
			return false
		}
	}
	for _, c := range cands {
		target := identityOf(c.finding)
		if now[target] >= was[target] {
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

// identityOf leaves out the object's apiVersion: a migration to a newer
// API changes it, and the object's other findings are still the same ones.
func identityOf(f *Finding) identity {
	obj := f.Object
	obj.APIVersion = ""
	return identity{f.Rule, obj, f.Container}
}

// syntaxIdentity counts a document's syntax problems among its identities.
var syntaxIdentity = identity{container: "\x00syntax"}

// identities runs every analysis rule of the document's language and
// counts findings by identity.
func (v *verifier) identities(doc *Document) map[identity]int {
	ids := map[identity]int{syntaxIdentity: syntaxProblems(doc)}
	v.count(doc, ids, nil)
	return ids
}

// count adds to ids what the analysis rules of the document's language
// find, but for those in done, with one memo shared by the rules.
func (v *verifier) count(doc *Document, ids map[identity]int, done map[*Rule]bool) {
	var shared *passRun
	for _, r := range v.e.rules {
		if r.Phase != AnalyzePhase || r.Language != "" && r.Language != doc.Language || done[r] {
			continue
		}
		if shared == nil {
			shared = &passRun{Doc: doc, Config: v.cfg, engine: v.e, memo: newMemo(), ids: ids}
		}
		runRule(&Pass{Rule: r, passRun: shared})
	}
}

// originalOf is identities for a span of the original document: its
// objects analyzed as they are, the same view the check has of the edited
// span (a rule that looks across objects sees the span's alone on both
// sides). What the run counted there is taken as it is (originals), and
// only the other rules run.
func (v *verifier) originalOf(start, end int) map[identity]int {
	sub := v.doc.within(start, end)
	if v.orig == nil {
		return v.identities(sub)
	}
	ids, done := v.orig.counted(start, end)
	ids[syntaxIdentity] = syntaxProblems(sub)
	v.count(sub, ids, done)
	return ids
}

// original is originalOf, cached: verifyAll calls it for every span
// before checks run in parallel, which then only read the cache.
func (v *verifier) original(start, end int) map[identity]int {
	if ids, ok := v.before[[2]int{start, end}]; ok {
		return ids
	}
	ids := v.originalOf(start, end)
	v.before[[2]int{start, end}] = ids
	return ids
}

// objectOf finds the object a Kubernetes finding belongs to: the first of
// the document holding the finding with the finding's reference.
func (v *verifier) objectOf(f *Finding) *Object {
	if f.Object.Kind == "" {
		return nil
	}
	objs := v.doc.Objects
	i := sort.Search(len(objs), func(i int) bool { return objs[i].DocEnd > f.Start })
	if i == len(objs) || objs[i].DocStart > f.Start {
		return nil
	}
	return v.doc.objectIn(objs[i].DocStart, f.Object)
}

// objectKey is an object by document and reference.
type objectKey struct {
	docStart int
	ref      ObjectRef
}

// objectIn is the first object with reference ref in the YAML document
// that starts at docStart. The items of a List share their document, and
// finding each among them one by one was quadratic; the index is made
// once per document (the editor verifies each code action's fixes).
func (d *Document) objectIn(docStart int, ref ObjectRef) *Object {
	d.objectIndexOnce.Do(func() {
		d.objectIndex = make(map[objectKey]*Object, len(d.Objects))
		for _, o := range d.Objects {
			if k := (objectKey{o.DocStart, o.ObjectRef}); d.objectIndex[k] == nil {
				d.objectIndex[k] = o
			}
		}
	})
	return d.objectIndex[objectKey{docStart, ref}]
}

func syntaxProblems(d *Document) int { return syntaxProblemsIn(d, 0, len(d.Text)+1) }

// SyntaxErrors counts what does not parse in the document (HL001's
// problems): a writer compares the counts before and after an edit.
func (d *Document) SyntaxErrors() int { return syntaxProblems(d) }

// within is the document seen as its objects and problems in [start, end)
// alone; the text and positions stay the file's.
func (d *Document) within(start, end int) *Document {
	if start == 0 && end == len(d.Text) {
		return d
	}
	sub := &Document{Path: d.Path, Language: d.Language, Text: d.Text, Lines: d.Lines, Dockerfile: d.Dockerfile}
	// Objects are in stream order: from the first that starts in the
	// span (verification asks for every document of a large stream).
	objs := d.Objects
	for i := sort.Search(len(objs), func(i int) bool { return objs[i].DocStart >= start }); i < len(objs) && objs[i].DocStart < end; i++ {
		if objs[i].DocEnd <= end {
			sub.Objects = append(sub.Objects, objs[i])
		}
	}
	for _, p := range d.Problems {
		if p.Start >= start && p.Start < end {
			sub.Problems = append(sub.Problems, p)
		}
	}
	return sub
}

// syntaxProblemsIn counts the syntax problems that start in [start, end).
func syntaxProblemsIn(d *Document, start, end int) int {
	n := 0
	for _, p := range d.Problems {
		if p.Kind == SyntaxProblem && p.Start >= start && p.Start < end {
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
func (e *Engine) FixText(ctx context.Context, path string, text []byte, opts ParseOptions, cfg *Config, accept func(*Finding, fixes.Fix) bool) ([]byte, []AppliedFix) {
	r := e.fixText(ctx, path, text, opts, cfg, -1, accept)
	return r.text, r.applied
}

// FixScope is FixText for the findings of one scope: those whose
// ScopeStart is scopeStart (a container, an object, a Dockerfile stage).
// The scope is followed across rounds as edits before it shift it.
func (e *Engine) FixScope(ctx context.Context, path string, text []byte, opts ParseOptions, cfg *Config, scopeStart int, accept func(*Finding, fixes.Fix) bool) ([]byte, []AppliedFix) {
	r := e.fixText(ctx, path, text, opts, cfg, scopeStart, accept)
	return r.text, r.applied
}

// fixed is what fixText made: the text and the fixes applied, and, for a
// whole file whose last round analyzed the text returned (it found
// nothing more to fix), that analysis — what remains to be reported.
type fixed struct {
	text     []byte
	applied  []AppliedFix
	doc      *Document
	findings []Finding
}

// fixText stops at a cancelled ctx with the input unchanged: half a
// fix-all is not what was asked for.
func (e *Engine) fixText(ctx context.Context, path string, text []byte, opts ParseOptions, cfg *Config, scope int, accept func(*Finding, fixes.Fix) bool) fixed {
	orig := Parse(path, text, opts)
	var applied []AppliedFix
	var last *Document   // text, when the last round found nothing to fix
	var remain []Finding // what it found (the scope's only, when scope >= 0)
	var parsed *Document // text, parsed by the previous round's check
	for r := 0; r < maxRounds; r++ {
		doc := orig
		if r > 0 {
			doc = parsed
		}
		var picks []pick
		var taken fixes.Disjoint
		findings, _, counts := e.run(ctx, doc, cfg, nil, true)
		if scope >= 0 {
			in := findings[:0]
			for _, f := range findings {
				if f.ScopeStart == scope && f.ScopeEnd > f.ScopeStart {
					in = append(in, f)
				}
			}
			findings = in
		}
		e.attachFixes(ctx, doc, cfg, counts, findings)
		if ctx.Err() != nil {
			return fixed{text: orig.Text}
		}
		for _, f := range findings {
			fs := f.Fixes
			if len(fs) == 0 || !accept(&f, fs[0]) || taken.Overlaps(fs[0].Edits) {
				continue
			}
			taken.Add(fs[0].Edits)
			picks = append(picks, pick{AppliedFix{Rule: f.Rule, Title: fs[0].Title, Safety: fs[0].Safety, Message: f.Message}, fs[0].Edits})
		}
		if len(picks) == 0 {
			last, remain = doc, findings
			break
		}
		round := fitTogether(path, text, opts, syntaxProblems(doc), picks)
		if len(round.kept) == 0 {
			break
		}
		for _, p := range round.kept {
			applied = append(applied, p.fix)
		}
		if scope >= 0 {
			scope = shift(scope, round.edits)
		}
		text, parsed = round.text, round.parsed
	}
	final := last
	if final == nil {
		final = Parse(path, text, opts)
	}
	if syntaxProblems(final) > syntaxProblems(orig) {
		return fixed{text: orig.Text}
	}
	if scope >= 0 {
		return fixed{text: text, applied: applied}
	}
	return fixed{text: text, applied: applied, doc: last, findings: remain}
}

// pick is a fix that a round of fixText takes: what it records, and its
// edits.
type pick struct {
	fix   AppliedFix
	edits []fixes.TextEdit
}

// together is what a round makes of its picks: those kept, their edits,
// the text with those applied, and that text parsed (the next round's
// document).
type together struct {
	kept   []pick
	edits  []fixes.TextEdit
	text   []byte
	parsed *Document
}

// fitTogether applies the picks that fit together: all of them when the
// text they make has no more syntax problems than the round's document
// (limit); else each half in turn, on what the first half kept. Fixes
// verified one by one can still clash — a key renamed to the one another
// fix adds — and a round then keeps all but the clashing ones, a parse per
// halving, for the next round to fix the rest on the text they made.
// (Keeping only the first fix of such a round left fix-all short of its
// fixed point after maxRounds: fixing again changed the file.)
func fitTogether(path string, text []byte, opts ParseOptions, limit int, picks []pick) together {
	var fit func(base together, picks []pick) together
	fit = func(base together, picks []pick) together {
		edits := slices.Clone(base.edits)
		for _, p := range picks {
			edits = append(edits, p.edits...)
		}
		if next, err := fixes.Apply(text, edits); err == nil {
			if d := Parse(path, next, opts); syntaxProblems(d) <= limit {
				return together{kept: append(slices.Clone(base.kept), picks...), edits: edits, text: next, parsed: d}
			}
		}
		if len(picks) == 1 {
			return base
		}
		mid := len(picks) / 2
		return fit(fit(base, picks[:mid]), picks[mid:])
	}
	return fit(together{}, picks)
}

// shift maps an offset through edits applied to the text: edits that end
// at or before it move it; text inserted exactly at it becomes part of
// what starts there (a first field of the container), so it stays.
func shift(off int, edits []fixes.TextEdit) int {
	d := 0
	for _, e := range edits {
		if e.End <= off && !(e.Start == off && e.End == off) {
			d += len(e.NewText) - (e.End - e.Start)
		}
	}
	return off + d
}
