package k8s

import (
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/rules/image"
)

// imageRef is the parts of an image reference the image rules look at.
type imageRef struct {
	Tag    string // "" when there is none
	Digest string // "" when there is none
}

// parseImage splits an image reference. The tag is what follows the last
// colon after the last slash: a colon before it belongs to a registry port
// (registry:5000/app). ok is false for references hardline cannot judge:
// empty ones and placeholders a tool fills in later (image.Placeholder).
func parseImage(ref string) (_ imageRef, ok bool) {
	if image.Placeholder(ref) {
		return imageRef{}, false
	}
	return splitImage(strings.TrimSpace(ref)), true
}

func splitImage(image string) (ref imageRef) {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image, ref.Digest = image[:i], image[i+1:]
	}
	if i := strings.LastIndexByte(image, ':'); i > strings.LastIndexByte(image, '/') {
		ref.Tag = image[i+1:]
	}
	return ref
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
