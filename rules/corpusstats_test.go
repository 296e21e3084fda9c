package rules_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hardline.dev/hardline/analyzer"
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

// TestCorpusStats lints the whole corpus with the profile all, which must
// never fail, and writes testdata/corpus-stats.txt: per rule, how many of
// the objects it applies to (files for Dockerfile and file-level rules) it
// fires on. The golden file makes any change of a rule's reach visible in
// review.
func TestCorpusStats(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus-wide")
	}
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
	for _, sub := range []string{"k8s", "k8s-helm-charts", "dockerfiles"} {
		err := filepath.WalkDir(filepath.Join(shared, "corpus", sub), func(path string, d fs.DirEntry, err error) error {
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
			for _, f := range engine.Run(doc, &cfg) {
				id := path
				if f.Object.Kind != "" && f.Rule.Code[:2] != "HL" || f.Rule.Code == "HL002" {
					id = objectID(f.Object)
				}
				mark(fired, f.Rule.Code, id)
				mark(applicable, f.Rule.Code, id)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("corpus %s: %v", sub, err)
		}
	}
	if files < 100 {
		t.Fatalf("linted only %d corpus files; is ../shared beside the repository?", files)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# hardline lint --profile all over ../shared/corpus (%d files): per rule, the objects it\n", files)
	fmt.Fprintf(&b, "# applies to (files for Dockerfile and file-level rules) and those it fires on.\n")
	fmt.Fprintf(&b, "# Regenerate with: go test ./rules -run TestCorpusStats -update\n")
	fmt.Fprintf(&b, "%-22s %-32s %10s %6s %7s\n", "rule", "name", "applicable", "fired", "share")
	for _, r := range engine.Rules() {
		n, k := len(applicable[r.Code]), len(fired[r.Code])
		share := "-"
		if n > 0 {
			share = fmt.Sprintf("%.1f%%", 100*float64(k)/float64(n))
		}
		fmt.Fprintf(&b, "%-22s %-32s %10d %6d %7s\n", r.Code, r.Name, n, k, share)
	}
	golden(t, "../testdata/corpus-stats.txt", b.String())
}
