package seccomp_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/childcase"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/profile"
)

// The dump tests start target processes (the test binary run again, see
// childcase) that install known filters and wait, then dump them from the
// test process and compare with what was installed.

var dumpCases = childcase.New("SECCOMP_DUMP_CASE")

// TestDumpHelper runs a case in a child process; it does nothing in a
// normal run.
func TestDumpHelper(t *testing.T) { dumpCases.Helper(t) }

// allowN is a filter of n instructions that allows everything: n-1 loads
// of the number and RET ALLOW. Lengths tell the filters apart.
func allowN(n int) seccomp.Program {
	p := make(seccomp.Program, n)
	for i := range p {
		p[i] = seccomp.Program{{Op: 0x20, K: 0}}[0]
	}
	p[n-1] = seccomp.Program{{Op: 0x06, K: uint32(seccomp.ActAllow)}}[0]
	return p
}

// dockerDefault is Docker's default profile compiled for this machine.
func dockerDefault() (seccomp.Program, error) {
	native, err := seccomp.NativeArch()
	if err != nil {
		return nil, err
	}
	r, err := profile.Load(profile.DefaultJSON(), profile.Options{Arch: native})
	if err != nil {
		return nil, err
	}
	return r.Compile()
}

// thread starts a goroutine locked to a thread of its own, which runs
// setup, prints "tid ROLE TID" and stays until end is closed. The thread is
// never the main thread, which the Go runtime does not let end.
func thread(role string, setup func() error, end chan struct{}) error {
	errc := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if unix.Gettid() == os.Getpid() {
			// Keep the main thread busy and try again.
			go func() { errc <- thread(role, setup, end) }()
			select {}
		}
		if err := setup(); err != nil {
			errc <- err
			return
		}
		fmt.Printf("tid %s %d\n", role, unix.Gettid())
		errc <- nil
		<-end
	}()
	return <-errc
}

func init() {
	// A target: installs the filters of SECCOMP_DUMP_MODE, prints "ready",
	// then answers "ping" with "pong" and "end ROLE" by ending that
	// thread, until its input ends.
	dumpCases.Add("target", func() error {
		ends := map[string]chan struct{}{}
		start := func(role string, setup func() error) error {
			ends[role] = make(chan struct{})
			return thread(role, setup, ends[role])
		}
		none := func() error { return nil }
		only := func(p seccomp.Program, flags seccomp.FilterFlag) func() error {
			return func() error {
				return seccomp.Install(p, seccomp.InstallOptions{ThisThreadOnly: true, Flags: flags})
			}
		}
		var err error
		switch os.Getenv("SECCOMP_DUMP_MODE") {
		case "none":
			err = start("plain", none)
		case "one":
			err = seccomp.Install(allowN(2), seccomp.InstallOptions{})
		case "stacked":
			err = errors.Join(
				seccomp.Install(allowN(2), seccomp.InstallOptions{}),
				seccomp.Install(allowN(3), seccomp.InstallOptions{Flags: seccomp.FlagLog}),
				seccomp.Install(allowN(4), seccomp.InstallOptions{}))
		case "perthread":
			err = errors.Join(
				seccomp.Install(allowN(2), seccomp.InstallOptions{}),
				start("plain", none),
				start("b", only(allowN(3), 0)),
				start("c", only(allowN(4), seccomp.FlagLog)),
				start("b2", only(allowN(3), 0)))
		case "strict":
			// A thread in strict mode may only read, write, _exit and
			// sigreturn: it enters it and blocks in a read that never
			// ends, while this goroutine waits for the kernel to show
			// the mode.
			tidc := make(chan int)
			go func() {
				runtime.LockOSThread()
				var p [2]int
				if err := syscall.Pipe(p[:]); err != nil {
					panic(err)
				}
				tidc <- unix.Gettid()
				if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, unix.PR_SET_SECCOMP, 1, 0); e != 0 {
					panic(e)
				}
				var b [1]byte
				syscall.Syscall(syscall.SYS_READ, uintptr(p[0]), uintptr(unsafe.Pointer(&b[0])), 1)
			}()
			tid := <-tidc
			for {
				b, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/status", tid))
				if err != nil {
					return err
				}
				if strings.Contains(string(b), "\nSeccomp:\t1\n") {
					break
				}
				runtime.Gosched()
			}
			fmt.Printf("tid strict %d\n", tid)
		case "docker":
			var p seccomp.Program
			if p, err = dockerDefault(); err == nil {
				err = seccomp.Install(p, seccomp.InstallOptions{})
			}
		case "threads":
			err = seccomp.Install(allowN(2), seccomp.InstallOptions{})
			for i := range 6 {
				err = errors.Join(err, start(fmt.Sprint("t", i), none))
			}
			err = errors.Join(err, start("leaver", none))
		default:
			return errors.New("unknown SECCOMP_DUMP_MODE")
		}
		if err != nil {
			return err
		}
		fmt.Println("ready")
		in := bufio.NewScanner(os.Stdin)
		for in.Scan() {
			switch cmd, arg, _ := strings.Cut(in.Text(), " "); cmd {
			case "ping":
				fmt.Println("pong")
			case "end":
				close(ends[arg])
				fmt.Println("ended", arg)
			}
		}
		return nil
	})

	// A process that traces the target SECCOMP_DUMP_PID and waits.
	dumpCases.Add("tracer", func() error {
		runtime.LockOSThread()
		pid, _ := strconv.Atoi(os.Getenv("SECCOMP_DUMP_PID"))
		if err := unix.PtraceSeize(pid); err != nil {
			return err
		}
		fmt.Println("tracing")
		io.Copy(io.Discard, os.Stdin)
		return nil
	})

	// Dumps SECCOMP_DUMP_PID without CAP_SYS_ADMIN, or from under a
	// filter (SECCOMP_DUMP_HOW: nocap or filtered).
	dumpCases.Add("dumper", func() error {
		runtime.LockOSThread() // capabilities and filters are per thread; Dump stays on this one
		pid, _ := strconv.Atoi(os.Getenv("SECCOMP_DUMP_PID"))
		switch os.Getenv("SECCOMP_DUMP_HOW") {
		case "nocap":
			hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
			var data [2]unix.CapUserData
			if err := unix.Capget(&hdr, &data[0]); err != nil {
				return err
			}
			data[0].Effective &^= 1 << unix.CAP_SYS_ADMIN
			if err := unix.Capset(&hdr, &data[0]); err != nil {
				return err
			}
		case "filtered":
			if err := seccomp.Install(allowN(2), seccomp.InstallOptions{ThisThreadOnly: true}); err != nil {
				return err
			}
		}
		_, err := seccomp.Dump(pid)
		fmt.Printf("privilege error: %v\n%v\n", errors.Is(err, seccomp.ErrDumpPrivilege), err)
		return nil
	})
}

// target is a running target process.
type target struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
	roles map[string]int
}

func skipUnlessDump(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("reading filters needs CAP_SYS_ADMIN: run as root")
	}
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("the targets need a native arch")
	}
	if ok, err := seccomp.FlagSupported(seccomp.FlagTSync); err != nil || !ok {
		kernelskip.Skipf(t, "no seccomp filters here: %v", err)
	}
}

func startTarget(t *testing.T, mode string) *target {
	t.Helper()
	tg := &target{t: t, roles: map[string]int{}}
	tg.cmd = dumpCases.Command("TestDumpHelper", "target", "SECCOMP_DUMP_MODE="+mode)
	tg.cmd.Stderr = os.Stderr
	var err error
	if tg.stdin, err = tg.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := tg.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tg.cmd.Process.Kill(); tg.cmd.Wait() })
	tg.out = bufio.NewScanner(stdout)
	for {
		line := tg.line()
		if line == "ready" {
			return tg
		}
		var role string
		var tid int
		if n, _ := fmt.Sscanf(line, "tid %s %d", &role, &tid); n == 2 {
			tg.roles[role] = tid
		}
	}
}

func (tg *target) line() string {
	tg.t.Helper()
	if !tg.out.Scan() {
		tg.t.Fatalf("target ended: %v", tg.out.Err())
	}
	return tg.out.Text()
}

// send sends a command and checks the answer: the target is running.
func (tg *target) send(cmd, want string) {
	tg.t.Helper()
	fmt.Fprintln(tg.stdin, cmd)
	if got := tg.line(); got != want {
		tg.t.Fatalf("target answered %q to %q, want %q", got, cmd, want)
	}
}

// checkReleased checks that no thread of pid is traced or stopped by a
// tracer, and that the target still answers.
func (tg *target) checkReleased() {
	tg.t.Helper()
	pid := tg.cmd.Process.Pid
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		tg.t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/status", pid, e.Name()))
		if err != nil {
			continue
		}
		s := string(b)
		if !strings.Contains(s, "\nTracerPid:\t0\n") || strings.Contains(s, "tracing stop") {
			tg.t.Errorf("thread %s is still traced or stopped:\n%s", e.Name(), s)
		}
	}
	tg.send("ping", "pong")
}

func tids(t *testing.T, pid int) []int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range ents {
		n, _ := strconv.Atoi(e.Name())
		out = append(out, n)
	}
	return out
}

// mustDump dumps pid, again until its threads stay the same during the
// dump (the Go runtime may start one at any time), and checks that the
// dump has them all.
func mustDump(t *testing.T, pid int) *seccomp.ProcessFilters {
	t.Helper()
	for {
		before := tids(t, pid)
		d, err := seccomp.Dump(pid)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(before, tids(t, pid)) {
			continue
		}
		var got []int
		for _, th := range d.Threads {
			got = append(got, th.Tid)
		}
		if d.Pid != pid || !slices.Equal(got, before) {
			t.Fatalf("dump of %d: threads %v, the process has %v", pid, got, before)
		}
		return d
	}
}

// wantStack checks a thread's stack: the programs and flags, oldest first.
func wantStack(t *testing.T, th seccomp.ThreadFilters, progs []seccomp.Program, flags []seccomp.FilterFlag) {
	t.Helper()
	if len(th.Stack) != len(progs) || th.Mode != 2 || th.Count != len(progs) || !th.NoNewPrivs {
		t.Errorf("thread %d: mode %d, count %d, nnp %v, %d filters; want mode 2, %d filters and no_new_privs", th.Tid, th.Mode, th.Count, th.NoNewPrivs, len(th.Stack), len(progs))
		return
	}
	for i, f := range th.Stack {
		if f.Program.String() != progs[i].String() || f.Flags != flags[i] || f.Position != i {
			t.Errorf("thread %d, filter %d: %d instructions, flags %v, position %d; want %d instructions, flags %v", th.Tid, i, len(f.Program), f.Flags, f.Position, len(progs[i]), flags[i])
		}
	}
}

func TestDumpStacks(t *testing.T) {
	skipUnlessDump(t)
	docker, err := dockerDefault()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		mode  string
		progs []seccomp.Program
		flags []seccomp.FilterFlag
	}{
		{"one", []seccomp.Program{allowN(2)}, []seccomp.FilterFlag{0}},
		{"stacked", []seccomp.Program{allowN(2), allowN(3), allowN(4)}, []seccomp.FilterFlag{0, seccomp.FlagLog, 0}},
		{"docker", []seccomp.Program{docker}, []seccomp.FilterFlag{0}},
	} {
		t.Run(c.mode, func(t *testing.T) {
			tg := startTarget(t, c.mode)
			pid := tg.cmd.Process.Pid
			d := mustDump(t, pid)
			for _, th := range d.Threads {
				wantStack(t, th, c.progs, c.flags)
			}
			// Filters attached with TSYNC are shared by every thread.
			if len(d.Filters) != len(c.progs) {
				t.Fatalf("%d distinct filters, want %d", len(d.Filters), len(c.progs))
			}
			for i, f := range d.Filters {
				if f.Position != i || len(f.Threads) != len(d.Threads) || d.Threads[0].Stack[i] != f {
					t.Errorf("filter %d: position %d, threads %v", i, f.Position, f.Threads)
				}
			}
			tg.checkReleased()
		})
	}
}

func TestDumpPerThread(t *testing.T) {
	skipUnlessDump(t)
	tg := startTarget(t, "perthread")
	d := mustDump(t, tg.cmd.Process.Pid)
	a, b, c := allowN(2), allowN(3), allowN(4)
	for _, th := range d.Threads {
		switch th.Tid {
		case tg.roles["b"], tg.roles["b2"]:
			wantStack(t, th, []seccomp.Program{a, b}, []seccomp.FilterFlag{0, 0})
		case tg.roles["c"]:
			wantStack(t, th, []seccomp.Program{a, c}, []seccomp.FilterFlag{0, seccomp.FlagLog})
		default:
			wantStack(t, th, []seccomp.Program{a}, []seccomp.FilterFlag{0})
		}
	}
	// a for all; b for b and b2, which attached identical filters each on
	// its own (Dump cannot tell them from one filter); c for c.
	if len(d.Filters) != 3 {
		t.Fatalf("%d distinct filters, want 3: %+v", len(d.Filters), d.Filters)
	}
	bThreads := []int{tg.roles["b"], tg.roles["b2"]}
	if bThreads[0] > bThreads[1] {
		bThreads[0], bThreads[1] = bThreads[1], bThreads[0]
	}
	for _, f := range d.Filters {
		switch len(f.Program) {
		case 2:
			if len(f.Threads) != len(d.Threads) || f.Position != 0 {
				t.Errorf("a: %+v", f)
			}
		case 3:
			if fmt.Sprint(f.Threads) != fmt.Sprint(bThreads) || f.Position != 1 || f.Flags != 0 {
				t.Errorf("b: threads %v, want %v", f.Threads, bThreads)
			}
		case 4:
			if fmt.Sprint(f.Threads) != fmt.Sprint([]int{tg.roles["c"]}) || f.Position != 1 || f.Flags != seccomp.FlagLog {
				t.Errorf("c: %+v", f)
			}
		}
	}
	tg.checkReleased()
}

func TestDumpWithoutFilters(t *testing.T) {
	skipUnlessDump(t)
	for _, mode := range []string{"none", "strict"} {
		t.Run(mode, func(t *testing.T) {
			tg := startTarget(t, mode)
			d := mustDump(t, tg.cmd.Process.Pid)
			if len(d.Filters) != 0 {
				t.Errorf("%d filters", len(d.Filters))
			}
			for _, th := range d.Threads {
				want := 0
				if th.Tid == tg.roles["strict"] {
					want = 1
				}
				if th.Mode != want || len(th.Stack) != 0 || th.Count != 0 {
					t.Errorf("thread %d: mode %d, count %d, %d filters; want mode %d and none", th.Tid, th.Mode, th.Count, len(th.Stack), want)
				}
			}
			tg.checkReleased()
		})
	}
}

// TestDumpPrivilege dumps from a child without CAP_SYS_ADMIN, and from one
// under a filter: the kernel would refuse both, and the error says why.
func TestDumpPrivilege(t *testing.T) {
	skipUnlessDump(t)
	tg := startTarget(t, "one")
	for how, want := range map[string]string{
		"nocap":    "has not got CAP_SYS_ADMIN",
		"filtered": "runs under seccomp itself",
	} {
		cmd := dumpCases.Command("TestDumpHelper", "dumper", "SECCOMP_DUMP_HOW="+how, fmt.Sprint("SECCOMP_DUMP_PID=", tg.cmd.Process.Pid))
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "privilege error: true") || !strings.Contains(string(out), want) {
			t.Errorf("%s: %v\n%s", how, err, out)
		}
	}
	tg.checkReleased()
}

func TestDumpRefusals(t *testing.T) {
	skipUnlessDump(t)
	check := func(name string, pid int, want string, is error) {
		t.Helper()
		_, err := seccomp.Dump(pid)
		if err == nil || !strings.Contains(err.Error(), want) || (is != nil && !errors.Is(err, is)) {
			t.Errorf("%s: %v; want an error with %q", name, err, want)
		}
	}
	check("no such process", 1<<22+1, "the process is gone", os.ErrProcessDone)
	check("itself", os.Getpid(), "cannot dump itself", nil)
	check("zero", 0, "not a process id", nil)
	// A kernel thread, if this PID namespace shows one.
	if pid := kernelThread(); pid > 0 {
		check("kernel thread", pid, "kernel thread", nil)
	}
	// A thread id instead of a process id.
	tg := startTarget(t, "threads")
	for _, tid := range tids(t, tg.cmd.Process.Pid) {
		if tid != tg.cmd.Process.Pid {
			check("thread id", tid, fmt.Sprintf("thread of process %d", tg.cmd.Process.Pid), nil)
			break
		}
	}

	// A target already traced by another process.
	tracer := dumpCases.Command("TestDumpHelper", "tracer", fmt.Sprint("SECCOMP_DUMP_PID=", tg.cmd.Process.Pid))
	tin, _ := tracer.StdinPipe()
	tout, _ := tracer.StdoutPipe()
	tracer.Stderr = os.Stderr
	if err := tracer.Start(); err != nil {
		t.Fatal(err)
	}
	if s := bufio.NewScanner(tout); !s.Scan() || s.Text() != "tracing" {
		t.Fatalf("tracer: %q", s.Text())
	}
	check("traced", tg.cmd.Process.Pid, fmt.Sprintf("already traced by process %d (seccomp.test)", tracer.Process.Pid), syscall.EPERM)
	tin.Close()
	if err := tracer.Wait(); err != nil {
		t.Fatal(err)
	}
	tg.checkReleased()
	mustDump(t, tg.cmd.Process.Pid) // the tracer is gone: now it can be read
	tg.checkReleased()
}

// kernelThread returns the id of a kernel thread, or 0.
func kernelThread() int {
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if flags, _ := strconv.ParseUint(f[6], 10, 64); flags&0x00200000 != 0 {
			return pid
		}
	}
	return 0
}

// TestDumpTargetExits kills the target while Dump has stopped one of its
// threads: Dump fails cleanly, and the target's exit status is still its
// parent's to collect.
func TestDumpTargetExits(t *testing.T) {
	skipUnlessDump(t)
	tg := startTarget(t, "threads")
	pid := tg.cmd.Process.Pid
	defer seccomp.SetDumpHook(func(stage string, tid int) {
		if stage == "stopped" {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})()
	_, err := seccomp.Dump(pid)
	if !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("Dump of a process killed during the dump: %v; want an error wrapping os.ErrProcessDone", err)
	}
	err = tg.cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("the target's parent got %v, want its death by SIGKILL", err)
	}
}

// TestDumpThreadExits ends one thread of the target after Dump listed the
// threads: Dump leaves it out, reads the others and releases them.
func TestDumpThreadExits(t *testing.T) {
	skipUnlessDump(t)
	tg := startTarget(t, "threads")
	pid, leaver := tg.cmd.Process.Pid, tg.roles["leaver"]
	restore := seccomp.SetDumpHook(func(stage string, tid int) {
		if stage != "listed" {
			return
		}
		tg.send("end leaver", "ended leaver")
		for {
			if _, err := os.Stat(fmt.Sprintf("/proc/%d/task/%d", pid, leaver)); err != nil {
				return
			}
			runtime.Gosched()
		}
	})
	d, err := seccomp.Dump(pid)
	restore()
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range d.Threads {
		if th.Tid == leaver {
			t.Errorf("the thread that ended is in the dump")
		}
		wantStack(t, th, []seccomp.Program{allowN(2)}, []seccomp.FilterFlag{0})
	}
	if len(d.Threads) < 6 {
		t.Errorf("%d threads dumped, want the 6 that stayed and more", len(d.Threads))
	}
	tg.checkReleased()
}

// TestDumpStopped dumps a target that SIGSTOP stopped: it stays stopped,
// untraced, and runs again on SIGCONT.
func TestDumpStopped(t *testing.T) {
	skipUnlessDump(t)
	tg := startTarget(t, "one")
	pid := tg.cmd.Process.Pid
	state := func() string {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	syscall.Kill(pid, syscall.SIGSTOP)
	for !strings.Contains(state(), "State:\tT (stopped)") {
		runtime.Gosched()
	}
	d := mustDump(t, pid)
	for _, th := range d.Threads {
		wantStack(t, th, []seccomp.Program{allowN(2)}, []seccomp.FilterFlag{0})
	}
	// A detached thread is woken to go back to its group-stop: wait until
	// none is running any more, then all must be stopped and untraced.
	for {
		running := false
		for _, tid := range tids(t, pid) {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/status", pid, tid))
			if err != nil {
				t.Fatal(err)
			}
			s := string(b)
			running = running || strings.Contains(s, "State:\tR")
			if !strings.Contains(s, "State:\tT (stopped)") && !strings.Contains(s, "State:\tR") || !strings.Contains(s, "\nTracerPid:\t0\n") {
				t.Fatalf("after the dump, thread %d of the stopped target is not stopped and untraced:\n%s", tid, s)
			}
		}
		if !running {
			break
		}
		runtime.Gosched()
	}
	syscall.Kill(pid, syscall.SIGCONT)
	tg.checkReleased()
}
