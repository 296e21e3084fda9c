package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/lsp"
	"hardline.dev/hardline/rules"
)

// Fuzz targets: hostile input must never crash, hang or produce a broken
// file. `go test` runs their seeds (testdata/rules, a slice of the shared
// corpus, and the crashers found before, in testdata/fuzz/); .ci/run runs
// each with -fuzz for a short while.

var fuzzEngine = analyzer.NewEngine(rules.All())

func fuzzConfig() *analyzer.Config {
	cfg := analyzer.DefaultConfig()
	cfg.Profile = analyzer.All
	return &cfg
}

// seeds adds the files under testdata/rules and the first files of each
// corpus folder whose names satisfy want.
func seeds(f *testing.F, want func(name string) bool) {
	add := func(root string, limit int) {
		n := 0
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !want(d.Name()) || n >= limit {
				return nil
			}
			if b, err := os.ReadFile(path); err == nil && len(b) < 64<<10 {
				f.Add(b)
				n++
			}
			return nil
		})
	}
	add(filepath.Join("testdata", "rules"), 1000)
	add(filepath.Join("..", "shared", "corpus", "k8s"), 40)
	add(filepath.Join("..", "shared", "corpus", "dockerfiles"), 40)
}

func isYAML(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".json")
}

func isDockerfile(name string) bool { return analyzer.LanguageOf(name) == analyzer.Dockerfile }

// slowGuard fails an input that takes seconds: inputs are small, so that
// is super-linear work an attacker can scale up (the fuzzer keeps it as a
// crasher). Use: defer slowGuard(t, input)().
func slowGuard(t *testing.T, input []byte) func() {
	start := time.Now()
	return func() {
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%d-byte input took %v:\n%q", len(input), d, input)
		}
	}
}

// checkFindings: every finding lies in the text, with a range to match.
func checkFindings(t *testing.T, text []byte, findings []analyzer.Finding) {
	for _, f := range findings {
		if f.Start < 0 || f.End < f.Start || f.End > len(text) {
			t.Fatalf("%s: span [%d,%d) outside a %d-byte text", f.Rule.Code, f.Start, f.End, len(text))
		}
		if f.Range.Start.Line < 1 || f.Range.Start.Column < 1 {
			t.Fatalf("%s: range %+v", f.Rule.Code, f.Range)
		}
	}
}

func FuzzKubernetes(f *testing.F) {
	seeds(f, isYAML)
	f.Fuzz(func(t *testing.T, text []byte) {
		defer slowGuard(t, text)()
		doc := analyzer.Parse("fuzz.yaml", text, analyzer.ParseOptions{Language: analyzer.Kubernetes})
		checkFindings(t, text, fuzzEngine.Run(doc, fuzzConfig()))
	})
}

func FuzzDockerfile(f *testing.F) {
	seeds(f, isDockerfile)
	f.Fuzz(func(t *testing.T, text []byte) {
		defer slowGuard(t, text)()
		doc := analyzer.Parse("Dockerfile", text, analyzer.ParseOptions{})
		checkFindings(t, text, fuzzEngine.Run(doc, fuzzConfig()))
	})
}

// FuzzFix: fixing every finding (safe and unsafe) never adds a syntax
// error, and fixing the result again changes nothing.
func FuzzFix(f *testing.F) {
	seeds(f, func(name string) bool { return isYAML(name) || isDockerfile(name) })
	f.Fuzz(func(t *testing.T, text []byte) {
		name := "fuzz.yaml"
		if bytes.HasPrefix(bytes.TrimSpace(bytes.ToUpper(text)), []byte("FROM")) {
			name = "Dockerfile"
		}
		cfg := fuzzConfig()
		all := func(_ *analyzer.Finding, fx fixes.Fix) bool { return fx.Safety != fixes.Manual }
		opts := analyzer.ParseOptions{}
		defer slowGuard(t, text)()
		fixed, applied := fuzzEngine.FixText(name, text, opts, cfg, all)
		if len(applied) == 0 {
			return
		}
		syntax := func(b []byte) int {
			n := 0
			for _, p := range analyzer.Parse(name, b, opts).Problems {
				if p.Kind == analyzer.SyntaxProblem {
					n++
				}
			}
			return n
		}
		if syntax(fixed) > syntax(text) {
			t.Fatalf("fixing added a syntax error:\n%s\n--- fixed:\n%s", text, fixed)
		}
		if again, more := fuzzEngine.FixText(name, fixed, opts, cfg, all); !bytes.Equal(again, fixed) {
			t.Fatalf("fixing twice changed the text again (%d more fixes: %+v):\n%s\n--- once:\n%s\n--- twice:\n%s", len(more), more, text, fixed, again)
		}
	})
}

// frame wraps a JSON-RPC message for the language server's stdin.
func frame(body string) string {
	return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)
}

// serveBytes runs a language server on input and fails if it does not
// finish: every input ends, at the latest, with the end of stdin.
func serveBytes(t *testing.T, input []byte) string {
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv := lsp.New(lsp.Options{Engine: fuzzEngine, Version: "fuzz", Log: io.Discard})
		srv.Run(bytes.NewReader(input), &out)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("the server did not finish on %q", input)
	}
	return out.String()
}

// FuzzLSPStdin: arbitrary bytes on the language server's stdin.
func FuzzLSPStdin(f *testing.F) {
	f.Add([]byte(frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`)))
	f.Add([]byte("Content-Length: 5\r\n\r\n{}{}{"))
	f.Add([]byte("Content-Length: -1\r\n\r\n"))
	f.Add([]byte("Content-Length: 99999999999999999999\r\n\r\n"))
	f.Fuzz(func(t *testing.T, input []byte) {
		serveBytes(t, input)
	})
}

var lspMethods = []string{
	"initialize", "textDocument/didOpen", "textDocument/didChange", "textDocument/codeAction", "codeAction/resolve",
	"textDocument/codeLens", "workspace/executeCommand", "textDocument/hover", "workspace/didChangeConfiguration",
	"workspace/didChangeWatchedFiles", "textDocument/didClose", "textDocument/didSave", "$/cancelRequest", "$/setTrace",
}

// FuzzLSPParams: well-framed requests with arbitrary params, in a session
// with an open document; the server must still answer a hover after them.
func FuzzLSPParams(f *testing.F) {
	f.Add(uint8(3), []byte(`{"textDocument":{"uri":"file:///w/pod.yaml"},"range":{"start":{"line":0,"character":0},"end":{"line":99,"character":0}},"context":{"diagnostics":[]}}`))
	f.Add(uint8(2), []byte(`{"textDocument":{"uri":"file:///w/pod.yaml","version":2},"contentChanges":[{"range":{"start":{"line":5,"character":0},"end":{"line":2,"character":0}},"text":"x"}]}`))
	f.Add(uint8(6), []byte(`{"command":"hardline.fixScope","arguments":[{"uri":"file:///w/pod.yaml","version":1,"offset":-5}]}`))
	f.Add(uint8(8), []byte(`{"settings":{"hardline":{"rules":{"KS101":"loud"}}}}`))
	f.Fuzz(func(t *testing.T, method uint8, params []byte) {
		if !json.Valid(params) {
			params = []byte(fmt.Sprintf("%q", params))
		}
		pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    securityContext: {privileged: true}\n"
		open, _ := json.Marshal(map[string]any{"textDocument": map[string]any{"uri": "file:///w/pod.yaml", "languageId": "yaml", "version": 1, "text": pod}})
		in, w := io.Pipe()
		var mu sync.Mutex
		var out bytes.Buffer
		r, sw := io.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			srv := lsp.New(lsp.Options{Engine: fuzzEngine, Version: "fuzz", Log: io.Discard})
			srv.Run(in, sw)
			sw.Close()
		}()
		go func() {
			buf := make([]byte, 4096)
			for {
				n, err := r.Read(buf)
				mu.Lock()
				out.Write(buf[:n])
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
		send := func(msgs ...string) {
			for _, m := range msgs {
				if _, err := io.WriteString(w, frame(m)); err != nil {
					return // the server has stopped reading: the checks below say so
				}
			}
		}
		go send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`,
			`{"jsonrpc":"2.0","method":"initialized","params":{}}`,
			`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":`+string(open)+`}`,
			`{"jsonrpc":"2.0","id":2,"method":"`+lspMethods[int(method)%len(lspMethods)]+`","params":`+string(params)+`}`,
			`{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///w/pod.yaml"},"position":{"line":7,"character":25}}}`)
		deadline := time.Now().Add(20 * time.Second)
		for {
			mu.Lock()
			text := out.String()
			mu.Unlock()
			if strings.Contains(text, `"id":3,`) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no answer to the hover after %s %s:\n%s", lspMethods[int(method)%len(lspMethods)], params, text)
			}
			time.Sleep(time.Millisecond)
		}
		send(`{"jsonrpc":"2.0","id":4,"method":"shutdown"}`, `{"jsonrpc":"2.0","method":"exit"}`)
		w.Close()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("the server did not stop")
		}
	})
}
