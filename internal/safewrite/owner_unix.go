//go:build unix

package safewrite

import (
	"io/fs"
	"os"
	"syscall"
)

// keepOwner gives the replacement file the original's owner and group, so
// that fixing a file as root (a CI container, say) leaves it the user's.
func keepOwner(tmp *os.File, orig fs.FileInfo) error {
	st, ok := orig.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if int(st.Uid) == os.Getuid() && int(st.Gid) == os.Getgid() {
		return nil // already ours: nothing to change, nothing that can fail
	}
	return tmp.Chown(int(st.Uid), int(st.Gid))
}
