// Command hardline hardens Kubernetes manifests and Dockerfiles: it lints
// them in CI and, as a language server, in the editor.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/analyzer/baseline"
	"hardline.dev/hardline/analyzer/report"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/lsp"
	"hardline.dev/hardline/pin"
	"hardline.dev/hardline/rules"
	"hardline.dev/hardline/rules/policy"
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
  hardline fix [flags] PATH...    apply fixes: print a diff (--diff, default) or --write them
  hardline pin [--write] PATH...  pin image tags to their digests (asks the registries)
  hardline rules [CODE|NAME]      list the rules, or print one rule's documentation
  hardline lsp [--config FILE]    run the language server on stdin and stdout
  hardline version                print the version

Run "hardline lint -h" or "hardline fix -h" for their flags.
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
	case "fix":
		return fix(engine, args[1:], stdout, stderr)
	case "rules":
		return listRules(engine, args[1:], stdout, stderr)
	case "pin":
		return pinCommand(engine, pin.NewResolver(), args[1:], stdout, stderr)
	case "lsp":
		return serveLSP(engine, args[1:], stdin, stdout, stderr)
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

// parsePaths parses a command's flags and paths; when it returns !ok the
// command ends with code: 0 after -h, 2 after a bad flag (the flag
// package has printed why).
func parsePaths(fs *flag.FlagSet, args []string) (paths []string, code int, ok bool) {
	paths, err := parseInterleaved(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return nil, exitOK, false
	case err != nil:
		return nil, exitUsage, false
	}
	return paths, 0, true
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

// settings are the flags lint and fix share: which config applies and
// what overrides it.
type settings struct {
	profile, configPath, k8sVersion, regoVersion, failOn string
	policies, data, namespaces                           stringList
	threshold                                            analyzer.Severity
	configFor                                            func(string) (*analyzer.Config, error)
}

func (s *settings) register(fs *flag.FlagSet) {
	fs.StringVar(&s.profile, "profile", "", "rule profile: baseline, restricted (default) or all")
	fs.StringVar(&s.configPath, "config", "", "config file (default: "+analyzer.ConfigFileName+" found by walking up from each file)")
	fs.StringVar(&s.k8sVersion, "kubernetes-version", "", "target Kubernetes version of the deprecated-API rules, e.g. 1.37")
	fs.Var(&s.policies, "policy", "directory of Rego policies (repeatable)")
	fs.Var(&s.data, "data", "JSON or YAML data documents for the policies, a file or a directory (repeatable)")
	fs.Var(&s.namespaces, "namespace", "Rego package whose deny, violation and warn rules run (repeatable; default main)")
	fs.StringVar(&s.regoVersion, "rego-version", "", "Rego syntax of policies: auto, v0 or v1")
	fs.StringVar(&s.failOn, "fail-on", "error", "lowest severity that makes the exit code 1: error, warning or info")
}

// resolve validates the flags and prepares configFor: the config file that
// applies to a path (or --config), with the flags on top.
func (s *settings) resolve(engine *analyzer.Engine) error {
	var err error
	if s.threshold, err = analyzer.ParseSeverity(s.failOn); err != nil {
		return err
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
	if len(s.namespaces) > 0 {
		override = append(override, func(c *analyzer.Config) { c.PolicyNamespaces = s.namespaces })
	}
	finder := analyzer.NewConfigFinder(engine.Rules())
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

// files validates the configs of the paths given and expands folders.
func (s *settings) files(paths []string) ([]string, error) {
	for _, p := range paths {
		if _, err := s.configFor(p); err != nil {
			return nil, err
		}
	}
	return analyzer.Discover(paths)
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

func lint(engine *analyzer.Engine, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hardline lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var s settings
	s.register(fs)
	format := fs.String("format", "text", "output format: "+strings.Join(report.Formats, ", "))
	stdinName := fs.String("stdin-filename", "", "the file name to report for input read from stdin (\"-\"); it also selects the language and the config")
	var outputs stringList
	fs.Var(&outputs, "output", "also write a report to a file, as FORMAT=FILE (repeatable), e.g. sarif=hardline.sarif")
	baselinePath := fs.String("baseline", "", "report only the findings that this baseline file does not record")
	writeBaseline := fs.String("write-baseline", "", "record the current findings in this file as the baseline and exit 0")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hardline lint [flags] PATH...\n\nExit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage, config or I/O error.\n\nFlags:")
		fs.PrintDefaults()
	}
	paths, code, ok := parsePaths(fs, args)
	if !ok {
		return code
	}
	if !contains(report.Formats, *format) {
		return usageError(stderr, fmt.Errorf("unknown format %q (want %s)", *format, strings.Join(report.Formats, ", ")))
	}
	if len(paths) == 0 {
		return usageError(stderr, errors.New("no PATH given (use - for stdin)"))
	}
	extra, err := parseOutputs(outputs)
	if err != nil {
		return usageError(stderr, err)
	}
	if *baselinePath != "" && *writeBaseline != "" {
		return usageError(stderr, errors.New("--baseline and --write-baseline exclude each other"))
	}
	var known *baseline.Baseline
	if *baselinePath != "" {
		if known, err = readBaseline(*baselinePath); err != nil {
			return usageError(stderr, err)
		}
	}
	if err := s.resolve(engine); err != nil {
		return usageError(stderr, err)
	}
	// JSON and SARIF carry each finding's verified fixes.
	withFixes := false
	for _, f := range append([]string{*format}, extra.formats()...) {
		withFixes = withFixes || f == "json" || f == "sarif"
	}

	var results []analyzer.FileResult
	var files, linted []string
	for _, p := range paths {
		if p != "-" {
			files = append(files, p)
			continue
		}
		name := *stdinName
		if name == "" {
			name = "-"
		}
		linted = append(linted, name)
		cfg, err := s.configFor(name)
		if err != nil {
			return usageError(stderr, err)
		}
		opts := analyzer.ParseOptions{Limits: &cfg.Limits}
		if analyzer.LanguageOf(name) == analyzer.Unknown {
			opts.Language = analyzer.Kubernetes
		}
		// Read one byte past the limit: enough to know the input is too
		// large, without holding all of it.
		in := stdin
		if max := cfg.Limits.MaxFileBytes; max > 0 {
			in = io.LimitReader(stdin, max+1)
		}
		text, err := io.ReadAll(in)
		if err != nil {
			fmt.Fprintln(stderr, "hardline: reading stdin:", err)
			return exitUsage
		}
		if max := cfg.Limits.MaxFileBytes; max > 0 && int64(len(text)) > max {
			// Its size is unknown: only that it is over the limit.
			text, opts.Skip = nil, fmt.Sprintf("standard input over limits.maxFileBytes (%d bytes): not analyzed", max)
		}
		doc := analyzer.Parse(name, text, opts)
		findings := engine.Run(doc, cfg)
		if withFixes {
			engine.AttachFixes(doc, cfg, findings)
		}
		results = append(results, analyzer.FileResult{Path: name, Lines: doc.Lines, Findings: findings})
	}
	expanded, err := s.files(files)
	if err != nil {
		return usageError(stderr, err)
	}
	results = append(results, engine.LintFiles(expanded, s.configFor, withFixes)...)
	results = append(results, policyProblems(append(linted, expanded...), s.configFor)...)
	analyzer.SortResults(results)
	status := exitOK
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintln(stderr, "hardline:", r.Err)
			status = exitUsage
		}
	}
	if *writeBaseline != "" {
		// A file that could not be read would be missing from the
		// baseline and fail the next run: write none.
		if status != exitOK {
			return status
		}
		var buf bytes.Buffer
		n, err := baseline.Write(&buf, results)
		if err == nil {
			err = os.WriteFile(*writeBaseline, buf.Bytes(), 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "hardline:", err)
			return exitUsage
		}
		fmt.Fprintf(stderr, "hardline: recorded %d findings in %s\n", n, *writeBaseline)
		return exitOK
	}
	if known != nil {
		var dropped int
		results, dropped = known.Filter(results)
		if dropped > 0 {
			fmt.Fprintf(stderr, "hardline: %d findings recorded in %s not reported\n", dropped, *baselinePath)
		}
	}
	docsURL := ""
	if cfg, err := s.configFor("."); err == nil {
		docsURL = cfg.DocsURL
	}
	opts := report.Options{Rules: engine.Rules(), Version: version, InformationURI: informationURI, DocsURL: docsURL}
	if err := report.Write(stdout, *format, results, opts); err != nil {
		fmt.Fprintln(stderr, "hardline:", err)
		return exitUsage
	}
	for _, o := range extra {
		var buf bytes.Buffer
		err := report.Write(&buf, o.format, results, opts)
		if err == nil {
			err = os.WriteFile(o.file, buf.Bytes(), 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "hardline:", err)
			return exitUsage
		}
	}
	if status != exitOK {
		return status
	}
	for _, r := range results {
		if s.failed(r.Findings) {
			return exitFindings
		}
	}
	return exitOK
}

// printDiff prints a unified diff of a file's change, with git's a/ and b/
// prefixes so that `git apply` and `patch -p1` take it.
func printDiff(w io.Writer, path string, old, next []byte) {
	name := strings.TrimPrefix(filepath.ToSlash(path), "/")
	fmt.Fprint(w, fixes.Unified("a/"+name, "b/"+name, old, next))
}

// policyProblems reports the policies that cannot run (HL005 at their own
// files), once per set of policies the linted files use.
func policyProblems(paths []string, configFor func(string) (*analyzer.Config, error)) []analyzer.FileResult {
	seen := map[string]bool{}
	var out []analyzer.FileResult
	cwd, _ := os.Getwd()
	for _, p := range paths {
		cfg, err := configFor(p)
		if err != nil {
			continue
		}
		rep := policy.Results(cfg)
		if seen[rep.Set] {
			continue
		}
		seen[rep.Set] = true
		for _, r := range rep.Files {
			if rel, err := filepath.Rel(cwd, r.Path); err == nil && !strings.HasPrefix(rel, "..") {
				r.Path = rel
			}
			out = append(out, r)
		}
	}
	return out
}

// output is one --output FORMAT=FILE.
type output struct{ format, file string }

type outputList []output

func (l outputList) formats() []string {
	var out []string
	for _, o := range l {
		out = append(out, o.format)
	}
	return out
}

func parseOutputs(values []string) (outputList, error) {
	var out outputList
	for _, v := range values {
		format, file, ok := strings.Cut(v, "=")
		if !ok || file == "" {
			return nil, fmt.Errorf("--output %q: want FORMAT=FILE, e.g. sarif=hardline.sarif", v)
		}
		if !contains(report.Formats, format) {
			return nil, fmt.Errorf("--output %q: unknown format %q (want %s)", v, format, strings.Join(report.Formats, ", "))
		}
		out = append(out, output{format, file})
	}
	return out, nil
}

func readBaseline(path string) (*baseline.Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return baseline.Read(f, path)
}

func fix(engine *analyzer.Engine, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hardline fix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var s settings
	s.register(fs)
	diff := fs.Bool("diff", false, "print a unified diff of the fixes and write nothing (the default)")
	write := fs.Bool("write", false, "write the fixed files (atomically; a file changed since it was read is left alone)")
	unsafe := fs.Bool("unsafe", false, "also apply unsafe fixes (hardening that may break an app: review them)")
	follow := fs.Bool("follow-symlinks", false, "with --write, also write through symlinks that point outside their folder")
	var only stringList
	fs.Var(&only, "rule", "fix only this rule, by code or name (repeatable)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hardline fix [--diff|--write] [--unsafe] [--rule CODE]... PATH...\n\n"+
			"Applies the first fix of each finding that has one: safe fixes, and unsafe ones with --unsafe; manual fixes\n"+
			"(placeholders) never. Exit codes as lint, for what remains after fixing.\n\nFlags:")
		fs.PrintDefaults()
	}
	paths, code, ok := parsePaths(fs, args)
	if !ok {
		return code
	}
	if *diff && *write {
		return usageError(stderr, errors.New("--diff and --write exclude each other"))
	}
	if len(paths) == 0 {
		return usageError(stderr, errors.New("no PATH given"))
	}
	if err := s.resolve(engine); err != nil {
		return usageError(stderr, err)
	}
	rulesWanted := map[*analyzer.Rule]bool{}
	for _, code := range only {
		r := engine.Rule(code)
		if r == nil {
			return usageError(stderr, fmt.Errorf("--rule %s: no such rule (hardline rules lists them)", code))
		}
		rulesWanted[r] = true
	}
	accept := func(f *analyzer.Finding, fx fixes.Fix) bool {
		if len(rulesWanted) > 0 && !rulesWanted[f.Rule] {
			return false
		}
		return fx.Safety == fixes.Safe || *unsafe && fx.Safety == fixes.Unsafe
	}
	files, err := s.files(paths)
	if err != nil {
		return usageError(stderr, err)
	}
	status := exitOK
	fixedFiles, fixedFindings := 0, 0
	remaining := false
	for _, r := range engine.FixFiles(files, s.configFor, accept) {
		if r.Err != nil {
			fmt.Fprintln(stderr, "hardline:", r.Err)
			status = exitUsage
			continue
		}
		remaining = remaining || s.failed(r.Findings)
		if len(r.Applied) == 0 {
			continue
		}
		if *write {
			if err := writeFixed(r.Path, r.Old, r.New, *follow); err != nil {
				fmt.Fprintln(stderr, "hardline:", err)
				status = exitUsage
				continue
			}
		} else {
			printDiff(stdout, r.Path, r.Old, r.New)
		}
		fixedFiles++
		fixedFindings += len(r.Applied)
	}
	verb := "would fix"
	if *write {
		verb = "fixed"
	}
	fmt.Fprintf(stderr, "hardline: %s %d %s in %d %s\n", verb, fixedFindings, plural(fixedFindings, "finding", "findings"), fixedFiles, plural(fixedFiles, "file", "files"))
	if status != exitOK {
		return status
	}
	if remaining {
		return exitFindings
	}
	return exitOK
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// serveLSP runs the language server. --stdio is accepted because editor
// clients (vscode-languageclient) pass it; stdio is the only transport.
func serveLSP(engine *analyzer.Engine, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lsp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "use this config file for every document instead of each one's .hardline.yaml")
	fs.Bool("stdio", true, "speak LSP on stdin and stdout (the default and only transport)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hardline lsp: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *config != "" {
		if _, err := analyzer.LoadConfig(*config, engine.Rules()); err != nil {
			fmt.Fprintln(stderr, "hardline lsp:", err)
			return exitUsage
		}
	}
	srv := lsp.New(lsp.Options{
		Engine:         engine,
		Version:        version,
		ConfigFile:     *config,
		Debounce:       lsp.DefaultDebounce,
		Log:            stderr,
		PanicOn:        os.Getenv("HARDLINE_LSP_PANIC_ON"),
		PolicyProblems: policy.Results,
	})
	return srv.Run(stdin, stdout)
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
