package cli

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var finding = regexp.MustCompile(`^(\S+:\d+:\d+: \S+ \S+ \S+: )(.*)$`)

// TestTextFormatReleasesText: the text format keeps no file's text after
// analysis (Config.ReleaseText) and set rules read again the files they
// report on; JSON keeps the text. Both must place every finding, across
// files too, at the same line and column, with the same message.
func TestTextFormatReleasesText(t *testing.T) {
	code, text, _ := runCLI(t, "", "lint", "--profile", "all", "--format", "text", "testdata/rules", "testdata/examples")
	if code != ExitFindings {
		t.Fatalf("text: exit %d", code)
	}
	code, out, _ := runCLI(t, "", "lint", "--profile", "all", "--format", "json", "testdata/rules", "testdata/examples")
	if code != ExitFindings {
		t.Fatalf("json: exit %d", code)
	}
	var r struct {
		Findings []struct {
			Path     string
			Rule     string
			Name     string
			Severity string
			Message  string
			Range    struct{ Start struct{ Line, Column int } }
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	var want []string
	across := 0
	for _, f := range r.Findings {
		want = append(want, fmt.Sprintf("%s:%d:%d: %s %s %s: %s", f.Path, f.Range.Start.Line, f.Range.Start.Column, f.Severity, f.Rule, f.Name, f.Message[:min(len(f.Message), 40)]))
		if strings.HasPrefix(f.Rule, "KS80") {
			across++
		}
	}
	if across == 0 {
		t.Fatal("no finding of a set rule: the test checks nothing that is read again")
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		// The start of the message is enough (text names the source of
		// rendered objects after it).
		m := finding.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("not a finding: %s", line)
		}
		got = append(got, m[1]+m[2][:min(len(m[2]), 40)])
	}
	sort.Strings(want)
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("text and JSON disagree (-json +text):\n%s", diff)
	}
}
