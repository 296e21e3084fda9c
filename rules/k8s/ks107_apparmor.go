package k8s

import (
	"strings"

	"hardline.dev/hardline/analyzer"
)

const appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/"

var _ = register(&analyzer.Rule{
	Code: "KS107", Name: "unconfined-apparmor",
	Summary:  "AppArmor profile set to Unconfined",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"pss:appArmorProfile"},
	Doc: analyzer.RuleDoc{
		Why: "On nodes with AppArmor the runtime's default profile denies writes to /proc and /sys and mounting, among others. " +
			"Unconfined removes that layer, which several container escapes rely on being absent.",
		Bad:  "securityContext:\n  appArmorProfile:\n    type: Unconfined",
		Good: "securityContext:\n  appArmorProfile:\n    type: RuntimeDefault",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			bad := func(f analyzer.Field) (analyzer.Field, string, bool) {
				at, t := f, ""
				if tf, ok := analyzer.Lookup(f.Value, "type"); ok {
					at, t = tf, analyzer.Str(tf.Value)
				}
				return at, t, t != "RuntimeDefault" && t != "Localhost"
			}
			if f, ok := w.PodField("appArmorProfile"); ok {
				if at, t, isBad := bad(f); isBad {
					reportPod(p, w, &at, "pod must not set securityContext.appArmorProfile.type to %q", t)
				}
			}
			for _, c := range w.Containers {
				if f, ok := c.Field("appArmorProfile"); ok {
					if at, t, isBad := bad(f); isBad {
						reportContainer(p, w, c, &at, "%s must not set securityContext.appArmorProfile.type to %q", c.describe(), t)
					}
				}
			}
			for _, f := range analyzer.Fields(analyzer.Get(w.Meta, "annotations")) {
				name, ok := strings.CutPrefix(f.Key.Value, appArmorAnnotationPrefix)
				if !ok {
					continue
				}
				v := analyzer.Str(f.Value)
				if v == "" || v == "runtime/default" || strings.HasPrefix(v, "localhost/") {
					continue
				}
				start, end := p.Doc.FieldSpan(f)
				p.Report(analyzer.Finding{Start: start, End: end, Object: w.Object.ObjectRef, Container: name,
					ScopeStart: w.Object.Start, ScopeEnd: w.Object.End,
					Message: "annotation " + f.Key.Value + " must not set AppArmor profile " + `"` + v + `"`})
			}
		})
	},
})
