package lsp

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/render"
	"hardline.dev/hardline/render/kustomize"
)

// The workspace set: the plain manifests under the workspace folders
// (not a chart's or a kustomization's files, whose renders are sets of
// their own), read from disk in the background and kept current from
// open buffers, saves and watched-file events. Set rules run over it
// whenever a file's facts change, and their findings are published with
// the open documents' own. Nothing of it exists until a document's
// config enables a set rule: the default profile pays nothing.
type workspace struct {
	// Guarded by Server.mu.
	folders []string
	state   indexState
	// gen is bumped by a reset: an index or a set run of an older gen
	// is dropped.
	gen int
	// disk holds the facts of files as they are on disk, buffers those
	// of open documents (by path, or URI for untitled ones), which take
	// the place of their files.
	disk    map[string][]analyzer.Fact
	buffers map[string][]analyzer.Fact
	timer   *time.Timer
	// found are the set findings of the last run, by path.
	found map[string]analyzer.FileResult
}

type indexState int

const (
	notIndexed indexState = iota
	indexing
	indexed
)

// resetWorkspaceLocked forgets the index and the set findings: the config
// they were collected under changed. s.mu is held.
func (s *Server) resetWorkspaceLocked() {
	w := &s.ws
	w.gen++
	w.state = notIndexed
	w.disk, w.buffers = map[string][]analyzer.Fact{}, map[string][]analyzer.Fact{}
	if w.timer != nil {
		w.timer.Stop()
	}
	w.found = map[string]analyzer.FileResult{}
}

// setFacts records the facts of an analyzed document version (nil facts:
// it has none now, and hides its file's) and schedules a set run; the
// first document whose config enables set rules starts the index.
func (s *Server) setFacts(key string, facts []analyzer.Fact, enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := &s.ws
	if enabled && w.state == notIndexed && len(w.folders) > 0 {
		w.state = indexing
		go s.buildIndex(w.gen, w.folders)
	}
	if _, had := w.buffers[key]; len(facts) == 0 && !had && w.disk[key] == nil {
		return // nothing to add, nothing to hide: a Dockerfile, other YAML
	}
	w.buffers[key] = facts
	s.scheduleSetLocked(s.opts.Debounce)
}

// forgetBuffer drops a closed document's facts: its file's on disk count
// again, read anew since it may have been saved.
func (s *Server) forgetBuffer(key, path string) {
	s.mu.Lock()
	_, had := s.ws.buffers[key]
	delete(s.ws.buffers, key)
	indexed := s.ws.state == indexed
	s.mu.Unlock()
	if had && indexed && path != "" {
		s.reindexFiles([]string{path})
	} else if had {
		s.mu.Lock()
		s.scheduleSetLocked(s.opts.Debounce)
		s.mu.Unlock()
	}
}

// buildIndex reads the workspace's plain manifests, in the background.
func (s *Server) buildIndex(gen int, folders []string) {
	defer func() {
		if p := recover(); p != nil {
			s.logf("panic indexing the workspace: %v\n%s", p, debug.Stack())
		}
	}()
	began := time.Now()
	in, err := render.Discover(folders, analyzer.DiscoverOptions{})
	if err != nil {
		s.logf("indexing the workspace: %v", err)
	}
	disk := s.readFacts(plainManifests(in.Files))
	s.mu.Lock()
	w := &s.ws
	if w.gen != gen {
		s.mu.Unlock()
		return
	}
	for path, facts := range disk {
		w.disk[path] = facts
	}
	w.state = indexed
	s.scheduleSetLocked(0)
	s.mu.Unlock()
	s.tracef("indexed the workspace: %d manifests in %.3f ms", len(disk), float64(time.Since(began).Microseconds())/1000)
}

// plainManifests keeps the files that are linted one by one: YAML and
// JSON outside folders with a kustomization (whose build owns them).
func plainManifests(files []string) []string {
	var out []string
	owned := map[string]bool{}
	for _, f := range files {
		if analyzer.LanguageOf(f) != analyzer.Kubernetes || isConfigFile(f) {
			continue
		}
		dir := filepath.Dir(f)
		o, ok := owned[dir]
		if !ok {
			o = kustomize.Find(dir) != ""
			owned[dir] = o
		}
		if !o {
			out = append(out, f)
		}
	}
	return out
}

// readFacts collects the set facts of files on disk (absent or unreadable
// files have none), on every core.
func (s *Server) readFacts(paths []string) map[string][]analyzer.Fact {
	facts := make([][]analyzer.Fact, len(paths))
	configFor := s.configsByFolder()
	analyzer.Parallel(len(paths), func(i int) { facts[i] = s.fileFacts(paths[i], configFor(paths[i])) })
	out := make(map[string][]analyzer.Fact, len(paths))
	for i, p := range paths {
		out[p] = facts[i]
	}
	return out
}

// configsByFolder returns a config lookup for many files at once, resolved
// once per folder (a file's config is its folder's: the nearest
// .hardline.yaml above it, and the editor's settings over it).
func (s *Server) configsByFolder() func(path string) *analyzer.Config {
	var mu sync.Mutex
	byDir := map[string]*analyzer.Config{}
	return func(path string) *analyzer.Config {
		dir := filepath.Dir(path)
		mu.Lock()
		cfg, ok := byDir[dir]
		mu.Unlock()
		if !ok {
			cfg = s.configForPath(path)
			mu.Lock()
			byDir[dir] = cfg
			mu.Unlock()
		}
		return cfg
	}
}

func (s *Server) fileFacts(path string, cfg *analyzer.Config) (facts []analyzer.Fact) {
	defer func() {
		if p := recover(); p != nil {
			s.logf("panic reading %s for the workspace set: %v\n%s", path, p, debug.Stack())
			facts = nil
		}
	}()
	if cfg.Excluded(path) || !s.engine.HasSetRules(cfg) {
		return nil
	}
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() || info.Size() > cfg.Limits.MaxFileBytes {
		return nil
	}
	text, err := os.ReadFile(path)
	if err != nil || !analyzer.LooksLikeManifest(text) {
		return nil
	}
	// Only facts are read of it: skimmed as the CLI parses it.
	doc := analyzer.Parse(path, text, analyzer.ParseOptions{Language: analyzer.Kubernetes, Limits: &cfg.Limits,
		KustomizePatch: analyzer.IsKustomizePatch(path), Skim: cfg.Skims()})
	return s.engine.CollectFacts(doc, cfg, analyzer.SetScope{})
}

// reindexFiles reads files anew from disk after a save or a watched-file
// event, and schedules a set run.
func (s *Server) reindexFiles(paths []string) {
	s.mu.Lock()
	ready, gen := s.ws.state == indexed, s.ws.gen
	s.mu.Unlock()
	if !ready {
		return // the index, when built, reads them
	}
	facts := s.readFacts(plainManifests(paths))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ws.gen != gen {
		return
	}
	for _, p := range paths {
		if f, ok := facts[p]; ok && f != nil {
			s.ws.disk[p] = f
		} else {
			delete(s.ws.disk, p)
		}
	}
	s.scheduleSetLocked(s.opts.Debounce)
}

// scheduleSetLocked (re)starts the set run's debounce timer; s.mu is held.
func (s *Server) scheduleSetLocked(delay time.Duration) {
	w := &s.ws
	if w.timer != nil {
		w.timer.Stop()
	}
	gen := w.gen
	w.timer = time.AfterFunc(delay, func() { s.runSet(gen) })
}

// runSet runs the set rules over the workspace set and re-publishes the
// open documents whose set findings changed.
func (s *Server) runSet(gen int) {
	defer func() {
		if p := recover(); p != nil {
			s.logf("panic running the set rules: %v\n%s", p, debug.Stack())
		}
	}()
	began := time.Now()
	s.mu.Lock()
	w := &s.ws
	if w.gen != gen {
		s.mu.Unlock()
		return
	}
	var keys []string
	for k := range w.disk {
		if _, open := w.buffers[k]; !open {
			keys = append(keys, k)
		}
	}
	for k := range w.buffers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var facts []analyzer.Fact
	for _, k := range keys {
		if f, open := w.buffers[k]; open {
			facts = append(facts, f...)
		} else {
			facts = append(facts, w.disk[k]...)
		}
	}
	s.mu.Unlock()

	found := map[string]analyzer.FileResult{}
	for _, r := range s.engine.RunSet(context.Background(), facts, s.configsByFolder()) {
		if r.Err != nil {
			s.logf("%v", r.Err)
			continue
		}
		found[r.Path] = r
	}

	s.mu.Lock()
	if w.gen != gen {
		s.mu.Unlock()
		return
	}
	before := w.found
	w.found = found
	var changed []*document
	for _, d := range s.docs {
		key := d.setKey()
		if !sameFindings(before[key].Findings, found[key].Findings) {
			changed = append(changed, d)
		}
	}
	s.mu.Unlock()
	for _, d := range changed {
		s.republish(d)
	}
	s.tracef("set rules over %d files: %d with findings, %d documents re-published in %.3f ms", len(keys), len(found), len(changed),
		float64(time.Since(began).Microseconds())/1000)
}

// setKey is the name the workspace set knows the document by.
func (d *document) setKey() string {
	if d.path != "" {
		return d.path
	}
	return d.name
}

func sameFindings(a, b []analyzer.Finding) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Rule != b[i].Rule || a[i].Message != b[i].Message || a[i].Range != b[i].Range || len(a[i].Related) != len(b[i].Related) {
			return false
		}
		for j := range a[i].Related {
			if a[i].Related[j].Path != b[i].Related[j].Path || a[i].Related[j].Range != b[i].Related[j].Range {
				return false
			}
		}
	}
	return true
}

// setDiagnostics are the set findings on document d, when its analysis
// is not a render's.
func (s *Server) setDiagnostics(d *document, a *analysis) []protocol.Diagnostic {
	if a.grouped || a.doc == nil {
		return nil
	}
	s.mu.Lock()
	r, ok := s.ws.found[d.setKey()]
	s.mu.Unlock()
	if !ok {
		return nil
	}
	out := make([]protocol.Diagnostic, 0, len(r.Findings))
	for i := range r.Findings {
		out = append(out, diagnostic(r.Lines, &r.Findings[i], a.version, a.cfg.DocsURL))
	}
	return out
}

// setFindings are the set findings on d, for hover, when the buffer is
// still the text they were found in.
func (s *Server) setFindings(d *document) []analyzer.Finding {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.ws.found[d.setKey()]
	if !ok || r.Lines == nil || !bytes.Equal(r.Lines.Bytes(), d.text) {
		return nil
	}
	return r.Findings
}

// republish publishes d's diagnostics again, its own and the set's, when
// its current version is analyzed; otherwise the pending analysis will.
func (s *Server) republish(d *document) {
	d.publish.Lock()
	defer d.publish.Unlock()
	s.mu.Lock()
	a, version, live := d.analysis, d.version, s.docs[d.uri] == d
	s.mu.Unlock()
	if a == nil || !live || a.version != version || a.grouped || a.doc == nil {
		return
	}
	diags := append(s.diagnostics(a), s.setDiagnostics(d, a)...)
	d.shown = len(diags) > 0
	s.publish(d.uri, &version, diags)
}
