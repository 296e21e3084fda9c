package k8s

import (
	"math"
	"regexp"
	"strings"

	"hardline.dev/hardline/analyzer"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

var _ = register(&analyzer.Rule{
	Code: "KS305", Name: "secret-in-env",
	Summary:  "Container sets a credential as a literal environment variable value",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Aliases: []string{"kube-linter:env-var-secret", "polaris:sensitiveContainerEnvVar"},
	Doc: analyzer.RuleDoc{
		Why: "A literal `value` in a manifest is stored in Git, in the object (readable by anyone who may get the Deployment) and in " +
			"every CI log that prints it. A credential there is leaked to all of them and cannot be rotated without a commit. " +
			"The rule looks at literal values whose variable name says credential (PASSWORD, TOKEN, SECRET, API_KEY, …) and at values " +
			"shaped like well-known tokens (AWS, GitHub, GitLab, Slack, Stripe, Google, npm, JWTs, private keys, URLs with a password) or " +
			"long random strings, whatever the name. Findings never quote the value.",
		Bad:  "env:\n- name: DB_PASSWORD\n  value: hunter2",
		Good: "env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db\n      key: password",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			for _, c := range w.Containers {
				for _, e := range analyzer.Items(analyzer.Get(c.Node, "env")) {
					f, ok := analyzer.Lookup(e, "value")
					if !ok || f.Value.Kind != yaml.ScalarNode {
						continue
					}
					name := analyzer.Str(analyzer.Get(e, "name"))
					why := secretShape(f.Value.Value)
					if why == "" && credentialName(name) && credentialValue(f.Value.Value) {
						why = "a name like this holds a credential"
					}
					if why != "" {
						reportFixable(p, w, c, &f, nil, "%s sets %s to a literal value (%s): use valueFrom.secretKeyRef", c.describe(), name, why)
					}
				}
			}
		})
	},
})

// credentialWords mark a variable that holds a credential; notCredential
// last words mark one that only describes one (DB_PASSWORD_FILE is a path,
// TOKEN_TTL a duration, AWS_ACCESS_KEY_ID an identifier).
var (
	credentialWords = []string{"password", "passwd", "secret", "token", "apikey", "api_key", "accesskey", "access_key",
		"privatekey", "private_key", "credential", "auth_key", "authkey", "bearer"}
	notCredential = newSet("file", "path", "dir", "name", "names", "namespace", "ref", "url", "uri", "endpoint", "host", "port",
		"ttl", "timeout", "expiry", "expires", "expiration", "lifetime", "duration", "interval", "length", "size", "type", "kind",
		"mode", "enabled", "disabled", "enable", "required", "format", "version", "algorithm", "header", "field", "id", "key_id",
		"issuer", "audience", "scope", "scopes", "location", "provider", "policy", "store", "mount", "secret_name", "user", "username")
)

// separators reads - and . in a variable's name as _; built once, as every
// env var of every container is asked.
var separators = strings.NewReplacer("-", "_", ".", "_")

func credentialName(name string) bool {
	lower := strings.ToLower(separators.Replace(name))
	found := false
	for _, w := range credentialWords {
		if strings.Contains(lower, w) {
			found = true
			break
		}
	}
	if !found {
		return false
	}
	words := strings.Split(lower, "_")
	last := words[len(words)-1]
	if len(words) > 1 && notCredential[words[len(words)-2]+"_"+last] {
		return false
	}
	return !notCredential[last]
}

// credentialValue rules out values that cannot be the credential itself:
// empty, booleans, numbers, paths and references to other variables.
func credentialValue(v string) bool {
	v = strings.TrimSpace(v)
	switch {
	case v == "", strings.HasPrefix(v, "/"), strings.Contains(v, "$("), strings.Contains(v, "${"):
		return false
	case strings.EqualFold(v, "true"), strings.EqualFold(v, "false"):
		return false
	}
	return strings.Trim(v, "0123456789.") != ""
}

// tokenShapes are formats of credentials that are never anything else.
var tokenShapes = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`^(AKIA|ASIA)[0-9A-Z]{16}$`), "an AWS access key ID"},
	{regexp.MustCompile(`^(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})$`), "a GitHub token"},
	{regexp.MustCompile(`^glpat-[A-Za-z0-9_-]{20,}$`), "a GitLab token"},
	{regexp.MustCompile(`^xox[abposr]-[A-Za-z0-9-]{10,}$`), "a Slack token"},
	{regexp.MustCompile(`^[sr]k_live_[A-Za-z0-9]{20,}$`), "a Stripe key"},
	{regexp.MustCompile(`^AIza[0-9A-Za-z_-]{35}$`), "a Google API key"},
	{regexp.MustCompile(`^npm_[A-Za-z0-9]{36}$`), "an npm token"},
	{regexp.MustCompile(`^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$`), "a JSON Web Token"},
	{regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`), "a private key"},
	{regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*://[^/@:\s]+:[^/@\s$]+@`), "a URL with a password"},
}

// secretShape says what kind of credential the value looks like, or "".
func secretShape(v string) string {
	for _, s := range tokenShapes {
		if s.re.MatchString(v) {
			return s.what
		}
	}
	if randomLooking(v) {
		return "a long random string"
	}
	return ""
}

// randomLooking is a long, dense, high-entropy word mixing letters and
// digits: generated keys, not words, paths, URLs, hostnames or UUIDs.
func randomLooking(v string) bool {
	if len(v) < 24 || strings.ContainsAny(v, " \t\n/:.@,") {
		return false
	}
	var lower, upper, digit bool
	counts := map[rune]int{}
	for _, r := range v {
		counts[r]++
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	if !(lower && upper && digit) {
		return false
	}
	entropy := 0.0
	for _, n := range counts {
		f := float64(n) / float64(len(v))
		entropy -= f * math.Log2(f)
	}
	return entropy >= 4.2
}
