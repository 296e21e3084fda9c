package report

import (
	"fmt"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

// Summary is the closing line of a run: the findings by severity and the
// files they are in, what `hardline fix` would fix, or, for a clean run,
// how many files were checked. Findings without a hint count as not
// fixable.
func Summary(results []analyzer.FileResult, st Style) string {
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
		return fmt.Sprintf("checked %d %s: no findings", checked, plural(checked, "file", "files"))
	}
	var parts []string
	for _, s := range []analyzer.Severity{analyzer.Error, analyzer.Warning, analyzer.Info} {
		if n := sev[s]; n > 0 {
			parts = append(parts, st.paint(colorOf(s), fmt.Sprintf("%d %s", n, plural(n, s.String(), s.String()+"s"))))
		}
	}
	out := strings.Join(parts, ", ") + fmt.Sprintf(" in %d %s", files, plural(files, "file", "files"))
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
