package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"hardline.dev/hardline/analyzer"
)

// writeFixed writes what fix or pin computed for path, with the checks a
// file from a stranger's pull request calls for: the new text must not
// parse worse than the old (never write a file that does not parse), a
// symlink is written through only to a file inside the link's own folder
// tree (follow lifts that), and the write is atomic and keeps the mode and
// the owner (analyzer.WriteFileAtomic).
func writeFixed(path string, old, next []byte, follow bool) error {
	if analyzer.Parse(path, next, analyzer.ParseOptions{}).SyntaxErrors() > analyzer.Parse(path, old, analyzer.ParseOptions{}).SyntaxErrors() {
		return fmt.Errorf("%s: the fixed text would not parse; not writing it (please report this)", path)
	}
	target, err := writeTarget(path, follow)
	if err != nil {
		return err
	}
	return analyzer.WriteFileAtomic(target, old, next)
}

// writeTarget is the file to replace for path: path itself, or the file a
// symlink points to, which must lie below the link's folder unless follow
// is set. Replacing the link itself would turn it into a copy.
func writeTarget(path string, follow bool) (string, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return "", err
	}
	if info.Mode()&os.ModeSymlink == 0 {
		return path, nil
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", err
	}
	if follow {
		return target, nil
	}
	root, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(root, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", errors.New(path + " is a symlink to " + target + ", outside its folder: not writing there (--follow-symlinks allows it)")
	}
	return target, nil
}
