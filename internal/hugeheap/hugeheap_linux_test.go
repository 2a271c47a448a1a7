//go:build linux

package hugeheap

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCurrent(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"always [madvise] never\n", "madvise"},
		{"[always] madvise never\n", "always"},
		{"always madvise [never]\n", "never"},
		{"always madvise never\n", ""},
		{"[madvise", ""},
		{"", ""},
	} {
		assert.Equal(t, tc.want, current([]byte(tc.in)), "%q", tc.in)
	}
}

func TestDisabled(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"", false},
		{"disablethp=1", true},
		{"gctrace=1, disablethp=1", true},
		{"disablethp=0", false},
		{"disablethp=1,disablethp=0", false},
		{"xdisablethp=1", false},
	} {
		assert.Equal(t, tc.want, disabled(tc.in), "%q", tc.in)
	}
}

func TestMemTotal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"MemTotal:       1048576 kB\nMemFree:  1 kB\n", 1048576 << 10},
		{"MemFree:  1 kB\nMemTotal: 2048 kB", 2048 << 10},
		{"MemTotal: 2048 MB\n", 0},
		{"MemTotal: -5 kB\n", 0},
		{"MemTotal: 99999999999999999999 kB\n", 0},
		{"MemFree:  1 kB\n", 0},
		{"", 0},
	} {
		assert.Equal(t, tc.want, memTotal([]byte(tc.in)), "%q", tc.in)
	}
}

// kernelFile points *file at a file holding text for the test.
func kernelFile(t *testing.T, file *string, text string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), filepath.Base(*file))
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	old := *file
	*file = path
	t.Cleanup(func() { *file = old })
}

// setting points the kernel's files at a THP setting of text, heuristic
// overcommit and 16 GiB of memory.
func setting(t *testing.T, text string) {
	t.Helper()
	kernelFile(t, &settingFile, text)
	kernelFile(t, &overcommitFile, "0\n")
	kernelFile(t, &meminfoFile, "MemTotal:       16777216 kB\n")
}

// TestAdviseDeclines: Advise marks nothing, and leaves its one mark for a
// later call, where the kernel gives huge pages without being asked or
// not at all, where GODEBUG turns them off, and for a size under two huge
// pages.
func TestAdviseDeclines(t *testing.T) {
	defer once.Store(once.Load())
	once.Store(false)
	for _, text := range []string{"[always] madvise never\n", "always madvise [never]\n", "garbled"} {
		setting(t, text)
		ok, err := Advise(64 << 20)
		require.NoError(t, err)
		assert.False(t, ok, text)
	}
	setting(t, "always [madvise] never\n")
	t.Setenv("GODEBUG", "disablethp=1")
	ok, err := Advise(64 << 20)
	require.NoError(t, err)
	assert.False(t, ok, "GODEBUG=disablethp=1")
	t.Setenv("GODEBUG", "")
	ok, err = Advise(2*hugePage - 1)
	require.NoError(t, err)
	assert.False(t, ok, "under two huge pages")
	kernelFile(t, &meminfoFile, "MemTotal:       6144 kB\n")
	ok, err = Advise(64 << 20)
	require.NoError(t, err)
	assert.False(t, ok, "half the memory under two huge pages")
	kernelFile(t, &meminfoFile, "MemFree:       6144 kB\n")
	ok, err = Advise(64 << 20)
	require.NoError(t, err)
	assert.False(t, ok, "no MemTotal")
	kernelFile(t, &meminfoFile, "MemTotal:       16777216 kB\n")
	kernelFile(t, &overcommitFile, "2\n")
	ok, err = Advise(64 << 20)
	require.NoError(t, err)
	assert.False(t, ok, "strict overcommit")
	assert.False(t, once.Load(), "a declined call used up the mark")
}

// TestAdviseMarksTheHeap: after Advise, a large allocation lands in
// memory the kernel may back with huge pages (its mapping has the
// MADV_HUGEPAGE mark, "hg" in /proc/self/smaps' VmFlags), and a second
// call marks nothing.
func TestAdviseMarksTheHeap(t *testing.T) {
	if strconv.IntSize < 64 {
		t.Skip("Advise marks nothing on 32-bit platforms")
	}
	if _, err := os.Stat(settingFile); err != nil {
		t.Skipf("a kernel without transparent huge pages: %v", err)
	}
	defer once.Store(once.Load())
	once.Store(false)
	setting(t, "always [madvise] never\n") // whatever the machine's setting
	t.Setenv("GODEBUG", "")
	ok, err := Advise(256 << 20)
	require.NoError(t, err)
	require.True(t, ok)
	b := make([]byte, 64<<20)
	flags, err := vmFlags(uintptr(unsafe.Pointer(unsafe.SliceData(b))) + uintptr(len(b)/2))
	require.NoError(t, err)
	assert.Contains(t, strings.Fields(flags), "hg", "VmFlags of the mapping holding a new 64 MiB slice")
	ok, err = Advise(256 << 20)
	require.NoError(t, err)
	assert.False(t, ok, "a second call")
}

// vmFlags returns the VmFlags line of the mapping of /proc/self/smaps
// that holds addr.
func vmFlags(addr uintptr) (string, error) {
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return "", err
	}
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "VmFlags:"); ok {
			if in {
				return rest, nil
			}
			continue
		}
		span, _, _ := strings.Cut(line, " ")
		lo, hi, ok := strings.Cut(span, "-")
		if !ok {
			continue
		}
		l, err1 := strconv.ParseUint(lo, 16, 64)
		h, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 == nil && err2 == nil && strings.Count(line, " ") >= 4 {
			in = uint64(addr) >= l && uint64(addr) < h
		}
	}
	return "", fmt.Errorf("no mapping of /proc/self/smaps holds %#x", addr)
}
