// Command launcher runs another program under a seccomp filter: it
// installs the filter on itself and then execs the program, which keeps
// the filter (and so do its children).
//
//	go run ./examples/launcher uname -a     # uname(2) is denied: "Operation not permitted"
//	go run ./examples/launcher ls /         # runs as usual
package main

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/seccomp-go/seccomp"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: launcher COMMAND [ARG...]")
		os.Exit(2)
	}
	path, err := exec.LookPath(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "launcher:", err)
		os.Exit(127)
	}
	// A small deny list for the demonstration; real launchers start from an
	// allow list such as Docker's default profile.
	f := seccomp.NewFilter(seccomp.ActAllow)
	f.AddSyscalls(seccomp.Errno(1), "uname", "ptrace", "mount", "umount2", "unshare", "setns", "kexec_load", "bpf")
	prog, err := f.Compile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "launcher:", err)
		os.Exit(1)
	}
	// Exec replaces this process; it returns only on failure.
	err = seccomp.Exec(prog, seccomp.InstallOptions{}, path, os.Args[1:], os.Environ())
	fmt.Fprintln(os.Stderr, "launcher:", err)
	os.Exit(126)
}
