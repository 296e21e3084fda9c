package dockerfile

import (
	"fmt"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/analyzer/shell"
)

var _ = register(&analyzer.Rule{
	Code: "DF205", Name: "unpinned-packages",
	Summary:  "Packages installed without a version (apt-get, apk, pip, npm, gem)",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"hadolint:DL3008", "hadolint:DL3018", "hadolint:DL3013", "hadolint:DL3016", "hadolint:DL3028"},
	Doc: analyzer.RuleDoc{
		Why: "A package named without a version installs whatever the repository serves on the day of the build: builds stop being reproducible " +
			"and a compromised or broken release walks in unreviewed. Pin versions (`curl=8.5.0-2`, `requests==2.32.3`, `left-pad@1.3.0`). " +
			"As in hadolint, requirement files, local paths, archives, VCS URLs with a ref, and pip installs under a constraints file count as pinned.",
		Bad:  "RUN apt-get install -y --no-install-recommends curl\nRUN pip install --no-cache-dir requests",
		Good: "RUN apt-get install -y --no-install-recommends curl=8.5.0-2\nRUN pip install --no-cache-dir requests==2.32.3",
	},
	Check: func(p *analyzer.Pass) {
		for _, r := range runs(p) {
			for _, c := range r.Script.Commands {
				tool, loose := unpinned(&c)
				if len(loose) == 0 {
					continue
				}
				msg := fmt.Sprintf("%s installs %s without a version", tool, loose[0].Value)
				if len(loose) > 1 {
					msg = fmt.Sprintf("%s installs %d packages without a version (%s, …)", tool, len(loose), loose[0].Value)
				}
				report(p, r.Stage, loose[0].Start, loose[len(loose)-1].End, nil, msg+": pin them")
			}
		}
	},
})

// unpinned is the package words a command installs without a version.
func unpinned(c *shell.Command) (string, []shell.Word) {
	var out []shell.Word
	pick := func(ws []shell.Word, pinned func(string) bool) {
		for _, w := range ws {
			if w.Literal && !pinned(w.Value) {
				out = append(out, w)
			}
		}
	}
	switch c.Name {
	case "apt-get", "apt", "aptitude":
		if c.Sub(aptValued...) != "install" {
			return "", nil
		}
		pick(c.Operands(aptValued...)[1:], func(v string) bool {
			return strings.Contains(v, "=") || strings.Contains(v, "/") || strings.HasSuffix(v, ".deb")
		})
		return c.Name, out
	case "apk":
		valued := []string{"-X", "--repository", "-t", "--virtual", "-p", "--root", "--arch"}
		if c.Sub(valued...) != "add" {
			return "", nil
		}
		pick(c.Operands(valued...)[1:], func(v string) bool {
			return strings.ContainsAny(v, "=~") || strings.HasSuffix(v, ".apk")
		})
		return "apk", out
	case "npm":
		ops := c.Operands(npmValued...)
		if len(ops) == 0 || ops[0].Value != "install" && ops[0].Value != "i" && ops[0].Value != "add" {
			return "", nil
		}
		pick(ops[1:], npmPinned)
		return "npm", out
	case "gem":
		if sub := c.Sub(); sub != "install" && sub != "i" || c.Flag("-v", "--version") {
			return "", nil
		}
		pick(gemOperands(c)[1:], func(v string) bool {
			return strings.Contains(v, ":") || strings.HasSuffix(v, ".gem")
		})
		return "gem", out
	}
	if args, ok := pipArgs(c); ok {
		sub := shellCommand(args)
		valued := []string{"-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
			"-t", "--target", "--prefix", "--root", "--src", "--platform", "--python-version", "--implementation", "--abi",
			"--trusted-host", "--proxy", "--progress-bar", "--upgrade-strategy", "--no-binary", "--only-binary", "-b", "--build"}
		ops := sub.Operands(valued...)
		if len(ops) == 0 || ops[0].Value != "install" || sub.Flag("-r", "--requirement", "-c", "--constraint") {
			return "", nil
		}
		for _, o := range ops[1:] {
			if o.Value == "." {
				return "", nil
			}
		}
		pick(ops[1:], pipPinned)
		return "pip", out
	}
	return "", nil
}

// npmValued are npm's options that take a value (--registry URL).
var npmValued = []string{"--loglevel", "--registry", "--prefix", "--cache", "--tag", "--userconfig", "--globalconfig", "-w",
	"--workspace", "--omit", "--include", "--save-prefix", "--before", "--fetch-timeout", "--fetch-retries"}

// gemFlags are gem install's options without a value; any other option
// takes one (`--use-system-libraries true`), and what follows "--" is
// passed to the gem's build.
var gemFlags = map[string]bool{"--no-document": true, "-N": true, "--document": true, "--no-ri": true, "--no-rdoc": true,
	"--force": true, "-f": true, "--local": true, "-l": true, "--remote": true, "-r": true, "--both": true, "-b": true,
	"--user-install": true, "--no-user-install": true, "--conservative": true, "--minimal-deps": true, "--prerelease": true,
	"--pre": true, "--default": true, "--explain": true, "--lock": true, "--no-lock": true, "--suggestions": true,
	"--vendor": true, "--ignore-dependencies": true, "--development": true, "--development-all": true,
	"--format-executable": true, "--no-format-executable": true, "--env-shebang": true, "-E": true, "--wrappers": true,
	"--no-wrappers": true, "--post-install-message": true, "--no-post-install-message": true, "--silent": true,
	"--quiet": true, "-q": true, "--verbose": true, "-V": true, "--backtrace": true, "--debug": true, "--norc": true}

// gemOperands are gem's operands (the subcommand, then the gems).
func gemOperands(c *shell.Command) []shell.Word {
	var out []shell.Word
	for i := 1; i < len(c.Args); i++ {
		v := c.Args[i].Value
		switch {
		case v == "--":
			return out
		case strings.HasPrefix(v, "-"):
			if !gemFlags[v] && !strings.Contains(v, "=") && i+1 < len(c.Args) {
				i++ // the option's value
			}
		default:
			out = append(out, c.Args[i])
		}
	}
	return out
}

func pipPinned(v string) bool {
	for _, s := range []string{"==", ">=", "<=", ">", "<", "!=", "~=", "==="} {
		if strings.Contains(v, s) {
			return true
		}
	}
	vcs := strings.Contains(v, "+") && strings.Contains(v, "://") || strings.HasPrefix(v, "git") || strings.HasPrefix(v, "hg") ||
		strings.HasPrefix(v, "svn") || strings.HasPrefix(v, "bzr")
	if vcs {
		return strings.Contains(v, "@")
	}
	return strings.HasSuffix(v, ".whl") || strings.HasSuffix(v, ".tar.gz") || strings.Contains(v, "/")
}

func npmPinned(v string) bool {
	for _, g := range []string{"git://", "git+ssh://", "git+http://", "git+https://"} {
		if strings.HasPrefix(v, g) {
			return strings.Contains(v, "#")
		}
	}
	for _, s := range []string{".tar", ".tar.gz", ".tgz"} {
		if strings.HasSuffix(v, s) {
			return true
		}
	}
	for _, pfx := range []string{"/", "./", "../", "~/"} {
		if strings.HasPrefix(v, pfx) {
			return true
		}
	}
	name := v
	if strings.HasPrefix(name, "@") {
		_, name, _ = strings.Cut(name, "/")
	}
	return strings.Contains(name, "@")
}
