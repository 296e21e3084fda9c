package lsp

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"hardline.dev/hardline/rules/policy"
)

// TestPolicies: policy findings appear as diagnostics; a policy edited into
// a broken state is reported on the .rego file (and its findings go away),
// and mending it brings them back: the server recompiles on
// didChangeWatchedFiles.
func TestPolicies(t *testing.T) {
	dir := t.TempDir()
	rego := filepath.Join(dir, "p.rego")
	good := "package main\n\ndeny contains \"pods are not allowed here\" if input.kind == \"Pod\"\n"
	if err := os.WriteFile(rego, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	clientR, serverW := io.Pipe()
	serverR, clientW := io.Pipe()
	srv := New(Options{Engine: engine, Version: "test", PolicyProblems: policy.Results})
	go func() {
		srv.Run(serverR, serverW)
		serverW.Close()
	}()
	c := newTestClient(t, clientW, clientR)
	c.initialize(map[string]any{"policies": []string{dir}})
	uri := "file:///nonexistent/policy/pod.yaml"
	c.open(uri, "yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: []\n")
	if got := codes(c.diagnosticsFor(uri)); !slices.Contains(got, "POL-main-deny") {
		t.Fatalf("no POL-main-deny among %v", got)
	}

	regoURI := pathURI(rego)
	latest := map[string][]lspDiagnostic{}
	// waitFor reads diagnostics as they come until ok holds for the latest
	// of each document.
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.After(liveness)
		for !ok() {
			select {
			case m := <-c.notes:
				if m.Method != "textDocument/publishDiagnostics" {
					continue
				}
				var p published
				if err := json.Unmarshal(m.Params, &p); err != nil {
					t.Fatal(err)
				}
				latest[p.URI] = p.Diagnostics
			case <-deadline:
				t.Fatalf("timed out waiting for %s; latest: %+v", what, latest)
			}
		}
	}

	broken := "package main\n\ndeny contains msg if {\n  msg := http.send({\"url\": \"http://127.0.0.1:9\"})\n}\n"
	if err := os.WriteFile(rego, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": regoURI, "type": 2}}})
	waitFor("HL005 on the policy file, no policy findings on the pod", func() bool {
		d := latest[regoURI]
		pod, seen := latest[uri]
		return len(d) == 1 && d[0].Code == "HL005" && d[0].Range.Start.Line == 3 &&
			strings.Contains(d[0].Message, "http.send") && seen && !slices.Contains(codes(pod), "POL-main-deny")
	})

	if err := os.WriteFile(rego, []byte(good+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": regoURI, "type": 2}}})
	waitFor("the policy file's diagnostics to clear and the finding to return", func() bool {
		d, cleared := latest[regoURI]
		return cleared && len(d) == 0 && slices.Contains(codes(latest[uri]), "POL-main-deny")
	})
}
