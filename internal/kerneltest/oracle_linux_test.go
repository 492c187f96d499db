package kerneltest_test

import (
	"errors"
	"runtime"
	"testing"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/internal/kerneltest"
)

// TestKernelHelper is the helper process of the tests below; in a normal
// run it does nothing.
func TestKernelHelper(t *testing.T) {
	kerneltest.Helper()
	t.Skip("helper process of the kernel tests; does nothing on its own")
}

// TestKernelRunAnyNr runs a program on the numbers of real system calls,
// exit_group among them, and checks that the kernel's answers are the
// emulator's and that none of the calls ran: the helper survives them, and
// getppid, which the program allows, is still answered by the program.
func TestKernelRunAnyNr(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the calls are x86_64 numbers")
	}
	var s seccomp.Source
	s.Add(bpf.LoadAbsolute{Off: seccomp.OffsetNr, Size: 4})
	s.JumpIf(bpf.JumpEqual, unix.SYS_GETPID, "errno", "")
	s.JumpIf(bpf.JumpEqual, unix.SYS_EXIT_GROUP, "trap", "")
	s.JumpIf(bpf.JumpEqual, unix.SYS_WRITE, "reta", "")
	s.JumpIf(bpf.JumpEqual, unix.SYS_KILL, "kill", "")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.ActAllow)})
	s.Label("errno")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.Errno(5))})
	s.Label("trap")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.Trap(7))})
	s.Label("kill")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.ActKillProcess)})
	s.Label("reta")
	s.Add(bpf.LoadAbsolute{Off: seccomp.OffsetArg(0), Size: 4})
	s.Add(bpf.RetA{})
	prog, err := s.Assemble()
	if err != nil {
		t.Fatal(err)
	}
	calls := []kerneltest.Call{
		{Nr: unix.SYS_GETPPID},
		{Nr: unix.SYS_GETPID},
		{Nr: unix.SYS_EXIT_GROUP, Args: [6]uint64{3}},
		{Nr: unix.SYS_EXIT, Args: [6]uint64{4}},
		{Nr: unix.SYS_WRITE, Args: [6]uint64{0x7ffc0123, 0, 0}},
		{Nr: unix.SYS_WRITE, Args: [6]uint64{0x00050009}},
		{Nr: unix.SYS_KILL, Args: [6]uint64{0, 9}},
		{Nr: unix.SYS_FUTEX},
		{Nr: -1},
		{Nr: 0x40000000 | unix.SYS_GETPID},
		{Nr: 5000},
	}
	r, err := kerneltest.NewRunner(1)
	if errors.Is(err, kerneltest.ErrUnsupported) {
		kernelskip.Skip(t, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	emu := seccomp.MustEmulator(prog)
	for round := range 2 {
		res, err := r.RunAnyNr([]kerneltest.Case{{Prog: prog, Calls: calls}})
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range calls {
			got := res[0][i]
			want := emu.Action(seccomp.Data{Nr: c.Nr, Arch: seccomp.AuditArchX86_64, InstructionPointer: r.IP, Args: c.Args})
			if got.Err != nil || seccomp.Action(got.Value) != want || got.Killed {
				t.Errorf("round %d, call %d (nr %d): kernel %+v, emulator %v", round, i, c.Nr, got, want)
			}
		}
	}
	if r.Restarts != 0 {
		t.Errorf("%d helpers restarted", r.Restarts)
	}
}
