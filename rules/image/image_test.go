package image

import "testing"

func TestPlaceholder(t *testing.T) {
	for ref, want := range map[string]bool{
		"nginx:1.27":                          false,
		"registry.example:5000/team/app:1.0":  false,
		"MyRegistry.azurecr.io/app:1.0":       false, // host names are case-insensitive
		"ghcr.io/org/app@sha256:abc":          false,
		"ko://github.com/org/repo/cmd/server": true,
		"REPLACE-ME":                          true,
		"BASEIMAGE":                           true,
		"ARG_FROM":                            true,
		"gcr.io/project/IMAGE_NAME:latest":    true,
		"${REGISTRY}/app:1":                   true,
		"{{ .Values.image }}":                 true,
		"<your-image>":                        true,
		"":                                    true,
	} {
		if got := Placeholder(ref); got != want {
			t.Errorf("Placeholder(%q) = %v, want %v", ref, got, want)
		}
	}
}
