// Package general holds the rules that report on files as a whole: what
// the parsers could not read and what was deliberately skipped.
package general

import "hardline.dev/hardline/analyzer"

// Rules lists the package's rules.
func Rules() []*analyzer.Rule {
	return []*analyzer.Rule{syntaxError, fileSkipped, inputLimit, unusedSuppression, renderFailed}
}

// problems reports the parser's problems of one kind as findings.
func problems(kind analyzer.ProblemKind) func(*analyzer.Pass) {
	return func(p *analyzer.Pass) {
		for _, pr := range p.Doc.Problems {
			if pr.Kind == kind {
				p.Report(analyzer.Finding{Start: pr.Start, End: pr.End, Message: pr.Message})
			}
		}
	}
}

var syntaxError = &analyzer.Rule{
	Code: "HL001", Name: "syntax-error",
	Summary:  "The YAML or Dockerfile does not parse",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Doc: analyzer.RuleDoc{
		Why: "A file that does not parse is rejected by kubectl or docker build, or worse, parsed differently than its author thinks. " +
			"The finding points at the parser's position; the rest of the file (other YAML documents, earlier instructions) is still analyzed.",
		Bad:  "metadata:\n  name: web\n   labels: {}   # indentation",
		Good: "metadata:\n  name: web\n  labels: {}",
	},
	Check: problems(analyzer.SyntaxProblem),
}

var fileSkipped = &analyzer.Rule{
	Code: "HL003", Name: "file-skipped",
	Summary:  "Not analyzed: a template outside a chart, a kustomize patch, a file too large, binary or not UTF-8, or part of a chart",
	Severity: analyzer.Info, Profile: analyzer.Baseline,
	Doc: analyzer.RuleDoc{
		Why: "Some files are not Kubernetes objects yet: Helm templates ({{ }} actions) and kustomize patches (partial objects) only become " +
			"objects after rendering. Charts (a folder with Chart.yaml) are rendered in-process and their findings reported at the template " +
			"or values line; a template found outside any chart, or a patch outside a kustomization hardline builds, is skipped instead of " +
			"misreported, and this finding says so (`helm template . | hardline lint -` lints such output). Parts of a chart that are not " +
			"rendered are reported the same way: a library chart (rendered where a chart depends on it), a missing dependency that the values " +
			"switch off, a values schema that refers to a URL or another file (never fetched). Files larger than `limits.maxFileBytes` " +
			"(10 MiB), binary files and text that is not UTF-8 are skipped too: they cannot be manifests or Dockerfiles, and reading them " +
			"would only cost time and memory.",
		Bad:  "spec:\n  replicas: {{ .Values.replicas }}   # a template outside a chart",
		Good: "# lint the chart folder (with Chart.yaml), or the output of: helm template ./chart",
	},
	Check: problems(analyzer.SkippedProblem),
}

var inputLimit = &analyzer.Rule{
	Code: "HL004", Name: "input-limit",
	Summary:  "A YAML document over an input limit: an alias bomb or nesting too deep",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Doc: analyzer.RuleDoc{
		Why: "YAML anchors and aliases let a few lines stand for billions of nodes (a \"billion laughs\" alias bomb), and deep nesting can " +
			"exhaust a parser's stack. Such a document is not analyzed: it is measured in time linear in its size and reported. The limits " +
			"are `limits.maxAliasExpansion` (nodes that aliases add, 10,000) and `limits.maxDepth` (1,000) in .hardline.yaml. The other " +
			"documents of the file are analyzed as usual.",
		Bad:  "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n# …",
		Good: "env: &env [{name: LOG_LEVEL, value: info}]\n# reuse *env a few times",
	},
	Check: problems(analyzer.LimitProblem),
}

var renderFailed = &analyzer.Rule{
	Code: "HL008", Name: "render-failed",
	Summary:  "A Helm chart or kustomization that does not render",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Doc: analyzer.RuleDoc{
		Why: "hardline renders charts and kustomizations in-process, as `helm template` and `kustomize build` do, and lints what they " +
			"produce. When that fails, none of the chart's or kustomization's objects are checked, and a CI job that passed would have " +
			"checked nothing, so the failure is an error at the position the renderer names: the template line of a parse error, " +
			"`fail` or `required`, the dependency missing from `charts/`, the values file that does not parse or meet the chart's " +
			"schema, the resource or patch a kustomization cannot read. A missing dependency that the values switch off does not stop " +
			"the render (an HL003 info says it was left out).",
		Bad:  "# Chart.yaml\ndependencies:\n  - name: redis\n    version: 20.x\n    repository: https://charts.bitnami.com/bitnami\n# … and charts/ is empty",
		Good: "# run `helm dependency build` first, so charts/ holds redis-20.x.tgz",
	},
	Check: problems(analyzer.RenderProblem),
}

var unusedSuppression = &analyzer.Rule{
	Code: "HL006", Name: "unused-suppression",
	Summary:  "A hardline:ignore code that matched no finding",
	Severity: analyzer.Info, Profile: analyzer.Baseline,
	Phase: analyzer.ReviewPhase, Tag: analyzer.Unnecessary,
	Doc: analyzer.RuleDoc{
		Why: "Suppressions outlive the problems they silenced: the field gets fixed, the container renamed, and the comment stays, " +
			"ready to hide the next real finding at that place. A `hardline:ignore` comment or `hardline.dev/ignore` annotation whose code " +
			"matched nothing, although its rule ran, is reported so it can be removed. A code whose rule is off in the profile is not reported, " +
			"and neither are peer tools' pragmas (they serve the peer too).",
		Bad:  "securityContext:\n  privileged: false  # hardline:ignore KS101 -- nothing to ignore any more",
		Good: "securityContext:\n  privileged: false",
	},
	Check: func(p *analyzer.Pass) {
		for _, s := range p.Suppressions() {
			if s.Used || s.Kind == analyzer.PeerPragma {
				continue
			}
			switch {
			case len(s.Rules) == 0:
				p.Report(analyzer.Finding{Start: s.Start, End: s.End, Message: "unknown rule " + s.Code + " in a suppression (hardline rules lists them)"})
			case s.RuleRan:
				p.Report(analyzer.Finding{Start: s.Start, End: s.End, Message: "suppression of " + s.Code + " matches no finding: remove it"})
			}
		}
	},
}
