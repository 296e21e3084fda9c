package analyzer

import (
	"context"
	"fmt"

	"hardline.dev/hardline/analyzer/yamlfast"
)

// ForceParallel makes every document's parse (a stream of several
// documents per core), rules, facts, kept findings and hints run in
// parallel however small, until the returned function restores the
// thresholds: tests compare that with the serial run.
func ForceParallel() (restore func()) {
	objects, batch, keep, parse := parallelRulesObjects, hintBatch, parallelKeepFindings, parallelParseBytes
	parallelRulesObjects, hintBatch, parallelKeepFindings, parallelParseBytes = 0, 1, 0, 0
	return func() {
		parallelRulesObjects, hintBatch, parallelKeepFindings, parallelParseBytes = objects, batch, keep, parse
	}
}

// OriginalsDiffer checks what fix verification takes from a run
// (originals) against analyzing again, for the whole file and each YAML
// document holding objects: it describes each span whose counts differ,
// and returns how many spans it compared.
func OriginalsDiffer(e *Engine, doc *Document, cfg *Config) (diffs []string, compared int) {
	_, _, orig := e.run(context.Background(), doc, cfg, nil, true)
	spans := [][2]int{{0, len(doc.Text)}}
	for _, o := range doc.Objects {
		if sp := [2]int{o.DocStart, o.DocEnd}; sp != spans[len(spans)-1] {
			spans = append(spans, sp)
		}
	}
	counted := &verifier{e: e, doc: doc, cfg: cfg, orig: orig}
	again := &verifier{e: e, doc: doc, cfg: cfg}
	for _, sp := range spans {
		want, got := again.originalOf(sp[0], sp[1]), counted.originalOf(sp[0], sp[1])
		for id := range want {
			if got[id] != want[id] {
				diffs = append(diffs, fmt.Sprintf("[%d,%d) %s %v %q: counted %d, analyzed %d", sp[0], sp[1], ruleCode(id.rule), id.object, id.container, got[id], want[id]))
			}
		}
		for id := range got {
			if _, ok := want[id]; !ok && got[id] != 0 {
				diffs = append(diffs, fmt.Sprintf("[%d,%d) %s %v %q: counted %d, analyzed 0", sp[0], sp[1], ruleCode(id.rule), id.object, id.container, got[id]))
			}
		}
		compared++
	}
	return diffs, compared
}

func ruleCode(r *Rule) string {
	if r == nil {
		return "syntax"
	}
	return r.Code
}

// InArena is opts with the trees' memory lent by a, as the CLI parses
// files: tests reset a once they drop the document.
func InArena(opts ParseOptions, a *yamlfast.Arena) ParseOptions {
	opts.arena = a
	return opts
}
