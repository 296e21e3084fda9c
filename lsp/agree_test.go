package lsp

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/internal/testenv"
)

// TestCLIAndEditorAgree: what the language server shows for a file opened
// in the editor is what `hardline lint FILE` reports, for every file of
// the fixture repository (JSON with comments, Compose, workflows, Ansible,
// values files beside manifests and Dockerfiles) and of the corpus: the
// same decision of what is a manifest, the same findings at the same
// places.
func TestCLIAndEditorAgree(t *testing.T) {
	roots := []string{filepath.Join("..", "testdata", "repo")}
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
	compared := 0
	for _, root := range roots {
		var paths []string
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && languageID(path) != "" {
				paths = append(paths, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		cli := engine.LintFiles(context.Background(), paths, configFor, analyzer.NoFixes)
		for i, res := range cli {
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			text, err := os.ReadFile(paths[i])
			if err != nil {
				t.Fatal(err)
			}
			abs, _ := filepath.Abs(paths[i])
			d := &document{uri: pathURI(abs), path: abs, name: abs, languageID: languageID(paths[i]), text: text}
			a := srv.analyze(context.Background(), d, 1, text)
			var want, got []string
			for _, f := range res.Findings {
				want = append(want, fmt.Sprintf("%d:%d %s %s", f.Range.Start.Line, f.Range.Start.Column, f.Rule.Code, f.Message))
			}
			if a != nil && a.doc != nil {
				for _, f := range a.findings {
					p := a.doc.Lines.Position(f.Start)
					got = append(got, fmt.Sprintf("%d:%d %s %s", p.Line, p.Column, f.Rule.Code, f.Message))
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: the editor and the CLI disagree (-cli +editor):\n%s", paths[i], diff)
			}
			compared++
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
