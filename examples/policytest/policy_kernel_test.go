package policytest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/seccomptest"
)

// The kernel variant of TestPolicy: the same questions asked of the running
// kernel, and the policy tried on real code. Nothing is installed in the
// test process: seccomptest runs the test binary again for that, which is
// why TestMain hands it to seccomptest.Main.

func TestMain(m *testing.M) {
	// Where the kernel cannot run filters, the kit's helpers skip a test;
	// a CI job that must test on a kernel makes them fail instead (this
	// project's CI sets SECCOMP_TEST_REQUIRE_KERNEL=1).
	seccomptest.RequireKernel = os.Getenv("SECCOMP_TEST_REQUIRE_KERNEL") == "1"
	seccomptest.Main(m)
}

// TestPolicyKernel asks the kernel what the compiled policy decides for the
// calls of TestPolicy that this machine can make (its own arch; on x86_64
// x32 calls too). None of them runs.
func TestPolicyKernel(t *testing.T) {
	native, err := seccomp.NativeArch()
	if err != nil {
		t.Skip(err)
	}
	prog, err := Policy().Compile()
	if err != nil {
		t.Fatal(err)
	}
	call := func(arch *seccomp.Arch, name string, args ...uint64) seccomp.Data {
		nr, ok := arch.Syscall(name)
		if !ok {
			t.Fatalf("%s has no %s", arch, name)
		}
		d := seccomp.Data{Nr: nr, Arch: arch.AuditArch}
		copy(d.Args[:], args)
		return d
	}
	cases := []seccomptest.Case{
		{Data: call(native, "write", 1), Want: seccomp.ActAllow},
		{Data: call(native, "write", 2), Want: seccomp.ActAllow},
		{Data: call(native, "write", 3), Want: seccomp.Errno(1)},
		{Data: call(native, "write", 1<<32|1), Want: seccomp.ActAllow}, // Arg32: the high half is ignored
		{Data: call(native, "openat"), Want: seccomp.Errno(1)},
		{Data: call(native, "execve"), Want: seccomp.Errno(1)},
		{Data: call(native, "exit_group"), Want: seccomp.ActAllow}, // decided, not run
		{Data: seccomp.Data{Nr: 1000, Arch: native.AuditArch}, Want: seccomp.Errno(seccomp.ENOSYS)},
	}
	if native == seccomp.ArchX86_64 {
		// An x32 call: the x86_64 token and a number with the x32 bit.
		cases = append(cases, seccomptest.Case{Data: call(seccomp.ArchX32, "write", 1), Want: seccomp.ActKillProcess})
	}
	seccomptest.AssertDecides(t, prog, cases...)

	// And the emulator, which TestPolicy trusts, agrees with the kernel on
	// every call of the table.
	var all []seccomp.Data
	for _, name := range native.Syscalls() {
		if d := call(native, name, 1); native != seccomp.ArchX86_64 || (d.Nr != 335 && d.Nr != 336) {
			all = append(all, d) // (not uretprobe and uprobe, which no filter sees)
		}
	}
	seccomptest.AssertEmulatorAgrees(t, prog, all...)
}

// service is what the filtered program does: it writes to stdout, and must
// be refused files and programs.
var service = seccomptest.Register("service", func() error {
	fmt.Println("service: up")
	if _, err := os.Open("/etc/hostname"); !errors.Is(err, syscall.EPERM) {
		return fmt.Errorf("open: %v, want EPERM", err)
	}
	if err := exec.Command("/bin/true").Run(); !errors.Is(err, syscall.EPERM) {
		return fmt.Errorf("exec: %v, want EPERM", err)
	}
	return nil
})

// TestPolicyRun runs the service under the policy, in a child process.
func TestPolicyRun(t *testing.T) {
	if _, err := seccomp.NativeArch(); err != nil {
		t.Skip(err)
	}
	if raceEnabled {
		// The race detector's runtime makes system calls of its own
		// (writev among them) that this policy refuses, and then aborts
		// the child. A policy tested under -race must allow what the
		// race runtime needs too.
		t.Skip("the policy refuses calls the race detector's runtime makes")
	}
	prog, err := Policy().Compile()
	if err != nil {
		t.Fatal(err)
	}
	r := seccomptest.MustRun(t, prog, service, nil)
	seccomptest.AssertSucceeded(t, r)
	if r.Output != "service: up\n" {
		t.Errorf("output %q", r.Output)
	}
}
