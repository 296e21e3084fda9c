// Package readfile is how renderers read files: from the disk, or with
// some files' text replaced (an editor's buffers, a fix being verified).
package readfile

import (
	"os"
	"path/filepath"
)

// Func reads a file.
type Func func(path string) ([]byte, error)

// Disk reads from the disk.
var Disk Func = os.ReadFile

// Overlay reads the files of the map (by absolute path) from it, the
// others with read.
func Overlay(read Func, files map[string][]byte) Func {
	byAbs := map[string][]byte{}
	for p, text := range files {
		if abs, err := filepath.Abs(p); err == nil {
			byAbs[abs] = text
		}
	}
	return func(p string) ([]byte, error) {
		if abs, err := filepath.Abs(p); err == nil {
			if text, ok := byAbs[abs]; ok {
				return text, nil
			}
		}
		return read(p)
	}
}
