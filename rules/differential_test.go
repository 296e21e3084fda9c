package rules_test

import (
	"bytes"
	"context"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/internal/testenv"
	"hardline.dev/hardline/rules"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// upstreamPod decodes an object the way the API server would (YAML 1.1,
// typed) and returns its pod metadata and spec; ok is false for kinds
// without a pod template and objects the API would reject.
func upstreamPod(o *analyzer.Object) (*metav1.ObjectMeta, *corev1.PodSpec, bool) {
	var buf bytes.Buffer
	enc := kyaml.NewEncoder(&buf)
	if err := enc.Encode(o.Node); err != nil {
		return nil, nil, false
	}
	text := buf.Bytes()
	var tmpl *corev1.PodTemplateSpec
	switch o.Kind {
	case "Pod":
		var p corev1.Pod
		if sigsyaml.Unmarshal(text, &p) != nil {
			return nil, nil, false
		}
		tmpl = &corev1.PodTemplateSpec{ObjectMeta: p.ObjectMeta, Spec: p.Spec}
	case "PodTemplate":
		var p corev1.PodTemplate
		if sigsyaml.Unmarshal(text, &p) != nil {
			return nil, nil, false
		}
		tmpl = &p.Template
	case "ReplicationController":
		var p corev1.ReplicationController
		if sigsyaml.Unmarshal(text, &p) != nil || p.Spec.Template == nil {
			return nil, nil, false
		}
		tmpl = p.Spec.Template
	case "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet":
		// Every served version has the same pod template, so one type reads all.
		var p appsv1.Deployment
		if sigsyaml.Unmarshal(text, &p) != nil {
			return nil, nil, false
		}
		tmpl = &p.Spec.Template
	case "Job":
		var p batchv1.Job
		if sigsyaml.Unmarshal(text, &p) != nil {
			return nil, nil, false
		}
		tmpl = &p.Spec.Template
	case "CronJob":
		var p batchv1.CronJob
		if sigsyaml.Unmarshal(text, &p) != nil {
			return nil, nil, false
		}
		tmpl = &p.Spec.JobTemplate.Spec.Template
	default:
		return nil, nil, false
	}
	// The API server defaults a volume without a source to emptyDir.
	for i := range tmpl.Spec.Volumes {
		v := &tmpl.Spec.Volumes[i]
		if v.VolumeSource == (corev1.VolumeSource{}) {
			v.EmptyDir = &corev1.EmptyDirVolumeSource{}
		}
	}
	return &tmpl.ObjectMeta, &tmpl.Spec, true
}

// upstreamFailures runs the upstream checks of a level at v1.37 the way
// its evaluator does (restricted checks replace the baseline checks they
// override) and returns the IDs of those that fail.
func upstreamFailures(level psaapi.Level, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []string {
	version := psaapi.MajorMinorVersion(1, 37)
	overridden := map[policy.CheckID]bool{}
	type run struct {
		id policy.CheckID
		fn policy.CheckPodFn
	}
	var runs []run
	for _, c := range policy.DefaultChecks() {
		if level == psaapi.LevelBaseline && c.Level == psaapi.LevelRestricted {
			continue
		}
		var chosen *policy.VersionedCheck
		for i := range c.Versions {
			if !version.Older(c.Versions[i].MinimumVersion) {
				chosen = &c.Versions[i]
			}
		}
		if chosen == nil {
			continue
		}
		if level == psaapi.LevelRestricted {
			for _, o := range chosen.OverrideCheckIDs {
				overridden[o] = true
			}
		}
		runs = append(runs, run{c.ID, chosen.CheckPod})
	}
	var out []string
	for _, r := range runs {
		if overridden[r.id] {
			continue
		}
		if !r.fn(meta, spec).Allowed {
			out = append(out, strings.ToLower(string(r.id)))
		}
	}
	sort.Strings(out)
	return out
}

// baselineFoldedInto are the baseline checks that upstream's restricted
// evaluation replaces; hardline reports both (RULES.md).
var baselineFoldedInto = []string{"capabilities_baseline", "seccompprofile_baseline", "hostpathvolumes", "procmount"}

// TestPSSDifferential compares hardline with the upstream library over
// every pod-bearing object of the corpus, at both levels.
func TestPSSDifferential(t *testing.T) {
	engine := analyzer.NewEngine(rules.All())
	root := testenv.Dir(t, "corpus/k8s")
	objects, disagreements := 0, 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || analyzer.LanguageOf(path) != analyzer.Kubernetes {
			return err
		}
		text, err := readFile(path)
		if err != nil {
			return err
		}
		doc := analyzer.Parse(path, text, analyzer.ParseOptions{})
		for _, level := range []analyzer.Profile{analyzer.Baseline, analyzer.Restricted} {
			ours := map[analyzer.ObjectRef]map[string]bool{}
			for _, f := range engine.Run(context.Background(), doc, &analyzer.Config{Profile: level}) {
				if a := f.Rule.Alias("pss"); a != "" {
					if ours[f.Object] == nil {
						ours[f.Object] = map[string]bool{}
					}
					ours[f.Object][strings.ToLower(a)] = true
				}
			}
			for _, o := range doc.Objects {
				meta, spec, ok := upstreamPod(o)
				if !ok {
					continue
				}
				if level == analyzer.Baseline {
					objects++
				}
				got := ours[o.ObjectRef]
				if level == analyzer.Restricted {
					for _, b := range baselineFoldedInto {
						delete(got, b)
					}
				}
				want := upstreamFailures(psaapi.Level(level.String()), meta, spec)
				if diff := cmp.Diff(want, sortedKeys(got), cmpopts.EquateEmpty()); diff != "" {
					disagreements++
					t.Errorf("%s: %s %s/%s at %s (-upstream +hardline):\n%s", path, o.Kind, o.Namespace, o.Name, level, diff)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if objects == 0 {
		t.Errorf("compared no pod-bearing object in %s", root)
	}
	t.Logf("compared %d pod-bearing objects at 2 levels, %d disagreements", objects, disagreements)
}

func sortedKeys(m map[string]bool) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
