package seccomptest_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/profile"
	"github.com/seccomp-go/seccomp/seccomptest"
)

// TestMain runs the children of Decide and Run; where the run requires the
// kernel, the helpers fail instead of skipping.
func TestMain(m *testing.M) {
	seccomptest.RequireKernel = kernelskip.Required()
	seccomptest.Main(m)
}

func native(t *testing.T) *seccomp.Arch {
	t.Helper()
	a, err := seccomp.NativeArch()
	if err != nil || (a != seccomp.ArchX86_64 && a != seccomp.ArchAArch64) {
		t.Skip("no native arch with a syscall table")
	}
	return a
}

func nr(t *testing.T, a *seccomp.Arch, name string) int32 {
	t.Helper()
	n, ok := a.Syscall(name)
	if !ok {
		t.Fatalf("no %s on %s", name, a.Name)
	}
	return n
}

// program assembles a program for the native arch that returns, for each
// named call, its action, and ALLOW for the others (arches other than the
// native one: KILL_PROCESS).
func program(t *testing.T, a *seccomp.Arch, actions map[string]seccomp.Action) seccomp.Program {
	t.Helper()
	f := seccomp.NewFilter(seccomp.ActAllow, a)
	for name, act := range actions {
		f.Add(seccomp.Rule{Syscall: name, Action: act})
	}
	p, err := f.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDecide asks the kernel about calls that would end the child if they
// ran (exit_group, exit, kill of the child's process group), which the
// program allows, and about calls it denies in every way. The answers
// must be the emulator's, and the calls must not have run: the child
// survives them all and answers every input.
func TestDecide(t *testing.T) {
	a := native(t)
	var s seccomp.Source
	s.Add(bpf.LoadAbsolute{Off: seccomp.OffsetArch, Size: 4})
	s.JumpIf(bpf.JumpEqual, uint32(a.AuditArch), "", "kill")
	s.Add(bpf.LoadAbsolute{Off: seccomp.OffsetNr, Size: 4})
	s.JumpIf(bpf.JumpEqual, uint32(nr(t, a, "getpid")), "errno", "")
	s.JumpIf(bpf.JumpEqual, uint32(nr(t, a, "gettid")), "trap", "")
	s.JumpIf(bpf.JumpEqual, uint32(nr(t, a, "getppid")), "kill", "")
	s.JumpIf(bpf.JumpEqual, uint32(nr(t, a, "getuid")), "killthread", "")
	s.JumpIf(bpf.JumpEqual, uint32(nr(t, a, "write")), "reta", "")
	s.JumpIf(bpf.JumpEqual, uint32(nr(t, a, "read")), "div", "")
	s.JumpIf(bpf.JumpEqual, uint32(nr(t, a, "getgid")), "log", "")
	s.JumpIf(bpf.JumpEqual, uint32(nr(t, a, "getegid")), "notify", "")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.ActAllow)})
	s.Label("errno")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.Errno(1))})
	s.Label("trap")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.Trap(3))})
	s.Label("kill")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.ActKillProcess)})
	s.Label("killthread")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.ActKillThread)})
	s.Label("log")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.ActLog)})
	s.Label("notify")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.ActUserNotif)})
	s.Label("reta") // the action is the first argument
	arg0, _ := seccomp.OffsetArgHalves(0, binary.NativeEndian)
	s.Add(bpf.LoadAbsolute{Off: arg0, Size: 4})
	s.Add(bpf.RetA{})
	s.Label("div") // ERRNO(1000 / arg0): a division by zero kills the thread
	s.Add(bpf.LoadAbsolute{Off: arg0, Size: 4})
	s.Add(bpf.TAX{})
	s.Add(bpf.LoadConstant{Dst: bpf.RegA, Val: 1000})
	s.Add(bpf.ALUOpX{Op: bpf.ALUOpDiv})
	s.Add(bpf.ALUOpConstant{Op: bpf.ALUOpOr, Val: uint32(seccomp.Errno(0))})
	s.Add(bpf.RetA{})
	p, err := s.Assemble()
	if err != nil {
		t.Fatal(err)
	}
	d := func(name string, args ...uint64) seccomp.Data {
		x := seccomp.Data{Nr: nr(t, a, name), Arch: a.AuditArch}
		copy(x.Args[:], args)
		return x
	}
	inputs := []seccomp.Data{
		d("exit_group", 3), d("exit", 4), d("kill", 0, uint64(syscall.SIGKILL)), d("getpid"), d("gettid"),
		d("getppid"), d("getuid"), d("getgid"), d("getegid"),
		d("write", uint64(seccomp.ActAllow)), d("write", uint64(seccomp.Errno(77))), d("write", 0x12345678),
		d("write", uint64(seccomp.ActKillProcess)), d("read", 7), d("read", 0), d("read", 1000),
		d("execve"), d("futex"), {Nr: -1, Arch: a.AuditArch}, {Nr: 5000, Arch: a.AuditArch},
	}
	if a == seccomp.ArchX86_64 {
		inputs = append(inputs, seccomp.Data{Nr: 0x40000000 | nr(t, a, "getpid"), Arch: a.AuditArch})
	}
	got := seccomptest.MustDecide(t, p, inputs...)
	emu := seccomp.MustEmulator(p)
	kinds := map[seccomp.Action]bool{}
	for i, in := range inputs {
		want := emu.Action(in)
		if got[i] != want {
			t.Errorf("input %d (nr %d, arg0 %#x): kernel %v, emulator %v", i, in.Nr, in.Args[0], got[i], want)
		}
		kinds[want.Kind()] = true
	}
	if len(kinds) < 8 {
		t.Errorf("only %d kinds of action: the test lost its teeth", len(kinds))
	}
}

// TestDecideDocker checks Docker's default profile, compiled for this
// machine, on every system call number of the native table and on the
// argument values its rules test.
func TestDecideDocker(t *testing.T) {
	a := native(t)
	r, err := profile.Load(profile.DefaultJSON(), profile.Options{Arch: a})
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.Compile()
	if err != nil {
		t.Fatal(err)
	}
	var inputs []seccomp.Data
	for n := int32(0); n <= a.MaxSyscall()+5; n++ {
		if a == seccomp.ArchX86_64 && (n == 335 || n == 336) {
			continue // uretprobe and uprobe: Decide refuses them
		}
		inputs = append(inputs, seccomp.Data{Nr: n, Arch: a.AuditArch})
	}
	for _, v := range []uint64{0, 8, 0x20000, 0x20008, 0xffffffff, 1<<32 | 8} {
		inputs = append(inputs, seccomp.Data{Nr: nr(t, a, "personality"), Arch: a.AuditArch, Args: [6]uint64{v}})
	}
	for _, fam := range []uint64{unix.AF_UNIX, unix.AF_INET, unix.AF_VSOCK, unix.AF_NETLINK, 1<<32 | unix.AF_VSOCK} {
		inputs = append(inputs, seccomp.Data{Nr: nr(t, a, "socket"), Arch: a.AuditArch, Args: [6]uint64{fam}})
	}
	for _, fl := range []uint64{0, unix.CLONE_NEWUSER, unix.CLONE_NEWNS | unix.CLONE_FILES, unix.CLONE_THREAD} {
		inputs = append(inputs, seccomp.Data{Nr: nr(t, a, "clone"), Arch: a.AuditArch, Args: [6]uint64{fl}})
	}
	if !seccomptest.AssertEmulatorAgrees(t, p, inputs...) {
		return
	}
	got := seccomptest.MustDecide(t, p, inputs...)
	allowed, denied := 0, 0
	for _, g := range got {
		switch g.Kind() {
		case seccomp.ActAllow:
			allowed++
		case seccomp.ActErrno:
			denied++
		}
	}
	t.Logf("%d inputs: %d allowed, %d denied", len(inputs), allowed, denied)
	if allowed < 250 || denied < 50 {
		t.Errorf("%d allowed, %d denied: the test lost its teeth", allowed, denied)
	}
}

func TestDecideRefuses(t *testing.T) {
	a := native(t)
	allow := seccomp.Program{{Op: 0x06, K: uint32(seccomp.ActAllow)}}
	for _, c := range []struct {
		name   string
		p      seccomp.Program
		inputs []seccomp.Data
		want   string
	}{
		{"foreign arch", allow, []seccomp.Data{{Nr: 1, Arch: seccomp.AuditArchI386}}, "only calls of the native arch"},
		{"reads the instruction pointer", seccomp.Program{{Op: 0x20, K: 12}, {Op: 0x16}}, []seccomp.Data{{Nr: 1, Arch: a.AuditArch}}, "instruction 0 reads the instruction pointer"},
		{"invalid", seccomp.Program{{Op: 0x20, K: 2}, {Op: 0x16}}, []seccomp.Data{{Nr: 1, Arch: a.AuditArch}}, "seccomptest: Decide: "},
		{"too long", append(make(seccomp.Program, 4090), allow...), []seccomp.Data{{Nr: 1, Arch: a.AuditArch}}, "too long"},
	} {
		_, err := seccomptest.Decide(c.p, c.inputs...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
	if a == seccomp.ArchX86_64 {
		_, err := seccomptest.Decide(allow, seccomp.Data{Nr: 335, Arch: a.AuditArch})
		if err == nil || !strings.Contains(err.Error(), "uretprobe") {
			t.Errorf("uretprobe: %v", err)
		}
	}
	if got, err := seccomptest.Decide(allow); err != nil || len(got) != 0 {
		t.Errorf("no inputs: %v, %v", got, err)
	}
}

// Functions for Run. Each does one thing the tests below expect a result
// of.
var (
	succeed  = seccomptest.Register("succeed", func() error { fmt.Println("hello from the child"); return nil })
	fail     = seccomptest.Register("fail", func() error { return errors.New("it failed") })
	panicker = seccomptest.Register("panic", func() error { panic("oh no") })
	exit7    = seccomptest.Register("exit7", func() error { os.Exit(7); return nil })
	sleeper  = seccomptest.Register("sleep", func() error { time.Sleep(time.Hour); return nil })
	// getppid with recognizable values in the argument registers, which
	// the kernel ignores and the filter sees.
	callGetppid = seccomptest.Register("getppid", func() error {
		n, _ := seccomp.NativeArch()
		nr, _ := n.Syscall("getppid")
		syscall.RawSyscall6(uintptr(nr), 0x11, 0x22, 0x33, 0x44, 0x55, 0x66)
		return errors.New("getppid returned")
	})
	// getppid from a thread of its own, which a KILL_THREAD kills.
	threadGetppid = seccomptest.Register("thread-getppid", func() error {
		done := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			n, _ := seccomp.NativeArch()
			nr, _ := n.Syscall("getppid")
			syscall.Syscall6(uintptr(nr), 0x11, 0x22, 0x33, 0x44, 0x55, 0x66)
			close(done)
		}()
		<-done
		return errors.New("the thread survived")
	})
	execTrue = seccomptest.Register("exec-true", func() error {
		path, err := exec.LookPath("true")
		if err != nil {
			return nil // nothing to run: the test skips
		}
		err = exec.Command(path).Run()
		if !errors.Is(err, syscall.EPERM) {
			return fmt.Errorf("running %s: %v, want EPERM", path, err)
		}
		return nil
	})
)

func TestRunEndings(t *testing.T) {
	a := native(t)
	allow := program(t, a, nil)
	r := seccomptest.MustRun(t, allow, succeed, nil)
	seccomptest.AssertSucceeded(t, r)
	if !strings.Contains(r.Output, "hello from the child") || r.Untraced != "" {
		t.Errorf("output %q, untraced %q", r.Output, r.Untraced)
	}

	r = seccomptest.MustRun(t, allow, fail, nil)
	if !r.Installed || !r.Returned || r.Err != "it failed" || r.ExitCode != 1 || r.Succeeded() {
		t.Errorf("fail: %+v", r)
	}
	r = seccomptest.MustRun(t, allow, panicker, nil)
	if r.Returned || r.Panic != "oh no" || !strings.Contains(r.Stack, "seccomptest_test") || r.ExitCode != 2 {
		t.Errorf("panic: %+v", r)
	}
	r = seccomptest.MustRun(t, allow, exit7, nil)
	if r.Returned || r.ExitCode != 7 || r.Signal != 0 || !r.Installed {
		t.Errorf("exit 7: %+v", r)
	}
	r = seccomptest.MustRun(t, allow, sleeper, &seccomptest.Options{Timeout: 300 * time.Millisecond})
	if !r.TimedOut || r.Signal != syscall.SIGKILL || r.Returned {
		t.Errorf("sleep: %+v", r)
	}
}

// TestRunSIGSYS checks what Run reports for each action that raises
// SIGSYS, on a call whose arguments the child chose.
func TestRunSIGSYS(t *testing.T) {
	a := native(t)
	getppid := nr(t, a, "getppid")
	wantArgs := [6]uint64{0x11, 0x22, 0x33, 0x44, 0x55, 0x66}
	for _, c := range []struct {
		action seccomp.Action
		f      *seccomptest.Func
	}{
		{seccomp.ActKillProcess, callGetppid},
		{seccomp.Trap(9), callGetppid},
		{seccomp.ActKillThread, threadGetppid},
	} {
		r := seccomptest.MustRun(t, program(t, a, map[string]seccomp.Action{"getppid": c.action}), c.f, nil)
		if r.Untraced != "" {
			kernelskip.Skipf(t, "the child could not be traced: %s", r.Untraced)
		}
		if !seccomptest.AssertSIGSYS(t, r, "getppid", "%v", c.action) {
			continue
		}
		s := r.SIGSYS
		if s.Action != c.action || s.Data.Nr != getppid || s.Data.Arch != a.AuditArch || s.Data.InstructionPointer == 0 || s.Thread == 0 {
			t.Errorf("%v: %+v", c.action, s)
		}
		if runtime.GOARCH == "amd64" && s.Data.Args != wantArgs {
			t.Errorf("%v: arguments %#x, want %#x", c.action, s.Data.Args, wantArgs)
		}
		switch c.action.Kind() {
		case seccomp.ActKillProcess:
			if r.Signal != syscall.SIGSYS || r.Returned {
				t.Errorf("KILL_PROCESS: %+v", r)
			}
		case seccomp.ActTrap:
			// The Go runtime dies of a SIGSYS it did not ask for.
			if r.ExitCode != 2 || !strings.Contains(r.Output, "SIGSYS") {
				t.Errorf("TRAP: %v\n%s", r, r.Output)
			}
		case seccomp.ActKillThread:
			if !r.ThreadKilled || r.Signal != syscall.SIGKILL {
				t.Errorf("KILL_THREAD: %+v", r)
			}
		}
		t.Logf("%v: %v", c.action, r)
	}

	// Without tracing, only the signal.
	r := seccomptest.MustRun(t, program(t, a, map[string]seccomp.Action{"getppid": seccomp.ActKillProcess}), callGetppid, &seccomptest.Options{NoTrace: true})
	if r.Signal != syscall.SIGSYS || r.SIGSYS != nil {
		t.Errorf("untraced: %+v", r)
	}
}

func TestRunErrno(t *testing.T) {
	a := native(t)
	if _, err := exec.LookPath("true"); err != nil {
		t.Skip("no true command")
	}
	p := program(t, a, map[string]seccomp.Action{"execve": seccomp.Errno(1), "execveat": seccomp.Errno(1)})
	seccomptest.AssertSucceeded(t, seccomptest.MustRun(t, p, execTrue, nil))
	// The same function without the filter fails: the assertion has teeth.
	r := seccomptest.MustRun(t, program(t, a, nil), execTrue, nil)
	if r.Succeeded() || !strings.Contains(r.Err, "want EPERM") {
		t.Errorf("without the filter: %+v", r)
	}
}

func TestRunRefuses(t *testing.T) {
	a := native(t)
	if _, err := seccomptest.Run(program(t, a, nil), new(seccomptest.Func), nil); err == nil || !strings.Contains(err.Error(), "not registered") {
		t.Errorf("unregistered function: %v", err)
	}
	if _, err := seccomptest.Run(seccomp.Program{{Op: 0x20, K: 3}, {Op: 0x16}}, succeed, nil); err == nil {
		t.Error("invalid program: no error")
	}
	for _, name := range []string{"", "succeed"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%q) did not panic", name)
				}
			}()
			seccomptest.Register(name, func() error { return nil })
		}()
	}
}
