package dockerfile

import (
	"strings"

	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF202", Name: "apt-lists-not-removed",
	Summary:  "apt-get update without removing /var/lib/apt/lists in the same RUN",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"hadolint:DL3009"},
	Doc: analyzer.RuleDoc{
		Why: "apt-get update downloads package lists (tens of MB) into /var/lib/apt/lists. Unless the same RUN removes them they stay in a layer " +
			"of the image for good, and stale lists invite installing outdated packages later. Like hadolint, this applies to the final stage and " +
			"to stages another stage builds FROM; a build cache mounted at /var/lib/apt/lists is fine.",
		Bad:  "RUN apt-get update && apt-get install -y --no-install-recommends curl",
		Good: "RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*",
	},
	Check: func(p *analyzer.Pass) {
		ast := p.Doc.Dockerfile
		if ast == nil || len(ast.Stages) == 0 {
			return
		}
		final := ast.Stages[len(ast.Stages)-1]
		for _, r := range runs(p) {
			if r.Stage != final && !builtOn(ast, r.Stage) {
				continue
			}
			if cacheMount(r.In, "/var/lib/apt/lists") || cacheMount(r.In, "/var/lib/apt") && cacheMount(r.In, "/var/cache/apt") {
				continue
			}
			var update *int
			removed := false
			for i, c := range r.Script.Commands {
				switch c.Name {
				case "apt-get", "apt", "aptitude":
					if c.Sub(aptValued...) == "update" && update == nil {
						update = &i
					}
				case "rm":
					for _, a := range c.Operands() {
						if strings.HasPrefix(a.Value, "/var/lib/apt/lists") {
							removed = true
						}
					}
				}
			}
			if update == nil || removed {
				continue
			}
			c := r.Script.Commands[*update]
			report(p, r.Stage, c.Start, c.End, nil, c.Name+" update leaves its package lists in the image: remove /var/lib/apt/lists/* in the same RUN")
		}
	},
})

// builtOn tells whether a later stage builds FROM stage s.
func builtOn(ast *analyzer.DockerfileAST, s *analyzer.Stage) bool {
	if s.Name == "" {
		return false
	}
	for _, t := range ast.Stages[s.Index+1:] {
		if strings.EqualFold(t.BaseName, s.Name) {
			return true
		}
	}
	return false
}
