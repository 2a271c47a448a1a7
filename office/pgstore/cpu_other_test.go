//go:build !linux

package pgstore_test

import "time"

// Without /proc the benchmark reports no CPU times.
func serverCPU(string) time.Duration { return 0 }
func selfCPU() time.Duration         { return 0 }
