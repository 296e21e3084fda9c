package report

import (
	"fmt"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

// Rendered counts the charts and kustomizations a run rendered.
type Rendered struct {
	Charts, Kustomizations int
}

func (r Rendered) String() string {
	var parts []string
	if r.Charts > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", r.Charts, plural(r.Charts, "chart", "charts")))
	}
	if r.Kustomizations > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", r.Kustomizations, plural(r.Kustomizations, "kustomization", "kustomizations")))
	}
	return strings.Join(parts, " and ")
}

// Summary is the closing line of a run: the findings by severity and the
// files they are in, what `hardline fix` would fix, or, for a clean run,
// how many files were checked; and the charts and kustomizations
// rendered. Findings without a hint count as not fixable.
func Summary(results []analyzer.FileResult, rendered Rendered, st Style) string {
	var sev [analyzer.Error + 1]int
	files, checked, safe, unsafe := 0, 0, 0, 0
	for _, r := range results {
		if r.Checked {
			checked++
		}
		if len(r.Findings) > 0 {
			files++
		}
		for _, f := range r.Findings {
			sev[f.Severity]++
			if f.Hint != nil {
				switch f.Hint.Safety {
				case fixes.Safe:
					safe++
				case fixes.Unsafe:
					unsafe++
				}
			}
		}
	}
	if files == 0 {
		what := fmt.Sprintf("%d %s", checked, plural(checked, "file", "files"))
		if r := rendered.String(); r != "" {
			what += " and " + r
		}
		return "checked " + what + ": no findings"
	}
	var parts []string
	for _, s := range []analyzer.Severity{analyzer.Error, analyzer.Warning, analyzer.Info} {
		if n := sev[s]; n > 0 {
			parts = append(parts, st.paint(colorOf(s), fmt.Sprintf("%d %s", n, plural(n, s.String(), s.String()+"s"))))
		}
	}
	out := strings.Join(parts, ", ") + fmt.Sprintf(" in %d %s", files, plural(files, "file", "files"))
	if r := rendered.String(); r != "" {
		out += " (" + r + " linted)"
	}
	switch {
	case safe > 0 && unsafe > 0:
		out += fmt.Sprintf(" · %d fixable with hardline fix (%d more with --unsafe)", safe, unsafe)
	case safe > 0:
		out += fmt.Sprintf(" · %d fixable with hardline fix", safe)
	case unsafe > 0:
		out += fmt.Sprintf(" · %d fixable with hardline fix --unsafe", unsafe)
	}
	return out
}

func colorOf(s analyzer.Severity) string {
	switch s {
	case analyzer.Error:
		return red
	case analyzer.Warning:
		return yellow
	}
	return cyan
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
