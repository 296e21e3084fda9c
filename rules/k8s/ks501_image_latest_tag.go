package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS501", Name: "image-latest-tag",
	Summary:  "image with no tag or the :latest tag, and no digest",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Aliases: []string{"kube-linter:latest-tag", "kube-score:container-image-tag", "polaris:tagNotSpecified",
		"checkov:CKV_K8S_14", "trivy:KSV-0013"},
	Doc: analyzer.RuleDoc{
		Why: "`:latest` (which is also what no tag means) names whatever was pushed last: two nodes can run different code for the same " +
			"pod, a restart can silently upgrade, and a rollback goes nowhere. With it the kubelet also defaults imagePullPolicy to Always, " +
			"so every start depends on the registry. A reference with a digest is exact whatever its tag.",
		Bad:  "image: nginx",
		Good: "image: nginx:1.27.3",
		Fix:  "None: which version to run is yours to choose. `hardline pin` pins the image to the digest its tag names now.",
	},
	Check: func(p *analyzer.Pass) {
		forImages(p, func(w *Workload, c *Container, f analyzer.Field, ref imageRef) {
			switch {
			case ref.Digest != "":
			case ref.Tag == "":
				reportContainer(p, w, c, &f, "%s's image has no tag, which means :latest: name a version", c.describe())
			case ref.Tag == "latest":
				reportContainer(p, w, c, &f, "%s's image uses the :latest tag: name a version", c.describe())
			}
		})
	},
})
