package rules_test

import (
	"context"
	"strings"
	"testing"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/rules"
)

// hadolintCases are the documented cases (hadolint's test/Hadolint/Rule/
// DLxxxxSpec.hs) of the hadolint rules hardline's Dockerfile rules carry as
// aliases: where a rule says it is DLxxxx, it must agree with hadolint on
// them. A case without FROM gets "FROM debian:bookworm" first, as
// hadolint's ruleCatches does not need one. hadolint is hadolint's verdict;
// deviation explains the few cases where hardline deliberately differs
// (and so gives the opposite).
var hadolintCases = []struct {
	rule, spec, name, dockerfile string
	hadolint                     bool
	deviation                    string
}{
	// DL3042: pip's cache (DF203).
	{"DF203", "DL3042", "pip2", "RUN pip2 install MySQL_python", true, ""},
	{"DF203", "DL3042", "pip3", "RUN pip3 install MySQL_python", true, ""},
	{"DF203", "DL3042", "pip", "RUN pip install MySQL_python", true, ""},
	{"DF203", "DL3042", "pip2 with --no-cache-dir", "RUN pip2 install MySQL_python --no-cache-dir", false, ""},
	{"DF203", "DL3042", "pip3 with --no-cache-dir first", "RUN pip3 install --no-cache-dir MySQL_python", false, ""},
	{"DF203", "DL3042", "pipx", "RUN pipx install software", false, ""},
	{"DF203", "DL3042", "pipenv", "RUN pipenv install library", false, ""},
	{"DF203", "DL3042", "ENV truthy 1", "ENV PIP_NO_CACHE_DIR=1\nRUN pip install MySQL_python", false, ""},
	{"DF203", "DL3042", "ENV truthy on", "ENV PIP_NO_CACHE_DIR=on\nRUN pip install MySQL_python", false, ""},
	{"DF203", "DL3042", "ENV truthy yes", "ENV PIP_NO_CACHE_DIR=yes\nRUN pip install MySQL_python", false, ""},
	{"DF203", "DL3042", "ENV truthy true", "ENV PIP_NO_CACHE_DIR=true\nRUN pip install MySQL_python", false, ""},
	{"DF203", "DL3042", "prefix truthy", "RUN PIP_NO_CACHE_DIR=1 pip install MySQL_python", false, ""},
	{"DF203", "DL3042", "export truthy", "RUN export PIP_NO_CACHE_DIR=1 && pip install MySQL_python", false, ""},
	{"DF203", "DL3042", "export truthy yes", "RUN export PIP_NO_CACHE_DIR=yes && pip install MySQL_python", false, ""},
	{"DF203", "DL3042", "ENV falsy 0", "ENV PIP_NO_CACHE_DIR=0\nRUN pip install MySQL_python", true, ""},
	{"DF203", "DL3042", "ENV falsy off", "ENV PIP_NO_CACHE_DIR=off\nRUN pip install MySQL_python", true, ""},
	{"DF203", "DL3042", "prefix falsy", "RUN PIP_NO_CACHE_DIR=no pip install MySQL_python", true, ""},
	{"DF203", "DL3042", "export falsy", "RUN export PIP_NO_CACHE_DIR=false && pip install MySQL_python", true, ""},
	{"DF203", "DL3042", "inherited from the stage built on", "FROM debian:buster as base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install six", false, ""},
	{"DF203", "DL3042", "not inherited from another stage", "FROM debian:buster as base\nENV PIP_NO_CACHE_DIR=1\nFROM debian:buster\nRUN pip install six", true, ""},

	// DL3013: pip versions (DF205).
	{"DF205", "DL3013", "pip2 unpinned", "RUN pip2 install MySQL_python", true, ""},
	{"DF205", "DL3013", "pinned", "RUN pip3 install MySQL_python==1.2.2", false, ""},
	{"DF205", "DL3013", "wheel", "RUN pip3 install mypkg.whl", false, ""},
	{"DF205", "DL3013", "sdist", "RUN pip3 install mypkg.tar.gz", false, ""},
	{"DF205", "DL3013", "requirements", "RUN pip install -r requirements.txt", false, ""},
	{"DF205", "DL3013", "requirements, long flag", "RUN pip install --requirement requirements.txt", false, ""},
	{"DF205", "DL3013", "setup.py", "RUN pip install .", false, ""},
	{"DF205", "DL3013", "~=", "RUN pip install MySQL_python~=1.2.2", false, ""},
	{"DF205", "DL3013", "===", "RUN pip install MySQL_python===1.2.2", false, ""},
	{"DF205", "DL3013", "--ignore-installed", "RUN pip install --ignore-installed MySQL_python==1.2.2", false, ""},
	{"DF205", "DL3013", "--build takes a value", "RUN pip3 install --build /opt/yamllint yamllint==1.20.0", false, ""},
	{"DF205", "DL3013", "--prefix takes a value", "RUN pip3 install --prefix /opt/yamllint yamllint==1.20.0", false, ""},
	{"DF205", "DL3013", "--root takes a value", "RUN pip3 install --root /opt/yamllint yamllint==1.20.0", false, ""},
	{"DF205", "DL3013", "--target takes a value", "RUN pip3 install --target /opt/yamllint yamllint==1.20.0", false, ""},
	{"DF205", "DL3013", "--trusted-host takes a value", "RUN pip3 install --trusted-host host example==1.2.2", false, ""},
	{"DF205", "DL3013", "python -m pip pinned", "RUN python -m pip install example==1.2.2", false, ""},
	{"DF205", "DL3013", "python -m pip unpinned", "RUN python -m pip install example", true, ""},
	{"DF205", "DL3013", "--index-url takes a value", "RUN python -m pip install --index-url url example", true, ""},
	{"DF205", "DL3013", "git with a ref", "RUN pip install git+https://github.com/rtfd/r-ext.git@0.6-alpha#egg=r-ext", false, ""},
	{"DF205", "DL3013", "git without a ref", "RUN pip install git+https://github.com/rtfd/read-ext.git#egg=read-ext", true, ""},
	{"DF205", "DL3013", ">=", "RUN pip install 'alabaster>=0.7'", false, ""},
	{"DF205", "DL3013", "<", "RUN pip install 'alabaster<0.7'", false, ""},
	{"DF205", "DL3013", "!=", "RUN pip install 'alabaster!=0.7'", false, ""},
	{"DF205", "DL3013", "--user", "RUN pip install MySQL_python==1.2.2 --user", false, ""},
	{"DF205", "DL3013", "--index-url and --extra-index-url", "RUN pip install --index-url https://eg.com/foo --extra-index-url https://ex-eg.io/foo foobar==1.0.0", false, ""},
	{"DF205", "DL3013", "--constraint", "RUN pip install pykafka --constraint http://foo.bar.baz", false, ""},
	{"DF205", "DL3013", "-c", "RUN pip install pykafka -c http://foo.bar.baz", false, ""},
	{"DF205", "DL3013", "pipx is not pip", "RUN pipx install black", false, ""},

	// DL3016: npm versions (DF205).
	{"DF205", "DL3016", "package.json", "RUN npm install", false, ""},
	{"DF205", "DL3016", "package.json with a flag", "RUN npm install --progress=false", false, ""},
	{"DF205", "DL3016", "pinned", "RUN npm install express@4.1.1", false, ""},
	{"DF205", "DL3016", "scoped pinned", `RUN npm install @myorg/privatepackage@">=0.1.0"`, false, ""},
	{"DF205", "DL3016", "several pinned", `RUN npm install express@"4.1.1" sax@0.1.1`, false, ""},
	{"DF205", "DL3016", "--global pinned", `RUN npm install --global express@"4.1.1"`, false, ""},
	{"DF205", "DL3016", "-g pinned", `RUN npm install -g express@"4.1.1"`, false, ""},
	{"DF205", "DL3016", ".tgz", "RUN npm install package-v1.2.3.tgz", false, ""},
	{"DF205", "DL3016", "a folder", "RUN npm install ./folder", false, ""},
	{"DF205", "DL3016", "home folder", "RUN npm install ~/folder", false, ""},
	{"DF205", "DL3016", "git with a commit", "RUN npm install git+https://isaacs@github.com/npm/npm.git#v1.0.27", false, ""},
	{"DF205", "DL3016", "npm run install", "RUN npm run --crazy install", false, ""},
	{"DF205", "DL3016", "unpinned", "RUN npm install express", true, ""},
	{"DF205", "DL3016", "scoped unpinned", "RUN npm install @myorg/privatepackage", true, ""},
	{"DF205", "DL3016", "one of several unpinned", "RUN npm install express sax@0.1.1", true, ""},
	{"DF205", "DL3016", "--global unpinned", "RUN npm install --global express", true, ""},
	{"DF205", "DL3016", "git without a commit", "RUN npm install git://github.com/npm/npm.git", true, ""},
	{"DF205", "DL3016", "--loglevel takes a value", "RUN npm install --loglevel verbose sax@0.1.1", false, ""},
	{"DF205", "DL3016", "--registry takes a value", "RUN npm install --registry https://example.com sax@0.1.1", false, ""},
	{"DF205", "DL3016", "--registry, unpinned", "RUN npm install --registry https://example.com express", true, ""},
	{"DF205", "DL3016", "--registry=, unpinned", "RUN npm install --registry=https://example.com express", true, ""},

	// DL3028: gem versions (DF205).
	{"DF205", "DL3028", "gem i unpinned", "RUN gem i bundler", true, ""},
	{"DF205", "DL3028", "gem i pinned", "RUN gem i bundler:1", false, ""},
	{"DF205", "DL3028", "one of several unpinned", "RUN gem i bunlder:1 nokogiri", true, ""},
	{"DF205", "DL3028", "install unpinned", "RUN gem install bundler", true, ""},
	{"DF205", "DL3028", "install pinned", "RUN gem install bundler:1", false, ""},
	{"DF205", "DL3028", "-v", "RUN gem install bundler -v '2.0.1'", false, ""},
	{"DF205", "DL3028", "--version", "RUN gem install bundler --version '2.0.1'", false, ""},
	{"DF205", "DL3028", "--version=", "RUN gem install bundler --version='2.0.1'", false, ""},
	{"DF205", "DL3028", "options after --", "RUN gem install bundler:2.0.1 -- --use-system-libraries=true", false, ""},
	{"DF205", "DL3028", "an option's value after --", "RUN gem install bundler:2.0.1 -- --use-system-libraries true", false, ""},
	{"DF205", "DL3028", "an option with a value", "RUN gem install bundler:2.0.1 --use-system-libraries true", false, ""},

	// DL3018: apk versions (DF205).
	{"DF205", "DL3018", "unpinned", "RUN apk add flex", true, ""},
	{"DF205", "DL3018", "pinned", "RUN apk add flex=2.6.4-r1", false, ""},
	{"DF205", "DL3018", "fuzzy ~", "RUN apk add --no-cache git~2.52.0", false, ""},
	{"DF205", "DL3018", "chained", "RUN apk add --no-cache flex=2.6.4-r1 \\\n && pip install -r requirements.txt", false, ""},
	{"DF205", "DL3018", "one missed", "RUN apk add --no-cache \\\nflex=2.6.4-r1 \\\nlibffi \\\npython2=2.7.13-r1", true, ""},
	{"DF205", "DL3018", "--virtual takes a value", "RUN apk add \\\n--virtual build-dependencies \\\npython-dev=1.1.1 build-base=2.2.2", false, ""},
	{"DF205", "DL3018", "--repository takes a value", "RUN apk add --no-cache \\\n--repository https://nl.alpinelinux.org/alpine/edge/testing \\\nflow=0.78.0-r0", false, ""},
	{"DF205", "DL3018", "--repository=", "RUN apk add --no-cache --repository=https://nl.alpinelinux.org/alpine/edge/testing flow=0.78.0-r0", false, ""},
	{"DF205", "DL3018", "-X takes a value", "RUN apk add --no-cache -X https://nl.alpinelinux.org/alpine/edge/testing flow=0.78.0-r0", false, ""},
	{"DF205", "DL3018", ".apk file", "RUN apk add mypackage-1.1.1.apk", false, ""},

	// DL3008: apt-get versions (DF205).
	{"DF205", "DL3008", "unpinned", "RUN apt-get update && apt-get install python", true, ""},
	{"DF205", "DL3008", "pinned, chained", "RUN apt-get update \\\n && apt-get -yqq --no-install-recommends install nodejs=0.10 \\\n && rm -rf /var/lib/apt/lists/*", false, ""},
	{"DF205", "DL3008", "globs", "RUN apt-get update && apt-get install --no-install-recommends -y \\\npython-demjson=2.2.2* \\\nwget=1.16.1* \\\ngit=1:2.5.0*", false, ""},
	{"DF205", "DL3008", "apt unpinned", "RUN apt install -y python", false, "hadolint checks apt-get only"},
	{"DF205", "DL3008", "aptitude pinned", "RUN aptitude install -y python=3.11.2-1", false, ""},
	{"DF205", "DL3008", ".deb", "RUN apt-get install ./wkhtmltox_0.12.5-1.bionic_amd64.deb", false, ""},
	{"DF205", "DL3008", "-t takes a value", "RUN apt-get install -y --no-install-recommends -t jessie-backports openjdk-8-jdk=8u131-b11-1~bpo8+1", false, ""},

	// DL3015: recommends (DF201).
	{"DF201", "DL3015", "--no-install-recommends", "RUN apt-get install --no-install-recommends python", false, ""},
	{"DF201", "DL3015", "recommends", "RUN apt-get install python", true, ""},
	{"DF201", "DL3015", "-y first", "RUN apt-get -y install python", true, ""},
	{"DF201", "DL3015", "-o off", "RUN apt-get -o APT::Install-Recommends=false install python", false, ""},
	{"DF201", "DL3015", "apt", "RUN apt install python", false, "hadolint checks apt-get only; apt installs recommends the same way"},
	{"DF201", "DL3015", "apt with the flag", "RUN apt install --no-install-recommends python", false, ""},
	{"DF201", "DL3015", "aptitude", "RUN aptitude install -y python", false, "hadolint checks apt-get only; so does aptitude"},
	{"DF201", "DL3015", "aptitude --without-recommends", "RUN aptitude install -y --without-recommends python", false, ""},

	// DL3009: apt lists (DF202).
	{"DF202", "DL3009", "no cleanup", "FROM scratch\nRUN apt-get update && apt-get install python", true, ""},
	{"DF202", "DL3009", "an unused stage", "FROM ubuntu as foo\nRUN apt-get update && apt-get install python\nFROM scratch\nRUN echo hey!", false, ""},
	{"DF202", "DL3009", "the last stage", "FROM ubuntu as foo\nRUN hey!\nFROM scratch\nRUN apt-get update && apt-get install python", true, ""},
	{"DF202", "DL3009", "a stage built on", "FROM ubuntu as foo\nRUN apt-get update && apt-get install python\nFROM foo\nRUN hey!", true, ""},
	{"DF202", "DL3009", "a stage built on, cleaned", "FROM ubuntu as foo\nRUN apt-get update && apt-get install python && rm -rf /var/lib/apt/lists/*\nFROM foo\nRUN hey!", false, ""},
	{"DF202", "DL3009", "apt update", "FROM scratch\nRUN apt update && apt install python", false, "hadolint checks apt-get only; apt's lists stay in the image too"},
	{"DF202", "DL3009", "cleanup", "FROM scratch\nRUN apt-get update && apt-get install python && rm -rf /var/lib/apt/lists/*", false, ""},
	{"DF202", "DL3009", "cache mount on the lists", "RUN --mount=type=cache,target=/var/lib/apt/lists \\\n    apt-get update && apt-get install python", false, ""},
	{"DF202", "DL3009", "cache mounts on apt's folders", "RUN --mount=type=cache,target=/var/lib/apt \\\n    --mount=type=cache,target=/var/cache/apt \\\n    rm -f /etc/apt/apt.conf.d/docker-clean && \\\n    apt-get update && apt-get install python", false, ""},
	{"DF202", "DL3009", "cache mount on the cache only", "RUN --mount=type=cache,target=/var/cache/apt \\\n    rm -f /etc/apt/apt.conf.d/docker-clean && \\\n    apt-get update && apt-get install python", true, ""},

	// DL3019: apk cache (DF204).
	{"DF204", "DL3019", "no --no-cache", "RUN apk add flex=2.6.4-r1", true, ""},
	{"DF204", "DL3019", "--no-cache", "RUN apk add --no-cache flex=2.6.4-r1", false, ""},
	{"DF204", "DL3019", "cache mount", "RUN --mount=type=cache,target=/var/cache/apk apk add -U curl=7.77.0", false, ""},
	{"DF204", "DL3019", "cache mount elsewhere with --no-cache", "RUN --mount=type=cache,target=/var/cache/foo apk add --no-cache -U curl=7.77.0", false, ""},
	{"DF204", "DL3019", "cache mount elsewhere", "RUN --mount=type=cache,target=/var/cache/foo apk add -U curl=7.77.0", true, ""},

	// DL3002: the last USER is root (DF113).
	{"DF113", "DL3002", "root", "FROM scratch\nUSER root", true, ""},
	{"DF113", "DL3002", "not root", "FROM scratch\nUSER foo", false, ""},
	{"DF113", "DL3002", "UID 0", "FROM scratch\nUSER 0", true, ""},
	{"DF113", "DL3002", "root:root", "FROM scratch\nUSER root:root", true, ""},
	{"DF113", "DL3002", "0:0", "FROM scratch\nUSER 0:0", true, ""},
	{"DF113", "DL3002", "switched back", "FROM scratch\nUSER root\nRUN something\nUSER foo", false, ""},
	{"DF113", "DL3002", "inherited through FROM", "FROM debian as base\nUSER root\nRUN something\nFROM base\nRUN something else", true, ""},
	{"DF113", "DL3002", "root in a stage the image is not built on", "FROM debian as base\nUSER root\nRUN something\nFROM scratch\nUSER foo\nRUN something else", true,
		"a build stage's user never runs in the image: only the image's user is an error"},
	{"DF113", "DL3002", "switched back in the first stage", "FROM debian as base\nUSER root\nRUN something\nUSER foo\nFROM scratch\nRUN something else", false, ""},

	// DL3064: credentials in ARG and ENV names (DF108).
	{"DF108", "DL3064", "none", "FROM debian:bullseye\nRUN foobar", false, ""},
	{"DF108", "DL3064", "ARG foobar", "ARG foobar\nFROM debian:bullseye\nRUN foobar", false, ""},
	{"DF108", "DL3064", "ENV foobar", "FROM debian:bullseye\nENV foobar=barfoo\nRUN foobar", false, ""},
	{"DF108", "DL3064", "ARG AWS_ACCESS_KEY_ID", "ARG AWS_ACCESS_KEY_ID\nFROM debian:bullseye\nRUN foobar", true, ""},
	{"DF108", "DL3064", "ARG in lower case", "ARG openai_api_key\nFROM debian:bullseye\nRUN foobar", true, ""},
	{"DF108", "DL3064", "ENV AWS_ACCESS_KEY_ID", "FROM debian:bullseye\nENV AWS_ACCESS_KEY_ID=abcdefghijklmnopqrstuvwxyz\nRUN foobar", true, ""},
	{"DF108", "DL3064", "ENV in lower case", "FROM debian:bullseye\nENV my_password=abcdefghijklmnopqrstuvwxyz\nRUN foobar", true, ""},
	{"DF108", "DL3064", "TOKENIZERS_PARALLELISM", "FROM python:3.12\nENV TOKENIZERS_PARALLELISM=false", true,
		"hadolint matches the substring \"token\"; hardline matches words, so a tokenizer's setting is not a secret"},

	// DL3025: JSON notation for CMD and ENTRYPOINT (DF206); HEALTHCHECK
	// is not among them.
	{"DF206", "DL3025", "ENTRYPOINT", "FROM node as foo\nENTRYPOINT something", true, ""},
	{"DF206", "DL3025", "ENTRYPOINT JSON", "FROM scratch as build\nENTRYPOINT [\"foo\", \"bar\"]", false, ""},
	{"DF206", "DL3025", "CMD", "FROM node as foo\nCMD something", true, ""},
	{"DF206", "DL3025", "CMD JSON", "FROM scratch as build\nCMD [\"foo\", \"bar\"]\nCMD [ \"foo\", \"bar\" ]", false, ""},
	{"DF206", "DL3025", "HEALTHCHECK shell form", "FROM nginx:1.27\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1", false, ""},
}

func TestHadolintCases(t *testing.T) {
	engine := analyzer.NewEngine(rules.All())
	cfg := analyzer.DefaultConfig()
	cfg.Profile = analyzer.All
	for _, tc := range hadolintCases {
		t.Run(tc.rule+"/"+tc.spec+"/"+tc.name, func(t *testing.T) {
			if engine.Rule(tc.rule) == nil {
				t.Fatalf("no rule %s", tc.rule)
			}
			if !hasAlias(engine.Rule(tc.rule), "hadolint:"+tc.spec) {
				t.Errorf("%s does not carry hadolint:%s", tc.rule, tc.spec)
			}
			text := tc.dockerfile
			if !strings.Contains(strings.ToUpper(text), "FROM ") {
				text = "FROM debian:bookworm\n" + text
			}
			doc := analyzer.Parse("Dockerfile", []byte(text+"\n"), analyzer.ParseOptions{})
			got := false
			for _, f := range engine.Run(context.Background(), doc, &cfg) {
				got = got || f.Rule.Code == tc.rule
			}
			want := tc.hadolint != (tc.deviation != "")
			if got != want {
				t.Errorf("%s %s on\n%s\ngot a finding: %v, want %v (hadolint: %v; %s)", tc.rule, tc.spec, text, got, want, tc.hadolint, tc.deviation)
			}
		})
	}
}

func hasAlias(r *analyzer.Rule, alias string) bool {
	for _, a := range r.Aliases {
		if a == alias {
			return true
		}
	}
	return false
}
