package rules_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/rules"
)

// notOnFragments are the rules about the final stage or its base image: a
// fragment (instructions without a FROM) has neither.
var notOnFragments = map[string]bool{"HL001": true, "DF101": true, "DF112": true, "DF113": true, "DF102": true, "DF103": true}

// TestFragmentsAreAnalyzed: a Dockerfile's instructions without a FROM
// give the findings they give after "FROM scratch", apart from the added
// HL001 and the rules about the final stage and the base image; over the
// first stage of every Dockerfile rule's fixtures.
func TestFragmentsAreAnalyzed(t *testing.T) {
	engine := analyzer.NewEngine(rules.All())
	cfg := analyzer.DefaultConfig()
	cfg.Profile = analyzer.All
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "rules", "*", "*Dockerfile*"))
	if len(files) == 0 {
		t.Fatal("no Dockerfile fixtures")
	}
	checked := 0
	for _, path := range files {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		args, body, ok := firstStage(string(text))
		if !ok || strings.TrimSpace(body) == "" {
			continue
		}
		checked++
		fragment := args + body
		full := args + "FROM scratch\n" + body
		fromLine := strings.Count(args, "\n") + 1
		findings := func(text string, shift bool) ([]string, bool) {
			doc := analyzer.Parse("Dockerfile", []byte(text), analyzer.ParseOptions{})
			var out []string
			hl001 := false
			for _, f := range engine.Run(context.Background(), doc, &cfg) {
				hl001 = hl001 || f.Rule.Code == "HL001"
				line := f.Range.Start.Line
				if notOnFragments[f.Rule.Code] || strings.HasPrefix(f.Rule.Code, "BK-") || shift && line == fromLine {
					continue
				}
				if shift && line > fromLine {
					line--
				}
				out = append(out, fmt.Sprintf("%d %s %s", line, f.Rule.Code, f.Message))
			}
			sort.Strings(out)
			return out, hl001
		}
		got, hl001 := findings(fragment, false)
		want, _ := findings(full, true)
		if !hl001 {
			t.Errorf("%s: the fragment has no HL001", path)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: the fragment's findings differ from after FROM scratch (-with +without):\n%s", path, diff)
		}
	}
	if checked == 0 {
		t.Fatal("no fixture had a first stage to check")
	}
	t.Logf("%d of %d fixtures checked as fragments", checked, len(files))
}

// firstStage splits a Dockerfile into the lines before its first FROM
// (comments, parser directives, global ARGs) and the first stage's
// instructions after it; ok is false without a FROM.
func firstStage(text string) (args, body string, ok bool) {
	lines := strings.SplitAfter(text, "\n")
	from := -1
	for i, l := range lines {
		if w := strings.Fields(l); len(w) > 0 && strings.EqualFold(w[0], "FROM") {
			if from >= 0 {
				return strings.Join(lines[:from], ""), strings.Join(lines[from+1:i], ""), true
			}
			from = i
		}
	}
	if from < 0 {
		return "", "", false
	}
	return strings.Join(lines[:from], ""), strings.Join(lines[from+1:], ""), true
}
