package k8s

import (
	"sort"
	"strings"

	"hardline.dev/hardline/analyzer"
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
	// elsewhere names the place a field of another set belongs to.
	elsewhere []home
}

// home is where fields of another kind of mapping belong.
type home struct {
	fields set
	where  string
}

var (
	podSpecPlace      = place{what: "pod spec", fields: podSpecFields, elsewhere: []home{{containerFields, "a container"}, {podSecurityContextFields, "the pod's securityContext"}}}
	containerPlace    = place{what: "container", fields: containerFields, elsewhere: []home{{securityContextFields, "the container's securityContext"}, {podSpecFields, "the pod spec"}}}
	podSCPlace        = place{what: "pod securityContext", fields: podSecurityContextFields, elsewhere: []home{{securityContextFields, "each container's securityContext"}, {podSpecFields, "the pod spec"}}}
	containerSCPlace  = place{what: "container securityContext", fields: securityContextFields, elsewhere: []home{{podSecurityContextFields, "the pod's securityContext"}, {containerFields, "the container"}}}
	capabilitiesPlace = place{what: "capabilities", fields: capabilitiesFields}
)

var _ = register(&analyzer.Rule{
	Code: "HL002", Name: "invalid-field",
	Summary:  "Field that Kubernetes does not have at this place (misspelled or misplaced) and silently drops",
	Severity: analyzer.Warning, Profile: analyzer.Baseline,
	Doc: analyzer.RuleDoc{
		Why: "The API server drops unknown fields (kubectl only warns, and most deploy tools not even that), so a misspelled runAsNonroot " +
			"or a readOnlyRootFilesystem under the pod's securityContext leaves the workload without the hardening its author meant to apply, " +
			"while the manifest looks hardened to every reviewer.",
		Bad:  "spec:\n  securityContext:\n    readOnlyRootFilesystem: true   # container-only field\n    runAsNonroot: true             # misspelled",
		Good: "spec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: app\n    securityContext:\n      readOnlyRootFilesystem: true",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			checkPlace(p, w, nil, w.Spec, podSpecPlace)
			checkPlace(p, w, nil, w.SecurityContext, podSCPlace)
			for _, c := range w.Containers {
				pl := containerPlace
				if c.List == "ephemeralContainers" {
					pl.fields = newSet("targetContainerName")
					for k := range containerFields {
						pl.fields[k] = true
					}
				}
				checkPlace(p, w, c, c.Node, pl)
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
		if s := suggest(name, pl.fields); s != "" {
			msg += "; did you mean " + `"` + s + `"?`
		} else {
			for _, e := range pl.elsewhere {
				if e.fields[name] {
					msg = `"` + name + `" is not a field of the ` + pl.what + ": Kubernetes ignores it here; it belongs in " + e.where
					break
				}
			}
		}
		f := f
		if c != nil {
			reportContainer(p, w, c, &f, "%s", msg)
		} else {
			reportPod(p, w, &f, "%s", msg)
		}
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
