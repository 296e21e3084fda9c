package render_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
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
	"hardline.dev/hardline/render/kustomize"
)

// TestCorpusCharts renders every chart of the corpus with its default
// values and each ci/ values file. Whatever the charts are (the corpus
// grows), rendering never panics, every render either produces
// manifests or says why not with a finding, and every finding lies
// inside the file it names.
func TestCorpusCharts(t *testing.T) {
	dir := testenv.Dir(t, "corpus/k8s-helm-charts")
	in, err := render.Discover([]string{dir}, analyzer.DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Charts) == 0 {
		t.Fatalf("no charts found under %s", dir)
	}
	for _, root := range in.Charts {
		t.Run(filepath.Base(root), func(t *testing.T) {
			renders := helm.Renders(context.Background(), root, helm.Options{})
			for _, r := range renders {
				if len(r.Docs) == 0 && len(r.Problems) == 0 {
					t.Errorf("render %s: no manifests and no finding saying why", r.Name)
				}
			}
			for _, res := range engine.LintRendered(context.Background(), renders, nil, analyzer.NoFixes) {
				n := len(res.Lines.Bytes())
				for _, f := range res.Findings {
					if f.Start < 0 || f.End < f.Start || f.End > n {
						t.Errorf("%s: %s span %d-%d outside the file (%d bytes)", res.Path, f.Rule.Code, f.Start, f.End, n)
					}
				}
			}
		})
	}
}

// refused are the corpus charts that `helm template` refuses (SOURCES.md
// says why): each gives exactly one finding of its default render that
// says why, never a crash.
var refused = map[string]string{
	"kube-prometheus-stack": "HL008", // enabled dependencies missing
	"loki-stack":            "HL008", // requirements.yaml dependencies missing
	"bjw-s-common":          "HL003", // a library chart
	"test-chart":            "HL008", // bjw-s-common's test chart: its file://../ dependency is missing
	"app-template":          "HL003", // values schema $ref to a URL: not fetched, values not checked
	"argo-cd":               "HL003", // redis-ha missing but switched off: rendered without it
}

// TestCorpusRefusedCharts checks that each chart Helm refuses gives one
// clear finding with its default values, of the expected rule.
func TestCorpusRefusedCharts(t *testing.T) {
	dir := testenv.Dir(t, "corpus/k8s-helm-charts")
	in, err := render.Discover([]string{dir}, analyzer.DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, root := range in.Charts {
		code, ok := refused[filepath.Base(root)]
		if !ok {
			continue
		}
		seen++
		renders := helm.Renders(context.Background(), root, helm.Options{})
		var problems []string
		for _, p := range renders[0].Problems {
			problems = append(problems, fmt.Sprintf("%v %s", p.Kind, p.Message))
		}
		if len(renders[0].Problems) != 1 {
			t.Errorf("%s: want one finding that says why Helm refuses it, got %d: %q", root, len(problems), problems)
			continue
		}
		want := analyzer.RenderProblem
		if code == "HL003" {
			want = analyzer.SkippedProblem
		}
		if got := renders[0].Problems[0].Kind; got != want {
			t.Errorf("%s: the finding is of kind %v, want %s: %q", root, got, code, problems)
		}
	}
	if seen == 0 {
		t.Errorf("none of the refused charts found under %s", dir)
	}
}

// TestAgreesWithHelmTemplate checks that the charts Helm renders give, in
// process, the findings `helm template CHART | hardline lint -` gives:
// the same rules on the same objects and containers. It needs the helm
// binary (v3.22; .ci/run installs it), and is skipped without it unless
// CI asks for every corpus test.
func TestAgreesWithHelmTemplate(t *testing.T) {
	dir := testenv.Dir(t, "corpus/k8s-helm-charts")
	helmBin, err := exec.LookPath("helm")
	if err != nil {
		if testenv.Required() {
			t.Fatal("helm is not installed (go install helm.sh/helm/v3/cmd/helm@v3.22.0)")
		}
		t.Skip("helm is not installed: go install helm.sh/helm/v3/cmd/helm@v3.22.0 to run this test")
	}
	in, err := render.Discover([]string{dir}, analyzer.DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := analyzer.DefaultConfig()
	compared := 0
	for _, root := range in.Charts {
		if _, ok := refused[filepath.Base(root)]; ok {
			continue
		}
		t.Run(filepath.Base(root), func(t *testing.T) {
			home := t.TempDir()
			cmd := exec.Command(helmBin, "template", root, "--kube-version", "1.37.0")
			cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+home, "HELM_CONFIG_HOME="+home, "HELM_DATA_HOME="+home)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("helm template: %v\n%s", err, stderr.String())
			}
			doc := analyzer.Parse("-", stdout.Bytes(), analyzer.ParseOptions{Language: analyzer.Kubernetes})
			want := keys(engine.Run(context.Background(), doc, &cfg))

			renders := helm.Renders(context.Background(), root, helm.Options{})
			var got []string
			for _, r := range engine.LintRendered(context.Background(), renders[:1], &cfg, analyzer.NoFixes) {
				got = append(got, keys(r.Findings)...)
			}
			sort.Strings(got)
			got = slices.Compact(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("in-process findings differ from helm template | hardline lint - (-helm +in-process):\n%s", diff)
			}
			compared++
		})
	}
	if compared == 0 {
		t.Error("no chart compared")
	}
}

// keys identifies findings by rule, object and container, sorted and
// unique (a rendered finding reported at one place for two renders is
// one finding).
func keys(fs []analyzer.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s/%s %s", f.Rule.Code, f.Object.Kind, f.Object.Name, f.Container))
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// BenchmarkCorpusCharts renders and lints each corpus chart (default
// values only, as the editor does) and, as the reference measured in the
// same run, lints the same rendered text without rendering: the ratio of
// the two is what rendering and locating costs.
func BenchmarkCorpusCharts(b *testing.B) {
	dir := testenv.Dir(b, "corpus/k8s-helm-charts")
	in, err := render.Discover([]string{dir}, analyzer.DiscoverOptions{})
	if err != nil {
		b.Fatal(err)
	}
	cfg := analyzer.DefaultConfig()
	ctx := context.Background()
	for _, root := range in.Charts {
		renders := helm.Renders(ctx, root, helm.Options{})
		if len(renders[0].Docs) == 0 {
			continue
		}
		b.Run(filepath.Base(root)+"/render+lint", func(b *testing.B) {
			for b.Loop() {
				r := helm.Render(ctx, root, helm.Options{})
				engine.LintRendered(ctx, []*analyzer.Rendered{r}, &cfg, analyzer.NoFixes)
			}
		})
		b.Run(filepath.Base(root)+"/lint-only", func(b *testing.B) {
			for b.Loop() {
				for _, d := range renders[0].Docs {
					engine.Run(ctx, analyzer.Parse(d.Path, d.Text, analyzer.ParseOptions{Language: analyzer.Kubernetes}), &cfg)
				}
			}
		})
	}
}

// TestCorpusKustomize builds every root kustomization of the corpus:
// each builds (the examples all do with kustomize), no component is
// built alone, and every finding lies inside the file it names.
func TestCorpusKustomize(t *testing.T) {
	dir := testenv.Dir(t, "corpus/kustomize")
	in, err := render.Discover([]string{dir}, analyzer.DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Kustomizations) == 0 {
		t.Fatalf("no kustomizations found under %s", dir)
	}
	for _, root := range in.Kustomizations {
		k, err := kustomize.Read(kustomize.Find(root))
		if err != nil {
			t.Errorf("%s: %v", root, err)
			continue
		}
		if k.Kind == "Component" {
			t.Errorf("%s: a component was built alone", root)
		}
		rd, read := kustomize.Build(context.Background(), root, kustomize.Options{})
		for _, p := range rd.Problems {
			t.Errorf("%s: %s", root, p.Message)
		}
		if len(rd.Docs) == 0 || len(read) == 0 {
			t.Errorf("%s: built nothing", root)
		}
		for _, res := range engine.LintRendered(context.Background(), []*analyzer.Rendered{rd}, nil, analyzer.NoFixes) {
			n := len(res.Lines.Bytes())
			for _, f := range res.Findings {
				if f.Start < 0 || f.End < f.Start || f.End > n {
					t.Errorf("%s: %s span %d-%d outside the file (%d bytes)", res.Path, f.Rule.Code, f.Start, f.End, n)
				}
			}
		}
	}
}

// TestAgreesWithKustomizeBuild checks that every root kustomization of
// the corpus builds in-process to exactly what `kustomize build` (v5.7.1;
// .ci/run installs it) prints.
func TestAgreesWithKustomizeBuild(t *testing.T) {
	dir := testenv.Dir(t, "corpus/kustomize")
	bin, err := exec.LookPath("kustomize")
	if err != nil {
		if testenv.Required() {
			t.Fatal("kustomize is not installed (go install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1)")
		}
		t.Skip("kustomize is not installed: go install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1 to run this test")
	}
	in, err := render.Discover([]string{dir}, analyzer.DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, root := range in.Kustomizations {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, "build", root)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Errorf("kustomize build %s: %v\n%s", root, err, stderr.String())
			continue
		}
		rd, _ := kustomize.Build(context.Background(), root, kustomize.Options{})
		if len(rd.Docs) != 1 {
			t.Errorf("%s: no build: %+v", root, rd.Problems)
			continue
		}
		if diff := cmp.Diff(stdout.String(), string(rd.Docs[0].Text)); diff != "" {
			t.Errorf("%s: in-process build differs from kustomize build (-kustomize +in-process):\n%s", root, diff)
		}
	}
}

// TestCorpusMarkedLines measures, on eight corpus charts whose findings
// were judged by hand (testdata/corpus-marks.txt: the line where a user
// would make the change), the share of findings of the default render
// that land on the judged line.
func TestCorpusMarkedLines(t *testing.T) {
	dir := testenv.Dir(t, "corpus/k8s-helm-charts")
	text, err := os.ReadFile(filepath.Join("..", "testdata", "corpus-marks.txt"))
	if err != nil {
		t.Fatal(err)
	}
	marked := map[string]bool{}
	charts := map[string]bool{}
	for _, l := range strings.Split(string(text), "\n") {
		l, _, _ = strings.Cut(l, "#")
		if f := strings.Fields(l); len(f) == 2 {
			marked[f[0]+" "+f[1]] = true
			chart, _, _ := strings.Cut(f[0], "/")
			charts[chart] = true
		}
	}
	total, on := 0, 0
	for chart := range charts {
		root := filepath.Join(dir, chart)
		if _, err := os.Stat(root); err != nil {
			continue
		}
		cfg := analyzer.DefaultConfig()
		seen := map[string]bool{}
		for _, r := range engine.LintRendered(context.Background(), []*analyzer.Rendered{helm.Render(context.Background(), root, helm.Options{})}, &cfg, analyzer.NoFixes) {
			rel, _ := filepath.Rel(dir, r.Path)
			for _, f := range r.Findings {
				k := fmt.Sprintf("%s:%d %s", filepath.ToSlash(rel), f.Range.Start.Line, f.Rule.Code)
				if seen[k] {
					continue
				}
				seen[k] = true
				total++
				if marked[k] {
					on++
				} else {
					t.Logf("not on its judged line: %s %s", k, f.Message)
				}
			}
		}
	}
	if total == 0 {
		t.Fatal("none of the judged charts found")
	}
	share := float64(on) / float64(total)
	t.Logf("%d of %d findings (%.0f%%) on the line judged by hand", on, total, 100*share)
	if share < 0.9 {
		t.Errorf("only %.0f%% of the findings on their judged line", 100*share)
	}
}
