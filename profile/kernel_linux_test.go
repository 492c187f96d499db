package profile

import (
	"testing"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/internal/kerneltest"
)

// TestKernelHelper is the helper process of the kernel tests (see
// internal/kerneltest); in a normal run it does nothing.
func TestKernelHelper(t *testing.T) {
	kerneltest.Helper()
	t.Skip("helper process of the kernel tests; does nothing on its own")
}

// TestKernelDefaultProfile compiles Docker's default profile for the
// running arch (with and without the ENOSYS stub), installs it in a helper
// process (never in the test process), makes real system calls under it,
// and checks that the kernel does what Result.Evaluate says.
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
	calls := []struct {
		name string
		call kerneltest.Call
	}{
		{"getppid", kerneltest.Call{Nr: nr("getppid")}},
		{"personality(0xffffffff)", kerneltest.Call{Nr: nr("personality"), Args: [6]uint64{0xffffffff}}},
		{"personality(9)", kerneltest.Call{Nr: nr("personality"), Args: [6]uint64{9}}},
		{"socket(AF_VSOCK)", kerneltest.Call{Nr: nr("socket"), Args: [6]uint64{unix.AF_VSOCK, unix.SOCK_STREAM}}},
		{"socket(AF_UNIX)", kerneltest.Call{Nr: nr("socket"), Args: [6]uint64{unix.AF_UNIX, unix.SOCK_STREAM | unix.SOCK_CLOEXEC}}},
		{"mount", kerneltest.Call{Nr: nr("mount")}},
		{"kexec_load", kerneltest.Call{Nr: nr("kexec_load")}},
		{"unshare(CLONE_NEWUSER)", kerneltest.Call{Nr: nr("unshare"), Args: [6]uint64{unix.CLONE_NEWUSER}}},
		{"clone3", kerneltest.Call{Nr: nr("clone3")}},
		{"number 1000 (unknown)", kerneltest.Call{Nr: 1000}},
	}
	var jobs []kerneltest.Job
	var results []*Result
	for _, enosys := range []bool{false, true} {
		r, err := Default().Build(Options{Arch: native, ENOSYSAboveHighest: enosys})
		if err != nil {
			t.Fatal(err)
		}
		p, err := r.Compile()
		if err != nil {
			t.Fatal(err)
		}
		job := kerneltest.Job{Prog: []bpf.RawInstruction(p), RealCalls: true}
		for _, c := range calls {
			job.Calls = append(job.Calls, c.call)
		}
		jobs = append(jobs, job)
		results = append(results, r)
	}
	child, err := kerneltest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer child.Close()
	res, err := child.Run(jobs, 1)
	if err != nil {
		t.Fatal(err)
	}
	for j, jr := range res {
		if e := jr.InstallErrno; e != 0 {
			if e == unix.ENOSYS || e == unix.EACCES || e == unix.EPERM {
				kernelskip.Skipf(t, "cannot install filters here: %v", e)
			}
			t.Fatalf("the kernel refused the compiled program: %v", e)
		}
		denied := 0
		for i, c := range calls {
			out := jr.Outcomes[i]
			want := results[j].Evaluate(seccomp.Data{Nr: c.call.Nr, Arch: native.AuditArch, Args: c.call.Args})
			switch want.Kind() {
			case seccomp.ActErrno:
				denied++
				if out.Killed || out.Errno != want.Data() {
					t.Errorf("stub %v, %s: the profile says %v, the kernel gave %v", j == 1, c.name, want, out)
				}
			case seccomp.ActAllow:
				if out.Killed || out.Errno == uint16(unix.EPERM) {
					t.Errorf("stub %v, %s: the profile says ALLOW, the kernel gave %v", j == 1, c.name, out)
				}
			default:
				t.Fatalf("%s: unexpected action %v in Docker's default profile", c.name, want)
			}
			t.Logf("stub %-5v %-26s %-10v kernel: %v", j == 1, c.name, want, out)
		}
		if denied < 6 {
			t.Fatalf("only %d denied calls: the test lost its teeth", denied)
		}
	}
}
