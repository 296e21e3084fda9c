package cli

import (
	"errors"
	"flag"
	"fmt"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/internal/safewrite"
	"hardline.dev/hardline/render"
)

// Fix is `hardline fix`.
func Fix(env Env, args []string) int {
	engine, stdout, stderr := env.Engine, env.Stdout, env.Stderr
	fs := flag.NewFlagSet("hardline fix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var s settings
	s.register(fs)
	s.registerRender(fs)
	diff := fs.Bool("diff", false, "print a unified diff of the fixes and write nothing (the default)")
	write := fs.Bool("write", false, "write the fixed files (atomically; a file changed since it was read is left alone)")
	unsafe := fs.Bool("unsafe", false, "also apply unsafe fixes (hardening that may break an app: review them)")
	follow := fs.Bool("follow-symlinks", false, "with --write, also write through symlinks that point outside their folder")
	stdinName := fs.String("stdin-filename", "", "with -, the file name of stdin: it selects the language and the config")
	var only stringList
	fs.Var(&only, "rule", "fix only this rule, by code, name or peer ID (repeatable)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hardline fix [--diff|--write] [--unsafe] [--rule CODE]... PATH...\n"+
			"       hardline fix [--diff] [--stdin-filename NAME] -\n\n"+
			"Applies the first fix of each finding that has one: safe fixes, and unsafe ones with --unsafe; manual fixes\n"+
			"(placeholders) never. Prints a diff unless --write; \"-\" reads stdin and writes the fixed text to stdout\n"+
			"(with --diff, the diff), as formatters do. Exit codes as lint, for what remains after fixing.\n\nFlags:")
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
		return usageError(stderr, errors.New("no PATH given (use - for stdin)"))
	}
	stdin := contains(paths, "-")
	switch {
	case stdin && len(paths) > 1:
		return usageError(stderr, errors.New("- (stdin) cannot be fixed together with files"))
	case stdin && *write:
		return usageError(stderr, errors.New("- (stdin) has no file to --write: the fixed text goes to stdout"))
	}
	if err := s.resolve(engine); err != nil {
		return usageError(stderr, err)
	}
	rulesWanted := map[*analyzer.Rule]bool{}
	for _, code := range only {
		rs := engine.Lookup(code)
		if len(rs) == 0 {
			return usageError(stderr, fmt.Errorf("--rule %s: no such rule (hardline rules lists them)", code))
		}
		for _, r := range rs {
			rulesWanted[r] = true
		}
	}
	accept := func(f *analyzer.Finding, fx fixes.Fix) bool {
		if len(rulesWanted) > 0 && !rulesWanted[f.Rule] {
			return false
		}
		return fx.Safety == fixes.Safe || *unsafe && fx.Safety == fixes.Unsafe
	}
	if stdin {
		return fixStdin(env, &s, *stdinName, *diff, accept)
	}
	in, err := s.inputs(paths)
	if err != nil {
		return usageError(stderr, err)
	}
	status := ExitOK
	fixedFiles, fixedFindings := 0, 0
	remaining := false
	results := render.Fix(env.Context, engine, in, s.configFor, accept, s.renderOptions())
	if interrupted(env) {
		return ExitUsage
	}
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintln(stderr, "hardline:", r.Err)
			status = ExitUsage
			continue
		}
		remaining = remaining || s.failed(r.Findings)
		if len(r.Applied) == 0 {
			continue
		}
		if *write {
			if err := writeFixed(r.Path, r.Old, r.New, *follow); err != nil {
				fmt.Fprintln(stderr, "hardline:", err)
				status = ExitUsage
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
	if status != ExitOK {
		return status
	}
	if remaining {
		return ExitFindings
	}
	return ExitOK
}

// fixStdin fixes standard input: the fixed text (or, with diff, the
// diff) goes to stdout, the count to stderr.
func fixStdin(env Env, s *settings, name string, diff bool, accept func(*analyzer.Finding, fixes.Fix) bool) int {
	if name == "" {
		name = "-"
	}
	cfg, err := s.configFor(name)
	if err != nil {
		return usageError(env.Stderr, err)
	}
	text, skip, err := readStdin(env.Stdin, cfg.Limits.MaxFileBytes)
	if err != nil {
		return usageError(env.Stderr, fmt.Errorf("reading stdin: %w", err))
	}
	if skip != "" {
		return usageError(env.Stderr, errors.New(skip))
	}
	opts := analyzer.ParseOptions{Limits: &cfg.Limits, Language: stdinLanguage(name, text), Skim: cfg.Skims()}
	fixed, applied := env.Engine.FixText(env.Context, name, text, opts, cfg, accept)
	if interrupted(env) {
		return ExitUsage
	}
	if diff {
		printDiff(env.Stdout, name, text, fixed)
	} else if _, err := env.Stdout.Write(fixed); err != nil {
		return usageError(env.Stderr, err)
	}
	fmt.Fprintf(env.Stderr, "hardline: fixed %d %s in %s\n", len(applied), plural(len(applied), "finding", "findings"), name)
	if s.failed(env.Engine.Run(env.Context, analyzer.Parse(name, fixed, opts), cfg)) {
		return ExitFindings
	}
	return ExitOK
}

// writeFixed writes what fix or pin computed for path, with the checks a
// file from a stranger's pull request calls for: the new text must not
// parse worse than the old (never write a file that does not parse), and
// the write itself is safewrite's (atomic, owner and mode kept, symlinks
// only within their folder unless follow).
func writeFixed(path string, old, next []byte, follow bool) error {
	if analyzer.Parse(path, next, analyzer.ParseOptions{}).SyntaxErrors() > analyzer.Parse(path, old, analyzer.ParseOptions{}).SyntaxErrors() {
		return fmt.Errorf("%s: the fixed text would not parse; not writing it (please report this)", path)
	}
	target, err := safewrite.Target(path, follow)
	if err != nil {
		return err
	}
	return safewrite.WriteFileAtomic(target, old, next)
}
