package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/analyzer/report"
	"hardline.dev/hardline/internal/testenv"
	"hardline.dev/hardline/rules"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestMain runs the commands' tests from the repository's root, as users
// run hardline: the paths in goldens and messages are the README's.
func TestMain(m *testing.M) {
	if err := os.Chdir(filepath.Join("..", "..")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

var testEngine = analyzer.NewEngine(rules.All())

// runCLI runs a command as main does, with stdin and captured output.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return runCLIWith(t, nil, stdin, args...)
}

// runCLIWith is runCLI with the environment adjusted (a terminal, colour
// variables).
func runCLIWith(t *testing.T, adjust func(*Env), stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := Env{Context: context.Background(), Engine: testEngine, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Version: "0.1.0-dev", InformationURI: "https://hardline.dev"}
	if adjust != nil {
		adjust(&env)
	}
	commands := map[string]func(Env, []string) int{"lint": Lint, "fix": Fix, "pin": Pin, "rules": Rules}
	cmd := commands[args[0]]
	if cmd == nil {
		t.Fatalf("no command %q", args[0])
	}
	code := cmd(env, args[1:])
	return code, out.String(), errOut.String()
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	testenv.Golden(t, path, got, *update)
}

// examplesSummary is the closing line of the quick start.
const examplesSummary = "8 errors, 12 warnings in 2 files · 2 fixable with hardline fix (7 more with --unsafe)"

// TestExamples pins the quick start's output in every format: the full
// format ends with the summary, the others leave stdout to the findings
// and write it on stderr; the README quotes the summary.
func TestExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "\n"+examplesSummary+"\n") {
		t.Errorf("the README's quick start does not end with %q", examplesSummary)
	}
	for _, format := range report.Formats {
		code, out, errOut := runCLI(t, "", "lint", "--format", format, "testdata/examples")
		wantErr := "hardline: " + examplesSummary + "\n"
		if format == "full" {
			wantErr = ""
			if !strings.HasSuffix(out, "\n"+examplesSummary+"\n") {
				t.Errorf("full: no summary at the end:\n%s", out)
			}
		}
		if code != ExitFindings || errOut != wantErr {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", format, code, errOut, wantErr)
		}
		golden(t, filepath.Join("testdata", "golden", "examples."+format), out)
	}
	for _, format := range []string{"full", "text"} {
		_, out, _ := runCLI(t, "", "lint", "--format", format, "--color", "always", "testdata/examples")
		golden(t, filepath.Join("testdata", "golden", "examples."+format+".color"), out)
	}
}

// TestTerminal: on a terminal the default is the full format in colour;
// piped, the one-line text format without; colour follows --color, then
// NO_COLOR, then FORCE_COLOR, then the terminal.
func TestTerminal(t *testing.T) {
	env := func(terminal bool, vars map[string]string) func(*Env) {
		return func(e *Env) {
			e.Terminal = terminal
			e.Getenv = func(k string) string { return vars[k] }
		}
	}
	colored := func(out string) bool { return strings.Contains(out, "\x1b[") }
	full := func(out string) bool { return strings.Contains(out, "^^^") }
	tests := []struct {
		name                string
		terminal            bool
		vars                map[string]string
		args                []string
		wantFull, wantColor bool
	}{
		{"terminal", true, nil, nil, true, true},
		{"pipe", false, nil, nil, false, false},
		{"terminal, NO_COLOR", true, map[string]string{"NO_COLOR": "1"}, nil, true, false},
		{"pipe, FORCE_COLOR", false, map[string]string{"FORCE_COLOR": "1"}, nil, false, true},
		{"NO_COLOR beats FORCE_COLOR", false, map[string]string{"NO_COLOR": "1", "FORCE_COLOR": "1"}, nil, false, false},
		{"FORCE_COLOR=0", false, map[string]string{"FORCE_COLOR": "0"}, nil, false, false},
		{"--color always beats NO_COLOR", false, map[string]string{"NO_COLOR": "1"}, []string{"--color", "always"}, false, true},
		{"--color never on a terminal", true, nil, []string{"--color", "never"}, true, false},
		{"--format text on a terminal", true, nil, []string{"--format", "text"}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"lint"}, tt.args...), "testdata/examples/deployment.yaml")
			_, out, _ := runCLIWith(t, env(tt.terminal, tt.vars), "", args...)
			if full(out) != tt.wantFull || colored(out) != tt.wantColor {
				t.Errorf("full %v (want %v), colour %v (want %v):\n%.300s", full(out), tt.wantFull, colored(out), tt.wantColor, out)
			}
		})
	}
	if code, _, errOut := runCLI(t, "", "lint", "--color", "sometimes", "testdata/examples"); code != ExitUsage || !strings.Contains(errOut, "want auto, always or never") {
		t.Errorf("--color sometimes: exit %d, %q", code, errOut)
	}
}

// TestSummary: the closing line for findings, a clean run and a run with
// nothing to lint, on stderr when stdout is piped.
func TestSummary(t *testing.T) {
	for _, tt := range []struct {
		name, want string
		args       []string
	}{
		{"findings", "hardline: 1 error in 1 file", []string{"--profile", "baseline", "testdata/repo/k8s/deploy.yaml"}},
		{"clean", "hardline: checked 1 file: no findings", []string{"testdata/examples/hardened.yaml"}},
		{"clean, several", "hardline: checked 2 files: no findings", []string{"testdata/examples/hardened.yaml", "testdata/examples/hardened.yaml"}},
		{"nothing to lint", "hardline: no Kubernetes manifests or Dockerfiles under testdata/repo/chart", []string{"testdata/repo/chart"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, errOut := runCLI(t, "", append([]string{"lint"}, tt.args...)...)
			if strings.TrimSpace(errOut) != tt.want {
				t.Errorf("stderr %q, want %q", errOut, tt.want)
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"clean file", []string{"lint", "testdata/examples/hardened.yaml"}, ExitOK},
		{"findings", []string{"lint", "testdata/examples"}, ExitFindings},
		{"flags after paths", []string{"lint", "testdata/examples", "--profile", "baseline"}, ExitFindings},
		{"warnings pass at fail-on error", []string{"lint", "testdata/examples/Dockerfile"}, ExitOK},
		{"warnings fail at fail-on warning", []string{"lint", "--fail-on", "warning", "testdata/examples/Dockerfile"}, ExitFindings},
		{"unknown flag", []string{"lint", "--nope", "testdata/examples"}, ExitUsage},
		{"unknown profile", []string{"lint", "--profile", "strict", "testdata/examples"}, ExitUsage},
		{"unknown format", []string{"lint", "--format", "xml", "testdata/examples"}, ExitUsage},
		{"missing path", []string{"lint", "testdata/nope.yaml"}, ExitUsage},
		{"no path", []string{"lint"}, ExitUsage},
		{"unknown rule", []string{"rules", "KS999"}, ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, errOut := runCLI(t, "", tt.args...); code != tt.want {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.want, errOut)
			}
		})
	}
}

func TestStdin(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    securityContext: {privileged: true}\n"
	code, out, _ := runCLI(t, pod, "lint", "--profile", "baseline", "--stdin-filename", "k8s/pod.yaml", "-")
	if code != ExitFindings || out != "k8s/pod.yaml:8:23: error KS101 privileged-container: container \"c\" must not set securityContext.privileged: true\n" {
		t.Errorf("exit %d, output %q", code, out)
	}
	// The file name selects the language.
	code, out, _ = runCLI(t, "FROM alpine\n", "lint", "--stdin-filename", "Dockerfile", "-")
	if code != ExitOK || !strings.Contains(out, "Dockerfile:1:6: warning DF102") {
		t.Errorf("exit %d, output %q", code, out)
	}
}

func TestRulesCommand(t *testing.T) {
	_, out, _ := runCLI(t, "", "rules")
	for _, r := range rules.All() {
		if !strings.Contains(out, r.Code+"  ") || !strings.Contains(out, r.Name) {
			t.Errorf("rules list lacks %s %s", r.Code, r.Name)
		}
	}
	code, out, _ := runCLI(t, "", "rules", "privileged-container")
	if code != ExitOK || !strings.HasPrefix(out, "## KS101 privileged-container") || !strings.Contains(out, "### Bad") {
		t.Errorf("rules KS101: exit %d, %q", code, out)
	}
}

// TestCorpus lints every real-world file of ../shared/corpus: the exit
// code is 0 or 1, nothing panics, the output is the same on a second run,
// and every range lies inside its file.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus-wide")
	}
	corpus := testenv.Dir(t, "corpus")
	code, out, errOut := runCLI(t, "", "lint", "--profile", "all", "--format", "json", corpus)
	if code != ExitOK && code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var report struct {
		Findings []struct {
			Path  string
			Range analyzer.Range
			Rule  string
		}
		Summary struct{ Files, Findings int }
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	if report.Summary.Files == 0 {
		t.Error("linted no file of the corpus")
	}
	lines := map[string][]string{}
	for _, f := range report.Findings {
		ls, ok := lines[f.Path]
		if !ok {
			text, err := os.ReadFile(f.Path)
			if err != nil {
				t.Fatal(err)
			}
			ls = strings.Split(string(text), "\n")
			lines[f.Path] = ls
		}
		inside := func(p analyzer.Position) bool {
			return p.Line >= 1 && p.Line <= len(ls) && p.Column >= 1 && p.Column <= utf8.RuneCountInString(ls[p.Line-1])+1
		}
		s, e := f.Range.Start, f.Range.End
		if !inside(s) || !inside(e) || e.Line < s.Line || e.Line == s.Line && e.Column < s.Column {
			t.Errorf("%s: %s range %v outside the file or reversed", f.Path, f.Rule, f.Range)
		}
	}
	if _, again, _ := runCLI(t, "", "lint", "--profile", "all", "--format", "json", corpus); again != out {
		t.Error("a second run gave different output")
	}
}

// TestPeerIDs: a peer's ID names the rules that carry it, with or without
// its tool's prefix, wherever a rule code is accepted.
func TestPeerIDs(t *testing.T) {
	for word, want := range map[string]string{
		"DL3002": "## DF113 user-root", "hadolint:DL3002": "## DF113 user-root",
		"pss:privileged": "## KS101 privileged-container", "privileged": "## KS101 privileged-container",
		"privileged-container": "## KS101 privileged-container",
	} {
		if code, out, _ := runCLI(t, "", "rules", word); code != ExitOK || !strings.HasPrefix(out, want) {
			t.Errorf("rules %s: exit %d, %.60q", word, code, out)
		}
	}
	dir := writeFiles(t, map[string]string{"Dockerfile": "FROM alpine:3.20\nRUN apt-get update && apt-get install -y curl\nUSER 10001\n"})
	_, out, _ := runCLI(t, "", "fix", "--profile", "all", "--rule", "DL3015", dir)
	if !strings.Contains(out, "--no-install-recommends") {
		t.Errorf("fix --rule DL3015:\n%s", out)
	}
}
