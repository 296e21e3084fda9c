package analyzer

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"hardline.dev/hardline/fixes"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FileResult is what linting one file produced.
type FileResult struct {
	Path string
	// Lines indexes the file's text, for outputs that convert offsets.
	Lines    *Lines
	Findings []Finding
	// Err is an I/O error reading the file; the file has no findings then.
	Err error
}

// Discover expands directories into the files hardline reads in them
// (YAML, JSON, Dockerfiles), skipping version-control folders; files named
// explicitly are always kept. The result is sorted within each directory.
func Discover(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				switch d.Name() {
				case ".git", ".hg", ".svn":
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && LanguageOf(path) != Unknown {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LintFiles reads, parses and analyzes files concurrently, each under the
// configuration configFor returns for it, and returns the results in the
// order of paths, so output is deterministic. Files the configuration
// excludes are left out. With withFixes, each finding carries its
// verified fixes.
func (e *Engine) LintFiles(ctx context.Context, paths []string, configFor func(path string) (*Config, error), withFixes bool) []FileResult {
	patches := &patchIndex{dirs: map[string]map[string]bool{}}
	return eachFile(paths, configFor,
		func(path string, cfg *Config) FileResult { return e.lintFile(ctx, path, cfg, patches, withFixes) },
		func(path string, err error) FileResult { return FileResult{Path: path, Err: err} })
}

// eachFile runs fn for every path concurrently, under the path's
// configuration, and returns the results in the order of paths, leaving
// out the files the configuration excludes.
func eachFile[T any](paths []string, configFor func(string) (*Config, error), fn func(string, *Config) T, failed func(string, error) T) []T {
	results := make([]T, len(paths))
	excluded := make([]bool, len(paths))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				cfg, err := configFor(paths[i])
				switch {
				case err != nil:
					results[i] = failed(paths[i], err)
				case cfg.Excluded(paths[i]):
					excluded[i] = true
				default:
					results[i] = fn(paths[i], cfg)
				}
			}
		}()
	}
	for i := range paths {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	kept := results[:0]
	for i, r := range results {
		if !excluded[i] {
			kept = append(kept, r)
		}
	}
	return kept
}

func (e *Engine) lintFile(ctx context.Context, path string, cfg *Config, patches *patchIndex, withFixes bool) FileResult {
	opts := parseOptionsFor(path, patches, cfg)
	text, err := readLimited(path, cfg.Limits.MaxFileBytes, &opts)
	if err != nil {
		return FileResult{Path: path, Err: err}
	}
	doc := Parse(path, text, opts)
	findings := e.Run(ctx, doc, cfg)
	if withFixes {
		e.AttachFixes(ctx, doc, cfg, findings)
	}
	// Results outlive the document; fix closures would keep it alive.
	for i := range findings {
		findings[i].Fix = nil
	}
	return FileResult{Path: path, Lines: doc.Lines, Findings: findings}
}

// readLimited reads a file unless it is larger than limit: then it reads
// nothing (a huge file is not worth the memory) and sets opts.Skip, so the
// file is reported as skipped.
func readLimited(path string, limit int64, opts *ParseOptions) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if limit > 0 && info.Size() > limit {
		opts.Skip = TooLarge(info.Size(), limit)
		return nil, nil
	}
	return io.ReadAll(f)
}

// parseOptionsFor says how to parse a file found on disk.
func parseOptionsFor(path string, patches *patchIndex, cfg *Config) ParseOptions {
	opts := ParseOptions{Limits: &cfg.Limits}
	if LanguageOf(path) == Unknown {
		opts.Language = Kubernetes // named explicitly: read it as a manifest
	}
	if opts.Language == Kubernetes || LanguageOf(path) == Kubernetes {
		opts.KustomizePatch = patches.isPatch(path)
	}
	return opts
}

// patchIndex remembers, per directory, which files its kustomization
// lists as patches.
type patchIndex struct {
	mu   sync.Mutex
	dirs map[string]map[string]bool
}

func (x *patchIndex) isPatch(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	dir := filepath.Dir(abs)
	x.mu.Lock()
	set, ok := x.dirs[dir]
	if !ok {
		set = kustomizePatches(dir)
		x.dirs[dir] = set
	}
	x.mu.Unlock()
	return set[abs]
}

// kustomizePatches reads dir's kustomization and returns the absolute
// paths of the patch files it lists.
func kustomizePatches(dir string) map[string]bool {
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		text, err := os.ReadFile(filepath.Join(dir, name))
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
func (e *Engine) FixFiles(ctx context.Context, paths []string, configFor func(string) (*Config, error), accept func(*Finding, fixes.Fix) bool) []FileFix {
	patches := &patchIndex{dirs: map[string]map[string]bool{}}
	return eachFile(paths, configFor, func(path string, cfg *Config) FileFix {
		opts := parseOptionsFor(path, patches, cfg)
		text, err := readLimited(path, cfg.Limits.MaxFileBytes, &opts)
		if err != nil {
			return FileFix{Path: path, Err: err}
		}
		fixed, applied := e.FixText(ctx, path, text, opts, cfg, accept)
		doc := Parse(path, fixed, opts)
		findings := e.Run(ctx, doc, cfg)
		for i := range findings {
			findings[i].Fix = nil
		}
		return FileFix{Path: path, Old: text, New: fixed, Applied: applied, Lines: doc.Lines, Findings: findings}
	}, func(path string, err error) FileFix { return FileFix{Path: path, Err: err} })
}
