package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

var _ = register(&analyzer.Rule{
	Code: "DF104", Name: "add-instead-of-copy",
	Summary:  "ADD of local files that are not archives",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Aliases: []string{"hadolint:DL3020", "trivy:DS-0005", "checkov:CKV_DOCKER_4"},
	Doc: analyzer.RuleDoc{
		Why: "ADD does more than copy: it fetches URLs and unpacks any local file that looks like a tar archive, by content. COPY does what " +
			"it says; keep ADD for the archives you mean to unpack (and for URLs, see DF105).",
		Bad:  "ADD app.py /app/",
		Good: "COPY app.py /app/",
		Fix:  "Unsafe (ADD unpacks a tar archive whatever its name; COPY does not): replaces ADD with COPY when no source is a URL or archive.",
	},
	Check: func(p *analyzer.Pass) {
		eachInstruction(p, func(s *analyzer.Stage, in *analyzer.Instruction) {
			add, ok := in.Command.(*instructions.AddCommand)
			if !ok {
				return
			}
			local := true
			for _, src := range add.SourcePaths {
				if isURL(src) || isArchive(src) {
					local = false
				}
			}
			if !local || len(add.SourcePaths) == 0 {
				return
			}
			var fix func() []fixes.Fix
			if add.Checksum == "" && add.KeepGitDir == nil && add.Unpack == nil && len(add.SourceContents) == 0 {
				fix = func() []fixes.Fix {
					edit := p.Doc.DockerfileEditor().ReplaceKeyword(in.Start, in.Start+len(in.Keyword), "COPY")
					return []fixes.Fix{{Title: "Use COPY", Safety: fixes.Unsafe, Edits: []fixes.TextEdit{edit}}}
				}
			}
			report(p, s, in.Start, in.Start+len(in.Keyword), fix, "ADD copies local files here: use COPY, which does not unpack archives or fetch URLs")
		})
	},
})

func isURL(src string) bool {
	src = strings.Trim(src, `"'`)
	return strings.Contains(src, "://") || strings.HasPrefix(src, "git@")
}

// archiveSuffixes are the names hadolint takes for archives ADD unpacks.
var archiveSuffixes = []string{".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz", ".tpz", ".txz", ".xz", ".zst"}

func isArchive(src string) bool {
	src = strings.Trim(src, `"'`)
	for _, s := range archiveSuffixes {
		if strings.HasSuffix(src, s) {
			return true
		}
	}
	return false
}
