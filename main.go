// Command hardline hardens Kubernetes manifests and Dockerfiles: it lints
// them in CI and, as a language server, in the editor.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/analyzer/report"
	"hardline.dev/hardline/rules"
)

// informationURI is where users learn about hardline (SARIF's tool link).
const informationURI = "https://hardline.dev"

// version is set at release time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// Exit codes are part of the CLI's contract.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

const usage = `hardline hardens Kubernetes manifests and Dockerfiles.

Usage:
  hardline lint [flags] PATH...   analyze files and directories ("-" reads stdin)
  hardline rules [CODE|NAME]      list the rules, or print one rule's documentation
  hardline version                print the version

Run "hardline lint -h" for the lint flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	engine := analyzer.NewEngine(rules.All())
	switch args[0] {
	case "lint":
		return lint(engine, args[1:], stdin, stdout, stderr)
	case "rules":
		return listRules(engine, args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "hardline", version)
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "hardline: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

// parseInterleaved lets flags come before, between or after the paths,
// as users of other linters expect.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func lint(engine *analyzer.Engine, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hardline lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	profile := fs.String("profile", "", "rule profile: baseline, restricted (default) or all")
	configPath := fs.String("config", "", "config file (default: "+analyzer.ConfigFileName+" found by walking up from each file)")
	k8sVersion := fs.String("kubernetes-version", "", "target Kubernetes version of the deprecated-API rules, e.g. 1.37")
	var policies stringList
	fs.Var(&policies, "policy", "directory of Rego policies (repeatable)")
	regoVersion := fs.String("rego-version", "", "Rego syntax of policies: auto, v0 or v1")
	format := fs.String("format", "text", "output format: "+strings.Join(report.Formats, ", "))
	failOn := fs.String("fail-on", "error", "lowest severity that makes the exit code 1: error, warning or info")
	stdinName := fs.String("stdin-filename", "", "the file name to report for input read from stdin (\"-\"); it also selects the language and the config")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hardline lint [flags] PATH...\n\nExit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage, config or I/O error.\n\nFlags:")
		fs.PrintDefaults()
	}
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	threshold, err := analyzer.ParseSeverity(*failOn)
	if err != nil {
		return usageError(stderr, err)
	}
	if !contains(report.Formats, *format) {
		return usageError(stderr, fmt.Errorf("unknown format %q (want %s)", *format, strings.Join(report.Formats, ", ")))
	}
	if len(paths) == 0 {
		return usageError(stderr, errors.New("no PATH given (use - for stdin)"))
	}
	// Flags override whatever config file applies to a path.
	var override []func(*analyzer.Config)
	if *profile != "" {
		p, err := analyzer.ParseProfile(*profile)
		if err != nil {
			return usageError(stderr, err)
		}
		override = append(override, func(c *analyzer.Config) { c.Profile = p })
	}
	if *k8sVersion != "" {
		if err := analyzer.ValidKubernetesVersion(*k8sVersion); err != nil {
			return usageError(stderr, err)
		}
		override = append(override, func(c *analyzer.Config) { c.KubernetesVersion = *k8sVersion })
	}
	if *regoVersion != "" {
		if err := analyzer.ValidRegoVersion(*regoVersion); err != nil {
			return usageError(stderr, err)
		}
		override = append(override, func(c *analyzer.Config) { c.RegoVersion = *regoVersion })
	}
	if len(policies) > 0 {
		override = append(override, func(c *analyzer.Config) { c.Policies = policies })
	}
	finder := analyzer.NewConfigFinder(engine.Rules())
	configFor := func(path string) (*analyzer.Config, error) {
		var cfg analyzer.Config
		var err error
		if *configPath != "" {
			cfg, err = finder.File(*configPath)
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

	var results []analyzer.FileResult
	var files []string
	for _, p := range paths {
		if p != "-" {
			files = append(files, p)
			continue
		}
		text, err := io.ReadAll(stdin)
		if err != nil {
			fmt.Fprintln(stderr, "hardline: reading stdin:", err)
			return exitUsage
		}
		name := *stdinName
		if name == "" {
			name = "-"
		}
		cfg, err := configFor(name)
		if err != nil {
			return usageError(stderr, err)
		}
		opts := analyzer.ParseOptions{}
		if analyzer.LanguageOf(name) == analyzer.Unknown {
			opts.Language = analyzer.Kubernetes
		}
		doc := analyzer.Parse(name, text, opts)
		results = append(results, analyzer.FileResult{Path: name, Lines: doc.Lines, Findings: engine.Run(doc, cfg)})
	}
	// A broken config is reported once, before any file is linted.
	for _, p := range files {
		if _, err := configFor(p); err != nil {
			return usageError(stderr, err)
		}
	}
	status := exitOK
	if len(files) > 0 {
		expanded, err := analyzer.Discover(files)
		if err != nil {
			fmt.Fprintln(stderr, "hardline:", err)
			return exitUsage
		}
		results = append(results, engine.LintFiles(expanded, configFor)...)
	}
	analyzer.SortResults(results)
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintln(stderr, "hardline:", r.Err)
			status = exitUsage
		}
	}
	docsURL := ""
	if cfg, err := configFor("."); err == nil {
		docsURL = cfg.DocsURL
	}
	opts := report.Options{Rules: engine.Rules(), Version: version, InformationURI: informationURI, DocsURL: docsURL}
	if err := report.Write(stdout, *format, results, opts); err != nil {
		fmt.Fprintln(stderr, "hardline:", err)
		return exitUsage
	}
	if status != exitOK {
		return status
	}
	for _, r := range results {
		for _, f := range r.Findings {
			if f.Severity >= threshold {
				return exitFindings
			}
		}
	}
	return exitOK
}

func listRules(engine *analyzer.Engine, args []string, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		return usageError(stderr, errors.New("usage: hardline rules [CODE|NAME]"))
	}
	if len(args) == 1 {
		r := engine.Rule(args[0])
		if r == nil {
			return usageError(stderr, fmt.Errorf("no rule %q (run hardline rules for the list)", args[0]))
		}
		fmt.Fprint(stdout, analyzer.RuleMarkdown(r))
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tSEVERITY\tPROFILES\tALIASES")
	for _, r := range engine.Rules() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Code, r.Name, r.Severity, strings.Join(r.Profile.Profiles(), ","), strings.Join(r.Aliases, ","))
	}
	tw.Flush()
	return exitOK
}

func usageError(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "hardline:", err)
	return exitUsage
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
