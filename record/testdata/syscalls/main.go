// Command syscalls makes N cheap system calls (getpid, through
// syscall.RawSyscall so that nothing else runs between them) on one
// thread, for the recording benchmarks: syscalls N. With -time it writes
// the nanoseconds per call to standard error.
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

func main() {
	n, err := strconv.Atoi(os.Args[len(os.Args)-1])
	if err != nil || len(os.Args) > 3 || (len(os.Args) == 3 && os.Args[1] != "-time") {
		fmt.Fprintln(os.Stderr, "usage: syscalls [-time] N")
		os.Exit(2)
	}
	start := time.Now()
	for range n {
		syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0)
	}
	if len(os.Args) == 3 {
		fmt.Fprintf(os.Stderr, "%.0f ns/call\n", float64(time.Since(start).Nanoseconds())/float64(n))
	}
}
