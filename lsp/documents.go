package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"hardline.dev/hardline/analyzer"
)

// document is one open editor buffer.
type document struct {
	uri        string
	path       string // file system path; "" for untitled buffers
	name       string // what its language is told by (the path, or the URI's)
	languageID string
	// cache keeps the parsed YAML documents of the last version, so that
	// a keystroke re-decodes only the document it changed.
	cache analyzer.ParseCache

	// Guarded by Server.mu.
	version  int32
	text     []byte
	timer    *time.Timer
	analysis *analysis // of the current version, once analyzed
	// running is the analysis in progress, of the current version or of
	// one a newer edit replaced (then cancelled): the debounce timer and
	// requests share it rather than analyzing one version twice.
	running *run
	// config is the document's configuration, resolved once (finding its
	// .hardline.yaml, applying the editor's settings) rather than per
	// keystroke; cleared when either changes.
	config *analyzer.Config

	// publish serializes publishing so that a close's clearing is never
	// followed by an older run's diagnostics; shown, guarded by it, says
	// whether the client shows any of ours.
	publish sync.Mutex
	shown   bool
}

// run is one analysis in progress; done closes when it ends, and result
// is then its analysis, or nil when it was cancelled.
type run struct {
	version int32
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	result  *analysis
}

// cancelRunLocked cancels d's analysis in progress: its version is no
// longer current, or what it analyzes with (the config) changed.
func (d *document) cancelRunLocked() {
	if d.running != nil {
		d.running.cancel()
		d.running = nil
	}
}

// analysis is the engine's view of one version of a document.
type analysis struct {
	version  int32
	lang     analyzer.Language
	cfg      *analyzer.Config
	doc      *analyzer.Document // nil when the document is not ours
	findings []analyzer.Finding
	// configErr is what is wrong with an open .hardline.yaml, at lines.
	configErr error
	lines     *analyzer.Lines
	// grouped: the document belongs to a chart or kustomization, whose
	// render publishes its diagnostics (renders.go).
	grouped bool
	// setRules says the config enables set rules; facts are then what
	// their collectors found, for the workspace set (workspace.go).
	setRules bool
	facts    []analyzer.Fact
	// fixAll holds the file's fix-all edits, safe ([0]) and with unsafe
	// fixes ([1]), once computed: a client that cannot resolve actions
	// asks for them, at a few rounds of analysis, at every cursor move.
	// fixAll[i] is meaningful once fixAllDone[i]: nil when nothing changes.
	fixAllMu   sync.Mutex
	fixAll     [2]*protocol.WorkspaceEdit
	fixAllDone [2]bool
}

// language tells what a buffer is analyzed as. YAML counts as Kubernetes
// only when it looks like a manifest, so that other YAML (CI files,
// compose files) gets no diagnostics and costs nothing.
func language(name, languageID string, text []byte) analyzer.Language {
	if isConfigFile(name) {
		return analyzer.Unknown
	}
	lang := analyzer.LanguageOf(name)
	switch languageID {
	case "dockerfile":
		lang = analyzer.Dockerfile
	case "yaml", "json":
		if lang == analyzer.Unknown {
			lang = analyzer.Kubernetes
		}
	}
	if lang == analyzer.Kubernetes && !analyzer.LooksLikeManifest(text) {
		return analyzer.Unknown
	}
	return lang
}

func isConfigFile(name string) bool { return filepath.Base(name) == analyzer.ConfigFileName }

// uriPath is the file system path of a file: URI, else "".
func uriPath(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return ""
	}
	return filepath.FromSlash(u.Path)
}

// uriName is the name a buffer's language is told by: its path, or for
// other schemes (untitled:Dockerfile) the last part of the URI.
func uriName(uri string) string {
	if p := uriPath(uri); p != "" {
		return p
	}
	if u, err := url.Parse(uri); err == nil {
		if u.Opaque != "" {
			return path.Base(u.Opaque)
		}
		return path.Base(u.Path)
	}
	return uri
}

func pathURI(p string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

func (s *Server) didOpen(_ *glsp.Context, p *protocol.DidOpenTextDocumentParams) error {
	td := p.TextDocument
	d := &document{
		uri: td.URI, path: uriPath(td.URI), name: uriName(td.URI), languageID: td.LanguageID,
		version: td.Version, text: []byte(td.Text),
	}
	s.mu.Lock()
	if old := s.docs[td.URI]; old != nil {
		if old.timer != nil {
			old.timer.Stop()
		}
		old.cancelRunLocked()
	}
	s.docs[td.URI] = d
	s.mu.Unlock()
	s.schedule(d, 0)
	return nil
}

func (s *Server) didChange(_ *glsp.Context, p *protocol.DidChangeTextDocumentParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		return fmt.Errorf("change to %s, which is not open", p.TextDocument.URI)
	}
	if p.TextDocument.Version <= d.version {
		// The client's order is still the order its edits happened in:
		// apply them, and say so, since its state may have drifted.
		s.logf("%s: version %d after %d", d.uri, p.TextDocument.Version, d.version)
	}
	for _, c := range p.ContentChanges {
		switch c := c.(type) {
		case protocol.TextDocumentContentChangeEvent:
			lines := analyzer.NewLines(d.text)
			start := lines.OffsetUTF16(int(c.Range.Start.Line), int(c.Range.Start.Character))
			end := lines.OffsetUTF16(int(c.Range.End.Line), int(c.Range.End.Character))
			if end < start {
				start, end = end, start
			}
			next := make([]byte, 0, len(d.text)-(end-start)+len(c.Text))
			next = append(append(append(next, d.text[:start]...), c.Text...), d.text[end:]...)
			d.text = next
		case protocol.TextDocumentContentChangeEventWhole:
			d.text = []byte(c.Text)
		}
	}
	d.version = p.TextDocument.Version
	d.analysis = nil
	d.cancelRunLocked()
	s.scheduleLocked(d, s.opts.Debounce)
	return nil
}

func (s *Server) didSave(_ *glsp.Context, p *protocol.DidSaveTextDocumentParams) error {
	switch name := uriName(p.TextDocument.URI); {
	case isConfigFile(name):
		s.configChanged()
	case isPolicyFile(name):
		s.reanalyzeAll()
	default:
		// For clients without watched files: the saved file is what the
		// workspace set reads once the buffer closes.
		if path := uriPath(p.TextDocument.URI); path != "" {
			go s.reindexFiles([]string{path})
		}
	}
	return nil
}

// isPolicyFile says whether a changed file is a Rego policy: policies are
// recompiled when their files change, which the next analysis notices.
func isPolicyFile(name string) bool { return strings.HasSuffix(name, ".rego") }

func (s *Server) didClose(_ *glsp.Context, p *protocol.DidCloseTextDocumentParams) error {
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	delete(s.docs, p.TextDocument.URI)
	if d != nil {
		if d.timer != nil {
			d.timer.Stop()
		}
		d.cancelRunLocked()
	}
	s.mu.Unlock()
	if d == nil {
		return nil
	}
	s.forgetBuffer(d.setKey(), d.path)
	d.publish.Lock()
	defer d.publish.Unlock()
	s.publish(d.uri, nil, []protocol.Diagnostic{})
	if isConfigFile(d.name) {
		// Its unsaved edits no longer count; the file on disk does.
		s.configChanged()
	}
	return nil
}

func (s *Server) didChangeWatchedFiles(_ *glsp.Context, p *protocol.DidChangeWatchedFilesParams) error {
	policies := false
	var manifests []string
	for _, c := range p.Changes {
		if isConfigFile(uriName(c.URI)) {
			s.configChanged()
			return nil
		}
		policies = policies || isPolicyFile(uriName(c.URI))
		if path := uriPath(c.URI); path != "" && analyzer.LanguageOf(path) == analyzer.Kubernetes {
			manifests = append(manifests, path)
		}
	}
	if policies {
		s.reanalyzeAll()
		return nil
	}
	if len(manifests) > 0 {
		go s.reindexFiles(manifests)
	}
	return nil
}

func (s *Server) didChangeWorkspaceFolders(_ *glsp.Context, p *protocol.DidChangeWorkspaceFoldersParams) error {
	s.mu.Lock()
	removed := map[string]bool{}
	for _, f := range p.Event.Removed {
		removed[uriPath(f.URI)] = true
	}
	var folders []string
	for _, f := range s.ws.folders {
		if !removed[f] {
			folders = append(folders, f)
		}
	}
	for _, f := range p.Event.Added {
		if path := uriPath(f.URI); path != "" {
			folders = append(folders, path)
		}
	}
	s.ws.folders = folders
	s.mu.Unlock()
	// A new folder may bring its own .hardline.yaml for open documents,
	// and manifests for the workspace set.
	s.configChanged()
	return nil
}

func (s *Server) didChangeConfiguration(_ *glsp.Context, p *protocol.DidChangeConfigurationParams) error {
	s.mu.Lock()
	pull := s.caps.configuration
	s.mu.Unlock()
	if settingsEmpty(p.Settings) && pull {
		// The client announces a change without the values: ask for them,
		// off the reading goroutine, which must keep reading the answer.
		go func() {
			var result []any
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			params := protocol.ConfigurationParams{Items: []protocol.ConfigurationItem{{Section: ptr("hardline")}}}
			if err := s.conn.call(ctx, string(protocol.ServerWorkspaceConfiguration), params, &result); err != nil {
				s.logf("workspace/configuration: %v", err)
				return
			}
			if len(result) > 0 {
				s.applySettings(result[0])
			}
		}()
		return nil
	}
	s.applySettings(p.Settings)
	return nil
}

func (s *Server) applySettings(v any) {
	if err := s.setSettings(v); err != nil {
		s.showMessage(protocol.MessageTypeError, err.Error())
		return
	}
	s.reanalyzeAll()
}

func settingsEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// setSettings validates and keeps the editor's settings: the keys of
// .hardline.yaml, as an object or under "hardline". Invalid settings are
// rejected whole, so the previous ones stay in force.
func (s *Server) setSettings(v any) error {
	if m, ok := v.(map[string]any); ok {
		if inner, ok := m["hardline"]; ok && len(m) == 1 {
			v = inner
		}
	}
	if settingsEmpty(v) {
		s.mu.Lock()
		s.settings = nil
		s.mu.Unlock()
		return nil
	}
	text, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := analyzer.ApplyConfig(analyzer.DefaultConfig(), "editor settings", text, s.engine.Rules()); err != nil {
		return err
	}
	s.mu.Lock()
	s.settings = text
	s.mu.Unlock()
	return nil
}

// configChanged re-reads config files and re-analyzes every open document.
func (s *Server) configChanged() {
	s.finder.Reset()
	s.mu.Lock()
	stale := s.configDiags
	s.configDiags = map[string]bool{}
	s.mu.Unlock()
	for uri := range stale {
		s.publish(uri, nil, []protocol.Diagnostic{})
	}
	s.reanalyzeAll()
}

func (s *Server) reanalyzeAll() {
	s.charts.Reset()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.configGen++
	s.kustomizeScans = map[string][]string{}
	// The workspace set's facts were collected under the old config.
	s.resetWorkspaceLocked()
	// Settings may re-grade HL005: publish the policy problems again.
	s.policyVersions = map[string]string{}
	for _, d := range s.docs {
		d.analysis, d.config = nil, nil
		d.cancelRunLocked()
		s.scheduleLocked(d, 0)
	}
}

func (s *Server) schedule(d *document, delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scheduleLocked(d, delay)
}

// scheduleLocked (re)starts d's debounce timer: only the version current
// when it fires is analyzed.
func (s *Server) scheduleLocked(d *document, delay time.Duration) {
	if d.timer != nil {
		d.timer.Stop()
	}
	version := d.version
	d.timer = time.AfterFunc(delay, func() { s.analyzeAndPublish(d, version) })
}

// analyzeAndPublish analyzes version of d and publishes its diagnostics,
// unless a newer version arrived meanwhile: that one's run publishes.
func (s *Server) analyzeAndPublish(d *document, version int32) {
	defer func() {
		if p := recover(); p != nil {
			s.logf("panic analyzing %s: %v\n%s", d.uri, p, debug.Stack())
		}
	}()
	if s.opts.PanicOn == "analysis" {
		panic("injected fault (HARDLINE_LSP_PANIC_ON)")
	}
	began := time.Now()
	a := s.current(context.Background(), d, version)
	if a == nil {
		return
	}
	d.publish.Lock()
	defer d.publish.Unlock()
	if a.grouped {
		// Its chart's or kustomization's render publishes (and clears).
		d.shown = false
		return
	}
	s.mu.Lock()
	live := s.docs[d.uri] == d && d.version == version
	s.mu.Unlock()
	diags := append(s.diagnostics(a), s.setDiagnostics(d, a)...)
	if !live || len(diags) == 0 && !d.shown && a.doc == nil {
		return // other YAML: nothing to say, nothing to clear
	}
	d.shown = len(diags) > 0
	s.publish(d.uri, &version, diags)
	s.publishPolicyProblems(a)
	s.tracef("analyzed %s version %d: %d diagnostics in %.3f ms", d.uri, version, len(diags), float64(time.Since(began).Microseconds())/1000)
}

// publishPolicyProblems shows the problems of the policies a document's
// config uses on the policy files themselves, and clears the ones fixed;
// only when the policies' files changed since they were last published.
func (s *Server) publishPolicyProblems(a *analysis) {
	if s.opts.PolicyProblems == nil || a.cfg == nil || len(a.cfg.Policies) == 0 {
		return
	}
	rep := s.opts.PolicyProblems(a.cfg)
	s.mu.Lock()
	if v, ok := s.policyVersions[rep.Set]; ok && v == rep.Version {
		s.mu.Unlock()
		return
	}
	s.policyVersions[rep.Set] = rep.Version
	s.mu.Unlock()
	byURI := map[string][]protocol.Diagnostic{}
	for _, r := range rep.Files {
		abs, err := filepath.Abs(r.Path)
		if err != nil {
			continue
		}
		uri := pathURI(abs)
		for i := range r.Findings {
			byURI[uri] = append(byURI[uri], diagnostic(r.Lines, &r.Findings[i], 0, a.cfg.DocsURL))
		}
	}
	s.mu.Lock()
	before := s.policyDiags[rep.Set]
	now := map[string]bool{}
	for uri := range byURI {
		now[uri] = true
	}
	s.policyDiags[rep.Set] = now
	s.mu.Unlock()
	for uri := range before {
		if !now[uri] {
			s.publish(uri, nil, []protocol.Diagnostic{})
		}
	}
	for uri, diags := range byURI {
		s.publish(uri, nil, diags)
	}
}

// snapshot is the analysis of the document's current version, computed
// now if the debounced run has not happened yet; nil for a closed one, or
// when ctx ends first.
func (s *Server) snapshot(ctx context.Context, uri string) (*document, *analysis) {
	s.mu.Lock()
	d := s.docs[uri]
	var version int32
	if d != nil {
		version = d.version
	}
	s.mu.Unlock()
	if d == nil {
		return nil, nil
	}
	return d, s.current(ctx, d, version)
}

// current returns the analysis of version of d, or nil if d has moved on
// (or ctx ended while waiting for it). The first caller for a version
// runs the analysis; callers meanwhile wait for that run. A newer edit
// cancels it: its result is then never used.
func (s *Server) current(ctx context.Context, d *document, version int32) *analysis {
	s.mu.Lock()
	if d.version != version {
		s.mu.Unlock()
		return nil
	}
	if d.analysis != nil {
		a := d.analysis
		s.mu.Unlock()
		return a
	}
	r := d.running
	owner := r == nil
	if owner {
		rctx, cancel := context.WithCancel(context.Background())
		r = &run{version: version, ctx: rctx, cancel: cancel, done: make(chan struct{})}
		d.running = r
	}
	text := d.text
	s.mu.Unlock()

	if owner {
		a := s.analyze(r.ctx, d, version, text)
		s.mu.Lock()
		if r.ctx.Err() == nil && d.version == version {
			d.analysis, r.result = a, a
		}
		if d.running == r {
			d.running = nil
		}
		s.mu.Unlock()
		if r.result != nil {
			s.setFacts(d.setKey(), a.facts, a.setRules)
		}
		r.cancel()
		close(r.done)
		return r.result
	}
	select {
	case <-r.done:
		return r.result
	case <-ctx.Done():
		return nil
	}
}

func (s *Server) analyze(ctx context.Context, d *document, version int32, text []byte) *analysis {
	if isConfigFile(d.name) {
		return s.analyzeConfig(d, version, text)
	}
	if d.path != "" {
		if gs := s.groupsOf(ctx, d.path); len(gs) > 0 {
			for _, g := range gs {
				s.scheduleGroup(g, 0)
			}
			return &analysis{version: version, lang: analyzer.Unknown, grouped: true}
		}
	}
	a := &analysis{version: version, lang: language(d.name, d.languageID, text)}
	if a.lang == analyzer.Unknown {
		return a
	}
	a.cfg = s.documentConfig(d)
	if d.path != "" && a.cfg.Excluded(d.path) {
		return a
	}
	began := time.Now()
	opts := analyzer.ParseOptions{Language: a.lang, Cache: &d.cache, Limits: &a.cfg.Limits}
	if d.path != "" && a.lang == analyzer.Kubernetes {
		opts.KustomizePatch = analyzer.IsKustomizePatch(d.path)
	}
	a.doc = analyzer.Parse(d.name, text, opts)
	if a.setRules = s.engine.HasSetRules(a.cfg); a.setRules && a.lang == analyzer.Kubernetes {
		a.findings, a.facts = s.engine.RunWithFacts(ctx, a.doc, a.cfg, analyzer.SetScope{})
	} else {
		a.findings = s.engine.Run(ctx, a.doc, a.cfg)
	}
	if ctx.Err() != nil {
		s.tracef("analysis of %s version %d cancelled: a newer version replaced it", d.uri, version)
		return nil
	}
	s.tracef("analysis of %s version %d: %d findings, %d of %d YAML documents decoded, in %.3f ms", d.uri, version,
		len(a.findings), a.doc.Stats.Decoded, a.doc.Stats.Documents, float64(time.Since(began).Microseconds())/1000)
	return a
}

// analyzeConfig validates an open .hardline.yaml as it is typed.
func (s *Server) analyzeConfig(d *document, version int32, text []byte) *analysis {
	_, err := analyzer.ParseConfig(d.name, text, s.engine.Rules())
	return &analysis{version: version, lang: analyzer.Unknown, configErr: err, lines: analyzer.NewLines(text)}
}

// documentConfig is d's cached configuration, resolved on first use. A
// resolution that a settings or config change overtook is not kept.
func (s *Server) documentConfig(d *document) *analyzer.Config {
	s.mu.Lock()
	cfg, gen, settings := d.config, s.configGen, s.settings
	s.mu.Unlock()
	if cfg != nil {
		return cfg
	}
	cfg = s.configFor(d, settings)
	s.mu.Lock()
	if s.configGen == gen {
		d.config = cfg
	}
	s.mu.Unlock()
	return cfg
}

// configFor is the config of a document: its .hardline.yaml (or the
// --config file), then the editor's settings over it. A broken config
// file is reported on the file itself and the defaults are used.
func (s *Server) configFor(d *document, settings []byte) *analyzer.Config {
	var cfg analyzer.Config
	var err error
	switch {
	case s.opts.ConfigFile != "":
		cfg, err = s.finder.File(s.opts.ConfigFile)
	case d.path != "":
		cfg, err = s.finder.For(d.path)
	default:
		cfg = analyzer.DefaultConfig()
	}
	if err != nil {
		s.reportConfigError(err)
		cfg = analyzer.DefaultConfig()
	}
	if settings != nil {
		if over, err := analyzer.ApplyConfig(cfg, "editor settings", settings, s.engine.Rules()); err == nil {
			cfg = over
		}
	}
	return &cfg
}

// reportConfigError publishes a config file's error on that file, once,
// unless the file is open (then its own analysis shows the live error).
func (s *Server) reportConfigError(err error) {
	var ce *analyzer.ConfigError
	if !errors.As(err, &ce) {
		s.logf("%v", err)
		return
	}
	abs, _ := filepath.Abs(ce.Path)
	uri := pathURI(abs)
	s.mu.Lock()
	_, open := s.docs[uri]
	done := s.configDiags[uri]
	if !open {
		s.configDiags[uri] = true
	}
	s.mu.Unlock()
	if open || done {
		return
	}
	text, rerr := os.ReadFile(abs)
	if rerr != nil {
		s.logf("%v", err)
		return
	}
	s.publish(uri, nil, []protocol.Diagnostic{configDiagnostic(analyzer.NewLines(text), err)})
}

func ptr[T any](v T) *T { return &v }
