//go:build !race

// The race detector makes these long replays ten times slower; the
// concurrency they exercise is covered by the other tests under -race.

package lsp

import (
	"fmt"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func heapMiB() float64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// TestMemoryAcross10000Edits replays 10,000 edits of one document (typing
// and deleting a character, so the text keeps its size) and checks that
// the live heap after the last is what it was after the first thousand:
// nothing per edit is kept (parse caches, analyses, timers, versions).
func TestMemoryAcross10000Edits(t *testing.T) {
	if testing.Short() {
		t.Skip("a long replay")
	}
	c, _ := inProcess(t, 0)
	c.initialize(nil)
	uri := "file:///tmp/hostile/typing.yaml"
	// A tenth of the typing benchmark's manifest: the replay is about
	// what stays behind, not about speed.
	text := manifest2000(t)
	text = text[:strings.Index(text[len(text)/10:], "\n---\n")+len(text)/10+1]
	c.open(uri, "yaml", text)
	c.diagnosticsFor(uri)
	at := lspPos{Line: 0, Character: 13} // end of "# typing here"
	var base float64
	for i := 1; i <= 10_000; i++ {
		if i%2 == 1 {
			c.edit(uri, []lspEdit{{Range: lspRange{Start: at, End: at}, NewText: "x"}})
		} else {
			c.edit(uri, []lspEdit{{Range: lspRange{Start: at, End: lspPos{Line: 0, Character: 14}}, NewText: ""}})
		}
		if i%100 == 0 {
			c.diagnosticsFor(uri) // let the analyses catch up, as a typist pausing does
			drain(c)
		}
		if i == 1000 {
			base = heapMiB()
		}
	}
	final := heapMiB()
	t.Logf("live heap after 1,000 edits %.1f MiB, after 10,000 %.1f MiB", base, final)
	if final > base*1.25+4 {
		t.Errorf("the heap grew from %.1f to %.1f MiB over 9,000 edits", base, final)
	}
}

// drain drops the notifications the test did not wait for.
func drain(c *testClient) {
	for {
		select {
		case <-c.notes:
		default:
			return
		}
	}
}

// TestLargeDocumentStaysResponsive opens a 100,000-line manifest and
// types into it and, meanwhile, into a small document. It asserts the work
// done, not the time (BenchmarkTyping measures that): a keystroke in the
// large document re-decodes only the YAML document it changed, and each
// document's diagnostics arrive for its last version.
func TestLargeDocumentStaysResponsive(t *testing.T) {
	if testing.Short() {
		t.Skip("a large document")
	}
	c, _ := inProcess(t, DefaultDebounce)
	c.initialize(nil)
	c.notify("$/setTrace", map[string]any{"value": "messages"})
	var b strings.Builder
	unit := manifest2000(t)
	for i := 0; strings.Count(b.String(), "\n") < 100_000; i++ {
		b.WriteString(strings.ReplaceAll(unit, "name: api-", fmt.Sprintf("name: api%d-", i)))
	}
	big := b.String()
	bigURI, smallURI := "file:///tmp/hostile/big.yaml", "file:///tmp/hostile/small.yaml"

	c.open(bigURI, "yaml", big)
	if ds := c.diagnosticsFor(bigURI); len(ds) == 0 {
		t.Fatal("no diagnostics for the large document")
	}
	if decoded, total := c.decodedFor(bigURI, 1); decoded != total || total < 100 {
		t.Errorf("first analysis decoded %d of %d YAML documents, want all of them (over 100)", decoded, total)
	}

	// Type into the large document and, meanwhile, into a small one.
	c.open(smallURI, "yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x:1}]\n")
	c.diagnosticsFor(smallURI)
	c.edit(bigURI, []lspEdit{{Range: lspRange{Start: lspPos{0, 0}, End: lspPos{0, 0}}, NewText: "#"}})
	c.edit(smallURI, []lspEdit{{Range: lspRange{Start: lspPos{0, 0}, End: lspPos{0, 0}}, NewText: "# "}})
	c.diagnosticsFor(smallURI)
	c.diagnosticsFor(bigURI)
	if decoded, total := c.decodedFor(bigURI, 2); decoded != 1 {
		t.Errorf("a keystroke in the first line re-decoded %d of %d YAML documents, want 1", decoded, total)
	}
}

// decodedFor waits for the server's trace of its analysis of a version and
// returns how many of the stream's YAML documents it decoded.
func (c *testClient) decodedFor(uri string, version int32) (decoded, total int) {
	c.t.Helper()
	want := regexp.MustCompile(`^analysis of ` + regexp.QuoteMeta(uri) + fmt.Sprintf(` version %d: \d+ findings, (\d+) of (\d+) YAML documents decoded`, version))
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.traces {
		if sub := want.FindStringSubmatch(m); sub != nil {
			decoded, _ = strconv.Atoi(sub[1])
			total, _ = strconv.Atoi(sub[2])
			return decoded, total
		}
	}
	c.t.Fatalf("no trace of the analysis of %s version %d", uri, version)
	return 0, 0
}
