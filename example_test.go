package seccomp_test

import (
	"errors"
	"fmt"

	"github.com/seccomp-go/seccomp"
	"golang.org/x/net/bpf"
)

// A filter written with labels: allow write(2) to stdout and stderr only,
// deny other writes with EPERM, and kill calls from any other arch.
func ExampleSource_Assemble() {
	var s seccomp.Source
	s.Add(bpf.LoadAbsolute{Off: seccomp.OffsetArch, Size: 4})
	s.JumpIf(bpf.JumpNotEqual, uint32(seccomp.AuditArchX86_64), "kill", "")
	s.Add(bpf.LoadAbsolute{Off: seccomp.OffsetNr, Size: 4})
	s.JumpIf(bpf.JumpNotEqual, 1, "allow", "") // write
	low, high := seccomp.OffsetArgHalves(0, seccomp.ArchX86_64.ByteOrder())
	s.Add(bpf.LoadAbsolute{Off: high, Size: 4})
	s.JumpIf(bpf.JumpNotEqual, 0, "eperm", "")
	s.Add(bpf.LoadAbsolute{Off: low, Size: 4})
	s.JumpIf(bpf.JumpEqual, 1, "allow", "")
	s.JumpIf(bpf.JumpEqual, 2, "allow", "eperm")
	s.Label("allow")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.ActAllow)})
	s.Label("eperm")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.Errno(1))})
	s.Label("kill")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.ActKillProcess)})
	prog, err := s.Assemble()
	if err != nil {
		panic(err)
	}
	emu, err := seccomp.NewEmulator(prog) // verifies the program
	if err != nil {
		panic(err)
	}
	write := func(fd uint64) seccomp.Data {
		return seccomp.Data{Nr: 1, Arch: seccomp.AuditArchX86_64, Args: [6]uint64{fd}}
	}
	fmt.Println(len(prog), "instructions")
	fmt.Println("write(1):", emu.Action(write(1)))
	fmt.Println("write(3):", emu.Action(write(3)))
	fmt.Println("write(1<<32 | 1):", emu.Action(write(1<<32|1)))
	fmt.Println("read:", emu.Action(seccomp.Data{Nr: 0, Arch: seccomp.AuditArchX86_64}))
	fmt.Println("i386 write:", emu.Action(seccomp.Data{Nr: 4, Arch: seccomp.AuditArchI386}))
	// Output:
	// 12 instructions
	// write(1): ALLOW
	// write(3): ERRNO(1)
	// write(1<<32 | 1): ERRNO(1)
	// read: ALLOW
	// i386 write: KILL_PROCESS
}

// Verify says which instruction breaks which of the kernel's rules.
func ExampleVerify() {
	prog := seccomp.Program{
		{Op: 0x20, K: 64}, // ld [64]: past the end of seccomp_data
		{Op: 0x06, K: uint32(seccomp.ActAllow)},
	}
	err := seccomp.Verify(prog)
	var ve *seccomp.VerifyError
	if errors.As(err, &ve) {
		fmt.Println("instruction", ve.Index, "breaks:", ve.Rule)
	}
	// Output:
	// instruction 0 breaks: load must be a 4-byte aligned offset inside seccomp_data (0..60)
}

// Stacked filters combine as in the kernel: the most restrictive action
// wins whatever the order the filters were installed in.
func ExampleStack_Run() {
	allowAll := seccomp.MustEmulator(seccomp.Program{{Op: 0x06, K: uint32(seccomp.ActAllow)}})
	enosys := seccomp.MustEmulator(seccomp.Program{{Op: 0x06, K: uint32(seccomp.Errno(38))}})
	res := seccomp.Stack{enosys, allowAll}.Run(seccomp.Data{Nr: 0, Arch: seccomp.AuditArchX86_64})
	fmt.Println(res.Action, "from filter", res.Filter)
	// Output:
	// ERRNO(38) from filter 0
}

// The stacking limit: will a filter still fit on top of the filters a
// thread already has? The kernel counts its translation of each program,
// which KernelLen models.
func ExampleCheckStackLimit() {
	prog, err := seccomp.NewFilter(seccomp.ActAllow, seccomp.ArchX86_64).AddSyscalls(seccomp.Errno(1), "ptrace").Compile()
	if err != nil {
		panic(err)
	}
	attached := []seccomp.Program{prog, prog, prog}
	fmt.Println(len(prog), "instructions, the kernel counts", seccomp.KernelLen(prog))
	fmt.Println("total with three attached:", seccomp.StackTotal(attached, prog))
	fmt.Println(seccomp.CheckStackLimit(attached, prog))
	// Output:
	// 9 instructions, the kernel counts 18
	// total with three attached: 84
	// <nil>
}

// A filter written as rules, checked in a unit test without a kernel.
func ExampleFilter_Compile() {
	f := seccomp.NewFilter(seccomp.Errno(1), seccomp.ArchX86_64, seccomp.ArchI386) // default: EPERM
	f.AddSyscalls(seccomp.ActAllow, "read", "close", "exit_group")
	f.Add(seccomp.Rule{Syscall: "write", Action: seccomp.ActAllow,
		Conds: []seccomp.Cond{seccomp.Arg32(0).Le(2)}}) // stdin, stdout, stderr only
	prog, err := f.Compile()
	if err != nil {
		panic(err)
	}
	emu := seccomp.MustEmulator(prog)
	write := func(fd uint64) seccomp.Data {
		return seccomp.Data{Nr: 1, Arch: seccomp.AuditArchX86_64, Args: [6]uint64{fd}}
	}
	fmt.Println("write(2):", emu.Action(write(2)))
	fmt.Println("write(5):", emu.Action(write(5)))
	fmt.Println("write(1<<32 | 2):", emu.Action(write(1<<32|2)), "(an int argument: the high half is ignored)")
	fmt.Println("i386 write(1):", emu.Action(seccomp.Data{Nr: 4, Arch: seccomp.AuditArchI386, Args: [6]uint64{1}}))
	fmt.Println("x32 write(1):", emu.Action(seccomp.Data{Nr: seccomp.X32SyscallBit | 1, Arch: seccomp.AuditArchX86_64, Args: [6]uint64{1}}))
	fmt.Println("Evaluate agrees:", f.Evaluate(write(5)) == emu.Action(write(5)))
	// Output:
	// write(2): ALLOW
	// write(5): ERRNO(1)
	// write(1<<32 | 2): ALLOW (an int argument: the high half is ignored)
	// i386 write(1): ALLOW
	// x32 write(1): KILL_PROCESS
	// Evaluate agrees: true
}

// Every problem in a filter is reported at once, naming the rule and the
// system call.
func ExampleFilter_Validate() {
	f := seccomp.NewFilter(seccomp.ActAllow, seccomp.ArchX86_64)
	f.Add(
		seccomp.Rule{Syscall: "opne", Action: seccomp.Errno(1)},
		seccomp.Rule{Syscall: "ioctl", Action: seccomp.Errno(1), Conds: []seccomp.Cond{seccomp.Arg(1).Lt(3), seccomp.Arg(1).Gt(7)}},
		seccomp.Rule{Syscall: "kill", Action: seccomp.Errno(5000)},
	)
	fmt.Println(f.Validate())
	// Output:
	// seccomp filter: rule 0 (opne): unknown system call on any arch the filter covers
	// seccomp filter: rule 1 (ioctl) on x86_64: no call can match: the conditions on arg1 contradict each other (arg1 < 0x3 && arg1 > 0x7)
	// seccomp filter: rule 2 (kill): errno 5000 is above 4095, the largest the kernel returns
}

// Naming the calls a program makes most often shortens their paths
// through the filter, and no other call's path grows past the longest
// one. Decisions do not change.
func ExampleFilter_SetHotSyscalls() {
	f := seccomp.NewFilter(seccomp.Errno(1), seccomp.ArchX86_64)
	f.AddSyscalls(seccomp.ActAllow, "read", "write", "close", "fstat", "mmap", "mprotect",
		"munmap", "brk", "rt_sigaction", "rt_sigprocmask", "ioctl", "pread64", "writev",
		"getpid", "socket", "connect", "accept4", "sendto", "recvfrom", "clone", "execve",
		"exit", "wait4", "kill", "uname", "fcntl", "getcwd", "chdir", "getuid", "getgid",
		"gettid", "futex", "epoll_wait", "epoll_ctl", "openat", "newfstatat", "exit_group",
		"epoll_pwait", "getrandom", "clock_gettime", "clock_nanosleep")
	paths := func() (getcwd, longest int) {
		p, err := f.Compile()
		if err != nil {
			panic(err)
		}
		e := seccomp.MustEmulator(p)
		for nr := int32(0); nr <= seccomp.ArchX86_64.MaxSyscall(); nr++ {
			longest = max(longest, e.Run(seccomp.Data{Nr: nr, Arch: seccomp.AuditArchX86_64}).Executed)
		}
		nr, _ := seccomp.ArchX86_64.Syscall("getcwd")
		return e.Run(seccomp.Data{Nr: nr, Arch: seccomp.AuditArchX86_64}).Executed, longest
	}
	getcwd, longest := paths()
	fmt.Printf("default hot calls: getcwd takes %d instructions, the longest path %d\n", getcwd, longest)
	f.SetHotSyscalls(map[string]float64{"getcwd": 1})
	getcwd, longest = paths()
	fmt.Printf("getcwd hot:        getcwd takes %d instructions, the longest path %d\n", getcwd, longest)
	// Output:
	// default hot calls: getcwd takes 10 instructions, the longest path 10
	// getcwd hot:        getcwd takes 7 instructions, the longest path 10
}
