package dockerfile

import (
	"strings"

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
		baseImages(p, func(s *analyzer.Stage, raw, image string) {
			if strings.Contains(image, "@") {
				return
			}
			tag := imageTag(image)
			if tag != "" && tag != "latest" {
				return
			}
			start, end := wordOr(p.Doc, s.From, raw)
			msg := "base image " + image + " has no tag: it floats on :latest"
			if tag == "latest" {
				msg = "base image " + image + " uses :latest"
			}
			report(p, s, start, end, nil, msg+"; name a version")
		})
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
