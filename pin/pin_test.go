package pin

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/rules"
)

func findings(t *testing.T, path, text string) []analyzer.Finding {
	t.Helper()
	cfg := analyzer.DefaultConfig()
	cfg.Profile = analyzer.All
	doc := analyzer.Parse(path, []byte(text), analyzer.ParseOptions{})
	return analyzer.NewEngine(rules.All()).Run(context.Background(), doc, &cfg)
}

// TestTargets: where the digest goes for each way of writing an image, and
// why the ones that cannot be pinned in place are skipped.
func TestTargets(t *testing.T) {
	manifest := `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: a}
  spec:
    containers:
    - {name: flow, image: nginx:1.27}
    - name: double
      image: "nginx:1.27"
    - name: single
      image: 'registry:5000/team/app:2'   # a comment
    - name: anchor
      image: &img busybox:1.36
    - name: alias
      image: *img
    - name: block
      image: >-
        busybox:1.36
`
	type got struct {
		Image, After string
	}
	text := []byte(manifest)
	targets, skipped := Targets(text, findings(t, "pod.yaml", manifest))
	var gotTargets []got
	for _, tg := range targets {
		gotTargets = append(gotTargets, got{tg.Image, string(text[tg.Offset:min(tg.Offset+12, len(text))])})
	}
	wantTargets := []got{
		{"nginx:1.27", "}\n    - name"},
		{"nginx:1.27", "\"\n    - name"},
		{"registry:5000/team/app:2", "'   # a comm"},
	}
	if diff := cmp.Diff(wantTargets, gotTargets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	var reasons []string
	for _, s := range skipped {
		reasons = append(reasons, s.Text+": "+s.Reason)
	}
	wantSkipped := []string{
		"&img busybox:1.36: written as a YAML alias, anchor, tag or block scalar",
		"*img: written as a YAML alias, anchor, tag or block scalar",
		">-\n        busybox:1.36: written over several lines or with escapes",
	}
	if diff := cmp.Diff(wantSkipped, reasons); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}

	dockerfile := "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nFROM build\nFROM gcr.io/distroless/static:nonroot\nUSER 1000\n"
	targets, skipped = Targets([]byte(dockerfile), findings(t, "Dockerfile", dockerfile))
	if len(targets) != 2 || len(skipped) != 0 {
		t.Fatalf("Dockerfile: targets %+v, skipped %+v", targets, skipped)
	}
	for i, want := range []string{"golang:1.23", "gcr.io/distroless/static:nonroot"} {
		if tg := targets[i]; tg.Image != want || dockerfile[tg.Offset-len(want):tg.Offset] != want {
			t.Errorf("target %d: %+v, want %s ending at its offset", i, tg, want)
		}
	}
}

// TestResolverSharesLookups: one image asked for by many references at
// once costs one round of requests, and errors are not cached as answers
// for other images.
func TestResolverSharesLookups(t *testing.T) {
	var manifests atomic.Int32
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/manifests/") && r.Method != http.MethodPut {
			manifests.Add(1)
		}
		reg.ServeHTTP(w, r)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	img, _ := random.Image(256, 1)
	ref, _ := name.ParseReference(host + "/app:1")
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	manifests.Store(0) // the push looked too

	r := NewResolver()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := r.Digest(context.Background(), host+"/app:1")
			if err != nil || got != want.String() {
				t.Errorf("Digest: %s, %v; want %s", got, err, want)
			}
		}()
	}
	wg.Wait()
	if n := manifests.Load(); n != 1 {
		t.Errorf("%d manifest requests for one image, want 1 (a HEAD)", n)
	}
	if _, err := r.Digest(context.Background(), host+"/nope:1"); err == nil {
		t.Error("an unknown image resolved")
	}
}

// TestResolverSkipsUnreachableRegistry: once a registry cannot be reached
// (here: it resets every connection), its other images are not asked for:
// each would wait for its own failure, and a repository of many images
// from a registry behind a proxy took hours. A cancelled lookup says
// nothing about the registry.
func TestResolverSkipsUnreachableRegistry(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.(*net.TCPConn).SetLinger(0) // closing resets the connection
			c.Close()
		}
	}()
	host := ln.Addr().String()
	r := NewResolver()

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Digest(cancelled, host+"/app:0"); err == nil {
		t.Fatal("a cancelled lookup resolved")
	}

	if _, err := r.Digest(context.Background(), host+"/app:1"); err == nil || !Unreachable(err) {
		t.Fatalf("a registry that resets connections: %v, want an unreachable error", err)
	}
	before := conns.Load()
	if before == 0 {
		t.Fatal("the lookup never connected")
	}
	for i := 2; i < 6; i++ {
		if _, err := r.Digest(context.Background(), host+"/app:"+strconv.Itoa(i)); err == nil || !Unreachable(err) {
			t.Fatalf("image %d of the unreachable registry: %v", i, err)
		}
	}
	if n := conns.Load(); n != before {
		t.Errorf("%d more connections to a registry known unreachable", n-before)
	}
}
