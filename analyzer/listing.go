package analyzer

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Listing remembers the entries of the folders a walk read (Discover), so
// that looking for a file in them — an ignore file, a kustomization,
// Chart.yaml, a config file — costs no system call: a run over a
// repository looks for several in every folder, and most are not there.
// It answers only for the folders it read, and only what a walk saw: a
// long-lived process (the language server) asks the file system instead.
// It may be read while the walk fills it (the files found so far are
// linted meanwhile): a folder is listed before anything in it is found,
// and one not listed yet is left to the file system. A nil Listing knows
// nothing.
type Listing struct {
	wd WorkDir
	mu sync.RWMutex
	// dirs holds, per absolute folder, its entries' types by name, and
	// the lower-cased names: a case-insensitive file system finds
	// "Chart.yaml" as "chart.yaml".
	dirs map[string]folderEntries
}

type folderEntries struct {
	types  map[string]fs.FileMode
	folded map[string]bool
}

// NewListing returns an empty listing for Discover to fill.
func NewListing() *Listing {
	return &Listing{dirs: map[string]folderEntries{}}
}

// add records the entries of the clean absolute folder abs, as the walk
// read them.
func (l *Listing) add(abs string, entries []fs.DirEntry) {
	f := folderEntries{types: make(map[string]fs.FileMode, len(entries)), folded: make(map[string]bool, len(entries))}
	for _, e := range entries {
		f.types[e.Name()] = e.Type()
		f.folded[strings.ToLower(e.Name())] = true
	}
	l.mu.Lock()
	l.dirs[abs] = f
	l.mu.Unlock()
}

// entries returns what the walk found in the folder of path, and the
// entry's name.
func (l *Listing) entries(path string) (folderEntries, string, bool) {
	if l == nil {
		return folderEntries{}, "", false
	}
	abs, err := l.wd.Abs(path)
	if err != nil {
		return folderEntries{}, "", false
	}
	// abs is clean: below the root, its folder and name split at the
	// last separator, without filepath.Dir's cleaning it again.
	var dir, name string
	if i := strings.LastIndexByte(abs, filepath.Separator); i > len(filepath.VolumeName(abs)) {
		dir, name = abs[:i], abs[i+1:]
	} else {
		dir, name = filepath.Dir(abs), filepath.Base(abs)
	}
	l.mu.RLock()
	f, ok := l.dirs[dir]
	l.mu.RUnlock()
	return f, name, ok
}

// Absent tells whether the walk read path's folder and found nothing named
// so there (in any case): then there is nothing to open or stat.
func (l *Listing) Absent(path string) bool {
	f, name, ok := l.entries(path)
	return ok && !f.folded[strings.ToLower(name)]
}

// Exists tells whether path can be stat'ed, without asking the file
// system when the walk knows it is absent.
func (l *Listing) Exists(path string) bool {
	if l.Absent(path) {
		return false
	}
	_, err := os.Stat(path)
	return err == nil
}

// IsDir tells whether path is a folder, when the walk saw it (a link is
// left to the file system: known is false).
func (l *Listing) IsDir(path string) (isDir, known bool) {
	f, name, ok := l.entries(path)
	if !ok {
		return false, false
	}
	t, found := f.types[name]
	if !found || t&fs.ModeSymlink != 0 {
		return false, false
	}
	return t.IsDir(), true
}
