// Command unknown makes N system calls of N distinct numbers that no arch
// has (each fails with ENOSYS), as a program could to make its recorder
// keep an entry per number: unknown N.
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

func main() {
	n, err := strconv.Atoi(os.Args[len(os.Args)-1])
	if err != nil || len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: unknown N")
		os.Exit(2)
	}
	for i := range n {
		if _, _, e := syscall.RawSyscall(uintptr(100_000+i), 0, 0, 0); e != syscall.ENOSYS {
			fmt.Fprintf(os.Stderr, "syscall %d: %v, want ENOSYS\n", 100_000+i, e)
			os.Exit(1)
		}
	}
}
