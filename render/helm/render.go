// Package helm renders Helm charts in-process, as `helm template` does,
// into analyzer renders whose source maps lead each rendered line back to
// the template or values line that produced it.
package helm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/render/internal/readfile"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/strvals"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Options say how to render a chart; the zero value renders as
// `helm template` does with no flags.
type Options struct {
	// ReleaseName and Namespace default to release-name and default.
	ReleaseName, Namespace string
	// KubeVersion is the cluster version .Capabilities reports
	// ("1.37"); APIVersions are added to its API versions.
	KubeVersion string
	APIVersions []string
	// Values are values files (-f) and Set are --set assignments, in the
	// order they apply, after the chart's values.yaml.
	Values []string
	Set    []string
	// Read reads files (nil: the disk).
	Read ReadFile
	// Limits bound what a chart may cost: MaxFileBytes bounds each
	// values file, ten times it the whole chart and the rendered
	// output.
	Limits analyzer.Limits
	// Timeout bounds one render (default 10s): Helm's template engine
	// cannot be interrupted, so a render that runs past it is
	// abandoned and reported.
	Timeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.ReleaseName == "" {
		o.ReleaseName = "release-name"
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.KubeVersion == "" {
		o.KubeVersion = analyzer.LatestKubernetesVersion
	}
	if o.Read == nil {
		o.Read = readfile.Disk
	}
	if o.Limits == (analyzer.Limits{}) {
		o.Limits = analyzer.DefaultConfig().Limits
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	return o
}

// ValidSet checks a --set assignment as Helm parses it.
func ValidSet(s string) error {
	_, err := strvals.Parse(s)
	return err
}

// IsLibrary tells whether the Chart.yaml text declares a library chart,
// which is never rendered alone.
func IsLibrary(chartYAML []byte) bool {
	var m struct {
		Type string `json:"type"`
	}
	return yaml.Unmarshal(chartYAML, &m) == nil && m.Type == "library"
}

// Renders renders the chart in dir with the options' values, and once
// more per ci/*-values.yaml file (the chart-testing convention), each
// added to the options' values. A library chart is not rendered: its
// render says so.
func Renders(ctx context.Context, dir string, opts Options) []*analyzer.Rendered {
	opts = opts.withDefaults()
	fs, chartText, done := prepare(dir, opts)
	if done != nil {
		return []*analyzer.Rendered{done}
	}
	// The renders are independent: concurrently, in order.
	cis := ciValues(dir)
	out := make([]*analyzer.Rendered, 1+len(cis))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range out {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			name, values := "default", opts.Values
			if i > 0 {
				name, values = cis[i-1], append(slices.Clone(opts.Values), filepath.Join(dir, filepath.FromSlash(cis[i-1])))
			}
			out[i] = render(ctx, fs, chartText, name, values, opts, true)
		}()
	}
	wg.Wait()
	return out
}

// Render renders the chart in dir once, with the options' values (the
// editor's render).
func Render(ctx context.Context, dir string, opts Options) *analyzer.Rendered {
	opts = opts.withDefaults()
	fs, chartText, done := prepare(dir, opts)
	if done != nil {
		return done
	}
	return render(ctx, fs, chartText, "default", opts.Values, opts, true)
}

// prepare reads the chart; done is the render to return instead when the
// chart cannot be rendered (no Chart.yaml, a library chart, unreadable).
func prepare(dir string, opts Options) (fs *files, chartText []byte, done *analyzer.Rendered) {
	chartPath := filepath.Join(dir, "Chart.yaml")
	chartText, err := opts.Read(chartPath)
	rd := &analyzer.Rendered{Kind: analyzer.ChartRender, Root: dir, Name: "default", Sources: map[string][]byte{chartPath: chartText}}
	if err != nil {
		rd.Problems = append(rd.Problems, analyzer.SourceProblem{Kind: analyzer.RenderProblem, Location: analyzer.Location{Path: chartPath}, Message: err.Error()})
		return nil, nil, rd
	}
	if IsLibrary(chartText) {
		loc := keyLocation(chartPath, chartText, "type")
		rd.Problems = append(rd.Problems, analyzer.SourceProblem{Kind: analyzer.SkippedProblem, Location: loc,
			Message: "library chart: not rendered alone; its templates are linted in the charts that depend on it"})
		return nil, nil, rd
	}
	fs, err = readChart(dir, opts.Read, 10*opts.Limits.MaxFileBytes)
	if err != nil {
		rd.Problems = append(rd.Problems, analyzer.SourceProblem{Kind: analyzer.RenderProblem, Location: firstLine(chartPath, chartText), Message: "the chart does not load: " + err.Error()})
		return nil, nil, rd
	}
	return fs, chartText, nil
}

// ciValues lists the chart's ci/*-values.yaml files (charts usually
// .helmignore ci/, so they are found on disk, not among the chart's
// files).
func ciValues(dir string) []string {
	found, _ := filepath.Glob(filepath.Join(dir, "ci", "*-values.yaml"))
	var out []string
	for _, f := range found {
		out = append(out, "ci/"+filepath.Base(f))
	}
	sort.Strings(out)
	return out
}

// source is a template that was marked, by file number.
type source struct {
	path    string // on disk; "" in an archived subchart
	text    string
	chart   string // the folder of its chart
	actions []action
}

// renderer is one render's shared state for its source maps.
type renderer struct {
	sources []source
	values  *valueSources
}

func (r *renderer) action(rg region) action {
	if rg.file < 0 || rg.file >= len(r.sources) || rg.action < 0 || rg.action >= len(r.sources[rg.file].actions) {
		return action{}
	}
	return r.sources[rg.file].actions[rg.action]
}

// render renders the chart once, with the chart's values.yaml and then
// the values files given; mapped: with the source maps, which take a
// second render of a marked copy of the chart (without, documents map
// every span to their template's first line).
func render(ctx context.Context, fs *files, chartText []byte, name string, valueFiles []string, opts Options, mapped bool) *analyzer.Rendered {
	dir := fs.dir
	chartPath := filepath.Join(dir, "Chart.yaml")
	rd := &analyzer.Rendered{Kind: analyzer.ChartRender, Root: dir, Name: name, Namespace: opts.Namespace, Sources: map[string][]byte{chartPath: chartText}}
	fail := func(kind analyzer.ProblemKind, loc analyzer.Location, format string, args ...any) *analyzer.Rendered {
		rd.Problems = append(rd.Problems, analyzer.SourceProblem{Kind: kind, Location: loc, Message: fmt.Sprintf(format, args...)})
		return rd
	}

	// Values: the charts' values.yaml files, for positions, then the
	// user's files and --set.
	charts, chains := fs.chartValues(&opts.Limits)
	sources := &valueSources{charts: charts, chains: chains}
	if sources.charts[dir] != nil {
		rd.Values = append(rd.Values, "values.yaml")
	}
	vals := map[string]any{}
	for _, p := range valueFiles {
		text, err := opts.Read(p)
		if err != nil {
			return fail(analyzer.RenderProblem, firstLine(chartPath, chartText), "values file %s: %v", p, err)
		}
		if opts.Limits.MaxFileBytes > 0 && int64(len(text)) > opts.Limits.MaxFileBytes {
			return fail(analyzer.RenderProblem, firstLine(chartPath, chartText), "values file %s is over limits.maxFileBytes (%d bytes)", p, opts.Limits.MaxFileBytes)
		}
		rd.Sources[p] = text
		rd.Values = append(rd.Values, relTo(dir, p))
		vf := parseValues(p, text, &opts.Limits)
		if len(vf.doc.Problems) > 0 {
			pr := vf.doc.Problems[0]
			return fail(analyzer.RenderProblem, analyzer.Location{Path: p, Start: pr.Start, End: pr.End}, "values file does not parse: %s", pr.Message)
		}
		sources.user = append(sources.user, vf)
		m, err := chartutil.ReadValues(text)
		if err != nil {
			return fail(analyzer.RenderProblem, firstLine(p, text), "values file does not parse: %v", err)
		}
		mergeValues(vals, m)
	}
	for _, s := range opts.Set {
		if err := strvals.ParseInto(s, vals); err != nil {
			return fail(analyzer.RenderProblem, firstLine(chartPath, chartText), "--set %s: %v", s, err)
		}
	}

	where := map[*chart.File]templateFile{}
	c, err := fs.load(where)
	if err != nil {
		return fail(analyzer.RenderProblem, firstLine(chartPath, chartText), "the chart does not load: %v", err)
	}
	if c.Metadata.Type == "library" {
		return fail(analyzer.SkippedProblem, keyLocation(chartPath, chartText, "type"), "library chart: not rendered alone")
	}

	// Dependencies: Helm refuses a chart with any missing; hardline
	// renders one whose missing dependencies these values switch off.
	missing := missingDependencies(c)
	if err := chartutil.ProcessDependenciesWithMerge(c, vals); err != nil {
		return fail(analyzer.RenderProblem, firstLine(chartPath, chartText), "dependencies: %v", err)
	}
	depsPath, depsText := chartPath, chartText
	if f := rawFile(c, "requirements.yaml"); f != nil {
		depsPath, depsText = filepath.Join(dir, "requirements.yaml"), f.Data
		rd.Sources[depsPath] = depsText
	}
	var enabled, disabled []*chart.Dependency
	for _, d := range missing {
		if slices.Contains(c.Metadata.Dependencies, d) {
			enabled = append(enabled, d)
		} else {
			disabled = append(disabled, d)
		}
	}
	if len(enabled) > 0 {
		// One finding: the chart is not rendered, whatever is missing.
		return fail(analyzer.RenderProblem, dependencyLocation(depsPath, depsText, enabled[0].Name),
			"%s not in charts/: run `helm dependency build` before linting (the chart is not rendered)", dependencyList(enabled))
	}
	for _, d := range disabled {
		why := "its condition " + d.Condition
		if d.Condition == "" {
			why = "its tags"
		}
		rd.Problems = append(rd.Problems, analyzer.SourceProblem{Kind: analyzer.SkippedProblem, Location: dependencyLocation(depsPath, depsText, d.Name),
			Message: fmt.Sprintf("dependency %s is not in charts/, but %s switches it off: rendered without it (Helm refuses the chart until `helm dependency build`)", d.Name, why)})
	}

	caps, err := capabilities(opts)
	if err != nil {
		return fail(analyzer.RenderProblem, firstLine(chartPath, chartText), "%v", err)
	}
	if kv := c.Metadata.KubeVersion; kv != "" && !chartutil.IsCompatibleRange(kv, caps.KubeVersion.String()) {
		return fail(analyzer.RenderProblem, keyLocation(chartPath, chartText, "kubeVersion"),
			"the chart requires kubeVersion %s, which excludes the target Kubernetes %s (kubernetesVersion in .hardline.yaml)", kv, caps.KubeVersion.Version)
	}
	if schemas := unsafeSchemas(c, fs); len(schemas) > 0 {
		// One finding, at the first schema, names them all.
		s := schemas[0]
		msg := s.message
		for _, o := range schemas[1:] {
			msg += "; " + o.message
		}
		rd.Sources[s.path] = s.text
		rd.Problems = append(rd.Problems, analyzer.SourceProblem{Kind: analyzer.SkippedProblem, Location: s.loc,
			Message: msg + ": hardline does not fetch schemas, so values are not checked against them"})
	}
	top, err := chartutil.ToRenderValuesWithSchemaValidation(c, vals, chartutil.ReleaseOptions{
		Name: opts.ReleaseName, Namespace: opts.Namespace, Revision: 1, IsInstall: true,
	}, caps, false)
	if err != nil {
		loc := firstLine(chartPath, chartText)
		if len(valueFiles) > 0 {
			p := valueFiles[len(valueFiles)-1]
			loc = firstLine(p, rd.Sources[p])
		} else if v := sources.charts[dir]; v != nil {
			loc = firstLine(v.path, v.doc.Text)
		}
		return fail(analyzer.RenderProblem, loc, "%s", strings.TrimSpace(err.Error()))
	}

	if loc, text, msg, ok := hugeLoop(c, where); ok {
		rd.Sources[loc.Path] = text
		return fail(analyzer.RenderProblem, loc, "%s", msg)
	}
	names := templateNames(c)
	// The marked copy is made first: templates may change .Values as
	// they render (istio's profiles do), and nested maps of the chart's
	// values are shared with the render's.
	r := &renderer{values: sources}
	var mirror *chart.Chart
	if mapped {
		mirror = markChart(c, where, r)
	}
	out, err := renderChart(ctx, c, top, opts.Timeout)
	if err != nil {
		loc, text := errorLocation(err, names, where, chartPath, chartText)
		rd.Sources[loc.Path] = text
		return fail(analyzer.RenderProblem, loc, "%s", cleanError(err))
	}
	size := 0
	for _, s := range out {
		size += len(s)
	}
	if limit := 10 * opts.Limits.MaxFileBytes; limit > 0 && int64(size) > limit {
		return fail(analyzer.RenderProblem, firstLine(chartPath, chartText), "the chart renders %d bytes, over ten times limits.maxFileBytes (%d bytes): not linted", size, opts.Limits.MaxFileBytes)
	}

	// The marked render, for the source maps.
	var markedOut map[string]string
	if mapped {
		markedOut = renderMarked(ctx, mirror, vals, caps, opts)
	}
	keys := slices.Sorted(maps.Keys(out))
	for _, key := range keys {
		text := out[key]
		base := path.Base(key)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" || strings.TrimSpace(text) == "" {
			continue
		}
		tf, onDisk := where[names[key]]
		m := &templateMap{plain: analyzer.NewLines([]byte(text)), r: r, chart: tf.chart}
		doc, inserted := splitLikeHelm(text)
		m.inserted = inserted
		docPath := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(key, c.Name()+"/")))
		if onDisk && tf.path != "" {
			docPath = tf.path
			src := string(fileData(names[key]))
			rd.Sources[tf.path] = []byte(src)
			m.home = analyzer.Location{Path: tf.path, Start: 0, End: lineEnd(src, 0)}
		} else {
			m.home = dependencyLocation(depsPath, depsText, subchartOf(key, c.Name()))
			m.chart = dir
		}
		if mt, ok := markedOut[key]; ok {
			m.marked = strip(mt)
			m.lineMap = alignLines(splitLines(text), splitLines(m.marked.text))
		}
		rd.Docs = append(rd.Docs, analyzer.RenderedDoc{Path: docPath, Text: []byte(doc), Map: m})
	}
	for _, s := range r.sources {
		if s.path != "" {
			rd.Sources[s.path] = []byte(s.text)
		}
	}
	for _, v := range sources.charts {
		rd.Sources[v.path] = v.doc.Text
	}
	rd.Rerender = func(ctx context.Context, files map[string][]byte, mapped bool) *analyzer.Rendered {
		o := opts
		o.Read = readfile.Overlay(opts.Read, files)
		fs, chartText, done := prepare(dir, o)
		if done != nil {
			return done
		}
		return render(ctx, fs, chartText, name, valueFiles, o, mapped)
	}
	return rd
}

// chartValues returns the charts' values.yaml files, parsed for positions
// once for every render of the chart, and each chart's chain.
func (f *files) chartValues(limits *analyzer.Limits) (map[string]*valuesFile, map[string]chain) {
	f.valuesOnce.Do(func() {
		f.values, f.chains = map[string]*valuesFile{}, map[string]chain{}
		f.readValues(f, limits, chain{})
	})
	return f.values, f.chains
}

func (f *files) readValues(top *files, limits *analyzer.Limits, parent chain) {
	ch := chain{names: parent.names, folders: append(slices.Clone(parent.folders), f.dir)}
	top.chains[f.dir] = ch
	for _, b := range f.chart {
		if b.Name == "values.yaml" {
			top.values[f.dir] = parseValues(filepath.Join(f.dir, "values.yaml"), b.Data, limits)
		}
	}
	for _, sub := range f.subs {
		sub.readValues(top, limits, chain{names: append(slices.Clone(ch.names), subchartName(sub)), folders: ch.folders})
	}
}

// subchartName is the values key of a subchart folder: its chart name.
func subchartName(f *files) string {
	for _, b := range f.chart {
		if b.Name == "Chart.yaml" {
			var m struct {
				Name string `json:"name"`
			}
			if yaml.Unmarshal(b.Data, &m) == nil && m.Name != "" {
				return m.Name
			}
		}
	}
	return filepath.Base(f.dir)
}

// copyValues copies values deeply: maps and lists; scalars are immutable.
func copyValues(v map[string]any) map[string]any {
	if v == nil {
		return nil
	}
	out := make(map[string]any, len(v))
	for k, x := range v {
		out[k] = copyValue(x)
	}
	return out
}

func copyValue(x any) any {
	switch t := x.(type) {
	case map[string]any:
		return copyValues(t)
	case chartutil.Values:
		return chartutil.Values(copyValues(t))
	case []any:
		out := make([]any, len(t))
		for i, y := range t {
			out[i] = copyValue(y)
		}
		return out
	}
	return x
}

// mergeValues merges src into dst as Helm merges values files: maps
// deeply, anything else replaced.
func mergeValues(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergeValues(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

// missingDependencies lists the dependencies of Chart.yaml that are not
// in charts/, as Helm's check finds them.
func missingDependencies(c *chart.Chart) []*chart.Dependency {
	var out []*chart.Dependency
	for _, d := range c.Metadata.Dependencies {
		if d == nil {
			continue
		}
		if !slices.ContainsFunc(c.Dependencies(), func(s *chart.Chart) bool { return s.Name() == d.Name }) {
			out = append(out, d)
		}
	}
	return out
}

func rawFile(c *chart.Chart, name string) *chart.File {
	for _, f := range c.Raw {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// capabilities are .Capabilities for the target version.
func capabilities(opts Options) (*chartutil.Capabilities, error) {
	caps := chartutil.DefaultCapabilities.Copy()
	major, minor, ok := strings.Cut(opts.KubeVersion, ".")
	if !ok {
		return nil, fmt.Errorf("kubernetesVersion %q: want MAJOR.MINOR", opts.KubeVersion)
	}
	caps.KubeVersion = chartutil.KubeVersion{Version: "v" + major + "." + minor + ".0", Major: major, Minor: minor}
	if len(opts.APIVersions) > 0 {
		caps.APIVersions = append(slices.Clone(caps.APIVersions), opts.APIVersions...)
	}
	return caps, nil
}

// templateNames maps the names Helm renders templates under
// (chart/charts/sub/templates/x.yaml) to the templates.
func templateNames(c *chart.Chart) map[string]*chart.File {
	out := map[string]*chart.File{}
	var walk func(c *chart.Chart)
	walk = func(c *chart.Chart) {
		for _, t := range c.Templates {
			out[path.Join(c.ChartFullPath(), t.Name)] = t
		}
		for _, d := range c.Dependencies() {
			walk(d)
		}
	}
	walk(c)
	return out
}

func fileData(f *chart.File) []byte {
	if f == nil {
		return nil
	}
	return f.Data
}

// subchartOf returns the subchart name a template name is under.
func subchartOf(key, top string) string {
	rest := strings.TrimPrefix(key, top+"/charts/")
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// abandoned counts the renders that ran past their time and still run:
// Helm's engine cannot be stopped, so while maxAbandoned of them burn CPU,
// no new render starts (an editor would otherwise pile them up).
var abandoned atomic.Int32

const maxAbandoned = 2

// renderChart renders with Helm's engine as `helm template` does (no
// cluster: lookup returns nothing), within the timeout.
func renderChart(ctx context.Context, c *chart.Chart, top chartutil.Values, timeout time.Duration) (map[string]string, error) {
	if abandoned.Load() >= maxAbandoned {
		return nil, fmt.Errorf("not rendered: %d earlier renders that took too long are still running", maxAbandoned)
	}
	type result struct {
		out map[string]string
		err error
	}
	done := make(chan result, 1)
	var mu sync.Mutex
	finished, gaveUp := false, false
	go func() {
		var r result
		defer func() {
			if v := recover(); v != nil {
				r = result{err: fmt.Errorf("helm's template engine failed: %v", v)}
			}
			done <- r
			mu.Lock()
			finished = true
			if gaveUp {
				abandoned.Add(-1)
			}
			mu.Unlock()
		}()
		var e engine.Engine
		r.out, r.err = e.Render(c, top)
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-done:
		return r.out, r.err
	case <-t.C:
	case <-ctx.Done():
	}
	mu.Lock()
	if finished {
		mu.Unlock()
		r := <-done
		return r.out, r.err
	}
	// The render goes on; it is counted until it ends.
	gaveUp = true
	abandoned.Add(1)
	mu.Unlock()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, fmt.Errorf("rendering took longer than %s: abandoned (a template that loops for long or renders a huge output)", timeout)
}

// renderMarked renders the marked copy of the chart; nil when that
// render fails (the source maps then put findings on each template's
// first line).
func renderMarked(ctx context.Context, mirror *chart.Chart, vals map[string]any, caps *chartutil.Capabilities, opts Options) map[string]string {
	top, err := chartutil.ToRenderValuesWithSchemaValidation(mirror, copyValues(vals), chartutil.ReleaseOptions{
		Name: opts.ReleaseName, Namespace: opts.Namespace, Revision: 1, IsInstall: true,
	}, caps, true)
	if err != nil {
		return nil
	}
	out, err := renderChart(ctx, mirror, top, opts.Timeout)
	if err != nil {
		return nil
	}
	return out
}

// markChart copies the chart tree, values deeply, with its templates
// marked: manifest templates, and in partials (_*.tpl) the defines that
// are only ever written as blocks (blockDefines).
func markChart(c *chart.Chart, where map[*chart.File]templateFile, r *renderer) *chart.Chart {
	var all []string
	var collect func(c *chart.Chart)
	collect = func(c *chart.Chart) {
		for _, t := range c.Templates {
			all = append(all, string(t.Data))
		}
		for _, d := range c.Dependencies() {
			collect(d)
		}
	}
	collect(c)
	blocks := blockDefines(all)
	return markTree(c, where, r, func(name string) bool { return blocks[name] })
}

func markTree(c *chart.Chart, where map[*chart.File]templateFile, r *renderer, mark func(string) bool) *chart.Chart {
	cc := *c
	cc.Values = copyValues(c.Values)
	cc.Templates = make([]*chart.File, len(c.Templates))
	for i, t := range c.Templates {
		if !isManifestTemplate(t.Name) {
			cc.Templates[i] = t
			continue
		}
		// A partial's own output is dropped by Helm, so marking it
		// all is harmless; its block defines are what counts.
		n := len(r.sources)
		text, actions := instrument(string(t.Data), n, mark)
		tf := where[t]
		r.sources = append(r.sources, source{path: tf.path, text: string(t.Data), chart: tf.chart, actions: actions})
		cc.Templates[i] = &chart.File{Name: t.Name, Data: []byte(text)}
	}
	var deps []*chart.Chart
	for _, d := range c.Dependencies() {
		deps = append(deps, markTree(d, where, r, mark))
	}
	cc.SetDependencies(deps...)
	return &cc
}

// splitLikeHelm makes Helm's document separators YAML's: Helm splits a
// template's output wherever a line starts with ---, so "---# comment"
// starts a document for Helm but not for a YAML parser. A line break is
// inserted after such a ---; inserted lists where, in the result.
func splitLikeHelm(text string) (string, []int) {
	var b strings.Builder
	var inserted []int
	for line := range strings.SplitAfterSeq(text, "\n") {
		b.WriteString(line)
		if rest, ok := strings.CutPrefix(line, "---"); ok && rest != "" && !strings.HasPrefix(rest, "-") && !isSpace(rest[0]) {
			// Written as "---" + line break + rest.
			s := b.String()
			b.Reset()
			b.WriteString(s[:len(s)-len(rest)])
			inserted = append(inserted, b.Len())
			b.WriteString("\n")
			b.WriteString(rest)
		}
	}
	return b.String(), inserted
}

func isManifestTemplate(name string) bool {
	switch path.Ext(name) {
	case ".yaml", ".yml", ".json", ".tpl":
		return true
	}
	return false
}

// unsafeSchema is a values schema hardline does not check values
// against, because it refers outside itself.
type unsafeSchema struct {
	path    string
	text    []byte
	loc     analyzer.Location
	message string
}

// unsafeSchemas finds the charts whose values.schema.json refers to a URL
// or another file, and drops those schemas: validating would fetch them,
// and rendering never touches the network or files outside the chart.
func unsafeSchemas(c *chart.Chart, fs *files) []unsafeSchema {
	var out []unsafeSchema
	var walk func(c *chart.Chart, folder string)
	walk = func(c *chart.Chart, folder string) {
		if len(c.Schema) > 0 {
			if ref := externalRef(c.Schema); ref != "" {
				p := filepath.Join(folder, "values.schema.json")
				text := c.Schema
				start := bytes.Index(text, []byte(strconv.Quote(ref)))
				loc := analyzer.Location{Path: p, Start: max(start, 0), End: max(start, 0) + len(strconv.Quote(ref))}
				if folder == "" {
					// An archived subchart: no file to point at.
					p, text = filepath.Join(fs.dir, "Chart.yaml"), nil
					loc = analyzer.Location{Path: p}
				}
				out = append(out, unsafeSchema{path: p, text: text, loc: loc,
					message: fmt.Sprintf("the values schema of chart %s refers to %s", c.Name(), ref)})
				c.Schema = nil
			}
		}
		for _, d := range c.Dependencies() {
			walk(d, subFolder(fs, folder, d))
		}
	}
	walk(c, fs.dir)
	return out
}

// subFolder finds the folder of subchart d of the chart in folder ("" for
// an archive).
func subFolder(fs *files, folder string, d *chart.Chart) string {
	if folder == "" {
		return ""
	}
	var find func(f *files) *files
	find = func(f *files) *files {
		if f.dir == folder {
			return f
		}
		for _, s := range f.subs {
			if r := find(s); r != nil {
				return r
			}
		}
		return nil
	}
	if f := find(fs); f != nil {
		for _, s := range f.subs {
			if subchartName(s) == d.Metadata.Name || filepath.Base(s.dir) == d.Metadata.Name {
				return s.dir
			}
		}
	}
	return ""
}

// externalRef returns the first $ref (or $schema) of a JSON schema that
// points outside it; "" when all stay inside ("#…") or name a known draft.
func externalRef(schema []byte) string {
	var v any
	if json.Unmarshal(schema, &v) != nil {
		return ""
	}
	var find func(v any) string
	find = func(v any) string {
		switch t := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				if s, ok := t[k].(string); ok {
					switch k {
					case "$ref", "$dynamicRef", "$recursiveRef":
						if !strings.HasPrefix(s, "#") {
							return s
						}
					case "$schema":
						if !strings.Contains(s, "json-schema.org/") {
							return s
						}
					}
				}
				if r := find(t[k]); r != "" {
					return r
				}
			}
		case []any:
			for _, x := range t {
				if r := find(x); r != "" {
					return r
				}
			}
		}
		return ""
	}
	return find(v)
}

// maxLoop bounds the counts written into templates for the functions
// that make lists or strings of a given length: Helm's engine cannot be
// interrupted or limited in memory, so a template that asks for a
// billion items is refused before rendering.
const maxLoop = 1_000_000

var (
	loopFunc = regexp.MustCompile(`\b(until|untilStep|repeat|seq)\b`)
	number   = regexp.MustCompile(`\b\d{7,}\b`)
)

// hugeLoop finds an action that calls until, untilStep, repeat or seq with
// a count over maxLoop.
func hugeLoop(c *chart.Chart, where map[*chart.File]templateFile) (analyzer.Location, []byte, string, bool) {
	var found func(c *chart.Chart) (analyzer.Location, []byte, string, bool)
	found = func(c *chart.Chart) (analyzer.Location, []byte, string, bool) {
		for _, t := range c.Templates {
			src := string(t.Data)
			for _, a := range scanActions(src) {
				// The substrings first: the regular expression costs more,
				// and few actions call these functions.
				if !strings.Contains(a.inner, "until") && !strings.Contains(a.inner, "repeat") && !strings.Contains(a.inner, "seq") ||
					!loopFunc.MatchString(a.inner) {
					continue
				}
				for _, n := range number.FindAllString(a.inner, -1) {
					if v, err := strconv.ParseInt(n, 10, 64); err != nil || v > maxLoop {
						tf := where[t]
						if tf.path == "" {
							continue
						}
						return analyzer.Location{Path: tf.path, Start: a.start, End: a.end}, t.Data,
							fmt.Sprintf("the template asks for %s items (more than %d): not rendered, as Helm's engine cannot bound the time and memory that takes", n, maxLoop), true
					}
				}
			}
		}
		for _, d := range c.Dependencies() {
			if loc, text, msg, ok := found(d); ok {
				return loc, text, msg, true
			}
		}
		return analyzer.Location{}, nil, "", false
	}
	return found(c)
}

// errorRef finds the template position in a Helm error:
// "template: c/templates/x.yaml:12:34: …", "parse error at (c/templates/x.yaml:5): …".
var errorRef = regexp.MustCompile(`([A-Za-z0-9_.\-/]+):(\d+)(?::(\d+))?`)

// errorLocation places a render error at the template line Helm names,
// and returns that file's text.
func errorLocation(err error, names map[string]*chart.File, where map[*chart.File]templateFile, chartPath string, chartText []byte) (analyzer.Location, []byte) {
	for _, m := range errorRef.FindAllStringSubmatch(err.Error(), -1) {
		t, ok := names[m[1]]
		if !ok {
			continue
		}
		tf := where[t]
		if tf.path == "" {
			break
		}
		lines := analyzer.NewLines(t.Data)
		line, _ := strconv.Atoi(m[2])
		col := 1
		if m[3] != "" {
			col, _ = strconv.Atoi(m[3])
		}
		start := lines.Offset(max(line, 1), max(col, 1))
		return analyzer.Location{Path: tf.path, Start: start, End: lines.End(lines.Line(start))}, t.Data
	}
	return firstLine(chartPath, chartText), chartText
}

// cleanError shortens Helm's error text: one line, without its
// "template:" prefix repeated.
func cleanError(err error) string {
	s := strings.TrimSpace(err.Error())
	s = strings.ReplaceAll(s, "\n", " ")
	return "the chart does not render: " + s
}

func firstLine(p string, text []byte) analyzer.Location {
	end := bytes.IndexByte(text, '\n')
	if end < 0 {
		end = len(text)
	}
	return analyzer.Location{Path: p, Start: 0, End: end}
}

// keyLocation is the line of a top-level key of a YAML file (its first
// line when the key is absent).
func keyLocation(p string, text []byte, key string) analyzer.Location {
	lines := analyzer.NewLines(text)
	for l := 1; l <= lines.Count(); l++ {
		if bytes.HasPrefix(lines.Text(l), []byte(key+":")) {
			return analyzer.Location{Path: p, Start: lines.Start(l), End: lines.End(l)}
		}
	}
	return firstLine(p, text)
}

// dependencyLocation is the line naming dependency name in Chart.yaml
// (or requirements.yaml).
func dependencyLocation(p string, text []byte, name string) analyzer.Location {
	lines := analyzer.NewLines(text)
	re := regexp.MustCompile(`^\s*-?\s*name:\s*["']?` + regexp.QuoteMeta(name) + `["']?\s*(#.*)?$`)
	for l := 1; l <= lines.Count(); l++ {
		if re.Match(lines.Text(l)) {
			t := lines.Text(l)
			indent := len(t) - len(bytes.TrimLeft(t, " -"))
			return analyzer.Location{Path: p, Start: lines.Start(l) + indent, End: lines.End(l)}
		}
	}
	return keyLocation(p, text, "dependencies")
}

// dependencyList names dependencies in a sentence.
func dependencyList(ds []*chart.Dependency) string {
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = d.Name
	}
	if len(names) == 1 {
		return "dependency " + names[0] + " is"
	}
	return "dependencies " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " are"
}

func relTo(dir, p string) string {
	if rel, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}
