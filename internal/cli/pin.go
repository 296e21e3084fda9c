package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/pin"
)

// pinTimeout bounds one registry lookup.
const pinTimeout = 30 * time.Second

// Pin is `hardline pin`: it rewrites image:tag to image:tag@sha256:… in manifests and
// Dockerfiles: the fix of KS502 and DF103. Running it is the consent to
// reach registries, so it needs no config. Exit 1 when some reference
// could not be resolved (each is reported; the others are still pinned).
func Pin(env Env, args []string) int {
	engine, stdout, stderr, resolver := env.Engine, env.Stdout, env.Stderr, env.Resolver
	if resolver == nil {
		resolver = pin.NewResolver()
	}
	fs := flag.NewFlagSet("hardline pin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("write", false, "write the pinned files (atomically); without it, print a unified diff")
	follow := fs.Bool("follow-symlinks", false, "with --write, also write through symlinks that point outside their folder")
	s := settings{failOn: "error"}
	fs.BoolVar(&s.noIgnore, "no-ignore", false, "walk folders without honouring .gitignore and .ignore files")
	fs.StringVar(&s.configPath, "config", "", "config file (default: "+analyzer.ConfigFileName+" found by walking up from each file): its excludes and suppressions apply")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: hardline pin [--write] PATH...\n\nResolves each image tag (container images, FROM) to its digest in the registry and pins it.\nCredentials come from the Docker config and its credential helpers.\n\nExit codes: 0 all pinned, 1 some references could not be resolved, 2 usage, config or I/O error.\n\nFlags:")
		fs.PrintDefaults()
	}
	paths, code, ok := parsePaths(fs, args)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		return usageError(stderr, errors.New("no PATH given"))
	}
	if err := s.resolve(engine); err != nil {
		return usageError(stderr, err)
	}
	in, err := s.inputs(paths)
	if err != nil {
		return usageError(stderr, err)
	}
	// Chart files (templates, values) are not pinned: they are not in in.Files.
	files := in.Files
	// Only the rules that find unpinned images run, whatever the profile
	// or their severity says: pinning was asked for.
	var pinRules []*analyzer.Rule
	for _, r := range engine.Rules() {
		if pin.Fixes(r) {
			pinRules = append(pinRules, r)
		}
	}
	results := analyzer.NewEngine(pinRules).LintFiles(env.Context, files, in.Listing, func(path string) (*analyzer.Config, error) {
		cfg, err := s.configFor(path)
		if err != nil {
			return nil, err
		}
		c := *cfg
		c.Profile = analyzer.All
		c.Rules = maps.Clone(c.Rules)
		for _, r := range pinRules {
			delete(c.Rules, r.Code)
		}
		return &c, nil
	}, analyzer.NoFixes)

	if interrupted(env) {
		return ExitUsage
	}
	status := ExitOK
	type fileTargets struct {
		res     analyzer.FileResult
		targets []pin.Target
	}
	var work []fileTargets
	images := map[string]bool{}
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintln(stderr, "hardline:", r.Err)
			status = ExitUsage
			continue
		}
		targets, skipped := pin.Targets(r.Lines.Bytes(), r.Findings)
		for _, sk := range skipped {
			fmt.Fprintf(stderr, "%s:%d:%d: not pinned: %s: %s\n", r.Path, sk.Range.Start.Line, sk.Range.Start.Column, sk.Text, sk.Reason)
		}
		if len(targets) > 0 {
			work = append(work, fileTargets{r, targets})
			for _, t := range targets {
				images[t.Image] = true
			}
		}
	}

	digests := resolveAll(resolver, slices.Sorted(maps.Keys(images)))
	// A registry that cannot be reached at all is one line, not the same
	// network error once per image.
	unreachable := map[string]int{}
	registries := map[string]bool{}
	for image, d := range digests {
		registries[pin.Registry(image)] = true
		if d.err != nil && pin.Unreachable(d.err) {
			unreachable[pin.Registry(image)]++
		}
	}
	pinned, pinnedFiles, failed := 0, 0, 0
	for _, w := range work {
		old := w.res.Lines.Bytes()
		var edits []fixes.TextEdit
		for _, t := range w.targets {
			d := digests[t.Image]
			if d.err != nil {
				if !pin.Unreachable(d.err) {
					fmt.Fprintf(stderr, "%s:%d:%d: cannot pin %s: %v\n", w.res.Path, t.Range.Start.Line, t.Range.Start.Column, t.Image, d.err)
				}
				failed++
				continue
			}
			edits = append(edits, pin.Edit(t, d.digest))
		}
		if len(edits) == 0 {
			continue
		}
		next, err := fixes.Apply(old, edits)
		if err != nil {
			fmt.Fprintf(stderr, "hardline: %s: %v\n", w.res.Path, err)
			status = ExitUsage
			continue
		}
		if *write {
			if err := writeFixed(w.res.Path, old, next, *follow); err != nil {
				fmt.Fprintln(stderr, "hardline:", err)
				status = ExitUsage
				continue
			}
		} else {
			printDiff(stdout, w.res.Path, old, next)
		}
		pinned += len(edits)
		pinnedFiles++
	}
	if len(unreachable) > 0 && len(unreachable) == len(registries) {
		fmt.Fprintln(stderr, "hardline: no registry reachable (no network, a proxy, or the registries are down): nothing pinned")
	} else {
		for _, reg := range slices.Sorted(maps.Keys(unreachable)) {
			n := unreachable[reg]
			fmt.Fprintf(stderr, "hardline: %s: registry unreachable (no network, a proxy, or the registry is down): %d %s not pinned\n",
				reg, n, plural(n, "image", "images"))
		}
	}
	verb := "would pin"
	if *write {
		verb = "pinned"
	}
	fmt.Fprintf(stderr, "hardline: %s %d %s in %d %s", verb, pinned, plural(pinned, "image", "images"), pinnedFiles, plural(pinnedFiles, "file", "files"))
	if failed > 0 {
		fmt.Fprintf(stderr, "; %d could not be resolved", failed)
	}
	fmt.Fprintln(stderr)
	if status == ExitOK && failed > 0 {
		status = ExitFindings
	}
	return status
}

type digestResult struct {
	digest string
	err    error
}

// resolveAll looks images up a few at a time: registries answer slowly
// one by one, and politely to a handful of requests at once.
func resolveAll(r *pin.Resolver, images []string) map[string]digestResult {
	out := make(map[string]digestResult, len(images))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, image := range images {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ctx, cancel := context.WithTimeout(context.Background(), pinTimeout)
			defer cancel()
			d, err := r.Digest(ctx, image)
			mu.Lock()
			out[image] = digestResult{d, err}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}
