// Package safewrite replaces files the way a tool that edits a stranger's
// repository must: atomically, keeping mode and owner, never over a file
// that changed since it was read, and through a symlink only to a file
// inside the link's own folder tree.
package safewrite

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteFileAtomic replaces path with text: it writes a temporary file in
// the same folder with the original's mode and owner and renames it over the
// original, so a crash leaves either the old or the new file, never half
// of one. It refuses when the file no longer holds old (someone edited it
// since it was read).
func WriteFileAtomic(path string, old, text []byte) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".hardline-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(text); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := keepOwner(tmp, info); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: cannot keep its owner (%v); not overwriting it", path, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	current, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Equal(current, old) {
		return fmt.Errorf("%s changed since it was read; not overwriting it (run hardline fix again)", path)
	}
	return os.Rename(tmp.Name(), path)
}

// Target is the file to replace for path: path itself, or the file a
// symlink points to, which must lie below the link's folder unless follow
// is set. Replacing the link itself would turn it into a copy.
func Target(path string, follow bool) (string, error) {
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
