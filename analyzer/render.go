package analyzer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"

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

// Location is a byte span of a source file.
type Location struct {
	Path       string
	Start, End int
	// Values: the span is in a values file (the value that was rendered).
	Values bool
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
	dec := yaml.NewDecoder(bytes.NewReader(text))
	n := new(yaml.Node)
	err := dec.Decode(n)
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
// renders. Results are per source file, in path order.
func (e *Engine) LintRendered(ctx context.Context, renders []*Rendered, cfg *Config) []FileResult {
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
	result := func(path string) *FileResult {
		r, ok := files[path]
		if !ok {
			r = &FileResult{Path: path, Lines: NewLines(sources[path]), Checked: true}
			files[path] = r
		}
		return r
	}
	add := func(rd *Rendered, f Finding, loc Location) {
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
			return
		}
		index[k] = len(r.Findings)
		n := len(r.Lines.Bytes())
		f.Start = clamp(loc.Start, n)
		f.End = max(f.Start, clamp(loc.End, n))
		f.Range = r.Lines.Range(f.Start, f.End)
		f.Fix, f.Fixes, f.Hint = nil, nil, nil
		r.Findings = append(r.Findings, f)
	}
	of := map[string]int{}
	for _, rd := range renders {
		of[rd.Root]++
	}
	for _, rd := range renders {
		for p, text := range rd.Sources {
			sources[p] = text
		}
		for _, doc := range rd.Docs {
			if ctx.Err() != nil {
				return nil
			}
			d := Parse(doc.Path, doc.Text, ParseOptions{Language: Kubernetes, Limits: &cfg.Limits})
			for _, f := range e.Run(ctx, d, cfg) {
				loc, ok := doc.Map.Locate(f.Start, f.End, f.Message)
				if !ok {
					loc = Location{Path: doc.Path}
				}
				// A missing field is reported at its container or
				// object; where its fix would write it is the better
				// place when that is a values file (the values.yaml
				// `securityContext: {}` that a template renders).
				if !loc.Values && f.Fix != nil {
					if fs := f.Fix(); len(fs) > 0 && len(fs[0].Edits) > 0 {
						at := fs[0].Edits[0].Start
						if l, ok := doc.Map.Locate(at, at, f.Message); ok && l.Values {
							loc = l
						}
					}
				}
				f.Source = rd.source(doc.Path)
				f.Source.Of = of[rd.Root]
				add(rd, f, loc)
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
	for _, r := range files {
		sort.SliceStable(r.Findings, func(i, j int) bool {
			a, b := r.Findings[i], r.Findings[j]
			if a.Start != b.Start {
				return a.Start < b.Start
			}
			return a.Rule.Code < b.Rule.Code
		})
		for _, f := range r.Findings {
			if s := f.Source; s != nil && len(s.Renders) == 1 {
				s.Renders = nil // one render: Values says which
			}
		}
		for i, fp := range Fingerprints(FingerprintPath(r.Path, cfg.FingerprintRoot), r.Lines, r.Findings) {
			r.Findings[i].Fingerprint = fp
		}
		out = append(out, *r)
	}
	SortResults(out)
	return out
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
