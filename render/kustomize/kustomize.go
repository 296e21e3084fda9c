// Package kustomize builds kustomizations in-process, as `kustomize build`
// does (sigs.k8s.io/kustomize/api's krusty, root-only load restrictor, no
// plugins, no network), into analyzer renders whose source maps lead each
// field to the patch that set it or the resource file it came from.
package kustomize

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/render/internal/readfile"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FileNames are the names kustomize reads a kustomization from, in its
// order of preference.
var FileNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// ReadFile reads a file; an editor passes one that prefers its unsaved
// buffers to the disk.
type ReadFile = readfile.Func

// Options say how to build.
type Options struct {
	// Read reads files (nil: the disk).
	Read ReadFile
	// Limits bound each file read (MaxFileBytes) and, ten times it, the
	// build's output.
	Limits analyzer.Limits
}

// Find returns the kustomization file in dir ("" when none).
func Find(dir string) string {
	return FindIn(dir, nil)
}

// FindIn is Find, skipping the names a walk's listing knows are not there.
func FindIn(dir string, listing *analyzer.Listing) string {
	for _, n := range FileNames {
		path := filepath.Join(dir, n)
		if listing.Absent(path) {
			continue
		}
		if info, err := os.Stat(path); err == nil && !info.IsDir() {
			return path
		}
	}
	return ""
}

// Kustomization is what hardline reads of a kustomization file: what it
// refers to, so that roots and owned files can be told.
type Kustomization struct {
	Kind string `json:"kind"`
	// Refs are the local resources, bases and components it lists
	// (folders or files), relative to its folder.
	Resources  []string `json:"resources"`
	Bases      []string `json:"bases"`
	Components []string `json:"components"`
}

// Read parses the kustomization file at path.
func Read(path string) (Kustomization, error) {
	var k Kustomization
	text, err := os.ReadFile(path)
	if err != nil {
		return k, err
	}
	err = yaml.Unmarshal(text, &k)
	return k, err
}

// Refs lists what the kustomization builds on: its resources, bases and
// components, as absolute paths (remote ones left out).
func (k Kustomization) Refs(dir string) []string {
	var out []string
	for _, r := range slices.Concat(k.Resources, k.Bases, k.Components) {
		if remote(r) {
			continue
		}
		out = append(out, filepath.Join(dir, r))
	}
	return out
}

// remoteRef recognises what kustomize fetches: URLs, git specs, and
// host/org/repo paths (github.com/org/repo//dir?ref=v1).
var remoteRef = regexp.MustCompile(`^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|git@|git::|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+/)|\?ref=|\?version=`)

func remote(ref string) bool { return remoteRef.MatchString(ref) }

// stderrMu serialises builds (see Build).
var stderrMu sync.Mutex

// defaultSchema is kyaml's OpenAPI schema version before any build.
var defaultSchema = openapi.GetSchemaVersion()

// Build builds the kustomization in dir as `kustomize build` does, and
// returns the render and the files the build read (they belong to it,
// not to be linted alone).
func Build(ctx context.Context, dir string, opts Options) (*analyzer.Rendered, []string) {
	if opts.Read == nil {
		opts.Read = readfile.Disk
	}
	if opts.Limits == (analyzer.Limits{}) {
		opts.Limits = analyzer.DefaultConfig().Limits
	}
	rd := &analyzer.Rendered{Kind: analyzer.KustomizationRender, Root: dir, Name: dir, Sources: map[string][]byte{}}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return rd, nil
	}
	// kustomize works on real paths (symbolic links resolved): origins
	// are relative to the real root, and files are read by real path.
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	fs := &overlay{FileSystem: filesys.MakeFsOnDisk(), read: opts.Read, root: abs, limit: opts.Limits.MaxFileBytes, texts: map[string][]byte{}}
	// As the kustomize command builds: resources in its legacy order
	// unless the kustomization says otherwise (the library's default is
	// input order), root-only loading, no plugins.
	kopts := krusty.MakeDefaultOptions()
	kopts.Reorder = krusty.ReorderOptionUnspecified
	k := krusty.MakeKustomizer(kopts)

	// kustomize prints deprecation warnings straight to os.Stderr;
	// hardline's output is its findings. Builds take turns: they share
	// that, and kyaml's OpenAPI schema.
	stderrMu.Lock()
	// kyaml keeps the schema a kustomization's openapi: field set for
	// the next build of the process, which then merges patches by it:
	// back to the built-in one.
	if openapi.GetSchemaVersion() != defaultSchema {
		openapi.ResetOpenAPI()
	}
	saved := os.Stderr
	if null, err := os.Open(os.DevNull); err == nil {
		os.Stderr = null
		defer null.Close()
	}
	m, err := runSafely(k, fs, abs)
	os.Stderr = saved
	stderrMu.Unlock()

	read := fs.readPaths(dir)
	for p, text := range fs.sources(dir) {
		rd.Sources[p] = text
	}
	kustFile := Find(dir)
	if kustFile == "" {
		kustFile = filepath.Join(dir, FileNames[0])
	}
	for _, r := range fs.remote {
		rd.Problems = append(rd.Problems, analyzer.SourceProblem{Kind: analyzer.SkippedProblem, Location: r.loc,
			Message: fmt.Sprintf("remote %s not fetched (hardline never reaches the network): build without it", r.ref)})
	}
	if err != nil {
		loc := analyzer.Location{Path: kustFile}
		if text, ok := rd.Sources[kustFile]; ok {
			loc.End = lineEnd(text, 0)
		}
		rd.Problems = append(rd.Problems, analyzer.SourceProblem{Kind: analyzer.RenderProblem, Location: loc,
			Message: "the kustomization does not build: " + strings.ReplaceAll(err.Error(), "\n", " ")})
		return rd, read
	}
	doc, bm, err := newBuildMap(m, dir, fs)
	if err != nil {
		rd.Problems = append(rd.Problems, analyzer.SourceProblem{Kind: analyzer.RenderProblem, Location: analyzer.Location{Path: kustFile},
			Message: "the kustomization's output cannot be written: " + err.Error()})
		return rd, read
	}
	if limit := 10 * opts.Limits.MaxFileBytes; limit > 0 && int64(len(doc)) > limit {
		rd.Problems = append(rd.Problems, analyzer.SourceProblem{Kind: analyzer.RenderProblem, Location: analyzer.Location{Path: kustFile},
			Message: fmt.Sprintf("the kustomization builds %d bytes, over ten times limits.maxFileBytes (%d bytes): not linted", len(doc), opts.Limits.MaxFileBytes)})
		return rd, read
	}
	for p, text := range fs.sources(dir) {
		rd.Sources[p] = text
	}
	rd.Docs = []analyzer.RenderedDoc{{Path: kustFile, Text: doc, Map: bm}}
	// The build's source maps cost little: made either way.
	rd.Rerender = func(ctx context.Context, files map[string][]byte, _ bool) *analyzer.Rendered {
		o := opts
		o.Read = readfile.Overlay(opts.Read, files)
		again, _ := Build(ctx, dir, o)
		return again
	}
	return rd, read
}

// runSafely runs the build; a panic in kustomize becomes an error.
func runSafely(k *krusty.Kustomizer, fs filesys.FileSystem, dir string) (m resmap.ResMap, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("kustomize failed: %v", v)
		}
	}()
	return k.Run(fs, dir)
}

// overlay is the disk as kustomize sees it in a build: files come from
// read (an editor's buffers first), kustomization files have their
// remote references taken out (and the root's asks for origin
// annotations), and every file read is recorded.
type overlay struct {
	filesys.FileSystem
	read  ReadFile
	root  string // the root kustomization's folder, absolute
	limit int64

	mu     sync.Mutex
	texts  map[string][]byte // what was read, as read (not rewritten)
	order  []string          // kustomization files in the order read
	remote []remoteEntry
}

type remoteEntry struct {
	ref string
	loc analyzer.Location
}

func (o *overlay) ReadFile(path string) ([]byte, error) {
	text, err := o.read(path)
	if err != nil {
		return nil, err
	}
	if o.limit > 0 && int64(len(text)) > o.limit {
		return nil, fmt.Errorf("%s is over limits.maxFileBytes (%d bytes)", path, o.limit)
	}
	o.mu.Lock()
	o.texts[path] = text
	o.mu.Unlock()
	if !slices.Contains(FileNames, filepath.Base(path)) {
		return text, nil
	}
	o.mu.Lock()
	o.order = append(o.order, path)
	o.mu.Unlock()
	return o.rewrite(path, text)
}

func (o *overlay) Open(path string) (filesys.File, error) {
	return nil, fmt.Errorf("open %s: hardline reads files whole", path)
}

// rewrite takes the remote references out of a kustomization (they
// would be fetched) and, in the root, asks for the annotations that say
// where each resource came from.
func (o *overlay) rewrite(path string, text []byte) ([]byte, error) {
	node, err := yaml.Parse(string(text))
	if err != nil {
		return text, nil // kustomize reports it
	}
	changed := false
	for _, field := range []string{"resources", "bases", "components"} {
		list := node.Field(field)
		if list == nil || list.Value.YNode().Kind != yaml.SequenceNode {
			continue
		}
		var keep []*yaml.Node
		for _, it := range list.Value.YNode().Content {
			if it.Kind == yaml.ScalarNode && remote(it.Value) {
				lines := analyzer.NewLines(text)
				start := lines.Offset(it.Line, it.Column)
				o.mu.Lock()
				o.remote = append(o.remote, remoteEntry{it.Value, analyzer.Location{Path: path, Start: start, End: lines.End(lines.Line(start))}})
				o.mu.Unlock()
				changed = true
				continue
			}
			keep = append(keep, it)
		}
		list.Value.YNode().Content = keep
	}
	if filepath.Dir(path) == o.root {
		meta := yaml.NewListRNode(types.OriginAnnotations, types.TransformerAnnotations)
		if err := node.PipeE(yaml.SetField("buildMetadata", meta)); err == nil {
			changed = true
		}
	}
	if !changed {
		return text, nil
	}
	out, err := node.String()
	if err != nil {
		return text, nil
	}
	return []byte(out), nil
}

// readPaths lists the files the build read, spelled relative to dir as
// dir is spelled.
func (o *overlay) readPaths(dir string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for p := range o.texts {
		out = append(out, spell(dir, o.root, p))
	}
	slices.Sort(out)
	return out
}

// sources returns the texts read, by path spelled as dir is.
func (o *overlay) sources(dir string) map[string][]byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := map[string][]byte{}
	for p, t := range o.texts {
		out[spell(dir, o.root, p)] = t
	}
	return out
}

// spell writes abs, a real path under or near root (dir's real absolute
// form), as dir writes paths: relative when dir is, through the same
// symbolic links.
func spell(dir, root, abs string) string {
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return abs
	}
	return filepath.Join(dir, rel)
}

func lineEnd(text []byte, off int) int {
	for i := off; i < len(text); i++ {
		if text[i] == '\n' {
			return i
		}
	}
	return len(text)
}
