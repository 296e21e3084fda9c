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
	engine, stdout, stderr := env.Engine, env.Stdout, env.Stderr
	fs := flag.NewFlagSet("hardline lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var s settings
	s.register(fs)
	s.registerRender(fs)
	format := fs.String("format", "", "output format: "+strings.Join(report.Formats, ", ")+" (default: full on a terminal, text otherwise)")
	color := fs.String("color", "auto", "colour the full and text formats: auto (a terminal, unless NO_COLOR is set or FORCE_COLOR asks), always or never")
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
	if *format == "" {
		*format = "text"
		if env.Terminal {
			*format = "full"
		}
	}
	if !contains(report.Formats, *format) {
		return usageError(stderr, fmt.Errorf("unknown format %q (want %s)", *format, strings.Join(report.Formats, ", ")))
	}
	style, err := styleFor(env, *color)
	if err != nil {
		return usageError(stderr, err)
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
	if b := *baselinePath + *writeBaseline; b != "" {
		// Outside a repository, fingerprints hash paths relative to the
		// baseline's folder, so it matches from any folder.
		s.fingerprintRoot = filepath.Dir(b)
	}
	// What the outputs read decides what results keep: fingerprints for
	// baselines and the formats that carry them; files' text for code
	// frames, fix edits' positions, and a version 1 baseline (which
	// hashes the lines again).
	s.noFingerprints, s.releaseText = *baselinePath+*writeBaseline == "", *baselinePath == ""
	for _, f := range append([]string{*format}, extra.formats()...) {
		switch f {
		case "json", "sarif":
			s.noFingerprints, s.releaseText = false, false
		case "gitlab":
			s.noFingerprints = false
		case "full":
			s.releaseText = false
		}
	}
	if err := s.resolve(engine); err != nil {
		return usageError(stderr, err)
	}
	// JSON and SARIF carry each finding's verified fixes; the rest say
	// what a fix would do.
	detail := analyzer.FixHints
	for _, f := range append([]string{*format}, extra.formats()...) {
		if f == "json" || f == "sarif" {
			detail = analyzer.VerifiedFixes
		}
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
		r, err := lintStdin(env, &s, name, detail)
		if err != nil {
			return usageError(stderr, err)
		}
		results = append(results, r)
	}
	in, lintResults, rendered, err := s.lint(env.Context, engine, files, detail)
	if err != nil {
		return usageError(stderr, err)
	}
	results = append(results, lintResults...)
	linted = append(linted, in.Files...)
	for _, c := range in.Charts {
		linted = append(linted, filepath.Join(c, "Chart.yaml"))
	}
	linted = append(linted, in.Kustomizations...)
	results = append(results, policyProblems(linted, s.configFor)...)
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
		var m baseline.Match
		results, m = known.Filter(results)
		switch {
		case m.Recorded > 0 && m.Matched == 0:
			fmt.Fprintf(stderr, "hardline: none of the %d %s recorded in %s matched: it records other files, or files that changed "+
				"since (fingerprints hash paths relative to the repository root)\n", m.Recorded, plural(m.Recorded, "finding", "findings"), *baselinePath)
		case m.Dropped > 0:
			fmt.Fprintf(stderr, "hardline: %d %s recorded in %s not reported\n", m.Dropped, plural(m.Dropped, "finding", "findings"), *baselinePath)
		}
	}
	docsURL := ""
	if cfg, err := s.configFor("."); err == nil {
		docsURL = cfg.DocsURL
	}
	opts := report.Options{Rules: engine.Rules(), Version: env.Version, InformationURI: env.InformationURI, DocsURL: docsURL, Style: style}
	if err := report.Write(stdout, *format, results, opts); err != nil {
		fmt.Fprintln(stderr, "hardline:", err)
		return ExitUsage
	}
	for _, o := range extra {
		var buf bytes.Buffer
		err := report.Write(&buf, o.format, results, report.Options{Rules: opts.Rules, Version: opts.Version, InformationURI: opts.InformationURI, DocsURL: docsURL})
		if err == nil {
			err = os.WriteFile(o.file, buf.Bytes(), 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "hardline:", err)
			return ExitUsage
		}
	}
	// The closing summary: below the frames on a terminal; on stderr when
	// stdout is for grep, problem matchers or a machine.
	switch {
	case checked == 0 && rendered.Charts+rendered.Kustomizations == 0 && status == ExitOK:
		// Say it, so that a job that lints nothing is not mistaken for a
		// clean one.
		fmt.Fprintf(stderr, "hardline: no Kubernetes manifests or Dockerfiles under %s\n", strings.Join(paths, ", "))
	case *format == "full":
		fmt.Fprintln(stdout, report.Summary(results, report.Rendered{Charts: rendered.Charts, Kustomizations: rendered.Kustomizations}, style))
	default:
		fmt.Fprintln(stderr, "hardline: "+report.Summary(results, report.Rendered{Charts: rendered.Charts, Kustomizations: rendered.Kustomizations}, report.Style{}))
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

// lintStdin lints standard input under the config for name.
func lintStdin(env Env, s *settings, name string, detail analyzer.FixDetail) (analyzer.FileResult, error) {
	cfg, err := s.configFor(name)
	if err != nil {
		return analyzer.FileResult{}, err
	}
	text, skip, err := readStdin(env.Stdin, cfg.Limits.MaxFileBytes)
	if err != nil {
		return analyzer.FileResult{}, fmt.Errorf("reading stdin: %w", err)
	}
	opts := analyzer.ParseOptions{Limits: &cfg.Limits, Skip: skip, Language: stdinLanguage(name, text), Skim: cfg.Skims()}
	doc := analyzer.Parse(name, text, opts)
	findings := env.Engine.RunDetailed(env.Context, doc, cfg, detail)
	return analyzer.FileResult{Path: name, Lines: doc.Lines, Findings: findings, Checked: analyzer.Checked(doc, findings)}, nil
}

// readStdin reads standard input up to limit bytes and one more: enough
// to know the input is too large without holding all of it. skip then
// says why it is not analyzed.
func readStdin(stdin io.Reader, limit int64) (text []byte, skip string, err error) {
	in := stdin
	if limit > 0 {
		in = io.LimitReader(stdin, limit+1)
	}
	if text, err = io.ReadAll(in); err != nil {
		return nil, "", err
	}
	if limit > 0 && int64(len(text)) > limit {
		// Its size is unknown: only that it is over the limit.
		return nil, fmt.Sprintf("standard input over limits.maxFileBytes (%d bytes): not analyzed", limit), nil
	}
	return text, "", nil
}

// stdinLanguage is what stdin is read as: what its name says, else what
// its content looks like.
func stdinLanguage(name string, text []byte) analyzer.Language {
	if analyzer.LanguageOf(name) != analyzer.Unknown {
		return ""
	}
	return analyzer.Sniff(text)
}

// styleFor decides colour: --color always or never, else NO_COLOR (set,
// not empty) turns it off, else FORCE_COLOR (set, not empty or "0") turns
// it on, else a terminal has it.
func styleFor(env Env, color string) (report.Style, error) {
	getenv := env.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	switch color {
	case "always":
		return report.Style{Color: true}, nil
	case "never":
		return report.Style{}, nil
	case "auto":
	default:
		return report.Style{}, fmt.Errorf("--color %q: want auto, always or never", color)
	}
	switch {
	case getenv("NO_COLOR") != "":
		return report.Style{}, nil
	case getenv("FORCE_COLOR") != "" && getenv("FORCE_COLOR") != "0":
		return report.Style{Color: true}, nil
	}
	return report.Style{Color: env.Terminal}, nil
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
