//go:build linux || darwin

package analyzer

import (
	"bytes"
	"io/fs"
	"syscall"
)

// readFile reads the file at path into a buffer of the texts pool, unless
// it is larger than limit; size is the file's size either way. It makes
// the system calls itself: os.Open registers every file with the runtime's
// poller, four more calls that regular files refuse — as much again as
// opening, sizing and reading a small manifest.
func readFile(path string, limit int64) (text []byte, size int64, err error) {
	var fd int
	for {
		if fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0); err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, 0, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, 0, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if limit > 0 && st.Size > limit {
		return nil, st.Size, nil
	}
	buf := texts.get(int(st.Size) + bytes.MinRead)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // the file grew
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return nil, 0, &fs.PathError{Op: "read", Path: path, Err: err}
		case n == 0:
			return buf, st.Size, nil
		}
		buf = buf[:len(buf)+n]
	}
}
