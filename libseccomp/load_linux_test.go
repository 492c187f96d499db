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
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp/internal/childcase"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	seccomp "github.com/seccomp-go/seccomp/libseccomp"
)

// Loading a filter cannot be undone, and SetAPI changes the whole
// process: every case here runs in a child process (the test binary run
// again with -test.run naming TestLoadHelper). The case prints what it
// saw; the parent checks it.

var loadCases = childcase.New("LIBSECCOMP_LOAD_CASE")

// TestLoadHelper runs a case in a child process; it does nothing in a
// normal run.
func TestLoadHelper(t *testing.T) { loadCases.Helper(t) }

func runLoadCase(t *testing.T, name string) string {
	t.Helper()
	cmd := loadCases.Command("TestLoadHelper", name)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("case %s: %v", name, err)
	}
	if !cmd.ProcessState.Success() {
		t.Fatalf("case %s: %v\n%s", name, cmd.ProcessState, out)
	}
	return string(out)
}

func needKernel(t *testing.T, level uint) {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("the cases use x86_64 system call numbers")
	}
	if l, _ := seccomp.GetAPI(); l < level {
		kernelskip.Skipf(t, "the kernel's API level is %d, the test needs %d", l, level)
	}
}

// threadModes returns the seccomp mode and filter count of every thread.
func threadModes() map[int][2]int {
	dirs, _ := filepath.Glob("/proc/self/task/*/status")
	out := map[int][2]int{}
	for _, d := range dirs {
		tid, _ := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		f, err := os.Open(d)
		if err != nil {
			continue
		}
		mode, filters := -1, -1
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
	return out
}

// statusField returns a field of /proc/thread-self/status.
func statusField(name string) string {
	b, _ := os.ReadFile("/proc/thread-self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// lockedThreads starts n goroutines locked to threads of their own, which
// stay until release is called.
func lockedThreads(n int) (release func()) {
	var ready, done sync.WaitGroup
	ready.Add(n)
	done.Add(1)
	for range n {
		go func() {
			runtime.LockOSThread()
			ready.Done()
			done.Wait()
		}()
	}
	ready.Wait()
	return done.Done
}

// deny1001 returns a filter allowing everything but the unimplemented
// x86_64 system call 1001, which fails with errno 77, covering x86_64.
func deny1001() (*seccomp.ScmpFilter, error) {
	f, err := seccomp.NewFilter(seccomp.ActAllow)
	if err != nil {
		return nil, err
	}
	return f, f.AddRule(1001, seccomp.ActErrno.SetReturnCode(77))
}

func call1001() syscall.Errno {
	_, _, errno := syscall.RawSyscall(1001, 0, 0, 0)
	return errno
}

func printModes() {
	for tid, m := range threadModes() {
		fmt.Printf("tid %d mode %d filters %d\n", tid, m[0], m[1])
	}
}

// modes parses what printModes printed: mode by thread.
func modes(out string) map[int]int {
	m := map[int]int{}
	for _, l := range strings.Split(out, "\n") {
		var tid, mode, filters int
		if n, _ := fmt.Sscanf(l, "tid %d mode %d filters %d", &tid, &mode, &filters); n == 3 {
			m[tid] = mode
		}
	}
	return m
}

func init() {
	loadCases.Add("default", func() error {
		release := lockedThreads(8)
		defer release()
		f, err := deny1001()
		if err != nil {
			return err
		}
		if err := f.Load(); err != nil {
			return err
		}
		nnp, _ := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
		fmt.Printf("nnp %d\n", nnp)
		fmt.Printf("call 1001: errno %d\n", call1001())
		printModes()
		return nil
	})
}

// TestLoad: by default Load sets no_new_privs and installs the filter on
// every thread (TSYNC).
func TestLoad(t *testing.T) {
	needKernel(t, 2)
	out := runLoadCase(t, "default")
	if !strings.Contains(out, "nnp 1") || !strings.Contains(out, "call 1001: errno 77") {
		t.Fatalf("%s", out)
	}
	m := modes(out)
	if len(m) < 9 {
		t.Fatalf("only %d threads:\n%s", len(m), out)
	}
	for tid, mode := range m {
		if mode != 2 {
			t.Errorf("thread %d in mode %d, want 2 (filter)", tid, mode)
		}
	}
}

func init() {
	loadCases.Add("thread-only", func() error {
		release := lockedThreads(4)
		defer release()
		f, err := deny1001()
		if err != nil {
			return err
		}
		// Reset turns TSYNC off, as libseccomp's seccomp_reset does.
		if err := f.Reset(seccomp.ActAllow); err != nil {
			return err
		}
		if err := f.AddRule(1001, seccomp.ActErrno.SetReturnCode(77)); err != nil {
			return err
		}
		return loadOnThisThread(f)
	})
}

// loadOnThisThread loads f from a locked thread and prints what
// checkThreadOnly reads: that thread and its mode, what call 1001 gets,
// every thread's mode.
func loadOnThisThread(f *seccomp.ScmpFilter) error {
	runtime.LockOSThread()
	if err := f.Load(); err != nil {
		return err
	}
	fmt.Printf("self %d mode %s\n", unix.Gettid(), statusField("Seccomp"))
	fmt.Printf("call 1001: errno %d\n", call1001())
	printModes()
	return nil
}

// TestLoadThreadOnly: without TSYNC the filter is on the calling thread
// only.
func TestLoadThreadOnly(t *testing.T) {
	needKernel(t, 2)
	checkThreadOnly(t, runLoadCase(t, "thread-only"))
}

// checkThreadOnly checks a case's output: the filter (answering 1001 with
// errno 77) on the thread that loaded it, and at least 4 threads without.
func checkThreadOnly(t *testing.T, out string) {
	t.Helper()
	var self int
	var selfMode string
	for _, l := range strings.Split(out, "\n") {
		fmt.Sscanf(l, "self %d mode %s", &self, &selfMode)
	}
	if selfMode != "2" || !strings.Contains(out, "call 1001: errno 77") {
		t.Fatalf("%s", out)
	}
	unfiltered := 0
	for tid, mode := range modes(out) {
		if tid != self && mode == 0 {
			unfiltered++
		}
	}
	if unfiltered < 4 {
		t.Errorf("only %d threads without the filter:\n%s", unfiltered, out)
	}
}

func init() {
	loadCases.Add("api1-thread-only", func() error {
		if err := seccomp.SetAPI(1); err != nil {
			return err
		}
		release := lockedThreads(4)
		defer release()
		// NewFilter asks for TSYNC, which level 1 does not have: it is
		// left off, as libseccomp-golang leaves it (ENOTSUP ignored).
		f, err := deny1001()
		if err != nil {
			return err
		}
		return loadOnThisThread(f)
	})
}

// TestLoadAPI1ThreadOnly: at API level 1 (no seccomp(2), so no TSYNC)
// Load uses prctl(PR_SET_SECCOMP) and filters the calling thread only, as
// libseccomp does, though NewFilter asked for TSYNC. (libseccomp-golang's
// TestRuleAddAndLoad aborts there, in both packages: glibc's setreuid finds
// the threads disagreeing.)
func TestLoadAPI1ThreadOnly(t *testing.T) {
	needKernel(t, 2)
	checkThreadOnly(t, runLoadCase(t, "api1-thread-only"))
}

func init() {
	loadCases.Add("no-nnp", func() error {
		f, err := deny1001()
		if err != nil {
			return err
		}
		if err := f.SetNoNewPrivsBit(false); err != nil {
			return err
		}
		if err := f.Load(); err != nil {
			return err
		}
		nnp, _ := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
		fmt.Printf("nnp %d call 1001: errno %d\n", nnp, call1001())
		return nil
	})
	loadCases.Add("no-nnp-unprivileged", func() error {
		// Without CAP_SYS_ADMIN the kernel needs no_new_privs.
		if err := syscall.Setresuid(65534, 65534, 65534); err != nil {
			return err
		}
		for _, raw := range []bool{false, true} {
			f, err := deny1001()
			if err != nil {
				return err
			}
			f.SetNoNewPrivsBit(false)
			f.SetRawRC(raw)
			fmt.Printf("raw %v: %v\n", raw, f.Load())
		}
		fmt.Printf("mode %s\n", statusField("Seccomp"))
		return nil
	})
}

// TestLoadNoNewPrivs: SetNoNewPrivsBit(false) leaves no_new_privs alone
// for a privileged process, and fails (ECANCELED, or the kernel's EACCES
// with SetRawRC) for an unprivileged one, changing nothing.
func TestLoadNoNewPrivs(t *testing.T) {
	needKernel(t, 2)
	if os.Geteuid() != 0 {
		t.Skip("needs root (CAP_SYS_ADMIN, and to change uid)")
	}
	if out := runLoadCase(t, "no-nnp"); !strings.Contains(out, "nnp 0 call 1001: errno 77") {
		t.Errorf("%s", out)
	}
	out := runLoadCase(t, "no-nnp-unprivileged")
	for _, want := range []string{"raw false: operation canceled", "raw true: permission denied", "mode 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in\n%s", want, out)
		}
	}
}

func init() {
	loadCases.Add("attributes", func() error {
		f, err := deny1001()
		if err != nil {
			return err
		}
		for _, err := range []error{f.SetLogBit(true), f.SetOptimize(2), f.SetRawRC(true), f.SetBadArchAction(seccomp.ActErrno.SetReturnCode(78)), f.Precompute()} {
			if err != nil {
				return err
			}
		}
		if err := f.Load(); err != nil {
			return err
		}
		fmt.Printf("call 1001: errno %d\n", call1001())
		// A call of another ABI: x32 (numbers with the x32 bit), not
		// covered: the bad-arch action.
		_, _, errno := syscall.RawSyscall(0x40000000+39, 0, 0, 0)
		fmt.Printf("x32 getpid: errno %d\n", errno)
		return nil
	})
	loadCases.Add("ssb", func() error {
		f, err := deny1001()
		if err != nil {
			return err
		}
		ssb := os.Getenv("LIBSECCOMP_SSB") == "1"
		if err := f.SetSSB(ssb); err != nil {
			return err
		}
		runtime.LockOSThread()
		if err := f.Load(); err != nil {
			return err
		}
		fmt.Printf("ssb %v: %s\n", ssb, statusField("Speculation_Store_Bypass"))
		return nil
	})
}

// TestLoadAttributes: LOG, the binary-tree layout, RawRC, the bad-arch
// action and Precompute all load, and decide.
func TestLoadAttributes(t *testing.T) {
	needKernel(t, 3)
	out := runLoadCase(t, "attributes")
	for _, want := range []string{"call 1001: errno 77", "x32 getpid: errno 78"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in\n%s", want, out)
		}
	}
}

// TestLoadSSB: without SetSSB a seccomp filter makes the kernel mitigate
// speculative store bypass (where it does so for seccomp); with it, not.
func TestLoadSSB(t *testing.T) {
	needKernel(t, 4)
	run := func(ssb string) string {
		cmd := loadCases.Command("TestLoadHelper", "ssb", "LIBSECCOMP_SSB="+ssb)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return string(out)
	}
	without, with := run("0"), run("1")
	if !strings.Contains(without, "force mitigated") {
		t.Skipf("this kernel or CPU does not mitigate speculative store bypass for seccomp: %s", without)
	}
	if strings.Contains(with, "force mitigated") {
		t.Errorf("SetSSB(true) still mitigated: %s", with)
	}
}

func init() {
	loadCases.Add("tsync-esrch", func() error {
		// A thread with a filter of its own: the others cannot be
		// synchronized with it.
		ready, done := make(chan error), make(chan struct{})
		go func() {
			runtime.LockOSThread()
			f, err := deny1001()
			if err == nil {
				err = f.Reset(seccomp.ActAllow) // no TSYNC
			}
			if err == nil {
				err = f.AddRule(1002, seccomp.ActErrno.SetReturnCode(5))
			}
			if err == nil {
				err = f.Load()
			}
			ready <- err
			<-done
		}()
		if err := <-ready; err != nil {
			return err
		}
		f, err := deny1001()
		if err != nil {
			return err
		}
		fmt.Printf("load: %v\n", f.Load())
		fmt.Printf("call 1001: errno %d\n", call1001())
		close(done)
		return nil
	})
}

// TestLoadTSyncFailure: a thread that cannot take the filter: ESRCH, and
// nothing installed.
func TestLoadTSyncFailure(t *testing.T) {
	needKernel(t, 2)
	out := runLoadCase(t, "tsync-esrch")
	for _, want := range []string{"load: no such process", "call 1001: errno 38"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in\n%s", want, out)
		}
	}
}

func init() {
	loadCases.Add("api", func() error {
		for _, l := range []uint{0, 8} {
			fmt.Printf("SetAPI(%d): %v\n", l, seccomp.SetAPI(l))
		}
		if err := seccomp.SetAPI(2); err != nil {
			return err
		}
		l, err := seccomp.GetAPI()
		fmt.Printf("GetAPI: %d %v\n", l, err)
		_, err = seccomp.NewFilter(seccomp.ActLog)
		fmt.Printf("NewFilter(ActLog): %v\n", err)
		_, err = seccomp.NewFilter(seccomp.ActKillProcess)
		fmt.Printf("NewFilter(ActKillProcess): %v\n", err)
		f, err := seccomp.NewFilter(seccomp.ActAllow)
		if err != nil {
			return err
		}
		fmt.Printf("SetLogBit: %v\n", f.SetLogBit(true))
		fmt.Printf("SetSSB: %v\n", f.SetSSB(true))
		fmt.Printf("AddRule(ActNotify): %v\n", f.AddRule(1001, seccomp.ActNotify))
		_, err = f.GetNotifFd()
		fmt.Printf("GetNotifFd: %v\n", err)
		_, err = seccomp.NotifReceive(3)
		var ve *seccomp.VersionError
		fmt.Printf("NotifReceive: version error %v\n", errors.As(err, &ve))
		// libseccomp 2.6's seccomp_precompute, seccomp_export_bpf_mem and
		// transactions ask nothing of the kernel: no API level gates them.
		fmt.Printf("Precompute at 2: %v\n", f.Precompute())
		_, err = f.ExportBPFMem()
		fmt.Printf("ExportBPFMem at 2: %v\n", err)
		fmt.Printf("TransactionStart at 2: %v\n", f.TransactionStart())
		fmt.Printf("TransactionCommit at 2: %v\n", f.TransactionCommit())
		if err := seccomp.SetAPI(7); err != nil {
			return err
		}
		l, _ = seccomp.GetAPI()
		fmt.Printf("GetAPI after SetAPI(7): %d\n", l)
		fmt.Printf("SetLogBit at 7: %v\n", f.SetLogBit(true))
		return nil
	})
}

// TestSetAPI: SetAPI forces a level, and what needs a higher one fails as
// libseccomp-golang fails.
func TestSetAPI(t *testing.T) {
	needKernel(t, 3)
	out := runLoadCase(t, "api")
	for _, want := range []string{
		"SetAPI(0): could not set API level: invalid argument",
		"SetAPI(8): could not set API level: invalid argument",
		"GetAPI: 2 <nil>",
		"NewFilter(ActLog): could not create filter",
		"NewFilter(ActKillProcess): could not create filter",
		"SetLogBit: SetLogBit requires libseccomp >= 2.4.0 and API level >= 3 (current version: 2.6.0, API level: 2)",
		"SetSSB: SetSSB requires libseccomp >= 2.5.0 and API level >= 4 (current version: 2.6.0, API level: 2)",
		"AddRule(ActNotify): two checks on same syscall argument", // EINVAL: no NOTIFY at level 2
		"GetNotifFd: seccomp notification requires libseccomp >= 2.5.0 and API level >= 6 (current version: 2.6.0, API level: 2)",
		"NotifReceive: version error true",
		"Precompute at 2: <nil>",
		"ExportBPFMem at 2: <nil>",
		"TransactionStart at 2: <nil>",
		"TransactionCommit at 2: <nil>",
		"GetAPI after SetAPI(7): 7",
		"SetLogBit at 7: <nil>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in\n%s", want, out)
		}
	}
}

func init() {
	loadCases.Add("notify", func() error {
		f, err := seccomp.NewFilter(seccomp.ActAllow)
		if err != nil {
			return err
		}
		if fd, err := f.GetNotifFd(); err != nil || fd != -14 {
			return fmt.Errorf("GetNotifFd before Load: %d %v", fd, err)
		}
		chdir, _ := seccomp.GetSyscallFromName("chdir")
		if err := f.AddRule(chdir, seccomp.ActNotify); err != nil {
			return err
		}
		if os.Getenv("LIBSECCOMP_WAITKILL") == "1" {
			if err := f.SetWaitKill(true); err != nil {
				return err
			}
		}
		if err := f.Load(); err != nil {
			return err
		}
		fd, err := f.GetNotifFd()
		if err != nil || fd < 3 {
			return fmt.Errorf("GetNotifFd: %d %v", fd, err)
		}
		cwd, _ := os.Getwd()
		missing, _ := syscall.BytePtrFromString("/non-existent-path")
		here, _ := syscall.BytePtrFromString(cwd)
		type step struct {
			path *byte
			resp seccomp.ScmpNotifResp
		}
		steps := []step{
			{missing, seccomp.ScmpNotifResp{Flags: seccomp.NotifRespFlagContinue}},
			{here, seccomp.ScmpNotifResp{Flags: seccomp.NotifRespFlagContinue}},
			{missing, seccomp.ScmpNotifResp{Error: int32(syscall.ENOMEDIUM)}},
			{here, seccomp.ScmpNotifResp{Val: 7}},
		}
		results := make(chan string)
		go func() {
			for _, s := range steps {
				r, _, errno := syscall.Syscall(syscall.SYS_CHDIR, uintptr(unsafe.Pointer(s.path)), 0, 0)
				results <- fmt.Sprintf("chdir: ret %d errno %d", int(r), errno)
			}
		}()
		for i, s := range steps {
			req, err := seccomp.NotifReceive(fd)
			if err != nil {
				return err
			}
			native, _ := seccomp.GetNativeArch()
			fmt.Printf("step %d: syscall ok %v arch ok %v arg ok %v pid ok %v\n", i, req.Data.Syscall == chdir,
				req.Data.Arch == native, req.Data.Args[0] == uint64(uintptr(unsafe.Pointer(s.path))), req.Pid != 0)
			fmt.Printf("step %d: valid %v\n", i, seccomp.NotifIDValid(fd, req.ID))
			resp := s.resp
			resp.ID = req.ID
			fmt.Printf("step %d: respond %v\n", i, seccomp.NotifRespond(fd, &resp))
			fmt.Printf("step %d: %s\n", i, <-results)
			fmt.Printf("step %d: valid after %v\n", i, seccomp.NotifIDValid(fd, req.ID))
		}
		// A second filter with ActNotify gets no listener of its own.
		g, err := seccomp.NewFilter(seccomp.ActAllow)
		if err != nil {
			return err
		}
		if err := g.AddRule(1001, seccomp.ActNotify); err != nil {
			return err
		}
		if err := g.Load(); err != nil {
			return err
		}
		fd2, err := g.GetNotifFd()
		fmt.Printf("second filter's fd is the first's: %v %v\n", fd2 == fd, err)
		bad := &seccomp.ScmpNotifResp{ID: 1, Flags: 2}
		fmt.Printf("unknown flags: %v\n", seccomp.NotifRespond(fd, bad))
		return nil
	})
}

// TestNotify is libseccomp-golang's TestNotif: a supervisor in the process
// answers chdir for a goroutine, with CONTINUE, an errno and a value, and
// checks that notifications are live until answered.
func TestNotify(t *testing.T) {
	needKernel(t, 6)
	for _, waitKill := range []string{"0", "1"} {
		if waitKill == "1" {
			if l, _ := seccomp.GetAPI(); l < 7 {
				continue
			}
		}
		cmd := loadCases.Command("TestLoadHelper", "notify", "LIBSECCOMP_WAITKILL="+waitKill)
		b, err := cmd.CombinedOutput()
		out := string(b)
		if err != nil {
			t.Fatalf("wait-kill %s: %v\n%s", waitKill, err, out)
		}
		for i, want := range []string{"ret -1 errno 2", "ret 0 errno 0", "ret -1 errno 123", "ret 7 errno 0"} {
			for _, w := range []string{
				fmt.Sprintf("step %d: syscall ok true arch ok true arg ok true pid ok true", i),
				fmt.Sprintf("step %d: valid <nil>", i),
				fmt.Sprintf("step %d: respond <nil>", i),
				fmt.Sprintf("step %d: chdir: %s", i, want),
				fmt.Sprintf("step %d: valid after no such file or directory", i),
			} {
				if !strings.Contains(out, w) {
					t.Errorf("wait-kill %s: want %q in\n%s", waitKill, w, out)
				}
			}
		}
		for _, w := range []string{"second filter's fd is the first's: true <nil>", "unknown flags: operation canceled"} {
			if !strings.Contains(out, w) {
				t.Errorf("want %q in\n%s", w, out)
			}
		}
	}
}
