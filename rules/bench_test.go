package rules_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"hardline.dev/hardline/analyzer"
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
	err := filepath.WalkDir(filepath.Join(shared, "corpus", dir), func(path string, d fs.DirEntry, err error) error {
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
			engine.Run(analyzer.Parse(f.path, f.text, analyzer.ParseOptions{}), cfg)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files))/1e3, "µs/file")
}

// BenchmarkKubernetes is parse + analyze of every manifest of the corpus
// on one core; MB/s is per megabyte of YAML.
func BenchmarkKubernetes(b *testing.B) { benchCorpus(b, "k8s", analyzer.Kubernetes) }

// BenchmarkDockerfiles is parse + analyze of every Dockerfile of the corpus.
func BenchmarkDockerfiles(b *testing.B) { benchCorpus(b, "dockerfiles", analyzer.Dockerfile) }
