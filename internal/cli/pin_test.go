package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"hardline.dev/hardline/pin"
)

// testRegistry serves a registry on loopback with app:1.0 (an image) and
// multi:2.0 (a multi-platform index) pushed, optionally behind basic auth
// (user "ci", password "s3cret"). It returns the host and the digests.
func testRegistry(t *testing.T, withAuth bool) (string, map[string]string) {
	t.Helper()
	var h http.Handler = registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	if withAuth {
		inner := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u, p, ok := r.BasicAuth(); !ok || u != "ci" || p != "s3cret" {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			inner.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	opts := []remote.Option{remote.WithAuth(&authn.Basic{Username: "ci", Password: "s3cret"})}

	img, err := random.Image(512, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref := func(s string) name.Reference {
		r, err := name.ParseReference(host + s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if err := remote.Write(ref("/app:1.0"), img, opts...); err != nil {
		t.Fatal(err)
	}
	idx, err := random.Index(512, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(ref("/multi:2.0"), idx, opts...); err != nil {
		t.Fatal(err)
	}
	imgDigest, _ := img.Digest()
	idxDigest, _ := idx.Digest()
	return host, map[string]string{"app": imgDigest.String(), "multi": idxDigest.String()}
}

// dockerConfig points the Docker config at a folder with credentials for
// host, as `docker login` would leave them.
func dockerConfig(t *testing.T, host string) {
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte("ci:s3cret"))
	text := `{"auths": {"` + host + `": {"auth": "` + auth + `"}}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
}

const pinManifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers:
        - name: init
          image: "HOST/multi:2.0"   # quoted, with a comment
      containers:
        - name: web
          image: HOST/app:1.0
        - name: pinned
          image: HOST/app:1.0@sha256:0000000000000000000000000000000000000000000000000000000000000000
        - name: gone
          image: HOST/missing:9
`

const pinDockerfile = `ARG BASE=HOST/app:1.0
FROM HOST/multi:2.0 AS build
RUN make
FROM ${BASE}
FROM build AS again
FROM scratch
COPY --from=build /out /out
`

func TestPin(t *testing.T) {
	host, digests := testRegistry(t, true)
	dockerConfig(t, host)
	dir := t.TempDir()
	manifest, dockerfile := filepath.Join(dir, "deploy.yaml"), filepath.Join(dir, "Dockerfile")
	for path, text := range map[string]string{manifest: pinManifest, dockerfile: pinDockerfile} {
		if err := os.WriteFile(path, []byte(strings.ReplaceAll(text, "HOST", host)), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	code, diff, errOut := runCLI(t, "", "pin", dir)
	if code != ExitFindings {
		t.Errorf("pin: exit %d, want 1 (missing:9 is unknown)\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "deploy.yaml:18:11: cannot pin "+host+"/missing:9: ") || !strings.Contains(errOut, "NAME_UNKNOWN") {
		t.Errorf("the unknown image is not reported at its line:\n%s", errOut)
	}
	if !strings.Contains(errOut, "Dockerfile:4:6: not pinned: ${BASE}: contains a variable") {
		t.Errorf("FROM ${BASE} not reported as skipped:\n%s", errOut)
	}
	if !strings.Contains(diff, "+          image: "+host+"/app:1.0@"+digests["app"]+"\n") {
		t.Errorf("no diff for app:1.0:\n%s", diff)
	}
	if text, _ := os.ReadFile(manifest); string(text) != strings.ReplaceAll(pinManifest, "HOST", host) {
		t.Error("pin without --write changed the file")
	}

	code, _, errOut = runCLI(t, "", "pin", "--write", dir)
	if code != ExitFindings || !strings.Contains(errOut, "hardline: pinned 3 images in 2 files; 1 could not be resolved") {
		t.Errorf("pin --write: exit %d\n%s", code, errOut)
	}
	want := map[string]string{
		manifest: strings.NewReplacer(
			`"HOST/multi:2.0"`, `"HOST/multi:2.0@`+digests["multi"]+`"`,
			"image: HOST/app:1.0\n", "image: HOST/app:1.0@"+digests["app"]+"\n",
		).Replace(pinManifest),
		dockerfile: strings.Replace(pinDockerfile, "FROM HOST/multi:2.0 AS", "FROM HOST/multi:2.0@"+digests["multi"]+" AS", 1),
	}
	for path, w := range want {
		got, _ := os.ReadFile(path)
		if diff := cmp.Diff(strings.ReplaceAll(w, "HOST", host), string(got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", filepath.Base(path), diff)
		}
	}

	// Pinned references are left alone: a second run changes nothing.
	before, _ := os.ReadFile(manifest)
	code, out, errOut := runCLI(t, "", "pin", "--write", dir)
	after, _ := os.ReadFile(manifest)
	if code != ExitFindings || out != "" || string(before) != string(after) || !strings.Contains(errOut, "pinned 0 images") {
		t.Errorf("second run: exit %d, stdout %q, stderr %q, file changed: %v", code, out, errOut, string(before) != string(after))
	}
	// And lint agrees: KS502 and DF103 are gone but for the unknown image
	// and the FROM that takes its image from an ARG.
	_, out, _ = runCLI(t, "", "lint", "--profile", "all", dir)
	if got := strings.Count(out, "KS502") + strings.Count(out, "DF103"); got != 2 || !strings.Contains(out, "\"gone\"") || !strings.Contains(out, "Dockerfile:4:6: info DF103") {
		t.Errorf("after pin, lint still reports:\n%s", out)
	}
}

func TestPinWithoutCredentials(t *testing.T) {
	host, _ := testRegistry(t, true)
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // no credentials
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+host+"/app:1.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "", "pin", "--write", dir)
	if code != ExitFindings || !strings.Contains(errOut, "UNAUTHORIZED") && !strings.Contains(errOut, "401") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}

func TestPinRegistryDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := l.Addr().String()
	l.Close()
	host, digests := testRegistry(t, false)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	dir := t.TempDir()
	path := filepath.Join(dir, "Dockerfile")
	text := "FROM " + down + "/app:1.0\nFROM " + host + "/app:1.0\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// Count what reaches the network: a registry that is down costs a
	// few attempts, never a retry loop.
	var attempts atomic.Int32
	counting := roundTripper(func(r *http.Request) (*http.Response, error) {
		if r.URL.Host == down {
			attempts.Add(1)
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	var out, errBuf bytes.Buffer
	env := Env{Context: context.Background(), Engine: testEngine, Stdout: &out, Stderr: &errBuf, Resolver: pin.NewResolver(remote.WithTransport(counting))}
	code, errOut := Pin(env, []string{"--write", dir}), errBuf.String()
	if code != ExitFindings || !strings.Contains(errOut, "hardline: "+down+": registry unreachable (no network, a proxy, or the registry is down): 1 image not pinned\n") ||
		strings.Contains(errOut, "connection refused") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
	got, _ := os.ReadFile(path)
	if want := "FROM " + down + "/app:1.0\nFROM " + host + "/app:1.0@" + digests["app"] + "\n"; string(got) != want {
		t.Errorf("the reachable image should still be pinned:\n%s", got)
	}
	if n := attempts.Load(); n == 0 || n > 6 {
		t.Errorf("%d requests to the registry that is down, want 1 to 6 (a ping, HEAD and GET, no retry loop)", n)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestPinOffline: when no registry can be reached, one line says so, not
// a network error per image.
func TestPinOffline(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := l.Addr().String()
	l.Close()
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	dir := writeFiles(t, map[string]string{"Dockerfile": "FROM " + down + "/a:1.0\nFROM " + down + "/b:2.0 AS b\nFROM " + down + "/c:3.0\n"})
	code, _, errOut := runCLI(t, "", "pin", dir)
	want := "hardline: no registry reachable (no network, a proxy, or the registries are down): nothing pinned\n" +
		"hardline: would pin 0 images in 0 files; 3 could not be resolved\n"
	if code != ExitFindings || errOut != want {
		t.Errorf("exit %d, stderr:\n%s\nwant:\n%s", code, errOut, want)
	}
}
