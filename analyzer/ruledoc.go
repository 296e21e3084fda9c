package analyzer

import (
	"fmt"
	"strings"
)

// DefaultDocsURL is the base of the rule documentation links; the docsURL
// setting replaces it (e.g. with an internal mirror).
const DefaultDocsURL = "https://hardline.dev/rules/"

// RuleURL is a rule's documentation link: one per rule, from one base.
func RuleURL(base string, r *Rule) string {
	if base == "" {
		base = DefaultDocsURL
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base + r.Code
}

// RuleMarkdown renders a rule's documentation page. `hardline rules CODE`
// prints it and docs/rules.md is generated from it, so both say the same.
func RuleMarkdown(r *Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s %s\n\n%s.\n\n", r.Code, r.Name, r.Summary)
	fmt.Fprintf(&b, "- Severity: %s\n- Profiles: %s\n", r.Severity, strings.Join(r.Profile.Profiles(), ", "))
	if len(r.Aliases) > 0 {
		fmt.Fprintf(&b, "- Aliases: %s\n", strings.Join(r.Aliases, ", "))
	}
	fmt.Fprintf(&b, "\n### Why it matters\n\n%s\n", r.Doc.Why)
	lang := "yaml"
	comment := "# hardline:ignore " + r.Code + " -- reason"
	if r.Language == Dockerfile {
		lang = "dockerfile"
	}
	fmt.Fprintf(&b, "\n### Bad\n\n```%s\n%s\n```\n\n### Good\n\n```%s\n%s\n```\n", lang, r.Doc.Bad, lang, r.Doc.Good)
	if r.Doc.Fix != "" {
		fmt.Fprintf(&b, "\n### Fix\n\n%s\n", r.Doc.Fix)
	}
	fmt.Fprintf(&b, "\n### Suppress\n\nOn the line of the finding or the line above it:\n\n```\n%s\n```\n", comment)
	return b.String()
}
