package lsp

import (
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

type lspCommand struct {
	Title     string `json:"title"`
	Command   string `json:"command"`
	Arguments []any  `json:"arguments"`
}

// TestPinImageAction: "Pin to digest" is offered on DF103 only when the
// config allows the network, and choosing it asks the registry (here one
// on loopback) and applies image@digest through workspace/applyEdit.
func TestPinImageAction(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := name.ParseReference(host + "/app:1.0")
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	digest, _ := img.Digest()
	t.Setenv("DOCKER_CONFIG", t.TempDir())

	for _, network := range []bool{false, true} {
		c, _ := inProcess(t, 0)
		c.initialize(map[string]any{"profile": "all", "network": network})
		uri := "file:///nonexistent/pin/Dockerfile"
		text := "FROM " + host + "/app:1.0\nUSER 1000\n"
		c.open(uri, "dockerfile", text)
		var df103 *lspDiagnostic
		for _, d := range c.diagnosticsFor(uri) {
			if d.Code == "DF103" {
				df103 = &d
			}
		}
		if df103 == nil {
			t.Fatal("no DF103 diagnostic")
		}
		var actions []struct {
			Title   string      `json:"title"`
			Command *lspCommand `json:"command"`
		}
		c.request("textDocument/codeAction", map[string]any{
			"textDocument": map[string]any{"uri": uri}, "range": df103.Range,
			"context": map[string]any{"diagnostics": []any{df103}},
		}, &actions)
		var pinAction *lspCommand
		for _, a := range actions {
			if a.Title == "Pin to digest (asks the registry)" {
				pinAction = a.Command
			}
		}
		if !network {
			if pinAction != nil {
				t.Fatal("Pin to digest offered without network: true")
			}
			// Called anyway (a stale or forged request): refused.
			m := c.call("workspace/executeCommand", map[string]any{"command": "hardline.pinImage",
				"arguments": []any{map[string]any{"uri": uri, "version": 1, "offset": 5}}})
			if m.Error == nil || !strings.Contains(m.Error.Message, "network: true") {
				t.Errorf("pinImage without network: %+v", m.Error)
			}
			if c.text(uri) != text {
				t.Error("the document changed")
			}
			continue
		}
		if pinAction == nil || pinAction.Command != "hardline.pinImage" {
			t.Fatalf("no Pin to digest action among %+v", actions)
		}
		c.request("workspace/executeCommand", map[string]any{"command": pinAction.Command, "arguments": pinAction.Arguments}, nil)
		if want := "FROM " + host + "/app:1.0@" + digest.String() + "\nUSER 1000\n"; c.text(uri) != want {
			t.Errorf("after pinning:\n%s\nwant:\n%s", c.text(uri), want)
		}
		for _, d := range c.diagnosticsFor(uri) {
			if d.Code == "DF103" {
				t.Error("DF103 is still reported after pinning")
			}
		}
	}
}
