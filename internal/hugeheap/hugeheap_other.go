//go:build !linux

package hugeheap

// Advise does nothing on this system (package doc) and reports false.
func Advise(size int) (bool, error) { return false, nil }
