//go:build !linux

package main

import "errors"

// confineToOneCPU is Linux only.
func confineToOneCPU() (restore func() error, err error) {
	return nil, errors.New("confining the process to one CPU is Linux only")
}
