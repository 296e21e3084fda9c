// Package pin pins image references to their digests: the fix of the
// rules that declare Rule.Pin (container images, FROM images). It asks registries, so it
// runs only on explicit request: the `hardline pin` command, or the
// editor's "Pin to digest" action when the config allows the network.
package pin

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

// Target is one image reference to pin.
type Target struct {
	// Image is the reference as written, without quotes.
	Image string
	// Offset is where "@sha256:…" goes: right after the reference.
	Offset int
	// Range is the finding's, for messages.
	Range analyzer.Range
}

// Skipped is a finding whose reference cannot be pinned as written.
type Skipped struct {
	Range  analyzer.Range
	Text   string
	Reason string
}

// Fixes tells whether pinning fixes the rule's findings (Rule.Pin).
func Fixes(r *analyzer.Rule) bool { return r.Pin != analyzer.NoImage }

// Targets picks the pinnable references among the findings of text,
// where each finding's rule declares them (Rule.Pin).
func Targets(text []byte, findings []analyzer.Finding) ([]Target, []Skipped) {
	var targets []Target
	var skipped []Skipped
	for _, f := range findings {
		if !Fixes(f.Rule) || f.Start < 0 || f.End > len(text) || f.Start >= f.End {
			continue
		}
		span := text[f.Start:f.End]
		start, end := f.Start, f.End
		if f.Rule.Pin == analyzer.ImageAfterKey {
			colon := bytes.IndexByte(span, ':')
			if colon < 0 {
				continue
			}
			start += colon + 1
			for start < end && (text[start] == ' ' || text[start] == '\t') {
				start++
			}
		}
		value := string(text[start:end])
		image, insert, reason := reference(value)
		if reason != "" {
			skipped = append(skipped, Skipped{Range: f.Range, Text: value, Reason: reason})
			continue
		}
		if _, err := name.ParseReference(image); err != nil {
			skipped = append(skipped, Skipped{Range: f.Range, Text: value, Reason: "not an image reference: " + err.Error()})
			continue
		}
		targets = append(targets, Target{Image: image, Offset: start + insert, Range: f.Range})
	}
	return targets, skipped
}

// reference reads an image reference as written in YAML or a FROM line:
// the reference, where in value the digest goes, or why it cannot be
// pinned in place.
func reference(value string) (image string, insert int, reason string) {
	switch {
	case value == "":
		return "", 0, "empty"
	case strings.ContainsAny(value, "\n\\"):
		return "", 0, "written over several lines or with escapes"
	case strings.Contains(value, "$"), strings.Contains(value, "{{"):
		return "", 0, "contains a variable"
	case strings.Contains(value, "@"):
		return "", 0, "already has a digest"
	}
	switch value[0] {
	case '"', '\'':
		if len(value) < 2 || value[len(value)-1] != value[0] {
			return "", 0, "unbalanced quotes"
		}
		return value[1 : len(value)-1], len(value) - 1, ""
	case '*', '&', '!', '|', '>':
		return "", 0, "written as a YAML alias, anchor, tag or block scalar"
	}
	return value, len(value), ""
}

// Edit is the insertion that pins t to digest.
func Edit(t Target, digest string) fixes.TextEdit {
	return fixes.TextEdit{Start: t.Offset, End: t.Offset, NewText: "@" + digest}
}

// Resolver looks up the digest a tag points to: for a multi-platform image,
// the index's digest, so every platform stays pinned. It reads credentials
// from the Docker config and its credential helpers, as docker pull does,
// and remembers answers for its lifetime.
type Resolver struct {
	options []remote.Option
	mu      sync.Mutex
	cache   map[string]*lookup
	// down holds, by registry, the error that showed it cannot be reached:
	// its other images are not asked for, as each would wait for the same
	// failure (many images behind a proxy took hours).
	down map[string]error
}

type lookup struct {
	done   chan struct{}
	digest string
	err    error
}

// NewResolver returns a resolver; options add to or replace the defaults
// (credentials from authn.DefaultKeychain, a short retry backoff).
func NewResolver(options ...remote.Option) *Resolver {
	defaults := []remote.Option{
		remote.WithAuthFromKeychain(authn.DefaultKeychain),
		remote.WithUserAgent("hardline"),
		// A registry that is down should fail in seconds, not minutes.
		remote.WithRetryBackoff(remote.Backoff{Duration: 200 * time.Millisecond, Factor: 2, Steps: 2}),
	}
	return &Resolver{options: append(defaults, options...), cache: map[string]*lookup{}, down: map[string]error{}}
}

// Digest resolves image ("nginx:1.27", "registry:5000/app") to its digest,
// "sha256:…". Concurrent calls for one image share one request.
func (r *Resolver) Digest(ctx context.Context, image string) (string, error) {
	registry := Registry(image)
	r.mu.Lock()
	if err := r.down[registry]; err != nil {
		r.mu.Unlock()
		return "", err
	}
	l, ok := r.cache[image]
	if !ok {
		l = &lookup{done: make(chan struct{})}
		r.cache[image] = l
	}
	r.mu.Unlock()
	if !ok {
		l.digest, l.err = r.resolve(ctx, image)
		close(l.done)
		switch {
		case l.err != nil && errors.Is(ctx.Err(), context.Canceled):
			// A cancelled lookup says nothing about the image: forget it.
			r.mu.Lock()
			delete(r.cache, image)
			r.mu.Unlock()
		case l.err != nil && Unreachable(l.err):
			// Unreachable, or silent past the caller's deadline.
			r.mu.Lock()
			r.down[registry] = l.err
			r.mu.Unlock()
		}
	}
	select {
	case <-l.done:
		return l.digest, l.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (r *Resolver) resolve(ctx context.Context, image string) (string, error) {
	ref, err := name.ParseReference(image)
	if err != nil {
		return "", err
	}
	opts := append([]remote.Option{remote.WithContext(ctx)}, r.options...)
	// HEAD is what registries answer without counting it against pull
	// limits; some don't send the digest with it, so GET is the fallback.
	if desc, err := remote.Head(ref, opts...); err == nil {
		return desc.Digest.String(), nil
	}
	desc, err := remote.Get(ref, opts...)
	if err != nil {
		return "", err
	}
	return desc.Digest.String(), nil
}

// Unreachable tells whether err says the registry could not be reached at
// all (a name that does not resolve, a refused or timed-out connection:
// no network, a proxy in the way, or the registry down), as opposed to an
// answer from it (an unknown image, denied credentials).
func Unreachable(err error) bool {
	var dns *net.DNSError
	var op *net.OpError
	var u *url.Error
	return errors.As(err, &dns) || errors.As(err, &op) || errors.Is(err, context.DeadlineExceeded) ||
		errors.As(err, &u) && u.Timeout()
}

// Registry is the registry an image reference points to ("index.docker.io"
// for Docker Hub's short names), or the reference itself if it does not
// parse.
func Registry(image string) string {
	ref, err := name.ParseReference(image)
	if err != nil {
		return image
	}
	return ref.Context().RegistryStr()
}
