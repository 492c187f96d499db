// Command launcher runs another program under a seccomp filter: it
// replaces itself with the program (seccomp.Exec), installing the filter on
// the thread that execs right before execve, so the program, and its
// children, run under it. The filter applies to nothing of the launcher's
// own: an allowlist needs only execve and what the program calls.
//
//	go run ./examples/launcher uname -a     # uname(2) is denied: "Operation not permitted"
//	go run ./examples/launcher ls /         # runs as usual
package main

import (
	"errors"
	"fmt"
	"io/fs"
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
	// Exec replaces this process; it returns only if it changed nothing.
	// (If execve fails once the filter is on, Exec reports it and exits
	// with status 126 itself.)
	err = seccomp.Exec(prog, seccomp.InstallOptions{}, path, os.Args[1:], os.Environ())
	fmt.Fprintln(os.Stderr, "launcher:", err)
	if errors.Is(err, fs.ErrNotExist) {
		os.Exit(127)
	}
	os.Exit(126)
}
