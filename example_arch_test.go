package seccomp_test

import (
	"fmt"

	"github.com/seccomp-go/seccomp"
)

// A filter for s390x programs, and the ABIs an s390x kernel also runs: the
// program checks each arch, and lays out seccomp_data big-endian as the
// kernel does there.
func ExampleArch_Siblings() {
	a, err := seccomp.LookupArch("s390x") // or SCMP_ARCH_S390X
	if err != nil {
		panic(err)
	}
	arches := append([]*seccomp.Arch{a}, a.Siblings()...)
	f := seccomp.NewFilter(seccomp.Errno(1), arches...).AddSyscalls(seccomp.ActAllow, "read", "exit_group")
	prog, err := f.Compile()
	if err != nil {
		panic(err)
	}
	read, _ := a.Syscall("read")
	fmt.Println(arches, a.ByteOrder(), a.SCMPArch())
	fmt.Println(seccomp.MustEmulator(prog).Action(seccomp.Data{Nr: read, Arch: seccomp.AuditArchS390X}))
	// Output:
	// [s390x s390] BigEndian SCMP_ARCH_S390X
	// ALLOW
}

// clone3 answered "no such call" so that the C library falls back to
// clone, whose flags a filter can check: in the arch's own errno numbers,
// which differ on mips.
func ExampleArch_ENOSYS() {
	for _, a := range []*seccomp.Arch{seccomp.ArchX86_64, seccomp.ArchMIPS64} {
		f := seccomp.NewFilter(seccomp.ActAllow, a).
			Add(seccomp.Rule{Syscall: "clone3", Action: a.ENOSYS()})
		prog, err := f.Compile()
		if err != nil {
			panic(err)
		}
		nr, _ := a.Syscall("clone3")
		fmt.Println(a, seccomp.MustEmulator(prog).Action(seccomp.Data{Nr: nr, Arch: a.AuditArch}))
	}
	// Output:
	// x86_64 ERRNO(38)
	// mips64 ERRNO(89)
}

// ENOSYS for the calls a 5.10 kernel does not have, so that a program
// falls back from them as it would on that kernel, though the default
// action denies with EPERM.
func ExampleFilter_SetENOSYSAfter() {
	f := seccomp.NewFilter(seccomp.Errno(1), seccomp.ArchX86_64).
		SetENOSYSAfter(seccomp.Release{Major: 5, Minor: 10}).
		AddSyscalls(seccomp.ActAllow, "read", "clone3")
	call := func(name string) seccomp.Data {
		nr, _ := seccomp.ArchX86_64.Syscall(name)
		return seccomp.Data{Nr: nr, Arch: seccomp.AuditArchX86_64}
	}
	since, _ := seccomp.ArchX86_64.SyscallSince("epoll_pwait2")
	fmt.Println("epoll_pwait2 since", since)
	for _, name := range []string{"clone3", "close_range", "epoll_pwait2"} {
		fmt.Println(name, f.Evaluate(call(name)))
	}
	// Output:
	// epoll_pwait2 since 5.11
	// clone3 ALLOW
	// close_range ERRNO(1)
	// epoll_pwait2 ERRNO(38)
}

// On i386, socket calls can be made through socketcall(2). With
// multiplexing, a rule on connect decides socketcall(SYS_CONNECT, ...) too;
// socket, allowed only for some families, is not allowed through
// socketcall, where the family cannot be seen.
func ExampleFilter_SetMultiplexing() {
	f := seccomp.NewFilter(seccomp.Errno(1), seccomp.ArchI386).SetMultiplexing(true).
		AddSyscalls(seccomp.ActAllow, "connect").
		Add(seccomp.Rule{Syscall: "socket", Action: seccomp.ActAllow, Conds: []seccomp.Cond{seccomp.Arg32(0).Ne(40)}})
	socketcall, sysConnect, _ := seccomp.ArchI386.MultiplexedBy("connect")
	_, sysSocket, _ := seccomp.ArchI386.MultiplexedBy("socket")
	call := func(sub int32) seccomp.Data {
		return seccomp.Data{Nr: socketcall, Arch: seccomp.AuditArchI386, Args: [6]uint64{uint64(sub)}}
	}
	fmt.Println(socketcall, f.Evaluate(call(sysConnect)), f.Evaluate(call(sysSocket)))
	// Output:
	// 102 ALLOW ERRNO(1)
}

// Two overlapping rules on read's count. By default the stricter action
// wins (ERRNO(5) ranks before ERRNO(10)); in libseccomp's resolution the
// rule with the larger bound on arg2 is tried first, as runc and the
// libseccomp drop-in would have it.
func ExampleFilter_SetResolution() {
	read, _ := seccomp.ArchX86_64.Syscall("read")
	call := seccomp.Data{Nr: read, Arch: seccomp.AuditArchX86_64, Args: [6]uint64{4, 0x1000, 8000}}
	for _, r := range []seccomp.Resolution{seccomp.ResolveStricter, seccomp.ResolveLibseccomp} {
		f := seccomp.NewFilter(seccomp.ActAllow, seccomp.ArchX86_64).SetResolution(r).Add(
			seccomp.Rule{Syscall: "read", Action: seccomp.Errno(5), Conds: []seccomp.Cond{seccomp.Arg(2).Gt(128)}},
			seccomp.Rule{Syscall: "read", Action: seccomp.Errno(10), Conds: []seccomp.Cond{seccomp.Arg(2).Gt(4096)}},
		)
		prog, err := f.Compile()
		if err != nil {
			panic(err)
		}
		fmt.Println(r, f.Evaluate(call), seccomp.MustEmulator(prog).Action(call))
	}
	// Output:
	// stricter ERRNO(5) ERRNO(5)
	// libseccomp ERRNO(10) ERRNO(10)
}
