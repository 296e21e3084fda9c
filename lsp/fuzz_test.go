package lsp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"hardline.dev/hardline/internal/testenv"
)

// Fuzz targets of the server: arbitrary bytes and arbitrary params never
// crash it or stop it answering. `go test` replays the seeds;
// scripts/fuzz.sh fuzzes.

// frame wraps a JSON-RPC message for the language server's stdin.
func frame(body string) string {
	return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)
}

// serveBytes runs a language server on input: every input ends, at the
// latest, with the end of stdin (a hang is go test's -timeout, or under
// scripts/fuzz.sh a slow input).
func serveBytes(t *testing.T, input []byte) string {
	defer testenv.SlowGuard(t, input)()
	var out bytes.Buffer
	srv := New(Options{Engine: engine, Version: "fuzz", Log: io.Discard})
	srv.Run(bytes.NewReader(input), &out)
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
		defer testenv.SlowGuard(t, params)()
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
			srv := New(Options{Engine: engine, Version: "fuzz", Log: io.Discard})
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
		for answered := false; !answered; {
			select {
			case <-done:
				mu.Lock()
				t.Fatalf("the server stopped before answering the hover after %s %s:\n%s", lspMethods[int(method)%len(lspMethods)], params, out.String())
			case <-time.After(time.Millisecond):
			}
			mu.Lock()
			answered = strings.Contains(out.String(), `"id":3,`)
			mu.Unlock()
		}
		send(`{"jsonrpc":"2.0","id":4,"method":"shutdown"}`, `{"jsonrpc":"2.0","method":"exit"}`)
		w.Close()
		<-done
	})
}
