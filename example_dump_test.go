package seccomp_test

import (
	"fmt"
	"os"
	"strconv"

	"github.com/seccomp-go/seccomp"
)

// Reading back the filters of a running process needs root (CAP_SYS_ADMIN)
// and Linux, so this example has no "Output:" and only compiles in tests.
func ExampleDump() {
	pid, _ := strconv.Atoi(os.Getenv("PID")) // a process of yours
	d, err := seccomp.Dump(pid)
	if err != nil {
		fmt.Println(err) // e.g. it is gone, or this process lacks CAP_SYS_ADMIN
		return
	}
	for _, th := range d.Threads {
		fmt.Printf("thread %d: mode %d, %d filters\n", th.Tid, th.Mode, len(th.Stack))
	}
	for i, f := range d.Filters {
		fmt.Printf("filter %d (position %d, threads %v, flags %v):\n%s", i, f.Position, f.Threads, f.Flags, seccomp.Disassemble(f.Program))
	}
}
