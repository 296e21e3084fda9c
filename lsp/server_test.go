package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/rules"
)

var engine = analyzer.NewEngine(rules.All())

// inProcess runs a server on pipes, for tests that need the race
// detector's eyes on the server or exact control over timing.
func inProcess(t testing.TB, debounce time.Duration) (*testClient, <-chan int) {
	return inProcessWith(t, engine, debounce)
}

func inProcessWith(t testing.TB, eng *analyzer.Engine, debounce time.Duration) (*testClient, <-chan int) {
	clientR, serverW := io.Pipe()
	serverR, clientW := io.Pipe()
	srv := New(Options{Engine: eng, Version: "test", Debounce: debounce})
	done := make(chan int, 1)
	go func() {
		done <- srv.Run(serverR, serverW)
		serverW.Close()
	}()
	return newTestClient(t, clientW, clientR), done
}

func exitCode(t *testing.T, done <-chan int) int {
	select {
	case code := <-done:
		return code
	case <-time.After(liveness):
		t.Fatal("the server did not stop")
		return -1
	}
}

func TestExitCodes(t *testing.T) {
	c, done := inProcess(t, 0)
	c.initialize(nil)
	c.request("shutdown", nil, nil)
	if m := c.call("textDocument/hover", map[string]any{}); m.Error == nil || m.Error.Code != codeInvalidRequest {
		t.Errorf("request after shutdown: %+v", m.Error)
	}
	c.notify("exit", nil)
	if code := exitCode(t, done); code != 0 {
		t.Errorf("exit after shutdown = %d, want 0", code)
	}

	c, done = inProcess(t, 0)
	c.initialize(nil)
	c.notify("exit", nil)
	if code := exitCode(t, done); code != 1 {
		t.Errorf("exit without shutdown = %d, want 1", code)
	}

	c, done = inProcess(t, 0)
	c.initialize(nil)
	c.w.Close() // the editor went away
	if code := exitCode(t, done); code != 0 {
		t.Errorf("disconnect = %d, want 0", code)
	}
}

func TestCancelledRequestAnswersRequestCancelled(t *testing.T) {
	var out bytes.Buffer
	s := New(Options{Engine: engine})
	s.conn = newConn(strings.NewReader(""), &out)
	s.request(context.Background(), json.RawMessage("1"), "initialize", json.RawMessage(`{"capabilities": {}}`))
	out.Reset()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.request(ctx, json.RawMessage("7"), "textDocument/codeLens", json.RawMessage(`{"textDocument": {"uri": "file:///x.yaml"}}`))
	if !strings.Contains(out.String(), fmt.Sprintf(`"code":%d`, codeRequestCancelled)) || !strings.Contains(out.String(), `"id":7`) {
		t.Errorf("response = %s", out.String())
	}
}

// TestConcurrentRequestsWhileTyping runs requests on many goroutines while
// the document changes under them, for the race detector.
func TestConcurrentRequestsWhileTyping(t *testing.T) {
	c, _ := inProcess(t, 5*time.Millisecond)
	c.initialize(nil)
	uri := "file:///tmp/concurrent/deployment.yaml"
	c.open(uri, "yaml", readTestdata(t, "deployment.yaml"))
	before := len(c.diagnosticsFor(uri))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				for _, method := range []string{"textDocument/codeLens", "textDocument/codeAction", "textDocument/hover"} {
					m := c.call(method, map[string]any{"textDocument": map[string]any{"uri": uri},
						"range": lspRange{lspPos{13, 0}, lspPos{16, 0}}, "position": lspPos{15, 60},
						"context": map[string]any{"diagnostics": []any{}}})
					if m.Error != nil {
						t.Errorf("%s: %v", method, m.Error)
					}
				}
			}
		}()
	}
	for i := 0; i < 30; i++ {
		c.edit(uri, []lspEdit{{Range: lspRange{lspPos{0, 2}, lspPos{0, 2}}, NewText: "y"}})
	}
	wg.Wait()
	if n := len(c.diagnosticsFor(uri)); n != before {
		t.Errorf("%d diagnostics after typing into a comment, want %d as before", n, before)
	}
}

// manifest2000 is a 2,000-line multi-document manifest: workloads with
// findings alternating with hardened ones.
func manifest2000(t testing.TB) string {
	read := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimRight(string(b), "\n") + "\n"
	}
	bad := read(filepath.Join("..", "testdata", "lsp", "deployment.yaml"))
	good := read(filepath.Join("..", "testdata", "examples", "hardened.yaml"))
	var b strings.Builder
	b.WriteString("# typing here\n")
	for i := 0; strings.Count(b.String(), "\n") < 2000; i++ {
		doc := bad
		if i%2 == 1 {
			doc = good
		}
		fmt.Fprintf(&b, "---\n%s", strings.ReplaceAll(doc, "name: api\n", fmt.Sprintf("name: api-%d\n", i)))
	}
	return b.String()
}

// BenchmarkTyping replays typing into a 2,000-line manifest, one character
// per didChange. p50/p99 are the server's own processing time per change
// (apply the change, parse, analyze, encode and write the diagnostics;
// the debounce excluded), as it reports it in $/logTrace; rtt-p50 is the
// in-process client's round trip, which adds its decoding of ~500
// diagnostics.
func BenchmarkTyping(b *testing.B) {
	c, _ := inProcess(b, 0)
	c.initialize(nil)
	c.notify("$/setTrace", map[string]any{"value": "messages"})
	uri := "file:///tmp/bench/typing.yaml"
	c.open(uri, "yaml", manifest2000(b))
	c.serverTime(uri, 1)
	server := make([]time.Duration, 0, b.N)
	rtt := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		c.edit(uri, []lspEdit{{Range: lspRange{lspPos{0, 13 + i%50}, lspPos{0, 13 + i%50}}, NewText: "x"}})
		server = append(server, c.serverTime(uri, c.version(uri)))
		rtt = append(rtt, time.Since(t0))
	}
	b.StopTimer()
	pct := func(ds []time.Duration, p int) float64 {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return float64(ds[len(ds)*p/100].Microseconds()) / 1000
	}
	b.ReportMetric(pct(server, 50), "p50-ms")
	b.ReportMetric(pct(server, 99), "p99-ms")
	b.ReportMetric(pct(rtt, 50), "rtt-p50-ms")
}

var traceTime = regexp.MustCompile(`version (\d+): \d+ diagnostics in ([0-9.]+) ms`)

// serverTime waits for the server's trace of its analysis of a version.
func (c *testClient) serverTime(uri string, version int32) time.Duration {
	sub := c.nextTrace(traceTime, func(sub []string, message string) bool {
		return strings.Contains(message, uri) && sub[1] == fmt.Sprint(version)
	})
	ms, _ := strconv.ParseFloat(sub[2], 64)
	return time.Duration(ms * float64(time.Millisecond))
}

// nextTrace waits for a $/logTrace message that re matches and keep
// accepts, and returns re's submatches.
func (c *testClient) nextTrace(re *regexp.Regexp, keep func(sub []string, message string) bool) []string {
	for m := range c.notes {
		if m.Method != "$/logTrace" {
			continue
		}
		var p struct{ Message string }
		_ = json.Unmarshal(m.Params, &p)
		if sub := re.FindStringSubmatch(p.Message); sub != nil && keep(sub, p.Message) {
			return sub
		}
	}
	c.t.Fatal("the server went away")
	return nil
}

// BenchmarkOpenDocuments opens 50 such manifests in the real binary and
// reports its resident memory once all are analyzed.
func BenchmarkOpenDocuments(b *testing.B) {
	text := manifest2000(b)
	for i := 0; i < b.N; i++ {
		s := start(b)
		s.initialize(nil)
		for d := 0; d < 50; d++ {
			uri := fmt.Sprintf("file:///tmp/bench/doc%d.yaml", d)
			s.open(uri, "yaml", text)
			s.diagnosticsFor(uri)
		}
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
		if err != nil {
			b.Skip("no /proc:", err)
		}
		for _, line := range strings.Split(string(status), "\n") {
			var kb float64
			if _, err := fmt.Sscanf(line, "VmHWM: %f kB", &kb); err == nil {
				b.ReportMetric(kb/1024, "peak-rss-MB")
			}
			if _, err := fmt.Sscanf(line, "VmRSS: %f kB", &kb); err == nil {
				b.ReportMetric(kb/1024, "rss-MB")
			}
		}
	}
}

// BenchmarkCodeAction asks for the actions of one container's findings
// (four quick fixes, verified, and their ignore actions) in the
// 2,000-line manifest, as a lightbulb does when the cursor lands there.
func BenchmarkCodeAction(b *testing.B) {
	c, _ := inProcess(b, 0)
	c.initialize(nil)
	uri := "file:///tmp/bench/actions.yaml"
	c.open(uri, "yaml", manifest2000(b))
	diags := c.diagnosticsFor(uri)
	d := diags[len(diags)/2]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var actions []codeAction
		c.request("textDocument/codeAction", map[string]any{
			"textDocument": map[string]any{"uri": uri}, "range": d.Range,
			"context": map[string]any{"diagnostics": []any{}, "only": []string{"quickfix"}},
		}, &actions)
		if len(actions) == 0 {
			b.Fatal("no actions")
		}
	}
}

// gate is a rule that blocks each analysis until the test lets it go, so
// that tests can edit a document while its analysis is in progress.
type gate struct {
	entered chan int32 // the length of the text it analyzes, as a version tag
	release chan struct{}
}

func newGate() (*gate, *analyzer.Engine) {
	g := &gate{entered: make(chan int32, 16), release: make(chan struct{})}
	rule := &analyzer.Rule{Code: "TEST1", Name: "gate", Summary: "blocks", Severity: analyzer.Error, Profile: analyzer.Baseline,
		Check: func(p *analyzer.Pass) {
			g.entered <- int32(len(p.Doc.Text))
			<-g.release
			p.Report(analyzer.Finding{Start: 0, End: 1, Message: "analyzed"})
		}}
	return g, analyzer.NewEngine([]*analyzer.Rule{rule})
}

func (g *gate) wait(t *testing.T) int32 {
	t.Helper()
	select {
	case n := <-g.entered:
		return n
	case <-time.After(liveness):
		t.Fatal("no analysis started")
		return 0
	}
}

// TestNewerVersionCancelsAnalysis: an edit cancels the analysis of the
// version it replaced, whose result is never published, and the debounce
// timer and a request asking at once share one analysis of a version.
func TestNewerVersionCancelsAnalysis(t *testing.T) {
	g, eng := newGate()
	c, _ := inProcessWith(t, eng, 0)
	c.initialize(nil)
	c.notify("$/setTrace", map[string]any{"value": "messages"})
	uri := "file:///tmp/cancel/pod.yaml"
	c.open(uri, "yaml", "apiVersion: v1\nkind: Pod\n")
	g.wait(t) // version 1 is being analyzed

	// Version 2 arrives meanwhile: version 1's run is cancelled. A request
	// after the change is read after the change is applied (notifications
	// are handled in order), so its answer says the cancel happened.
	c.edit(uri, []lspEdit{{Range: lspRange{lspPos{0, 0}, lspPos{0, 0}}, NewText: "# v2\n"}})
	c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": "file:///tmp/cancel/elsewhere.yaml"}, "position": map[string]any{"line": 0, "character": 0}})
	g.release <- struct{}{}
	if n := g.wait(t); n != int32(len("# v2\napiVersion: v1\nkind: Pod\n")) {
		t.Errorf("the second analysis read %d bytes, want version 2's", n)
	}
	// A hover asks for version 2 while the timer's run is in progress: it
	// waits for that run instead of starting another.
	hover := make(chan *message, 1)
	go func() {
		hover <- c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": 1, "character": 0}})
	}()
	g.release <- struct{}{}
	if m := <-hover; m.Error != nil {
		t.Fatalf("hover: %v", m.Error)
	}
	if ds := c.diagnosticsFor(uri); len(ds) != 1 {
		t.Errorf("diagnostics of version 2: %+v", ds)
	}
	select {
	case n := <-g.entered:
		t.Errorf("a third analysis started (%d bytes): version 2 was analyzed twice", n)
	default:
	}
	// Version 1's run may end last (either blocked run can take the first
	// release): wait for its trace.
	traces := c.waitTrace(t, "analysis of "+uri+" version 1 ")
	if !strings.Contains(traces, "analysis of "+uri+" version 1 cancelled") {
		t.Errorf("no trace of version 1's cancellation:\n%s", traces)
	}
	if strings.Contains(traces, "analysis of "+uri+" version 1:") {
		t.Errorf("version 1's cancelled analysis finished:\n%s", traces)
	}
}

// TestFramingRecovers: after a message whose Content-Length is wrong (too
// long, too short, not a number) or bytes that are no message at all, UTF-8
// or not, the server reports the error and answers the messages that follow.
func TestFramingRecovers(t *testing.T) {
	c, _ := inProcess(t, 0)
	c.initialize(nil)
	hover := func() {
		t.Helper()
		m := c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": "file:///nowhere.yaml"}, "position": map[string]any{"line": 0, "character": 0}})
		if m.Error != nil {
			t.Fatalf("hover after bad framing: %+v", m.Error)
		}
	}
	raw := func(s string) {
		c.wmu.Lock()
		defer c.wmu.Unlock()
		if _, err := io.WriteString(c.w, s); err != nil {
			t.Fatal(err)
		}
	}
	note := `{"jsonrpc":"2.0","method":"$/setTrace","params":{"value":"off"}}`
	for _, tt := range []struct{ name, bytes string }{
		{"too long", fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(note)+40, note)},
		{"too short", fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(note)-10, note)},
		{"not a number", "Content-Length: eleven\r\n\r\n" + note},
		{"garbage", "GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00\x01binary"},
		// Bytes that are not UTF-8 before a header, on its line or in the
		// body that swallowed it: lowering them would shift the header.
		{"not UTF-8 before the header", fmt.Sprintf("\xff\x87Content-Length: %d\r\n\r\n%s", len(note), note)},
		{"too long, not UTF-8", fmt.Sprintf("Content-Length: %d\r\n\r\n%s\xff\xff", len(note)+40, note)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw(tt.bytes)
			hover()
		})
	}
}

// waitTrace waits until a $/logTrace message contains text and returns
// every trace so far.
func (c *testClient) waitTrace(t *testing.T, text string) string {
	t.Helper()
	deadline := time.Now().Add(liveness)
	for {
		c.mu.Lock()
		traces := strings.Join(c.traces, "\n")
		c.mu.Unlock()
		if strings.Contains(traces, text) || time.Now().After(deadline) {
			return traces
		}
		time.Sleep(time.Millisecond)
	}
}
