package analyzer

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"unsafe"

	"hardline.dev/hardline/analyzer/yamlfast"
	"hardline.dev/hardline/fixes"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// RenderKind says what a render rendered.
type RenderKind string

const (
	ChartRender         RenderKind = "chart"
	KustomizationRender RenderKind = "kustomization"
)

// Rendered is a Helm chart or a kustomization rendered into manifests,
// with the way back from each rendered span to the file that produced it.
// Renderers (render/helm, render/kustomize) make it; the engine lints it
// and reports every finding at its source (LintRendered).
type Rendered struct {
	Kind RenderKind
	// Root is the chart's or kustomization's folder, as given.
	Root string
	// Name names the render: for a chart, "default" (its configured
	// values) or the extra values file ("ci/ha-values.yaml"); for a
	// kustomization, its folder (overlays of one base report a finding
	// in the base once, naming them).
	Name string
	// Values are the values files of a chart render, in order.
	Values []string
	Docs   []RenderedDoc
	// Problems are what rendering found wrong, at source positions.
	Problems []SourceProblem
	// Sources holds the text of every file a location may point into:
	// the renderer read them (an editor's unsaved buffers included).
	Sources map[string][]byte
	// Rerender renders the same root again with some files' text
	// replaced (by path, as Sources spells it): fixes carried back to
	// the sources are verified on the new render. mapped asks for the
	// documents' source maps (Map), which `fix` needs to lint the new
	// render; verification only compares findings, and a renderer may
	// save the work of mapping without it. Nil when the renderer cannot.
	Rerender func(ctx context.Context, files map[string][]byte, mapped bool) *Rendered
	// Namespace is where the render's objects that name no namespace
	// go: a chart's release namespace ("" for a kustomization, which
	// writes its namespace into the objects).
	Namespace string
}

// Scope is the set scope of the render's objects (Fact.Scope): one per
// render, since the renders of a chart and sibling overlays are
// alternatives that never see each other's objects.
func (rd *Rendered) Scope() string {
	if rd.Kind == ChartRender {
		return rd.Root + "#" + rd.Name
	}
	return rd.Root
}

// RenderedDoc is one rendered stream of manifests (a chart template's
// output, a kustomization's build).
type RenderedDoc struct {
	// Path names the stream: the template, or the kustomization.
	Path string
	Text []byte
	Map  SourceMap
}

// SourceMap maps a rendered span back to its source.
type SourceMap interface {
	// Locate returns where the rendered span [start, end) came from;
	// false when nothing is known (the finding goes to the stream's
	// first source then). message is the finding's: of the values that
	// make up one rendered value (an image's repository and tag), the
	// one the message quotes is the one it is about.
	Locate(start, end int, message string) (Location, bool)
}

// SourceFixer is a SourceMap that can carry a fix's edits on the
// rendered text back to the source: edits of one file (a template's own
// text, the values file the rendered value came from, the patch that set
// a field) that make the same change there. false when it cannot; the
// fix is then one to make by hand.
type SourceFixer interface {
	Retarget(edits []fixes.TextEdit) (path string, out []fixes.TextEdit, ok bool)
}

// InsertionLocator is a SourceMap that can place text inserted into the
// rendered output where its source would have written it: a key that the
// template writes under a condition that values switch off belongs to
// those values.
type InsertionLocator interface {
	LocateInsertion(at int, text string) (Location, bool)
}

// Location is a byte span of a source file.
type Location struct {
	Path       string
	Start, End int
	// Values: the span is in a values file (the value that was rendered).
	Values bool
	// Lines indexes the file, when the location's maker had it (set
	// rules' facts carry it to their findings).
	Lines *Lines
}

// SourceProblem is a problem of a render at a source position: a
// template that fails (RenderProblem, HL008) or a part not rendered
// (SkippedProblem, HL003).
type SourceProblem struct {
	Kind ProblemKind
	Location
	Message string
}

// Source says where the object of a finding on rendered input came from:
// the `# Source:` comment or origin annotation of rendered input that
// hardline reads (Path only), or the chart or kustomization hardline
// rendered.
type Source struct {
	// Path is the template or resource that produced the object.
	Path string
	// Chart is the chart's folder; Values its values files, in the
	// order they apply.
	Chart  string
	Values []string
	// Kustomization is the kustomization's folder.
	Kustomization string
	// Renders names every render that reported the finding at this
	// location (Rendered.Name), when more than one did; Of counts the
	// renders of the chart or kustomization.
	Renders []string
	Of      int
}

// ParseData decodes a YAML data file (values, a kustomization, a patch)
// under the limits, for renderers that need its nodes with positions:
// the document answers NodeStart, NodeEnd and FieldSpan; the node is the
// first YAML document's content (nil when empty or not YAML, which
// doc.Problems then says).
func ParseData(path string, text []byte, limits *Limits) (*Document, *yaml.Node) {
	d := &Document{Path: path, Language: Kubernetes, Text: text, Lines: NewLines(text), limits: DefaultConfig().Limits}
	if limits != nil {
		d.limits = *limits
	}
	var root *yaml.Node
	// The fast parser reads one document (yamlfast.Parse); a stream, or
	// what it does not read, goes to yaml.v3, which words the errors. The
	// tree's strings share the text's memory (Document.Text).
	n, ok := yamlfast.Parse(unsafe.String(unsafe.SliceData(text), len(text)))
	var err error
	switch {
	case ok && n == nil:
		err = io.EOF // only comments
	case !ok:
		n = new(yaml.Node)
		err = yaml.NewDecoder(bytes.NewReader(text)).Decode(n)
	}
	switch {
	case errors.Is(err, io.EOF):
	case err != nil:
		d.syntaxError(err, 0, len(text))
	default:
		if msg := exceedsLimits(n, d.limits); msg != "" {
			start, end := d.LineSpan(max(n.Line, 1))
			d.problem(LimitProblem, start, end, msg)
		} else if len(n.Content) == 1 {
			root = n.Content[0]
		}
	}
	return d, root
}

// LintRendered lints renders and reports each finding at its source: the
// template, values file, patch or resource line that produced it. A
// finding several renders put at one place is reported once, naming the
// renders. Results are per source file, in path order. detail says what
// findings carry of their fixes: fixes carried back to the sources
// (SourceFixer), verified by rendering again with them applied; a fix
// that cannot be carried back is one to make by hand. The set rules run
// over each render's objects, a set of its own.
func (e *Engine) LintRendered(ctx context.Context, renders []*Rendered, cfg *Config, detail FixDetail) []FileResult {
	if cfg == nil {
		def := DefaultConfig()
		cfg = &def
	}
	// One place, one rule, one object, one message: one finding, however
	// many renders reported it. (Two objects a helper writes alike keep
	// a finding each; the container is in the message.)
	type key struct {
		path       string
		code       string
		start, end int
		kind, name string
		message    string
	}
	files := map[string]*FileResult{}
	index := map[key]int{}
	sources := map[string][]byte{}
	lines := map[string]*Lines{} // one index per source file
	var facts []Fact             // of every render, for the set rules
	result := func(path string) *FileResult {
		r, ok := files[path]
		if !ok {
			if lines[path] == nil {
				lines[path] = NewLines(sources[path])
			}
			r = &FileResult{Path: path, Lines: lines[path], Checked: true}
			files[path] = r
		}
		return r
	}
	add := func(rd *Rendered, f Finding, loc Location) bool {
		k := key{loc.Path, f.Rule.Code, loc.Start, loc.End, f.Object.Kind, f.Object.Name, f.Message}
		if rd.Kind == KustomizationRender {
			// Overlays rename what their bases define: one place in a
			// base is one finding, naming the overlays.
			k.name = ""
		}
		r := result(loc.Path)
		if i, ok := index[k]; ok {
			src := r.Findings[i].Source
			if src != nil && !slices.Contains(src.Renders, rd.Name) {
				src.Renders = append(src.Renders, rd.Name)
			}
			return false
		}
		index[k] = len(r.Findings)
		n := len(r.Lines.Bytes())
		f.Start = clamp(loc.Start, n)
		f.End = max(f.Start, clamp(loc.End, n))
		f.Range = r.Lines.Range(f.Start, f.End)
		r.Findings = append(r.Findings, f)
		return true
	}
	of := map[string]int{}
	for _, rd := range renders {
		of[rd.Root]++
	}
	for _, rd := range renders {
		for p, text := range rd.Sources {
			sources[p] = text
		}
		// Every document first: verifying a fix compares the whole
		// render before and after.
		found := make([][]Finding, len(rd.Docs))
		var before []renderedID
		again := rerenders{}
		for i, doc := range rd.Docs {
			if ctx.Err() != nil {
				return nil
			}
			d := Parse(doc.Path, doc.Text, ParseOptions{Language: Kubernetes, Limits: &cfg.Limits, Skim: cfg.Skims()})
			locate := func(start, end int) Location {
				loc, ok := doc.Map.Locate(start, end, "")
				if !ok {
					loc = Location{Path: doc.Path}
				}
				if loc.Lines = lines[loc.Path]; loc.Lines == nil {
					loc.Lines = NewLines(sources[loc.Path])
					lines[loc.Path] = loc.Lines
				}
				return loc
			}
			var fs []Fact
			found[i], fs = e.RunWithFacts(ctx, d, cfg, SetScope{ID: rd.Scope(), Namespace: rd.Namespace, Locate: locate})
			facts = append(facts, fs...)
			before = append(before, renderedIDs(found[i])...)
		}
		for i, doc := range rd.Docs {
			for _, f := range found[i] {
				loc, ok := doc.Map.Locate(f.Start, f.End, f.Message)
				if !ok {
					loc = Location{Path: doc.Path}
				}
				var fs []fixes.Fix
				if f.Fix != nil {
					fs = f.Fix()
				}
				// A missing field is reported at its container or
				// object; where its fix would write it is the better
				// place when that is a values file (the values.yaml
				// `securityContext: {}` that a template renders).
				if !loc.Values && len(fs) > 0 && len(fs[0].Edits) > 0 {
					at := fs[0].Edits[0].Start
					if l, ok := doc.Map.Locate(at, at, f.Message); ok && l.Values {
						loc = l
					} else if il, ok := doc.Map.(InsertionLocator); ok {
						if l, ok := il.LocateInsertion(at, fs[0].Edits[0].NewText); ok {
							loc = l
						}
					}
				}
				f.Source = rd.source(doc.Path)
				f.Source.Of = of[rd.Root]
				f.Fix, f.Fixes, f.Hint = nil, nil, nil
				if detail != NoFixes {
					f.Fixes = carryBack(doc.Map, fs, loc.Path)
				}
				if !add(rd, f, loc) || detail != VerifiedFixes {
					continue
				}
				r := files[loc.Path]
				last := &r.Findings[len(r.Findings)-1]
				last.Fixes = e.verifyRendered(ctx, rd, cfg, last, loc.Path, before, again)
			}
		}
		for _, p := range rd.Problems {
			text := sources[p.Path]
			d := &Document{Path: p.Path, Text: text, Lines: NewLines(text), Language: LanguageOf(p.Path), limits: cfg.Limits}
			d.Problems = []Problem{{Kind: p.Kind, Start: p.Start, End: p.End, Message: p.Message}}
			for _, f := range e.Run(ctx, d, cfg) {
				f.Source = rd.source("")
				f.Source.Of = of[rd.Root]
				add(rd, f, Location{Path: p.Path, Start: f.Start, End: f.End})
			}
		}
	}
	out := make([]FileResult, 0, len(files))
	for path, r := range files {
		// A hardline:ignore comment where the finding is reported (a
		// values line, a patch) suppresses it, as in any file; those in a
		// template's text were rendered with it and already applied.
		d := &Document{Path: path, Language: Kubernetes, Text: sources[path], Lines: r.Lines, limits: cfg.Limits}
		if sups := e.suppressions(d); len(sups) > 0 {
			kept := r.Findings[:0]
			for _, f := range r.Findings {
				if !slices.ContainsFunc(sups, func(s *Suppression) bool { return s.covers(&f) }) {
					kept = append(kept, f)
				}
			}
			r.Findings = kept
		}
		r.Findings = sortFindings(r.Findings, func(a, b *Finding) int {
			if a.Start != b.Start {
				return cmp.Compare(a.Start, b.Start)
			}
			return strings.Compare(a.Rule.Code, b.Rule.Code)
		})
		for i := range r.Findings {
			f := &r.Findings[i]
			if s := f.Source; s != nil && len(s.Renders) == 1 {
				s.Renders = nil // one render: Values says which
			}
			if len(f.Fixes) > 0 {
				f.Hint = hintOf(f.Fixes[0])
			}
			if detail == FixHints {
				f.Fixes = nil // unverified: only the hint says what one would do
			}
		}
		if !cfg.NoFingerprints {
			for i, fp := range Fingerprints(FingerprintPath(r.Path, cfg.FingerprintRoot), r.Lines, r.Findings) {
				r.Findings[i].Fingerprint = fp
			}
		}
		out = append(out, *r)
	}
	if len(facts) > 0 {
		// Each render is a set of its own (its facts' scope).
		out = MergeResults(append(out, e.RunSet(ctx, facts, func(string) *Config { return cfg })...))
	}
	SortResults(out)
	return out
}

// carryBack turns a rendered finding's fixes into fixes of the file it is
// reported in: edits carried back by the source map, else a fix by hand
// (no edits) that says what to change.
func carryBack(m SourceMap, fs []fixes.Fix, path string) []fixes.Fix {
	fixer, _ := m.(SourceFixer)
	var out []fixes.Fix
	for _, fx := range fs {
		if len(fx.Edits) == 0 {
			out = append(out, fx) // says why there is no fix
			continue
		}
		if fixer != nil {
			if p, edits, ok := fixer.Retarget(fx.Edits); ok && p == path {
				out = append(out, fixes.Fix{Title: fx.Title, Safety: fx.Safety, Edits: edits})
				continue
			}
		}
		out = append(out, fixes.Fix{Title: fx.Title + " — by hand: the rendered text there is not written as is in the chart's or kustomization's files", Safety: fixes.Manual})
	}
	return out
}

// renderedID is a finding as a new render recognises it: lines move.
type renderedID struct {
	code, kind, name, container, message string
}

func renderedIDs(fs []Finding) []renderedID {
	out := make([]renderedID, len(fs))
	for i, f := range fs {
		out[i] = renderedID{f.Rule.Code, f.Object.Kind, f.Object.Name, f.Container, f.Message}
	}
	return out
}

// verifyRendered keeps the fixes of f (in the file at path) that, applied
// and rendered again, remove f and bring no finding or render problem the
// render did not have. Fixes by hand stay: they only say what to do.
// again holds the render's renders with a file changed, by change.
func (e *Engine) verifyRendered(ctx context.Context, rd *Rendered, cfg *Config, f *Finding, path string, before []renderedID, again rerenders) []fixes.Fix {
	var out []fixes.Fix
	self := renderedIDs([]Finding{*f})[0]
	for _, fx := range f.Fixes {
		if len(fx.Edits) == 0 {
			out = append(out, fx)
			continue
		}
		key := rerenderKey(path, fx.Edits)
		ids, seen := again[key]
		if !seen {
			ids = e.rerender(ctx, rd, cfg, path, fx.Edits)
			if ctx.Err() != nil {
				return out
			}
			again[key] = ids
		}
		if ids == nil {
			continue
		}
		left := map[renderedID]int{}
		for _, id := range before {
			left[id]++
		}
		good := true
		for _, id := range ids {
			if id == self || left[id] == 0 {
				good = false
			}
			left[id]--
		}
		if good {
			out = append(out, fx)
		}
	}
	return out
}

// rerenders holds what renders of one render with one file changed found,
// by the file and the change: findings of several objects often carry the
// same fix (one values.yaml setting that the chart's pods share), and a
// render costs what the first one did. A nil entry: the change did not
// render, or brought a render problem.
type rerenders map[string][]renderedID

// rerenderKey identifies a change of the file at path by edits.
func rerenderKey(path string, edits []fixes.TextEdit) string {
	return string(appendEdits(append([]byte(path), 0), fixes.Sorted(edits)))
}

// rerender renders rd again with edits applied to the file at path and
// lints the result; nil when that fails or brings a render problem.
func (e *Engine) rerender(ctx context.Context, rd *Rendered, cfg *Config, path string, edits []fixes.TextEdit) []renderedID {
	text, ok := rd.Sources[path]
	if !ok || rd.Rerender == nil {
		return nil
	}
	fixed, err := fixes.Apply(text, edits)
	if err != nil {
		return nil
	}
	again := rd.Rerender(ctx, map[string][]byte{path: fixed}, false)
	if again == nil || len(again.Problems) > len(rd.Problems) || len(again.Docs) == 0 {
		return nil
	}
	ids := []renderedID{}
	for _, doc := range again.Docs {
		d := Parse(doc.Path, doc.Text, ParseOptions{Language: Kubernetes, Limits: &cfg.Limits, Skim: cfg.Skims()})
		ids = append(ids, renderedIDs(e.Run(ctx, d, cfg))...)
	}
	return ids
}

// source is the Source of findings on the stream at path.
func (rd *Rendered) source(path string) *Source {
	s := &Source{Renders: []string{rd.Name}}
	if path != "" {
		s.Path = filepath.ToSlash(path)
		if rel, err := filepath.Rel(rd.Root, path); err == nil && !strings.HasPrefix(rel, "..") {
			s.Path = filepath.ToSlash(rel)
		}
	}
	switch rd.Kind {
	case ChartRender:
		s.Chart, s.Values = rd.Root, rd.Values
	case KustomizationRender:
		// The finding is in the resource or patch file itself.
		s.Path, s.Kustomization = "", rd.Root
	}
	return s
}

// FixRendered applies to a render's sources, in rounds until nothing
// changes, the first verified fix of every finding that accept allows,
// and returns the files it changed with what remains in them. A round's
// fixes, each verified alone, are verified together by rendering again;
// when together they bring a finding none had, the round takes its first
// fix alone.
func (e *Engine) FixRendered(ctx context.Context, rd *Rendered, cfg *Config, accept func(*Finding, fixes.Fix) bool) []FileFix {
	texts := map[string][]byte{} // the changed files, as fixed so far
	applied := map[string][]AppliedFix{}
	cur := rd
	for round := 0; round < maxRounds && ctx.Err() == nil; round++ {
		results := e.LintRendered(ctx, []*Rendered{cur}, cfg, VerifiedFixes)
		before := map[renderedID]int{}
		total := 0
		for _, r := range results {
			for _, id := range renderedIDs(r.Findings) {
				before[id]++
				total++
			}
		}
		chosen := map[string][]fixes.TextEdit{}
		taken := map[string]*fixes.Disjoint{}
		var firstPath string
		var firstEdits []fixes.TextEdit
		var batch []AppliedFix
		var batchPaths []string
		for _, r := range results {
			for i := range r.Findings {
				f := &r.Findings[i]
				if taken[r.Path] == nil {
					taken[r.Path] = &fixes.Disjoint{}
				}
				if len(f.Fixes) == 0 || len(f.Fixes[0].Edits) == 0 || !accept(f, f.Fixes[0]) || taken[r.Path].Overlaps(f.Fixes[0].Edits) {
					continue
				}
				if firstEdits == nil {
					firstPath, firstEdits = r.Path, f.Fixes[0].Edits
				}
				chosen[r.Path] = append(chosen[r.Path], f.Fixes[0].Edits...)
				taken[r.Path].Add(f.Fixes[0].Edits)
				batch = append(batch, AppliedFix{Rule: f.Rule, Title: f.Fixes[0].Title, Safety: f.Fixes[0].Safety, Message: f.Message})
				batchPaths = append(batchPaths, r.Path)
			}
		}
		if len(batch) == 0 || rd.Rerender == nil {
			break
		}
		try := func(edits map[string][]fixes.TextEdit) (map[string][]byte, *Rendered, bool) {
			next := maps.Clone(texts)
			for p, es := range edits {
				base, ok := next[p]
				if !ok {
					base = rd.Sources[p]
				}
				fixed, err := fixes.Apply(base, es)
				if err != nil {
					return nil, nil, false
				}
				next[p] = fixed
			}
			again := rd.Rerender(ctx, next, true)
			if again == nil || len(again.Problems) > len(rd.Problems) {
				return nil, nil, false
			}
			left, n := maps.Clone(before), 0
			for _, r := range e.LintRendered(ctx, []*Rendered{again}, cfg, NoFixes) {
				for _, id := range renderedIDs(r.Findings) {
					if left[id] == 0 {
						return nil, nil, false
					}
					left[id]--
					n++
				}
			}
			return next, again, n < total
		}
		next, again, ok := try(chosen)
		if !ok {
			next, again, ok = try(map[string][]fixes.TextEdit{firstPath: firstEdits})
			batch, batchPaths = batch[:1], batchPaths[:1]
		}
		if !ok {
			break
		}
		texts, cur = next, again
		for i, a := range batch {
			applied[batchPaths[i]] = append(applied[batchPaths[i]], a)
		}
	}
	// Every file with findings left is in the result, changed or not:
	// they decide the exit code.
	remaining := map[string]FileResult{}
	for _, r := range e.LintRendered(ctx, []*Rendered{cur}, cfg, NoFixes) {
		remaining[r.Path] = r
	}
	paths := slices.Collect(maps.Keys(texts))
	for p := range remaining {
		if _, ok := texts[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	var out []FileFix
	for _, p := range paths {
		r := remaining[p]
		old := rd.Sources[p]
		fixed, ok := texts[p]
		if !ok {
			fixed = old
		}
		lines := r.Lines
		if lines == nil {
			lines = NewLines(fixed)
		}
		out = append(out, FileFix{Path: p, Old: old, New: fixed, Applied: applied[p], Lines: lines, Findings: r.Findings})
	}
	return out
}
