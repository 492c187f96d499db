// Command selfsandbox shows a program that sandboxes itself after start-up:
// it opens what it needs first, then installs a filter that denies opening
// files and running programs, and carries on under it.
//
//	go run ./examples/selfsandbox
package main

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/seccomp-go/seccomp"
)

func main() {
	// Start-up: open what the program needs while it may.
	hosts, err := os.Open("/etc/hosts")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer hosts.Close()

	// Everything is allowed but opening files and executing programs, which
	// fail with EPERM. Calls from other arches (i386, x32) kill the process.
	f := seccomp.NewFilter(seccomp.ActAllow) // the native arch
	f.AddSyscalls(seccomp.Errno(1), "open", "openat", "openat2", "creat", "execve", "execveat")
	if err := f.Install(seccomp.InstallOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, "sandbox:", err)
		os.Exit(1)
	}

	buf := make([]byte, 16)
	n, err := hosts.Read(buf)
	fmt.Printf("read from the file opened before: %d bytes, err=%v\n", n, err)
	_, err = os.Open("/etc/passwd")
	fmt.Printf("open /etc/passwd: %v\n", err)
	cmd := exec.Command("/bin/true")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr // nothing to open
	err = cmd.Run()
	fmt.Printf("run /bin/true: %v\n", err)
}
