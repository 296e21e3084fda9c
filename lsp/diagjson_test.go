package lsp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/rules"
)

// TestDiagnosticsEncoding: published diagnostics are encoded by hand, byte
// for byte as encoding/json encodes the message (diagjson.go) — for every
// rule fixture's diagnostics, and for strings and shapes that tell
// encoders apart.
func TestDiagnosticsEncoding(t *testing.T) {
	engine := analyzer.NewEngine(rules.All())
	cfg := analyzer.DefaultConfig()
	cfg.Profile = analyzer.All
	var params []protocol.PublishDiagnosticsParams
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "rules", "*", "*.yaml"))
	for _, path := range paths {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc := analyzer.Parse(path, text, analyzer.ParseOptions{})
		p := protocol.PublishDiagnosticsParams{URI: pathURI(path), Diagnostics: []protocol.Diagnostic{}}
		for _, f := range engine.Run(t.Context(), doc, &cfg) {
			p.Diagnostics = append(p.Diagnostics, diagnostic(doc.Lines, &f, 3, ""))
		}
		params = append(params, p)
	}
	sev, tricky := protocol.DiagnosticSeverityWarning, "<&> \"q\" \\ \t\n \x01 \u2028 \xff é"
	version := protocol.UInteger(7)
	params = append(params, protocol.PublishDiagnosticsParams{URI: tricky, Version: &version, Diagnostics: []protocol.Diagnostic{
		{Message: tricky, Severity: &sev, Code: &protocol.IntegerOrString{Value: tricky}, Source: &tricky,
			CodeDescription: &protocol.CodeDescription{HRef: tricky}, Tags: []protocol.DiagnosticTag{1, 2},
			RelatedInformation: []protocol.DiagnosticRelatedInformation{{Location: protocol.Location{URI: tricky}, Message: tricky}, {}},
			Data:               diagData{Version: -1, ID: tricky, Rule: tricky}},
		{Message: "integer code and other data", Code: &protocol.IntegerOrString{Value: protocol.Integer(5)}, Data: map[string]int{"x": 1}},
		{},
	}}, protocol.PublishDiagnosticsParams{URI: "nil"})
	diagnostics := 0
	for _, p := range params {
		want, err := json.Marshal(outRequest{JSONRPC: "2.0", Method: string(protocol.ServerTextDocumentPublishDiagnostics), Params: p})
		if err != nil {
			t.Fatal(err)
		}
		var got []byte
		c := &conn{w: writerFunc(func(b []byte) (int, error) { got = append(got, b...); return len(b), nil })}
		if err := c.notifyEncoded(string(protocol.ServerTextDocumentPublishDiagnostics), appendPublishParams(nil, &p)); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got[len(got)-len(want):])); diff != "" {
			t.Fatalf("%s (-encoding/json +ours):\n%s", p.URI, diff)
		}
		diagnostics += len(p.Diagnostics)
	}
	if diagnostics < 100 {
		t.Fatalf("only %d diagnostics compared", diagnostics)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
