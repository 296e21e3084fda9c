package helm

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/render/internal/yamlpatch"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// run is text copied from a template: output from out on is the
// template's text from off on, up to the next run or region boundary.
// file < 0 ends the previous run without starting one.
type run struct{ out, file, off int }

// region is the output of a marked action.
type region struct{ start, end, file, action int }

// marked is a marked render with the markers taken out.
type marked struct {
	text    string
	lines   *analyzer.Lines
	runs    []run
	regions []region // by start; nested regions follow their parent
}

// strip takes the markers out of a marked render and records what they
// said. Unbalanced markers (output that went through a function that
// cut it) are tolerated: a region without an end is dropped.
func strip(s string) *marked {
	m := &marked{}
	var b strings.Builder
	b.Grow(len(s))
	var open []region
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case textMark, actionMark:
			end := strings.IndexRune(s[i:], markEnd)
			if end < 0 {
				b.WriteString(s[i:])
				i = len(s)
				continue
			}
			file, n, ok := parseMark(s[i+size : i+end])
			i += end + utf8.RuneLen(markEnd)
			if !ok {
				continue
			}
			if r == textMark {
				m.runs = append(m.runs, run{b.Len(), file, n})
			} else {
				m.runs = append(m.runs, run{b.Len(), -1, 0})
				open = append(open, region{start: b.Len(), file: file, action: n})
			}
		case actionEnd:
			i += size
			if len(open) > 0 {
				rg := open[len(open)-1]
				open = open[:len(open)-1]
				rg.end = b.Len()
				m.regions = append(m.regions, rg)
			}
			m.runs = append(m.runs, run{b.Len(), -1, 0})
		default:
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	m.text = b.String()
	m.lines = analyzer.NewLines([]byte(m.text))
	sort.SliceStable(m.regions, func(i, j int) bool { return m.regions[i].start < m.regions[j].start })
	return m
}

func parseMark(s string) (file, n int, ok bool) {
	a, b, found := strings.Cut(s, ".")
	if !found {
		return 0, 0, false
	}
	file, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	return file, n, err1 == nil && err2 == nil
}

// literal returns the template position of output offset o when o is in
// text copied from a template.
func (m *marked) literal(o int) (file, off int, ok bool) {
	i := sort.Search(len(m.runs), func(i int) bool { return m.runs[i].out > o }) - 1
	if i < 0 || m.runs[i].file < 0 {
		return 0, 0, false
	}
	r := m.runs[i]
	return r.file, r.off + o - r.out, true
}

// innermost returns the innermost region holding o that satisfies keep.
func (m *marked) innermost(o int, keep func(region) bool) (region, bool) {
	var best region
	found := false
	for _, r := range m.regions {
		if r.start > o {
			break
		}
		if o < r.end && keep(r) && (!found || r.start >= best.start) {
			best, found = r, true
		}
	}
	return best, found
}

// alignLines pairs the lines of a (the plain render) with equal lines of
// b (the marked render, markers out): -1 where a line has no partner.
// Common prefix and suffix pair directly, the rest by longest common
// subsequence when it is small enough to afford.
func alignLines(a, b []string) []int {
	out := make([]int, len(a))
	for i := range out {
		out[i] = -1
	}
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		out[pre] = pre
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		out[len(a)-1-suf] = len(b) - 1 - suf
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	const maxCells = 4 << 20
	if len(ma) > 0 && len(mb) > 0 && len(ma)*len(mb) <= maxCells {
		lcs := make([][]int32, len(ma)+1)
		for i := range lcs {
			lcs[i] = make([]int32, len(mb)+1)
		}
		for i := len(ma) - 1; i >= 0; i-- {
			for j := len(mb) - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		for i, j := 0, 0; i < len(ma) && j < len(mb); {
			switch {
			case ma[i] == mb[j]:
				out[pre+i] = pre + j
				i, j = i+1, j+1
			case lcs[i+1][j] >= lcs[i][j+1]:
				i++
			default:
				j++
			}
		}
	}
	// Lines that differ in place (a checksum of a marked template) pair
	// when the gap between paired lines is as long on both sides.
	prevA, prevB := -1, -1
	for i := 0; i <= len(a); i++ {
		if i < len(a) && out[i] < 0 {
			continue
		}
		nextB := len(b)
		if i < len(a) {
			nextB = out[i]
		}
		if gap := i - prevA - 1; gap > 0 && gap == nextB-prevB-1 {
			for k := 1; k <= gap; k++ {
				out[prevA+k] = prevB + k
			}
		}
		if i < len(a) {
			prevA, prevB = i, out[i]
		}
	}
	return out
}

func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// templateMap is the source map of one rendered template.
type templateMap struct {
	plain *analyzer.Lines
	// inserted are the line breaks splitLikeHelm added to the plain
	// render: offsets of the linted text, not of plain.
	inserted []int
	marked   *marked // nil when the marked render failed
	lineMap  []int   // plain line (0-based) to marked line, or -1
	r        *renderer
	// home is where findings go when nothing better is known: the
	// template's first line, or the chart's Chart.yaml for a template
	// of an archived subchart.
	home analyzer.Location
	// chart is the folder of the chart the template belongs to.
	chart string
}

// Locate implements analyzer.SourceMap.
func (m *templateMap) Locate(start, end int, message string) (analyzer.Location, bool) {
	if m.marked == nil {
		return m.home, true
	}
	start, end = m.unsplit(start), m.unsplit(end)
	o, ok := m.toMarked(start)
	if !ok {
		return m.coarse(start), true
	}
	if start == end {
		// An insertion point (where a fix adds a missing field): the
		// mapping it goes into, when an action wrote that from values.
		if loc, ok := m.insertion(o); ok {
			return loc, true
		}
	}
	loc, ok := m.at(o, message)
	if !ok {
		return m.coarse(start), true
	}
	// A span within one line of template text ends where it ends there;
	// any other ends with the start's line.
	if e, ok := m.toMarked(end); ok {
		if f1, off1, ok1 := m.marked.literal(o); ok1 && loc.Path == m.r.sources[f1].path && loc.Start == off1 {
			if f2, off2, ok2 := m.marked.literal(e); ok2 && f1 == f2 && off2 > off1 && m.sameLine(f1, off1, off2) {
				loc.End = off2
			}
		}
	}
	return loc, true
}

// unsplit converts an offset of the linted text to the plain render's.
func (m *templateMap) unsplit(o int) int {
	n := sort.SearchInts(m.inserted, o+1) // inserted breaks at or before o
	if n > 0 && m.inserted[n-1] == o {
		n-- // o is the inserted break itself: the plain offset it stands at
	}
	return o - n
}

func (m *templateMap) sameLine(file, a, b int) bool {
	src := m.r.sources[file].text
	return b <= len(src) && !strings.Contains(src[a:b], "\n")
}

// toMarked converts a plain offset to the marked render's, through the
// line alignment.
func (m *templateMap) toMarked(off int) (int, bool) {
	line := m.plain.Line(off)
	if line-1 >= len(m.lineMap) || m.lineMap[line-1] < 0 {
		return 0, false
	}
	col := off - m.plain.Start(line)
	return m.marked.lines.Start(m.lineMap[line-1]+1) + col, true
}

// coarse places a plain offset on an unpaired line: at the nearest
// paired line above it.
func (m *templateMap) coarse(off int) analyzer.Location {
	for line := m.plain.Line(off) - 1; line >= 1; line-- {
		if m.lineMap[line-1] < 0 {
			continue
		}
		text := m.plain.Text(line)
		col := len(text) - len(strings.TrimLeft(string(text), " \t-"))
		if o, ok := m.toMarked(m.plain.Start(line) + col); ok {
			if loc, ok := m.at(o, ""); ok {
				return loc
			}
		}
	}
	return m.home
}

// at locates offset o of the marked render, for a finding with message.
func (m *templateMap) at(o int, message string) (analyzer.Location, bool) {
	mk := m.marked
	hasValues := func(r region) bool { return len(m.r.action(r).values) > 0 }
	// In the output of an action that reads values: the values line.
	if r, ok := mk.innermost(o, hasValues); ok {
		if loc, ok := m.valueAt(r, o); ok {
			return loc, true
		}
	}
	// A key written in the template whose whole value an action that
	// reads values wrote: the value's line (hostNetwork: {{ .Values.x }}).
	if v, ok := valueOfKey(mk, o); ok {
		if r, ok := mk.innermost(v, hasValues); ok && m.valueCovered(r, v) {
			// The key's whole value: the line of it the message quotes
			// (a capability of a list), else the value's own key.
			if at, ok := m.quotedLine(r, message); ok {
				if loc, ok := m.valueAt(r, at); ok {
					return loc, true
				}
			}
			if loc, ok := m.r.values.locate(m.folder(r), m.r.action(r).values); ok {
				return loc, true
			}
		}
		// A value that several actions wrote (an image's repository and
		// tag): the one whose output the message quotes.
		if r, ok := m.quoted(v, message); ok {
			if loc, ok := m.valueAt(r, r.start); ok {
				return loc, true
			}
		}
	}
	if file, off, ok := mk.literal(o); ok {
		if src := m.r.sources[file]; src.path != "" {
			return analyzer.Location{Path: src.path, Start: off, End: lineEnd(src.text, off)}, true
		}
	}
	if r, ok := mk.innermost(o, func(region) bool { return true }); ok {
		if src := m.r.sources[r.file]; src.path != "" {
			a := m.r.action(r)
			return analyzer.Location{Path: src.path, Start: a.start, End: min(a.end, lineEnd(src.text, a.start))}, true
		}
	}
	// Blank space before text: the first mark later on the line.
	line := mk.lines.Line(o)
	for p := o + 1; p < mk.lines.End(line); p++ {
		if file, off, ok := mk.literal(p); ok && m.r.sources[file].path != "" {
			src := m.r.sources[file]
			return analyzer.Location{Path: src.path, Start: off, End: lineEnd(src.text, off)}, true
		}
	}
	return analyzer.Location{}, false
}

// quoted returns the only region reading values on the line of v whose
// output the message quotes (as :latest, or "latest").
func (m *templateMap) quoted(v int, message string) (region, bool) {
	if message == "" {
		return region{}, false
	}
	mk := m.marked
	line := mk.lines.Line(v)
	start, end := mk.lines.Start(line), mk.lines.End(line)
	var found region
	n := 0
	for _, r := range mk.regions {
		if r.start < start || r.start >= end || r.end > end || len(m.r.action(r).values) == 0 {
			continue
		}
		text := strings.TrimSpace(mk.text[r.start:r.end])
		if len(text) < 2 {
			continue
		}
		if strings.Contains(message, ":"+text) || strings.Contains(message, `"`+text+`"`) {
			found = r
			n++
		}
	}
	return found, n == 1
}

// quotedLine returns the start of the only line of region r whose
// scalar (a list item, or a key's value) the message quotes.
func (m *templateMap) quotedLine(r region, message string) (int, bool) {
	mk := m.marked
	found, n := 0, 0
	for l := mk.lines.Line(r.start); l <= mk.lines.Line(max(r.end-1, r.start)); l++ {
		start, end := mk.lines.Start(l), mk.lines.End(l)
		t := strings.TrimSpace(mk.text[max(start, r.start):min(end, r.end)])
		t = strings.TrimPrefix(t, "- ")
		if _, v, ok := strings.Cut(t, ": "); ok {
			t = v
		}
		t = strings.Trim(t, `"'`)
		if len(t) >= 2 && strings.Contains(message, `"`+t+`"`) {
			found, n = max(start, r.start)+indentOf(mk.text[start:end]), n+1
		}
	}
	return found, n == 1
}

func lineEnd(s string, off int) int {
	if off > len(s) {
		return len(s)
	}
	if i := strings.IndexByte(s[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(s)
}

// valueOfKey returns the offset of the value of the key that o is on (a
// "key:" line), when the value is on the same line or the block below.
func valueOfKey(mk *marked, o int) (int, bool) {
	line := mk.lines.Line(o)
	start, end := mk.lines.Start(line), mk.lines.End(line)
	text := mk.text[start:end]
	colon := strings.Index(text, ": ")
	if colon < 0 {
		if strings.HasSuffix(strings.TrimRight(text, " \r"), ":") {
			colon = len(strings.TrimRight(text, " \r")) - 1
		} else {
			return 0, false
		}
	}
	if o > start+colon {
		return 0, false
	}
	for p := start + colon + 1; p < len(mk.text); p++ {
		switch mk.text[p] {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return p, true
	}
	return 0, false
}

// valueCovered tells whether region r holds all of the value that starts
// at v: the rest of its line, and the lines below indented deeper than
// the key's line.
func (m *templateMap) valueCovered(r region, v int) bool {
	mk := m.marked
	keyLine := mk.lines.Line(v)
	end := mk.lines.End(keyLine)
	indent := indentOf(mk.text[mk.lines.Start(keyLine):end])
	for l := keyLine + 1; l <= mk.lines.Count(); l++ {
		t := mk.text[mk.lines.Start(l):mk.lines.End(l)]
		if strings.TrimSpace(t) == "" {
			continue
		}
		if indentOf(t) <= indent {
			break
		}
		end = mk.lines.End(l)
	}
	// Blank space outside the region does not count.
	for p := v; p < end; p++ {
		if p >= r.start && p < r.end {
			continue
		}
		switch mk.text[p] {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return false
	}
	return true
}

func indentOf(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

// insertion locates an insertion point o that ends or is inside a
// block (a mapping or list over lines, as toYaml writes it) that an
// action wrote from values: at the value the action read, which the
// insertion adds to. Scalars written by actions take no insertions.
func (m *templateMap) insertion(o int) (analyzer.Location, bool) {
	block := func(r region) bool {
		return len(m.r.action(r).values) > 0 && strings.Contains(strings.TrimRight(m.marked.text[r.start:r.end], " \n"), "\n")
	}
	for _, p := range []int{o, o - 1} {
		if r, ok := m.marked.innermost(p, block); ok {
			return m.r.values.locate(m.folder(r), m.r.action(r).values)
		}
	}
	return analyzer.Location{}, false
}

func (m *templateMap) folder(r region) string {
	if src := m.r.sources[r.file]; src.chart != "" {
		return src.chart
	}
	return m.chart
}

// valueAt locates offset o inside region r, whose action reads values:
// the values file line of the value that o's line shows.
func (m *templateMap) valueAt(r region, o int) (analyzer.Location, bool) {
	a := m.r.action(r)
	rel := relativePath(m.marked.text[r.start:r.end], m.marked.lines.Line(o)-m.marked.lines.Line(r.start)+1)
	return m.r.values.locate(m.folder(r), append(append([]string(nil), a.values...), rel...))
}

// relativePath returns the path, within the YAML text an action wrote,
// of the deepest key or item that starts on line (1-based within text).
func relativePath(text string, line int) []string {
	if !strings.Contains(strings.TrimRight(text, "\n"), "\n") {
		return nil
	}
	var n yaml.Node
	if yaml.Unmarshal([]byte(text), &n) != nil || len(n.Content) != 1 {
		return nil
	}
	var out []string
	for _, st := range yamlpatch.PathAtLine(n.Content[0], line) {
		if st.Item {
			out = append(out, strconv.Itoa(st.Index))
		} else {
			out = append(out, st.Key)
		}
	}
	return out
}
