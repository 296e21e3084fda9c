package yamlfast

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"hardline.dev/hardline/internal/testenv"
)

// reference decodes text with yaml.v3 as the analyzer does.
func reference(text []byte) ([]*yaml.Node, error) {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(text))
	for {
		n := new(yaml.Node)
		err := dec.Decode(n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return docs, err
		}
		docs = append(docs, n)
	}
}

// differ compares Parse with yaml.v3 on text: where Parse accepts, yaml.v3
// must accept too and build the same tree, positions included (comments
// aside). It returns "" when they agree and whether Parse accepted.
func differ(text []byte) (diff string, accepted bool) {
	diff, gaveUp := differAt(text)
	return diff, gaveUp == 0
}

// differAt is differ, with the line of parse.go where Parse gave up (0
// when it accepted).
func differAt(text []byte) (diff string, gaveUp int) {
	doc, gaveUp := parse(string(text), nil)
	if d := sameInArena(text, doc, gaveUp); d != "" {
		return d, gaveUp
	}
	if gaveUp != 0 {
		return "", gaveUp
	}
	want, err := reference(text)
	if err != nil {
		return fmt.Sprintf("yaml.v3 rejects what Parse accepts: %v", err), 0
	}
	var got []*yaml.Node
	if doc != nil {
		got = append(got, doc)
	}
	if len(got) != len(want) {
		return fmt.Sprintf("%d documents, yaml.v3 %d", len(got), len(want)), 0
	}
	for i := range got {
		if d := compare(got[i], want[i], "$"); d != "" {
			return d, 0
		}
	}
	return "", 0
}

// arena is shared by every differential check: each text is also parsed
// in it, in memory that trees of all kinds and sizes used before, while
// the trees of the last few texts are still read, and it is reset after
// every few texts.
var arena struct {
	sync.Mutex
	Arena
	live [][2]*yaml.Node // trees parsed in it since Reset, and Parse's
}

// sameInArena tells how ParseIn in the shared arena differs from Parse,
// which gave doc (or gave up at the line gaveUp): "" when it does not.
func sameInArena(text []byte, doc *yaml.Node, gaveUp int) string {
	arena.Lock()
	defer arena.Unlock()
	got, gotGaveUp := parse(string(text), &arena.Arena)
	switch {
	case gotGaveUp != gaveUp:
		return fmt.Sprintf("in an arena, gave up at parse.go:%d, not %d", gotGaveUp, gaveUp)
	case !reflect.DeepEqual(got, doc):
		return "in an arena, the tree differs (a field left from an earlier tree?)"
	}
	arena.live = append(arena.live, [2]*yaml.Node{got, doc})
	for _, t := range arena.live {
		if !reflect.DeepEqual(t[0], t[1]) {
			return "a tree parsed in the arena before this text changed"
		}
	}
	if len(arena.live) == 4 {
		arena.Reset()
		arena.live = arena.live[:0]
	}
	return ""
}

func compare(got, want *yaml.Node, path string) string {
	describe := func(n *yaml.Node) string {
		alias := ""
		if n.Alias != nil {
			alias = fmt.Sprintf(" alias->%d:%d", n.Alias.Line, n.Alias.Column)
		}
		return fmt.Sprintf("kind=%d style=%d tag=%q value=%q anchor=%q at %d:%d%s children=%d",
			n.Kind, n.Style, n.Tag, n.Value, n.Anchor, n.Line, n.Column, alias, len(n.Content))
	}
	if g, w := describe(got), describe(want); g != w {
		return fmt.Sprintf("%s:\n  got  %s\n  want %s", path, g, w)
	}
	for i := range got.Content {
		if d := compare(got.Content[i], want.Content[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
			return d
		}
	}
	return ""
}

func TestAgreesWithYAMLv3(t *testing.T) {
	cases := []struct {
		name, text string
		accept     bool // Parse must read it (not leave it to yaml.v3)
	}{
		{"manifest", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x # a comment\n  labels: {app: web, tier: \"front\"}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n    args: [\"-c\", 'echo']\n    ports:\n      - containerPort: 8080\n        protocol: TCP\n", true},
		{"explicit start", "# head\n---\na: 1\n", true},
		{"document end", "a: 1\n...\n# tail\n", true},
		{"only comments", "# nothing\n\n", true},
		{"empty values", "a:\nb:\n  c:\n  d: ~\ne:\n", true},
		{"empty at end, no newline", "a: 1\nb:", true},
		{"empty items", "- \n-\n- # c\n  x\n", true},
		{"indentless", "a:\n- 1\n- two\nb: [x]\n", true},
		{"nested sequences", "- - a\n  - b\n- - - c\n", true},
		{"compact mapping", "- a: 1\n  b:\n    - x\n  c: |\n    text\n- d: e\n", true},
		{"multi-line plain", "a: one\n  two\n\n  three\nb: x\n", true},
		{"plain with colons and hashes", "a: http://x:80/#frag\nb: c#d\ne: f # g\n", true},
		{"quoted", "a: 'it''s'\nb: \"tab\\tq\\\"\\u00e9\\x41\\U0001F600\"\nc: \"multi\n  line\n\n  para\"\nd: 'x\n  y'\ne: \"esc\\\n   aped\"\n", true},
		{"quoted keys", "\"a b\": 1\n'c': 2\n", true},
		{"block scalars", "a: |\n  x\n   y\n\n  z\nb: >\n  one\n  two\n\n  three\n   more\nc: |-\n  s\nd: |+\n  k\n\ne: >2\n   lead\nf: |\n\n  late\ng: |\nh: end\n", true},
		{"block scalar in sequence", "- |\n  a\n- >-\n  b\n  c\n", true},
		{"anchors", "a: &x {k: v}\nb: *x\nc: &y\n  d: 1\ne:\n  <<: *y\n  f: &z 3\ng: [*z]\n", true},
		{"resolution", "a: [1, -2, 0x1F, 0o17, 0b101, 1_000, 1.5, .5, 1e3, .inf, -.Inf, .nan, true, False, null, ~, 2024-01-02, 1.2.3, yes, 0755, +1, -0b11, 9223372036854775808]\nb: 2024-01-02T10:00:00Z\nc: 2024-1-2 3:04:05\nd: 2024-13-45\ne: 12:30\n", true},
		{"json", "{\"apiVersion\": \"v1\",\n \"kind\":\"Pod\", \"spec\": {\"a\": [1, 2,\n  3], \"b\": {}}}\n", true},
		{"unicode", "name: \"héllo\"\nlabel: ñandú ✓\nk: v\nx: {é: [ü]}\n", true},
		{"indented root", "  a: 1\n  b: 2\n", true},
		{"top-level scalar", "just text\nmore text\n", true},
		{"trailing spaces", "a: b   \nc: d\t\n", true},

		{"tag", "a: !!str 1\n", false},
		{"complex key", "? a\n: b\n", false},
		{"crlf", "a: 1\r\nb: |\r\n  x\r\n\r\n  y\r\nc: \"q\r\n  r\\\r\n  s\"\r\nd: [1,\r\n  2] # c\r\ne: plain\r\n  more\r\nf: >-\r\n  g\r\n  h\r\n", true},
		{"lone cr", "a: 1\rb: 2\n", false},
		{"bad indentation", "a: 1\n   b: 2\n", false},
		{"mapping on a value line", "a: b: c\n", false},
		{"unknown alias", "a: *nope\n", false},
		{"unclosed flow", "a: [1, 2\n", false},
		{"unclosed quote", "a: \"x\n", false},
		{"tab indentation", "a:\n\tb: 1\n", false},
		{"two documents", "a: 1\n---\nb: 2\n", false},
		{"sequence after key", "a: - b\n", false},
		{"bad escape", "a: \"\\q\"\n", false},
		{"dash at mapping column", "a: 1\n- b\n", false},
		{"long key", strings.Repeat("k", 1100) + ": v\n", false},
		{"long quoted flow key", "{\"" + strings.Repeat("k", 1100) + "\": 1}\n", false},
		{"two documents without a split", "a: \n--- :\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, gaveUp := differAt([]byte(c.text))
			if d != "" {
				t.Fatalf("Parse and yaml.v3 differ on %q:\n%s", c.text, d)
			}
			if accepted := gaveUp == 0; accepted != c.accept {
				t.Errorf("accepted = %v, want %v (gave up at parse.go:%d)", accepted, c.accept, gaveUp)
			}
		})
	}
}

// TestCorpus: on every YAML and JSON file of the shared corpus, Parse and
// yaml.v3 agree document by document (the analyzer cuts streams at
// document markers before parsing), with LF and with CRLF line ends.
func TestCorpus(t *testing.T) {
	root := testenv.Dir(t, "corpus")
	var files, docs, fast, fastCRLF int
	var bytesAll, bytesFast int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.ToLower(d.Name())
		if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") && !strings.HasSuffix(name, ".json") {
			return nil
		}
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, chunk := range split(text) {
			docs++
			bytesAll += len(chunk)
			diff, accepted := differ(chunk)
			if diff != "" {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s: document %d:\n%s", rel, docs, diff)
			}
			// And as a Windows checkout has it, with CRLF line ends.
			if crlf := bytes.ReplaceAll(bytes.ReplaceAll(chunk, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n")); !bytes.Equal(crlf, chunk) {
				diff, accepted := differ(crlf)
				if accepted {
					fastCRLF++
				}
				if diff != "" {
					rel, _ := filepath.Rel(root, path)
					t.Errorf("%s: document %d with CRLF line ends:\n%s", rel, docs, diff)
				}
			}
			if accepted {
				fast++
				bytesFast += len(chunk)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatalf("no YAML files under %s", root)
	}
	t.Logf("%d files, %d documents: %d read by Parse (%.1f%% of the bytes), the rest by yaml.v3; with CRLF line ends, %d",
		files, docs, fast, 100*float64(bytesFast)/float64(max(bytesAll, 1)), fastCRLF)
}

// split cuts a stream at lines starting with "---" or "..." as the
// analyzer does.
func split(text []byte) [][]byte {
	var out [][]byte
	start := 0
	lines := bytes.SplitAfter(text, []byte("\n"))
	off := 0
	for _, line := range lines {
		marker := func(m string) bool {
			return bytes.HasPrefix(line, []byte(m)) && (len(line) == 3 || strings.ContainsRune(" \t\r\n", rune(line[3])))
		}
		switch {
		case marker("---"):
			if off > start {
				out = append(out, text[start:off])
			}
			start = off
		case marker("..."):
			out = append(out, text[start:off+len(line)])
			start = off + len(line)
		}
		off += len(line)
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// FuzzAgreesWithYAMLv3: on any input, what Parse accepts yaml.v3 reads
// the same. `go test` replays the seeds; scripts/fuzz.sh fuzzes.
func FuzzAgreesWithYAMLv3(f *testing.F) {
	for _, s := range []string{
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n",
		"a: [1, {b: c}]\n", "- |\n  x\n- >-\n  y\n", "a: \"x\\\n y\"\n", "a: &x 1\nb: *x\n",
		"a: one\n  two\n", "k: 'a''b'\n", "x:\n- 1\n-\n", "{\"a\": 1}\n",
	} {
		f.Add([]byte(s))
	}
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, text []byte) {
		if d, _ := differ(text); d != "" {
			t.Fatalf("Parse and yaml.v3 differ on %q:\n%s", text, d)
		}
	})
}

// addFixtureSeeds seeds a fuzz target with the documents of the rules'
// YAML fixtures.
func addFixtureSeeds(f *testing.F) {
	_ = filepath.WalkDir(filepath.Join("..", "..", "testdata", "rules"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".yaml") {
			if b, err := os.ReadFile(path); err == nil && len(b) < 16<<10 {
				for _, c := range split(b) {
					f.Add(c)
				}
			}
		}
		return nil
	})
}

// printable8 must agree with a byte-by-byte check: every byte value at
// every position, and every pair of values around a line end and a tab.
func TestPrintable8(t *testing.T) {
	ok := func(b []byte) bool {
		for _, c := range b {
			if c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f {
				return false
			}
		}
		return true
	}
	check := func(b []byte) {
		if got, want := printable8(string(b)), ok(b); got != want {
			t.Fatalf("printable8(%q) = %v, want %v", b, got, want)
		}
	}
	for a := range 256 {
		for pos := range 8 {
			b := []byte("abcdefgh")
			b[pos] = byte(a)
			check(b)
		}
		for c := range 256 {
			check([]byte{byte(a), byte(c), 'a', '\n', byte(c), byte(a), '\t', byte(a)})
		}
	}
}

// TestArenaReusesMemory: once an arena has room for a text's tree, parsing
// it again after Reset builds the tree in the same memory, and allocates
// less than a plain parse (no slabs).
func TestArenaReusesMemory(t *testing.T) {
	text := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: web}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n    args: |\n      a\n      b\n"
	var a Arena
	ParseIn(text, &a) // a fresh arena has no room: this sizes it
	a.Reset()
	second, ok := ParseIn(text, &a)
	if !ok {
		t.Fatal("not parsed")
	}
	a.Reset()
	if third, _ := ParseIn(text, &a); third != second {
		t.Error("after Reset, the tree is not built in the arena's memory")
	}
	a.Reset()
	inArena := testing.AllocsPerRun(50, func() {
		ParseIn(text, &a)
		a.Reset()
	})
	plain := testing.AllocsPerRun(50, func() { Parse(text) })
	if inArena > plain-2 {
		t.Errorf("%v allocations in an arena, %v without: the slabs are not reused", inArena, plain)
	}
}
