package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/analyzer/baseline"
	"hardline.dev/hardline/analyzer/report"
	"hardline.dev/hardline/rules/policy"
)

// Lint is `hardline lint`.
func Lint(env Env, args []string) int {
	engine, stdin, stdout, stderr := env.Engine, env.Stdin, env.Stdout, env.Stderr
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
		// Read one byte past the limit: enough to know the input is too
		// large, without holding all of it.
		in := stdin
		if max := cfg.Limits.MaxFileBytes; max > 0 {
			in = io.LimitReader(stdin, max+1)
		}
		text, err := io.ReadAll(in)
		if err != nil {
			fmt.Fprintln(stderr, "hardline: reading stdin:", err)
			return ExitUsage
		}
		if analyzer.LanguageOf(name) == analyzer.Unknown {
			// No name to tell by (or one that says nothing): by content.
			opts.Language = analyzer.Sniff(text)
		}
		if max := cfg.Limits.MaxFileBytes; max > 0 && int64(len(text)) > max {
			// Its size is unknown: only that it is over the limit.
			text, opts.Skip = nil, fmt.Sprintf("standard input over limits.maxFileBytes (%d bytes): not analyzed", max)
		}
		doc := analyzer.Parse(name, text, opts)
		findings := engine.Run(env.Context, doc, cfg)
		if withFixes {
			engine.AttachFixes(env.Context, doc, cfg, findings)
		}
		results = append(results, analyzer.FileResult{Path: name, Lines: doc.Lines, Findings: findings, Checked: analyzer.Checked(doc, findings)})
	}
	expanded, err := s.files(files)
	if err != nil {
		return usageError(stderr, err)
	}
	results = append(results, engine.LintFiles(env.Context, expanded, s.configFor, withFixes)...)
	results = append(results, policyProblems(append(linted, expanded...), s.configFor)...)
	if interrupted(env) {
		return ExitUsage
	}
	analyzer.SortResults(results)
	status := ExitOK
	checked := 0
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintln(stderr, "hardline:", r.Err)
			status = ExitUsage
		}
		if r.Checked {
			checked++
		}
	}
	if checked == 0 && status == ExitOK {
		// Say it, so that a job that lints nothing is not mistaken for a
		// clean one.
		fmt.Fprintf(stderr, "hardline: no Kubernetes manifests or Dockerfiles under %s\n", strings.Join(paths, ", "))
	}
	if *writeBaseline != "" {
		// A file that could not be read would be missing from the
		// baseline and fail the next run: write none.
		if status != ExitOK {
			return status
		}
		var buf bytes.Buffer
		n, err := baseline.Write(&buf, results)
		if err == nil {
			err = os.WriteFile(*writeBaseline, buf.Bytes(), 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "hardline:", err)
			return ExitUsage
		}
		fmt.Fprintf(stderr, "hardline: recorded %d findings in %s\n", n, *writeBaseline)
		return ExitOK
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
	opts := report.Options{Rules: engine.Rules(), Version: env.Version, InformationURI: env.InformationURI, DocsURL: docsURL}
	if err := report.Write(stdout, *format, results, opts); err != nil {
		fmt.Fprintln(stderr, "hardline:", err)
		return ExitUsage
	}
	for _, o := range extra {
		var buf bytes.Buffer
		err := report.Write(&buf, o.format, results, opts)
		if err == nil {
			err = os.WriteFile(o.file, buf.Bytes(), 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "hardline:", err)
			return ExitUsage
		}
	}
	if status != ExitOK {
		return status
	}
	for _, r := range results {
		if s.failed(r.Findings) {
			return ExitFindings
		}
	}
	return ExitOK
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
