package seccomp_test

import (
	"log"
	"os"
	"os/exec"
	"syscall"

	"github.com/seccomp-go/seccomp"
)

// Sandbox this program once it has started: from here on, none of its
// threads can run another program (execve and execveat are the only ways
// to, and calls from any other ABI, such as i386's int 0x80 on x86_64, kill
// the process). The calls fail with EPERM; everything else is allowed.
func ExampleInstall() {
	f := seccomp.NewFilter(seccomp.ActAllow) // the native arch
	f.AddSyscalls(seccomp.Errno(syscall.EPERM), "execve", "execveat")
	prog, err := f.Compile()
	if err != nil {
		log.Fatal(err)
	}
	if err := seccomp.Install(prog, seccomp.InstallOptions{}); err != nil {
		log.Fatal(err) // nothing was installed
	}
	if err := exec.Command("true").Run(); err != nil {
		log.Print(err) // fork/exec /usr/bin/true: operation not permitted
	}
}

// Replace this process with a command under a filter, as a launcher does:
// the filter goes on the thread that execs, right before execve, so it
// only needs what the command calls. Exec returns only on failure.
func ExampleExec() {
	f := seccomp.NewFilter(seccomp.Errno(syscall.EPERM))
	f.SetUnknownSyscallENOSYS(true) // calls newer than the filter: ENOSYS, as runc does
	f.AddSyscalls(seccomp.ActAllow, "execve", "brk", "mmap", "mprotect", "munmap", "openat", "close",
		"read", "write", "newfstatat", "fstat", "pread64", "arch_prctl", "set_tid_address",
		"set_robust_list", "rseq", "prlimit64", "getrandom", "access", "futex", "exit_group")
	prog, err := f.Compile()
	if err != nil {
		log.Fatal(err)
	}
	err = seccomp.Exec(prog, seccomp.InstallOptions{}, "/bin/echo", []string{"echo", "sandboxed"}, os.Environ())
	log.Fatal(err) // only on failure: nothing was installed, or execve failed
}
