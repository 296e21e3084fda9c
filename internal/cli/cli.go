// Package cli holds hardline's commands as people run them in a shell or a
// CI job: lint, fix, pin and rules. Each command parses its own flags,
// reads files or stdin, runs the engine and prints; none has rule, parse
// or fix logic of its own. Package main only picks the command.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/pin"
)

// interrupted ends a command whose context was cancelled: nothing it
// computed since is complete enough to print or write.
func interrupted(env Env) bool {
	if env.Context.Err() == nil {
		return false
	}
	fmt.Fprintln(env.Stderr, "hardline: interrupted")
	return true
}

// Exit codes are part of the CLI's contract.
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitUsage    = 2
)

// Env is what a command runs with.
type Env struct {
	// Context ends the command early (Ctrl-C): it then writes nothing
	// and exits with ExitUsage.
	Context context.Context
	Engine  *analyzer.Engine
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	// Version and InformationURI describe the tool in SARIF output.
	Version, InformationURI string
	// Resolver looks image digests up for pin; nil makes one.
	Resolver *pin.Resolver
	// Terminal says stdout is a terminal: lint then writes code frames
	// in colour by default.
	Terminal bool
	// Getenv reads the environment (NO_COLOR, FORCE_COLOR); nil reads
	// nothing.
	Getenv func(string) string
}

// parsePaths parses a command's flags and paths; when it returns !ok the
// command ends with code: 0 after -h, 2 after a bad flag (the flag
// package has printed why).
func parsePaths(fs *flag.FlagSet, args []string) (paths []string, code int, ok bool) {
	paths, err := parseInterleaved(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return nil, ExitOK, false
	case err != nil:
		return nil, ExitUsage, false
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

// printDiff prints a unified diff of a file's change, with git's a/ and b/
// prefixes so that `git apply` and `patch -p1` take it.
func printDiff(w io.Writer, path string, old, next []byte) {
	name := strings.TrimPrefix(filepath.ToSlash(path), "/")
	fmt.Fprint(w, fixes.Unified("a/"+name, "b/"+name, old, next))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func usageError(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "hardline:", err)
	return ExitUsage
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
