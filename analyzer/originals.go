package analyzer

import "sort"

// originals are a run's findings, by identity, before configuration and
// suppressions filter them: the original side of fix verification
// (verifier.original), which otherwise analyzes the original document
// again — as much work as the run itself. Identities are listed as the
// rules report them and counted for the spans verification asks for.
type originals struct {
	doc *Document
	// fileRules are the rules that ran: verifying a fix that reaches
	// across the file's documents analyzes the same document with them.
	fileRules map[*Rule]bool
	// spanRules are the rules that read only the object they report on
	// (Rule.ReadsOtherObjects unset) and completed: verification sees a
	// YAML document alone, and such a rule finds there what it found in
	// the file at the document's positions (TestOriginalsAgree holds every
	// rule to it). spans lists what they found per YAML document that holds
	// objects ([DocStart, DocEnd)).
	spanRules map[*Rule]bool
	spans     map[[2]int][]identity
	// others lists the rest: other rules' findings and those outside
	// every object's document.
	others []identity
}

func newOriginals(doc *Document) *originals {
	return &originals{doc: doc, fileRules: map[*Rule]bool{}, spanRules: map[*Rule]bool{}, spans: map[[2]int][]identity{}}
}

// add lists the findings rule r reported into found from the from-th on;
// completed is false when r panicked (its internal error is at the file's
// first line, not in the document it failed on).
func (o *originals) add(r *Rule, completed bool, found *findingChunks, from int) {
	if o == nil {
		return
	}
	o.fileRules[r] = true
	local := completed && !r.ReadsOtherObjects
	if local {
		o.spanRules[r] = true
	}
	var last [2]int
	var at []identity
	found.each(from, func(f *Finding) {
		// As Pass.ReportAs counts for verification.
		if f.Start >= len(o.doc.Text) {
			return
		}
		if !local {
			o.others = append(o.others, identityOf(f))
			return
		}
		// A rule reports in position order, mostly several findings per
		// document: the last document is looked up first.
		if at == nil || f.Start < last[0] || f.Start >= last[1] {
			if at != nil {
				o.spans[last] = at
			}
			sp, ok := o.doc.documentAt(f.Start)
			if !ok {
				o.others = append(o.others, identityOf(f))
				at = nil
				return
			}
			last, at = sp, o.spans[sp]
		}
		at = append(at, identityOf(f))
	})
	if at != nil {
		o.spans[last] = at
	}
}

// counted returns, for the span [start, end) that verification analyzes
// (the whole file or one object's YAML document), the counts of what the
// run found there and the rules they cover.
func (o *originals) counted(start, end int) (map[identity]int, map[*Rule]bool) {
	ids := map[identity]int{}
	if start == 0 && end == len(o.doc.Text) {
		for _, id := range o.others {
			ids[id]++
		}
		for _, in := range o.spans {
			for _, id := range in {
				ids[id]++
			}
		}
		return ids, o.fileRules
	}
	for _, id := range o.spans[[2]int{start, end}] {
		ids[id]++
	}
	return ids, o.spanRules
}

// documentAt is the span of the YAML document holding objects that
// contains offset at.
func (d *Document) documentAt(at int) ([2]int, bool) {
	objs := d.Objects
	i := sort.Search(len(objs), func(i int) bool { return objs[i].DocEnd > at })
	if i < len(objs) && objs[i].DocStart <= at {
		return [2]int{objs[i].DocStart, objs[i].DocEnd}, true
	}
	return [2]int{}, false
}
