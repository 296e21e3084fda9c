package yamlfast

import (
	yaml "go.yaml.in/yaml/v3"
)

// Skimmed is what skimming a document found that its tree does not show.
type Skimmed struct {
	// Values counts the root values skimmed.
	Values int
	// Duplicates are the duplicate keys of the skimmed mappings, which
	// the tree, holding one entry of each, no longer shows.
	Duplicates []Duplicate
}

// Duplicate is a key that a mapping holds twice: at Line, and first at
// First (lines of the text, from 1).
type Duplicate struct {
	Key         string
	Line, First int
}

// Skim is ParseIn for a document of which only some values of the root
// mapping are read: the values of the root keys that keep refuses are
// parsed and checked like the others, but each collection in them keeps
// only its last entry (so that where the value ends can still be found in
// the text) and their duplicate keys are returned in Skimmed. Their nodes
// are built in a little memory used over and over, not in the tree: a
// CustomResourceDefinition is mostly an OpenAPI schema that no rule reads.
//
// A root mapping with an anchor is not skimmed (Skimmed.Values is 0). A
// skimmed value may hold no anchor or alias, which could be read from
// elsewhere, and nest only to depth as the parser counts it (the root
// value is 1, an indentless sequence adds nothing, so a node's depth in the
// tree is at most twice that, plus one); 0 means the parser's own bound.
// Otherwise the text is parsed as ParseIn does, and Skimmed is nil.
func Skim(text string, a *Arena, keep func(key string) bool, depth int) (doc *yaml.Node, s *Skimmed, ok bool) {
	if depth <= 0 || depth > maxDepth {
		depth = maxDepth
	}
	sk := &skimmer{}
	if a != nil {
		sk = &a.skim
	}
	// A parse that gave up in a skimmed value left it active.
	sk.Skimmed, sk.keep, sk.maxDepth, sk.keys, sk.active = Skimmed{}, keep, depth, sk.keys[:0], false
	doc, gaveUp := parseWith(text, a, sk)
	if gaveUp == unskimmed {
		doc, gaveUp = parse(text, a)
		return doc, nil, gaveUp == 0
	}
	s = new(Skimmed)
	*s = sk.Skimmed
	return doc, s, gaveUp == 0
}

// unskimmed is parse's gaveUp when skimming gave up, not the parser.
const unskimmed = -2

// skimmer is a parser's state while it skims.
type skimmer struct {
	Skimmed
	keep     func(string) bool
	maxDepth int
	// active: a root value is being skimmed; its nodes and content
	// pointers come from slab and ptrs, whose generation gen changes
	// when either is replaced by a larger one (marks of the old ones no
	// longer apply).
	active bool
	slab   []yaml.Node
	ptrs   []*yaml.Node
	gen    int
	// keys are the keys of the skimmed mappings being parsed; seen is
	// checkKeys' index of them.
	keys []skimKey
	seen map[string]int
}

type skimKey struct {
	value string
	line  int
	ok    bool // a scalar, not a merge key: one duplicateKeys compares
}

// skimMark is where a skimmed collection's entries start in the scratch
// memory: each entry's nodes are taken back when the next begins.
type skimMark struct {
	gen, nodes, ptrs, kids int
}

// clear drops what the scratch memory still points to: the texts of
// trees an arena no longer holds.
func (s *skimmer) clear() {
	clear(s.slab[:cap(s.slab)])
	clear(s.ptrs[:cap(s.ptrs)])
	clear(s.keys[:cap(s.keys)])
	s.keep = nil
}

func (s *skimmer) node() *yaml.Node {
	if len(s.slab) == cap(s.slab) {
		s.slab = make([]yaml.Node, 0, max(2*cap(s.slab), 64))
		s.gen++
	}
	s.slab = s.slab[:len(s.slab)+1]
	n := &s.slab[len(s.slab)-1]
	// What a node of the skimmed value may hold besides what node sets
	// (no anchors or aliases).
	n.Style, n.Value, n.Content = 0, "", nil
	return n
}

func (s *skimmer) content(k []*yaml.Node) []*yaml.Node {
	if len(k) > cap(s.ptrs)-len(s.ptrs) {
		s.ptrs = make([]*yaml.Node, 0, max(2*cap(s.ptrs), len(k), 64))
		s.gen++
	}
	start := len(s.ptrs)
	s.ptrs = append(s.ptrs, k...)
	return s.ptrs[start:len(s.ptrs):len(s.ptrs)]
}

// mark is where the next entry of a collection being skimmed starts; the
// zero mark when not skimming.
func (p *parser) mark() skimMark {
	if !p.skimming() {
		return skimMark{}
	}
	s := p.skim
	return skimMark{gen: s.gen, nodes: len(s.slab), ptrs: len(s.ptrs), kids: len(p.kids)}
}

// next drops the entries of a skimmed collection before the next one:
// their nodes, content and place among the kids.
func (p *parser) next(m skimMark) {
	if !p.skimming() {
		return
	}
	p.kids = p.kids[:m.kids]
	if s := p.skim; s.gen == m.gen {
		s.slab, s.ptrs = s.slab[:m.nodes], s.ptrs[:m.ptrs]
	}
}

func (p *parser) skimming() bool { return p.skim != nil && p.skim.active }

// plainTag resolves a plain scalar's tag, but for a skimmed value, where
// copyChain does it for what is kept.
func (p *parser) plainTag(v string) string {
	if p.skimming() {
		return ""
	}
	return plainTag(v)
}

// skimValue parses a root value as parse does, skimming it, and copies
// what is left of it into the tree. Only keys' values are read while
// skimming: the scalars of a skimmed value keep their kind, style and
// position, but only what finding their ends in the text needs of their
// values — a plain scalar's text unfolded, nothing of a block scalar or a
// quoted one over several lines — and plain scalars' tags are resolved
// as they are copied.
func (p *parser) skimValue(parse func() *yaml.Node) *yaml.Node {
	s := p.skim
	s.active = true
	s.slab, s.ptrs = s.slab[:0], s.ptrs[:0]
	s.gen++
	n := parse()
	s.active = false
	s.Values++
	return p.copyChain(n)
}

// copyChain copies a skimmed node and the last entry it kept, and so on
// down, into the tree.
func (p *parser) copyChain(n *yaml.Node) *yaml.Node {
	c := p.node(n.Kind, n.Tag, n.Line-1, n.Column-1)
	content := n.Content
	*c = *n
	c.Content = nil
	if c.Kind == yaml.ScalarNode && c.Style == 0 && c.Tag == "" {
		c.Tag = plainTag(c.Value)
	}
	if len(content) > 0 {
		mark := len(p.kids)
		for _, k := range content {
			p.kids = append(p.kids, p.copyChain(k))
		}
		c.Content = p.content(mark)
	}
	return c
}

// skimKeys starts recording the keys of a skimmed mapping; it returns
// where they start.
func (p *parser) skimKeys() int {
	if !p.skimming() {
		return 0
	}
	return len(p.skim.keys)
}

// skimKey records a key of a skimmed mapping.
func (p *parser) skimKey(k *yaml.Node) {
	if p.skimming() {
		// A plain "<<" is a merge key (plainTag), which duplicateKeys skips.
		p.skim.keys = append(p.skim.keys, skimKey{k.Value, k.Line, k.Kind == yaml.ScalarNode && !(k.Value == "<<" && k.Style == 0)})
	}
}

// checkKeys reports the duplicates among a skimmed mapping's keys, from
// from on, as the analyzer does for the mappings of a tree: each key
// after the first of its value, with the first's line.
func (p *parser) checkKeys(from int) {
	if !p.skimming() {
		return
	}
	s := p.skim
	keys := s.keys[from:]
	s.keys = s.keys[:from]
	if s.seen == nil {
		s.seen = map[string]int{}
	}
	Duplicates(len(keys), func(i int) (string, bool) { return keys[i].value, keys[i].ok }, s.seen, func(i, first int) {
		s.Duplicates = append(s.Duplicates, Duplicate{Key: keys[i].value, Line: keys[i].line, First: keys[first].line})
	})
}

// skimDepth gives up skimming a value that nests deeper than allowed.
func (p *parser) skimDepth() {
	if p.skimming() && p.depth > p.skim.maxDepth {
		panic(bail{unskimmed})
	}
}

// noSkim gives up skimming where a skimmed value has what another part of
// the document could read: an anchor or alias.
func (p *parser) noSkim() {
	if p.skimming() {
		panic(bail{unskimmed})
	}
}
