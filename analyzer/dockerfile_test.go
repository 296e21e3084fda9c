package analyzer

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLanguageOf(t *testing.T) {
	for path, want := range map[string]Language{
		"Dockerfile": Dockerfile, "build/Dockerfile.prod": Dockerfile, "Dockerfile-dev": Dockerfile,
		"app.Dockerfile": Dockerfile, "x/app.dockerfile": Dockerfile, "Containerfile": Dockerfile,
		"deploy.yaml": Kubernetes, "a.YML": Kubernetes, "pod.json": Kubernetes,
		"README.md": Unknown, "dockerfile.go": Unknown,
	} {
		if got := LanguageOf(path); got != want {
			t.Errorf("LanguageOf(%q) = %s, want %s", path, got, want)
		}
	}
}

type insSummary struct {
	Keyword    string
	Start, End int // lines
	Col        int
}

func TestDockerfileParsing(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		want     []insSummary
		stages   int
		problems []int // lines
	}{
		{
			name:   "continuations, heredoc, indentation",
			text:   "FROM alpine:3.20 AS base\nRUN apk add \\\n    curl \\\n    git\n  COPY <<EOF /etc/motd\nhello\nEOF\nFROM base\nUSER app\n",
			want:   []insSummary{{"from", 1, 1, 1}, {"run", 2, 4, 1}, {"copy", 5, 7, 3}, {"from", 8, 8, 1}, {"user", 9, 9, 1}},
			stages: 2,
		},
		{
			name:   "escape directive",
			text:   "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n    c:\\\n",
			want:   []insSummary{{"from", 2, 2, 1}, {"run", 3, 4, 1}},
			stages: 1,
		},
		{
			name:     "a bad instruction is reported and the rest analyzed",
			text:     "ARG V=1\nFROM alpine:$V\nEXPOSE\nUSER app\n",
			want:     []insSummary{{"arg", 1, 1, 1}, {"from", 2, 2, 1}, {"expose", 3, 3, 1}, {"user", 4, 4, 1}},
			stages:   1,
			problems: []int{3},
		},
		{
			name:     "unterminated heredoc keeps what comes before",
			text:     "FROM alpine:3.20\nUSER app\nRUN <<EOF\necho hi\n",
			want:     []insSummary{{"from", 1, 1, 1}, {"user", 2, 2, 1}},
			stages:   1,
			problems: []int{3},
		},
		{
			name:     "no instructions",
			text:     "# just a comment\n",
			problems: []int{1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Parse("Dockerfile", []byte(tt.text), ParseOptions{})
			var got []insSummary
			stages := 0
			if d.Dockerfile != nil {
				for _, in := range d.Dockerfile.Instructions {
					got = append(got, insSummary{in.Keyword, in.StartLine, in.EndLine, d.Lines.Position(in.Start).Column})
				}
				stages = len(d.Dockerfile.Stages)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("instructions (-want +got):\n%s", diff)
			}
			if stages != tt.stages {
				t.Errorf("stages = %d, want %d", stages, tt.stages)
			}
			var lines []int
			for _, p := range d.Problems {
				lines = append(lines, d.Lines.Position(p.Start).Line)
			}
			if diff := cmp.Diff(tt.problems, lines); diff != "" {
				t.Errorf("problem lines (-want +got):\n%s\n%v", diff, d.Problems)
			}
		})
	}
}

func TestWordSpan(t *testing.T) {
	d := Parse("Dockerfile", []byte("FROM --platform=$P node AS nodebuild\nRUN sudo apt-get install \\\n  sudo-ish sudo\n"), ParseOptions{})
	ins := d.Dockerfile.Instructions
	for _, tt := range []struct {
		in        *Instruction
		word      string
		line, col int
	}{{ins[0], "node", 1, 20}, {ins[1], "sudo", 2, 5}, {ins[1], "install", 2, 18}} {
		s, _, ok := d.WordSpan(tt.in, tt.word)
		if pos := d.Lines.Position(s); !ok || pos != (Position{tt.line, tt.col}) {
			t.Errorf("WordSpan(%q) = %v,%v want %d:%d", tt.word, pos, ok, tt.line, tt.col)
		}
	}
	if _, _, ok := d.WordSpan(ins[0], "nod"); ok {
		t.Error("WordSpan matched part of a word")
	}
}
