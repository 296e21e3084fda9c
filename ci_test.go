package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"hardline.dev/hardline/internal/cli"
	"hardline.dev/hardline/internal/testenv"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

// The CI integrations (action.yml, .pre-commit-hooks.yaml, examples/ci/) are
// checked as their CI systems read them, and what they run is run here.

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// TestMain removes the binary hardlineBinary built, if it did.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// hardlineBinary builds the command once per test run, for tests that run
// it as a CI system would: from a script or a job's command line.
func hardlineBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "hardline-ci-test-"); binErr != nil {
			return
		}
		if out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, "hardline"), ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return filepath.Join(binDir, "hardline")
}

// readYAML decodes a CI file strictly (a misspelled key fails) into v's
// JSON fields. It reads YAML 1.2 as GitHub does: a workflow's "on" key is
// a string there, not YAML 1.1's boolean.
func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := kyaml.Unmarshal(text, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	js, err := json.Marshal(doc)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

type actionFile struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Author      string `json:"author"`
	Branding    struct {
		Icon  string `json:"icon"`
		Color string `json:"color"`
	} `json:"branding"`
	Inputs map[string]struct {
		Description string `json:"description"`
		Required    bool   `json:"required"`
		Default     string `json:"default"`
	} `json:"inputs"`
	Outputs map[string]struct {
		Description string `json:"description"`
		Value       string `json:"value"`
	} `json:"outputs"`
	Runs struct {
		Using string       `json:"using"`
		Steps []actionStep `json:"steps"`
	} `json:"runs"`
}

type actionStep struct {
	ID    string            `json:"id"`
	Name  string            `json:"name"`
	Uses  string            `json:"uses"`
	If    string            `json:"if"`
	With  map[string]string `json:"with"`
	Shell string            `json:"shell"`
	Env   map[string]string `json:"env"`
	Run   string            `json:"run"`
}

var expression = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// runActionStep runs the action's lint step as the runner would: its env
// with ${{ inputs.* }} and ${{ github.action_path }} substituted.
func runActionStep(t *testing.T, action actionFile, with map[string]string, dir string) (int, string, map[string]string) {
	t.Helper()
	var step *actionStep
	for i := range action.Runs.Steps {
		if action.Runs.Steps[i].ID == "lint" {
			step = &action.Runs.Steps[i]
		}
	}
	if step == nil || step.Shell != "bash" {
		t.Fatalf("action.yml has no bash step with id lint: %+v", action.Runs.Steps)
	}
	repo, _ := os.Getwd()
	outFile := filepath.Join(t.TempDir(), "github_output")
	env := append(os.Environ(), "HARDLINE_BIN="+hardlineBinary(t), "GITHUB_OUTPUT="+outFile, "RUNNER_TEMP="+t.TempDir())
	for name, value := range step.Env {
		value = expression.ReplaceAllStringFunc(value, func(m string) string {
			e := expression.FindStringSubmatch(m)[1]
			switch {
			case e == "github.action_path":
				return repo
			case strings.HasPrefix(e, "inputs."):
				in, ok := action.Inputs[strings.TrimPrefix(e, "inputs.")]
				if !ok {
					t.Errorf("step env %s uses undeclared %s", name, e)
				}
				if v, ok := with[strings.TrimPrefix(e, "inputs.")]; ok {
					return v
				}
				return in.Default
			}
			t.Errorf("step env %s: unknown expression %s", name, e)
			return ""
		})
		env = append(env, name+"="+value)
	}
	code, out := runShell(t, "bash", step.Run, dir, env)
	outputs := map[string]string{}
	text, _ := os.ReadFile(outFile)
	for _, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			outputs[k] = v
		}
	}
	return code, out, outputs
}

// runShell runs a script as a CI system would and returns its exit code
// and standard output.
func runShell(t *testing.T, shell, script, dir string, env []string) (int, string) {
	t.Helper()
	cmd := exec.Command(shell, "-c", script)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if exitErr, ok := err.(*exec.ExitError); ok {
		return exitErr.ExitCode(), string(out)
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

func TestGitHubAction(t *testing.T) {
	var action actionFile
	readYAML(t, "action.yml", &action)
	if action.Name == "" || action.Description == "" || action.Runs.Using != "composite" {
		t.Fatalf("action.yml: name, description and runs.using composite are required: %+v", action)
	}
	for _, in := range []string{"paths", "profile", "config", "fail-on", "format", "sarif-file", "baseline"} {
		if action.Inputs[in].Description == "" {
			t.Errorf("action.yml: input %s missing or undocumented", in)
		}
	}
	for name, o := range action.Outputs {
		if !strings.Contains(o.Value, "steps.lint.outputs."+name) {
			t.Errorf("output %s = %q, want the lint step's output", name, o.Value)
		}
	}

	t.Run("defaults: annotations, SARIF, exit 1 on findings", func(t *testing.T) {
		dir := testenv.CopyTree(t, "testdata/examples")
		code, out, outputs := runActionStep(t, action, nil, dir)
		if code != cli.ExitFindings {
			t.Fatalf("exit %d, want 1 (the examples have errors)\n%s", code, out)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		for _, l := range lines {
			if !strings.HasPrefix(l, "::error file=") && !strings.HasPrefix(l, "::warning file=") && !strings.HasPrefix(l, "::notice file=") {
				t.Errorf("not a workflow command: %q", l)
			}
		}
		if !strings.Contains(out, "::error file=deployment.yaml,line=25,") {
			t.Errorf("no annotation for KS101 at deployment.yaml:25:\n%s", out)
		}
		want := map[string]string{"exit-code": "1", "sarif-file": "hardline.sarif"}
		if !mapsEqual(outputs, want) {
			t.Errorf("outputs %v, want %v", outputs, want)
		}
		checkSARIFFingerprints(t, filepath.Join(dir, "hardline.sarif"), len(lines))
	})

	t.Run("inputs reach the command line", func(t *testing.T) {
		dir := testenv.CopyTree(t, "testdata/examples")
		code, out, outputs := runActionStep(t, action, map[string]string{
			"paths": "deployment.yaml\nDockerfile", "profile": "baseline", "fail-on": "warning", "format": "text", "sarif-file": "",
		}, dir)
		if code != cli.ExitFindings || !strings.Contains(out, "deployment.yaml:25:13: error KS101") {
			t.Fatalf("exit %d, output:\n%s", code, out)
		}
		if strings.Contains(out, "KS201") {
			t.Errorf("profile baseline still ran KS201:\n%s", out)
		}
		if _, err := os.Stat(filepath.Join(dir, "hardline.sarif")); !os.IsNotExist(err) {
			t.Errorf("sarif-file empty still wrote hardline.sarif (%v)", err)
		}
		if outputs["sarif-file"] != "" {
			t.Errorf("sarif-file output %q, want empty", outputs["sarif-file"])
		}
	})

	t.Run("a baseline turns the existing findings off", func(t *testing.T) {
		dir := testenv.CopyTree(t, "testdata/examples")
		// Written as the action lints: from the same folder, the same paths.
		if code, out := runJobCommand(t, []string{"hardline lint --write-baseline baseline.json ."}, dir); code != cli.ExitOK {
			t.Fatalf("write-baseline: exit %d: %s", code, out)
		}
		code, out, _ := runActionStep(t, action, map[string]string{"baseline": "baseline.json"}, dir)
		if code != cli.ExitOK || out != "" {
			t.Errorf("exit %d, output %q; want 0 and nothing", code, out)
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// checkSARIFFingerprints: every result carries a partialFingerprints value,
// distinct, so code scanning tracks each finding across commits.
func checkSARIFFingerprints(t *testing.T, path string, want int) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(text, &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 || len(log.Runs[0].Results) != want {
		t.Fatalf("%s: want one run with %d results", path, want)
	}
	seen := map[string]bool{}
	for i, r := range log.Runs[0].Results {
		if len(r.PartialFingerprints) == 0 {
			t.Errorf("result %d has no partialFingerprints", i)
		}
		for k, v := range r.PartialFingerprints {
			if seen[k+v] {
				t.Errorf("result %d: fingerprint %s=%s repeats", i, k, v)
			}
			seen[k+v] = true
		}
	}
}

func TestGitHubWorkflowExample(t *testing.T) {
	var action actionFile
	readYAML(t, "action.yml", &action)
	var wf struct {
		Name        string            `json:"name"`
		On          map[string]any    `json:"on"`
		Permissions map[string]string `json:"permissions"`
		Jobs        map[string]struct {
			RunsOn string       `json:"runs-on"`
			Steps  []actionStep `json:"steps"`
		} `json:"jobs"`
	}
	readYAML(t, "examples/ci/github/hardline.yml", &wf)
	if _, ok := wf.On["pull_request"]; !ok {
		t.Error("the workflow should run on pull requests")
	}
	if wf.Permissions["security-events"] != "write" {
		t.Error("upload-sarif needs permissions: security-events: write")
	}
	job, ok := wf.Jobs["hardline"]
	if !ok || job.RunsOn == "" {
		t.Fatalf("no job hardline with runs-on: %+v", wf.Jobs)
	}
	var lint, upload *actionStep
	for i, s := range job.Steps {
		switch {
		case strings.HasSuffix(strings.Split(s.Uses, "@")[0], "/hardline") || s.Uses == "./":
			lint = &job.Steps[i]
		case strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@"):
			upload = &job.Steps[i]
		}
	}
	if lint == nil || upload == nil || !strings.HasPrefix(job.Steps[0].Uses, "actions/checkout@") {
		t.Fatalf("want checkout, the hardline action and upload-sarif: %+v", job.Steps)
	}
	for k := range lint.With {
		if _, ok := action.Inputs[k]; !ok {
			t.Errorf("the workflow passes %s, which action.yml does not declare", k)
		}
	}
	if lint.ID == "" || upload.With["sarif_file"] != "${{ steps."+lint.ID+".outputs.sarif-file }}" {
		t.Errorf("upload-sarif should read the hardline step's sarif-file output, has %q", upload.With["sarif_file"])
	}
	if !strings.Contains(upload.If, "always()") {
		t.Errorf("upload-sarif must run when the lint step failed on findings: if %q", upload.If)
	}
	// The inputs the example sets, run as the runner would run them.
	code, out, outputs := runActionStep(t, action, lint.With, testenv.CopyTree(t, "testdata/examples"))
	if code != cli.ExitFindings || outputs["sarif-file"] != lint.With["sarif-file"] {
		t.Errorf("exit %d, outputs %v:\n%s", code, outputs, out)
	}
}

type gitlabJob struct {
	Stage        string            `json:"stage"`
	Image        string            `json:"image"`
	Variables    map[string]string `json:"variables"`
	BeforeScript []string          `json:"before_script"`
	Script       []string          `json:"script"`
	Artifacts    struct {
		When    string `json:"when"`
		Reports struct {
			CodeQuality string `json:"codequality"`
		} `json:"reports"`
	} `json:"artifacts"`
}

// runJobCommand finds the script's hardline command and runs it in dir with
// the test's binary as hardline.
func runJobCommand(t *testing.T, script []string, dir string) (int, string) {
	t.Helper()
	var line string
	for _, l := range script {
		if strings.HasPrefix(l, "hardline ") {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("no hardline command in %q", script)
	}
	return runShell(t, "sh", line, dir, append(os.Environ(), "PATH="+filepath.Dir(hardlineBinary(t))+string(os.PathListSeparator)+os.Getenv("PATH")))
}

func TestGitLabExample(t *testing.T) {
	var jobs map[string]gitlabJob
	readYAML(t, "examples/ci/gitlab/.gitlab-ci.yml", &jobs)
	job, ok := jobs["hardline"]
	if !ok {
		t.Fatalf("no job hardline: %v", jobs)
	}
	report := job.Artifacts.Reports.CodeQuality
	if report == "" || job.Artifacts.When != "always" {
		t.Fatalf("artifacts: want when: always and reports: codequality, got %+v", job.Artifacts)
	}
	dir := testenv.CopyTree(t, "testdata/examples")
	code, out := runJobCommand(t, job.Script, dir)
	if code != cli.ExitFindings || !strings.Contains(out, "KS101") {
		t.Errorf("exit %d (want 1), log:\n%s", code, out)
	}
	text, err := os.ReadFile(filepath.Join(dir, report))
	if err != nil {
		t.Fatalf("the job's report: %v", err)
	}
	var issues []struct {
		Description string `json:"description"`
		CheckName   string `json:"check_name"`
		Fingerprint string `json:"fingerprint"`
		Severity    string `json:"severity"`
		Location    struct {
			Path      string `json:"path"`
			Positions struct {
				Begin struct{ Line int } `json:"begin"`
			} `json:"positions"`
		} `json:"location"`
	}
	if err := json.Unmarshal(text, &issues); err != nil {
		t.Fatal(err)
	}
	if len(issues) != strings.Count(out, "\n") {
		t.Errorf("%d issues in the report, %d findings in the log", len(issues), strings.Count(out, "\n"))
	}
	seen := map[string]bool{}
	for _, is := range issues {
		if is.Description == "" || is.CheckName == "" || is.Location.Path == "" || is.Location.Positions.Begin.Line < 1 {
			t.Errorf("incomplete issue %+v", is)
		}
		if !slices.Contains([]string{"info", "major", "critical"}, is.Severity) {
			t.Errorf("severity %q", is.Severity)
		}
		if seen[is.Fingerprint] {
			t.Errorf("fingerprint %s repeats: GitLab would show one issue", is.Fingerprint)
		}
		seen[is.Fingerprint] = true
	}
}

func TestPreCommitHooks(t *testing.T) {
	var hooks []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Description string `json:"description"`
		Entry       string `json:"entry"`
		Language    string `json:"language"`
		Files       string `json:"files"`
	}
	readYAML(t, ".pre-commit-hooks.yaml", &hooks)
	var config struct {
		Repos []struct {
			Repo  string `json:"repo"`
			Rev   string `json:"rev"`
			Hooks []struct {
				ID   string   `json:"id"`
				Args []string `json:"args"`
			} `json:"hooks"`
		} `json:"repos"`
	}
	readYAML(t, "examples/ci/pre-commit/.pre-commit-config.yaml", &config)
	if len(config.Repos) != 1 || config.Repos[0].Rev == "" {
		t.Fatalf("example config: want one repo with a rev: %+v", config)
	}
	args := map[string][]string{}
	for _, h := range config.Repos[0].Hooks {
		args[h.ID] = h.Args
	}

	staged := []string{"Dockerfile", "deployment.yaml", "hardened.yaml", "README.md", "main.go", "build/Dockerfile.prod", "ci/app.dockerfile", "Containerfile", "charts/x/values.yml", "notes/Dockerfiles.txt"}
	for _, h := range hooks {
		t.Run(h.ID, func(t *testing.T) {
			if h.Language != "golang" || h.Name == "" || h.Description == "" {
				t.Errorf("want language golang, a name and a description: %+v", h)
			}
			if _, ok := args[h.ID]; !ok {
				t.Errorf("the example config does not use hook %s", h.ID)
			}
			// pre-commit matches files with Python's re.search; this pattern
			// means the same in RE2.
			re := regexp.MustCompile(h.Files)
			var files []string
			for _, f := range staged {
				if re.MatchString(f) {
					files = append(files, f)
				}
			}
			want := []string{"Dockerfile", "deployment.yaml", "hardened.yaml", "build/Dockerfile.prod", "ci/app.dockerfile", "Containerfile", "charts/x/values.yml"}
			if !slices.Equal(files, want) {
				t.Errorf("files %q select %q, want %q", h.Files, files, want)
			}
			// What pre-commit runs: entry, the config's args, the staged files
			// (here: the examples that exist).
			dir := testenv.CopyTree(t, "testdata/examples")
			line := h.Entry + " " + strings.Join(args[h.ID], " ") + " Dockerfile deployment.yaml hardened.yaml"
			code, out := runJobCommand(t, []string{line}, dir)
			switch h.ID {
			case "hardline-lint":
				if code != cli.ExitFindings || !strings.Contains(out, "deployment.yaml:25:13: error KS101") {
					t.Errorf("%s: exit %d, output:\n%s", line, code, out)
				}
			case "hardline-fix":
				text, _ := os.ReadFile(filepath.Join(dir, "deployment.yaml"))
				if !strings.Contains(string(text), "allowPrivilegeEscalation: false") {
					t.Errorf("%s: deployment.yaml not fixed (exit %d):\n%s", line, code, text)
				}
			default:
				t.Errorf("unexpected hook %s", h.ID)
			}
		})
	}
}

// TestReadmeCISnippets: the README's "Use in CI" snippets are the tested
// examples, line for line (the examples may have more lines: comments).
func TestReadmeCISnippets(t *testing.T) {
	readme := string(mustRead(t, "README.md"))
	start := strings.Index(readme, "## Use in CI")
	if start < 0 {
		t.Fatal("README has no Use in CI section")
	}
	section := readme[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	var examples [][]string
	for _, p := range []string{"examples/ci/github/hardline.yml", "examples/ci/gitlab/.gitlab-ci.yml", "examples/ci/pre-commit/.pre-commit-config.yaml"} {
		examples = append(examples, strings.Split(string(mustRead(t, p)), "\n"))
	}
	// inOrder: every line of block is a line of file, in the same order,
	// ignoring a trailing comment the file adds.
	inOrder := func(block, file []string) bool {
		i := 0
		for _, l := range file {
			if i < len(block) && (l == block[i] || strings.HasPrefix(l, block[i]+" #")) {
				i++
			}
		}
		return i == len(block)
	}
	blocks := 0
	for rest := section; ; {
		i := strings.Index(rest, "```yaml\n")
		if i < 0 {
			break
		}
		rest = rest[i+len("```yaml\n"):]
		j := strings.Index(rest, "```")
		block := strings.Split(strings.TrimRight(rest[:j], "\n"), "\n")
		rest = rest[j+3:]
		blocks++
		found := false
		for _, ex := range examples {
			found = found || inOrder(block, ex)
		}
		if !found {
			t.Errorf("README snippet is not in any examples/ci file:\n%s", strings.Join(block, "\n"))
		}
	}
	if blocks != 3 {
		t.Errorf("%d yaml snippets in Use in CI, want 3 (GitHub, GitLab, pre-commit)", blocks)
	}
}
