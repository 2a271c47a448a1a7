//go:build unix

package mapfile

import (
	"math"
	"os"
	"syscall"
)

// mapFile maps f read-only; ok is false when f is not a non-empty regular
// file that fits in an int or the map fails (the caller reads it then).
func mapFile(f *os.File) (data []byte, unmap func() error, ok bool) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() <= 0 || st.Size() > math.MaxInt {
		return nil, nil, false
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE)
	if err != nil {
		return nil, nil, false
	}
	return data, func() error { return syscall.Munmap(data) }, true
}
