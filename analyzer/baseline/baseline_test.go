package baseline

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"hardline.dev/hardline/analyzer"
)

func results() []analyzer.FileResult {
	rule := &analyzer.Rule{Code: "KS101"}
	return []analyzer.FileResult{
		{Path: "./k8s/a.yaml", Findings: []analyzer.Finding{
			{Rule: rule, Message: "one", Fingerprint: "aaa"},
			{Rule: rule, Message: "two", Fingerprint: "bbb"},
		}},
		{Path: "k8s/b.yaml", Findings: []analyzer.Finding{{Rule: rule, Message: "three", Fingerprint: "ccc"}}},
	}
}

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	n, err := Write(&buf, results()[:1])
	if err != nil || n != 2 {
		t.Fatalf("Write: %d, %v", n, err)
	}
	want := `{
  "version": 2,
  "findings": [
    {
      "fingerprint": "aaa",
      "rule": "KS101",
      "path": "k8s/a.yaml",
      "message": "one"
    },
    {
      "fingerprint": "bbb",
      "rule": "KS101",
      "path": "k8s/a.yaml",
      "message": "two"
    }
  ]
}
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("file (-want +got):\n%s", diff)
	}
	b, err := Read(&buf, "b.json")
	if err != nil {
		t.Fatal(err)
	}
	in := results()
	out, m := b.Filter(in)
	if m != (Match{Dropped: 2, Matched: 2, Recorded: 2}) || len(out[0].Findings) != 0 || len(out[1].Findings) != 1 || out[1].Findings[0].Fingerprint != "ccc" {
		t.Errorf("Filter: %+v, kept %+v", m, out)
	}
	if len(in[0].Findings) != 2 {
		t.Error("Filter changed its input")
	}
}

func TestReadErrors(t *testing.T) {
	for text, want := range map[string]string{
		``:                                 "b.json: not a hardline baseline: EOF",
		`[]`:                               "b.json: not a hardline baseline",
		`{"version": 3, "findings": []}`:   "b.json: baseline version 3, want 1 or 2",
		`{"version": 1, "findings": [{}]}`: "b.json: finding 1 has no fingerprint",
		`{"version": 1, "finding": []}`:    `unknown field "finding"`,
		`{"version": 1, "findings": [{"fingerprint": "a", "line": 3}]}`: `unknown field "line"`,
	} {
		_, err := Read(strings.NewReader(text), "b.json")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", text, err, want)
		}
	}
}

// TestVersion1: a version 1 baseline, whose fingerprints hashed the path
// as given, still matches its findings.
func TestVersion1(t *testing.T) {
	rule := &analyzer.Rule{Code: "KS101"}
	lines := analyzer.NewLines([]byte("a: 1\nb: 2\n"))
	findings := []analyzer.Finding{{Rule: rule, Range: analyzer.Range{Start: analyzer.Position{Line: 2, Column: 1}, End: analyzer.Position{Line: 2, Column: 5}}, Fingerprint: "new"}}
	old := analyzer.Fingerprints("k8s/a.yaml", lines, findings)[0] // version 1 hashed the cleaned path as given
	b, err := Read(strings.NewReader(`{"version": 1, "findings": [{"fingerprint": "`+old+`", "rule": "KS101", "path": "k8s/a.yaml", "message": "m"}]}`), "b.json")
	if err != nil {
		t.Fatal(err)
	}
	out, m := b.Filter([]analyzer.FileResult{{Path: "./k8s/a.yaml", Lines: lines, Findings: findings}})
	if m.Dropped != 1 || len(out[0].Findings) != 0 {
		t.Errorf("a version 1 baseline did not match: %+v", m)
	}
}
