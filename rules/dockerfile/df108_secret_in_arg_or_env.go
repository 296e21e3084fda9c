package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF108", Name: "secret-in-arg-or-env",
	Summary:  "ARG or ENV whose name looks like a credential",
	Severity: analyzer.Error, Profile: analyzer.Restricted,
	Aliases: []string{"hadolint:DL3064", "trivy:DS-0031", "buildkit:SecretsUsedInArgOrEnv"},
	Doc: analyzer.RuleDoc{
		Why: "ENV values are stored in the image's config, and ARG values in its build history (`docker history`): anyone who can pull the " +
			"image can read them. Pass secrets to the build with `RUN --mount=type=secret,id=…` (and to the container at run time). Names are " +
			"matched by their words (PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY, …), so TOKENIZERS_PARALLELISM is not one; names ending in " +
			"_FILE or _PATH point to a file and are not reported. hadolint's list of well-known names (AWS_ACCESS_KEY_ID, GITHUB_TOKEN, …) counts whatever its words.",
		Bad:  "ARG NPM_TOKEN\nRUN echo \"//registry.npmjs.org/:_authToken=$NPM_TOKEN\" > .npmrc && npm ci",
		Good: "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci",
	},
	Check: func(p *analyzer.Pass) {
		ast := p.Doc.Dockerfile
		if ast == nil {
			return
		}
		check := func(s *analyzer.Stage, in *analyzer.Instruction, names []string) {
			for _, name := range names {
				if !credentialName(name) {
					continue
				}
				start, end := wordOr(p.Doc, in, name)
				scope := s
				if scope == nil {
					scope = ast.Stages[0]
				}
				report(p, scope, start, end, nil, strings.ToUpper(in.Keyword)+" "+name+" looks like a secret, readable by anyone with the image: use RUN --mount=type=secret")
			}
		}
		if len(ast.Stages) == 0 {
			return
		}
		for _, in := range ast.GlobalArgs {
			check(nil, in, argNames(in))
		}
		for _, s := range ast.Stages {
			for _, in := range s.Instructions {
				check(s, in, argNames(in))
			}
		}
	},
})

func argNames(in *analyzer.Instruction) []string {
	var out []string
	switch c := in.Command.(type) {
	case *instructions.ArgCommand:
		for _, kv := range c.Args {
			out = append(out, kv.Key)
		}
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			out = append(out, kv.Key)
		}
	}
	return out
}

// knownSecrets are variable names that hold credentials whatever their
// words say (AWS_ACCESS_KEY_ID ends in ID): hadolint's DL3064 list.
var knownSecrets = map[string]bool{"ACCESS_TOKEN": true, "APPLICATION_KEY": true, "APP_SECRET": true, "AUTH_TOKEN": true,
	"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "BITTREX_API_KEY": true, "BITTREX_API_SECRET": true,
	"CF_PASSWORD": true, "CF_USERNAME": true, "CIRCLE_TOKEN": true, "CI_DEPLOY_PASSWORD": true, "CI_DEPLOY_USER": true,
	"DOCKERHUB_PASSWORD": true, "DOCKER_EMAIL": true, "DOCKER_PASSWORD": true, "DOCKER_USERNAME": true,
	"FACEBOOK_ACCESS_TOKEN": true, "FACEBOOK_APP_ID": true, "FACEBOOK_APP_SECRET": true, "FIREBASE_API_TOKEN": true,
	"FIREBASE_TOKEN": true, "FOSSA_API_KEY": true, "GH_ENTERPRISE_TOKEN": true, "GH_TOKEN": true,
	"GITHUB_ENTERPRISE_TOKEN": true, "GITHUB_TOKEN": true, "HEROKU_API_KEY": true, "HEROKU_API_USER": true,
	"NPM_AUTH_TOKEN": true, "NPM_TOKEN": true, "OKTA_AUTHN_GROUPID": true, "OKTA_CLIENT_ORGURL": true,
	"OKTA_CLIENT_TOKEN": true, "OKTA_OAUTH2_CLIENTID": true, "OKTA_OAUTH2_CLIENTSECRET": true, "OPENAI_API_KEY": true,
	"OS_PASSWORD": true, "OS_USERNAME": true, "POSTGRES_PASSWORD": true, "SLACK_TOKEN": true, "STRIPE_API_KEY": true,
	"STRIPE_DEVICE_NAME": true, "TRAVIS_OS_NAME": true, "TRAVIS_SECURE_ENV_VARS": true, "TRAVIS_SUDO": true,
	"VAULT_CLIENT_KEY": true, "VAULT_TOKEN": true}

// credentialName tells whether a variable name's words name a secret.
func credentialName(name string) bool {
	if knownSecrets[strings.ToUpper(name)] {
		return true
	}
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	if len(words) == 0 {
		return false
	}
	switch words[len(words)-1] {
	case "file", "path", "dir", "url", "env", "name", "id", "user", "username", "type", "enabled", "disabled", "length", "ttl", "expiry":
		return false
	}
	for i, w := range words {
		switch w {
		case "password", "passwd", "pwd", "secret", "token", "apikey", "credential", "credentials", "passphrase":
			return true
		case "key":
			if i > 0 && (words[i-1] == "api" || words[i-1] == "private" || words[i-1] == "access" || words[i-1] == "secret" || words[i-1] == "client" || words[i-1] == "auth") {
				return true
			}
		}
	}
	return false
}
