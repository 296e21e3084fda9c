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
  "version": 1,
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
	out, dropped := b.Filter(in)
	if dropped != 2 || len(out[0].Findings) != 0 || len(out[1].Findings) != 1 || out[1].Findings[0].Fingerprint != "ccc" {
		t.Errorf("Filter: dropped %d, kept %+v", dropped, out)
	}
	if len(in[0].Findings) != 2 {
		t.Error("Filter changed its input")
	}
}

func TestReadErrors(t *testing.T) {
	for text, want := range map[string]string{
		``:                                 "b.json: not a hardline baseline: EOF",
		`[]`:                               "b.json: not a hardline baseline",
		`{"version": 2, "findings": []}`:   "b.json: baseline version 2, want 1",
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
