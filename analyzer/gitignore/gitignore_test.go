package gitignore

import "testing"

// The cases follow git's documentation of gitignore patterns
// (gitignore(5), "PATTERN FORMAT").
func TestIgnored(t *testing.T) {
	tests := []struct {
		name, file, path string
		dir, want        bool
	}{
		{"any depth", "*.log", "a/b/x.log", false, true},
		{"not a match", "*.log", "a/b/x.yaml", false, false},
		{"comment", "# x.yaml", "x.yaml", false, false},
		{"escaped hash", `\#x.yaml`, "#x.yaml", false, true},
		{"a name at any depth", "node_modules", "web/node_modules", true, true},
		{"anchored by a leading slash", "/build", "build", true, true},
		{"anchored: not deeper", "/build", "a/build", true, false},
		{"anchored by a middle slash", "doc/frotz", "doc/frotz", true, true},
		{"middle slash: not deeper", "doc/frotz", "a/doc/frotz", true, false},
		{"directories only", "tmp/", "tmp", true, true},
		{"directories only: not a file", "tmp/", "tmp", false, false},
		{"leading **", "**/foo", "x/y/foo", false, true},
		{"leading ** at the top", "**/foo", "foo", false, true},
		{"trailing **", "abc/**", "abc/x/y.yaml", false, true},
		{"middle **", "a/**/b", "a/x/y/b", false, true},
		{"middle ** with no folder", "a/**/b", "a/b", false, true},
		{"star does not cross folders", "a/*.yaml", "a/b/c.yaml", false, false},
		{"question mark", "v?.yaml", "v1.yaml", false, true},
		{"class", "v[0-9].yaml", "v7.yaml", false, true},
		{"negated class", "v[!0-9].yaml", "v7.yaml", false, false},
		{"negation re-includes", "*.yaml\n!keep.yaml", "keep.yaml", false, false},
		{"last match wins", "!keep.yaml\n*.yaml", "keep.yaml", false, true},
		{"trailing spaces trimmed", "x.yaml   ", "x.yaml", false, true},
		{"escaped trailing space kept", `x.yaml\ `, "x.yaml ", false, true},
		{"CRLF", "x.yaml\r\n", "x.yaml", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Matcher
			m.Add("", []byte(tt.file))
			if got := m.Ignored(tt.path, tt.dir); got != tt.want {
				t.Errorf("%q on %q (dir %v) = %v, want %v", tt.file, tt.path, tt.dir, got, tt.want)
			}
		})
	}
}

// TestNested: a file's patterns are relative to its folder, and a deeper
// file overrides a shallower one.
func TestNested(t *testing.T) {
	var m Matcher
	m.Add("", []byte("*.yaml\n"))
	m.Add("charts", []byte("!*.yaml\n/local.yaml\n"))
	for _, tt := range []struct {
		path string
		want bool
	}{
		{"a.yaml", true},
		{"charts/a.yaml", false},
		{"charts/local.yaml", true},
		{"charts/sub/local.yaml", false},
		{"other/a.yaml", true},
	} {
		if got := m.Ignored(tt.path, false); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.path, got, tt.want)
		}
	}
}
