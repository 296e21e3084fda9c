package analyzer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"hardline.dev/hardline/analyzer/yamlfast"
)

// Object is one Kubernetes object of a YAML or JSON stream.
type Object struct {
	ObjectRef
	// Node is the object's mapping; its nodes carry absolute lines.
	Node *yaml.Node
	// Start and End are the object's byte span in the document.
	Start, End int
	// Root is the root of the YAML document holding the object (the List
	// for a List item) and DocStart, DocEnd that document's span: a fix is
	// verified by re-parsing just that document.
	Root             *yaml.Node
	DocStart, DocEnd int
	// Source is the file a rendered object came from, when its document
	// says: a `# Source: path` comment (helm template) or kustomize's
	// config.kubernetes.io/origin annotation.
	Source string
}

// ObjectRef identifies a Kubernetes object. Findings carry a copy, not the
// Object, so that results do not keep whole parse trees alive.
type ObjectRef struct {
	APIVersion, Kind, Namespace, Name string
}

// Group is the API group of the object's apiVersion ("" for the core group).
func (o ObjectRef) Group() string {
	if i := bytes.IndexByte([]byte(o.APIVersion), '/'); i >= 0 {
		return o.APIVersion[:i]
	}
	return ""
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func parseYAML(d *Document, cache *ParseCache) {
	if off, ok := helmAction(d.Text); ok {
		d.skip(off, "Helm template ({{ }}): render it with `helm template` and lint the output")
		return
	}
	syntax := len(d.Problems)
	chunks := splitYAML(d.Text)
	d.Stats.Documents = len(chunks)
	if parts := runtime.GOMAXPROCS(0); cache == nil && parts > 1 && len(chunks) >= 2*parts && len(d.Text) >= parallelParseBytes {
		d.decodeParallel(chunks, parts)
	} else {
		for _, c := range chunks {
			d.decodeChunk(c, cache)
		}
	}
	cache.rotate()
	// A stream that only fails where template actions sit is a template
	// whose actions happened to look like YAML elsewhere.
	if len(d.Problems) > syntax {
		if i := bytes.Index(d.Text, []byte("{{")); i >= 0 {
			d.Problems, d.Objects = d.Problems[:syntax], nil
			d.skip(i, "Helm template ({{ }}): render it with `helm template` and lint the output")
		}
	}
}

var jsonManifestKey = regexp.MustCompile(`"apiVersion"\s*:`)

// LooksLikeManifest tells whether a YAML or JSON text is recognisably
// meant as Kubernetes manifests: a top-level apiVersion or kind key (a
// line starting with it, or an "apiVersion" key in a JSON object). The CLI and the language
// server decide what they read with it, so they never disagree: such a
// text that does not parse is a syntax error (HL001), any other text that
// does not parse is not ours and is skipped quietly.
func LooksLikeManifest(text []byte) bool {
	if bytes.HasPrefix(bytes.TrimLeft(text, " \t\r\n\ufeff"), []byte("{")) && jsonManifestKey.Match(text) {
		return true
	}
	for off := 0; off < len(text); {
		line := text[off:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line, off = line[:i], off+i+1
		} else {
			off = len(text)
		}
		if len(line) > 0 && (line[0] == 'a' || line[0] == 'k' || line[0] == '"' || line[0] == '\'') && topLevelKey(line) {
			return true
		}
	}
	return false
}

// topLevelKey tells whether a line starts with the key apiVersion or kind,
// plain or quoted, followed by a colon.
func topLevelKey(line []byte) bool {
	for _, key := range []string{"apiVersion", "kind"} {
		rest := line
		quote := byte(0)
		if rest[0] == '"' || rest[0] == '\'' {
			quote, rest = rest[0], rest[1:]
		}
		after, ok := bytes.CutPrefix(rest, []byte(key))
		if !ok {
			continue
		}
		if quote != 0 {
			if len(after) == 0 || after[0] != quote {
				continue
			}
			after = after[1:]
		}
		if after = bytes.TrimLeft(after, " \t"); len(after) > 0 && after[0] == ':' {
			return true
		}
	}
	return false
}

// helmAction finds a template action where YAML structure goes: first on
// its line, or as an unquoted value ("key: {{", "- {{"). Quoted "{{ }}"
// values are plain strings (Argo, Tekton and alerting templates use them)
// and stay analyzed.
func helmAction(text []byte) (int, bool) {
	for off := 0; ; {
		i := bytes.Index(text[off:], []byte("{{"))
		if i < 0 {
			return 0, false
		}
		at := off + i
		lineStart := bytes.LastIndexByte(text[:at], '\n') + 1
		if structural(bytes.TrimLeft(text[lineStart:at], " \t")) {
			return at, true
		}
		off = at + 2
	}
}

// structural tells whether what precedes "{{" on its line leaves it in a
// place where YAML expects a node: nothing, a "- " or an unquoted "key: ".
func structural(prefix []byte) bool {
	for {
		rest, ok := bytes.CutPrefix(prefix, []byte("- "))
		if !ok {
			break
		}
		prefix = bytes.TrimLeft(rest, " ")
	}
	if len(prefix) == 0 {
		return true
	}
	key, value, ok := bytes.Cut(prefix, []byte(": "))
	return ok && len(bytes.TrimSpace(value)) == 0 && len(key) > 0 && !bytes.ContainsAny(key, " #{}[]")
}

// chunk is a document of a stream: its span and the 0-based line it
// starts on.
type chunk struct{ start, end, line int }

// splitYAML cuts a stream into documents at "---" and "..." lines. The
// YAML decoder stops at the first syntax error for the whole stream, so
// each document is decoded on its own and one broken document does not
// hide the others. A line starting with a document marker can never be
// content in YAML 1.2, so no scanner state is needed.
func splitYAML(text []byte) []chunk {
	var out []chunk
	start, startLine := 0, 0
	for off, n := 0, 0; off < len(text); n++ {
		nl := bytes.IndexByte(text[off:], '\n')
		next := len(text)
		if nl >= 0 {
			next = off + nl + 1
		}
		line := text[off:next]
		switch {
		case isMarker(line, "---"):
			if off > start {
				out = append(out, chunk{start, off, startLine})
			}
			start, startLine = off, n
		case isMarker(line, "..."):
			out = append(out, chunk{start, next, startLine})
			start, startLine = next, n+1
		}
		off = next
	}
	if start < len(text) {
		out = append(out, chunk{start, len(text), startLine})
	}
	return out
}

func isMarker(line []byte, m string) bool {
	if !bytes.HasPrefix(line, []byte(m)) {
		return false
	}
	if len(line) == 3 {
		return true
	}
	switch line[3] {
	case ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

func (d *Document) decodeChunk(c chunk, cache *ParseCache) {
	start, end, lineOffset := c.start, c.end, c.line
	var roots []*yaml.Node
	if cache == nil {
		d.Stats.Decoded++
		// The trees' strings share the text's memory, which the results
		// keep anyway (Lines), rather than a copy of it.
		roots = d.decode(unsafe.String(unsafe.SliceData(d.Text[start:end]), end-start), end, lineOffset)
	} else {
		key := chunkKey{string(d.Text[start:end]), lineOffset}
		var ok bool
		if roots, ok = cache.get(key); !ok {
			d.Stats.Decoded++
			problems := len(d.Problems)
			// Cached trees outlive the buffer: their strings share the
			// key's copy of the document, not the whole buffer of the
			// version that parsed them.
			roots = d.decode(key.text, end, lineOffset)
			if len(d.Problems) == problems {
				cache.put(key, roots)
			}
		}
	}
	for _, n := range roots {
		if len(n.Content) == 1 {
			d.addObjects(n.Content[0], start, end)
		}
	}
}

// parallelParseBytes is the size from which a stream of documents is
// decoded on all cores: a large rendered chart or cluster dump would parse
// on one core while the others wait for its objects.
var parallelParseBytes = 256 << 10

// decodeParallel decodes chunks in parts of about equal bytes, one
// goroutine each, into documents of their own, then takes their objects
// and problems in text order: what decoding them one after the other
// gives. Each part's trees have their own arena (releaseTrees).
func (d *Document) decodeParallel(chunks []chunk, parts int) {
	subs := make([]*Document, parts)
	panics := make([]any, parts)
	Parallel(parts, func(i int) {
		lo := sort.Search(len(chunks), func(j int) bool { return chunks[j].start >= i*len(d.Text)/parts })
		hi := sort.Search(len(chunks), func(j int) bool { return chunks[j].start >= (i+1)*len(d.Text)/parts })
		sub := &Document{Path: d.Path, Language: d.Language, Text: d.Text, Lines: d.Lines, limits: d.limits, skim: d.skim}
		if d.arena != nil {
			sub.arena = arenas.Get().(*yamlfast.Arena)
		}
		subs[i] = sub
		// A parser bug becomes the file's syntax error (Parse), not a
		// crash: the panic is raised again on Parse's goroutine.
		defer func() { panics[i] = recover() }()
		for _, c := range chunks[lo:hi] {
			sub.decodeChunk(c, nil)
		}
	})
	for i, sub := range subs {
		d.Objects = append(d.Objects, sub.Objects...)
		d.Problems = append(d.Problems, sub.Problems...)
		d.Stats.Decoded += sub.Stats.Decoded
		if sub.arena != nil {
			d.moreArenas = append(d.moreArenas, sub.arena)
		}
		if panics[i] != nil {
			panic(panics[i])
		}
	}
}

// decode decodes the documents of src, the chunk of the text that ends at
// end, with absolute lines: with yamlfast when it reads the chunk, else
// with yaml.v3 (which words the syntax errors).
func (d *Document) decode(src string, end, lineOffset int) []*yaml.Node {
	if n, skimmed, ok := d.parseFast(src); ok {
		if n == nil || !d.accept(n, lineOffset) {
			return nil
		}
		if skimmed != nil {
			for _, dup := range skimmed.Duplicates {
				d.duplicateKey(dup.Key, dup.Line+lineOffset, dup.First+lineOffset)
			}
		}
		return []*yaml.Node{n}
	}
	var roots []*yaml.Node
	dec := yaml.NewDecoder(strings.NewReader(src))
	for {
		n := new(yaml.Node)
		err := dec.Decode(n)
		if errors.Is(err, io.EOF) {
			return roots
		}
		if err != nil {
			d.syntaxError(err, lineOffset, end)
			return roots
		}
		if d.accept(n, lineOffset) {
			roots = append(roots, n)
		}
	}
}

// parseFast parses src with yamlfast, skimming what no rule reads of a
// CustomResourceDefinition where the document may (ParseOptions.Skim).
func (d *Document) parseFast(src string) (*yaml.Node, *yamlfast.Skimmed, bool) {
	if d.skim && definesResource(src) {
		if depth, ok := skimDepth(d.limits.MaxDepth); ok {
			n, s, ok := yamlfast.Skim(src, d.arena, readOfDefinitions, depth)
			if !ok || s == nil || isDefinition(n) {
				return n, s, ok
			}
			// The kind line was not the object's: parsed whole.
		}
	}
	n, ok := yamlfast.ParseIn(src, d.arena)
	return n, nil, ok
}

// definitionKind is the kind line of a CustomResourceDefinition.
const definitionKind = "kind: CustomResourceDefinition"

// definesResource tells whether a document has a line that makes it a
// CustomResourceDefinition, if it is one: the kind word whole (not a
// CustomResourceDefinitionList, which would be skimmed, then parsed again).
func definesResource(src string) bool {
	for off := 0; ; {
		i := strings.Index(src[off:], definitionKind)
		if i < 0 {
			return false
		}
		off += i
		end := off + len(definitionKind)
		if (off == 0 || src[off-1] == '\n') && (end == len(src) || strings.IndexByte(" \t\r\n#", src[end]) >= 0) {
			return true
		}
		off = end
	}
}

// isDefinition tells whether a parsed document is a CustomResourceDefinition.
func isDefinition(doc *yaml.Node) bool {
	if doc == nil || len(doc.Content) != 1 {
		return false
	}
	root := doc.Content[0]
	return Str(Get(root, "kind")) == "CustomResourceDefinition" && strings.HasPrefix(Str(Get(root, "apiVersion")), "apiextensions.k8s.io/")
}

// readOfDefinitions are the keys of a CustomResourceDefinition whose values
// rules read: the rest (its schema, mostly) is skimmed.
func readOfDefinitions(key string) bool {
	return key == "apiVersion" || key == "kind" || key == "metadata"
}

// skimDepth is the bound of a skimmed value's nesting that keeps it within
// limits.maxDepth (yamlfast.Skim); false when that is too small to skim.
func skimDepth(maxDepth int) (int, bool) {
	if maxDepth <= 0 {
		return 0, true
	}
	depth := (maxDepth - 1) / 2
	return depth, depth > 0
}

// arenas lend memory to the trees of documents that are dropped at a
// known point: a file's once its results are out, a fixed document's once
// its findings are counted.
var arenas = sync.Pool{New: func() any { return new(yamlfast.Arena) }}

// releaseTrees gives the memory of the document's trees back for others'
// (ParseOptions.arena): nothing may read them after.
func (d *Document) releaseTrees() {
	for _, a := range append(d.moreArenas, d.arena) {
		if a != nil {
			a.Reset()
			arenas.Put(a)
		}
	}
	d.arena, d.moreArenas = nil, nil
}

// accept checks a decoded document before anything walks it: one whose
// aliases expand exponentially or that nests too deep is reported, not
// analyzed. It makes the document's lines absolute.
func (d *Document) accept(n *yaml.Node, lineOffset int) bool {
	if msg := exceedsLimits(n, d.limits); msg != "" {
		start, end := d.LineSpan(lineOffset + max(n.Line, 1))
		d.problem(LimitProblem, start, end, msg)
		return false
	}
	d.checkNodes(n, lineOffset)
	return true
}

// ParseCache lets an editor that re-parses a buffer on every keystroke
// reuse the YAML documents of the stream that did not change: a document
// is decoded again only if its text or its first line moved. Nodes carry
// lines, not byte offsets, so a document after the edit that kept its
// lines is reused as is. Parse trees are never modified after decoding,
// so documents share them safely. It keeps what the last parse used.
type ParseCache struct {
	mu         sync.Mutex
	prev, next map[chunkKey][]*yaml.Node
}

type chunkKey struct {
	text string
	line int
}

func (c *ParseCache) get(k chunkKey) ([]*yaml.Node, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	roots, ok := c.next[k]
	if !ok {
		if roots, ok = c.prev[k]; ok {
			c.put1(k, roots)
		}
	}
	return roots, ok
}

func (c *ParseCache) put(k chunkKey, roots []*yaml.Node) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put1(k, roots)
}

func (c *ParseCache) put1(k chunkKey, roots []*yaml.Node) {
	if c.next == nil {
		c.next = map[chunkKey][]*yaml.Node{}
	}
	c.next[k] = roots
}

// rotate ends a parse: documents it did not use are dropped.
func (c *ParseCache) rotate() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.prev, c.next = c.next, nil
}

func (d *Document) syntaxError(err error, lineOffset, chunkEnd int) {
	msg := err.Error()
	kind := SyntaxProblem
	if strings.Contains(msg, "exceeded max depth") {
		kind = LimitProblem // the decoder's own nesting limit
	}
	line := lineOffset + 1
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		line = lineOffset + n
		msg = m[2]
	}
	// The decoder may name the line after the end of the document.
	if last := d.Lines.Line(max(chunkEnd-1, 0)); line > last {
		line = last
	}
	start, end := d.LineSpan(line)
	d.problem(kind, start, end, "YAML: "+msg)
}

// exceedsLimits measures a decoded document as if its aliases were
// expanded, in time linear in its size (each anchor is measured once), and
// says which limit it exceeds: the nodes that aliases add
// (limits.maxAliasExpansion) or the nesting (limits.maxDepth).
func exceedsLimits(root *yaml.Node, lim Limits) string {
	w := limitWalk{sizes: map[*yaml.Node]int{}, lim: lim}
	w.size(root, 0)
	switch {
	case w.tooDeep:
		return fmt.Sprintf("YAML nests deeper than limits.maxDepth (%d): the document is not analyzed", lim.MaxDepth)
	case lim.MaxAliasExpansion > 0 && w.added > lim.MaxAliasExpansion:
		return fmt.Sprintf("YAML aliases expand to more than limits.maxAliasExpansion (%d) nodes (an alias bomb?): the document is not analyzed", lim.MaxAliasExpansion)
	}
	return ""
}

type limitWalk struct {
	sizes   map[*yaml.Node]int // expanded size of anchored nodes
	lim     Limits
	added   int // nodes that aliases add when expanded
	tooDeep bool
}

func (w *limitWalk) size(n *yaml.Node, depth int) int {
	if w.lim.MaxDepth > 0 && depth > w.lim.MaxDepth {
		w.tooDeep = true
		return 1
	}
	if n.Kind == yaml.AliasNode {
		s, ok := w.sizes[n.Alias]
		if !ok || n.Alias == nil {
			s = 1 // an alias of an anchor not yet measured: itself, or a cycle
		}
		w.added += s
		return s
	}
	total := 1
	for _, c := range n.Content {
		total += w.size(c, depth+1)
		if w.tooDeep || w.lim.MaxAliasExpansion > 0 && w.added > w.lim.MaxAliasExpansion {
			return total // enough to know
		}
	}
	if n.Anchor != "" {
		w.sizes[n] = total
	}
	return total
}

// checkNodes makes the lines of a document decoded on its own absolute
// and reports duplicate mapping keys, which the decoder accepts but
// kubectl and the API server reject. Alias targets are reached through
// Content too, so each node is visited once.
func (d *Document) checkNodes(n *yaml.Node, lineOffset int) {
	n.Line += lineOffset
	if n.Kind == yaml.MappingNode && len(n.Content) > 2 {
		d.duplicateKeys(n, lineOffset)
	}
	for _, c := range n.Content {
		d.checkNodes(c, lineOffset)
	}
}

// duplicateKeys runs before m's children are shifted, so their lines are
// still relative to the document.
func (d *Document) duplicateKeys(m *yaml.Node, lineOffset int) {
	key := func(i int) (string, bool) {
		k := m.Content[2*i]
		return k.Value, k.Kind == yaml.ScalarNode && !(k.Value == "<<" && k.Tag == "!!merge")
	}
	yamlfast.Duplicates(len(m.Content)/2, key, nil, func(i, first int) {
		d.duplicateKey(m.Content[2*i].Value, m.Content[2*i].Line+lineOffset, m.Content[2*first].Line+lineOffset)
	})
}

// duplicateKey reports a key at line that its mapping held first at first.
func (d *Document) duplicateKey(key string, line, first int) {
	start, end := d.LineSpan(line)
	d.problem(SyntaxProblem, start, end, fmt.Sprintf("YAML: duplicate key %q (first at line %d): kubectl and the API server reject it", key, first))
}

// addObjects records a document's root when it is a Kubernetes object, and
// each object item of a List. Anything else is not ours and is skipped.
func (d *Document) addObjects(root *yaml.Node, docStart, docEnd int) {
	o := d.object(root, root, docStart, docEnd)
	if o == nil {
		return
	}
	if items := Get(root, "items"); items != nil && items.Kind == yaml.SequenceNode && strings.HasSuffix(o.Kind, "List") {
		for _, it := range items.Content {
			if item := d.object(Resolve(it), root, docStart, docEnd); item != nil {
				d.Objects = append(d.Objects, item)
			}
		}
		return
	}
	d.Objects = append(d.Objects, o)
}

func (d *Document) object(n, root *yaml.Node, docStart, docEnd int) *Object {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	apiVersion, kind := Str(Get(n, "apiVersion")), Str(Get(n, "kind"))
	if apiVersion == "" || kind == "" {
		return nil
	}
	meta := Get(n, "metadata")
	o := &Object{
		ObjectRef: ObjectRef{APIVersion: d.interned.intern(apiVersion), Kind: d.interned.intern(kind), Namespace: d.interned.intern(Str(Get(meta, "namespace"))), Name: strings.Clone(Str(Get(meta, "name")))},
		Node:      n, Start: d.NodeStart(n), End: d.NodeEnd(n),
		Root: root, DocStart: docStart, DocEnd: docEnd,
	}
	o.Source = strings.Clone(originPath(Str(Get(meta, "annotations", "config.kubernetes.io/origin"))))
	if o.Source == "" {
		o.Source = d.sourceBefore(docStart, min(o.Start, docEnd))
	}
	return o
}

// sourceBefore is sourceComment of the text [docStart, end). The items of
// a List ask in order for longer and longer spans of one document: the
// scan goes on from where the last one stopped (an item starts after its
// "- ", never inside a comment line), instead of from the document's start
// (quadratic in the items).
func (d *Document) sourceBefore(docStart, end int) string {
	sc := &d.sourceScan
	if sc.docStart != docStart || end < sc.end {
		*sc = sourceScan{docStart: docStart, end: docStart}
	}
	if sc.found == "" && end > sc.end {
		sc.found = sourceComment(d.Text[sc.end:end])
		sc.end = end
	}
	return sc.found
}

// sourceScan is where sourceBefore stopped in a document.
type sourceScan struct {
	docStart, end int
	found         string
}

// sharesMemory tells whether s lies inside text's memory.
func sharesMemory(s string, text []byte) bool {
	if s == "" || len(text) == 0 {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(&text[0]))
	return p >= lo && p < lo+uintptr(len(text))
}

// interner clones strings once each: what many objects or findings repeat
// (apiVersion, kind, a container's name) outlives the text as one copy.
// The zero value is ready to use; not safe for concurrent use.
type interner map[string]string

func (in *interner) intern(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := (*in)[s]; ok {
		return c
	}
	if *in == nil {
		*in = interner{}
	}
	c := strings.Clone(s)
	(*in)[c] = c
	return c
}

// sourceComment reads the `# Source: path` comment that helm template
// writes before each document it renders.
func sourceComment(head []byte) string {
	for _, line := range bytes.Split(head, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if rest, ok := bytes.CutPrefix(line, []byte("# Source:")); ok {
			return string(bytes.TrimSpace(rest))
		}
	}
	return ""
}

// originPath reads the path of kustomize's origin annotation, a YAML
// mapping in a string ("path: base/deployment.yaml\nrepo: …").
func originPath(origin string) string {
	for _, line := range strings.Split(origin, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "path:"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"'`)
		}
	}
	return ""
}

// objectAt is the object whose document holds offset off, or nil.
func (d *Document) objectAt(off int) *Object {
	objs := d.Objects
	i := sort.Search(len(objs), func(i int) bool { return objs[i].DocEnd > off })
	if i < len(objs) && objs[i].DocStart <= off {
		return objs[i]
	}
	return nil
}
