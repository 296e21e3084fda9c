package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/analyzer/shell"
)

var _ = register(&analyzer.Rule{
	Code: "DF109", Name: "insecure-transport",
	Summary:  "TLS certificate or package signature checks turned off",
	Severity: analyzer.Error, Profile: analyzer.Restricted,
	Doc: analyzer.RuleDoc{
		Why: "Turning off certificate checks (`curl -k`, `wget --no-check-certificate`, `pip --trusted-host`, `git -c http.sslVerify=false`, " +
			"`GIT_SSL_NO_VERIFY`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`) or package signature checks " +
			"(`--allow-unauthenticated`, `--nogpgcheck`) lets anyone on the network path replace what the build downloads. Fix the trust store " +
			"(install the CA certificate) instead.",
		Bad:  "RUN curl -k https://internal.example.com/tool -o /usr/local/bin/tool",
		Good: "COPY corp-ca.crt /usr/local/share/ca-certificates/\nRUN update-ca-certificates && curl -fsSL https://internal.example.com/tool -o /usr/local/bin/tool",
	},
	Check: func(p *analyzer.Pass) {
		for _, r := range runs(p) {
			for _, c := range r.Script.Commands {
				for _, a := range c.Assigns {
					if insecureVar(a.Name, a.Value.Value) {
						report(p, r.Stage, a.Start, a.End, nil, a.Name+"="+a.Value.Value+" turns TLS certificate checks off")
					}
				}
				if w, what := insecureFlag(&c); w != nil {
					report(p, r.Stage, w.Start, w.End, nil, what)
				}
			}
		}
		eachInstruction(p, func(s *analyzer.Stage, in *analyzer.Instruction) {
			env, ok := in.Command.(*instructions.EnvCommand)
			if !ok {
				return
			}
			for _, kv := range env.Env {
				if insecureVar(kv.Key, kv.Value) {
					start, end := wordOr(p.Doc, in, kv.Key)
					report(p, s, start, end, nil, "ENV "+kv.Key+"="+kv.Value+" turns TLS certificate checks off for every later command and the container")
				}
			}
		})
	},
})

// insecureVar tells whether setting name to value turns TLS checks off.
func insecureVar(name, value string) bool {
	v := strings.ToLower(strings.Trim(value, `"'`))
	switch name {
	case "GIT_SSL_NO_VERIFY":
		return v != "" && v != "0" && v != "false"
	case "NODE_TLS_REJECT_UNAUTHORIZED", "PYTHONHTTPSVERIFY":
		return v == "0"
	}
	return false
}

// insecureFlag is the word of a command that turns a check off, and why.
func insecureFlag(c *shell.Command) (*shell.Word, string) {
	find := func(names ...string) *shell.Word {
		for i := 1; i < len(c.Args); i++ {
			for _, n := range names {
				v := c.Args[i].Value
				if v == n || strings.HasPrefix(n, "--") && strings.HasPrefix(v, n+"=") {
					return &c.Args[i]
				}
			}
		}
		return nil
	}
	switch c.Name {
	case "curl":
		if w := c.FlagWord("-k", "--insecure"); w != nil {
			return w, "curl " + w.Value + " does not check the server's certificate"
		}
	case "wget":
		if w := find("--no-check-certificate"); w != nil {
			return w, "wget --no-check-certificate does not check the server's certificate"
		}
	case "apt-get", "apt":
		if w := find("--allow-unauthenticated", "--allow-insecure-repositories", "--force-yes"); w != nil {
			return w, c.Name + " " + w.Value + " installs packages whose signatures do not check"
		}
	case "yum", "dnf", "microdnf", "tdnf":
		if w := find("--nogpgcheck"); w != nil {
			return w, c.Name + " --nogpgcheck installs packages without checking their signatures"
		}
	case "zypper":
		if w := find("--no-gpg-checks"); w != nil {
			return w, "zypper --no-gpg-checks installs packages without checking their signatures"
		}
	case "npm", "yarn", "pnpm":
		for i := 1; i+1 < len(c.Args); i++ {
			if c.Args[i].Value == "strict-ssl" && strings.EqualFold(c.Args[i+1].Value, "false") {
				return &c.Args[i], c.Name + " strict-ssl false does not check registry certificates"
			}
		}
		if w := find("--strict-ssl=false"); w != nil {
			return w, c.Name + " --strict-ssl=false does not check registry certificates"
		}
	case "git":
		for i := 1; i < len(c.Args); i++ {
			v := strings.ToLower(c.Args[i].Value)
			if v == "http.sslverify=false" || v == "http.sslverify" && i+1 < len(c.Args) && strings.EqualFold(c.Args[i+1].Value, "false") {
				return &c.Args[i], "git with http.sslVerify false does not check the server's certificate"
			}
		}
	}
	if args, ok := pipArgs(c); ok {
		sub := shellCommand(args)
		if sub.Flag("--trusted-host") {
			for i := range sub.Args {
				if strings.HasPrefix(sub.Args[i].Value, "--trusted-host") {
					w := sub.Args[i]
					return &w, "pip --trusted-host accepts that host without a valid certificate"
				}
			}
		}
	}
	return nil, ""
}
