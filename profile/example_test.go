package profile_test

import (
	"fmt"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

// Compile Docker's default profile for amd64 and look at some decisions.
func Example() {
	r, err := profile.Default().Build(profile.Options{
		Arch:   seccomp.ArchX86_64,
		Kernel: &profile.KernelVersion{Kernel: 6, Major: 1},
	})
	if err != nil {
		panic(err)
	}
	prog, err := r.Compile()
	if err != nil {
		panic(err)
	}
	fmt.Println("covers:", r.Filter.Arches())
	fmt.Println("instructions:", len(prog) > 0)
	mount, _ := seccomp.ArchX86_64.Syscall("mount")
	fmt.Println("mount:", r.Evaluate(seccomp.Data{Nr: mount, Arch: seccomp.AuditArchX86_64}))
	for _, w := range r.Warnings {
		if w.Kind == profile.WarnUnknownSyscall {
			fmt.Println(w)
		}
	}
	// Output:
	// covers: [x86_64 i386 x32]
	// instructions: true
	// mount: ERRNO(1)
	// profile: warning: syscalls[0].names[233]: unknown system call "riscv_hwprobe" on x86_64, i386, x32: skipped
}

// Compile a custom OCI profile, with runc's ENOSYS stub.
func ExampleLoad() {
	r, err := profile.Load([]byte(`{
		"defaultAction": "SCMP_ACT_ERRNO",
		"architectures": ["SCMP_ARCH_AARCH64", "SCMP_ARCH_RISCV32"],
		"syscalls": [
			{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
			{"names": ["personality"], "action": "SCMP_ACT_ALLOW",
			 "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}
		]}`), profile.Options{Arch: seccomp.ArchAArch64, ENOSYSAboveHighest: true})
	if err != nil {
		panic(err)
	}
	for _, w := range r.Warnings {
		fmt.Println(w)
	}
	nr := func(name string) int32 { n, _ := seccomp.ArchAArch64.Syscall(name); return n }
	call := func(nr int32, args ...uint64) seccomp.Data {
		d := seccomp.Data{Nr: nr, Arch: seccomp.AuditArchAArch64}
		copy(d.Args[:], args)
		return d
	}
	fmt.Println(r.Evaluate(call(nr("personality"), 8)), r.Evaluate(call(nr("personality"), 0)), r.Evaluate(call(1000)))
	// Output:
	// profile: warning: architectures[1]: SCMP_ARCH_RISCV32 skipped: there is no syscall table for it here, so the filter does not cover it (its calls get the bad-arch action)
	// ALLOW ERRNO(1) ERRNO(38)
}
