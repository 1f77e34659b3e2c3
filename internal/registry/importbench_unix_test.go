//go:build unix

package registry_test

import (
	"syscall"
	"time"
)

// impCPUTime returns the CPU time the process has used, user and system,
// so a benchmark can report throughput per CPU-second on a shared machine.
func impCPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
