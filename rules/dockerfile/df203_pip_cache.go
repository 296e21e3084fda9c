package dockerfile

import (
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF203", Name: "pip-cache",
	Summary:  "pip install without --no-cache-dir",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"hadolint:DL3042"},
	Doc: analyzer.RuleDoc{
		Why: "pip keeps every downloaded wheel in its cache directory, which then ships in the image layer. `--no-cache-dir` (or " +
			"`PIP_NO_CACHE_DIR=1` in ENV, in the command's prefix or exported earlier in the RUN, or a build cache mounted at /root/.cache/pip) keeps the image to what runs.",
		Bad:  "RUN pip install -r requirements.txt",
		Good: "RUN pip install --no-cache-dir -r requirements.txt",
		Fix:  "Safe: inserts `--no-cache-dir` after `install`.",
	},
	Check: func(p *analyzer.Pass) {
		for _, r := range runs(p) {
			if cacheMount(r.In, "/root/.cache") {
				continue
			}
			if truthy(r.Env["PIP_NO_CACHE_DIR"]) {
				continue
			}
			exported := false
			for _, c := range r.Script.Commands {
				// `export PIP_NO_CACHE_DIR=1 && pip install …`
				if c.Name == "export" || c.Name == "declare" {
					for _, a := range c.Assigns {
						if a.Name == "PIP_NO_CACHE_DIR" {
							exported = truthy(a.Value.Value)
						}
					}
					continue
				}
				args, ok := pipArgs(&c)
				if !ok || len(args) == 0 {
					continue
				}
				sub := shellCommand(args)
				install, ok := subWord(&sub, "install")
				if !ok || exported || sub.Flag("--no-cache-dir") || assigned(&c, "PIP_NO_CACHE_DIR") {
					continue
				}
				report(p, r.Stage, c.Args[0].Start, install.End, flagFix(p.Doc, r, install, "--no-cache-dir"),
					"pip install without --no-cache-dir keeps its download cache in the image")
			}
		}
	},
})
