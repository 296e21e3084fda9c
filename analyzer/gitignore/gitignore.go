// Package gitignore decides which paths .gitignore and .ignore files
// exclude, with git's rules: patterns relative to the file's folder,
// anchored when they contain a slash, "**" across folders, a trailing
// slash for folders only, "!" to re-include, and the last matching pattern
// (the deepest file's) deciding.
package gitignore

import (
	"bufio"
	"bytes"
	"os"
	"regexp"
	"strings"
)

// Files are the names of the ignore files read in each folder, in order
// of precedence (ripgrep's .ignore overrides .gitignore).
var Files = []string{".gitignore", ".ignore"}

type pattern struct {
	re      *regexp.Regexp
	negate  bool
	dirOnly bool
}

// set is the patterns of one ignore file, relative to its folder.
type set struct {
	base     string // the folder, slash-separated, relative to the matcher's root; "" for the root
	patterns []pattern
}

// Matcher holds the ignore files read so far, relative to one root.
type Matcher struct {
	sets []set
}

// AddFile reads an ignore file whose folder is base (relative to the
// matcher's root, slash-separated); a missing file adds nothing.
func (m *Matcher) AddFile(file, base string) {
	text, err := os.ReadFile(file)
	if err != nil {
		return
	}
	m.Add(base, text)
}

// Add adds the patterns of an ignore file's text, relative to base.
func (m *Matcher) Add(base string, text []byte) {
	s := set{base: strings.Trim(base, "/")}
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		if p, ok := compile(sc.Text()); ok {
			s.patterns = append(s.patterns, p)
		}
	}
	if len(s.patterns) > 0 {
		m.sets = append(m.sets, s)
	}
}

// Ignored tells whether rel (slash-separated, relative to the root) is
// excluded. Sets are consulted in the order added, shallow folders first,
// so a deeper file's patterns override a shallower one's.
func (m *Matcher) Ignored(rel string, isDir bool) bool {
	ignored := false
	for _, s := range m.sets {
		sub := rel
		if s.base != "" {
			var ok bool
			if sub, ok = strings.CutPrefix(rel, s.base+"/"); !ok {
				continue
			}
		}
		for _, p := range s.patterns {
			if p.dirOnly && !isDir {
				continue
			}
			if p.re.MatchString(sub) {
				ignored = !p.negate
			}
		}
	}
	return ignored
}

// compile turns one line of an ignore file into a pattern.
func compile(line string) (pattern, bool) {
	line = trimTrailingSpace(line)
	if line == "" || line[0] == '#' {
		return pattern{}, false
	}
	var p pattern
	switch {
	case line[0] == '!':
		p.negate, line = true, line[1:]
	case strings.HasPrefix(line, `\!`), strings.HasPrefix(line, `\#`):
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		p.dirOnly, line = true, strings.TrimRight(line, "/")
	}
	if line == "" {
		return pattern{}, false
	}
	// A slash at the start or in the middle anchors the pattern to the
	// file's folder; otherwise it matches at any depth.
	anchored := strings.Contains(line, "/")
	line = strings.TrimPrefix(line, "/")
	var re strings.Builder
	re.WriteString("^")
	if !anchored {
		re.WriteString("(?:.*/)?")
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '*' && strings.HasPrefix(line[i:], "**"):
			atStart := i == 0 || line[i-1] == '/'
			rest := line[i+2:]
			switch {
			case atStart && strings.HasPrefix(rest, "/"):
				re.WriteString("(?:.*/)?") // "**/": any number of folders
				i += 2
			case atStart && rest == "":
				re.WriteString(".*") // "/**": everything inside
				i++
			default:
				re.WriteString("[^/]*") // elsewhere "**" is "*"
				i++
			}
		case c == '*':
			re.WriteString("[^/]*")
		case c == '?':
			re.WriteString("[^/]")
		case c == '[':
			end := strings.IndexByte(line[i+1:], ']')
			if end < 0 {
				re.WriteString(`\[`)
				continue
			}
			class := line[i+1 : i+1+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			re.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += end + 1
		case c == '\\' && i+1 < len(line):
			i++
			re.WriteString(regexp.QuoteMeta(line[i : i+1]))
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString("$")
	compiled, err := regexp.Compile(re.String())
	if err != nil {
		return pattern{}, false
	}
	p.re = compiled
	return p, true
}

// trimTrailingSpace drops trailing spaces unless escaped with a backslash.
func trimTrailingSpace(s string) string {
	s = strings.TrimRight(s, "\r")
	for strings.HasSuffix(s, " ") && !strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-1]
	}
	return strings.ReplaceAll(s, `\ `, " ")
}
