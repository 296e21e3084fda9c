package lsp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// testClient plays the editor: it speaks JSON-RPC to a server over any
// pair of streams (the real binary's stdio, or pipes to an in-process
// server), keeps its own copy of each document, and applies the edits the
// server asks for, as an editor would.
type testClient struct {
	t   testing.TB
	w   io.WriteCloser
	wmu sync.Mutex

	mu        sync.Mutex
	nextID    int
	waiting   map[int]chan *message
	notes     chan *message
	texts     map[string]string
	versions  map[string]int32
	applied   []json.RawMessage // workspace/applyEdit params received
	settings  any               // the answer to workspace/configuration
	traces    []string          // $/logTrace messages, in order
	readerErr chan error
}

func newTestClient(t testing.TB, w io.WriteCloser, r io.Reader) *testClient {
	c := &testClient{
		t: t, w: w,
		waiting:   map[int]chan *message{},
		notes:     make(chan *message, 10000),
		texts:     map[string]string{},
		versions:  map[string]int32{},
		readerErr: make(chan error, 1),
	}
	go c.readLoop(bufio.NewReader(r))
	return c
}

func (c *testClient) readLoop(r *bufio.Reader) {
	for {
		header, err := textproto.NewReader(r).ReadMIMEHeader()
		if err != nil {
			c.readerErr <- err
			close(c.notes)
			return
		}
		n, _ := strconv.Atoi(header.Get("Content-Length"))
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			c.readerErr <- err
			close(c.notes)
			return
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			c.t.Errorf("server sent invalid JSON: %v: %s", err, body)
			continue
		}
		switch {
		case m.Method != "" && len(m.ID) > 0:
			c.serve(&m)
		case m.Method != "":
			if m.Method == "$/logTrace" {
				var p struct{ Message string }
				_ = json.Unmarshal(m.Params, &p)
				c.mu.Lock()
				c.traces = append(c.traces, p.Message)
				c.mu.Unlock()
			}
			c.notes <- &m
		default:
			var id int
			_ = json.Unmarshal(m.ID, &id)
			c.mu.Lock()
			ch := c.waiting[id]
			delete(c.waiting, id)
			c.mu.Unlock()
			if ch != nil {
				ch <- &m
			}
		}
	}
}

// serve answers the server's requests the way an editor does.
func (c *testClient) serve(m *message) {
	var result any
	switch m.Method {
	case "workspace/applyEdit":
		var p struct {
			Edit json.RawMessage `json:"edit"`
		}
		_ = json.Unmarshal(m.Params, &p)
		c.mu.Lock()
		c.applied = append(c.applied, m.Params)
		c.mu.Unlock()
		c.applyWorkspaceEdit(p.Edit)
		result = map[string]any{"applied": true}
	case "workspace/configuration":
		c.mu.Lock()
		result = []any{c.settings}
		c.mu.Unlock()
	}
	c.send(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": result})
}

func (c *testClient) send(v any) {
	body, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(body)
}

func (c *testClient) sendRaw(body []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body)
}

func (c *testClient) notify(method string, params any) {
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// call sends a request and returns its response message.
func (c *testClient) call(method string, params any) *message {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	ch := make(chan *message, 1)
	c.waiting[id] = ch
	c.mu.Unlock()
	c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	select {
	case m := <-ch:
		return m
	case <-time.After(liveness):
		c.t.Fatalf("no response to %s", method)
		return nil
	}
}

// request calls and decodes the result, failing on an error response.
func (c *testClient) request(method string, params, result any) {
	m := c.call(method, params)
	if m.Error != nil {
		c.t.Fatalf("%s: %v", method, m.Error)
	}
	if result != nil {
		if err := json.Unmarshal(m.Result, result); err != nil {
			c.t.Fatalf("%s: decoding %s: %v", method, m.Result, err)
		}
	}
}

var clientCapabilities = map[string]any{
	"workspace": map[string]any{
		"applyEdit":     true,
		"workspaceEdit": map[string]any{"documentChanges": true},
		"configuration": true,
	},
	"textDocument": map[string]any{
		"publishDiagnostics": map[string]any{"versionSupport": true},
		"codeAction":         map[string]any{"disabledSupport": true},
	},
}

func (c *testClient) initialize(options any) map[string]any {
	return c.initializeRoot(options, nil)
}

// initializeRoot starts the session with a workspace root (a file URI).
func (c *testClient) initializeRoot(options any, root any) map[string]any {
	var res map[string]any
	c.request("initialize", map[string]any{
		"processId": nil, "rootUri": root, "capabilities": clientCapabilities,
		"initializationOptions": options,
	}, &res)
	c.notify("initialized", map[string]any{})
	return res
}

func (c *testClient) open(uri, languageID, text string) {
	c.mu.Lock()
	c.texts[uri] = text
	c.versions[uri] = 1
	c.mu.Unlock()
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": languageID, "version": 1, "text": text,
	}})
}

func (c *testClient) text(uri string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.texts[uri]
}

func (c *testClient) version(uri string) int32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.versions[uri]
}

// lspEdit is a TextEdit as the protocol has it.
type lspEdit struct {
	Range   lspRange `json:"range"`
	NewText string   `json:"newText"`
}

type lspRange struct {
	Start lspPos `json:"start"`
	End   lspPos `json:"end"`
}

type lspPos struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

// edit applies edits to the client's copy and tells the server, as
// incremental changes, the way an editor reports the user's typing.
// Edits are applied last first so that each range is still valid.
func (c *testClient) edit(uri string, edits []lspEdit) {
	c.mu.Lock()
	text := c.texts[uri]
	var changes []any
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		start, end := utf16Offset(text, e.Range.Start), utf16Offset(text, e.Range.End)
		text = text[:start] + e.NewText + text[end:]
		changes = append(changes, map[string]any{"range": e.Range, "text": e.NewText})
	}
	c.texts[uri] = text
	c.versions[uri]++
	v := c.versions[uri]
	c.mu.Unlock()
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": v},
		"contentChanges": changes,
	})
}

// applyWorkspaceEdit applies a WorkspaceEdit with documentChanges,
// checking its version against the client's copy as editors do.
func (c *testClient) applyWorkspaceEdit(raw json.RawMessage) {
	var we struct {
		DocumentChanges []struct {
			TextDocument struct {
				URI     string `json:"uri"`
				Version int32  `json:"version"`
			} `json:"textDocument"`
			Edits []lspEdit `json:"edits"`
		} `json:"documentChanges"`
	}
	if err := json.Unmarshal(raw, &we); err != nil {
		c.t.Errorf("bad workspace edit %s: %v", raw, err)
		return
	}
	for _, dc := range we.DocumentChanges {
		if v := c.version(dc.TextDocument.URI); v != dc.TextDocument.Version {
			c.t.Errorf("edit for version %d of %s, which is at %d", dc.TextDocument.Version, dc.TextDocument.URI, v)
			continue
		}
		c.edit(dc.TextDocument.URI, dc.Edits)
	}
}

// utf16Offset converts a position to a byte offset independently of the
// server's code, so that the tests check its UTF-16 arithmetic.
func utf16Offset(text string, p lspPos) int {
	off := 0
	for line := 0; line < p.Line; line++ {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			return len(text)
		}
		off += i + 1
	}
	for units := 0; units < p.Character && off < len(text) && text[off] != '\n'; {
		r, size := utf8.DecodeRuneInString(text[off:])
		units++
		if r >= 0x10000 {
			units++
		}
		off += size
	}
	return off
}

// lspDiagnostic is a published diagnostic as the client sees it.
type lspDiagnostic struct {
	Range           lspRange              `json:"range"`
	Severity        int                   `json:"severity"`
	Code            string                `json:"code"`
	CodeDescription struct{ Href string } `json:"codeDescription"`
	Source          string                `json:"source"`
	Message         string                `json:"message"`
	Tags            []int                 `json:"tags"`
	Data            json.RawMessage       `json:"data"`
	Related         []struct {
		Location struct {
			URI   string   `json:"uri"`
			Range lspRange `json:"range"`
		} `json:"location"`
		Message string `json:"message"`
	} `json:"relatedInformation"`
}

type published struct {
	URI         string          `json:"uri"`
	Version     *int32          `json:"version"`
	Diagnostics []lspDiagnostic `json:"diagnostics"`
}

// nextDiagnostics waits for the next publishDiagnostics for uri (any
// URI for ""), skipping other notifications.
func (c *testClient) nextDiagnostics(uri string, timeout time.Duration) (*published, bool) {
	deadline := time.After(timeout)
	for {
		select {
		case m, ok := <-c.notes:
			if !ok {
				return nil, false
			}
			if m.Method != "textDocument/publishDiagnostics" {
				continue
			}
			var p published
			if err := json.Unmarshal(m.Params, &p); err != nil {
				c.t.Fatalf("bad publishDiagnostics: %v", err)
			}
			if p.URI == uri || uri == "" {
				return &p, true
			}
		case <-deadline:
			return nil, false
		}
	}
}

// liveness is how long a test waits for what must come: not a speed
// figure (benchmarks measure speed), a bound past which the server is
// stuck. Generous, since CI machines may be busy.
const liveness = 2 * time.Minute

// analyzedVersion reads a version off the server's trace of an analysis.
var analyzedVersion = regexp.MustCompile(`^analysis of \S+ version (\d+): `)

// diagnosticsFor waits for the diagnostics of the document's current version.
func (c *testClient) diagnosticsFor(uri string) []lspDiagnostic {
	c.t.Helper()
	want := c.version(uri)
	for {
		p, ok := c.nextDiagnostics(uri, liveness)
		if !ok {
			c.t.Fatalf("no diagnostics for version %d of %s", want, uri)
		}
		if p.Version != nil && *p.Version == want {
			return p.Diagnostics
		}
	}
}

func codes(ds []lspDiagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Code)
	}
	return out
}

// summary renders diagnostics one per line, for golden comparison.
func summary(ds []lspDiagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%d:%d-%d:%d %s sev=%d tags=%v %s\n", d.Range.Start.Line, d.Range.Start.Character,
			d.Range.End.Line, d.Range.End.Character, d.Code, d.Severity, d.Tags, d.Message)
	}
	return b.String()
}
