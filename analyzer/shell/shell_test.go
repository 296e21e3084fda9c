package shell

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cmd is what the tests compare of a command: its words as they appear
// in the source (by span) and its pipeline position and runner.
type cmd struct {
	Words          []string
	Pipeline, Pipe int
	In             int
}

func summary(src string, s *Script, base int) []cmd {
	var out []cmd
	for _, c := range s.Commands {
		var ws []string
		for _, w := range c.Args {
			ws = append(ws, src[w.Start-base:w.End-base]+"="+w.Value)
		}
		out = append(out, cmd{ws, c.Pipeline, c.PipeIndex, c.In})
	}
	return out
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []cmd
	}{
		{"and-list and pipeline", `apt-get update && curl -fsSL "$U" | sudo bash -`, []cmd{
			{Words: []string{"apt-get=apt-get", "update=update"}, In: -1},
			{Words: []string{"curl=curl", "-fsSL=-fsSL", `"$U"=`}, Pipeline: 1, In: -1},
			{Words: []string{"sudo=sudo", "bash=bash", "-=-"}, Pipeline: 1, Pipe: 1, In: -1},
		}},
		{"sh -c script in place", `sh -c 'apk add curl'`, []cmd{
			{Words: []string{"sh=sh", "-c=-c", "'apk add curl'=apk add curl"}, In: -1},
			{Words: []string{"apk=apk", "add=add", "curl=curl"}, In: 0},
		}},
		{"substitution", `bash -c "$(wget -qO- x)"`, []cmd{
			{Words: []string{"bash=bash", "-c=-c", `"$(wget -qO- x)"=`}, In: -1},
			{Words: []string{"wget=wget", "-qO-=-qO-", "x=x"}, In: 0},
		}},
		{"heredoc script", "<<EOF\npip install x\nEOF\n", []cmd{
			{Words: []string{"pip=pip", "install=install", "x=x"}, In: -1},
		}},
		{"line continuation and quotes", "apt-get install -y \\\n  \"ca-certificates\" 'git'", []cmd{
			{Words: []string{"apt-get=apt-get", "install=install", "-y=-y", `"ca-certificates"=ca-certificates`, "'git'=git"}, In: -1},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(tc.src, 100)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, summary(tc.src, s, 100)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFlagsAndOperands(t *testing.T) {
	s, err := Parse(`curl -fsSk -o out --retry 3 https://x -- -k`, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Commands[0]
	if w := c.FlagWord("-k", "--insecure"); w == nil || w.Value != "-fsSk" {
		t.Errorf("FlagWord(-k) = %v, want the -fsSk group", w)
	}
	if c.Flag("--retry-all-errors") {
		t.Error("--retry-all-errors found")
	}
	var ops []string
	for _, w := range c.Operands("-o", "--retry") {
		ops = append(ops, w.Value)
	}
	if diff := cmp.Diff([]string{"https://x"}, ops); diff != "" {
		t.Errorf("operands (-want +got):\n%s", diff)
	}
}

func TestBrokenScript(t *testing.T) {
	if _, err := Parse(`echo "unterminated`, 0); err == nil {
		t.Error("no error for an unterminated quote")
	}
}
