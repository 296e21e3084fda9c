// Command hardline hardens Kubernetes manifests and Dockerfiles: it lints
// them in CI and, as a language server, in the editor. This file only
// picks the command and wires the engine into it: the commands live in
// internal/cli, the language server in lsp.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime/pprof"

	"golang.org/x/term"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/internal/cli"
	"hardline.dev/hardline/internal/gcpace"
	"hardline.dev/hardline/lsp"
	"hardline.dev/hardline/rules"
	"hardline.dev/hardline/rules/policy"
)

// informationURI is where users learn about hardline (SARIF's tool link).
const informationURI = "https://hardline.dev"

// version is set at release time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

const usage = `hardline hardens Kubernetes manifests and Dockerfiles.

Usage:
  hardline lint [flags] PATH...     analyze files and directories ("-" reads stdin)
  hardline fix [flags] PATH...      apply fixes: print a diff (--diff, default) or --write them
  hardline pin [--write] PATH...    pin image tags to their digests (asks the registries)
  hardline rules [CODE|NAME|ALIAS]  list the rules, or print a rule's documentation
  hardline lsp [--config FILE]      run the language server on stdin and stdout
  hardline version                  print the version

Run "hardline lint -h" or "hardline fix -h" for their flags.
`

func main() {
	// Helm's packages print their warnings (a coalesce note, a deprecated
	// requirements.yaml) through the standard logger; what matters of a
	// render is a finding, so that output would only be noise in reports.
	log.SetOutput(io.Discard)
	os.Exit(profiled(func() int { return run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr) }))
}

// profiled runs f, writing a CPU profile to $HARDLINE_CPUPROFILE and a heap
// profile at the end to $HARDLINE_MEMPROFILE when they are set: where the
// time of a slow input goes, measured on the real command.
func profiled(f func() int) int {
	if path := os.Getenv("HARDLINE_CPUPROFILE"); path != "" {
		if out, err := os.Create(path); err == nil && pprof.StartCPUProfile(out) == nil {
			defer func() { pprof.StopCPUProfile(); out.Close() }()
		}
	}
	code := f()
	if path := os.Getenv("HARDLINE_MEMPROFILE"); path != "" {
		if out, err := os.Create(path); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(out, 0)
			out.Close()
		}
	}
	return code
}

// isTerminal tells whether w is a terminal: lint then writes code frames
// in colour by default. A character device is not enough: /dev/null is one,
// and `lint > /dev/null` must still print its summary on stderr.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return cli.ExitUsage
	}
	// Ctrl-C stops a long lint or fix between files and rules, before
	// anything is written.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	env := cli.Env{
		Context: ctx, Engine: analyzer.NewEngine(rules.All()), Stdin: stdin, Stdout: stdout, Stderr: stderr,
		Version: version, InformationURI: informationURI,
		Terminal: isTerminal(stdout), Getenv: os.Getenv,
	}
	if args[0] == "lint" || args[0] == "fix" {
		gcpace.Start()
	} else {
		gcpace.Default()
	}
	switch args[0] {
	case "lint":
		return cli.Lint(env, args[1:])
	case "fix":
		return cli.Fix(env, args[1:])
	case "rules":
		return cli.Rules(env, args[1:])
	case "pin":
		return cli.Pin(env, args[1:])
	case "lsp":
		return serveLSP(env.Engine, args[1:], stdin, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "hardline", version)
		return cli.ExitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return cli.ExitOK
	}
	fmt.Fprintf(stderr, "hardline: unknown command %q\n\n%s", args[0], usage)
	return cli.ExitUsage
}

// serveLSP runs the language server. --stdio is accepted because editor
// clients (vscode-languageclient) pass it; stdio is the only transport.
func serveLSP(engine *analyzer.Engine, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lsp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "use this config file for every document instead of each one's .hardline.yaml")
	fs.Bool("stdio", true, "speak LSP on stdin and stdout (the default and only transport)")
	if err := fs.Parse(args); err != nil {
		return cli.ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hardline lsp: unexpected argument %q\n", fs.Arg(0))
		return cli.ExitUsage
	}
	if *config != "" {
		if _, err := analyzer.LoadConfig(*config, engine.Rules()); err != nil {
			fmt.Fprintln(stderr, "hardline lsp:", err)
			return cli.ExitUsage
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
