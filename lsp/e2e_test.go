package lsp

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"hardline.dev/hardline/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// binary is the hardline executable the end-to-end tests start, built
// once from this module by TestMain.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "hardline-lsp-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "hardline")
	build := exec.Command("go", "build", "-o", binary, "..")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building hardline:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// session is a running `hardline lsp` process and the client talking to it.
type session struct {
	*testClient
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

func start(t testing.TB, env ...string) *session {
	t.Helper()
	return startArgs(t, []string{"lsp"}, env...)
}

func startArgs(t testing.TB, args []string, env ...string) *session {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &session{testClient: newTestClient(t, stdin, stdout), cmd: cmd, stderr: &stderr}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(liveness):
			cmd.Process.Kill()
			t.Errorf("the server did not exit when its stdin closed")
		}
	})
	return s
}

func fileURI(t testing.TB, path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return pathURI(abs)
}

func readTestdata(t testing.TB, name string) string {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "lsp", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// golden compares got with testdata/lsp/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	testenv.Golden(t, filepath.Join("..", "testdata", "lsp", name), got, *update)
}

type codeAction struct {
	Title       string          `json:"title"`
	Kind        string          `json:"kind"`
	IsPreferred bool            `json:"isPreferred"`
	Edit        json.RawMessage `json:"edit"`
	Data        json.RawMessage `json:"data"`
	Diagnostics []lspDiagnostic `json:"diagnostics"`
	Disabled    *struct {
		Reason string `json:"reason"`
	} `json:"disabled"`
}

func (c *testClient) codeActions(uri string, d lspDiagnostic, only ...string) []codeAction {
	ctx := map[string]any{"diagnostics": []lspDiagnostic{d}}
	if len(only) > 0 {
		ctx["only"] = only
	}
	var actions []codeAction
	c.request("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": uri}, "range": d.Range, "context": ctx,
	}, &actions)
	return actions
}

func find(t *testing.T, ds []lspDiagnostic, code string) lspDiagnostic {
	t.Helper()
	return findWith(t, ds, code, "")
}

// findWith finds the first diagnostic of code whose message has text.
func findWith(t *testing.T, ds []lspDiagnostic, code, text string) lspDiagnostic {
	t.Helper()
	for _, d := range ds {
		if d.Code == code && strings.Contains(d.Message, text) {
			return d
		}
	}
	t.Fatalf("no %s %q among %v", code, text, codes(ds))
	return lspDiagnostic{}
}

func count(ds []lspDiagnostic, code string) int {
	n := 0
	for _, d := range ds {
		if d.Code == code {
			n++
		}
	}
	return n
}

func TestInitializeAdvertisesWhatIsImplemented(t *testing.T) {
	s := start(t)
	res := s.initialize(nil)
	caps, _ := json.MarshalIndent(res["capabilities"], "", "  ")
	golden(t, "capabilities.json", string(caps)+"\n")
	var info struct{ Name string }
	raw, _ := json.Marshal(res["serverInfo"])
	_ = json.Unmarshal(raw, &info)
	if info.Name != "hardline" {
		t.Errorf("serverInfo = %s", raw)
	}
}

func TestManifestDiagnosticsAndQuickFix(t *testing.T) {
	s := start(t)
	s.initialize(nil)
	uri := fileURI(t, "../testdata/lsp/deployment.yaml")
	s.open(uri, "yaml", readTestdata(t, "deployment.yaml"))
	diags := s.diagnosticsFor(uri)
	golden(t, "deployment.diagnostics", summary(diags))
	for _, d := range diags {
		if d.Source != "hardline" || !strings.HasSuffix(d.CodeDescription.Href, "/"+d.Code) || len(d.Data) == 0 {
			t.Errorf("diagnostic lacks source, href or data: %+v", d)
		}
	}

	// The first container is privileged: allowPrivilegeEscalation: false
	// would make the API server reject the pod, so its KS201 actions say
	// why there is no fix (disabled) rather than offer one.
	actions := s.codeActions(uri, findWith(t, diags, "KS201", `"api"`))
	var titles []string
	for _, a := range actions {
		line := fmt.Sprintf("%s: %s (preferred: %v)", a.Kind, a.Title, a.IsPreferred)
		if a.Disabled != nil {
			line += " disabled"
			if len(a.Edit) > 0 && string(a.Edit) != "null" {
				t.Errorf("a disabled action with an edit: %s", a.Edit)
			}
		}
		titles = append(titles, line)
	}
	golden(t, "deployment.actions", strings.Join(titles, "\n")+"\n")
	// One resources snippet settles KS401, KS402 and KS403: one action
	// for the three.
	for _, a := range actions {
		if strings.HasPrefix(a.Title, "Add resource requests and limits") && len(a.Diagnostics) != 3 {
			t.Errorf("the resources action carries %d diagnostics, want 3", len(a.Diagnostics))
		}
	}

	// The sidecar's quick fix, applied as an editor would.
	var fix *codeAction
	for _, a := range s.codeActions(uri, findWith(t, diags, "KS201", `"sidecar"`)) {
		if a.Kind == "quickfix" && a.IsPreferred && strings.Contains(a.Title, "allowPrivilegeEscalation") && fix == nil {
			fix = &a
		}
	}
	if fix == nil {
		t.Fatal("no preferred quick fix for the sidecar's KS201")
	}
	s.applyWorkspaceEdit(fix.Edit)
	after := s.diagnosticsFor(uri)
	if count(after, "KS201") != 1 || len(after) != len(diags)-1 {
		t.Errorf("after the fix, want one KS201 less and nothing else changed:\n%s", summary(after))
	}
	if !strings.Contains(s.text(uri), "allowPrivilegeEscalation: false") {
		t.Errorf("unexpected text after the fix:\n%s", s.text(uri))
	}

	// "Ignore on this line" makes the next finding go away too.
	var ignore *codeAction
	for _, a := range s.codeActions(uri, find(t, after, "KS108")) {
		if strings.HasPrefix(a.Title, "Ignore KS108") {
			ignore = &a
		}
	}
	if ignore == nil {
		t.Fatal("no ignore action for KS108")
	}
	s.applyWorkspaceEdit(ignore.Edit)
	if n := count(s.diagnosticsFor(uri), "KS108"); n != 0 {
		t.Errorf("KS108 still reported after the ignore comment")
	}
	if !strings.Contains(s.text(uri), "# hardline:ignore KS108") {
		t.Errorf("no suppression comment in:\n%s", s.text(uri))
	}

	// Fix all (safe fixes only), then with unsafe ones.
	actions = s.codeActions(uri, find(t, after, "KS201"), "source.fixAll")
	if len(actions) != 1 || actions[0].Kind != "source.fixAll.hardline" {
		t.Fatalf("source.fixAll gave %+v", actions)
	}
	actions = s.codeActions(uri, find(t, after, "KS201"), "source.hardline.fixAllUnsafe")
	if len(actions) != 1 {
		t.Fatalf("unsafe fix-all: %+v", actions)
	}
	s.applyWorkspaceEdit(actions[0].Edit)
	left := s.diagnosticsFor(uri)
	for _, code := range []string{"KS202", "KS203", "KS205", "HL007"} {
		if count(left, code) != 0 {
			t.Errorf("%s left after fix-all:\n%s", code, summary(left))
		}
	}
	// The privileged container's KS201 stays: no fix can be valid.
	if count(left, "KS201") != 1 || !strings.Contains(findWith(t, left, "KS201", "").Message, `"api"`) {
		t.Errorf("after fix-all, want only the privileged container's KS201:\n%s", summary(left))
	}
}

func TestDockerfileDiagnosticsAndQuickFix(t *testing.T) {
	s := start(t)
	s.initialize(nil)
	uri := fileURI(t, "../testdata/lsp/Dockerfile")
	s.open(uri, "dockerfile", readTestdata(t, "Dockerfile"))
	diags := s.diagnosticsFor(uri)
	golden(t, "Dockerfile.diagnostics", summary(diags))
	var fix *codeAction
	for _, a := range s.codeActions(uri, find(t, diags, "DF101"), "quickfix") {
		if strings.Contains(a.Title, "USER") {
			fix = &a
			break
		}
	}
	if fix == nil {
		t.Fatal("no USER fix for DF101")
	}
	var lenses []struct {
		Range   lspRange               `json:"range"`
		Command struct{ Title string } `json:"command"`
	}
	s.request("textDocument/codeLens", map[string]any{"textDocument": map[string]any{"uri": uri}}, &lenses)
	if len(lenses) != 1 || lenses[0].Range.Start != (lspPos{6, 0}) || lenses[0].Command.Title != "hardline: 1 issue · Fix all" {
		t.Errorf("Dockerfile lenses = %+v", lenses)
	}
	s.applyWorkspaceEdit(fix.Edit)
	if n := count(s.diagnosticsFor(uri), "DF101"); n != 0 {
		t.Errorf("DF101 still reported after the fix:\n%s", s.text(uri))
	}
}

func TestCodeLensFixAllRoundTrip(t *testing.T) {
	s := start(t)
	s.initialize(nil)
	uri := fileURI(t, "../testdata/lsp/deployment.yaml")
	s.open(uri, "yaml", readTestdata(t, "deployment.yaml"))
	diags := s.diagnosticsFor(uri)
	var lenses []struct {
		Range   lspRange `json:"range"`
		Command struct {
			Title     string `json:"title"`
			Command   string `json:"command"`
			Arguments []any  `json:"arguments"`
		} `json:"command"`
	}
	s.request("textDocument/codeLens", map[string]any{"textDocument": map[string]any{"uri": uri}}, &lenses)
	var got []string
	for _, l := range lenses {
		got = append(got, fmt.Sprintf("%d:%d %s", l.Range.Start.Line, l.Range.Start.Character, l.Command.Title))
	}
	want := []string{"13:10 hardline: 10 issues · Fix all", "16:10 hardline: 8 issues · Fix all"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("lenses (-want +got):\n%s", diff)
	}
	// The sidecar's lens: executing it makes the server send applyEdit.
	cmd := lenses[1].Command
	s.request("workspace/executeCommand", map[string]any{"command": cmd.Command, "arguments": cmd.Arguments}, nil)
	s.mu.Lock()
	n := len(s.applied)
	s.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d workspace/applyEdit requests, want 1", n)
	}
	// Its findings are gone (pod-level fixes may settle some of the other
	// container's too), except the resource ones, whose fixes are manual
	// snippets that fix-all never applies; the other container's own
	// settings are untouched.
	after := s.diagnosticsFor(uri)
	for _, d := range after {
		manual := d.Code >= "KS401" && d.Code <= "KS404"
		if strings.Contains(d.Message, `"sidecar"`) && !manual {
			t.Errorf("sidecar finding left after its lens' fix-all: %s", summary([]lspDiagnostic{d}))
		}
	}
	for code, fixed := range map[string]int{"KS101": 0, "KS108": 0, "KS201": 1, "KS202": 1} {
		if count(after, code) != count(diags, code)-fixed {
			t.Errorf("%s: %d before, %d after the sidecar's fix-all", code, count(diags, code), count(after, code))
		}
	}
	// A lens from an older version is refused rather than misapplied.
	m := s.call("workspace/executeCommand", map[string]any{"command": cmd.Command, "arguments": cmd.Arguments})
	if m.Error == nil {
		t.Error("a stale lens command was accepted")
	}
}

func TestHover(t *testing.T) {
	s := start(t)
	s.initialize(nil)
	uri := fileURI(t, "../testdata/lsp/deployment.yaml")
	s.open(uri, "yaml", readTestdata(t, "deployment.yaml"))
	d := find(t, s.diagnosticsFor(uri), "KS101")
	var hover struct {
		Contents struct{ Kind, Value string } `json:"contents"`
		Range    lspRange                     `json:"range"`
	}
	s.request("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": d.Range.Start}, &hover)
	if hover.Contents.Kind != "markdown" || !strings.Contains(hover.Contents.Value, "KS101") ||
		!strings.Contains(hover.Contents.Value, "privileged") || hover.Range != d.Range {
		t.Errorf("hover = %+v", hover)
	}
	// Off any finding there is nothing to say.
	m := s.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": lspPos{0, 0}})
	if m.Error != nil || string(m.Result) != "null" {
		t.Errorf("hover on a comment = %s %v", m.Result, m.Error)
	}
}

func TestConfiguration(t *testing.T) {
	s := start(t)
	s.initialize(map[string]any{"rules": map[string]any{"KS108": "off"}})
	uri := fileURI(t, "../testdata/lsp/deployment.yaml")
	s.open(uri, "yaml", readTestdata(t, "deployment.yaml"))
	diags := s.diagnosticsFor(uri)
	if count(diags, "KS108") != 0 || count(diags, "KS101") != 1 {
		t.Fatalf("initializationOptions not applied:\n%s", summary(diags))
	}
	// Settings pushed with the notification.
	s.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{
		"hardline": map[string]any{"rules": map[string]any{"KS101": "off"}}}})
	p, ok := s.nextDiagnostics(uri, liveness)
	if !ok || count(p.Diagnostics, "KS101") != 0 || count(p.Diagnostics, "KS108") != 1 {
		t.Fatalf("didChangeConfiguration not applied: %+v", p)
	}
	// Settings pulled with workspace/configuration.
	s.mu.Lock()
	s.settings = map[string]any{"profile": "baseline"}
	s.mu.Unlock()
	s.notify("workspace/didChangeConfiguration", map[string]any{"settings": nil})
	p, ok = s.nextDiagnostics(uri, liveness)
	if !ok || count(p.Diagnostics, "KS201") != 0 || count(p.Diagnostics, "KS101") != 1 {
		t.Fatalf("pulled configuration not applied: %+v", p)
	}
	// Invalid settings are refused with a message; the old ones stay.
	s.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"profile": "strictest"}})
	m := s.waitFor(t, "window/showMessage")
	if !strings.Contains(string(m.Params), "strictest") {
		t.Errorf("showMessage = %s", m.Params)
	}
}

// waitFor waits for the next notification of a method.
func (c *testClient) waitFor(t *testing.T, method string) *message {
	t.Helper()
	deadline := time.After(liveness)
	for {
		select {
		case m := <-c.notes:
			if m != nil && m.Method == method {
				return m
			}
		case <-deadline:
			t.Fatalf("no %s", method)
		}
	}
}

func TestConfigFileChanges(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(manifest, []byte(readTestdata(t, "deployment.yaml")), 0o644); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, ".hardline.yaml")
	if err := os.WriteFile(config, []byte("rules:\n  KS101: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := start(t)
	s.initialize(nil)
	uri := fileURI(t, manifest)
	s.open(uri, "yaml", readTestdata(t, "deployment.yaml"))
	if count(s.diagnosticsFor(uri), "KS101") != 0 {
		t.Fatal(".hardline.yaml not applied")
	}
	// Saving the config in the editor is enough, without a file watcher.
	if err := os.WriteFile(config, []byte("rules:\n  KS101: off\n  KS201: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": fileURI(t, config)}})
	if p, ok := s.nextDiagnostics(uri, liveness); !ok || count(p.Diagnostics, "KS201") != 0 {
		t.Fatalf("saved config not applied: %+v", p)
	}
	// An edit on disk, announced by the client's file watcher.
	if err := os.WriteFile(config, []byte("rules:\n  KS108: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": fileURI(t, config), "type": 2}}})
	p, ok := s.nextDiagnostics(uri, liveness)
	if !ok || count(p.Diagnostics, "KS101") != 1 || count(p.Diagnostics, "KS108") != 0 {
		t.Fatalf("config change not applied: %+v", p)
	}
	// A broken config is reported on the config file, at the bad key.
	if err := os.WriteFile(config, []byte("rules:\n  KS999: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": fileURI(t, config), "type": 2}}})
	cp, ok := s.nextDiagnostics(fileURI(t, config), liveness)
	if !ok || len(cp.Diagnostics) != 1 || cp.Diagnostics[0].Range.Start != (lspPos{1, 2}) {
		t.Fatalf("config error diagnostics: %+v", cp)
	}
	// The open config file is checked as it is typed.
	s.open(fileURI(t, config), "yaml", "profile: strictest\n")
	cp, ok = s.nextDiagnostics(fileURI(t, config), liveness)
	if !ok || len(cp.Diagnostics) != 1 || !strings.Contains(cp.Diagnostics[0].Message, "strictest") {
		t.Fatalf("open config diagnostics: %+v", cp)
	}
}

// TestBurstOfChangesPublishesLastVersion types 50 characters, one per
// didChange. How many versions the debounce lets through depends on how
// busy the machine is; what must hold does not: publishes go forward, the
// last one is of the last version, and no version is analyzed twice.
func TestBurstOfChangesPublishesLastVersion(t *testing.T) {
	s := start(t)
	s.initialize(nil)
	s.notify("$/setTrace", map[string]any{"value": "messages"})
	uri := fileURI(t, "../testdata/lsp/deployment.yaml")
	s.open(uri, "yaml", readTestdata(t, "deployment.yaml"))
	s.diagnosticsFor(uri)
	for i := 0; i < 50; i++ {
		s.edit(uri, []lspEdit{{Range: lspRange{lspPos{0, 2 + i}, lspPos{0, 2 + i}}, NewText: "x"}})
	}
	var versions []int32
	analyzed := map[string]int{}
	for len(versions) == 0 || versions[len(versions)-1] != 51 {
		var m *message
		select {
		case m = <-s.notes:
		case <-time.After(liveness):
			t.Fatalf("no publish of version 51; published %v", versions)
		}
		switch m.Method {
		case "textDocument/publishDiagnostics":
			var p published
			if err := json.Unmarshal(m.Params, &p); err != nil || p.URI != uri || p.Version == nil {
				continue
			}
			if n := len(versions); n > 0 && *p.Version <= versions[n-1] {
				t.Errorf("version %d published after %d", *p.Version, versions[n-1])
			}
			versions = append(versions, *p.Version)
		case "$/logTrace":
			var p struct{ Message string }
			_ = json.Unmarshal(m.Params, &p)
			if v := analyzedVersion.FindStringSubmatch(p.Message); v != nil {
				analyzed[v[1]]++
			}
		}
	}
	for v, n := range analyzed {
		if n > 1 {
			t.Errorf("version %s analyzed %d times", v, n)
		}
	}
	t.Logf("published versions %v", versions)
	if !strings.HasPrefix(s.text(uri), "# "+strings.Repeat("x", 50)+"Opened") {
		t.Errorf("client text drifted: %q", s.text(uri)[:60])
	}
}

func TestOtherYAMLCostsNothing(t *testing.T) {
	s := start(t)
	s.initialize(nil)
	uri := fileURI(t, "../testdata/lsp/compose.yaml")
	s.open(uri, "yaml", readTestdata(t, "compose.yaml"))
	if p, ok := s.nextDiagnostics(uri, 500*time.Millisecond); ok {
		t.Errorf("diagnostics for a compose file: %+v", p)
	}
	// Typing a manifest into it makes it one.
	s.edit(uri, []lspEdit{{Range: lspRange{lspPos{0, 0}, lspPos{0, 0}}, NewText: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: x:1, securityContext: {privileged: true}}\n---\n"}})
	if count(s.diagnosticsFor(uri), "KS101") != 1 {
		t.Error("no KS101 once the file holds a Pod")
	}
}

func TestRobustness(t *testing.T) {
	s := start(t, "HARDLINE_LSP_PANIC_ON=textDocument/hover")
	// Before initialize, requests are refused.
	if m := s.call("textDocument/hover", map[string]any{}); m.Error == nil || m.Error.Code != codeServerNotInitialized {
		t.Errorf("request before initialize: %+v", m.Error)
	}
	s.initialize(nil)
	uri := fileURI(t, "../testdata/lsp/deployment.yaml")
	s.open(uri, "yaml", readTestdata(t, "deployment.yaml"))
	diags := s.diagnosticsFor(uri)

	// A panicking handler answers an error, and the server goes on.
	m := s.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": lspPos{15, 60}})
	if m.Error == nil || m.Error.Code != codeInternalError {
		t.Errorf("panicking hover: %+v", m)
	}
	if len(s.codeActions(uri, find(t, diags, "KS101"))) == 0 {
		t.Error("no code actions after a panic")
	}
	if m := s.waitFor(t, "window/logMessage"); !strings.Contains(string(m.Params), "panic in textDocument/hover") {
		t.Errorf("logged to the client: %s", m.Params)
	}

	if m := s.call("textDocument/unknownThing", map[string]any{}); m.Error == nil || m.Error.Code != codeMethodNotFound {
		t.Errorf("unknown method: %+v", m.Error)
	}
	if m := s.call("textDocument/codeAction", "not params"); m.Error == nil || m.Error.Code != codeInvalidParams {
		t.Errorf("invalid params: %+v", m.Error)
	}
	if m := s.sendUnreadable(t, []byte(`{"jsonrpc": "2.0", "id": 99, "method": `)); m.Error == nil || m.Error.Code != codeParseError {
		t.Errorf("broken JSON: %+v", m)
	}
	// Changes to unknown documents, stale versions, ranges past the end.
	s.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": "file:///nowhere.yaml", "version": 3},
		"contentChanges": []any{map[string]any{"text": "x"}}})
	s.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 1},
		"contentChanges": []any{map[string]any{"range": lspRange{lspPos{900, 5}, lspPos{901, 0}}, "text": "# end\n"}}})
	s.notify("$/cancelRequest", map[string]any{"id": 12345})
	p, ok := s.nextDiagnostics(uri, liveness)
	if !ok || len(p.Diagnostics) != len(diags) {
		t.Fatalf("after hostile changes: %+v", p)
	}
	s.request("shutdown", nil, nil)
	s.notify("exit", nil)
	if err := s.cmd.Wait(); err != nil {
		t.Errorf("exit after shutdown: %v (stderr: %s)", err, s.stderr)
	}
	if !strings.Contains(s.stderr.String(), "panic in textDocument/hover") {
		t.Errorf("the panic is not in the log: %s", s.stderr)
	}
}

// sendUnreadable sends a body the server cannot read and returns its
// error response, whose id is null (the reader files it under 0). The
// wait is registered before sending, so a fast answer is not missed.
func (c *testClient) sendUnreadable(t *testing.T, body []byte) *message {
	ch := make(chan *message, 1)
	c.mu.Lock()
	c.waiting[0] = ch
	c.mu.Unlock()
	c.sendRaw(body)
	select {
	case m := <-ch:
		return m
	case <-time.After(liveness):
		t.Fatal("no response to an unreadable message")
		return nil
	}
}

func TestAnalysisPanicKeepsServing(t *testing.T) {
	s := start(t, "HARDLINE_LSP_PANIC_ON=analysis")
	s.initialize(nil)
	uri := fileURI(t, "../testdata/lsp/deployment.yaml")
	s.open(uri, "yaml", readTestdata(t, "deployment.yaml"))
	s.waitFor(t, "window/logMessage")
	// Requests still work: they analyze on demand.
	var lenses []any
	s.request("textDocument/codeLens", map[string]any{"textDocument": map[string]any{"uri": uri}}, &lenses)
	if len(lenses) != 2 {
		t.Errorf("%d lenses after an analysis panic", len(lenses))
	}
}

// TestConfigFlag: `hardline lsp --config FILE` uses that file for every
// document, whatever .hardline.yaml sits beside it.
func TestConfigFlag(t *testing.T) {
	config := filepath.Join(t.TempDir(), "ci.yaml")
	if err := os.WriteFile(config, []byte("profile: baseline\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startArgs(t, []string{"lsp", "--config", config})
	s.initialize(nil)
	uri := fileURI(t, "../testdata/lsp/deployment.yaml")
	s.open(uri, "yaml", readTestdata(t, "deployment.yaml"))
	diags := s.diagnosticsFor(uri)
	if count(diags, "KS201") != 0 || count(diags, "KS101") != 1 {
		t.Errorf("--config not applied:\n%s", summary(diags))
	}
}

// TestTrace: with trace on, each analysis is reported in $/logTrace.
func TestTrace(t *testing.T) {
	s := start(t)
	s.initialize(nil)
	s.notify("$/setTrace", map[string]any{"value": "messages"})
	uri := fileURI(t, "../testdata/lsp/Dockerfile")
	s.open(uri, "dockerfile", readTestdata(t, "Dockerfile"))
	if d := s.serverTime(uri, 1); d <= 0 {
		t.Errorf("trace reported %v", d)
	}
}
