package k8s

import (
	"path"
	"strings"

	"hardline.dev/hardline/analyzer"
)

// hostPathVolume is a hostPath volume of a pod: its name, its path field
// and the path cleaned ("/var/run/" and "/var//run" are "/var/run").
type hostPathVolume struct {
	Name  string
	Field analyzer.Field
	Path  string
}

func hostPathVolumes(w *Workload) []hostPathVolume {
	var out []hostPathVolume
	for _, v := range analyzer.Items(analyzer.Get(w.Spec, "volumes")) {
		f, ok := analyzer.Lookup(analyzer.Get(v, "hostPath"), "path")
		if !ok || analyzer.Str(f.Value) == "" {
			continue
		}
		out = append(out, hostPathVolume{analyzer.Str(analyzer.Get(v, "name")), f, path.Clean(analyzer.Str(f.Value))})
	}
	return out
}

// within tells whether p is dir or below it.
func within(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

// reportHostPaths reports, once per pod at the first match, the hostPath
// volumes whose path match accepts.
func reportHostPaths(p *analyzer.Pass, w *Workload, match func(string) bool, format string) {
	var names []string
	var first *analyzer.Field
	for _, v := range hostPathVolumes(w) {
		if match(v.Path) {
			names = append(names, v.Name)
			if first == nil {
				first = &v.Field
			}
		}
	}
	if first != nil {
		reportPod(p, w, first, format, plural(len(names), "volume", "volumes"), quoteList(names))
	}
}
