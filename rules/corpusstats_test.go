package rules_test

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/internal/testenv"
	"hardline.dev/hardline/rules"
)

// podKinds are the kinds with a pod template.
var podKinds = map[string]bool{"Pod": true, "PodTemplate": true, "ReplicationController": true, "Deployment": true,
	"ReplicaSet": true, "DaemonSet": true, "StatefulSet": true, "Job": true, "CronJob": true}

// appliesTo tells which objects a Kubernetes rule looks at, for the
// corpus statistics: a rule that fires on all of them or none is worth a
// second look.
func appliesTo(code string, o *analyzer.Object) bool {
	switch {
	case code == "KS405" || code == "KS406":
		return podKinds[o.Kind] && o.Kind != "Job" && o.Kind != "CronJob"
	case code == "KS701" || code == "KS703" || code == "KS704":
		return o.Kind == "Role" || o.Kind == "ClusterRole"
	case code == "KS702":
		return o.Kind == "RoleBinding" || o.Kind == "ClusterRoleBinding"
	case code == "KS705":
		return o.Kind == "Ingress"
	case code == "KS601" || code == "KS602" || code == "HL002":
		return true
	default:
		return podKinds[o.Kind]
	}
}

var report = flag.Bool("report", false, "write docs/corpus-stats.txt, the per-rule report over ../shared/corpus")

// TestCorpusStats lints the whole corpus with the profile all and checks
// what must hold for any corpus: no rule fails internally and every
// finding lies in its file. With -report (scripts/corpus-report.sh) it
// writes docs/corpus-stats.txt: per rule, how many of the objects it
// applies to (files for Dockerfile and file-level rules) it fires on. The
// corpus grows between sessions, so the figures are for reading in
// review, not a golden.
func TestCorpusStats(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus-wide")
	}
	corpus := testenv.Dir(t, "corpus")
	engine := analyzer.NewEngine(rules.All())
	cfg := analyzer.DefaultConfig()
	cfg.Profile = analyzer.All
	applicable, fired := map[string]map[string]bool{}, map[string]map[string]bool{}
	mark := func(m map[string]map[string]bool, code, id string) {
		if m[code] == nil {
			m[code] = map[string]bool{}
		}
		m[code][id] = true
	}
	files := 0
	for _, sub := range []string{"k8s", "k8s-helm-charts", "kustomize", "dockerfiles"} {
		err := filepath.WalkDir(filepath.Join(corpus, sub), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || analyzer.LanguageOf(path) == analyzer.Unknown {
				return err
			}
			text, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			doc := analyzer.Parse(path, text, analyzer.ParseOptions{})
			objectID := func(ref analyzer.ObjectRef) string {
				return path + "|" + ref.Kind + "|" + ref.Namespace + "|" + ref.Name
			}
			for _, r := range engine.Rules() {
				if !cfg.Enabled(r) {
					continue
				}
				switch {
				case doc.Language == analyzer.Dockerfile && (r.Language == analyzer.Dockerfile || strings.HasPrefix(r.Code, "HL") && r.Code != "HL002"):
					mark(applicable, r.Code, path)
				case doc.Language == analyzer.Kubernetes && strings.HasPrefix(r.Code, "HL") && r.Code != "HL002":
					mark(applicable, r.Code, path)
				case doc.Language == analyzer.Kubernetes:
					for _, o := range doc.Objects {
						if appliesTo(r.Code, o) {
							mark(applicable, r.Code, objectID(o.ObjectRef))
						}
					}
				}
			}
			for _, f := range engine.Run(context.Background(), doc, &cfg) {
				if strings.HasPrefix(f.Message, "internal error") {
					t.Errorf("%s:%d: %s: %s", path, f.Range.Start.Line, f.Rule.Code, f.Message)
				}
				if f.Start < 0 || f.End < f.Start || f.End > len(text) {
					t.Errorf("%s: %s: span [%d,%d) outside the file", path, f.Rule.Code, f.Start, f.End)
				}
				id := path
				if f.Object.Kind != "" && f.Rule.Code[:2] != "HL" || f.Rule.Code == "HL002" {
					id = objectID(f.Object)
				}
				mark(fired, f.Rule.Code, id)
				mark(applicable, f.Rule.Code, id)
			}
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatalf("corpus %s: %v", sub, err)
		}
	}
	if files == 0 {
		t.Fatalf("no file read under %s", corpus)
	}
	if !*report {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# hardline lint --profile all over ../shared/corpus (%d files): per rule, the objects it\n", files)
	fmt.Fprintf(&b, "# applies to (files for Dockerfile and file-level rules) and those it fires on.\n")
	fmt.Fprintf(&b, "# A report for reading, not a golden: regenerate with scripts/corpus-report.sh.\n")
	fmt.Fprintf(&b, "%-22s %-32s %10s %6s %7s\n", "rule", "name", "applicable", "fired", "share")
	for _, r := range engine.Rules() {
		n, k := len(applicable[r.Code]), len(fired[r.Code])
		share := "-"
		if n > 0 {
			share = fmt.Sprintf("%.1f%%", 100*float64(k)/float64(n))
		}
		fmt.Fprintf(&b, "%-22s %-32s %10d %6d %7s\n", r.Code, r.Name, n, k, share)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "corpus-stats.txt"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
