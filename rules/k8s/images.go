package k8s

import (
	"strings"

	"hardline.dev/hardline/analyzer"
)

// imageRef is the parts of an image reference the image rules look at.
type imageRef struct {
	Tag    string // "" when there is none
	Digest string // "" when there is none
}

// parseImage splits an image reference. The tag is what follows the last
// colon after the last slash: a colon before it belongs to a registry port
// (registry:5000/app). ok is false for references hardline cannot judge:
// empty ones and ones that are templates or variables, substituted later.
func parseImage(image string) (ref imageRef, ok bool) {
	image = strings.TrimSpace(image)
	if image == "" || strings.ContainsAny(image, "${} ") {
		return imageRef{}, false
	}
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image, ref.Digest = image[:i], image[i+1:]
	}
	if i := strings.LastIndexByte(image, ':'); i > strings.LastIndexByte(image, '/') {
		ref.Tag = image[i+1:]
	}
	return ref, true
}

// forImages calls fn for every container's image entry with a reference
// hardline can judge.
func forImages(p *analyzer.Pass, fn func(w *Workload, c *Container, f analyzer.Field, ref imageRef)) {
	forWorkloads(p, func(w *Workload) {
		for _, c := range w.Containers {
			f, ok := analyzer.Lookup(c.Node, "image")
			if !ok {
				continue
			}
			if ref, ok := parseImage(analyzer.Str(f.Value)); ok {
				fn(w, c, f, ref)
			}
		}
	})
}
