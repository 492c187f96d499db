package seccomp_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/childcase"
	"github.com/seccomp-go/seccomp/seccomptest"
)

// Installing a filter cannot be undone, so every test here runs its case in
// a child process: the test binary run again with -test.run naming
// TestInstallHelper and the case in SECCOMP_INSTALL_CASE. The case prints
// what it saw on stdout; the parent checks it and the exit status.

var installCases = childcase.New("SECCOMP_INSTALL_CASE")

// TestInstallHelper runs a case in a child process; it does nothing in a
// normal run.
func TestInstallHelper(t *testing.T) { installCases.Helper(t) }

// runCase runs an install case in a child and returns its output and wait
// status.
func runCase(t *testing.T, name string, env ...string) (string, syscall.WaitStatus) {
	t.Helper()
	return installCases.Run(t, "TestInstallHelper", name, env...)
}

// mustPass runs a case that must exit 0.
func mustPass(t *testing.T, name string) string {
	t.Helper()
	return installCases.MustPass(t, "TestInstallHelper", name)
}

// denyNr returns a filter that returns action for syscall nr on x86_64 and
// allows everything else.
func denyNr(nr int, action seccomp.Action) seccomp.Program {
	f := seccomp.NewFilter(seccomp.ActAllow, seccomp.ArchX86_64)
	f.Add(seccomp.Rule{Number: int32(nr), Arch: seccomp.ArchX86_64, Action: action})
	p, err := f.Compile()
	if err != nil {
		panic(err)
	}
	return p
}

func skipUnlessAmd64(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the cases use x86_64 system call numbers")
	}
}

// threadStatus reads Seccomp and Seccomp_filters of every thread.
func threadStatus() (map[int][2]int, error) {
	dirs, err := filepath.Glob("/proc/self/task/*/status")
	if err != nil {
		return nil, err
	}
	out := map[int][2]int{}
	for _, d := range dirs {
		tid, _ := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		f, err := os.Open(d)
		if err != nil {
			continue // thread gone
		}
		var mode, filters = -1, -1
		s := bufio.NewScanner(f)
		for s.Scan() {
			if v, ok := strings.CutPrefix(s.Text(), "Seccomp:"); ok {
				mode, _ = strconv.Atoi(strings.TrimSpace(v))
			}
			if v, ok := strings.CutPrefix(s.Text(), "Seccomp_filters:"); ok {
				filters, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		f.Close()
		out[tid] = [2]int{mode, filters}
	}
	return out, nil
}

func init() {
	// A filter installed from a goroutine reaches every OS thread.
	installCases.Add("tsync", func() error {
		const threads = 12
		var ready, release sync.WaitGroup
		ready.Add(threads)
		release.Add(1)
		for i := 0; i < threads; i++ {
			go func() {
				runtime.LockOSThread()
				ready.Done()
				release.Wait()
				runtime.UnlockOSThread()
			}()
		}
		ready.Wait()
		before, err := threadStatus()
		if err != nil {
			return err
		}
		errc := make(chan error)
		go func() { errc <- seccomp.Install(denyNr(1001, seccomp.Errno(7)), seccomp.InstallOptions{}) }()
		if err := <-errc; err != nil {
			return err
		}
		after, err := threadStatus()
		if err != nil {
			return err
		}
		release.Done()
		fmt.Printf("threads before %d after %d\n", len(before), len(after))
		for tid, st := range after {
			fmt.Printf("tid %d seccomp %d filters %d\n", tid, st[0], st[1])
		}
		nnp, err := seccomp.NoNewPrivs()
		fmt.Printf("nnp %v %v\n", nnp, err)
		_, _, errno := syscall.Syscall(1001, 0, 0, 0)
		fmt.Printf("call 1001: errno %d\n", errno)
		return nil
	})
}

func TestInstallTSync(t *testing.T) {
	skipUnlessAmd64(t)
	out := mustPass(t, "tsync")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	threads := 0
	for _, l := range lines {
		var tid, mode, filters int
		if n, _ := fmt.Sscanf(l, "tid %d seccomp %d filters %d", &tid, &mode, &filters); n == 3 {
			threads++
			assert.Equal(t, 2, mode, "thread %d not in filter mode", tid)
			assert.Equal(t, 1, filters, "thread %d", tid)
		}
	}
	assert.GreaterOrEqual(t, threads, 13, "the case should have had many threads:\n%s", out)
	assert.Contains(t, out, "nnp true <nil>")
	assert.Contains(t, out, "call 1001: errno 7")
}

func init() {
	// Each action as the kernel documents it, seen from inside.
	installCases.Add("actions", func() error {
		progs := []seccomp.Program{
			denyNr(1001, seccomp.Errno(42)),
			denyNr(1002, seccomp.ActLog),
			denyNr(1003, seccomp.Trace(5)),
			denyNr(1004, seccomp.Errno(0)),
			denyNr(1005, seccomp.ActUserNotif),
		}
		for _, p := range progs {
			if err := seccomp.Install(p, seccomp.InstallOptions{}); err != nil {
				return err
			}
		}
		for nr := uintptr(1001); nr <= 1005; nr++ {
			r, _, errno := syscall.Syscall(nr, 0, 0, 0)
			fmt.Printf("nr %d: ret %d errno %d\n", nr, int(r), errno)
		}
		return nil
	})
}

func TestInstallActions(t *testing.T) {
	skipUnlessAmd64(t)
	out := mustPass(t, "actions")
	assert.Contains(t, out, "nr 1001: ret -1 errno 42", "ERRNO(42)")
	assert.Contains(t, out, "nr 1002: ret -1 errno 38", "LOG lets the call run: ENOSYS for an unimplemented number")
	assert.Contains(t, out, "nr 1003: ret -1 errno 38", "TRACE without a tracer fails with ENOSYS")
	assert.Contains(t, out, "nr 1004: ret 0 errno 0", "ERRNO(0) makes the call succeed")
	assert.Contains(t, out, "nr 1005: ret -1 errno 38", "USER_NOTIF without a listener: ENOSYS")
}

// call1001 makes call 1001 with recognizable arguments; the tests below
// run it with seccomptest, whose child installs the filter with Install.
var call1001 = seccomptest.Register("call1001", func() error {
	syscall.Syscall6(1001, 1, 2, 3, 4, 5, 6)
	return errors.New("survived call 1001")
})

func TestInstallKillProcess(t *testing.T) {
	skipUnlessAmd64(t)
	r := seccomptest.MustRun(t, denyNr(1001, seccomp.ActKillProcess), call1001, nil)
	require.True(t, r.Installed, "%v", r)
	assert.Equal(t, syscall.SIGSYS, r.Signal, "%v", r)
	assert.False(t, r.Returned, "%v", r)
	if r.Untraced == "" && assert.NotNil(t, r.SIGSYS, "%v", r) {
		assert.Equal(t, int32(1001), r.SIGSYS.Data.Nr)
		assert.Equal(t, [6]uint64{1, 2, 3, 4, 5, 6}, r.SIGSYS.Data.Args)
		assert.Equal(t, seccomp.ActKillProcess, r.SIGSYS.Action)
	}
}

func TestInstallTrap(t *testing.T) {
	skipUnlessAmd64(t)
	// The Go runtime treats a SIGSYS it did not ask for as fatal and says
	// so: the trap reached the program as SIGSYS with si_code SYS_SECCOMP,
	// and its siginfo carries the call and the TRAP's data.
	r := seccomptest.MustRun(t, denyNr(1001, seccomp.Trap(9)), call1001, nil)
	require.True(t, r.Installed, "%v", r)
	assert.False(t, r.Returned, "%v", r)
	assert.Contains(t, r.Output, "SIGSYS")
	assert.Contains(t, r.Output, "sigcode=1", "si_code SYS_SECCOMP")
	assert.Equal(t, 2, r.ExitCode)
	if r.Untraced == "" && assert.NotNil(t, r.SIGSYS, "%v", r) {
		assert.Equal(t, int32(1001), r.SIGSYS.Data.Nr)
		assert.Equal(t, seccomp.AuditArchX86_64, r.SIGSYS.Data.Arch)
		assert.Equal(t, seccomp.Trap(9), r.SIGSYS.Action)
	}
}

func init() {
	// Stacked filters: the stricter decision wins, in either order.
	installCases.Add("stacking", func() error {
		a := seccomp.NewFilter(seccomp.ActAllow, seccomp.ArchX86_64)
		a.Add(seccomp.Rule{Number: 1001, Arch: seccomp.ArchX86_64, Action: seccomp.ActLog},
			seccomp.Rule{Number: 1002, Arch: seccomp.ArchX86_64, Action: seccomp.Errno(4)})
		b := seccomp.NewFilter(seccomp.ActAllow, seccomp.ArchX86_64)
		b.Add(seccomp.Rule{Number: 1001, Arch: seccomp.ArchX86_64, Action: seccomp.Errno(3)},
			seccomp.Rule{Number: 1002, Arch: seccomp.ArchX86_64, Action: seccomp.Errno(9)})
		for _, f := range []*seccomp.Filter{a, b} {
			if err := f.Install(seccomp.InstallOptions{}); err != nil {
				return err
			}
		}
		for nr := uintptr(1001); nr <= 1002; nr++ {
			_, _, errno := syscall.Syscall(nr, 0, 0, 0)
			fmt.Printf("nr %d: errno %d\n", nr, errno)
		}
		return nil
	})
}

func TestInstallStacking(t *testing.T) {
	skipUnlessAmd64(t)
	out := mustPass(t, "stacking")
	assert.Contains(t, out, "nr 1001: errno 3", "LOG then ERRNO(3): ERRNO wins")
	assert.Contains(t, out, "nr 1002: errno 9", "ERRNO(4) then ERRNO(9): the newer filter's data")
}

// capDrop removes a capability from the effective and permitted sets of the
// calling thread.
func capDrop(capability uint) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return err
	}
	data[capability/32].Effective &^= 1 << (capability % 32)
	data[capability/32].Permitted &^= 1 << (capability % 32)
	return unix.Capset(&hdr, &data[0])
}

func init() {
	installCases.Add("privileges", func() error {
		runtime.LockOSThread() // capabilities are per thread
		if err := capDrop(unix.CAP_SYS_ADMIN); err != nil {
			return err
		}
		p := denyNr(1001, seccomp.Errno(5))
		err := seccomp.Install(p, seccomp.InstallOptions{KeepNewPrivs: true, ThisThreadOnly: true})
		fmt.Printf("keep new privs: is ErrPrivilege %v: %v\n", errors.Is(err, seccomp.ErrPrivilege), err)
		nnp, _ := seccomp.NoNewPrivs()
		st, _ := threadStatus()
		fmt.Printf("after: nnp %v seccomp %v\n", nnp, st[unix.Gettid()][0])
		if err := seccomp.Install(p, seccomp.InstallOptions{ThisThreadOnly: true}); err != nil {
			return err
		}
		_, _, errno := syscall.Syscall(1001, 0, 0, 0)
		nnp, _ = seccomp.NoNewPrivs()
		fmt.Printf("default: nnp %v errno %d\n", nnp, errno)
		return nil
	})
}

func TestInstallPrivileges(t *testing.T) {
	skipUnlessAmd64(t)
	if os.Geteuid() != 0 {
		t.Skip("needs to start with CAP_SYS_ADMIN to drop it")
	}
	out := mustPass(t, "privileges")
	assert.Contains(t, out, "keep new privs: is ErrPrivilege true: seccomp: KeepNewPrivs is set but the process lacks CAP_SYS_ADMIN")
	assert.Contains(t, out, "after: nnp false seccomp 0", "nothing changed")
	assert.Contains(t, out, "default: nnp true errno 5", "without the option no_new_privs is set and the install works")
}

func init() {
	// Foreign arches: an x86_64 filter stops x32 calls and i386 calls.
	installCases.Add("foreign_arch", func() error {
		f := seccomp.NewFilter(seccomp.ActAllow, seccomp.ArchX86_64).SetBadArchAction(seccomp.Errno(11))
		if err := f.Install(seccomp.InstallOptions{}); err != nil {
			return err
		}
		_, _, errno := syscall.Syscall(seccomp.X32SyscallBit|39, 0, 0, 0) // x32 getpid
		fmt.Printf("x32 getpid: errno %d\n", errno)
		if int80Available() {
			fmt.Printf("i386 getpid: %d\n", int80Getpid())
		} else {
			fmt.Println("no int 0x80")
		}
		return nil
	})
}

func TestInstallForeignArch(t *testing.T) {
	skipUnlessAmd64(t)
	out := mustPass(t, "foreign_arch")
	assert.Contains(t, out, "x32 getpid: errno 11")
	if strings.Contains(out, "no int 0x80") {
		t.Log("this kernel does not take int $0x80 (IA32 emulation disabled at run time): the i386 half of the test cannot run here")
	} else {
		assert.Contains(t, out, "i386 getpid: -11")
	}
}

func init() {
	// The stacking limit is checked before the kernel is asked.
	installCases.Add("stack_limit", func() error {
		big := make(seccomp.Program, seccomp.MaxInstructions)
		for i := range big {
			big[i] = seccomp.Program{{Op: 0x20, K: 0}}[0] // ld [0]
		}
		big[len(big)-1] = seccomp.Program{{Op: 0x06, K: uint32(seccomp.ActAllow)}}[0]
		for i := 0; ; i++ {
			err := seccomp.Install(big, seccomp.InstallOptions{})
			var se *seccomp.StackLimitError
			if errors.As(err, &se) {
				st, _ := threadStatus()
				fmt.Printf("refused after %d: %v; filters %d\n", i, err, st[unix.Gettid()][1])
				return nil
			}
			if err != nil {
				return fmt.Errorf("install %d: %w", i, err)
			}
		}
	})
}

func TestInstallStackLimit(t *testing.T) {
	skipUnlessAmd64(t)
	out := mustPass(t, "stack_limit")
	assert.Contains(t, out, "refused after 7:")
	assert.Contains(t, out, "filters 7")
}

func init() {
	// Where seccomp(2) does not exist, prctl(PR_SET_SECCOMP) is used, and
	// only for what it can do. The missing syscall is played by a filter
	// answering ENOSYS to seccomp(2).
	installCases.Add("prctl_fallback", func() error {
		if err := seccomp.Install(denyNr(unix.SYS_SECCOMP, seccomp.Errno(38)), seccomp.InstallOptions{}); err != nil {
			return err
		}
		p := denyNr(1001, seccomp.Errno(6))
		err := seccomp.Install(p, seccomp.InstallOptions{})
		fmt.Printf("tsync: %v\n", err)
		err = seccomp.Install(p, seccomp.InstallOptions{ThisThreadOnly: true, Flags: seccomp.FlagLog})
		fmt.Printf("flags: %v\n", err)
		runtime.LockOSThread()
		if err := seccomp.Install(p, seccomp.InstallOptions{ThisThreadOnly: true}); err != nil {
			return err
		}
		_, _, errno := syscall.Syscall(1001, 0, 0, 0)
		fmt.Printf("this thread: errno %d\n", errno)
		return nil
	})
}

func TestInstallPrctlFallback(t *testing.T) {
	skipUnlessAmd64(t)
	out := mustPass(t, "prctl_fallback")
	assert.Contains(t, out, "tsync: seccomp: filter flags TSYNC: this kernel has no seccomp(2)")
	assert.Contains(t, out, "flags: seccomp: filter flags LOG: this kernel has no seccomp(2)")
	assert.Contains(t, out, "this thread: errno 6")
}

func init() {
	// Install before exec, the way a launcher does it: Exec replaces the
	// process.
	installCases.Add("exec", func() error {
		f := seccomp.NewFilter(seccomp.ActAllow, seccomp.ArchX86_64)
		f.AddSyscalls(seccomp.Errno(1), "uname")
		p, err := f.Compile()
		if err != nil {
			return err
		}
		return seccomp.Exec(p, seccomp.InstallOptions{}, "/bin/uname", []string{"uname"}, os.Environ())
	})
}

func unameDenied() seccomp.Program {
	f := seccomp.NewFilter(seccomp.ActAllow, seccomp.ArchX86_64)
	f.AddSyscalls(seccomp.Errno(1), "uname")
	p, err := f.Compile()
	if err != nil {
		panic(err)
	}
	return p
}

func TestInstallExec(t *testing.T) {
	skipUnlessAmd64(t)
	if _, err := os.Stat("/bin/uname"); err != nil {
		t.Skip("no /bin/uname")
	}
	out, ws := runCase(t, "exec")
	assert.True(t, ws.Exited() && ws.ExitStatus() == 1, "uname fails: %v\n%s", ws, out)
	assert.Contains(t, out, "Operation not permitted")
}

func TestCommand(t *testing.T) {
	skipUnlessAmd64(t)
	uname, err := exec.LookPath("uname")
	if err != nil {
		t.Skip("no uname")
	}
	// Unfiltered, uname works; under the filter, its uname(2) is denied and
	// it says so.
	plain, err := exec.Command(uname).CombinedOutput()
	require.NoError(t, err, "%s", plain)
	cmd, err := seccomp.Command(unameDenied(), seccomp.InstallOptions{}, "uname")
	require.NoError(t, err)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "%s", out)
	assert.Equal(t, 1, ee.ExitCode())
	assert.Contains(t, string(out), "Operation not permitted")
	// The parent is untouched.
	st, err := threadStatus()
	require.NoError(t, err)
	for tid, s := range st {
		assert.Equal(t, 0, s[0], "thread %d of the test process has a filter", tid)
	}
	// A missing command is an error before anything runs.
	_, err = seccomp.Command(unameDenied(), seccomp.InstallOptions{}, "no-such-command-here")
	assert.ErrorIs(t, err, exec.ErrNotFound)
}

func init() {
	installCases.Add("trap_exec", func() error {
		if err := seccomp.Install(denyNr(1001, seccomp.Trap(9)), seccomp.InstallOptions{}); err != nil {
			return err
		}
		bin := os.Getenv("SIGSYS_BIN")
		return seccomp.Exec(denyNr(1002, seccomp.Errno(1)), seccomp.InstallOptions{}, bin, []string{bin}, os.Environ())
	})
}

// TestInstallTrapSiginfo checks what a TRAP delivers: SIGSYS with si_code
// SYS_SECCOMP, the filter's data in si_errno, the call's number and arch.
// A small C program reads the siginfo (Go's runtime does not hand it out).
func TestInstallTrapSiginfo(t *testing.T) {
	skipUnlessAmd64(t)
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler to build the SIGSYS reader")
	}
	bin := filepath.Join(t.TempDir(), "sigsys")
	if out, err := exec.Command(cc, "-o", bin, "testdata/c/sigsys.c").CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	out, ws := runCase(t, "trap_exec", "SIGSYS_BIN="+bin)
	require.True(t, ws.Exited() && ws.ExitStatus() == 0, "%v\n%s", ws, out)
	assert.Contains(t, out, fmt.Sprintf("signo %d code 1 errno 9 syscall 1001 arch %#x", int(syscall.SIGSYS), uint32(seccomp.AuditArchX86_64)))
}

func init() {
	// A thread with a filter of its own cannot be synchronised: the error
	// names it, and nothing is installed anywhere.
	installCases.Add("tsync_diverged", func() error {
		tidc := make(chan int)
		hold := make(chan struct{})
		go func() {
			runtime.LockOSThread() // never unlocked: the thread keeps its filter
			err := seccomp.Install(denyNr(1001, seccomp.Errno(2)), seccomp.InstallOptions{ThisThreadOnly: true})
			if err != nil {
				fmt.Println("thread-only install:", err)
			}
			tidc <- unix.Gettid()
			<-hold
		}()
		tid := <-tidc
		err := seccomp.Install(denyNr(1002, seccomp.Errno(3)), seccomp.InstallOptions{})
		var te *seccomp.TSyncError
		fmt.Printf("tsync error: %v names the thread: %v\n", errors.As(err, &te), te != nil && te.TID == tid)
		fmt.Println(err)
		st, _ := threadStatus()
		others := 0
		for t, s := range st {
			if t != tid && s[0] != 0 {
				others++
			}
		}
		fmt.Printf("other threads with a filter: %d\n", others)
		_, _, errno := syscall.Syscall(1002, 0, 0, 0)
		fmt.Printf("call 1002 here: errno %d\n", errno)
		return nil
	})
}

func TestInstallTSyncDiverged(t *testing.T) {
	skipUnlessAmd64(t)
	out := mustPass(t, "tsync_diverged")
	assert.Contains(t, out, "tsync error: true names the thread: true")
	assert.Contains(t, out, "could not be synchronised")
	assert.Contains(t, out, "other threads with a filter: 0")
	assert.Contains(t, out, "call 1002 here: errno 38", "nothing was installed")
}

func init() {
	// Every flag the kernel has can be used.
	installCases.Add("flags", func() error {
		p := denyNr(1001, seccomp.Errno(4))
		for _, fl := range []seccomp.FilterFlag{seccomp.FlagLog, seccomp.FlagSpecAllow, seccomp.FlagLog | seccomp.FlagTSyncESRCH} {
			err := seccomp.Install(p, seccomp.InstallOptions{Flags: fl})
			fmt.Printf("%v: %v\n", fl, err)
		}
		l, err := seccomp.InstallListener(p, seccomp.InstallOptions{Flags: seccomp.FlagWaitKillableRecv})
		fmt.Printf("listener: %v fd>2 %v\n", err, l != nil && l.Fd() > 2)
		if l != nil {
			l.Close()
		}
		// The kernel allows one listener per chain of filters: a second is
		// refused with EBUSY while the first is open.
		l, err = seccomp.InstallListener(p, seccomp.InstallOptions{})
		fmt.Printf("listener after close: %v\n", err)
		l2, err := seccomp.InstallListener(p, seccomp.InstallOptions{})
		fmt.Printf("second listener: %v %v\n", errors.Is(err, unix.EBUSY), l2 == nil)
		l.Close()
		st, _ := threadStatus()
		fmt.Printf("filters: %d\n", st[unix.Gettid()][1])
		return nil
	})
}

func TestInstallFlags(t *testing.T) {
	skipUnlessAmd64(t)
	out := mustPass(t, "flags")
	assert.Contains(t, out, "LOG: <nil>")
	assert.Contains(t, out, "SPEC_ALLOW: <nil>")
	assert.Contains(t, out, "LOG|TSYNC_ESRCH: <nil>")
	assert.Contains(t, out, "listener: <nil> fd>2 true")
	assert.Contains(t, out, "listener after close: <nil>")
	assert.Contains(t, out, "second listener: true true")
	assert.Contains(t, out, "filters: 5")
}

func init() {
	// A flag the kernel does not know is reported with the release that
	// added it, before anything is installed. The unknown flag is played by
	// a filter that answers EINVAL to seccomp(2) calls with FlagLog.
	installCases.Add("missing_flag", func() error {
		f := seccomp.NewFilter(seccomp.ActAllow, seccomp.ArchX86_64)
		f.Add(seccomp.Rule{Syscall: "seccomp", Action: seccomp.Errno(uint16(unix.EINVAL)),
			Conds: []seccomp.Cond{seccomp.Arg(0).Eq(1), seccomp.Arg(1).MaskedNe(uint64(seccomp.FlagLog), 0)}})
		if err := f.Install(seccomp.InstallOptions{}); err != nil {
			return err
		}
		err := seccomp.Install(denyNr(1001, seccomp.Errno(4)), seccomp.InstallOptions{Flags: seccomp.FlagLog})
		fmt.Printf("is ErrUnsupportedFlag %v: %v\n", errors.Is(err, seccomp.ErrUnsupportedFlag), err)
		st, _ := threadStatus()
		fmt.Printf("filters: %d\n", st[unix.Gettid()][1])
		return nil
	})
}

func TestInstallMissingFlag(t *testing.T) {
	skipUnlessAmd64(t)
	out := mustPass(t, "missing_flag")
	assert.Contains(t, out, "is ErrUnsupportedFlag true: seccomp: the running kernel does not support SECCOMP_FILTER_FLAG_LOG (added in Linux 4.14)")
	assert.Contains(t, out, "filters: 1")
}

// taskStatus reads fields of every thread's status file, by thread id.
func taskStatus(fields ...string) (map[int]map[string]string, error) {
	dirs, err := filepath.Glob("/proc/self/task/*/status")
	if err != nil {
		return nil, err
	}
	out := map[int]map[string]string{}
	for _, d := range dirs {
		tid, _ := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		b, err := os.ReadFile(d)
		if err != nil {
			continue // thread gone
		}
		m := map[string]string{}
		for _, line := range strings.Split(string(b), "\n") {
			k, v, _ := strings.Cut(line, ":")
			for _, f := range fields {
				if k == f {
					m[k] = strings.TrimSpace(v)
				}
			}
		}
		out[tid] = m
	}
	return out, nil
}

func init() {
	// A TSYNC install that the kernel refuses, from the main goroutine,
	// many times: afterwards no thread but the one that diverged has
	// no_new_privs or a filter. Run as a main case: on the main goroutine,
	// which init may have locked to the main thread, and which otherwise
	// runs there too (the runtime starts it there, and nothing here moves
	// it), so the goroutine Install starts may well run there.
	mainCases.AddMain("tsync_refused", func() error {
		// The thread that diverges is not the main thread: the main
		// goroutine holds that one meanwhile (as init may have done already).
		runtime.LockOSThread()
		tidc := make(chan int)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread keeps its filter
			if err := seccomp.Install(denyNr(1001, seccomp.Errno(2)), seccomp.InstallOptions{ThisThreadOnly: true}); err != nil {
				fmt.Println("thread-only install:", err)
			}
			tidc <- unix.Gettid()
			select {}
		}()
		diverged := <-tidc
		runtime.UnlockOSThread()
		if diverged == os.Getpid() {
			return errors.New("the diverged thread is the main thread")
		}
		for i := range 200 {
			err := seccomp.Install(denyNr(1002, seccomp.Errno(3)), seccomp.InstallOptions{})
			var te *seccomp.TSyncError
			if !errors.As(err, &te) || te.TID != diverged {
				return fmt.Errorf("install %d: %v, want a TSyncError naming thread %d", i, err, diverged)
			}
			st, err := taskStatus("NoNewPrivs", "Seccomp")
			if err != nil {
				return err
			}
			for tid, s := range st {
				if tid != diverged && (s["NoNewPrivs"] != "0" || s["Seccomp"] != "0") {
					return fmt.Errorf("after refused install %d: thread %d (the main thread: %v) has NoNewPrivs %s, Seccomp %s", i, tid, tid == os.Getpid(), s["NoNewPrivs"], s["Seccomp"])
				}
			}
		}
		fmt.Println("every refused install left the process as it was")
		return nil
	})
}

func TestInstallTSyncRefusedFromMain(t *testing.T) {
	skipUnlessAmd64(t)
	for _, locked := range []bool{false, true} {
		var env []string
		if locked {
			env = append(env, mainLockedEnv+"=1")
		}
		out, ws := mainCases.RunMain(t, "tsync_refused", env...)
		assert.True(t, ws.Exited() && ws.ExitStatus() == 0, "main goroutine locked in init: %v: %v\n%s", locked, ws, out)
		assert.Contains(t, out, "every refused install left the process as it was")
	}
}

func init() {
	// Thread-only installs on threads that end: what Install keeps about
	// them must not grow with their number.
	installCases.Add("thread_records", func() error {
		// 500 instructions, 4000 bytes: ld [0] ... ret ALLOW.
		p := make(seccomp.Program, 500)
		for i := range p {
			p[i] = seccomp.Program{{Op: 0x20, K: 0}}[0]
		}
		p[len(p)-1] = seccomp.Program{{Op: 0x06, K: uint32(seccomp.ActAllow)}}[0]
		heap := func() uint64 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return m.HeapAlloc
		}
		before := heap()
		for range 3000 {
			errc := make(chan error)
			go func() {
				runtime.LockOSThread() // the thread ends with the goroutine
				errc <- seccomp.Install(p, seccomp.InstallOptions{ThisThreadOnly: true})
			}()
			if err := <-errc; err != nil {
				return err
			}
		}
		fmt.Printf("heap growth: %d bytes\n", int64(heap())-int64(before))
		return nil
	})
}

func TestInstallThreadRecordsBounded(t *testing.T) {
	skipUnlessAmd64(t)
	out := mustPass(t, "thread_records")
	var growth int64
	_, err := fmt.Sscanf(out[strings.Index(out, "heap growth:"):], "heap growth: %d bytes", &growth)
	require.NoError(t, err, "%s", out)
	// The first version kept a copy of each program: 12 MB here.
	assert.Less(t, growth, int64(1<<20), "the records of ended threads are kept")
}

func init() {
	// ThisThreadOnly with FlagTSync (or FlagTSyncESRCH) is a contradiction,
	// refused before anything changes: no filter, no no_new_privs.
	installCases.Add("thread_only_tsync", func() error {
		runtime.LockOSThread()
		for _, flags := range []seccomp.FilterFlag{seccomp.FlagTSync, seccomp.FlagTSyncESRCH, seccomp.FlagTSync | seccomp.FlagLog} {
			err := seccomp.Install(denyNr(1001, seccomp.Errno(4)), seccomp.InstallOptions{ThisThreadOnly: true, Flags: flags})
			var fe *seccomp.FlagError
			fmt.Printf("%v: FlagError %v: %v\n", flags, errors.As(err, &fe), err)
		}
		st, err := taskStatus("Seccomp", "NoNewPrivs")
		if err != nil {
			return err
		}
		for tid, f := range st {
			fmt.Printf("thread %d: seccomp %s nnp %s\n", tid, f["Seccomp"], f["NoNewPrivs"])
		}
		return nil
	})
}

func TestInstallThisThreadOnlyRefusesTSync(t *testing.T) {
	out := mustPass(t, "thread_only_tsync")
	assert.Contains(t, out, "TSYNC: FlagError true: seccomp: filter flags TSYNC: ThisThreadOnly attaches")
	assert.Contains(t, out, "TSYNC_ESRCH: FlagError true:")
	assert.Contains(t, out, "TSYNC|LOG: FlagError true: seccomp: filter flags TSYNC: ")
	assert.Contains(t, out, "thread ")
	assert.NotContains(t, out, "seccomp 2")
	assert.NotContains(t, out, "nnp 1")
}
