package helm

import (
	"strconv"

	"hardline.dev/hardline/analyzer"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// valuesFile is a values file parsed with positions.
type valuesFile struct {
	path string
	doc  *analyzer.Document
	root *yaml.Node
}

func parseValues(path string, text []byte, limits *analyzer.Limits) *valuesFile {
	doc, root := analyzer.ParseData(path, text, limits)
	return &valuesFile{path: path, doc: doc, root: root}
}

// find returns the node at p in the file and how many of p's steps it
// took (len(p) when all): a mapping key, or a sequence index.
func (v *valuesFile) find(p []string) (key, node *yaml.Node, depth int) {
	n := v.root
	for i, step := range p {
		n = analyzer.Resolve(n)
		switch {
		case n == nil:
			return key, node, i
		case n.Kind == yaml.MappingNode:
			f, ok := analyzer.Lookup(n, step)
			if !ok {
				return key, node, i
			}
			key, node, n = f.Key, f.Value, f.Value
		case n.Kind == yaml.SequenceNode:
			k, err := strconv.Atoi(step)
			if err != nil || k < 0 || k >= len(n.Content) {
				return key, node, i
			}
			key, node, n = nil, n.Content[k], n.Content[k]
		default:
			return key, node, i
		}
	}
	return key, node, len(p)
}

// span is where a found value is written: a key with a scalar or an
// empty or flow value from the key to the value's end; a key with a
// block below it, the key; a sequence item, its first line.
func (v *valuesFile) span(key, node *yaml.Node) (int, int) {
	d := v.doc
	if key != nil {
		start, end := d.NodeStart(key), d.NodeEnd(key)
		if node == nil || node.Kind == yaml.ScalarNode || node.Kind == yaml.AliasNode || node.Style&yaml.FlowStyle != 0 {
			_, end = d.FieldSpan(analyzer.Field{Key: key, Value: node})
		} else if end < len(d.Text) && d.Text[end] == ':' {
			end++
		}
		return start, min(end, d.Lines.End(d.Lines.Line(start)))
	}
	start := d.NodeStart(node)
	return start, max(start, min(d.NodeEnd(node), d.Lines.End(d.Lines.Line(start))))
}

// fileFor returns the values file to change the value at p of the chart
// in folder, and p's full path in it: the file of highest precedence
// that has p, else the top chart's values.yaml.
func (s *valueSources) fileFor(folder string, p []string) (*valuesFile, []string) {
	ch := s.chains[folder]
	full := append(append([]string(nil), ch.names...), p...)
	for i := len(s.user) - 1; i >= 0; i-- {
		if _, node, depth := s.user[i].find(full); node != nil && depth == len(full) {
			return s.user[i], full
		}
	}
	for k, f := range ch.folders {
		if v := s.charts[f]; v != nil {
			if _, node, depth := v.find(full[k:]); node != nil && depth == len(full)-k {
				return v, full[k:]
			}
		}
	}
	if len(ch.folders) > 0 {
		if v := s.charts[ch.folders[0]]; v != nil && v.root != nil {
			return v, full
		}
	}
	return nil, nil
}

// valueSources are the values files of a render by precedence: the
// user's files (last first), then the top chart's values.yaml, then each
// subchart's own values.yaml.
type valueSources struct {
	user []*valuesFile
	// charts are the charts' values.yaml by folder.
	charts map[string]*valuesFile
	// chains maps a chart folder to the chain of chart names from the
	// top chart down to it, and to the folders of that chain.
	chains map[string]chain
}

type chain struct {
	names   []string // value keys of the subcharts below the top chart
	folders []string // folders from the top chart down
}

// locate returns where the value at p of the chart in folder is written:
// the file of highest precedence that has all of p, else the one that
// has the most of it; false when none has any of p.
func (s *valueSources) locate(folder string, p []string) (analyzer.Location, bool) {
	ch := s.chains[folder]
	type candidate struct {
		file   *valuesFile
		prefix []string
	}
	var cands []candidate
	full := append(append([]string(nil), ch.names...), p...)
	for i := len(s.user) - 1; i >= 0; i-- {
		cands = append(cands, candidate{s.user[i], full})
	}
	for k, f := range ch.folders {
		if v := s.charts[f]; v != nil {
			cands = append(cands, candidate{v, full[k:]})
		}
	}
	best, bestDepth := analyzer.Location{}, 0
	for _, c := range cands {
		if c.file.root == nil {
			continue
		}
		key, node, depth := c.file.find(c.prefix)
		depth -= len(c.prefix) - len(p) // steps of p itself
		if depth <= bestDepth || node == nil {
			continue
		}
		start, end := c.file.span(key, node)
		best, bestDepth = analyzer.Location{Path: c.file.path, Start: start, End: end, Values: true}, depth
		if depth == len(p) {
			break
		}
	}
	return best, bestDepth > 0
}
