package yamlfast

import (
	"os"
	"strings"
	"testing"
)

func crdChunks(b *testing.B) []string {
	list, _ := os.ReadFile("/tmp/crdfiles.txt")
	var out []string
	for _, f := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		t, err := os.ReadFile("/work/shared/corpus/k8s/" + f)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range split(t) {
			out = append(out, string(c))
		}
	}
	return out
}

func BenchmarkTmpSkim(b *testing.B) {
	cs := crdChunks(b)
	n := 0
	for _, c := range cs {
		n += len(c)
	}
	b.SetBytes(int64(n))
	var a Arena
	b.ResetTimer()
	for range b.N {
		for _, c := range cs {
			Skim(c, &a, keepMeta, 0)
			a.Reset()
		}
	}
}
