package seccomp_test

import (
	"context"
	"log"
	"os"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/notify"
)

// A program that runs commands under filters (Command, CommandListener)
// lets itself be their helper, first thing in main: in a child started by
// Command, RunCommandHelper installs the filter and execs the command, and
// never returns; anywhere else it returns at once.
func ExampleRunCommandHelper() {
	// func main() {
	seccomp.RunCommandHelper()
	// ... the program as usual
	// }
}

// Run a program under a filter of exactly what it needs: the filter goes
// on the thread that execs it, right before execve, so it needs nothing of
// this program's own calls. Here, uname(2) fails with EPERM and anything
// not listed kills the command.
func ExampleCommand() {
	f := seccomp.NewFilter(seccomp.ActKillProcess) // the native arch
	f.AddSyscalls(seccomp.ActAllow, "execve", "brk", "mmap", "mprotect", "munmap", "openat", "close",
		"read", "write", "newfstatat", "fstat", "pread64", "arch_prctl", "set_tid_address",
		"set_robust_list", "rseq", "prlimit64", "getrandom", "access", "exit_group")
	f.AddSyscalls(seccomp.Errno(1), "uname")
	prog, err := f.Compile()
	if err != nil {
		log.Fatal(err)
	}
	cmd, err := seccomp.Command(prog, seccomp.InstallOptions{}, "uname", "-a")
	if err != nil {
		log.Fatal(err) // ErrNoCommandHelper if main does not call RunCommandHelper
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Print(err) // exit status 1: "uname: cannot get system name: Operation not permitted"
	}
}

// Supervise a command: every call it makes goes to this process, which
// lets it run (a recorder); the first is the execve of the command.
func ExampleCommandListener() {
	prog, err := seccomp.NewFilter(seccomp.ActUserNotif).Compile()
	if err != nil {
		log.Fatal(err)
	}
	cmd, receive, err := seccomp.CommandListener(prog, seccomp.InstallOptions{}, "ls", "/")
	if err != nil {
		log.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	f, err := receive()
	if err != nil {
		log.Fatal(err) // the helper's reason is on the command's standard error
	}
	l, err := notify.NewListener(f)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	go l.Serve(context.Background(), notify.HandlerFunc(func(ctx context.Context, r *notify.Request) notify.Response {
		log.Print(r.SyscallName())
		return notify.Continue()
	}))
	if err := cmd.Wait(); err != nil {
		log.Print(err)
	}
}
