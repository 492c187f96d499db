package profile

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/seccomptest"
)

// TestMain lets seccomptest run its child processes from this test binary;
// where the run requires the kernel, its helpers fail instead of skipping.
func TestMain(m *testing.M) {
	seccomptest.RequireKernel = kernelskip.Required()
	seccomptest.Main(m)
}

// TestKernelDefaultProfile compiles Docker's default profile for the
// running arch (with and without the ENOSYS stub) and asks the kernel (see
// seccomptest.Decide: the program is loaded in a child process, and none of
// the calls runs) what it decides for every system call of the native
// table and for the argument values its rules test: exactly what
// Result.Evaluate says.
func TestKernelDefaultProfile(t *testing.T) {
	native, err := seccomp.NativeArch()
	if err != nil || (native != seccomp.ArchX86_64 && native != seccomp.ArchAArch64) {
		t.Skip("Docker's default profile is checked on amd64 and arm64")
	}
	nr := func(name string) int32 {
		n, ok := native.Syscall(name)
		if !ok {
			t.Fatalf("no %s on %s", name, native.Name)
		}
		return n
	}
	call := func(name string, args ...uint64) seccomp.Data {
		d := seccomp.Data{Nr: nr(name), Arch: native.AuditArch}
		copy(d.Args[:], args)
		return d
	}
	inputs := []seccomp.Data{
		call("personality", 0xffffffff),
		call("personality", 9),
		call("personality", 0x20008),
		call("socket", unix.AF_VSOCK, unix.SOCK_STREAM),
		call("socket", unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC),
		call("unshare", unix.CLONE_NEWUSER),
		call("clone", unix.CLONE_NEWNS),
		{Nr: 1000, Arch: native.AuditArch},
		{Nr: -1, Arch: native.AuditArch},
	}
	for _, name := range native.Syscalls() {
		if d := call(name); native != seccomp.ArchX86_64 || (d.Nr != 335 && d.Nr != 336) {
			inputs = append(inputs, d) // (not uretprobe and uprobe, which no filter sees)
		}
	}
	for _, enosys := range []bool{false, true} {
		r, err := Default().Build(Options{Arch: native, ENOSYSAboveHighest: enosys})
		if err != nil {
			t.Fatal(err)
		}
		p, err := r.Compile()
		if err != nil {
			t.Fatal(err)
		}
		var cases []seccomptest.Case
		denied := 0
		for _, d := range inputs {
			want := r.Evaluate(d)
			if want.Kind() == seccomp.ActErrno {
				denied++
			}
			cases = append(cases, seccomptest.Case{Data: d, Want: want})
		}
		if !seccomptest.AssertDecides(t, p, cases...) {
			t.Logf("with the ENOSYS stub: %v", enosys)
		}
		if denied < 50 {
			t.Fatalf("only %d denied calls: the test lost its teeth", denied)
		}
	}
}
