package seccomp

import (
	"runtime"
	"testing"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/internal/kerneltest"
)

// TestKernelCompiledDocker compiles Docker's default profile, installs the
// program in a helper process (on a fresh thread; never in the test
// process), makes real system calls under it, and checks that the kernel
// does what Filter.Evaluate says: the calls it denies fail with its errno,
// the calls it allows run.
func TestKernelCompiledDocker(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("real calls below are x86_64 system calls")
	}
	f := dockerDefaultFilter(t)
	p, err := f.Compile()
	if err != nil {
		t.Fatal(err)
	}
	calls := []struct {
		name string
		call kerneltest.Call
	}{
		{"getppid", kerneltest.Call{Nr: unix.SYS_GETPPID}},
		{"personality(0xffffffff)", kerneltest.Call{Nr: unix.SYS_PERSONALITY, Args: [6]uint64{0xffffffff}}},
		{"personality(9)", kerneltest.Call{Nr: unix.SYS_PERSONALITY, Args: [6]uint64{9}}},
		// The persona flags the program tests with one jset (flagCube).
		{"personality(0x20008)", kerneltest.Call{Nr: unix.SYS_PERSONALITY, Args: [6]uint64{0x20008}}},
		{"personality(0x20009)", kerneltest.Call{Nr: unix.SYS_PERSONALITY, Args: [6]uint64{0x20009}}},
		{"personality(1<<32 | 0x20000)", kerneltest.Call{Nr: unix.SYS_PERSONALITY, Args: [6]uint64{1<<32 | 0x20000}}},
		{"personality(0)", kerneltest.Call{Nr: unix.SYS_PERSONALITY, Args: [6]uint64{0}}},
		{"personality(1<<32 | 0xffffffff)", kerneltest.Call{Nr: unix.SYS_PERSONALITY, Args: [6]uint64{1<<32 | 0xffffffff}}},
		{"socket(AF_VSOCK)", kerneltest.Call{Nr: unix.SYS_SOCKET, Args: [6]uint64{unix.AF_VSOCK, unix.SOCK_STREAM}}},
		{"socket(AF_UNIX)", kerneltest.Call{Nr: unix.SYS_SOCKET, Args: [6]uint64{unix.AF_UNIX, unix.SOCK_STREAM | unix.SOCK_CLOEXEC}}},
		{"mount", kerneltest.Call{Nr: unix.SYS_MOUNT}},
		{"kexec_load", kerneltest.Call{Nr: unix.SYS_KEXEC_LOAD}},
		{"unshare(CLONE_NEWUSER)", kerneltest.Call{Nr: unix.SYS_UNSHARE, Args: [6]uint64{unix.CLONE_NEWUSER}}},
		{"number 1000 (unknown)", kerneltest.Call{Nr: 1000}},
	}
	job := kerneltest.Job{Prog: []bpf.RawInstruction(p), RealCalls: true}
	for _, c := range calls {
		job.Calls = append(job.Calls, c.call)
	}
	child, err := kerneltest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer child.Close()
	res, err := child.Run([]kerneltest.Job{job}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if e := res[0].InstallErrno; e != 0 {
		if e == unix.ENOSYS || e == unix.EACCES || e == unix.EPERM {
			kernelskip.Skipf(t, "cannot install filters here: %v", e)
		}
		t.Fatalf("the kernel refused the compiled program: %v", e)
	}
	denied := 0
	for i, c := range calls {
		out := res[0].Outcomes[i]
		want := f.Evaluate(Data{Nr: c.call.Nr, Arch: AuditArchX86_64, Args: c.call.Args})
		switch want.Kind() {
		case ActErrno:
			denied++
			if out.Killed || out.Errno != want.Data() {
				t.Errorf("%s: the filter says %v, the kernel gave %v", c.name, want, out)
			}
		case ActAllow:
			if out.Killed || out.Errno == uint16(unix.EPERM) {
				t.Errorf("%s: the filter says ALLOW, the kernel gave %v", c.name, out)
			}
		default:
			t.Fatalf("%s: unexpected action %v in Docker's default profile", c.name, want)
		}
		t.Logf("%-32s %-10v kernel: %v", c.name, want, out)
	}
	if denied < 5 {
		t.Fatalf("only %d denied calls: the test lost its teeth", denied)
	}
}
