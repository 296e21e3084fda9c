package k8s

import "hardline.dev/hardline/analyzer"

// OpenShift's SecurityContextConstraints are policies: whatever an SCC
// allows, every pod admitted under it may do. The SCC rules judge them by
// the logic of the Pod Security Standards rules, one field each.

// forSCCs calls fn for each SecurityContextConstraints of the document.
func forSCCs(p *analyzer.Pass, fn func(o *analyzer.Object)) {
	for _, o := range p.Doc.Objects {
		if o.Kind == "SecurityContextConstraints" && o.Group() == "security.openshift.io" {
			fn(o)
		}
	}
}

// sccTrue reports an SCC whose boolean field key is true.
func sccTrue(p *analyzer.Pass, o *analyzer.Object, key, consequence string) {
	f, ok := analyzer.Lookup(o.Node, key)
	if !ok {
		return
	}
	if b, ok := analyzer.Bool(f.Value); ok && b {
		reportObject(p, o, &f, "SecurityContextConstraints %q sets %s: true, so %s", o.Name, key, consequence)
	}
}
