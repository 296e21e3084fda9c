package lsp

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/internal/testenv"
	"hardline.dev/hardline/render"
	"hardline.dev/hardline/render/helm"
)

// TestCLIAndEditorAgree: what the language server shows for a file opened
// in the editor is what `hardline lint` reports for it, for every file of
// the fixture repository (JSON with comments, Compose, workflows, Ansible,
// values files beside manifests and Dockerfiles), the render fixtures
// and the corpus: the same decision of what is a manifest, the same
// grouping of files into charts and kustomizations, the same findings at
// the same places. (The editor renders a chart with its default values
// only: the CLI's extra ci/ renders are left out of the comparison.)
func TestCLIAndEditorAgree(t *testing.T) {
	roots := []string{filepath.Join("..", "testdata", "repo"), filepath.Join("..", "testdata", "charts"), filepath.Join("..", "testdata", "kustomize")}
	if !testing.Short() {
		if corpus := testenv.Optional(t, "corpus"); corpus != "" {
			roots = append(roots, corpus)
		}
	}
	srv := New(Options{Engine: engine, Version: "test"})
	finder := analyzer.NewConfigFinder(engine.Rules())
	configFor := func(path string) (*analyzer.Config, error) {
		cfg, err := finder.For(path)
		return &cfg, err
	}
	ctx := context.Background()
	line := func(lines *analyzer.Lines, f *analyzer.Finding) string {
		p := lines.Position(f.Start)
		return fmt.Sprintf("%d:%d %s %s", p.Line, p.Column, f.Rule.Code, f.Message)
	}
	compared := 0
	for _, root := range roots {
		in, err := render.Discover([]string{root}, analyzer.DiscoverOptions{})
		if err != nil {
			t.Fatal(err)
		}
		charts := in.Charts
		in.Charts = nil
		results, _ := render.Lint(ctx, engine, in, configFor, analyzer.NoFixes, render.Options{})
		for _, c := range charts {
			cfg, err := configFor(filepath.Join(c, "Chart.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			results = append(results, engine.LintRendered(ctx, []*analyzer.Rendered{helm.Render(ctx, c, render.ChartOptions(cfg, c, render.Options{}))}, cfg, analyzer.NoFixes)...)
		}
		// Files the walk leaves out (.gitignore, node_modules) are linted
		// as when named on the command line.
		walked, err := analyzer.Discover([]string{root}, analyzer.DiscoverOptions{})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, p := range walked {
			abs, _ := filepath.Abs(p)
			seen[abs] = true
		}
		var named []string
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if abs, _ := filepath.Abs(path); err == nil && !d.IsDir() && languageID(path) != "" && !seen[abs] {
				named = append(named, path)
			}
			return err
		})
		results = append(results, engine.LintFiles(ctx, named, nil, configFor, analyzer.NoFixes)...)
		cli := map[string][]string{}
		for _, res := range results {
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			abs, _ := filepath.Abs(res.Path)
			for i := range res.Findings {
				cli[abs] = append(cli[abs], line(res.Lines, &res.Findings[i]))
			}
			sort.Strings(cli[abs])
		}

		rendered := map[*group]map[string][]string{}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || languageID(path) == "" {
				return err
			}
			text, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			abs, _ := filepath.Abs(path)
			doc := &document{uri: pathURI(abs), path: abs, name: abs, languageID: languageID(path), text: text}
			a := srv.analyze(ctx, doc, 1, text)
			var got []string
			switch {
			case a != nil && a.grouped:
				for _, g := range srv.groupsOf(ctx, abs) {
					if rendered[g] == nil {
						rendered[g] = map[string][]string{}
						rs, _ := srv.renderResults(ctx, g)
						for _, r := range rs {
							for i := range r.Findings {
								rendered[g][r.Path] = append(rendered[g][r.Path], line(r.Lines, &r.Findings[i]))
							}
						}
					}
					got = append(got, rendered[g][abs]...)
				}
			case a != nil && a.doc != nil:
				for i := range a.findings {
					got = append(got, line(a.doc.Lines, &a.findings[i]))
				}
			}
			sort.Strings(got)
			got = slices.Compact(got)
			want := slices.Compact(cli[abs])
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: the editor and the CLI disagree (-cli +editor):\n%s", path, diff)
			}
			compared++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d files compared", compared)
}

// languageID is the languageId an editor gives a file hardline reads.
func languageID(path string) string {
	switch {
	case analyzer.LanguageOf(path) == analyzer.Dockerfile:
		return "dockerfile"
	case strings.HasSuffix(path, ".json"):
		return "json"
	case analyzer.LanguageOf(path) == analyzer.Kubernetes:
		return "yaml"
	}
	return ""
}
