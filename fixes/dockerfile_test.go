package fixes

import "testing"

func TestDockerfileEdits(t *testing.T) {
	text := []byte("from alpine:3.20\r\nrun apt-get install -y curl\r\nmaintainer me\r\n")
	d := NewDockerfile(text, '`', []string{"from", "run", "maintainer"})
	tests := []struct {
		name string
		edit TextEdit
		want string
	}{
		{"instruction in the file's case and line ending, with continuation lines in its escape character",
			d.InsertInstruction(3, "RUN", "set -e", "make"),
			"from alpine:3.20\r\nrun apt-get install -y curl\r\nrun set -e `\r\n    make\r\nmaintainer me\r\n"},
		{"instruction after the last line", d.InsertInstruction(99, "USER", "65532:65532"),
			"from alpine:3.20\r\nrun apt-get install -y curl\r\nmaintainer me\r\nuser 65532:65532\r\n"},
		{"keyword", d.ReplaceKeyword(47, 57, "LABEL"), "from alpine:3.20\r\nrun apt-get install -y curl\r\nlabel me\r\n"},
		{"flag after a word", d.InsertFlag(37, "--no-install-recommends"),
			"from alpine:3.20\r\nrun apt-get install --no-install-recommends -y curl\r\nmaintainer me\r\n"},
	}
	for _, tt := range tests {
		got, err := Apply(text, []TextEdit{tt.edit})
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: got %q, %v\nwant %q", tt.name, got, err, tt.want)
		}
	}
}
