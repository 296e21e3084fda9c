package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF102", Name: "base-image-latest",
	Summary:  "FROM image has no tag or uses :latest",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Aliases: []string{"hadolint:DL3006", "hadolint:DL3007"},
	Doc: analyzer.RuleDoc{
		Why: "An untagged or :latest base image changes under you: the next build silently picks up a new major version, or an image " +
			"an attacker pushed to the tag. Builds stop being reproducible and reviews stop meaning anything. Name a version (and pin its digest).",
		Bad:  "FROM node\nFROM python:latest",
		Good: "FROM node:22.11-alpine3.20\nFROM python:3.13-slim@sha256:…",
	},
	Check: func(p *analyzer.Pass) {
		ast := p.Doc.Dockerfile
		if ast == nil {
			return
		}
		args := globalArgs(ast)
		for _, s := range ast.Stages {
			raw := s.BaseName
			if st, ok := s.From.Command.(*instructions.Stage); ok {
				raw = st.BaseName
			}
			if raw == "" || strings.EqualFold(raw, "scratch") || stageByName(ast, s.Index, raw) != nil {
				continue
			}
			image, ok := expand(raw, args)
			if !ok || image == "" || strings.EqualFold(image, "scratch") || stageByName(ast, s.Index, image) != nil {
				continue // an unresolved variable: the real image is not known here
			}
			if strings.Contains(image, "@") {
				continue
			}
			tag := imageTag(image)
			if tag != "" && tag != "latest" {
				continue
			}
			start, end, found := p.Doc.WordSpan(s.From, raw)
			if !found {
				start, end = s.From.Start, s.From.End
			}
			msg := "base image " + image + " has no tag: it floats on :latest"
			if tag == "latest" {
				msg = "base image " + image + " uses :latest"
			}
			scopeStart, scopeEnd := p.Doc.StageSpan(s)
			p.Report(analyzer.Finding{Start: start, End: end, ScopeStart: scopeStart, ScopeEnd: scopeEnd, Message: msg + "; name a version"})
		}
	},
})

// imageTag is the tag of an image reference ("" if none); a port in the
// registry host is not a tag.
func imageTag(ref string) string {
	last := ref[strings.LastIndexByte(ref, '/')+1:]
	if i := strings.LastIndexByte(last, ':'); i >= 0 {
		return last[i+1:]
	}
	return ""
}
