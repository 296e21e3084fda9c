package render_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/internal/testenv"
	"hardline.dev/hardline/render"
	"hardline.dev/hardline/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var engine = analyzer.NewEngine(rules.All())

func defaultConfig(string) (*analyzer.Config, error) {
	cfg := analyzer.DefaultConfig()
	return &cfg, nil
}

// lint lints paths as the CLI does.
func lint(t *testing.T, paths ...string) ([]analyzer.FileResult, render.Stats) {
	t.Helper()
	_, results, stats, err := render.LintPaths(context.Background(), engine, paths, analyzer.DiscoverOptions{}, defaultConfig, analyzer.NoFixes, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	analyzer.SortResults(results)
	for _, r := range results {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	return results, stats
}

// TestLintPathsAgrees: linting files while the walk finds them
// (LintPaths) gives what walking first gives (Discover, then Lint): the
// same inputs and results, with the files that kustomizations own left
// out, on the rule fixtures, the chart and kustomization fixtures, and
// the corpus when it is there.
func TestLintPathsAgrees(t *testing.T) {
	paths := []string{filepath.Join("..", "testdata")}
	if dir := testenv.Optional(t, "corpus"); dir != "" {
		paths = append(paths, dir)
	}
	for _, p := range paths {
		in, err := render.Discover([]string{p}, analyzer.DiscoverOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want, wantStats := render.Lint(context.Background(), engine, in, defaultConfig, analyzer.NoFixes, render.Options{})
		gotIn, got, gotStats, err := render.LintPaths(context.Background(), engine, []string{p}, analyzer.DiscoverOptions{}, defaultConfig, analyzer.NoFixes, render.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(in.Kustomizations) == 0 || len(in.Charts) == 0 || len(want) == 0 {
			t.Errorf("%s: %d kustomizations, %d charts, %d results: want some of each", p, len(in.Kustomizations), len(in.Charts), len(want))
		}
		in.Listing, gotIn.Listing = nil, nil
		if diff := cmp.Diff(in, gotIn); diff != "" {
			t.Errorf("%s: inputs differ (-Discover +LintPaths):\n%s", p, diff)
		}
		if diff := cmp.Diff(wantStats, gotStats); diff != "" {
			t.Errorf("%s: stats differ (-Lint +LintPaths):\n%s", p, diff)
		}
		if diff := cmp.Diff(describe(want), describe(got)); diff != "" {
			t.Errorf("%s: results differ (-Lint +LintPaths):\n%s", p, diff)
		}
	}
	if _, _, _, err := render.LintPaths(context.Background(), engine, []string{"no/such/folder"}, analyzer.DiscoverOptions{}, defaultConfig, analyzer.NoFixes, render.Options{}); err == nil {
		t.Error("a path that does not exist: no error")
	}
}

// describe is what results tell a user, in order.
func describe(results []analyzer.FileResult) []string {
	var out []string
	for _, r := range results {
		out = append(out, fmt.Sprintf("%s checked=%v err=%v", r.Path, r.Checked, r.Err))
		for _, f := range r.Findings {
			out = append(out, fmt.Sprintf("  %d-%d %s %s %v", f.Start, f.End, f.Rule.Code, f.Message, f.Source))
		}
	}
	return out
}

// want is a `# want: CODE CODE` mark: the codes expected on its line.
var want = regexp.MustCompile(`# want: ((?:[A-Z]+[0-9]+[ ,]*)+)`)

type mark struct {
	path string
	line int
}

// marks reads the `# want:` marks of the files under dir.
func marks(t *testing.T, dir string) map[mark][]string {
	t.Helper()
	out := map[mark][]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(p) {
		case ".yaml", ".yml", ".tpl", ".json":
		default:
			return nil // goldens quote the marks
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			if m := want.FindStringSubmatch(sc.Text()); m != nil {
				out[mark{p, n}] = strings.FieldsFunc(m[1], func(r rune) bool { return r == ' ' || r == ',' })
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRenderFixtures lints each chart under testdata/charts and each
// kustomization tree under testdata/kustomize: every finding must land
// on a line whose `# want:` mark names its rule, every mark must be met,
// and the findings (file:line:column, rule, message, source) must equal
// the fixture's expected.txt.
func TestRenderFixtures(t *testing.T) {
	charts, _ := filepath.Glob(filepath.Join("..", "testdata", "charts", "*"))
	trees, _ := filepath.Glob(filepath.Join("..", "testdata", "kustomize", "*"))
	if len(charts) == 0 || len(trees) == 0 {
		t.Fatal("no charts under testdata/charts or kustomizations under testdata/kustomize")
	}
	total, onMark := 0, 0
	for _, dir := range append(charts, trees...) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			results, stats := lint(t, dir)
			if stats.Charts+stats.Kustomizations == 0 {
				t.Error("nothing rendered")
			}
			wanted := marks(t, dir)
			met := map[mark][]string{}
			var got []string
			for _, r := range results {
				rel, _ := filepath.Rel(dir, r.Path)
				for _, f := range r.Findings {
					total++
					m := mark{r.Path, f.Range.Start.Line}
					if slices.Contains(wanted[m], f.Rule.Code) {
						onMark++
						met[m] = append(met[m], f.Rule.Code)
					} else {
						t.Errorf("%s:%d:%d: %s %s: not on a line marked `# want: %s`", rel, f.Range.Start.Line, f.Range.Start.Column, f.Rule.Code, f.Message, f.Rule.Code)
					}
					got = append(got, fmt.Sprintf("%s:%d:%d: %s %s%s", filepath.ToSlash(rel), f.Range.Start.Line, f.Range.Start.Column, f.Rule.Code, f.Message, sourceText(f.Source)))
				}
			}
			for m, codes := range wanted {
				for _, c := range codes {
					if !slices.Contains(met[m], c) {
						rel, _ := filepath.Rel(dir, m.path)
						t.Errorf("%s:%d: marked `# want: %s`, no such finding there", rel, m.line, c)
					}
				}
			}
			golden(t, filepath.Join(dir, "expected.txt"), strings.Join(got, "\n")+"\n")
		})
	}
	t.Logf("%d of %d findings on their marked line", onMark, total)
}

func sourceText(s *analyzer.Source) string {
	if s == nil {
		return ""
	}
	if s.Kustomization != "" {
		if len(s.Renders) > 0 {
			return " [" + strings.Join(s.Renders, ", ") + "]"
		}
		return " [" + s.Kustomization + "]"
	}
	out := " [" + s.Path
	if len(s.Renders) > 0 {
		out += "; renders " + strings.Join(s.Renders, ", ")
	} else if len(s.Values) > 0 {
		out += "; values " + strings.Join(s.Values, ", ")
	}
	return out + "]"
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	testenv.Golden(t, path, got, *update)
}

// TestRenderFixes fixes each render fixture (safe and unsafe fixes) in a
// copy: the fixes, carried back to the values files, templates and
// patches, are the fixture's expected.fix.diff; the fixed files still
// parse and render without a new problem; every applied fix removed its
// finding and brought none; applying the fixes again changes nothing.
func TestRenderFixes(t *testing.T) {
	charts, _ := filepath.Glob(filepath.Join("..", "testdata", "charts", "*"))
	trees, _ := filepath.Glob(filepath.Join("..", "testdata", "kustomize", "*"))
	// What `hardline fix --unsafe` applies: never a fix by hand.
	all := func(_ *analyzer.Finding, fx fixes.Fix) bool { return fx.Safety != fixes.Manual }
	for _, dir := range append(charts, trees...) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			work := testenv.CopyTree(t, dir)
			before, _ := lint(t, work)
			fix := func() []analyzer.FileFix {
				in, err := render.Discover([]string{work}, analyzer.DiscoverOptions{})
				if err != nil {
					t.Fatal(err)
				}
				return render.Fix(context.Background(), engine, in, defaultConfig, all, render.Options{})
			}
			var diff strings.Builder
			applied := 0
			for _, f := range fix() {
				if f.Err != nil {
					t.Fatal(f.Err)
				}
				if len(f.Applied) == 0 {
					continue
				}
				applied += len(f.Applied)
				rel, _ := filepath.Rel(work, f.Path)
				diff.WriteString(fixes.Unified("a/"+filepath.ToSlash(rel), "b/"+filepath.ToSlash(rel), f.Old, f.New))
				if d, _ := analyzer.ParseData(f.Path, f.New, nil); strings.HasSuffix(f.Path, "values.yaml") && len(d.Problems) > 0 {
					t.Errorf("%s no longer parses: %s", rel, d.Problems[0].Message)
				}
				if err := os.WriteFile(f.Path, f.New, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			golden(t, filepath.Join(dir, "expected.fix.diff"), diff.String())
			after, _ := lint(t, work)
			if got, want := count(after), count(before)-applied; got > want {
				t.Errorf("%d findings after %d fixes of %d: a fix left its finding or brought one", got, applied, count(before))
			}
			for _, r := range after {
				for _, f := range r.Findings {
					if f.Rule.Code == "HL008" || f.Rule.Code == "HL001" {
						t.Errorf("%s: the fixed sources do not render: %s", r.Path, f.Message)
					}
				}
			}
			for _, f := range fix() {
				if len(f.Applied) > 0 {
					t.Errorf("%s: fixing again changed it: %v", f.Path, f.Applied)
				}
			}
		})
	}
}

func count(results []analyzer.FileResult) int {
	n := 0
	for _, r := range results {
		n += len(r.Findings)
	}
	return n
}

// TestFingerprintsStable: a finding on a chart keeps its fingerprint when
// the chart changes elsewhere (a comment added to values.yaml, a line to
// a template), so baselines hold across re-renders.
func TestFingerprintsStable(t *testing.T) {
	work := testenv.CopyTree(t, filepath.Join("..", "testdata", "charts", "starter"))
	fingerprints := func() []string {
		results, _ := lint(t, work)
		var out []string
		for _, r := range results {
			for _, f := range r.Findings {
				out = append(out, f.Rule.Code+" "+f.Fingerprint)
			}
		}
		slices.Sort(out)
		return out
	}
	before := fingerprints()
	values := filepath.Join(work, "values.yaml")
	text, err := os.ReadFile(values)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(values, append([]byte("# reviewed 2026-11\n\n"), text...), 0o644); err != nil {
		t.Fatal(err)
	}
	tmpl := filepath.Join(work, "templates", "tests", "test-connection.yaml")
	text, err = os.ReadFile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tmpl, append([]byte("# connection test\n"), text...), 0o644); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, fingerprints()); diff != "" {
		t.Errorf("fingerprints changed with edits elsewhere (-before +after):\n%s", diff)
	}
}

// TestSuppressedWhereReported: a hardline:ignore comment on the values
// line a finding is reported at suppresses it, as in any file.
func TestSuppressedWhereReported(t *testing.T) {
	work := testenv.CopyTree(t, filepath.Join("..", "testdata", "charts", "starter"))
	values := filepath.Join(work, "values.yaml")
	text, err := os.ReadFile(values)
	if err != nil {
		t.Fatal(err)
	}
	text = []byte(strings.Replace(string(text), "securityContext: {} # want:", "securityContext: {} # hardline:ignore KS201 -- reason; want:", 1))
	if err := os.WriteFile(values, text, 0o644); err != nil {
		t.Fatal(err)
	}
	results, _ := lint(t, work)
	for _, r := range results {
		for _, f := range r.Findings {
			if r.Path == values && f.Rule.Code == "KS201" {
				t.Errorf("KS201 at %s:%d is not suppressed", r.Path, f.Range.Start.Line)
			}
		}
	}
}
