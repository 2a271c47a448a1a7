// Package mapfile reads a whole file for parsing without putting it on the
// Go heap: on Unix it maps the file read-only into memory, elsewhere (and
// for files that cannot be mapped: empty, not regular) it reads it.
//
// A mapped file's pages live in the operating system's page cache: they
// count once in the process's resident set while touched and never in the
// Go heap, so the garbage collector's slack (GOGC) is not paid on them.
// The cost is that the bytes are valid only until Close, and that a file
// truncated by another process while it is mapped faults the reader
// (SIGBUS); the registry import reads files the operator hands it, where
// that is acceptable.
package mapfile

import "os"

// File is a file's bytes, mapped or read.
type File struct {
	// Data is the whole file; read-only, valid until Close.
	Data  []byte
	unmap func() error
}

// Open maps (or reads) the file at path.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if data, unmap, ok := mapFile(f); ok {
		return &File{Data: data, unmap: unmap}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return &File{Data: data}, nil
}

// Mapped reports whether the bytes are a memory map (rather than a copy).
func (f *File) Mapped() bool { return f.unmap != nil }

// Close releases the bytes; Data must not be used afterwards.
func (f *File) Close() error {
	f.Data = nil
	if f.unmap == nil {
		return nil
	}
	u := f.unmap
	f.unmap = nil
	return u()
}
