package rules_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/internal/testenv"
	"hardline.dev/hardline/rules"
)

// TestFixCorpusProperties fixes (safe and unsafe) every file of the
// corpus, as `fix --write --unsafe` does, and checks what a fix must
// never break: the file still parses, every comment line survives, no
// line outside the edits changes, fixed findings are gone and no other
// finding appeared, and a second run changes nothing.
func TestFixCorpusProperties(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus-wide")
	}
	engine := analyzer.NewEngine(rules.All())
	cfg := analyzer.DefaultConfig()
	cfg.Profile = analyzer.All
	var paths []string
	for _, sub := range []string{"k8s", "dockerfiles"} {
		filepath.WalkDir(testenv.Dir(t, "corpus/"+sub), func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && analyzer.LanguageOf(path) != analyzer.Unknown {
				paths = append(paths, path)
			}
			return err
		})
	}
	var mu sync.Mutex
	files, fixedFiles, applied, migrated := 0, 0, 0, 0
	work := make(chan string)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for path := range work {
				text, err := os.ReadFile(path)
				if err != nil {
					t.Error(err)
					continue
				}
				fixed, done := engine.FixText(context.Background(), path, text, analyzer.ParseOptions{}, &cfg, acceptAll)
				if strings.Contains(path, "@") {
					// Older commits: every API migration that has a fix
					// must have been made.
					doc := analyzer.Parse(path, fixed, analyzer.ParseOptions{})
					for _, f := range engine.Run(context.Background(), doc, &cfg) {
						if (f.Rule.Code == "KS601" || f.Rule.Code == "KS602") && len(engine.Fixes(context.Background(), doc, &cfg, &f)) > 0 {
							t.Errorf("%s: %s left with a fix: %s", path, f.Rule.Code, f.Message)
						}
					}
				}
				mu.Lock()
				for _, d := range done {
					if d.Rule.Code == "KS601" || d.Rule.Code == "KS602" {
						migrated++
					}
				}
				files++
				if len(done) > 0 {
					fixedFiles++
					applied += len(done)
				}
				mu.Unlock()
				if len(done) == 0 {
					if !bytes.Equal(fixed, text) {
						t.Errorf("%s: text changed with no fix applied", path)
					}
					continue
				}
				checkFixed(t, engine, &cfg, path, text, fixed, done)
				for _, l := range linesLost(path, text, fixed, done) {
					t.Errorf("%s: %s", path, l)
				}
			}
		}()
	}
	for _, p := range paths {
		work <- p
	}
	close(work)
	wg.Wait()
	t.Logf("%d files, %d fixed with %d fixes, %d of them API migrations", files, fixedFiles, applied, migrated)
	if files == 0 {
		t.Error("no file of the corpus was read")
	}
}

// linesLost lists what a fix must never do to the original's lines: drop
// a comment line, or change a line no edit was about. A value replaced in
// place keeps its line's key; moved fields (HL002) leave their old lines.
func linesLost(path string, before, after []byte, applied []analyzer.AppliedFix) []string {
	var lost []string
	count := map[string]int{}
	for _, l := range strings.Split(string(after), "\n") {
		count[l]++
	}
	for _, l := range strings.Split(string(before), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			if count[l] == 0 {
				lost = append(lost, "comment line lost: "+l)
			}
			count[l]--
		}
	}
	for _, a := range applied {
		if a.Rule.Code == "HL002" {
			return lost
		}
	}
	var removed, added []string
	for _, l := range strings.Split(fixes.Unified("a", "b", before, after), "\n") {
		switch {
		case strings.HasPrefix(l, "---"), strings.HasPrefix(l, "+++"):
		case strings.HasPrefix(l, "-"):
			removed = append(removed, l[1:])
		case strings.HasPrefix(l, "+"):
			added = append(added, l[1:])
		}
	}
	// API migrations and annotation moves rename and drop these keys.
	migrated := map[string]bool{}
	for _, a := range applied {
		switch a.Rule.Code {
		case "KS601", "KS602":
			for _, k := range []string{"backend", "serviceName", "servicePort", "rollbackTo", "revision", "templateGeneration"} {
				migrated[k] = true
			}
		case "KS603":
			migrated["annotations"] = true // an annotation that was the only one
		}
	}
	for _, r := range removed {
		key, _, _ := strings.Cut(r, ":")
		k := strings.TrimPrefix(strings.TrimSpace(key), "- ")
		if migrated[k] || migrated["annotations"] && strings.Contains(k, ".kubernetes.io/") {
			continue
		}
		kept := analyzer.LanguageOf(path) == analyzer.Dockerfile && instructionKept(r, added)
		for _, a := range added {
			// The same text: only a missing final newline was added.
			if a == r || strings.HasPrefix(a, key+":") {
				kept = true
				break
			}
		}
		if !kept {
			lost = append(lost, "a line no edit was about changed: "+r)
		}
	}
	return lost
}

// instructionKept tells whether a Dockerfile line a fix changed is still
// there as the fixes change lines: with a flag inserted (its words a
// subsequence of the new line's), with its keyword replaced (ADD → COPY),
// as LABEL maintainer=…, or as the JSON form of its CMD/ENTRYPOINT.
func instructionKept(r string, added []string) bool {
	rw := strings.Fields(r)
	if len(rw) == 0 {
		return false
	}
	for _, a := range added {
		aw := strings.Fields(a)
		if len(aw) == 0 {
			continue
		}
		i := 0
		for _, w := range aw {
			if i < len(rw) && w == rw[i] {
				i++
			}
		}
		kw := strings.ToLower(rw[0])
		switch {
		case i == len(rw):
			return true
		case slices.Equal(rw[1:], aw[1:]):
			return true
		case kw == "maintainer" && strings.HasPrefix(strings.ToLower(a), "label maintainer="):
			return true
		case (kw == "cmd" || kw == "entrypoint") && strings.EqualFold(aw[0], rw[0]) && strings.HasPrefix(aw[1], "["):
			return true
		}
	}
	return false
}

// TestFixFilesRemaining: what `hardline fix` reports as remaining in a
// file is taken from the last round of fixing when that round analyzed
// the fixed text; it must be what a fresh analysis of the fixed text
// finds, for files fixed in several rounds and files with nothing to fix.
func TestFixFilesRemaining(t *testing.T) {
	var paths []string
	for _, dir := range []string{filepath.Join("..", "testdata", "rules"), filepath.Join("..", "testdata", "fixes"), testenv.Optional(t, "corpus/k8s")} {
		if dir == "" {
			continue
		}
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && analyzer.LanguageOf(path) != analyzer.Unknown {
				paths = append(paths, path)
			}
			return err
		})
	}
	engine := analyzer.NewEngine(rules.All())
	cfg := analyzer.DefaultConfig()
	cfg.Profile = analyzer.All
	configFor := func(string) (*analyzer.Config, error) { c := cfg; return &c, nil }
	describe := func(fs []analyzer.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, fmt.Sprintf("%d-%d %s %s %s", f.Start, f.End, f.Rule.Code, f.Severity, f.Message))
		}
		return out
	}
	fixed, unchanged := 0, 0
	for _, r := range engine.FixFiles(context.Background(), paths, nil, configFor, acceptAll) {
		if r.Err != nil {
			continue
		}
		if len(r.Applied) > 0 {
			fixed++
		} else {
			unchanged++
		}
		// Parsed as the run parsed it: a kustomize patch is skipped.
		doc := analyzer.Parse(r.Path, r.New, analyzer.ParseOptions{KustomizePatch: analyzer.IsKustomizePatch(r.Path)})
		want := describe(engine.Run(context.Background(), doc, &cfg))
		if diff := cmp.Diff(want, describe(r.Findings)); diff != "" {
			t.Errorf("%s: remaining findings (-fresh +reported):\n%s", r.Path, diff)
		}
		for _, f := range r.Findings {
			if f.Fix != nil || f.Fixes != nil || f.Hint != nil {
				t.Errorf("%s: a remaining finding keeps fixes", r.Path)
				break
			}
		}
	}
	if fixed == 0 || unchanged == 0 {
		t.Errorf("%d files fixed, %d with nothing to fix: both kinds must be checked", fixed, unchanged)
	}
}
