// Package policy runs users' Rego policies (OPA) as hardline rules, in the
// form conftest uses: packages (main by default) with deny, violation and
// warn rules (and their _suffix variants), exception rules and data
// documents. Policies come from the workspace, so they run sandboxed:
// builtins that reach the network or the environment do not compile, and
// each object's evaluation has a time limit.
package policy

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"hardline.dev/hardline/analyzer"
)

// unsafe are the builtins that reach outside the evaluation: the network
// (http.send, net.lookup_ip_addr) and the process's environment
// (opa.runtime). Pure ones such as net.cidr_contains stay.
var unsafe = map[string]struct{}{
	"http.send":          {},
	"net.lookup_ip_addr": {},
	"opa.runtime":        {},
}

// capabilities are this OPA's, less the unsafe builtins: a policy that
// calls one does not compile.
var capabilities = sync.OnceValue(func() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(caps.Builtins, func(b *ast.Builtin) bool {
		_, bad := unsafe[b.Name]
		return bad
	})
	return caps
})

// Problem is a policy that cannot be used: it does not parse or compile, or
// a data file does not load. It is reported as HL005 at its file and line.
type Problem struct {
	Path      string
	Line, Col int
	Message   string
}

// Set is the compiled policies of one configuration.
type Set struct {
	// Problems, when any, mean the set has no queries: like conftest, a
	// broken policy stops all of them rather than some silently.
	Problems []Problem
	queries  []query
	// key identifies the set (its configuration), stamp the state of its
	// files; report is Problems as findings, made once (Results).
	key, stamp string
	report     []analyzer.FileResult
}

// query is one namespace's prepared query: data.<namespace>.
type query struct {
	namespace string
	prepared  rego.PreparedEvalQuery
}

// sets caches compiled sets by configuration; each is recompiled when a
// file under its folders changes (size, time or name), which is how the
// language server picks up edited policies.
var sets sync.Map // key → *entry

type entry struct {
	mu  sync.Mutex
	set *Set
}

// key names what a set depends on in a configuration, given its
// resolved policy and data folders.
func key(cfg *analyzer.Config, policyDirs, dataDirs []string) string {
	return strings.Join([]string{
		strings.Join(policyDirs, "\x00"), cfg.RegoVersion,
		strings.Join(cfg.PolicyNamespaces, "\x00"), strings.Join(dataDirs, "\x00"),
	}, "\x01")
}

// dirs resolves a config's folders: relative to the config file's folder,
// or to the working directory when no file set them.
func dirs(cfg *analyzer.Config, list []string) []string {
	out := make([]string, 0, len(list))
	for _, d := range list {
		if !filepath.IsAbs(d) && cfg.Path != "" {
			d = filepath.Join(cfg.Dir, d)
		}
		out = append(out, filepath.Clean(d))
	}
	return out
}

// Load returns the compiled policies of cfg (nil when it has none),
// compiling them the first time and whenever their files change.
func Load(cfg *analyzer.Config) *Set {
	return load(cfg, true)
}

// load is Load; without rescan, a set compiled before is returned as it
// is (the analysis that just ran has checked its files).
func load(cfg *analyzer.Config, rescan bool) *Set {
	if len(cfg.Policies) == 0 {
		return nil
	}
	policyDirs, dataDirs := dirs(cfg, cfg.Policies), dirs(cfg, cfg.Data)
	k := key(cfg, policyDirs, dataDirs)
	v, _ := sets.LoadOrStore(k, &entry{})
	e := v.(*entry)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.set != nil && !rescan {
		return e.set
	}
	policyFiles, dataFiles, stamp := scan(policyDirs, dataDirs)
	if e.set == nil || e.set.stamp != stamp {
		e.set = compile(cfg, policyFiles, dataFiles)
		e.set.key, e.set.stamp = k, stamp
		e.set.report = problemResults(e.set.Problems)
	}
	return e.set
}

type file struct {
	path string
	info fs.FileInfo
}

// scan lists the .rego files and the data files (.json, .yaml, .yml)
// under the folders (or named directly), with a stamp of their names,
// sizes and times.
func scan(policyDirs, dataDirs []string) (policies, data []file, stamp string) {
	var b strings.Builder
	walk := func(roots []string, want func(string) bool) []file {
		var out []file
		for _, root := range roots {
			_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					fmt.Fprintf(&b, "%s!%v\n", path, err)
					return nil
				}
				if d.IsDir() {
					if path != root && strings.HasPrefix(d.Name(), ".") {
						return filepath.SkipDir
					}
					return nil
				}
				if !want(path) {
					return nil
				}
				info, err := d.Info()
				if err != nil {
					return nil
				}
				out = append(out, file{path, info})
				fmt.Fprintf(&b, "%s %d %d\n", path, info.Size(), info.ModTime().UnixNano())
				return nil
			})
		}
		return out
	}
	policies = walk(policyDirs, func(p string) bool { return strings.HasSuffix(p, ".rego") })
	b.WriteString("--\n")
	data = walk(dataDirs, func(p string) bool {
		ext := filepath.Ext(p)
		return ext == ".json" || ext == ".yaml" || ext == ".yml"
	})
	return policies, data, b.String()
}

func compile(cfg *analyzer.Config, policyFiles, dataFiles []file) *Set {
	set := &Set{}
	if len(policyFiles) == 0 {
		for _, d := range dirs(cfg, cfg.Policies) {
			set.Problems = append(set.Problems, Problem{Path: d, Line: 1, Col: 1, Message: "no .rego files in " + d})
		}
		return set
	}
	modules := map[string]*ast.Module{}
	for _, f := range policyFiles {
		text, err := os.ReadFile(f.path)
		if err != nil {
			set.Problems = append(set.Problems, Problem{Path: f.path, Line: 1, Col: 1, Message: err.Error()})
			continue
		}
		m, err := parseModule(f.path, string(text), cfg.RegoVersion)
		if err != nil {
			set.Problems = append(set.Problems, problems(f.path, err)...)
			continue
		}
		modules[f.path] = m
	}
	data := map[string]any{}
	for _, f := range dataFiles {
		if err := loadData(f.path, data); err != nil {
			set.Problems = append(set.Problems, Problem{Path: f.path, Line: 1, Col: 1, Message: err.Error()})
		}
	}
	if len(set.Problems) > 0 {
		return set
	}
	compiler := ast.NewCompiler().WithCapabilities(capabilities())
	if compiler.Compile(modules); compiler.Failed() {
		set.Problems = problems("", compiler.Errors)
		return set
	}
	store := inmem.NewFromObject(data)
	for _, ns := range cfg.PolicyNamespaces {
		if !hasPackage(compiler, ns) {
			continue
		}
		pq, err := rego.New(
			rego.Query("data."+ns),
			rego.Compiler(compiler),
			rego.Store(store),
			rego.UnsafeBuiltins(unsafe),
		).PrepareForEval(context.Background())
		if err != nil {
			set.Problems = append(set.Problems, problems("", err)...)
			continue
		}
		set.queries = append(set.queries, query{namespace: ns, prepared: pq})
	}
	return set
}

// parseModule parses one policy in the configured Rego syntax; "auto"
// tries v1 and falls back to v0 (conftest's policies before OPA 1.0).
func parseModule(path, text, version string) (*ast.Module, error) {
	switch version {
	case "v0":
		return ast.ParseModuleWithOpts(path, text, ast.ParserOptions{RegoVersion: ast.RegoV0})
	case "v1":
		return ast.ParseModuleWithOpts(path, text, ast.ParserOptions{RegoVersion: ast.RegoV1})
	}
	m, err := ast.ParseModuleWithOpts(path, text, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err == nil {
		return m, nil
	}
	if m0, err0 := ast.ParseModuleWithOpts(path, text, ast.ParserOptions{RegoVersion: ast.RegoV0}); err0 == nil {
		return m0, nil
	}
	return nil, err
}

func hasPackage(c *ast.Compiler, ns string) bool {
	for _, m := range c.Modules {
		if strings.TrimPrefix(m.Package.Path.String(), "data.") == ns {
			return true
		}
	}
	return false
}

// problems turns OPA's errors into problems at their files and lines.
func problems(path string, err error) []Problem {
	var errs ast.Errors
	switch e := err.(type) {
	case ast.Errors:
		errs = e
	case *ast.Error:
		errs = ast.Errors{e}
	default:
		return []Problem{{Path: path, Line: 1, Col: 1, Message: err.Error()}}
	}
	var out []Problem
	for _, e := range errs {
		p := Problem{Path: path, Line: 1, Col: 1, Message: e.Message}
		if e.Code != "" {
			p.Message = e.Code + ": " + e.Message
		}
		if name, ok := strings.CutPrefix(e.Message, "undefined function "); ok {
			if _, bad := unsafe[name]; bad {
				p.Message = name + " is disabled: policies from a repository may not reach the network or the environment"
			}
		}
		if e.Location != nil {
			if e.Location.File != "" {
				p.Path = e.Location.File
			}
			p.Line, p.Col = max(e.Location.Row, 1), max(e.Location.Col, 1)
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b Problem) int {
		if a.Path != b.Path {
			return strings.Compare(a.Path, b.Path)
		}
		return a.Line - b.Line
	})
	return out
}

// loadData merges a data file's top-level keys into data, as conftest's
// --data does: a file with `registries: [...]` is data.registries.
func loadData(path string, data map[string]any) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var v any
	if err := kyaml.Unmarshal(text, &v); err != nil {
		return fmt.Errorf("data file: %v", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		if v == nil {
			return nil
		}
		return fmt.Errorf("data file: want a mapping at the top, got %T", v)
	}
	for k, val := range m {
		data[k] = val
	}
	return nil
}
