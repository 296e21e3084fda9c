// Package general holds the rules that report on files as a whole: what
// the parsers could not read and what was deliberately skipped.
package general

import "hardline.dev/hardline/analyzer"

// Rules lists the package's rules.
func Rules() []*analyzer.Rule { return []*analyzer.Rule{syntaxError, fileSkipped} }

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
	Summary:  "File not analyzed: a Helm template or a kustomize patch",
	Severity: analyzer.Info, Profile: analyzer.Baseline,
	Doc: analyzer.RuleDoc{
		Why: "Some files are not Kubernetes objects yet: Helm templates ({{ }} actions) and kustomize patches (partial objects) only become " +
			"objects after rendering. Linting them as they are would report syntax errors and false positives, so they are skipped and " +
			"this finding says so. Lint the rendered output instead (`helm template . | hardline lint -`, `kustomize build | hardline lint -`).",
		Bad:  "spec:\n  replicas: {{ .Values.replicas }}",
		Good: "# lint the output of: helm template ./chart",
	},
	Check: problems(analyzer.SkippedProblem),
}
