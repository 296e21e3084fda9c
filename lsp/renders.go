package lsp

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/render"
	"hardline.dev/hardline/render/helm"
	"hardline.dev/hardline/render/kustomize"
)

// A group is a chart or a kustomization with a file open in the editor:
// its files are not analyzed one by one (a template is no manifest), the
// whole is rendered from the open buffers and the disk, and its findings
// are published on the files that produced them. The editor renders a
// chart with its default and configured values only (not ci/ files).
type group struct {
	kind analyzer.RenderKind
	root string // absolute folder

	// Guarded by Server.mu.
	timer *time.Timer
	gen   int
	// members are the files the last kustomization build read.
	members map[string]bool

	// publish serialises publishing; shown, guarded by it, lists the
	// URIs that show this group's diagnostics.
	publish sync.Mutex
	shown   map[string]bool

	// fixed caches the render with verified fixes, for code actions,
	// until the group renders again (fixedGen is the gen it was made at);
	// guarded by Server.mu.
	fixed    []analyzer.FileResult
	fixedGen int
	// last are the findings last published, by path (hover); guarded by
	// Server.mu.
	last map[string]analyzer.FileResult
}

// groupsOf returns the groups whose render path belongs to: the chart
// whose folder holds it, or the kustomizations whose builds read it
// (building the nearby ones not built yet, to learn what they read).
func (s *Server) groupsOf(ctx context.Context, path string) []*group {
	if root := s.charts.Root(path); root != "" {
		return []*group{s.group(analyzer.ChartRender, root)}
	}
	roots := s.kustomizationsNear(path)
	if len(roots) == 0 {
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil
	}
	var out []*group
	for _, root := range roots {
		g := s.group(analyzer.KustomizationRender, root)
		s.mu.Lock()
		built := g.members != nil
		s.mu.Unlock()
		if !built {
			s.renderResults(ctx, g)
		}
		s.mu.Lock()
		member := g.members[abs]
		s.mu.Unlock()
		if member {
			out = append(out, g)
		}
	}
	return out
}

// group returns the server's group for a root, made on first use.
func (s *Server) group(kind analyzer.RenderKind, root string) *group {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[root]
	if g == nil {
		g = &group{kind: kind, root: root, shown: map[string]bool{}}
		s.groups[root] = g
	}
	return g
}

// kustomizationsLevels is how far above a file the kustomizations that
// may build it are looked for: overlays usually sit two folders from
// their base (overlays/prod → ../../base).
const kustomizationLevels = 3

// kustomizationsNear returns the root kustomizations (not referred to by
// another, not components) in the folder kustomizationLevels above path
// when a kustomization sits in a folder between them.
func (s *Server) kustomizationsNear(path string) []string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil
	}
	// Cached by the file's folder: analyses run per keystroke.
	dir := filepath.Dir(abs)
	s.mu.Lock()
	roots, ok := s.kustomizeScans[dir]
	s.mu.Unlock()
	if ok {
		return roots
	}
	top := ""
	for d, i := dir, 0; i <= kustomizationLevels; i++ {
		if kustomize.Find(d) != "" || top != "" {
			top = d
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if top != "" {
		if in, err := render.Discover([]string{top}, analyzer.DiscoverOptions{}); err == nil {
			roots = in.Kustomizations
		}
	}
	s.mu.Lock()
	s.kustomizeScans[dir] = roots
	s.mu.Unlock()
	return roots
}

// scheduleGroup (re)starts a group's debounce: only the last request
// renders.
func (s *Server) scheduleGroup(g *group, delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g.timer != nil {
		g.timer.Stop()
	}
	g.gen++
	gen := g.gen
	g.timer = time.AfterFunc(delay, func() { s.renderGroup(context.Background(), g, gen) })
}

// buffers reads files for a render: an open document's text, else the
// disk.
func (s *Server) buffers(path string) ([]byte, error) {
	abs, err := filepath.Abs(path)
	if err == nil {
		s.mu.Lock()
		d := s.docs[pathURI(abs)]
		var text []byte
		if d != nil {
			text = d.text
		}
		s.mu.Unlock()
		if d != nil {
			return text, nil
		}
	}
	return os.ReadFile(path)
}

// renderGroup renders a group and, unless gen is no longer the group's
// latest request, publishes its findings on its files.
func (s *Server) renderGroup(ctx context.Context, g *group, gen int) {
	defer func() {
		if p := recover(); p != nil {
			s.logf("panic rendering %s: %v\n%s", g.root, p, debug.Stack())
		}
	}()
	began := time.Now()
	results, cfg := s.renderResults(ctx, g)
	s.mu.Lock()
	stale := gen != g.gen
	s.mu.Unlock()
	if stale {
		return
	}
	n := s.publishGroup(g, results, cfg)
	s.tracef("rendered %s %s: %d findings in %d files, in %.3f ms", g.kind, g.root, n, len(results), float64(time.Since(began).Microseconds())/1000)
}

// renderResults renders a group from the open buffers and the disk, and
// lints the render; a kustomization's build also says which files are
// its members.
func (s *Server) renderResults(ctx context.Context, g *group) ([]analyzer.FileResult, *analyzer.Config) {
	return s.renderDetail(ctx, g, analyzer.NoFixes)
}

// renderDetail is renderResults with what the findings carry of their
// fixes.
func (s *Server) renderDetail(ctx context.Context, g *group, detail analyzer.FixDetail) ([]analyzer.FileResult, *analyzer.Config) {
	file := filepath.Join(g.root, "Chart.yaml")
	if g.kind == analyzer.KustomizationRender {
		file = kustomize.Find(g.root)
	}
	cfg := s.configForPath(file)
	var rd *analyzer.Rendered
	switch g.kind {
	case analyzer.ChartRender:
		opts := render.ChartOptions(cfg, g.root, render.Options{})
		opts.Read = s.buffers
		rd = helm.Render(ctx, g.root, opts)
	default:
		var read []string
		rd, read = kustomize.Build(ctx, g.root, kustomize.Options{Read: s.buffers, Limits: cfg.Limits})
		members := map[string]bool{}
		for _, p := range read {
			members[p] = true
		}
		s.mu.Lock()
		g.members = members
		s.mu.Unlock()
	}
	var out []analyzer.FileResult
	for _, r := range s.engine.LintRendered(ctx, []*analyzer.Rendered{rd}, cfg, detail) {
		if !cfg.Excluded(r.Path) {
			out = append(out, r)
		}
	}
	return out, cfg
}

// publishGroup publishes a group's findings on its files, clears the
// files that no longer have any, and returns how many it published.
func (s *Server) publishGroup(g *group, results []analyzer.FileResult, cfg *analyzer.Config) int {
	last := map[string]analyzer.FileResult{}
	for _, r := range results {
		last[r.Path] = r
	}
	s.mu.Lock()
	g.last = last
	s.mu.Unlock()
	n := 0
	byURI := map[string][]protocol.Diagnostic{}
	for _, r := range results {
		uri := pathURI(r.Path)
		byURI[uri] = []protocol.Diagnostic{}
		for i := range r.Findings {
			byURI[uri] = append(byURI[uri], diagnostic(r.Lines, &r.Findings[i], 0, cfg.DocsURL))
			n++
		}
	}
	g.publish.Lock()
	defer g.publish.Unlock()
	// Open files of the group without findings are cleared too: they
	// may show diagnostics from before they joined it.
	s.mu.Lock()
	for uri, d := range s.docs {
		if _, ok := byURI[uri]; !ok && d.path != "" && s.inGroup(g, d.path) {
			byURI[uri] = []protocol.Diagnostic{}
		}
	}
	versions := map[string]*int32{}
	for uri := range byURI {
		if d := s.docs[uri]; d != nil {
			versions[uri] = ptr(d.version)
		}
	}
	s.mu.Unlock()
	for uri := range g.shown {
		if _, ok := byURI[uri]; !ok {
			s.publish(uri, nil, []protocol.Diagnostic{})
			delete(g.shown, uri)
		}
	}
	for uri, diags := range byURI {
		if len(diags) == 0 && !g.shown[uri] && versions[uri] == nil {
			continue
		}
		s.publish(uri, versions[uri], diags)
		g.shown[uri] = len(diags) > 0
	}
	return n
}

// inGroup tells whether path belongs to g; s.mu is held.
func (s *Server) inGroup(g *group, path string) bool {
	if g.kind == analyzer.ChartRender {
		return s.charts.Root(path) == g.root
	}
	return g.members[path]
}

// configForPath is the config of a file that need not be open: its
// .hardline.yaml (or --config), then the editor's settings.
func (s *Server) configForPath(path string) *analyzer.Config {
	s.mu.Lock()
	settings := s.settings
	s.mu.Unlock()
	return s.configFor(&document{path: path}, settings)
}

// renderedActions offers the quick fixes of a chart's or kustomization's
// findings in the document at the requested range: fixes carried back to
// this file and verified by rendering again (computed on request, kept
// until the next render), and what to do by hand as disabled actions.
func (s *Server) renderedActions(ctx context.Context, d *document, a *analysis, p *protocol.CodeActionParams) []protocol.CodeAction {
	actions := []protocol.CodeAction{}
	s.mu.Lock()
	text, version, showDisabled := d.text, d.version, s.caps.disabledActions
	s.mu.Unlock()
	for _, g := range s.groupsOf(ctx, d.path) {
		s.mu.Lock()
		results, fresh := g.fixed, g.fixed != nil && g.fixedGen == g.gen
		gen := g.gen
		s.mu.Unlock()
		var cfg *analyzer.Config
		if !fresh {
			results, cfg = s.renderDetail(ctx, g, analyzer.VerifiedFixes)
			s.mu.Lock()
			if g.gen == gen {
				g.fixed, g.fixedGen = results, gen
			}
			s.mu.Unlock()
		} else {
			cfg = s.configForPath(d.path)
		}
		for _, r := range results {
			if r.Path != d.path || !bytes.Equal(r.Lines.Bytes(), text) {
				continue // another file, or the buffer moved on since
			}
			from, to := offset(r.Lines, p.Range.Start), offset(r.Lines, p.Range.End)
			for i := range r.Findings {
				f := &r.Findings[i]
				if f.Start > to || from > f.End {
					continue
				}
				diag := diagnostic(r.Lines, f, version, cfg.DocsURL)
				for j, fix := range f.Fixes {
					if len(fix.Edits) == 0 {
						if showDisabled {
							actions = append(actions, protocol.CodeAction{Title: fix.Title, Kind: ptr(protocol.CodeActionKindQuickFix),
								Diagnostics: []protocol.Diagnostic{diag},
								Disabled: &struct {
									Reason string `json:"reason"`
								}{Reason: fix.Title}})
						}
						continue
					}
					actions = append(actions, protocol.CodeAction{
						Title: fixTitle(fix), Kind: ptr(protocol.CodeActionKindQuickFix),
						Diagnostics: []protocol.Diagnostic{diag},
						IsPreferred: ptr(j == 0 && fix.Safety == fixes.Safe),
						Edit:        s.versionedEdit(d.uri, r.Lines, version, fix.Edits),
					})
				}
			}
		}
	}
	return actions
}

// publishedFindings are the findings the groups of d last published on
// it, when the buffer is still the text they were found in.
func (s *Server) publishedFindings(d *document) (*analyzer.Lines, []analyzer.Finding) {
	if d == nil || d.path == "" {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.groups {
		if r, ok := g.last[d.path]; ok && bytes.Equal(r.Lines.Bytes(), d.text) {
			return r.Lines, r.Findings
		}
	}
	return nil, nil
}
