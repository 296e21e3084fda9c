package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/internal/testenv"
	"hardline.dev/hardline/render"
)

const setDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: registry.example.com/web:1.0
`

const setBinding = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: web-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: web
    namespace: shop
`

// waitDiagnostics waits for diagnostics of uri that satisfy ok.
func (c *testClient) waitDiagnostics(uri string, what string, ok func([]lspDiagnostic) bool) []lspDiagnostic {
	c.t.Helper()
	var last []lspDiagnostic
	for {
		p, more := c.nextDiagnostics(uri, liveness)
		if !more {
			c.t.Fatalf("%s: never published; last:\n%s", what, summary(last))
		}
		last = p.Diagnostics
		if ok(last) {
			return last
		}
	}
}

// TestSetRulesAcrossFiles: a ClusterRoleBinding in one file changes the
// diagnostics of a Deployment in another, whether the binding is on disk
// (the workspace index, watched-file events) or edited in a buffer.
func TestSetRulesAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{".hardline.yaml": "profile: all\n", "deploy.yaml": setDeployment, "binding.yaml": setBinding} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := start(t)
	s.initializeRoot(nil, fileURI(t, dir))
	deploy, binding := fileURI(t, filepath.Join(dir, "deploy.yaml")), fileURI(t, filepath.Join(dir, "binding.yaml"))
	has := func(ds []lspDiagnostic) bool { return count(ds, "KS803") > 0 }
	hasNot := func(ds []lspDiagnostic) bool { return count(ds, "KS803") == 0 && count(ds, "KS201") > 0 }

	// Opened alone: the binding on disk comes from the workspace index.
	s.open(deploy, "yaml", setDeployment)
	ds := s.waitDiagnostics(deploy, "KS803 from the binding on disk", has)
	d := find(t, ds, "KS803")
	if d.Range.Start.Line != 14 || !strings.Contains(d.Message, `ClusterRoleBinding "web-admin"`) {
		t.Errorf("KS803 = %d %q", d.Range.Start.Line, d.Message)
	}
	if len(d.Related) < 2 || d.Related[0].Location.URI != binding || d.Related[0].Location.Range.Start.Line != 10 ||
		d.Related[1].Location.Range.Start.Line != 7 {
		t.Errorf("related information = %+v", d.Related)
	}

	// The binding edited in the editor: its subject is another account.
	s.open(binding, "yaml", setBinding)
	s.edit(binding, []lspEdit{{Range: lspRange{Start: lspPos{10, 10}, End: lspPos{10, 13}}, NewText: "api"}})
	s.waitDiagnostics(deploy, "KS803 gone after the binding's edit", hasNot)

	// Closed unsaved: the file on disk counts again.
	s.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": binding}})
	s.waitDiagnostics(deploy, "KS803 back from disk after the close", has)

	// Changed on disk, as another tool would: the watched-file event.
	if err := os.WriteFile(filepath.Join(dir, "binding.yaml"), []byte(strings.Replace(setBinding, "name: web\n", "name: api\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	s.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": binding, "type": 2}}})
	s.waitDiagnostics(deploy, "KS803 gone after the change on disk", hasNot)
}

var setTrace = regexp.MustCompile(`^set rules over (\d+) files: \d+ with findings, (\d+) documents re-published in ([0-9.]+) ms`)

// BenchmarkSetRepublish: a workspace of the corpus's manifests, indexed;
// each iteration edits a ClusterRoleBinding's subject in an open buffer,
// which adds or removes a KS803 finding on a Deployment open in another
// buffer. set-p50/p99 are the server's time for one set run after the
// debounce (the set rules over the whole workspace, and re-publishing
// the documents whose set findings changed), as it traces it; analyze-p50
// is its analysis of the edited buffer itself, the reference in the same
// run.
func BenchmarkSetRepublish(b *testing.B) {
	corpus, err := filepath.Abs(testenv.Dir(b, "corpus/k8s"))
	if err != nil {
		b.Fatal(err)
	}
	c, _ := inProcess(b, 0)
	c.initializeRoot(map[string]any{"profile": "all"}, pathURI(corpus))
	c.notify("$/setTrace", map[string]any{"value": "messages"})
	deploy, binding := "file:///tmp/bench/deploy.yaml", "file:///tmp/bench/binding.yaml"
	c.open(deploy, "yaml", setDeployment)
	c.open(binding, "yaml", setBinding)
	files := 0
	waitSet := func(republished bool) time.Duration {
		sub := c.nextTrace(setTrace, func(sub []string, _ string) bool { return !republished || sub[2] != "0" })
		files, _ = strconv.Atoi(sub[1])
		ms, _ := strconv.ParseFloat(sub[3], 64)
		return time.Duration(ms * float64(time.Millisecond))
	}
	for files < 1000 {
		waitSet(false) // until the index is in
	}
	set := make([]time.Duration, 0, b.N)
	analyze := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		name := []string{"api", "web"}[i%2]
		c.edit(binding, []lspEdit{{Range: lspRange{Start: lspPos{10, 10}, End: lspPos{10, 13}}, NewText: name}})
		analyze = append(analyze, c.serverTime(binding, c.version(binding)))
		set = append(set, waitSet(true))
	}
	b.StopTimer()
	pct := func(ds []time.Duration, p int) float64 {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return float64(ds[len(ds)*p/100].Microseconds()) / 1000
	}
	b.ReportMetric(float64(files), "files")
	b.ReportMetric(pct(set, 50), "set-p50-ms")
	b.ReportMetric(pct(set, 99), "set-p99-ms")
	b.ReportMetric(pct(analyze, 50), "analyze-p50-ms")
}

// TestSetRulesAgree: over the fixtures of every rule across objects, the
// editor's workspace set (files indexed from disk, one of them from an
// open buffer) and its chart renders find what `hardline lint` finds, at
// the same places, with the same related locations.
func TestSetRulesAgree(t *testing.T) {
	var dirs []string
	for _, r := range engine.Rules() {
		if r.Phase == analyzer.SetPhase {
			dirs = append(dirs, filepath.Join("..", "testdata", "rules", r.Code))
		}
	}
	if len(dirs) == 0 {
		t.Fatal("no rules across objects")
	}
	ctx := context.Background()
	format := func(lines *analyzer.Lines, f *analyzer.Finding) string {
		p := lines.Position(f.Start)
		s := fmt.Sprintf("%d:%d %s %s", p.Line, p.Column, f.Rule.Code, f.Message)
		for _, r := range f.Related {
			rp := r.Lines.Position(r.Start)
			s += fmt.Sprintf(" | %s:%d:%d %s", filepath.Base(r.Path), rp.Line, rp.Column, r.Message)
		}
		return s
	}
	for _, dir := range dirs {
		dir, _ := filepath.Abs(dir)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			finder := analyzer.NewConfigFinder(engine.Rules())
			configFor := func(path string) (*analyzer.Config, error) {
				cfg, err := finder.For(path)
				cfg.Profile = analyzer.All
				return &cfg, err
			}
			in, results, _, err := render.LintPaths(ctx, engine, []string{dir}, analyzer.DiscoverOptions{}, configFor, analyzer.NoFixes, render.Options{})
			if err != nil {
				t.Fatal(err)
			}
			cli := map[string][]string{}
			for _, r := range results {
				for i := range r.Findings {
					if r.Findings[i].Rule.Phase == analyzer.SetPhase {
						cli[r.Path] = append(cli[r.Path], format(r.Lines, &r.Findings[i]))
					}
				}
			}

			srv := New(Options{Engine: engine, Version: "test"})
			if err := srv.setSettings(map[string]any{"profile": "all"}); err != nil {
				t.Fatal(err)
			}
			srv.ws.folders = []string{dir}
			// One file is open in the editor: its buffer's facts stand
			// for it.
			open := in.Files[0]
			text, err := os.ReadFile(open)
			if err != nil {
				t.Fatal(err)
			}
			d := &document{uri: pathURI(open), path: open, name: open, languageID: "yaml", text: text}
			a := srv.analyze(ctx, d, 1, text)
			srv.mu.Lock()
			gen := srv.ws.gen
			srv.ws.state = indexing // this test builds the index itself
			srv.mu.Unlock()
			srv.setFacts(d.setKey(), a.facts, a.setRules)
			srv.buildIndex(gen, []string{dir})
			srv.runSet(gen)
			editor := map[string][]string{}
			srv.mu.Lock()
			for path, r := range srv.ws.found {
				for i := range r.Findings {
					editor[path] = append(editor[path], format(r.Lines, &r.Findings[i]))
				}
			}
			srv.mu.Unlock()
			// Charts are sets of their own, rendered as their group.
			for _, root := range in.Charts {
				rs, _ := srv.renderResults(ctx, srv.group(analyzer.ChartRender, root))
				for _, r := range rs {
					for i := range r.Findings {
						if r.Findings[i].Rule.Phase == analyzer.SetPhase {
							editor[r.Path] = append(editor[r.Path], format(r.Lines, &r.Findings[i]))
						}
					}
				}
			}
			if len(cli) == 0 {
				t.Fatal("the CLI found nothing: the fixtures should fail")
			}
			if diff := cmp.Diff(cli, editor); diff != "" {
				t.Errorf("the editor and the CLI disagree (-cli +editor):\n%s", diff)
			}
		})
	}
}
