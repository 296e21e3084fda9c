//go:build !(linux || darwin)

package analyzer

import (
	"bytes"
	"os"
)

// readFile reads the file at path into a buffer of the texts pool, unless
// it is larger than limit; size is the file's size either way.
func readFile(path string, limit int64) (text []byte, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if limit > 0 && info.Size() > limit {
		return nil, info.Size(), nil
	}
	// Sized from the stat, as os.ReadFile does: io.ReadAll would grow its
	// buffer from 512 bytes, copying a large file several times.
	buf := bytes.NewBuffer(texts.get(int(info.Size()) + bytes.MinRead))
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), info.Size(), nil
}
