package rules_test

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/rules"
)

const twoContainers = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      privileged: true
  - name: sidecar
    image: envoy:1.31
    securityContext:
      privileged: true
`

// TestSuppressions covers every suppression form and scope: each case
// lists the findings (line:CODE) that remain.
func TestSuppressions(t *testing.T) {
	// Without the Kubernetes rules beyond Pod Security, so that the
	// expectations stay about suppression, not about which rules the
	// fixture trips.
	var some []*analyzer.Rule
	for _, r := range rules.All() {
		if !strings.HasPrefix(r.Code, "KS") || r.Code < "KS300" {
			some = append(some, r)
		}
	}
	engine := analyzer.NewEngine(some)
	tests := []struct {
		name, file, text string
		config           string // .hardline.yaml text, optional
		want             []string
	}{
		{
			name: "no suppression", file: "pod.yaml", text: twoContainers,
			want: []string{"10:KS201", "10:KS202", "13:KS101", "14:KS201", "14:KS202", "17:KS101"},
		},
		{
			name: "trailing comment on the finding's line", file: "pod.yaml",
			text: replace(twoContainers, "13", "      privileged: true  # hardline:ignore KS101 -- CNI plugin"),
			want: []string{"10:KS201", "10:KS202", "14:KS201", "14:KS202", "17:KS101"},
		},
		{
			name: "comment alone on the line above, by rule name", file: "pod.yaml",
			text: insertAbove(twoContainers, 17, "      # hardline:ignore privileged-container"),
			want: []string{"10:KS201", "10:KS202", "13:KS101", "14:KS201", "14:KS202"},
		},
		{
			name: "above a container: the whole container", file: "pod.yaml",
			text: insertAbove(twoContainers, 10, "  # hardline:ignore KS101,KS201 -- legacy agent"),
			want: []string{"11:KS202", "15:KS201", "15:KS202", "18:KS101"},
		},
		{
			name: "above the object: the whole object", file: "pod.yaml",
			text: "# hardline:ignore KS202\n" + twoContainers,
			want: []string{"11:KS201", "14:KS101", "15:KS201", "18:KS101"},
		},
		{
			name: "ignore-file anywhere", file: "pod.yaml",
			text: twoContainers + "# hardline:ignore-file KS201, KS202\n",
			want: []string{"13:KS101", "17:KS101"},
		},
		{
			name: "a peer's ID, with or without its tool prefix", file: "pod.yaml",
			text: replace(replace(twoContainers, "13", "      privileged: true  # hardline:ignore kube-linter:privileged-container"),
				"17", "      privileged: true  # hardline:ignore PRIVILEGED"),
			want: []string{"10:KS201", "10:KS202", "14:KS201", "14:KS202"},
		},
		{
			name: "a peer's ID in the config", file: "pod.yaml",
			config: "rules:\n  pss:privileged: info\n",
			text:   twoContainers,
			want:   []string{"10:KS201", "10:KS202", "13:KS101/info", "14:KS201", "14:KS202", "17:KS101/info"},
		},
		{
			name: "annotation on the object", file: "pod.yaml",
			text: replace(twoContainers, "4", "  name: web\n  annotations:\n    hardline.dev/ignore: \"KS201,KS202\""),
			want: []string{"15:KS101", "19:KS101"},
		},
		{
			name: "annotation on a pod template", file: "deploy.yaml",
			text: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    metadata:\n      annotations:\n        hardline.dev/ignore: KS101,KS201\n    spec:\n      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n      containers:\n      - name: app\n        image: app:1\n        securityContext: {privileged: true, capabilities: {drop: [ALL]}}\n",
			want: nil,
		},
		{
			name: "kube-linter annotation through the alias", file: "pod.yaml",
			text: replace(twoContainers, "4", "  name: web\n  annotations:\n    ignore-check.kube-linter.io/privileged-container: \"needs the host's devices\""),
			want: []string{"12:KS201", "12:KS202", "16:KS201", "16:KS202"},
		},
		{
			name: "hadolint pragma above the instruction", file: "Dockerfile",
			text: "FROM alpine:3.20\n# hadolint ignore=DL3002\nUSER root\n",
			want: nil,
		},
		{
			name: "hadolint global pragma", file: "Dockerfile",
			text: "# hadolint global ignore=DL3006\nFROM alpine AS a\nFROM debian\nUSER 10001\n",
			want: nil,
		},
		{
			name: "hardline comment above a Dockerfile instruction", file: "Dockerfile",
			text: "# hardline:ignore DF102 -- pinned by the build system\nFROM alpine\nUSER 10001\n",
			want: nil,
		},
		{
			name: "unused suppression is HL006", file: "pod.yaml",
			text: replace(twoContainers, "13", "      privileged: true  # hardline:ignore KS101, KS204"),
			want: []string{"10:KS201", "10:KS202", "13:HL006", "14:KS201", "14:KS202", "17:KS101"},
		},
		{
			name: "a suppression of a rule that is off is idle, not unused", file: "pod.yaml",
			config: "rules:\n  KS204: off\n",
			text:   replace(twoContainers, "13", "      privileged: true  # hardline:ignore KS101, KS204"),
			want:   []string{"10:KS201", "10:KS202", "14:KS201", "14:KS202", "17:KS101"},
		},
		{
			name: "per-rule severity and off", file: "pod.yaml",
			config: "rules:\n  KS202: off\n  privilege-escalation: info\n",
			text:   twoContainers,
			want:   []string{"10:KS201/info", "13:KS101", "14:KS201/info", "17:KS101"},
		},
		{
			name: "namespace exclusion", file: "pod.yaml",
			config: "namespaces:\n  KS101: [kube-*]\n",
			text:   replace(twoContainers, "4", "  name: web\n  namespace: kube-system"),
			want:   []string{"11:KS201", "11:KS202", "15:KS201", "15:KS202"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := analyzer.DefaultConfig()
			if tt.config != "" {
				var err error
				cfg, err = analyzer.ParseConfig(".hardline.yaml", []byte(tt.config), engine.Rules())
				if err != nil {
					t.Fatal(err)
				}
			}
			doc := analyzer.Parse(tt.file, []byte(tt.text), analyzer.ParseOptions{})
			var got []string
			for _, f := range engine.Run(context.Background(), doc, &cfg) {
				s := fmt.Sprintf("%d:%s", f.Range.Start.Line, f.Rule.Code)
				if f.Severity != f.Rule.Severity {
					s += "/" + f.Severity.String()
				}
				got = append(got, s)
			}
			sort.Strings(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// replace swaps 1-based line n of text for with.
func replace(text, n, with string) string {
	lines := strings.Split(text, "\n")
	i, _ := strconv.Atoi(n)
	lines[i-1] = with
	return strings.Join(lines, "\n")
}

// insertAbove inserts a line before 1-based line n.
func insertAbove(text string, n int, line string) string {
	lines := strings.Split(text, "\n")
	lines = append(lines[:n-1], append([]string{line}, lines[n-1:]...)...)
	return strings.Join(lines, "\n")
}
