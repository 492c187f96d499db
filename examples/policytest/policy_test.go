package policytest

import (
	"testing"

	"github.com/seccomp-go/seccomp"
)

func TestPolicy(t *testing.T) {
	prog, err := Policy().Compile()
	if err != nil {
		t.Fatal(err)
	}
	emu := seccomp.MustEmulator(prog)
	// call builds the input for a named system call on an arch.
	call := func(arch *seccomp.Arch, name string, args ...uint64) seccomp.Data {
		nr, ok := arch.Syscall(name)
		if !ok {
			t.Fatalf("%s has no %s", arch, name)
		}
		d := seccomp.Data{Nr: nr, Arch: arch.AuditArch}
		copy(d.Args[:], args)
		return d
	}
	for _, tc := range []struct {
		d    seccomp.Data
		want seccomp.Action
	}{
		{call(seccomp.ArchX86_64, "write", 1), seccomp.ActAllow},
		{call(seccomp.ArchAArch64, "write", 2), seccomp.ActAllow},
		{call(seccomp.ArchX86_64, "write", 3), seccomp.Errno(1)},
		{call(seccomp.ArchX86_64, "openat"), seccomp.Errno(1)},
		{call(seccomp.ArchAArch64, "execve"), seccomp.Errno(1)},
		{seccomp.Data{Nr: 1000, Arch: seccomp.AuditArchX86_64}, seccomp.Errno(seccomp.ENOSYS)},
		{call(seccomp.ArchI386, "write", 1), seccomp.ActKillProcess}, // not an arch of the policy
		{call(seccomp.ArchX32, "write", 1), seccomp.ActKillProcess},
	} {
		if got := emu.Action(tc.d); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.d, got, tc.want)
		}
	}
}
