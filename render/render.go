// Package render decides what a run lints — plain files, and the Helm
// charts and kustomizations that own the others — and lints them: files
// with the engine, charts rendered by render/helm, each finding reported
// at its source. The CLI and the tests share it.
package render

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/render/helm"
	"hardline.dev/hardline/render/kustomize"
)

// Inputs are what a run lints.
type Inputs struct {
	// Files are linted one by one.
	Files []string
	// Charts are chart folders to render: charts that are not a
	// subchart of another (under its charts/).
	Charts []string
	// Kustomizations are kustomization folders to build: those that no
	// other kustomization found refers to, and not components. The files
	// a build reads are its own and are not linted alone.
	Kustomizations []string
	// Only keeps, of a chart's results, the files under these paths:
	// the user named a template or values file, not the chart.
	Only map[string][]string
	// Listing is what the walk found in the folders it read.
	Listing *analyzer.Listing
}

// Discover expands paths as analyzer.Discover does and sorts out the
// files that belong to a chart (everything in its folder but crds/,
// whose files Helm does not render and which are plain manifests): the
// chart is rendered instead. A file or folder named inside a chart
// renders the chart and keeps its results under that path. opts.Found,
// when set, gets the files of Inputs.Files as the walk finds them.
func Discover(paths []string, opts analyzer.DiscoverOptions) (Inputs, error) {
	if opts.Listing == nil {
		opts.Listing = analyzer.NewListing()
	}
	in := Inputs{Listing: opts.Listing}
	charts := NewChartFinder()
	charts.listing = in.Listing
	seen := map[string]bool{}
	// Sorted out as the walk finds them: the folders above a file are
	// listed by then, and a caller's Found gets the files to lint alone.
	found := opts.Found
	opts.Found = func(f string) {
		root := charts.owner(f)
		if root == "" {
			in.Files = append(in.Files, f)
			if found != nil {
				found(f)
			}
			return
		}
		if !seen[root] {
			seen[root] = true
			in.Charts = append(in.Charts, root)
		}
	}
	if _, err := analyzer.Discover(paths, opts); err != nil {
		return Inputs{}, err
	}
	in.Kustomizations = kustomizationRoots(in.Files, in.Listing)
	// A path named inside a chart limits the chart's results to it.
	for _, p := range paths {
		root := charts.owner(p)
		if root == "" || !seen[root] {
			if info, err := os.Stat(p); err == nil && info.IsDir() {
				root = charts.owner(filepath.Join(p, "Chart.yaml"))
			}
		}
		if root == "" || !seen[root] || samePath(root, p) || within(p, root) {
			continue
		}
		if in.Only == nil {
			in.Only = map[string][]string{}
		}
		in.Only[root] = append(in.Only[root], p)
	}
	return in, nil
}

// kustomizationRoots finds the folders of files that hold a
// kustomization, and keeps those no other of them refers to (as a
// resource, base or component), leaving components out: a component is
// never built alone.
func kustomizationRoots(files []string, listing *analyzer.Listing) []string {
	var dirs []string
	seen := map[string]bool{}
	for _, f := range files {
		d := filepath.Dir(f)
		if seen[d] {
			continue
		}
		seen[d] = true
		if kustomize.FindIn(d, listing) != "" {
			dirs = append(dirs, d)
		}
	}
	referred := map[string]bool{}
	component := map[string]bool{}
	for _, d := range dirs {
		k, err := kustomize.Read(kustomize.Find(d))
		if err != nil {
			continue // a root: its build reports the error
		}
		if k.Kind == "Component" {
			component[d] = true
		}
		for _, r := range k.Refs(d) {
			if abs, err := filepath.Abs(r); err == nil {
				referred[abs] = true
			}
		}
	}
	var roots []string
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil || referred[abs] || component[d] {
			continue
		}
		roots = append(roots, d)
	}
	return roots
}

// ChartFinder finds the chart that owns a file, caching per folder (the
// language server keeps one; a run makes one).
type ChartFinder struct {
	mu   sync.Mutex
	dirs map[string]string // folder → owning chart root ("" for none)
	wd   analyzer.WorkDir  // for roots of relative paths
	// listing, set for one run, tells folders without a Chart.yaml
	// without asking the file system.
	listing *analyzer.Listing
}

// NewChartFinder returns an empty finder.
func NewChartFinder() *ChartFinder {
	return &ChartFinder{dirs: map[string]string{}}
}

// Root returns the absolute folder of the root chart that owns path (see
// Discover), or "".
func (c *ChartFinder) Root(path string) string {
	abs, err := c.wd.Abs(path)
	if err != nil {
		return ""
	}
	return c.owner(abs)
}

// Reset forgets what was found: charts were added or removed.
func (c *ChartFinder) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dirs = map[string]string{}
}

// owner returns the root chart folder that owns path: the chart whose
// folder holds it, or that chart's parent when it is a subchart (under
// charts/ of another chart); "" when no chart does or the file is under
// a chart's crds/.
func (c *ChartFinder) owner(path string) string {
	abs, err := c.wd.Abs(path)
	if err != nil {
		return ""
	}
	dir := filepath.Dir(abs)
	chart := c.chartOf(dir)
	if chart == "" {
		return ""
	}
	if rel, _ := filepath.Rel(chart, abs); strings.HasPrefix(filepath.ToSlash(rel), "crds/") {
		return ""
	}
	// Climb out of charts/ folders to the root chart.
	for {
		parent := filepath.Dir(chart)
		if filepath.Base(parent) != "charts" {
			break
		}
		outer := c.chartOf(filepath.Dir(parent))
		if outer == "" || outer != filepath.Dir(parent) {
			break
		}
		chart = outer
	}
	return c.relative(path, chart)
}

// chartOf returns the nearest folder at or above dir holding a
// Chart.yaml, absolute; "" when none.
func (c *ChartFinder) chartOf(dir string) string {
	c.mu.Lock()
	if r, ok := c.dirs[dir]; ok {
		c.mu.Unlock()
		return r
	}
	c.mu.Unlock()
	r := ""
	if c.listing.Exists(filepath.Join(dir, "Chart.yaml")) {
		r = dir
	} else if parent := filepath.Dir(dir); parent != dir {
		r = c.chartOf(parent)
	}
	c.mu.Lock()
	c.dirs[dir] = r
	c.mu.Unlock()
	return r
}

// relative spells root as path was spelled: relative when path was.
func (c *ChartFinder) relative(path, root string) string {
	wd, err := c.wd.Dir()
	if filepath.IsAbs(path) || err != nil {
		return root
	}
	if rel, err := filepath.Rel(wd, root); err == nil {
		return rel
	}
	return root
}

func samePath(a, b string) bool {
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && x == y
}

// within tells whether root is inside the folder dir.
func within(dir, root string) bool {
	x, err1 := filepath.Abs(dir)
	y, err2 := filepath.Abs(root)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(x, y)
	return err == nil && !strings.HasPrefix(rel, "..")
}

// Options are the run's flags for rendering.
type Options struct {
	// Values and Set apply to every chart, after its configured ones.
	Values, Set []string
}

// Stats count what a run rendered.
type Stats struct {
	Charts, Kustomizations int
}

// Lint lints the inputs: kustomizations built (their files are theirs),
// charts rendered (with default values, then once per ci/*-values.yaml),
// the other files with the engine under their config; findings on what
// was built or rendered are reported at their source line.
func Lint(ctx context.Context, e *analyzer.Engine, in Inputs, configFor func(string) (*analyzer.Config, error), detail analyzer.FixDetail, opts Options) ([]analyzer.FileResult, Stats) {
	return lint(ctx, e, in, configFor, detail, opts, e.LintFiles(ctx, in.Files, in.Listing, configFor, detail))
}

// LintPaths discovers paths (Discover) and lints what it finds (Lint),
// starting on the plain files while the walk goes on: a walk is mostly
// system calls, and the files found so far keep the other cores busy
// (over corpus/k8s, 17 ms of a 0.22 s run). A kustomization found later
// may own files already linted: their results are dropped, as Lint drops
// them (its build reports on their objects).
func LintPaths(ctx context.Context, e *analyzer.Engine, paths []string, dopts analyzer.DiscoverOptions, configFor func(string) (*analyzer.Config, error), detail analyzer.FixDetail, opts Options) (Inputs, []analyzer.FileResult, Stats, error) {
	if dopts.Listing == nil {
		dopts.Listing = analyzer.NewListing()
	}
	found := &analyzer.Found{}
	streamed := make(chan []analyzer.FileResult, 1)
	go func() { streamed <- e.LintStream(ctx, found, dopts.Listing, configFor, detail) }()
	dopts.Found = found.Add
	in, err := Discover(paths, dopts)
	found.Close()
	files := <-streamed
	if err != nil {
		return Inputs{}, nil, Stats{}, err
	}
	results, stats := lint(ctx, e, in, configFor, detail, opts, files)
	return in, results, stats, nil
}

// lint is Lint with the plain files' results already made: those of the
// files a kustomization's build read are left out.
func lint(ctx context.Context, e *analyzer.Engine, in Inputs, configFor func(string) (*analyzer.Config, error), detail analyzer.FixDetail, opts Options, files []analyzer.FileResult) ([]analyzer.FileResult, Stats) {
	var results []analyzer.FileResult
	var stats Stats
	owned := map[string]bool{}
	// Built together, so that a finding in a base that several overlays
	// share is reported once.
	var builds []*analyzer.Rendered
	var buildCfg *analyzer.Config
	for _, root := range in.Kustomizations {
		if ctx.Err() != nil {
			break
		}
		file := kustomize.Find(root)
		cfg, err := configFor(file)
		if err != nil {
			results = append(results, analyzer.FileResult{Path: file, Err: err})
			continue
		}
		if cfg.Excluded(file) {
			continue
		}
		if buildCfg != nil && cfg.Path != buildCfg.Path {
			results = append(results, lintBuilds(ctx, e, builds, buildCfg, detail)...)
			builds = nil
		}
		buildCfg = cfg
		stats.Kustomizations++
		rd, read := kustomize.Build(ctx, root, kustomize.Options{Limits: cfg.Limits})
		for _, p := range read {
			if abs, err := filepath.Abs(p); err == nil {
				owned[abs] = true
			}
		}
		builds = append(builds, rd)
	}
	if len(builds) > 0 {
		results = append(results, lintBuilds(ctx, e, builds, buildCfg, detail)...)
	}
	var wd analyzer.WorkDir
	for _, r := range files {
		if abs, err := wd.Abs(r.Path); err != nil || !owned[abs] {
			results = append(results, r)
		}
	}
	// Charts render concurrently, each into its own slot: results keep
	// the order of in.Charts.
	slots := make([][]analyzer.FileResult, len(in.Charts))
	counted := make([]bool, len(in.Charts))
	analyzer.Parallel(len(in.Charts), func(i int) {
		if ctx.Err() == nil {
			slots[i], counted[i] = lintChart(ctx, e, in, in.Charts[i], configFor, detail, opts)
		}
	})
	for i := range slots {
		results = append(results, slots[i]...)
		if counted[i] {
			stats.Charts++
		}
	}
	// The set rules over the plain files (renders ran theirs).
	n := 0
	for i := range results {
		n += len(results[i].Facts)
	}
	// Sized once: tens of thousands of facts, appended while the
	// collector runs (write barriers on every copy of a growing slice).
	facts := make([]analyzer.Fact, 0, n)
	for i := range results {
		facts = append(facts, results[i].Facts...)
		results[i].Facts = nil
	}
	if len(facts) > 0 {
		config := func(path string) *analyzer.Config {
			cfg, err := configFor(path)
			if err != nil {
				def := analyzer.DefaultConfig()
				return &def
			}
			return cfg
		}
		for _, r := range e.RunSet(ctx, facts, config) {
			if r.Err != nil || !config(r.Path).Excluded(r.Path) {
				results = append(results, r)
			}
		}
		results = analyzer.MergeResults(results)
	}
	return results, stats
}

// lintChart renders and lints one chart; counted says it was rendered
// (not excluded, its config read).
func lintChart(ctx context.Context, e *analyzer.Engine, in Inputs, root string, configFor func(string) (*analyzer.Config, error), detail analyzer.FixDetail, opts Options) ([]analyzer.FileResult, bool) {
	chartFile := filepath.Join(root, "Chart.yaml")
	cfg, err := configFor(chartFile)
	if err != nil {
		return []analyzer.FileResult{{Path: chartFile, Err: err}}, false
	}
	if cfg.Excluded(chartFile) {
		return nil, false
	}
	var out []analyzer.FileResult
	renders := helm.Renders(ctx, root, ChartOptions(cfg, root, opts))
	for _, r := range e.LintRendered(ctx, renders, cfg, detail) {
		if !cfg.Excluded(r.Path) && kept(in.Only[root], r.Path) {
			out = append(out, r)
		}
	}
	return out, true
}

// lintBuilds lints kustomization builds that share a config.
func lintBuilds(ctx context.Context, e *analyzer.Engine, builds []*analyzer.Rendered, cfg *analyzer.Config, detail analyzer.FixDetail) []analyzer.FileResult {
	var out []analyzer.FileResult
	for _, r := range e.LintRendered(ctx, builds, cfg, detail) {
		if !cfg.Excluded(r.Path) {
			out = append(out, r)
		}
	}
	return out
}

// ChartOptions are the render options of the chart in root: its helm
// config, then the run's flags.
func ChartOptions(cfg *analyzer.Config, root string, opts Options) helm.Options {
	h := cfg.HelmFor(root)
	return helm.Options{
		ReleaseName: h.ReleaseName, Namespace: h.Namespace,
		KubeVersion: cfg.KubernetesVersion, APIVersions: h.APIVersions,
		Values: append(slices.Clone(h.Values), opts.Values...),
		Set:    append(slices.Clone(h.Set), opts.Set...),
		Limits: cfg.Limits,
	}
}

// kept tells whether path is under one of only (all paths when only is
// empty).
func kept(only []string, path string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if samePath(o, path) || within(o, path) {
			return true
		}
	}
	return false
}

// Fix computes the fixes accept allows, without writing anything: for
// the charts and kustomizations of the inputs, carried back to their
// files and verified by rendering again (charts with their default and
// configured values, as the editor renders them); for the other files,
// the engine's (Engine.FixFiles).
func Fix(ctx context.Context, e *analyzer.Engine, in Inputs, configFor func(string) (*analyzer.Config, error), accept func(*analyzer.Finding, fixes.Fix) bool, opts Options) []analyzer.FileFix {
	var out []analyzer.FileFix
	var wd analyzer.WorkDir
	owned := map[string]bool{}
	// Overlays share their bases: each build sees what the ones before
	// fixed, and a file fixed by several is one result.
	fixed := map[string]*analyzer.FileFix{}
	var order []string
	read := func(p string) ([]byte, error) {
		if abs, err := filepath.Abs(p); err == nil {
			if f, ok := fixed[abs]; ok {
				return f.New, nil
			}
		}
		return os.ReadFile(p)
	}
	merge := func(f analyzer.FileFix) {
		abs, err := filepath.Abs(f.Path)
		if err != nil {
			out = append(out, f)
			return
		}
		prev, ok := fixed[abs]
		if !ok {
			fixed[abs] = &f
			order = append(order, abs)
			return
		}
		prev.New, prev.Lines, prev.Findings = f.New, f.Lines, f.Findings
		prev.Applied = append(prev.Applied, f.Applied...)
	}
	for _, root := range in.Kustomizations {
		file := kustomize.Find(root)
		cfg, err := configFor(file)
		if err != nil {
			out = append(out, analyzer.FileFix{Path: file, Err: err})
			continue
		}
		if cfg.Excluded(file) {
			continue
		}
		rd, files := kustomize.Build(ctx, root, kustomize.Options{Limits: cfg.Limits, Read: read})
		for _, p := range files {
			if abs, err := filepath.Abs(p); err == nil {
				owned[abs] = true
			}
		}
		for _, f := range e.FixRendered(ctx, rd, cfg, accept) {
			if !cfg.Excluded(f.Path) {
				merge(f)
			}
		}
	}
	for _, root := range in.Charts {
		chartFile := filepath.Join(root, "Chart.yaml")
		cfg, err := configFor(chartFile)
		if err != nil {
			out = append(out, analyzer.FileFix{Path: chartFile, Err: err})
			continue
		}
		if cfg.Excluded(chartFile) {
			continue
		}
		o := ChartOptions(cfg, root, opts)
		o.Read = read
		for _, f := range e.FixRendered(ctx, helm.Render(ctx, root, o), cfg, accept) {
			if !cfg.Excluded(f.Path) && kept(in.Only[root], f.Path) {
				merge(f)
			}
		}
	}
	for _, abs := range order {
		f := fixed[abs]
		// Old is the file as on disk, whichever build fixed it first.
		if disk, err := os.ReadFile(f.Path); err == nil {
			f.Old = disk
		}
		out = append(out, *f)
	}
	var files []string
	for _, f := range in.Files {
		if abs, err := wd.Abs(f); err == nil && owned[abs] {
			continue
		}
		files = append(files, f)
	}
	return append(out, e.FixFiles(ctx, files, in.Listing, configFor, accept)...)
}
