package rules_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/rules"
)

// TestIgnoreFix checks the editor's "Ignore CODE on this line" edit: the
// comment it writes in each language and style, and that the finding is
// gone afterwards while every other finding stays.
func TestIgnoreFix(t *testing.T) {
	engine := analyzer.NewEngine(rules.All())
	tests := []struct {
		name, file, text, code string
		want                   string // "" when no ignore edit is offered
	}{
		{
			name: "YAML: a trailing comment", file: "pod.yaml", text: twoContainers, code: "KS101",
			want: replace(twoContainers, "13", "      privileged: true  # hardline:ignore KS101"),
		},
		{
			name: "YAML: added to the line's ignore comment", file: "pod.yaml", code: "KS101",
			text: replace(twoContainers, "13", "      privileged: true # hardline:ignore KS999 -- why"),
			want: replace(twoContainers, "13", "      privileged: true # hardline:ignore KS999,KS101 -- why"),
		},
		{
			name: "Dockerfile: a comment line above, CRLF kept", file: "Dockerfile", code: "DF101",
			text: "FROM alpine:3.20\r\n  RUN apk add curl\r\n",
			want: "# hardline:ignore DF101\r\nFROM alpine:3.20\r\n  RUN apk add curl\r\n",
		},
		{
			name: "JSON: no comment, it would not be JSON", file: "pod.json", code: "KS101",
			text: `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "x:1", "securityContext": {"privileged": true}}]}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := analyzer.DefaultConfig()
			doc := analyzer.Parse(tt.file, []byte(tt.text), analyzer.ParseOptions{})
			findings := engine.Run(context.Background(), doc, &cfg)
			var target *analyzer.Finding
			for i := range findings {
				if findings[i].Rule.Code == tt.code && target == nil {
					target = &findings[i]
				}
			}
			if target == nil {
				t.Fatalf("no %s finding", tt.code)
			}
			fix, ok := engine.IgnoreFix(context.Background(), doc, &cfg, target)
			if tt.want == "" {
				if ok {
					t.Errorf("offered %+v", fix)
				}
				return
			}
			if !ok {
				t.Fatal("no ignore edit")
			}
			out, err := fixes.Apply([]byte(tt.text), fix.Edits)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(out)); diff != "" {
				t.Errorf("text (-want +got):\n%s", diff)
			}
			after := engine.Run(context.Background(), analyzer.Parse(tt.file, out, analyzer.ParseOptions{}), &cfg)
			if len(after) != len(findings)-1 {
				t.Errorf("%d findings before, %d after", len(findings), len(after))
			}
		})
	}
}
