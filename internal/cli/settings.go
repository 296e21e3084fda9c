package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/render"
	"hardline.dev/hardline/render/helm"
)

// settings are the flags lint and fix share: which config applies and
// what overrides it.
type settings struct {
	profile, configPath, k8sVersion, regoVersion, failOn string
	policies, data, namespaces                           stringList
	values, set                                          stringList
	threshold                                            analyzer.Severity
	noIgnore                                             bool
	// fingerprintRoot is where fingerprints are relative to outside a
	// repository (a baseline's folder); "" for none.
	fingerprintRoot string
	// noFingerprints, releaseText: no output of the run reads
	// fingerprints, files' text (Config.NoFingerprints, ReleaseText).
	noFingerprints, releaseText bool
	configFor                   func(string) (*analyzer.Config, error)
	finder                      *analyzer.ConfigFinder // configFor's
}

func (s *settings) register(fs *flag.FlagSet) {
	fs.StringVar(&s.profile, "profile", "", "rule profile: baseline, restricted (default) or all")
	fs.BoolVar(&s.noIgnore, "no-ignore", false, "walk folders without honouring .gitignore and .ignore files")
	fs.StringVar(&s.configPath, "config", "", "config file (default: "+analyzer.ConfigFileName+" found by walking up from each file)")
	fs.StringVar(&s.k8sVersion, "kubernetes-version", "", "target Kubernetes version of the deprecated-API rules, e.g. 1.37")
	fs.Var(&s.policies, "policy", "directory of Rego policies (repeatable)")
	fs.Var(&s.data, "data", "JSON or YAML data documents for the policies, a file or a directory (repeatable)")
	fs.Var(&s.namespaces, "namespace", "Rego package whose deny, violation and warn rules run (repeatable; default main)")
	fs.StringVar(&s.regoVersion, "rego-version", "", "Rego syntax of policies: auto, v0 or v1")
	fs.StringVar(&s.failOn, "fail-on", "error", "lowest severity that makes the exit code 1: error, warning or info")
}

// registerRender adds the flags that say how charts render.
func (s *settings) registerRender(fs *flag.FlagSet) {
	fs.Var(&s.values, "values", "a values file for the Helm charts linted, after their values.yaml and configured values (repeatable)")
	fs.Var(&s.values, "f", "short for --values")
	fs.Var(&s.set, "set", "a Helm value for the charts linted, as helm --set takes it: key=value,key2=value2 (repeatable)")
}

// resolve validates the flags and prepares configFor: the config file that
// applies to a path (or --config), with the flags on top.
func (s *settings) resolve(engine *analyzer.Engine) error {
	var err error
	if s.threshold, err = analyzer.ParseSeverity(s.failOn); err != nil {
		return err
	}
	for _, v := range s.set {
		if err := helm.ValidSet(v); err != nil {
			return fmt.Errorf("--set %s: %w", v, err)
		}
	}
	for _, v := range s.values {
		if _, err := os.Stat(v); err != nil {
			return fmt.Errorf("--values: %w", err)
		}
	}
	var override []func(*analyzer.Config)
	if s.profile != "" {
		p, err := analyzer.ParseProfile(s.profile)
		if err != nil {
			return err
		}
		override = append(override, func(c *analyzer.Config) { c.Profile = p })
	}
	if s.k8sVersion != "" {
		if err := analyzer.ValidKubernetesVersion(s.k8sVersion); err != nil {
			return err
		}
		override = append(override, func(c *analyzer.Config) { c.KubernetesVersion = s.k8sVersion })
	}
	if s.regoVersion != "" {
		if err := analyzer.ValidRegoVersion(s.regoVersion); err != nil {
			return err
		}
		override = append(override, func(c *analyzer.Config) { c.RegoVersion = s.regoVersion })
	}
	// Folders on the command line are relative to the working directory,
	// not to the config file that the others are relative to.
	abs := func(list []string) ([]string, error) {
		out := make([]string, len(list))
		for i, p := range list {
			a, err := filepath.Abs(p)
			if err != nil {
				return nil, err
			}
			out[i] = a
		}
		return out, nil
	}
	if len(s.policies) > 0 {
		dirs, err := abs(s.policies)
		if err != nil {
			return err
		}
		override = append(override, func(c *analyzer.Config) { c.Policies = dirs })
	}
	if len(s.data) > 0 {
		dirs, err := abs(s.data)
		if err != nil {
			return err
		}
		override = append(override, func(c *analyzer.Config) { c.Data = dirs })
	}
	if s.fingerprintRoot != "" {
		root, err := filepath.Abs(s.fingerprintRoot)
		if err != nil {
			return err
		}
		override = append(override, func(c *analyzer.Config) { c.FingerprintRoot = root })
	}
	if s.noFingerprints || s.releaseText {
		override = append(override, func(c *analyzer.Config) { c.NoFingerprints, c.ReleaseText = s.noFingerprints, s.releaseText })
	}
	if len(s.namespaces) > 0 {
		override = append(override, func(c *analyzer.Config) { c.PolicyNamespaces = s.namespaces })
	}
	finder := analyzer.NewConfigFinder(engine.Rules())
	s.finder = finder
	s.configFor = func(path string) (*analyzer.Config, error) {
		var cfg analyzer.Config
		var err error
		if s.configPath != "" {
			cfg, err = finder.File(s.configPath)
		} else {
			cfg, err = finder.For(path)
		}
		if err != nil {
			return nil, err
		}
		for _, o := range override {
			o(&cfg)
		}
		return &cfg, nil
	}
	return nil
}

// inputs validates the configs of the paths given, expands folders and
// sorts out the charts.
func (s *settings) inputs(paths []string) (render.Inputs, error) {
	opts, err := s.walk(paths)
	if err != nil {
		return render.Inputs{}, err
	}
	return render.Discover(paths, opts)
}

// lint lints paths as render.LintPaths does, after validating their
// configs.
func (s *settings) lint(ctx context.Context, engine *analyzer.Engine, paths []string, detail analyzer.FixDetail) (render.Inputs, []analyzer.FileResult, render.Stats, error) {
	opts, err := s.walk(paths)
	if err != nil {
		return render.Inputs{}, nil, render.Stats{}, err
	}
	return render.LintPaths(ctx, engine, paths, opts, s.configFor, detail, s.renderOptions())
}

// walk validates the configs of the paths given and says how to walk
// them: configs are then looked for in the folders the walk reads, as it
// reads them (Listing may be read while it is filled).
func (s *settings) walk(paths []string) (analyzer.DiscoverOptions, error) {
	for _, p := range paths {
		if _, err := s.configFor(p); err != nil {
			return analyzer.DiscoverOptions{}, err
		}
	}
	listing := analyzer.NewListing()
	if s.finder != nil {
		s.finder.Listing = listing
	}
	return analyzer.DiscoverOptions{NoIgnore: s.noIgnore, Listing: listing}, nil
}

// renderOptions are the flags that say how charts render.
func (s *settings) renderOptions() render.Options {
	return render.Options{Values: s.values, Set: s.set}
}

// failed tells whether any finding reaches the --fail-on threshold.
func (s *settings) failed(findings ...[]analyzer.Finding) bool {
	for _, fs := range findings {
		for _, f := range fs {
			if f.Severity >= s.threshold {
				return true
			}
		}
	}
	return false
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }
