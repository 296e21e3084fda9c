package fixes

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Unified renders a unified diff of a and b with three lines of context,
// the format `git apply` and `patch` read. Equal texts give "".
func Unified(nameA, nameB string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	la, lb := splitLines(a), splitLines(b)
	ops := diffLines(la, lb)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", nameA, nameB)
	const context = 3
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from context lines before the change to context lines
		// after the last change that is within 2*context of the next.
		start := max(i-context, 0)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j
			} else if j-end > 2*context {
				break
			}
		}
		end = min(end+context+1, len(ops))
		var aStart, bStart, aLen, bLen int
		aStart, bStart = ops[start].a+1, ops[start].b+1
		for _, op := range ops[start:end] {
			if op.kind != '+' {
				aLen++
			}
			if op.kind != '-' {
				bLen++
			}
		}
		if aLen == 0 {
			aStart--
		}
		if bLen == 0 {
			bStart--
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", aStart, aLen, bStart, bLen)
		for _, op := range ops[start:end] {
			out.WriteByte(op.kind)
			out.WriteString(op.text)
			if !strings.HasSuffix(op.text, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return out.String()
}

type diffOp struct {
	kind byte // ' ', '-', '+'
	text string
	a, b int // 0-based line indexes in a and b where the op stands
}

func splitLines(t []byte) []string {
	var out []string
	for len(t) > 0 {
		i := bytes.IndexByte(t, '\n')
		if i < 0 {
			out = append(out, string(t))
			break
		}
		out = append(out, string(t[:i+1]))
		t = t[i+1:]
	}
	return out
}

// maxLCSCells bounds the table of the exact line diff (8 bytes a cell):
// above it, the lines between anchors are diffed instead (diffAnchored).
// A fix of every finding of a 5,000-document file changes lines all over
// it, and one table for the whole middle would take gigabytes.
var maxLCSCells = 1 << 20

// diffLines computes a line diff: common prefix and suffix are matched
// directly, the middle by longest common subsequence when it is small,
// else split at lines that occur once in each text (diffAnchored).
func diffLines(a, b []string) []diffOp {
	var ops []diffOp
	diffRange(a, b, 0, 0, 0, &ops)
	return ops
}

// maxAnchorDepth bounds how often diffAnchored splits a split part: texts
// made to defeat anchoring get a diff that is correct, not minimal.
const maxAnchorDepth = 32

// diffRange appends the ops of a diff of a and b, which stand at line a0
// and b0 of the whole texts; depth counts the anchored splits above.
func diffRange(a, b []string, a0, b0, depth int, ops *[]diffOp) {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	for i := 0; i < pre; i++ {
		*ops = append(*ops, diffOp{' ', a[i], a0 + i, b0 + i})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	switch {
	case len(ma) == 0 || len(mb) == 0 || (len(ma)+1)*(len(mb)+1) <= maxLCSCells:
		diffLCS(ma, mb, a0+pre, b0+pre, ops)
	case depth >= maxAnchorDepth || !diffAnchored(ma, mb, a0+pre, b0+pre, depth, ops):
		// Nothing to anchor on: correct, if not minimal.
		diffReplace(ma, mb, a0+pre, b0+pre, ops)
	}
	for k := 0; k < suf; k++ {
		*ops = append(*ops, diffOp{' ', a[len(a)-suf+k], a0 + len(a) - suf + k, b0 + len(b) - suf + k})
	}
}

// diffLCS appends the ops of a minimal diff of a and b (a table of
// longest common subsequences).
func diffLCS(a, b []string, a0, b0 int, ops *[]diffOp) {
	if len(a) == 0 || len(b) == 0 {
		diffReplace(a, b, a0, b0, ops)
		return
	}
	// lcs[i*w+j] is the LCS length of a[i:] and b[j:].
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			*ops = append(*ops, diffOp{' ', a[i], a0 + i, b0 + j})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			*ops = append(*ops, diffOp{'-', a[i], a0 + i, b0 + j})
			i++
		default:
			*ops = append(*ops, diffOp{'+', b[j], a0 + i, b0 + j})
			j++
		}
	}
}

// diffReplace appends a's lines removed, then b's added.
func diffReplace(a, b []string, a0, b0 int, ops *[]diffOp) {
	for i, l := range a {
		*ops = append(*ops, diffOp{'-', l, a0 + i, b0})
	}
	for j, l := range b {
		*ops = append(*ops, diffOp{'+', l, a0 + len(a), b0 + j})
	}
}

// diffAnchored diffs large texts as patience diff does: the lines that
// occur exactly once in each text are matched up, the longest run of them
// in the same order in both kept as anchors, and the lines between
// consecutive anchors diffed on their own (diffRange). It reports false
// when there is no anchor.
func diffAnchored(a, b []string, a0, b0, depth int, ops *[]diffOp) bool {
	type count struct{ a, b, at int }
	seen := make(map[string]*count, len(a))
	for i, l := range a {
		if c := seen[l]; c != nil {
			c.a++
		} else {
			seen[l] = &count{a: 1, at: i}
		}
	}
	for _, l := range b {
		if c := seen[l]; c != nil {
			c.b++
		}
	}
	// pairs: a's index of each line unique in both, in b's order.
	type pair struct{ i, j int }
	var pairs []pair
	for j, l := range b {
		if c := seen[l]; c != nil && c.a == 1 && c.b == 1 {
			pairs = append(pairs, pair{c.at, j})
		}
	}
	if len(pairs) == 0 {
		return false
	}
	// The longest subsequence of pairs increasing in a's index (patience
	// sorting): tails[k] is the pair ending the best run of length k+1,
	// prev links each pair to the one before it in its run.
	var tails []int
	prev := make([]int, len(pairs))
	for k, p := range pairs {
		n := sort.Search(len(tails), func(t int) bool { return pairs[tails[t]].i >= p.i })
		prev[k] = -1
		if n > 0 {
			prev[k] = tails[n-1]
		}
		if n == len(tails) {
			tails = append(tails, k)
		} else {
			tails[n] = k
		}
	}
	anchors := make([]pair, len(tails))
	for k, n := tails[len(tails)-1], len(tails)-1; n >= 0; k, n = prev[k], n-1 {
		anchors[n] = pairs[k]
	}
	i, j := 0, 0
	for _, p := range anchors {
		diffRange(a[i:p.i], b[j:p.j], a0+i, b0+j, depth+1, ops)
		*ops = append(*ops, diffOp{' ', a[p.i], a0 + p.i, b0 + p.j})
		i, j = p.i+1, p.j+1
	}
	diffRange(a[i:], b[j:], a0+i, b0+j, depth+1, ops)
	return true
}
