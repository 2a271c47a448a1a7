//go:build linux

package pgstore_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Process CPU time, for benchmarks on a shared machine: the wall time of
// an import depends on what else runs; the CPU time it costs does not.
// Linux only (/proc); zero elsewhere.

const clockTick = 10 * time.Millisecond // USER_HZ = 100 on Linux

// procStat returns a process's parent pid and its CPU time (utime+stime).
func procStat(pid int) (ppid int, cpu time.Duration, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return ppid, time.Duration(ut+st) * clockTick, true
}

// serverCPU returns the CPU time used so far by the PostgreSQL server
// dsn names (the postmaster and every process it started), when it runs
// on this machine.
func serverCPU(dsn string) time.Duration {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return 0
	}
	defer conn.Close(ctx)
	var backend int
	if conn.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&backend) != nil {
		return 0
	}
	postmaster, _, ok := procStat(backend)
	if !ok {
		return 0
	}
	ents, _ := os.ReadDir("/proc")
	var total time.Duration
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == backend {
			continue
		}
		if ppid, cpu, ok := procStat(pid); ok && (pid == postmaster || ppid == postmaster) {
			total += cpu
		}
	}
	return total
}

// selfCPU returns this process's CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
