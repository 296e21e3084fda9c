package helm

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"hardline.dev/hardline/render/internal/readfile"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/ignore"
)

// ReadFile reads a file; an editor passes one that prefers its unsaved
// buffers to the disk.
type ReadFile = readfile.Func

// files is a chart folder read into memory, as Helm's directory loader
// reads it (.helmignore applied, a byte-order mark dropped), with its
// subcharts: folders and archives under charts/.
type files struct {
	dir   string // the folder, as given
	chart []*loader.BufferedFile
	subs  []*files
	// archives are subcharts packed as .tgz: Helm loads them, hardline
	// has no lines in them.
	archives []archive

	// values and chains, of the top chart: see chartValues.
	valuesOnce sync.Once
	values     map[string]*valuesFile
	chains     map[string]chain
}

type archive struct {
	path string // on disk
	data []byte
}

// maxChartFileBytes is Helm's own limit on a chart file.
var maxChartFileBytes = loader.MaxDecompressedFileSize

// readChart reads the chart in dir. limit bounds the bytes of the whole
// chart: a chart larger than that is refused, not read.
func readChart(dir string, read ReadFile, limit int64) (*files, error) {
	rules := ignore.Empty()
	if text, err := read(filepath.Join(dir, ignore.HelmIgnore)); err == nil {
		r, err := ignore.Parse(bytes.NewReader(text))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ignore.HelmIgnore, err)
		}
		rules = r
	}
	rules.AddDefaults()
	var total int64
	return readFolder(dir, "", rules, read, &total, limit)
}

// readFolder reads the chart in dir, whose path from the top chart is
// prefix (the top chart's .helmignore applies to its subcharts too, as
// in Helm).
func readFolder(dir, prefix string, rules *ignore.Rules, read ReadFile, total *int64, limit int64) (*files, error) {
	out := &files{dir: dir}
	subDirs := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if rules.Ignore(path.Join(prefix, rel), info) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if parent, name := path.Split(rel); parent == "charts/" && !strings.HasPrefix(name, "_") && !strings.HasPrefix(name, ".") {
				subDirs[name] = true
				return filepath.SkipDir
			}
			return nil
		}
		if !info.Mode().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		if info.Size() > maxChartFileBytes {
			return fmt.Errorf("%s is larger than Helm's limit of %d bytes", p, maxChartFileBytes)
		}
		*total += info.Size()
		if limit > 0 && *total > limit {
			return fmt.Errorf("the chart is larger than limits.maxFileBytes (%d bytes): not rendered", limit)
		}
		data, err := read(p)
		if err != nil {
			return err
		}
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if parent, name := path.Split(rel); parent == "charts/" {
			switch {
			case strings.HasPrefix(name, "_") || strings.HasPrefix(name, "."):
			case strings.HasSuffix(name, ".tgz"):
				out.archives = append(out.archives, archive{p, data})
			case strings.HasSuffix(name, ".prov"):
				out.chart = append(out.chart, &loader.BufferedFile{Name: rel, Data: data})
			}
			return nil
		}
		if strings.HasPrefix(rel, "charts/") {
			return nil // inside an ignored or odd subchart entry
		}
		out.chart = append(out.chart, &loader.BufferedFile{Name: rel, Data: data})
		return nil
	})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(subDirs))
	for n := range subDirs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		sub, err := readFolder(filepath.Join(dir, "charts", n), path.Join(prefix, "charts", n), rules, read, total, limit)
		if err != nil {
			return nil, err
		}
		out.subs = append(out.subs, sub)
	}
	return out, nil
}

// templateFile is where a template of the loaded chart is on disk; an
// archived subchart's templates have no path.
type templateFile struct {
	path string
	// chart is the folder of the chart the template belongs to.
	chart string
}

// load builds a fresh chart from the files (rendering changes a chart:
// dependencies are switched off, values imported), and records where
// each template is on disk.
func (f *files) load(where map[*chart.File]templateFile) (*chart.Chart, error) {
	// Copies: Helm's loader renames the files of subcharts in place.
	buf := make([]*loader.BufferedFile, len(f.chart))
	for i, b := range f.chart {
		buf[i] = &loader.BufferedFile{Name: b.Name, Data: b.Data}
	}
	c, err := loader.LoadFiles(buf)
	if err != nil {
		return nil, err
	}
	for _, t := range c.Templates {
		where[t] = templateFile{path: filepath.Join(f.dir, filepath.FromSlash(t.Name)), chart: f.dir}
	}
	for _, s := range f.subs {
		sc, err := s.load(where)
		if err != nil {
			return nil, fmt.Errorf("subchart %s: %w", filepath.Base(s.dir), err)
		}
		c.AddDependency(sc)
	}
	for _, a := range f.archives {
		sc, err := loader.LoadArchive(bytes.NewReader(a.data))
		if err != nil {
			return nil, fmt.Errorf("subchart %s: %w", filepath.Base(a.path), err)
		}
		c.AddDependency(sc)
	}
	return c, nil
}
