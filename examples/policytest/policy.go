// Package policytest shows how to unit-test a seccomp policy without a
// kernel: the test (policy_test.go) asks the emulator what the compiled
// filter decides for the calls that matter. Its kernel variant
// (policy_kernel_test.go) asks the running kernel the same with package
// seccomptest, checks that the emulator agrees, and runs a function under
// the policy in a child process.
package policytest

import "github.com/seccomp-go/seccomp"

// Policy is a service's filter: a small allow list for x86_64 and
// aarch64, writes only to stdout and stderr, ENOSYS for calls newer than
// the tables, EPERM for everything else.
func Policy() *seccomp.Filter {
	f := seccomp.NewFilter(seccomp.Errno(1), seccomp.ArchX86_64, seccomp.ArchAArch64)
	f.SetUnknownSyscallENOSYS(true)
	f.AddSyscalls(seccomp.ActAllow,
		"read", "close", "exit", "exit_group", "futex", "mmap", "munmap", "madvise",
		"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "clone", "gettid",
		"tgkill", "nanosleep", "clock_gettime", "epoll_pwait", "sched_yield", "getpid")
	f.Add(seccomp.Rule{Syscall: "write", Action: seccomp.ActAllow,
		Conds: []seccomp.Cond{seccomp.Arg32(0).Ge(1), seccomp.Arg32(0).Le(2)}})
	return f
}
