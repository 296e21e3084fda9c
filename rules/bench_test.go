package rules_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/internal/testenv"
	"hardline.dev/hardline/render"
	"hardline.dev/hardline/rules"
)

type file struct {
	path string
	text []byte
}

func loadCorpus(b *testing.B, dir string, lang analyzer.Language) ([]file, int64) {
	b.Helper()
	var files []file
	var size int64
	err := filepath.WalkDir(testenv.Dir(b, "corpus/"+dir), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || analyzer.LanguageOf(path) != lang {
			return err
		}
		text, err := os.ReadFile(path)
		files = append(files, file{path, text})
		size += int64(len(text))
		return err
	})
	if err != nil || len(files) == 0 {
		b.Fatalf("corpus %s: %v", dir, err)
	}
	return files, size
}

func benchCorpus(b *testing.B, dir string, lang analyzer.Language) {
	files, size := loadCorpus(b, dir, lang)
	engine := analyzer.NewEngine(rules.All())
	cfg := &analyzer.Config{Profile: analyzer.All}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range files {
			engine.Run(context.Background(), analyzer.Parse(f.path, f.text, analyzer.ParseOptions{}), cfg)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files))/1e3, "µs/file")
}

// BenchmarkKubernetes is parse + analyze of every manifest of the corpus
// on one core; MB/s is per megabyte of YAML.
func BenchmarkKubernetes(b *testing.B) { benchCorpus(b, "k8s", analyzer.Kubernetes) }

// BenchmarkLintCorpus is what `lint --profile all corpus/k8s` does, in
// process and on all cores: the walk, files linted as it finds them,
// definitions skimmed, the rules across objects, fix hints — not the
// start-up or the output. Quieter than timing the command.
func BenchmarkLintCorpus(b *testing.B) {
	dir := testenv.Dir(b, "corpus/k8s")
	engine := analyzer.NewEngine(rules.All())
	cfg := analyzer.DefaultConfig()
	cfg.Profile, cfg.NoFingerprints, cfg.ReleaseText = analyzer.All, true, true
	configFor := func(string) (*analyzer.Config, error) { return &cfg, nil }
	b.ReportAllocs()
	for range b.N {
		if _, _, _, err := render.LintPaths(context.Background(), engine, []string{dir}, analyzer.DiscoverOptions{}, configFor, analyzer.FixHints, render.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDockerfiles is parse + analyze of every Dockerfile of the corpus.
func BenchmarkDockerfiles(b *testing.B) { benchCorpus(b, "dockerfiles", analyzer.Dockerfile) }

// manifest2000 is a 2,000-line stream of 80 Deployments, each with the
// usual findings (no securityContext at all, one privileged container).
func manifest2000() []byte {
	var b strings.Builder
	for i := 0; b.Len() == 0 || strings.Count(b.String(), "\n") < 2000; i++ {
		fmt.Fprintf(&b, `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%d
  labels: {app: app-%d}
spec:
  replicas: 2
  selector:
    matchLabels: {app: app-%d}
  template:
    metadata:
      labels: {app: app-%d}
    spec:
      containers:
      - name: app
        image: registry.example.com/app:1.%d
        ports:
        - containerPort: 8080
      - name: proxy
        image: envoy:1.31
        securityContext:
          privileged: true
`, i, i, i, i, i)
	}
	return []byte(b.String())
}

// BenchmarkFixes2000Lines computes and verifies every fix of a 2,000-line
// multi-document file (what JSON output and an editor's fix-all need).
func BenchmarkFixes2000Lines(b *testing.B) {
	text := manifest2000()
	engine := analyzer.NewEngine(rules.All())
	cfg := analyzer.DefaultConfig()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		doc := analyzer.Parse("m.yaml", text, analyzer.ParseOptions{})
		findings := engine.Run(context.Background(), doc, &cfg)
		engine.AttachFixes(context.Background(), doc, &cfg, findings)
		if len(findings[0].Fixes) == 0 {
			b.Fatal("no fixes")
		}
	}
}

// BenchmarkFixAll2000Lines applies every safe and unsafe fix of the same
// file, in rounds, as `hardline fix --write --unsafe` does.
func BenchmarkFixAll2000Lines(b *testing.B) {
	text := manifest2000()
	engine := analyzer.NewEngine(rules.All())
	cfg := analyzer.DefaultConfig()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, applied := engine.FixText(context.Background(), "m.yaml", text, analyzer.ParseOptions{}, &cfg, acceptAll); len(applied) == 0 {
			b.Fatal("nothing fixed")
		}
	}
}
