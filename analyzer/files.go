package analyzer

import (
	"context"
	"math/bits"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"hardline.dev/hardline/analyzer/gitignore"
	"hardline.dev/hardline/analyzer/yamlfast"
	"hardline.dev/hardline/fixes"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FileResult is what linting one file produced.
type FileResult struct {
	Path string
	// Lines indexes the file's text, for outputs that convert offsets;
	// nil for a file read from disk with neither findings nor facts.
	Lines    *Lines
	Findings []Finding
	// Checked says the file held something hardline analyzes: Kubernetes
	// objects or a Dockerfile (or findings, such as a syntax error).
	Checked bool
	// Err is an I/O error reading the file; the file has no findings then.
	Err error
	// Facts are what set rules collected from the file, for RunSet.
	Facts []Fact
}

// Checked tells whether a document held something to analyze: objects, a
// Dockerfile, or findings about it.
func Checked(doc *Document, findings []Finding) bool {
	return len(doc.Objects) > 0 || doc.Dockerfile != nil || len(findings) > 0
}

// DiscoverOptions say how directories are walked.
type DiscoverOptions struct {
	// NoIgnore turns .gitignore and .ignore files off.
	NoIgnore bool
	// Listing, when set, receives the entries of every folder walked.
	Listing *Listing
	// Found, when set, is called with each file as the walk finds it, in
	// the order of the result: a caller may start on the files while the
	// walk goes on.
	Found func(path string)
}

// alwaysSkipped are folders never walked: version control and
// dependencies vendored by package managers.
var alwaysSkipped = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true}

// Discover expands directories into the files hardline reads in them
// (YAML, JSON, Dockerfiles); files named explicitly are always kept. A walk
// honours .gitignore and .ignore files, in git repositories (from the
// repository's root down, and .git/info/exclude) and outside them (from
// the walked folder down), and never enters version-control folders or
// node_modules. The result is sorted within each directory.
func Discover(paths []string, opts DiscoverOptions) ([]string, error) {
	var out []string
	listing := opts.Listing
	if listing == nil {
		listing = NewListing()
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			if opts.Found != nil {
				opts.Found(p)
			}
			continue
		}
		root, ignore, err := ignoreFor(p, opts)
		if err != nil {
			return nil, err
		}
		// A link to a folder, named, is walked through: reading it follows
		// the link.
		w := walker{root: root, ignore: ignore, listing: listing, out: out, found: opts.Found}
		abs, err := listing.wd.Abs(p)
		if err != nil {
			return nil, err
		}
		rel, err := w.relOf(abs)
		if err != nil {
			return nil, err
		}
		if err := w.dir(p, abs, rel, false); err != nil {
			return nil, err
		}
		out = w.out
	}
	return out, nil
}

// walker is one folder's walk for Discover.
type walker struct {
	root    string // what ignore rules are relative to
	ignore  *gitignore.Matcher
	listing *Listing // its WorkDir makes paths absolute
	out     []string
	found   func(string) // DiscoverOptions.Found
}

// dir adds the files under dir (absolute abs, rel to the walk's root) that
// hardline reads, in the order filepath.WalkDir visits them. Each folder
// is read before its ignore files are looked for: its listing says which
// are there. clean says dir is clean, so that its entries' paths are
// joined without cleaning them again (the folder named may not be).
func (w *walker) dir(dir, abs, rel string, clean bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	w.listing.add(abs, entries)
	if w.ignore != nil {
		for _, name := range gitignore.Files {
			if p := filepath.Join(dir, name); !w.listing.Absent(p) {
				w.ignore.AddFile(p, rel)
			}
		}
	}
	for _, e := range entries {
		name := e.Name()
		childRel := joinRel(rel, name)
		if e.IsDir() {
			if alwaysSkipped[name] || w.ignore != nil && w.ignore.Ignored(childRel, true) {
				continue
			}
			if err := w.dir(joinPath(dir, name, clean), joinPath(abs, name, true), childRel, true); err != nil {
				return err
			}
			continue
		}
		if e.Type().IsRegular() && LanguageOf(name) != Unknown && (w.ignore == nil || !w.ignore.Ignored(childRel, false)) {
			path := joinPath(dir, name, clean)
			w.out = append(w.out, path)
			if w.found != nil {
				w.found(path)
			}
		}
	}
	return nil
}

// relOf is abs relative to the walk's root, with slashes ("" for the root).
func (w *walker) relOf(abs string) (string, error) {
	if w.ignore == nil {
		return "", nil
	}
	rel, err := filepath.Rel(w.root, abs)
	if err != nil {
		return "", err
	}
	if rel = filepath.ToSlash(rel); rel == "." {
		rel = ""
	}
	return rel, nil
}

// joinPath is filepath.Join(dir, name) for a name read from dir; when dir
// is clean it skips Join's cleaning, which a walk would pay for every
// path of a large repository.
func joinPath(dir, name string, clean bool) string {
	switch {
	case !clean || dir == ".":
		return filepath.Join(dir, name)
	case os.IsPathSeparator(dir[len(dir)-1]):
		return dir + name
	}
	return dir + string(filepath.Separator) + name
}

// joinRel extends a path relative to the walk's root by a name.
func joinRel(rel, name string) string {
	if rel == "" {
		return name
	}
	return rel + "/" + name
}

// ignoreFor prepares the ignore rules for a walk of dir: in a git
// repository, relative to its root, with the exclude file and the ignore
// files of the folders above dir; elsewhere, relative to dir. The walk
// adds the ignore files of dir and below as it enters them.
func ignoreFor(dir string, opts DiscoverOptions) (string, *gitignore.Matcher, error) {
	if opts.NoIgnore {
		return "", nil, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", nil, err
	}
	m := &gitignore.Matcher{}
	root := abs
	for d := abs; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			root = d
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if root != abs {
		m.AddFile(filepath.Join(root, ".git", "info", "exclude"), "")
		rel, _ := filepath.Rel(root, abs)
		base := ""
		for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
			folder := filepath.Join(root, filepath.FromSlash(base))
			for _, name := range gitignore.Files {
				m.AddFile(filepath.Join(folder, name), base)
			}
			base = strings.TrimPrefix(base+"/"+part, "/")
		}
	}
	return root, m, nil
}

// FixDetail says what a lint run tells of each finding's fixes.
type FixDetail int

const (
	// NoFixes: nothing.
	NoFixes FixDetail = iota
	// FixHints: the first fix's title and safety (Finding.Hint).
	FixHints
	// VerifiedFixes: every verified fix (Finding.Fixes), and the hint.
	VerifiedFixes
)

// LintFiles reads, parses and analyzes files concurrently, each under the
// configuration configFor returns for it, and returns the results in the
// order of paths, so output is deterministic. Files the configuration
// excludes are left out. detail says what findings carry of their fixes.
func (e *Engine) LintFiles(ctx context.Context, paths []string, listing *Listing, configFor func(path string) (*Config, error), detail FixDetail) []FileResult {
	patches := &patchIndex{dirs: map[string]map[string]bool{}, listing: listing}
	return eachFile(paths, configFor,
		func(path string, cfg *Config) FileResult { return e.lintFile(ctx, path, cfg, patches, detail) },
		func(path string, err error) FileResult { return FileResult{Path: path, Err: err} })
}

// underConfig runs fn for path under its configuration; false when the
// configuration excludes the file.
func underConfig[T any](path string, configFor func(string) (*Config, error), fn func(string, *Config) T, failed func(string, error) T) (T, bool) {
	cfg, err := configFor(path)
	switch {
	case err != nil:
		return failed(path, err), true
	case cfg.Excluded(path):
		var zero T
		return zero, false
	}
	return fn(path, cfg), true
}

// LintStream is LintFiles for paths that arrive while a walk finds them
// (DiscoverOptions.Found into found): each is started on as it comes, and
// once found is closed the results are returned in the order of found.
func (e *Engine) LintStream(ctx context.Context, found *Found, listing *Listing, configFor func(path string) (*Config, error), detail FixDetail) []FileResult {
	patches := &patchIndex{dirs: map[string]map[string]bool{}, listing: listing}
	type result struct {
		i int
		r FileResult
	}
	var (
		next    atomic.Int64
		mu      sync.Mutex
		results []result
	)
	Parallel(runtime.GOMAXPROCS(0), func(int) {
		for {
			i := int(next.Add(1)) - 1
			path, ok := found.wait(i)
			if !ok {
				return
			}
			r, kept := underConfig(path, configFor,
				func(path string, cfg *Config) FileResult { return e.lintFile(ctx, path, cfg, patches, detail) },
				func(path string, err error) FileResult { return FileResult{Path: path, Err: err} })
			if kept {
				mu.Lock()
				results = append(results, result{i, r})
				mu.Unlock()
			}
		}
	})
	slices.SortFunc(results, func(a, b result) int { return a.i - b.i })
	kept := make([]FileResult, len(results))
	for i, r := range results {
		kept[i] = r.r
	}
	return kept
}

// Found holds the files a walk found, for LintStream: the walk adds each
// without waiting for the linting (a channel would hand each file over,
// waking the walk for every file taken), and the linting waits only when
// it has caught up with the walk.
type Found struct {
	mu     sync.Mutex
	more   sync.Cond // on mu: a file was added, or the walk ended
	paths  []string
	closed bool
}

// Add adds a file found.
func (f *Found) Add(path string) {
	f.mu.Lock()
	f.paths = append(f.paths, path)
	f.more.Broadcast() // costs nothing when no one waits
	f.mu.Unlock()
}

// Close says the walk is over.
func (f *Found) Close() {
	f.mu.Lock()
	f.closed = true
	f.more.Broadcast()
	f.mu.Unlock()
}

// wait returns the i-th file found, once it is; false when the walk ended
// with fewer.
func (f *Found) wait(i int) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.more.L == nil {
		f.more.L = &f.mu
	}
	for i >= len(f.paths) && !f.closed {
		f.more.Wait()
	}
	if i >= len(f.paths) {
		return "", false
	}
	return f.paths[i], true
}

// eachFile runs fn for every path concurrently, under the path's
// configuration, and returns the results in the order of paths, leaving
// out the files the configuration excludes.
func eachFile[T any](paths []string, configFor func(string) (*Config, error), fn func(string, *Config) T, failed func(string, error) T) []T {
	results := make([]T, len(paths))
	excluded := make([]bool, len(paths))
	Parallel(len(paths), func(i int) {
		var kept bool
		results[i], kept = underConfig(paths[i], configFor, fn, failed)
		excluded[i] = !kept
	})
	kept := results[:0]
	for i, r := range results {
		if !excluded[i] {
			kept = append(kept, r)
		}
	}
	return kept
}

func (e *Engine) lintFile(ctx context.Context, path string, cfg *Config, patches *patchIndex, detail FixDetail) FileResult {
	opts := parseOptionsFor(path, patches, cfg)
	text, err := readLimited(path, cfg.Limits.MaxFileBytes, &opts)
	if err != nil {
		return FileResult{Path: path, Err: err}
	}
	// The results keep nothing of the trees (no fix closures, facts of
	// their own): the next file's trees reuse their memory.
	opts.arena = arenas.Get().(*yamlfast.Arena)
	doc := Parse(path, text, opts)
	doc.abs, _ = patches.wd.Abs(path)
	findings, facts := e.runDetailed(ctx, doc, cfg, &SetScope{}, detail)
	// Results outlive the document; fix closures would keep it alive.
	for i := range findings {
		findings[i].Fix = nil
	}
	checked := Checked(doc, findings)
	doc.releaseTrees()
	// Nor is the text of a file without findings or facts kept (large
	// files without findings, CRDs above all, are most of a run's bytes).
	lines := doc.Lines
	switch {
	case len(findings) == 0 && len(facts) == 0:
		lines = nil
	case cfg.ReleaseText:
		lines.Release(path)
	}
	if lines == nil || cfg.ReleaseText {
		// Nothing keeps the text (results' strings are their own): the
		// next file is read into its memory.
		texts.put(text)
	}
	return FileResult{Path: path, Lines: lines, Findings: findings, Checked: checked, Facts: facts}
}

// WorkDir reads the working directory once, for a run: filepath.Abs asks
// the system for it (two stats) at every call, and a run makes thousands.
// The zero value is ready to use.
type WorkDir struct {
	once sync.Once
	dir  string
	err  error
}

// Dir is the working directory, read at the first call.
func (w *WorkDir) Dir() (string, error) {
	w.once.Do(func() { w.dir, w.err = os.Getwd() })
	return w.dir, w.err
}

// Abs is filepath.Abs against Dir.
func (w *WorkDir) Abs(path string) (string, error) {
	if filepath.IsAbs(path) {
		return filepath.Clean(path), nil
	}
	dir, err := w.Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, path), nil
}

// readLimited reads a file unless it is larger than limit: then it reads
// nothing (a huge file is not worth the memory) and sets opts.Skip, so the
// file is reported as skipped.
func readLimited(path string, limit int64, opts *ParseOptions) ([]byte, error) {
	text, size, err := readFile(path, limit)
	if err == nil && text == nil && limit > 0 && size > limit {
		opts.Skip = TooLarge(size, limit)
	}
	return text, err
}

// texts lends the buffers of files whose text nothing keeps to the files
// read after them: reading into fresh memory zeroes it and faults its
// pages in, which cost as much as the read.
var texts bufferPool

// bufferPool holds byte buffers by size class: class c has capacities
// from 2^c up to 2^(c+1).
type bufferPool [maxBufferClass + 1]sync.Pool

// maxBufferClass bounds the buffers kept: 16 MiB and above are not.
const maxBufferClass = 23

// get returns an empty buffer of capacity n or more.
func (p *bufferPool) get(n int) []byte {
	if c := bits.Len(uint(n - 1)); n > 0 && c <= maxBufferClass {
		if b, ok := p[c].Get().(*[]byte); ok {
			return (*b)[:0]
		}
	}
	return make([]byte, 0, n)
}

// put gives b back; nothing may use it after.
func (p *bufferPool) put(b []byte) {
	if c := bits.Len(uint(cap(b))) - 1; c >= 0 && c <= maxBufferClass {
		p[c].Put(&b)
	}
}

// parseOptionsFor says how to parse a file found on disk.
func parseOptionsFor(path string, patches *patchIndex, cfg *Config) ParseOptions {
	opts := ParseOptions{Limits: &cfg.Limits, Skim: cfg.Skims()}
	if LanguageOf(path) == Unknown {
		opts.Language = Kubernetes // named explicitly: read it as a manifest
	}
	if opts.Language == Kubernetes || LanguageOf(path) == Kubernetes {
		opts.KustomizePatch = patches.isPatch(path)
	}
	return opts
}

// patchLevels is how many folders up a kustomization listing a patch is
// looked for: patches usually sit beside it or in a patches/ folder.
const patchLevels = 3

// patchIndex remembers, per directory, which files its kustomization
// lists as patches.
type patchIndex struct {
	mu      sync.Mutex
	dirs    map[string]map[string]bool
	wd      WorkDir  // the run's, for its files' absolute paths
	listing *Listing // the walk's, if any: kustomizations are rare
}

func (x *patchIndex) isPatch(path string) bool {
	abs, err := x.wd.Abs(path)
	if err != nil {
		return false
	}
	return isPatch(abs, func(dir string) map[string]bool {
		x.mu.Lock()
		defer x.mu.Unlock()
		set, ok := x.dirs[dir]
		if !ok {
			set = kustomizePatches(dir, x.listing)
			x.dirs[dir] = set
		}
		return set
	})
}

// IsKustomizePatch tells whether a kustomization in path's folder or the
// folders above lists it as a patch, read now: the language server asks
// per analysis, the CLI through a cache for the run.
func IsKustomizePatch(path string) bool {
	abs, err := filepath.Abs(path)
	return err == nil && isPatch(abs, func(dir string) map[string]bool { return kustomizePatches(dir, nil) })
}

// isPatch tells whether the file at abs is listed as a patch by a
// kustomization in its folder or up to patchLevels above it.
func isPatch(abs string, patches func(dir string) map[string]bool) bool {
	dir := filepath.Dir(abs)
	for range patchLevels + 1 {
		if patches(dir)[abs] {
			return true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return false
}

// kustomizePatches reads dir's kustomization and returns the absolute
// paths of the patch files it lists.
func kustomizePatches(dir string, listing *Listing) map[string]bool {
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		path := filepath.Join(dir, name)
		if listing.Absent(path) {
			continue
		}
		text, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var k struct {
			PatchesStrategicMerge []string `yaml:"patchesStrategicMerge"`
			Patches               []struct {
				Path string `yaml:"path"`
			} `yaml:"patches"`
			PatchesJSON6902 []struct {
				Path string `yaml:"path"`
			} `yaml:"patchesJson6902"`
		}
		if yaml.Unmarshal(text, &k) != nil {
			return nil
		}
		set := map[string]bool{}
		add := func(p string) {
			if p != "" && !filepath.IsAbs(p) {
				set[filepath.Join(dir, p)] = true
			}
		}
		for _, p := range k.PatchesStrategicMerge {
			add(p)
		}
		for _, p := range k.Patches {
			add(p.Path)
		}
		for _, p := range k.PatchesJSON6902 {
			add(p.Path)
		}
		return set
	}
	return nil
}

// SortResults orders results by path, the order outputs promise.
func SortResults(rs []FileResult) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Path < rs[j].Path })
}

// FileFix is what fixing one file produced.
type FileFix struct {
	Path     string
	Old, New []byte
	Applied  []AppliedFix
	// Lines and Findings describe the fixed text: what remains.
	Lines    *Lines
	Findings []Finding
	Err      error
}

// FixFiles computes the fixes accept allows for every file, concurrently,
// without writing anything; results are in the order of paths.
func (e *Engine) FixFiles(ctx context.Context, paths []string, listing *Listing, configFor func(path string) (*Config, error), accept func(*Finding, fixes.Fix) bool) []FileFix {
	patches := &patchIndex{dirs: map[string]map[string]bool{}, listing: listing}
	return eachFile(paths, configFor, func(path string, cfg *Config) FileFix {
		opts := parseOptionsFor(path, patches, cfg)
		text, err := readLimited(path, cfg.Limits.MaxFileBytes, &opts)
		if err != nil {
			return FileFix{Path: path, Err: err}
		}
		r := e.fixText(ctx, path, text, opts, cfg, -1, accept)
		// What remains: the last round's analysis of the fixed text, when
		// it made one.
		doc, findings := r.doc, r.findings
		if doc == nil {
			doc = Parse(path, r.text, opts)
			findings = e.Run(ctx, doc, cfg)
		}
		for i := range findings {
			findings[i].Fix, findings[i].Fixes, findings[i].Hint = nil, nil, nil
		}
		return FileFix{Path: path, Old: text, New: r.text, Applied: r.applied, Lines: doc.Lines, Findings: findings}
	}, func(path string, err error) FileFix { return FileFix{Path: path, Err: err} })
}
