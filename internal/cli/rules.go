package cli

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"hardline.dev/hardline/analyzer"
)

// Rules is `hardline rules`: the list, or one rule's documentation.
func Rules(env Env, args []string) int {
	engine, stdout, stderr := env.Engine, env.Stdout, env.Stderr
	if len(args) > 1 {
		return usageError(stderr, errors.New("usage: hardline rules [CODE|NAME|ALIAS]"))
	}
	if len(args) == 1 {
		// A peer's ID may name several rules: each one's page.
		rs := engine.Lookup(args[0])
		if len(rs) == 0 {
			return usageError(stderr, fmt.Errorf("no rule %q (run hardline rules for the list)", args[0]))
		}
		for i, r := range rs {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprint(stdout, analyzer.RuleMarkdown(r))
		}
		return ExitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tSEVERITY\tPROFILES\tALIASES")
	for _, r := range engine.Rules() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Code, r.Name, r.Severity, strings.Join(r.Profile.Profiles(), ","), strings.Join(r.Aliases, ","))
	}
	tw.Flush()
	return ExitOK
}
