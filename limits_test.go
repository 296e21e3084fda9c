package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostile inputs, run through the real binary so that each case's peak
// memory (the child's max RSS) is measured on its own.
func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary on large inputs")
	}
	bin := hardlineBinary(t)
	dir := t.TempDir()
	write := func(name string, text []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, text, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}

	var bomb bytes.Buffer
	bomb.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&bomb, "  a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	bomb.WriteString("---\napiVersion: v1\nkind: Pod\nmetadata: {name: after}\nspec:\n  containers: [{name: c, image: x:1, securityContext: {privileged: true}}]\n")

	deep := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n"

	large := bytes.Repeat([]byte("# padding\n"), 1_200_000) // 12 MB of comments

	var longLine bytes.Buffer
	longLine.WriteString(`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "long", "annotations": {"a": "`)
	longLine.Write(bytes.Repeat([]byte("x"), 5_000_000))
	longLine.WriteString(`"}}, "spec": {"containers": [{"name": "c", "image": "x:1", "securityContext": {"privileged": true}}]}}`)

	var dockerfile bytes.Buffer
	dockerfile.WriteString("FROM debian:12\n")
	for i := range 100_000 {
		fmt.Fprintf(&dockerfile, "RUN echo %d && apt-get install -y pkg%d\n", i, i)
	}
	dockerfile.WriteString("USER 1000\n")

	var stream bytes.Buffer
	for i := range 10_000 {
		fmt.Fprintf(&stream, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%d}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.%d\n    securityContext: {privileged: true}\n", i, i)
	}

	tests := []struct {
		name, path string
		args       []string
		// want are lines that must be in the output; count, when not
		// zero, is how many findings of wantCode there must be.
		want     []string
		wantCode string
		count    int
		// extraRSSMiB bounds the peak RSS above the process's own, which
		// `hardline version` measures in the same run: most of that is the
		// binary's pages, which grow with what it links.
		extraRSSMiB int64
	}{
		{name: "alias bomb", path: write("bomb.yaml", bomb.Bytes()),
			want:        []string{"bomb.yaml:1:1: error HL004 input-limit: YAML aliases expand to more than limits.maxAliasExpansion (10000) nodes", "bomb.yaml:20:56: error KS101"},
			extraRSSMiB: 85},
		{name: "alias bomb under a raised limit", path: write("bomb2.yaml", bomb.Bytes()),
			args: []string{"--config", write("raised.yaml", []byte("limits: {maxAliasExpansion: 100}\n"))},
			want: []string{"error HL004 input-limit: YAML aliases expand to more than limits.maxAliasExpansion (100) nodes"}, extraRSSMiB: 85},
		{name: "nesting 100,000 deep", path: write("deep.yaml", []byte(deep)),
			want: []string{"deep.yaml:5:3: error HL004 input-limit: YAML: exceeded max depth of 10000"}, extraRSSMiB: 185},
		{name: "nesting over a configured limit", path: write("deep2.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: {x: [[[[[[1]]]]]]}\n")),
			args: []string{"--config", write("shallow.yaml", []byte("limits: {maxDepth: 5}\n"))},
			want: []string{"deep2.yaml:1:1: error HL004 input-limit: YAML nests deeper than limits.maxDepth (5)"}, extraRSSMiB: 85},
		{name: "12 MB file", path: write("large.yaml", large),
			want: []string{"large.yaml:1:1: info HL003 file-skipped: file of 11.4 MiB, over limits.maxFileBytes (10.0 MiB): not analyzed"}, extraRSSMiB: 45},
		{name: "a small file over a configured size limit", path: write("small.yaml", []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")),
			args: []string{"--config", write("tiny.yaml", []byte("limits: {maxFileBytes: 10}\n"))},
			want: []string{"small.yaml:1:1: info HL003 file-skipped: file of 45 bytes, over limits.maxFileBytes (10 bytes): not analyzed"}, extraRSSMiB: 45},
		{name: "binary", path: write("image.yaml", append([]byte("apiVersion: v1\nkind: Pod\n\x00\x01\x02"), bytes.Repeat([]byte{0xff, 0}, 1000)...)),
			want: []string{"image.yaml:1:1: info HL003 file-skipped: binary file: not analyzed"}, extraRSSMiB: 45},
		{name: "not UTF-8", path: write("latin1.yaml", []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: caf\xe9}\n")),
			want: []string{"latin1.yaml:1:1: info HL003 file-skipped: not UTF-8 text"}, extraRSSMiB: 45},
		{name: "a 5 MB line", path: write("long.json", longLine.Bytes()),
			want: []string{"long.json:1:5000167: error KS101 privileged-container"}, extraRSSMiB: 185},
		{name: "100,000 Dockerfile instructions", path: write("Dockerfile", dockerfile.Bytes()), args: []string{"--profile", "all"},
			wantCode: "DF201", count: 100_000, extraRSSMiB: 1000},
		{name: "10,000 documents", path: write("stream.yaml", stream.Bytes()),
			wantCode: "KS101", count: 10_000, extraRSSMiB: 385},
	}
	// GNU time forks (not vforks) the command, so its %M is the command's
	// own peak RSS; a child of this process would report this test's.
	timeCmd, err := exec.LookPath("time")
	if err != nil {
		timeCmd = "/usr/bin/time"
	}
	if _, err := os.Stat(timeCmd); err != nil {
		t.Log("GNU time not found: peak RSS not measured (apt-get install time)")
		timeCmd = ""
	}
	// peakRSS runs hardline with args and returns its output and peak RSS
	// in MiB (-1 without GNU time).
	peakRSS := func(t *testing.T, args ...string) (*exec.Cmd, string, int64) {
		rssFile := filepath.Join(t.TempDir(), "rss")
		cmd := exec.Command(bin, args...)
		if timeCmd != "" {
			cmd = exec.Command(timeCmd, append([]string{"-f", "%M", "-o", rssFile, bin}, args...)...)
		}
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			t.Fatal(err)
		}
		rss := int64(-1)
		if timeCmd != "" {
			// After "Command exited with non-zero status N" when it did.
			fields := strings.Fields(string(mustRead(t, rssFile)))
			var kib int64
			if _, err := fmt.Sscan(fields[len(fields)-1], &kib); len(fields) == 0 || err != nil {
				t.Fatalf("GNU time's output: %v", err)
			}
			rss = kib / 1024
		}
		return cmd, out.String(), rss
	}
	_, _, base := peakRSS(t, "version")
	t.Logf("hardline version: peak RSS %d MiB", base)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"lint"}, tt.args...), tt.path)
			start := time.Now()
			cmd, text, rss := peakRSS(t, args...)
			elapsed := time.Since(start)
			if code := cmd.ProcessState.ExitCode(); code > 1 {
				t.Fatalf("exit %d: %.2000s", code, text)
			}
			t.Logf("%d bytes in %v, peak RSS %d MiB", len(mustRead(t, tt.path)), elapsed.Round(time.Millisecond), rss)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("output lacks %q:\n%.2000s", w, text)
				}
			}
			if tt.count > 0 {
				if n := strings.Count(text, " "+tt.wantCode+" "); n != tt.count {
					t.Errorf("%d %s findings, want %d", n, tt.wantCode, tt.count)
				}
			}
			if rss-base > tt.extraRSSMiB {
				t.Errorf("peak RSS %d MiB, %d over the process's own %d MiB: over the bound of %d MiB", rss, rss-base, base, tt.extraRSSMiB)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
