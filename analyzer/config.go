package analyzer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ConfigFileName is the file hardline looks for, walking up from each file.
const ConfigFileName = ".hardline.yaml"

// Config is the user's configuration: the file's keys, then the CLI flags
// or the editor's settings on top.
type Config struct {
	// Path is the config file read ("" when none); Dir is the folder that
	// exclude globs are relative to.
	Path, Dir string

	Profile Profile
	// KubernetesVersion is the target of the deprecated-API rules.
	KubernetesVersion string
	// Rules maps rule codes to their configured state.
	Rules map[string]RuleSetting
	// Exclude are path globs relative to Dir; "**" spans folders.
	Exclude []string
	// Namespaces maps rule codes to namespaces where the rule does not apply.
	Namespaces map[string][]string

	Policies         []string
	RegoVersion      string
	PolicyNamespaces []string
	Data             []string
	Network          bool
	DocsURL          string
	Limits           Limits
	// Workloads declares custom resources that carry pods, beyond the
	// built-in kinds and the well-known ones hardline knows.
	Workloads []WorkloadKind
	// Helm says how charts render, per chart folder.
	Helm []HelmChart
	// Cluster says what the set rules may assume of the cluster the
	// objects go to.
	Cluster Cluster
	// FingerprintRoot is the folder fingerprints hash paths relative to
	// outside a repository (FingerprintPath): set by the CLI to a
	// baseline's folder, never read from a file.
	FingerprintRoot string
	// NoFingerprints leaves findings' fingerprints empty: set by the CLI
	// when no output of the run reads them (text, full and github without
	// a baseline), never read from a file. Hashing every finding is a
	// tenth of a run with many findings.
	NoFingerprints bool
	// ReleaseText lets the results of files read from disk drop the
	// files' text (Lines.Release): set by the CLI when no output reads it
	// (text, github, gitlab), never read from a file. A run over a large
	// repository then holds findings and facts, not the repository.
	ReleaseText bool
}

// WorkloadKind is a custom resource that carries a pod: its API group and
// kind, and the path to its pod template (a mapping with metadata and
// spec) or, when there is no template, to its pod spec.
type WorkloadKind struct {
	Group, Kind       string
	Template, PodSpec []string
}

// HelmChart is how the charts in the folders Chart matches render: a glob
// relative to the config's folder ("**" spans folders, "." is the
// folder itself). Values files are relative to the config's folder too.
type HelmChart struct {
	Chart                  string
	Values, Set            []string
	ReleaseName, Namespace string
	APIVersions            []string
}

// HelmFor returns the settings of the first helm entry that matches the
// chart in dir (zero when none does).
func (c *Config) HelmFor(dir string) HelmChart {
	base, err := filepath.Abs(c.Dir)
	if err != nil {
		return HelmChart{}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return HelmChart{}
	}
	rel, err := filepath.Rel(base, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return HelmChart{}
	}
	rel = filepath.ToSlash(rel)
	for _, h := range c.Helm {
		// The glob must match the whole folder path, not a folder above.
		if matchSegments(append(strings.Split(h.Chart, "/"), "\x00"), append(strings.Split(rel, "/"), "\x00")) {
			out := h
			out.Values = make([]string, len(h.Values))
			for i, v := range h.Values {
				if !filepath.IsAbs(v) {
					v = filepath.Join(c.Dir, filepath.FromSlash(v))
				}
				out.Values[i] = v
			}
			return out
		}
	}
	return HelmChart{}
}

// Cluster is what the set rules may assume of the target cluster.
type Cluster struct {
	// Namespace is the namespace of objects that name none, outside a
	// chart (whose release namespace comes first).
	Namespace string
	// NetworkPolicies says the cluster enforces NetworkPolicies: every
	// pod should be selected by one, even in namespaces without any.
	NetworkPolicies bool
}

// RuleSetting is "off" or a severity override.
type RuleSetting struct {
	Off      bool
	Severity Severity
}

// Limits bound the work hostile input can cause.
type Limits struct {
	MaxFileBytes      int64
	MaxDepth          int
	MaxAliasExpansion int
	PolicyTimeout     time.Duration
}

// DefaultConfig is the configuration when no file says otherwise.
func DefaultConfig() Config {
	return Config{
		Profile:           Restricted,
		KubernetesVersion: LatestKubernetesVersion,
		RegoVersion:       "auto",
		PolicyNamespaces:  []string{"main"},
		Limits: Limits{
			MaxFileBytes:      10 << 20,
			MaxDepth:          1000,
			MaxAliasExpansion: 10000,
			PolicyTimeout:     100 * time.Millisecond,
		},
	}
}

// LatestKubernetesVersion is the default target version.
const LatestKubernetesVersion = "1.37"

// ConfigError is a problem in a config file, with its position.
type ConfigError struct {
	Path      string
	Line, Col int
	Msg       string
}

func (e *ConfigError) Error() string {
	if e.Line == 0 {
		return e.Path + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Col, e.Msg)
}

var kubernetesVersion = regexp.MustCompile(`^1\.(\d+)$`)

// ValidKubernetesVersion checks a "1.N" target version.
func ValidKubernetesVersion(v string) error {
	m := kubernetesVersion.FindStringSubmatch(v)
	if m == nil {
		return fmt.Errorf("kubernetesVersion %q: want a minor release like \"1.37\"", v)
	}
	if n, _ := strconv.Atoi(m[1]); n < 16 {
		return fmt.Errorf("kubernetesVersion %q: hardline knows releases from 1.16 on", v)
	}
	return nil
}

// ValidRegoVersion checks a regoVersion value.
func ValidRegoVersion(v string) error {
	switch v {
	case "auto", "v0", "v1":
		return nil
	}
	return fmt.Errorf("regoVersion %q: want auto, v0 or v1", v)
}

// LoadConfig reads and validates a config file. Rule references (codes or
// names) are checked against rules and stored by code.
func LoadConfig(path string, rules []*Rule) (Config, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	return ParseConfig(path, text, rules)
}

// ParseConfig validates a config file's text; every error names the
// file, line and column of the offending key or value.
func ParseConfig(path string, text []byte, rules []*Rule) (Config, error) {
	cfg := DefaultConfig()
	cfg.Path = path
	cfg.Dir = filepath.Dir(path)
	return ApplyConfig(cfg, path, text, rules)
}

// ApplyConfig applies the keys of a config text (YAML or JSON) onto base:
// the editor's settings over the file's. Rule and namespace settings merge
// key by key; every other key replaces. source names the text in errors.
func ApplyConfig(base Config, source string, text []byte, rules []*Rule) (Config, error) {
	cfg := base
	path := source
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(text)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return cfg, nil // an empty file is the defaults
		}
		line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		return cfg, &ConfigError{path, line, 1, "not valid YAML: " + msg}
	}
	p := configParser{path: path, rules: rules}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		if IsNull(root) {
			return cfg, nil
		}
		return cfg, p.errorf(root, "the config must be a mapping of keys (profile, rules, …)")
	}
	for _, f := range Fields(root) {
		v := f.Value
		switch key := f.Key.Value; key {
		case "profile":
			s, err := p.str(v)
			if err == nil {
				cfg.Profile, err = ParseProfile(s)
			}
			if err != nil {
				return cfg, p.wrap(v, err)
			}
		case "kubernetesVersion":
			s, err := p.str(v)
			if err == nil {
				err = ValidKubernetesVersion(s)
			}
			if err != nil {
				return cfg, p.wrap(v, err)
			}
			cfg.KubernetesVersion = s
		case "rules":
			if err := p.ruleSettings(v, &cfg); err != nil {
				return cfg, err
			}
		case "exclude":
			list, err := p.strList(v)
			if err != nil {
				return cfg, err
			}
			for i, g := range list {
				if err := validGlob(g); err != nil {
					return cfg, p.wrap(v.Content[i], err)
				}
			}
			cfg.Exclude = list
		case "namespaces":
			if err := p.namespaces(v, &cfg); err != nil {
				return cfg, err
			}
		case "policies", "data", "policyNamespaces":
			list, err := p.strList(v)
			if err != nil {
				return cfg, err
			}
			switch key {
			case "policies":
				cfg.Policies = list
			case "data":
				cfg.Data = list
			default:
				cfg.PolicyNamespaces = list
			}
		case "regoVersion":
			s, err := p.str(v)
			if err == nil {
				err = ValidRegoVersion(s)
			}
			if err != nil {
				return cfg, p.wrap(v, err)
			}
			cfg.RegoVersion = s
		case "network":
			b, ok := Bool(v)
			if !ok {
				return cfg, p.errorf(v, "network: want true or false")
			}
			cfg.Network = b
		case "docsURL":
			s, err := p.str(v)
			if err != nil {
				return cfg, p.wrap(v, err)
			}
			if s != "" && !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") {
				return cfg, p.errorf(v, "docsURL %q: want an http(s) URL", s)
			}
			cfg.DocsURL = s
		case "limits":
			if err := p.limits(v, &cfg.Limits); err != nil {
				return cfg, err
			}
		case "workloads":
			list, err := p.workloads(v)
			if err != nil {
				return cfg, err
			}
			cfg.Workloads = list
		case "cluster":
			c, err := p.cluster(v)
			if err != nil {
				return cfg, err
			}
			cfg.Cluster = c
		case "helm":
			list, err := p.helm(v)
			if err != nil {
				return cfg, err
			}
			cfg.Helm = list
		default:
			return cfg, p.errorf(f.Key, "unknown key %q (known: profile, kubernetesVersion, rules, exclude, namespaces, policies, regoVersion, policyNamespaces, data, network, docsURL, limits, workloads, helm, cluster)", key)
		}
	}
	return cfg, nil
}

type configParser struct {
	path  string
	rules []*Rule
}

func (p *configParser) errorf(n *yaml.Node, format string, args ...any) error {
	return &ConfigError{p.path, n.Line, n.Column, fmt.Sprintf(format, args...)}
}

func (p *configParser) wrap(n *yaml.Node, err error) error { return p.errorf(n, "%v", err) }

func (p *configParser) str(n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", fmt.Errorf("want a string")
	}
	return n.Value, nil
}

func (p *configParser) strList(n *yaml.Node) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errorf(n, "want a list of strings")
	}
	var out []string
	for _, it := range Items(n) {
		s, err := p.str(it)
		if err != nil {
			return nil, p.wrap(it, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// ruleCodes reads a rule's code, name or peer alias (lookup) as the codes
// it names; a POL- code names a policy rule, which exists once a policy
// produces it.
func (p *configParser) ruleCodes(n *yaml.Node) ([]string, error) {
	var codes []string
	for _, r := range lookup(p.rules, n.Value) {
		codes = append(codes, r.Code)
	}
	if len(codes) == 0 && strings.HasPrefix(n.Value, PolicyPrefix) && len(n.Value) > len(PolicyPrefix) {
		codes = []string{n.Value}
	}
	if len(codes) == 0 {
		return nil, p.errorf(n, "unknown rule %q (hardline rules lists them; policy rules are POL-<package>-<rule>)", n.Value)
	}
	return codes, nil
}

// helm reads the helm section: chart folder globs mapped to {values,
// set, releaseName, namespace, apiVersions}.
func (p *configParser) helm(n *yaml.Node) ([]HelmChart, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errorf(n, "helm: want a mapping of chart folders to {values, set, releaseName, namespace, apiVersions}")
	}
	var out []HelmChart
	for _, f := range Fields(n) {
		h := HelmChart{Chart: strings.TrimSuffix(path.Clean(f.Key.Value), "/")}
		if err := validGlob(h.Chart); err != nil {
			return nil, p.wrap(f.Key, err)
		}
		if f.Value.Kind != yaml.MappingNode {
			return nil, p.errorf(f.Value, "helm %q: want {values, set, releaseName, namespace, apiVersions}", f.Key.Value)
		}
		for _, g := range Fields(f.Value) {
			var err error
			switch g.Key.Value {
			case "values":
				h.Values, err = p.strList(g.Value)
			case "set":
				h.Set, err = p.strList(g.Value)
			case "apiVersions":
				h.APIVersions, err = p.strList(g.Value)
			case "releaseName", "namespace":
				var s string
				if s, err = p.str(g.Value); err != nil {
					return nil, p.wrap(g.Value, err)
				}
				if g.Key.Value == "releaseName" {
					h.ReleaseName = s
				} else {
					h.Namespace = s
				}
			default:
				return nil, p.errorf(g.Key, "helm %q: unknown key %q (known: values, set, releaseName, namespace, apiVersions)", f.Key.Value, g.Key.Value)
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// cluster reads the cluster section: {namespace, networkPolicies}.
func (p *configParser) cluster(n *yaml.Node) (Cluster, error) {
	var c Cluster
	if n.Kind != yaml.MappingNode {
		return c, p.errorf(n, "cluster: want {namespace, networkPolicies}")
	}
	for _, f := range Fields(n) {
		s, err := p.str(f.Value)
		if err != nil {
			return c, p.wrap(f.Value, err)
		}
		switch f.Key.Value {
		case "namespace":
			c.Namespace = s
		case "networkPolicies":
			switch s {
			case "enforced":
				c.NetworkPolicies = true
			case "unknown":
			default:
				return c, p.errorf(f.Value, "cluster.networkPolicies: want enforced or unknown, not %q", s)
			}
		default:
			return c, p.errorf(f.Key, "cluster: unknown key %q (known: namespace, networkPolicies)", f.Key.Value)
		}
	}
	return c, nil
}

// workloads reads the custom workload kinds: a list of {apiVersion or
// group, kind, template or podSpec}, paths dotted ("spec.template").
func (p *configParser) workloads(n *yaml.Node) ([]WorkloadKind, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errorf(n, "workloads: want a list of {group, kind, template or podSpec}")
	}
	var out []WorkloadKind
	for _, it := range Items(n) {
		if it.Kind != yaml.MappingNode {
			return nil, p.errorf(it, "workloads: want {group, kind, template or podSpec}")
		}
		var w WorkloadKind
		for _, f := range Fields(it) {
			s, err := p.str(f.Value)
			if err != nil {
				return nil, p.wrap(f.Value, err)
			}
			switch f.Key.Value {
			case "group":
				w.Group = s
			case "apiVersion":
				w.Group = ObjectRef{APIVersion: s}.Group()
			case "kind":
				w.Kind = s
			case "template", "podSpec":
				path := strings.Split(s, ".")
				if slices.Contains(path, "") {
					return nil, p.errorf(f.Value, "workloads: %s %q: want a dotted path such as spec.template", f.Key.Value, s)
				}
				if f.Key.Value == "template" {
					w.Template = path
				} else {
					w.PodSpec = path
				}
			default:
				return nil, p.errorf(f.Key, "workloads: unknown key %q (known: group, apiVersion, kind, template, podSpec)", f.Key.Value)
			}
		}
		switch {
		case w.Kind == "":
			return nil, p.errorf(it, "workloads: an entry needs a kind")
		case (w.Template == nil) == (w.PodSpec == nil):
			return nil, p.errorf(it, "workloads: %s needs either template (the path to its pod template) or podSpec (to its pod spec)", w.Kind)
		}
		out = append(out, w)
	}
	return out, nil
}

func (p *configParser) ruleSettings(n *yaml.Node, cfg *Config) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "rules: want a mapping of rule code or name to off, error, warning or info")
	}
	merged := make(map[string]RuleSetting, len(cfg.Rules))
	for k, v := range cfg.Rules {
		merged[k] = v
	}
	cfg.Rules = merged
	for _, f := range Fields(n) {
		codes, err := p.ruleCodes(f.Key)
		if err != nil {
			return err
		}
		s, _ := p.str(f.Value)
		setting := RuleSetting{Off: true}
		if off, isBool := Bool(f.Value); s != "off" && !(isBool && !off) {
			sev, err := ParseSeverity(s)
			if err != nil {
				return p.errorf(f.Value, "rule %s: want off, error, warning or info, not %q", f.Key.Value, s)
			}
			setting = RuleSetting{Severity: sev}
		}
		for _, code := range codes {
			cfg.Rules[code] = setting
		}
	}
	return nil
}

func (p *configParser) namespaces(n *yaml.Node, cfg *Config) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "namespaces: want a mapping of rule code or name to a list of namespaces")
	}
	merged := make(map[string][]string, len(cfg.Namespaces))
	for k, v := range cfg.Namespaces {
		merged[k] = v
	}
	cfg.Namespaces = merged
	for _, f := range Fields(n) {
		codes, err := p.ruleCodes(f.Key)
		if err != nil {
			return err
		}
		list, err := p.strList(f.Value)
		if err != nil {
			return err
		}
		for _, code := range codes {
			cfg.Namespaces[code] = list
		}
	}
	return nil
}

func (p *configParser) limits(n *yaml.Node, l *Limits) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "limits: want a mapping (maxFileBytes, maxDepth, maxAliasExpansion, policyTimeout)")
	}
	for _, f := range Fields(n) {
		v := f.Value
		switch f.Key.Value {
		case "maxFileBytes", "maxDepth", "maxAliasExpansion":
			i, ok := Int(v)
			if !ok || i <= 0 {
				return p.errorf(v, "%s: want a positive whole number", f.Key.Value)
			}
			switch f.Key.Value {
			case "maxFileBytes":
				l.MaxFileBytes = i
			case "maxDepth":
				l.MaxDepth = int(i)
			default:
				l.MaxAliasExpansion = int(i)
			}
		case "policyTimeout":
			d, err := time.ParseDuration(Str(v))
			if err != nil || d <= 0 {
				return p.errorf(v, "policyTimeout: want a positive duration like 100ms")
			}
			l.PolicyTimeout = d
		default:
			return p.errorf(f.Key, "unknown limit %q (known: maxFileBytes, maxDepth, maxAliasExpansion, policyTimeout)", f.Key.Value)
		}
	}
	return nil
}

// Skims tells whether documents analyzed under c may leave out of their
// trees what no built-in rule reads (ParseOptions.Skim): not when Rego
// policies, which may read anything, run.
func (c *Config) Skims() bool { return len(c.Policies) == 0 }

// Enabled tells whether a rule runs: in the profile, or given a severity
// explicitly, and not turned off.
func (c *Config) Enabled(r *Rule) bool {
	if s, ok := c.Rules[r.Code]; ok {
		return !s.Off
	}
	return r.Profile <= c.Profile
}

// SeverityOf is a rule's effective severity.
func (c *Config) SeverityOf(r *Rule) Severity {
	if s, ok := c.Rules[r.Code]; ok && s.Severity != 0 {
		return s.Severity
	}
	return r.Severity
}

// Excluded tells whether a path matches one of the exclude globs.
func (c *Config) Excluded(path string) bool {
	if len(c.Exclude) == 0 {
		return false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	rel = filepath.ToSlash(rel)
	for _, g := range c.Exclude {
		if globMatch(g, rel) {
			return true
		}
	}
	return false
}

// namespaceExcluded tells whether a rule is turned off for a namespace.
func (c *Config) namespaceExcluded(code, namespace string) bool {
	for _, ns := range c.Namespaces[code] {
		if ok, _ := filepath.Match(ns, namespace); ok {
			return true
		}
	}
	return false
}

func validGlob(g string) error {
	for _, seg := range strings.Split(g, "/") {
		if _, err := filepath.Match(seg, ""); err != nil {
			return fmt.Errorf("exclude %q: bad glob", g)
		}
	}
	return nil
}

// globMatch matches a slash-separated path against a glob in which "**"
// stands for any number of folders; a glob that matches a folder also
// matches everything below it.
func globMatch(glob, path string) bool {
	return matchSegments(strings.Split(glob, "/"), strings.Split(path, "/"))
}

func matchSegments(g, p []string) bool {
	for len(g) > 0 {
		if g[0] == "**" {
			for i := 0; i <= len(p); i++ {
				if matchSegments(g[1:], p[i:]) {
					return true
				}
			}
			return false
		}
		if len(p) == 0 {
			return false
		}
		if ok, _ := filepath.Match(g[0], p[0]); !ok {
			return false
		}
		g, p = g[1:], p[1:]
	}
	return true // the glob named a folder (or the file itself)
}

// Reset forgets every config file read, so that edits to them apply.
func (f *ConfigFinder) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dirs = map[string]*configResult{}
	f.folders = nil
}

// ConfigFinder finds the config file that applies to a path by walking up
// from its folder, caching what each folder resolves to.
type ConfigFinder struct {
	rules []*Rule
	mu    sync.Mutex
	dirs  map[string]*configResult
	// folders caches the folder whose config applies to each path asked
	// for: telling a file from a folder costs a stat, and a run asks for
	// each file's config many times (set rules, once per object).
	folders map[string]string
	wd      WorkDir
	// Listing, when set, tells from a walk which folders have a config
	// file and which paths are folders, without asking the file system.
	// Set before the finder is used concurrently.
	Listing *Listing
}

type configResult struct {
	cfg Config
	err error
}

// NewConfigFinder returns a finder that validates configs against rules.
func NewConfigFinder(rules []*Rule) *ConfigFinder {
	return &ConfigFinder{rules: rules, dirs: map[string]*configResult{}}
}

// For returns the configuration for a file (or folder) path.
func (f *ConfigFinder) For(path string) (Config, error) {
	f.mu.Lock()
	dir, ok := f.folders[path]
	f.mu.Unlock()
	if !ok {
		abs, err := f.wd.Abs(path)
		if err != nil {
			return DefaultConfig(), err
		}
		dir = abs
		isDir, known := f.Listing.IsDir(abs)
		if !known {
			info, err := os.Stat(abs)
			isDir = err == nil && info.IsDir()
		}
		if !isDir {
			dir = filepath.Dir(abs)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.folders == nil {
		f.folders = map[string]string{}
	}
	f.folders[path] = dir
	return f.forDir(dir)
}

// File returns the configuration of an explicitly named file (--config).
func (f *ConfigFinder) File(path string) (Config, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := "file:" + path
	if r, ok := f.dirs[key]; ok {
		return r.cfg, r.err
	}
	var r configResult
	r.cfg, r.err = LoadConfig(path, f.rules)
	f.dirs[key] = &r
	return r.cfg, r.err
}

func (f *ConfigFinder) forDir(dir string) (Config, error) {
	if r, ok := f.dirs[dir]; ok {
		return r.cfg, r.err
	}
	var r configResult
	candidate := filepath.Join(dir, ConfigFileName)
	if f.Listing.Exists(candidate) {
		r.cfg, r.err = LoadConfig(candidate, f.rules)
	} else if parent := filepath.Dir(dir); parent != dir {
		r.cfg, r.err = f.forDir(parent)
	} else {
		r.cfg = DefaultConfig()
	}
	f.dirs[dir] = &r
	return r.cfg, r.err
}
