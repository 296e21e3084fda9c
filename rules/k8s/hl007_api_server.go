package k8s

import (
	"fmt"
	"strings"

	"hardline.dev/hardline/analyzer"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// HL007 is the API server's validation of pod specs (and the kubelet's
// refusal to start a container), for what hardline reads and what its
// fixes write. Being a rule, it is in the fix verifier, which refuses any
// fix that adds a finding: no fix can write an object the API server
// would reject. Each check below names the upstream function of
// k8s.io/kubernetes/pkg/apis/core/validation (or the kubelet) that
// refuses it, and reports once per violation.
var _ = register(&analyzer.Rule{
	Code: "HL007", Name: "rejected-by-api-server",
	Summary:  "Pod spec that the API server rejects (or whose container the kubelet refuses to start)",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Doc: analyzer.RuleDoc{
		Why: "`kubectl apply` fails on such an object, or, in a Deployment, every pod its ReplicaSet creates is rejected: nothing runs. " +
			"hardline checks what the API server validates about the fields it reads and writes:\n\n" +
			"- `allowPrivilegeEscalation: false` with `privileged: true`, or with `CAP_SYS_ADMIN` (that exact string) in `capabilities.add` (ValidateSecurityContext);\n" +
			"- seccomp and AppArmor profiles: a type (`RuntimeDefault`, `Unconfined` or `Localhost`) is required, `Localhost` needs `localhostProfile` and only `Localhost` may have one (validateSeccompProfileField, ValidateAppArmorProfileField);\n" +
			"- `runAsNonRoot: true` with `runAsUser: 0` in effect: the kubelet refuses to start the container;\n" +
			"- `runAsUser`, `runAsGroup`, `fsGroup` and `supplementalGroups` outside 0…2147483647 (IsValidUserID, IsValidGroupID);\n" +
			"- `procMount` other than `Default` or `Unmasked`, and `Unmasked` without `hostUsers: false` (ValidateSecurityContext);\n" +
			"- with `hostNetwork: true`, a `hostPort` that differs from its `containerPort` (validatePodHostNetworkDeps);\n" +
			"- `hostUsers: false` with `hostNetwork`, `hostPID` or `hostIPC` (validateHostUsers); `shareProcessNamespace` with `hostPID` (validatePodSpecSecurityContext);\n" +
			"- `os.name: linux` with `windowsOptions` (validateLinux), and `os.name: windows` with the Linux-only fields: seccomp, AppArmor, SELinux, capabilities, `privileged`, `allowPrivilegeEscalation`, `readOnlyRootFilesystem`, `procMount`, `runAsUser`, `runAsGroup`, `fsGroup`, `supplementalGroups`, `sysctls`, `hostPID`, `hostIPC`, `hostUsers`, `shareProcessNamespace` (validateWindows);\n" +
			"- a container with an empty `image`, or without one unless the object looks partial, like a patch (an `apps/v1` controller without its required selector, or a pod none of whose containers has an image); containers without a name or sharing one (validateContainerCommon, validateContainers);\n" +
			"- resource requests above their limits (ValidateContainerResourceRequirements).",
		Bad:  "securityContext:\n  privileged: true\n  allowPrivilegeEscalation: false",
		Good: "securityContext:\n  privileged: false\n  allowPrivilegeEscalation: false",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			v := validator{p: p, w: w}
			v.pod()
			for _, c := range w.Containers {
				v.container(c)
			}
		})
	},
})

// validator reports one workload's violations.
type validator struct {
	p *analyzer.Pass
	w *Workload
}

// refused reports a violation at a field (or the container or pod spec
// when at is nil), quoting the upstream message.
func (v validator) refused(c *Container, at *analyzer.Field, what, upstream string) {
	who := "pod"
	if c != nil {
		who = c.describe()
	}
	reportContainer(v.p, v.w, c, at, "%s: %s; the API server rejects it (%s)", who, what, upstream)
}

func (v validator) pod() {
	w := v.w
	v.ids(nil, w.SecurityContext, "runAsUser", "runAsGroup", "fsGroup")
	if f, ok := w.PodField("supplementalGroups"); ok {
		for _, it := range analyzer.Items(f.Value) {
			if n, isInt := analyzer.Int(it); isInt && (n < 0 || n > maxID) {
				start, end := v.p.Doc.Span(it)
				v.p.Report(analyzer.Finding{Start: start, End: end, Object: w.Object.ObjectRef, ScopeStart: w.Object.Start, ScopeEnd: w.Object.End,
					Message: fmt.Sprintf("pod: supplementalGroups has %d; the API server rejects it (must be between 0 and %d, inclusive)", n, maxID)})
			}
		}
	}
	v.profile(nil, w.SecurityContext, "seccompProfile", "seccomp")
	v.profile(nil, w.SecurityContext, "appArmorProfile", "AppArmor")

	hostNetwork := isTrue(analyzer.Lookup(w.Spec, "hostNetwork"))
	if f, ok := analyzer.Lookup(w.Spec, "hostUsers"); ok {
		if off, isBool := analyzer.Bool(f.Value); isBool && !off {
			for _, ns := range []string{"hostNetwork", "hostPID", "hostIPC"} {
				if g, ok := analyzer.Lookup(w.Spec, ns); isTrue(g, ok) {
					v.refused(nil, &g, ns+" with hostUsers: false", ns+" is forbidden when `pod.Spec.HostUsers` is false")
				}
			}
		}
	}
	if f, ok := analyzer.Lookup(w.Spec, "shareProcessNamespace"); isTrue(f, ok) && isTrue(analyzer.Lookup(w.Spec, "hostPID")) {
		v.refused(nil, &f, "shareProcessNamespace with hostPID", "ShareProcessNamespace and HostPID cannot both be enabled")
	}
	if hostNetwork {
		for _, c := range w.Containers {
			if c.List != "containers" {
				continue
			}
			for _, port := range analyzer.Items(analyzer.Get(c.Node, "ports")) {
				hf, ok := analyzer.Lookup(port, "hostPort")
				hp, hpInt := analyzer.Int(hf.Value)
				cp, cpInt := analyzer.Int(analyzer.Get(port, "containerPort"))
				if ok && hpInt && cpInt && hp != 0 && hp != cp {
					v.refused(c, &hf, fmt.Sprintf("hostPort %d differs from containerPort %d with hostNetwork: true", hp, cp),
						"must match `containerPort` when `hostNetwork` is true")
				}
			}
		}
	}

	switch analyzer.Str(analyzer.Get(w.Spec, "os", "name")) {
	case "linux":
		v.forbidden(nil, w.SecurityContext, "a linux pod", "windows options cannot be set for a linux pod", "windowsOptions")
		for _, c := range w.Containers {
			v.forbidden(c, c.SecurityContext, "a linux pod", "windows options cannot be set for a linux pod", "windowsOptions")
		}
	case "windows":
		v.forbidden(nil, w.Spec, "a windows pod", "cannot be set for a windows pod", "hostUsers", "shareProcessNamespace")
		for _, ns := range []string{"hostPID", "hostIPC"} {
			if f, ok := analyzer.Lookup(w.Spec, ns); isTrue(f, ok) {
				v.refused(nil, &f, ns+" in a windows pod", "cannot be set for a windows pod")
			}
		}
		v.forbidden(nil, w.SecurityContext, "a windows pod", "cannot be set for a windows pod", "appArmorProfile", "seLinuxOptions",
			"seccompProfile", "fsGroup", "fsGroupChangePolicy", "sysctls", "runAsUser", "runAsGroup", "supplementalGroups",
			"supplementalGroupsPolicy", "seLinuxChangePolicy")
		for _, c := range w.Containers {
			v.forbidden(c, c.SecurityContext, "a windows pod", "cannot be set for a windows pod", "appArmorProfile", "seLinuxOptions",
				"seccompProfile", "capabilities", "readOnlyRootFilesystem", "privileged", "allowPrivilegeEscalation", "procMount",
				"runAsUser", "runAsGroup")
		}
	}

	// Names identify containers (and hardline's findings); custom
	// resources may default them (Knative, Argo), core pods do not.
	if w.Core {
		seen := map[string]bool{}
		for _, c := range w.Containers {
			f, ok := analyzer.Lookup(c.Node, "name")
			switch {
			case !ok || c.Name == "":
				v.refused(c, nil, "no name", "spec.containers[*].name: Required value")
			case seen[c.Name]:
				v.refused(c, &f, fmt.Sprintf("the name %q is taken by another container of the pod", c.Name), "Duplicate value")
			default:
				seen[c.Name] = true
			}
		}
	}
}

// partial tells whether the object looks like a patch rather than an
// object to create: an apps/v1 controller without the selector that
// version requires, or a pod none of whose containers has an image.
func (v validator) partial() bool {
	o := v.w.Object
	if o.APIVersion == "apps/v1" && analyzer.Get(o.Node, "spec", "selector") == nil {
		return true
	}
	for _, c := range v.w.Containers {
		if _, ok := analyzer.Lookup(c.Node, "image"); ok {
			return false
		}
	}
	return true
}

// maxID is the largest user or group ID (IsValidUserID, IsValidGroupID).
const maxID = 2147483647

func (v validator) container(c *Container) {
	w := v.w
	// What is missing from a partial object (a kustomize or deploy-tool
	// patch) is no mistake; an image written empty always is.
	if f, ok := analyzer.Lookup(c.Node, "image"); ok && (analyzer.IsNull(f.Value) || analyzer.Str(f.Value) == "") {
		v.refused(c, &f, "an empty image", "image: Required value")
	} else if !ok && !v.partial() {
		v.refused(c, nil, "no image", "image: Required value")
	}
	sc := c.SecurityContext
	v.ids(c, sc, "runAsUser", "runAsGroup")
	v.profile(c, sc, "seccompProfile", "seccomp")
	v.profile(c, sc, "appArmorProfile", "AppArmor")

	if f, ok := c.Field("allowPrivilegeEscalation"); ok {
		if on, isBool := analyzer.Bool(f.Value); isBool && !on {
			if g, ok := c.Field("privileged"); isTrue(g, ok) {
				v.refused(c, &f, "allowPrivilegeEscalation: false with privileged: true (a privileged container always escalates)",
					"cannot set `allowPrivilegeEscalation` to false and `privileged` to true")
			}
			for _, add := range analyzer.Items(analyzer.Get(sc, "capabilities", "add")) {
				if analyzer.Str(add) == "CAP_SYS_ADMIN" {
					v.refused(c, &f, "allowPrivilegeEscalation: false with CAP_SYS_ADMIN added",
						"cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN")
				}
			}
		}
	}

	if f, ok := c.Field("procMount"); ok {
		switch pm := analyzer.Str(f.Value); pm {
		case "Default":
		case "Unmasked":
			if !w.UserNamespace {
				v.refused(c, &f, "procMount: Unmasked without hostUsers: false", "`hostUsers` must be false to use `Unmasked`")
			}
		default:
			v.refused(c, &f, fmt.Sprintf("procMount %q", pm), `Unsupported value: supported values: "Default", "Unmasked"`)
		}
	}

	// The kubelet, not the API server, refuses this one, at every start.
	if nonRoot := w.Effective(c, "runAsNonRoot"); isTrue(nonRoot.Field, nonRoot.Set()) {
		if user := w.Effective(c, "runAsUser"); user.Set() {
			if uid, isInt := analyzer.Int(user.Field.Value); isInt && uid == 0 {
				reportContainer(v.p, w, c, &user.Field, "%s: runAsNonRoot: true with runAsUser: 0; the kubelet refuses to start it "+
					"(container's runAsUser breaks non-root policy)", c.describe())
			}
		}
	}

	v.requestsWithinLimits(c)
}

// ids reports user and group IDs out of range.
func (v validator) ids(c *Container, sc *yaml.Node, keys ...string) {
	for _, key := range keys {
		f, ok := analyzer.Lookup(sc, key)
		if !ok {
			continue
		}
		if n, isInt := analyzer.Int(f.Value); isInt && (n < 0 || n > maxID) {
			v.refused(c, &f, fmt.Sprintf("%s %d is out of range", key, n), fmt.Sprintf("must be between 0 and %d, inclusive", maxID))
		}
	}
}

// profile checks a seccompProfile or appArmorProfile: a supported type,
// and localhostProfile exactly with Localhost.
func (v validator) profile(c *Container, sc *yaml.Node, key, name string) {
	pf, ok := analyzer.Lookup(sc, key)
	if !ok || analyzer.IsNull(pf.Value) {
		return
	}
	tf, hasType := analyzer.Lookup(pf.Value, "type")
	lf, hasLocal := analyzer.Lookup(pf.Value, "localhostProfile")
	hasLocal = hasLocal && !analyzer.IsNull(lf.Value)
	switch t := analyzer.Str(tf.Value); {
	case !hasType || t == "":
		v.refused(c, &pf, key+" without a type", "type is required when "+key+" is set")
	case t == "Localhost" && !hasLocal:
		v.refused(c, &tf, key+" of type Localhost without localhostProfile", "localhostProfile: must be set when "+name+" type is Localhost")
	case t == "Localhost" && name == "AppArmor" && strings.TrimSpace(analyzer.Str(lf.Value)) != analyzer.Str(lf.Value):
		v.refused(c, &lf, key+".localhostProfile padded with white space", "must not be padded with whitespace")
	case t != "Localhost" && t != "RuntimeDefault" && t != "Unconfined":
		v.refused(c, &tf, fmt.Sprintf("%s type %q", key, t), `Unsupported value: supported values: "Localhost", "RuntimeDefault", "Unconfined"`)
	case t != "Localhost" && hasLocal:
		v.refused(c, &lf, fmt.Sprintf("%s.localhostProfile with type %s", key, t), "can only be set when "+name+" type is Localhost")
	}
}

// forbidden reports each of keys that m sets, for an OS that has none of
// them.
func (v validator) forbidden(c *Container, m *yaml.Node, where, upstream string, keys ...string) {
	for _, key := range keys {
		if f, ok := analyzer.Lookup(m, key); ok && !analyzer.IsNull(f.Value) {
			v.refused(c, &f, key+" in "+where, upstream)
		}
	}
}

// requestsWithinLimits reports requests above their limits. Values that do
// not parse (a manual fix's placeholders, templating) are not judged here.
func (v validator) requestsWithinLimits(c *Container) {
	limits := analyzer.Get(c.Node, "resources", "limits")
	for _, req := range analyzer.Fields(analyzer.Get(c.Node, "resources", "requests")) {
		name := req.Key.Value
		lim, ok := analyzer.Lookup(limits, name)
		if !ok {
			continue
		}
		rq, err1 := resource.ParseQuantity(analyzer.Str(req.Value))
		lq, err2 := resource.ParseQuantity(analyzer.Str(lim.Value))
		if err1 != nil || err2 != nil || rq.Cmp(lq) <= 0 {
			continue
		}
		v.refused(c, &req, fmt.Sprintf("the %s request %s exceeds its limit %s", name, rq.String(), lq.String()),
			fmt.Sprintf("must be less than or equal to %s limit of %s", name, lq.String()))
	}
}
