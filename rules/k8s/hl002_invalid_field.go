package k8s

import (
	"sort"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Field names of the core/v1 types at Kubernetes v1.37 (from k8s.io/api's
// JSON tags).
var (
	podSpecFields = newSet("activeDeadlineSeconds", "affinity", "automountServiceAccountToken", "containers", "dnsConfig",
		"dnsPolicy", "enableServiceLinks", "ephemeralContainers", "evictionResponders", "hostAliases", "hostIPC", "hostNetwork",
		"hostPID", "hostUsers", "hostname", "hostnameOverride", "imagePullSecrets", "initContainers", "nodeName", "nodeSelector",
		"os", "overhead", "preemptionPolicy", "priority", "priorityClassName", "readinessGates", "resourceClaims", "resources",
		"restartPolicy", "runtimeClassName", "schedulerName", "schedulingGates", "schedulingGroup", "securityContext",
		"serviceAccount", "serviceAccountName", "setHostnameAsFQDN", "shareProcessNamespace", "subdomain",
		"terminationGracePeriodSeconds", "tolerations", "topologySpreadConstraints", "volumes")
	containerFields = newSet("args", "command", "env", "envFrom", "image", "imagePullPolicy", "lifecycle", "livenessProbe",
		"name", "ports", "readinessProbe", "resizePolicy", "resources", "restartPolicy", "restartPolicyRules", "securityContext",
		"startupProbe", "stdin", "stdinOnce", "terminationMessagePath", "terminationMessagePolicy", "tty", "volumeDevices",
		"volumeMounts", "workingDir")
	podSecurityContextFields = newSet("appArmorProfile", "fsGroup", "fsGroupChangePolicy", "runAsGroup", "runAsNonRoot",
		"runAsUser", "seLinuxChangePolicy", "seLinuxOptions", "seccompProfile", "supplementalGroups", "supplementalGroupsPolicy",
		"sysctls", "windowsOptions")
	securityContextFields = newSet("allowPrivilegeEscalation", "appArmorProfile", "capabilities", "privileged", "procMount",
		"readOnlyRootFilesystem", "runAsGroup", "runAsNonRoot", "runAsUser", "seLinuxOptions", "seccompProfile", "windowsOptions")
	capabilitiesFields = newSet("add", "drop")
)

// place is one kind of mapping HL002 checks, and where misplaced fields of
// it belong instead.
type place struct {
	what   string
	fields set
	// source is the path of the place below the container (c != nil) or
	// the pod spec, for the fix that moves a field away.
	source    []string
	elsewhere []home
}

// home is where fields of another kind of mapping belong, and for a fix,
// where exactly: a path below the container or the pod spec.
type home struct {
	fields set
	where  string
	// inContainer: the fields go to each container, at path; else to the
	// pod spec at path. nil path: no automatic move (the intent is unclear).
	inContainer bool
	path        []string
}

var (
	podSpecPlace = place{what: "pod spec", fields: podSpecFields, elsewhere: []home{
		{containerFields, "a container", false, nil},
		{podSecurityContextFields, "the pod's securityContext", false, []string{"securityContext"}}}}
	containerPlace = place{what: "container", fields: containerFields, elsewhere: []home{
		{securityContextFields, "the container's securityContext", true, []string{"securityContext"}},
		{podSpecFields, "the pod spec", false, nil}}}
	podSCPlace = place{what: "pod securityContext", fields: podSecurityContextFields, source: []string{"securityContext"}, elsewhere: []home{
		{securityContextFields, "each container's securityContext", true, []string{"securityContext"}},
		{podSpecFields, "the pod spec", false, nil}}}
	containerSCPlace = place{what: "container securityContext", fields: securityContextFields, source: []string{"securityContext"}, elsewhere: []home{
		{podSecurityContextFields, "the pod's securityContext", false, []string{"securityContext"}},
		{containerFields, "the container", true, nil}}}
	capabilitiesPlace = place{what: "capabilities", fields: capabilitiesFields, source: []string{"securityContext", "capabilities"}}
)

var _ = register(&analyzer.Rule{
	Code: "HL002", Name: "invalid-field",
	Summary:  "Field that Kubernetes does not have at this place (misspelled or misplaced) and silently drops",
	Severity: analyzer.Warning, Profile: analyzer.Baseline,
	Doc: analyzer.RuleDoc{
		Why: "The API server drops unknown fields (kubectl only warns, and most deploy tools not even that), so a misspelled runAsNonroot " +
			"or a readOnlyRootFilesystem under the pod's securityContext leaves the workload without the hardening its author meant to apply, " +
			"while the manifest looks hardened to every reviewer. The fix (unsafe: the setting starts to apply) renames an obvious " +
			"misspelling or moves a scalar field to where Kubernetes reads it.",
		Bad:  "spec:\n  securityContext:\n    readOnlyRootFilesystem: true   # container-only field\n    runAsNonroot: true             # misspelled",
		Good: "spec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: app\n    securityContext:\n      readOnlyRootFilesystem: true",
		Fix:  "Unsafe (the setting starts to apply): renames an obvious misspelling, or moves a scalar field to where Kubernetes reads it (pod ⇄ container securityContext, container ⇄ its securityContext). Moves that would make another rule fire are not offered.",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			// A custom resource's pod spec has fields of its own
			// (Knative's timeouts, an Argo template's steps).
			if w.Core {
				checkPlace(p, w, nil, w.Spec, podSpecPlace)
			}
			checkPlace(p, w, nil, w.SecurityContext, podSCPlace)
			for _, c := range w.Containers {
				pl := containerPlace
				if c.List == "ephemeralContainers" {
					pl.fields = newSet("targetContainerName")
					for k := range containerFields {
						pl.fields[k] = true
					}
				}
				if c.List != "script" { // an Argo script is a container with its source
					checkPlace(p, w, c, c.Node, pl)
				}
				checkPlace(p, w, c, c.SecurityContext, containerSCPlace)
				checkPlace(p, w, c, analyzer.Get(c.SecurityContext, "capabilities"), capabilitiesPlace)
			}
		})
	},
})

func checkPlace(p *analyzer.Pass, w *Workload, c *Container, m *yaml.Node, pl place) {
	for _, f := range analyzer.Fields(m) {
		name := f.Key.Value
		if pl.fields[name] || name == "<<" || f.Key.Kind != yaml.ScalarNode {
			continue
		}
		msg := "unknown field " + `"` + name + `"` + " in the " + pl.what + ": Kubernetes ignores it"
		var fix func() []fixes.Fix
		if s := suggest(name, pl.fields); s != "" {
			msg += "; did you mean " + `"` + s + `"?`
			if _, taken := analyzer.Lookup(m, s); !taken {
				fix = renameFix(p, w, f, s)
			}
		} else {
			for _, e := range pl.elsewhere {
				if e.fields[name] {
					msg = `"` + name + `" is not a field of the ` + pl.what + ": Kubernetes ignores it here; it belongs in " + e.where
					if e.path != nil && f.Value.Kind == yaml.ScalarNode {
						fix = moveFix(p, w, c, pl, e, f)
					}
					break
				}
			}
		}
		f := f
		reportFixable(p, w, c, &f, fix, "%s", msg)
	}
}

func renameFix(p *analyzer.Pass, w *Workload, f analyzer.Field, name string) func() []fixes.Fix {
	doc := p.Doc
	return func() []fixes.Fix {
		edit, err := doc.YAMLEditor(w.Object).RenameKey(f.Key, name)
		if err != nil {
			return nil
		}
		return []fixes.Fix{{Title: "Rename " + f.Key.Value + " to " + name, Safety: fixes.Unsafe, Edits: []fixes.TextEdit{edit}}}
	}
}

// moveFix moves a scalar field from where it is ignored to where it
// belongs: to the pod, or to every container that does not set it itself.
func moveFix(p *analyzer.Pass, w *Workload, c *Container, pl place, e home, f analyzer.Field) func() []fixes.Fix {
	doc := p.Doc
	return func() []fixes.Fix {
		ed := doc.YAMLEditor(w.Object)
		name := f.Key.Value
		value := fixes.Lit(doc.Text[doc.NodeStart(f.Value):doc.NodeEnd(f.Value)])
		sourceOwner := w.Spec
		if c != nil {
			sourceOwner = c.Node
		}
		remove, err := ed.Remove(sourceOwner, append(append([]string{}, pl.source...), name))
		if err != nil {
			return nil
		}
		edits := []fixes.TextEdit{remove}
		var targets []*yaml.Node
		switch {
		case !e.inContainer:
			targets = []*yaml.Node{w.Spec}
		case c != nil:
			targets = []*yaml.Node{c.Node}
		default:
			for _, other := range w.Containers {
				targets = append(targets, other.Node)
			}
		}
		for _, t := range targets {
			path := append(append([]string{}, e.path...), name)
			if analyzer.Get(t, path...) != nil {
				continue // it sets its own value: keep it
			}
			edit, err := ed.Set(t, path, value)
			if err != nil {
				return nil
			}
			edits = append(edits, edit)
		}
		if len(edits) == 1 || fixes.Overlap(edits[:1], edits[1:]) {
			return nil
		}
		return []fixes.Fix{{Title: "Move " + name + " to " + e.where, Safety: fixes.Unsafe, Edits: edits}}
	}
}

// suggest finds the known field a misspelling most likely meant: the same
// name in another case, or one at edit distance at most 2.
func suggest(name string, known set) string {
	var best string
	bestDist := 3
	names := make([]string, 0, len(known))
	for k := range known {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if strings.EqualFold(k, name) {
			return k
		}
		if d := editDistance(strings.ToLower(name), strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	// Very short names are too easy to confuse with something unrelated.
	if len(name) < 5 && bestDist > 1 {
		return ""
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
