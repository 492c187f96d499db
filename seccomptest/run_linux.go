//go:build linux

package seccomptest

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/procfs"
)

// envRun marks a child started by Run; only Main looks at it.
const envRun = "SECCOMPTEST_RUN"

// The child gets a shared file (fd 3) and the read end of a pipe (fd 4).
// The file holds the request (at 0: its length, 4 bytes, then JSON) and the
// child's report (at repOff, mapped by the child before it installs the
// filter, so that reporting takes no system call the filter could deny:
// byte 0 is 1 once the filter is installed, byte 1 once the child is about
// to install it; bytes 4-8 the length of the JSON report that follows). The child waits for a byte on the pipe, which
// the parent sends once it traces the child.
const (
	repOff    = 128 << 10
	repSize   = 256 << 10
	maxOutput = 1 << 20
)

type request struct {
	Name  string
	Flags seccomp.FilterFlag
	Prog  []byte // raw, host byte order
}

type report struct {
	Stage       string // "nofunc", "request", "install", "returned", "panicked"
	Err         string
	Unsupported bool
	Panic       string
	Stack       string
}

// Child exit statuses (the report says the same).
const (
	exitReturnedErr = 1
	exitPanicked    = 2
	exitInstall     = 3
	exitSetup       = 4
)

// runChild is the child's side of Run; it returns the exit status.
func runChild() int {
	mem, err := unix.Mmap(3, repOff, repSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		fmt.Fprintf(os.Stderr, "seccomptest: child: mapping the report: %v\n", err)
		return exitSetup
	}
	put := func(r report) {
		b, _ := json.Marshal(r)
		for len(b) > repSize-8 && r.Stack != "" {
			r.Stack = r.Stack[:len(r.Stack)/2]
			b, _ = json.Marshal(r)
		}
		if len(b) <= repSize-8 {
			copy(mem[8:], b)
			binary.NativeEndian.PutUint32(mem[4:], uint32(len(b)))
		}
	}
	shared, goPipe := os.NewFile(3, "seccomptest-shared"), os.NewFile(4, "seccomptest-go")
	var req request
	var n [4]byte
	if _, err := shared.ReadAt(n[:], 0); err != nil {
		put(report{Stage: "request", Err: err.Error()})
		return exitSetup
	}
	b := make([]byte, binary.NativeEndian.Uint32(n[:]))
	if _, err := shared.ReadAt(b, 4); err != nil {
		put(report{Stage: "request", Err: err.Error()})
		return exitSetup
	}
	if err := json.Unmarshal(b, &req); err != nil {
		put(report{Stage: "request", Err: err.Error()})
		return exitSetup
	}
	f := lookup(req.Name)
	if f == nil {
		put(report{Stage: "nofunc", Err: fmt.Sprintf("no function registered as %q in the child", req.Name)})
		return exitSetup
	}
	prog, err := seccomp.ParseRaw(req.Prog)
	if err != nil {
		put(report{Stage: "request", Err: err.Error()})
		return exitSetup
	}
	// No core dumps: 1 is the limit the kernel takes as "none" for file
	// and pipe core patterns alike.
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_CORE, &rl) == nil {
		rl.Cur = min(rl.Cur, 1)
		unix.Setrlimit(unix.RLIMIT_CORE, &rl)
	}
	var one [1]byte
	goPipe.Read(one[:]) // the parent traces the child now (or gave up)
	goPipe.Close()
	shared.Close()
	mem[1] = 1 // installing (the parent reads it once the child is gone)
	if err := seccomp.Install(prog, seccomp.InstallOptions{Flags: req.Flags}); err != nil {
		put(report{Stage: "install", Err: err.Error(), Unsupported: installUnsupported(err)})
		return exitInstall
	}
	mem[0] = 1 // installed
	rep, code := call(f.fn)
	put(rep)
	return code
}

// installUnsupported reports whether err, from installing a verified
// program, means this kernel or sandbox does not let filters be used.
func installUnsupported(err error) bool {
	var fe *seccomp.FlagError
	if errors.As(err, &fe) {
		return false
	}
	for _, e := range []error{syscall.ENOSYS, syscall.EINVAL, syscall.EACCES, syscall.EPERM, errors.ErrUnsupported} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// call runs fn, catching a panic.
func call(fn func() error) (rep report, code int) {
	defer func() {
		if v := recover(); v != nil {
			rep = report{Stage: "panicked", Panic: fmt.Sprint(v), Stack: string(debug.Stack())}
			code = exitPanicked
		}
	}()
	if err := fn(); err != nil {
		return report{Stage: "returned", Err: err.Error()}, exitReturnedErr
	}
	return report{Stage: "returned"}, 0
}

func run(p seccomp.Program, f *Func, o Options) (*Result, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("seccomptest: Run: finding the test binary: %w", err)
	}
	raw, err := p.MarshalBinary()
	if err != nil {
		return nil, err
	}
	reqJSON, err := json.Marshal(request{Name: f.name, Flags: o.Flags, Prog: raw})
	if err != nil {
		return nil, err
	}
	shared, err := tempFile()
	if err != nil {
		return nil, err
	}
	defer shared.Close()
	var n [4]byte
	binary.NativeEndian.PutUint32(n[:], uint32(len(reqJSON)))
	if _, err := shared.WriteAt(append(n[:], reqJSON...), 0); err != nil {
		return nil, fmt.Errorf("seccomptest: Run: %w", err)
	}
	if err := shared.Truncate(repOff + repSize); err != nil {
		return nil, fmt.Errorf("seccomptest: Run: %w", err)
	}
	out, err := tempFile()
	if err != nil {
		return nil, err
	}
	defer out.Close()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	goR, goW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer goW.Close()

	// ptrace is per thread: the thread that seizes the child must be the
	// one that waits for it and restarts it. It also starts the child, so
	// that the child's parent-death signal fires only if it exits.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	proc, err := os.StartProcess(exe, append([]string{exe}, childArgs...), &os.ProcAttr{
		Env:   append(os.Environ(), envRun+"=1"),
		Files: []*os.File{devnull, out, out, shared, goR},
		Sys:   &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL},
	})
	goR.Close()
	if err != nil {
		return nil, fmt.Errorf("seccomptest: Run: starting the child: %w", err)
	}
	var mu sync.Mutex
	released := false
	kill := func() {
		mu.Lock()
		if !released {
			proc.Signal(os.Kill)
		}
		mu.Unlock()
	}
	defer func() {
		mu.Lock()
		released = true
		proc.Release()
		mu.Unlock()
	}()

	res := &Result{ExitCode: -1}
	var tr *tracer
	if !o.NoTrace {
		native, _ := seccomp.NativeArch()
		tr = &tracer{pid: proc.Pid, emu: seccomp.MustEmulator(p), native: native, threads: map[int]bool{}, kill: kill}
		if err := tr.seize(); err != nil {
			if len(tr.threads) > 0 {
				kill()
				tr.wait()
				return nil, fmt.Errorf("seccomptest: Run: tracing the child: %w", err)
			}
			res.Untraced = err.Error()
			tr = nil
		}
	}
	goW.Write([]byte{1})
	goW.Close()
	var timedOut atomic.Bool
	timer := time.AfterFunc(o.Timeout, func() {
		timedOut.Store(true)
		kill()
	})
	var ws unix.WaitStatus
	if tr != nil {
		ws, err = tr.wait()
	} else {
		for {
			_, err = unix.Wait4(proc.Pid, &ws, 0, nil)
			if err != unix.EINTR {
				break
			}
		}
	}
	timer.Stop()
	if err != nil {
		kill()
		return nil, fmt.Errorf("seccomptest: Run: waiting for the child: %w", err)
	}

	res.TimedOut = timedOut.Load()
	res.Output = readTail(out, maxOutput)
	switch {
	case ws.Exited():
		res.ExitCode = ws.ExitStatus()
	case ws.Signaled():
		res.Signal = ws.Signal()
	}
	if tr != nil {
		res.ThreadKilled = tr.threadKilled
		if s := tr.sigsys; s != nil && (res.Signal == syscall.SIGSYS || tr.threadKilled || s.Action.Kind() == seccomp.ActTrap) {
			res.SIGSYS = s
		}
	}
	var hdr [8]byte
	if _, err := shared.ReadAt(hdr[:], repOff); err != nil {
		return nil, fmt.Errorf("seccomptest: Run: reading the report: %w", err)
	}
	res.Installed = hdr[0] == 1
	var rep report
	if l := binary.NativeEndian.Uint32(hdr[4:]); l > 0 && l <= repSize-8 {
		b := make([]byte, l)
		if _, err := shared.ReadAt(b, repOff+8); err == nil {
			json.Unmarshal(b, &rep)
		}
	}
	switch rep.Stage {
	case "returned":
		res.Returned, res.Err = true, rep.Err
	case "panicked":
		res.Panic, res.Stack = rep.Panic, rep.Stack
	case "install":
		if rep.Unsupported {
			return nil, fmt.Errorf("%w: installing the filter in the child: %s", ErrUnsupported, rep.Err)
		}
		return nil, fmt.Errorf("seccomptest: Run: installing the filter in the child: %s", rep.Err)
	case "nofunc", "request":
		return nil, fmt.Errorf("seccomptest: Run: in the child: %s", rep.Err)
	}
	if !res.Installed && !res.TimedOut {
		if hdr[1] == 1 {
			return nil, fmt.Errorf("seccomptest: Run: the child ended (%s) while installing the filter, or just after: the filter may refuse calls that the Go runtime (or the race detector's) makes on every thread; its output:\n%s", describeStatus(ws), res.Output)
		}
		return nil, fmt.Errorf("seccomptest: Run: the child ended (%s) before installing the filter%s; its output:\n%s", describeStatus(ws), mainHint, res.Output)
	}
	return res, nil
}

func describeStatus(ws unix.WaitStatus) string {
	if ws.Signaled() {
		return "killed by " + signalName(ws.Signal())
	}
	return fmt.Sprintf("exit status %d", ws.ExitStatus())
}

// tempFile returns a new temporary file, already unlinked.
func tempFile() (*os.File, error) {
	f, err := os.CreateTemp("", "seccomptest-*")
	if err != nil {
		return nil, fmt.Errorf("seccomptest: Run: %w", err)
	}
	os.Remove(f.Name())
	return f, nil
}

// readTail returns the last max bytes of f.
func readTail(f *os.File, limit int64) string {
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	off := max(st.Size()-limit, 0)
	b, _ := io.ReadAll(io.NewSectionReader(f, off, st.Size()-off))
	return string(b)
}

// tracer follows a child with ptrace to learn which call a SIGSYS came
// from. Its methods must run on the thread that seized the child.
type tracer struct {
	pid          int
	emu          *seccomp.Emulator
	native       *seccomp.Arch
	threads      map[int]bool // seized threads (and those reported by clone events)
	sigsys       *Syscall
	threadKilled bool
	kill         func()
}

const traceOptions = unix.PTRACE_O_TRACECLONE | unix.PTRACE_O_TRACEEXIT | unix.PTRACE_O_EXITKILL

func ptrace(req int, pid int, addr, data uintptr) error {
	_, _, e := unix.Syscall6(unix.SYS_PTRACE, uintptr(req), uintptr(pid), addr, data, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// seize attaches to every thread of the child, again and again until no
// new thread shows up (threads that the seized ones start are attached by
// the kernel: PTRACE_O_TRACECLONE).
func (t *tracer) seize() error {
	for {
		tids, err := procfs.Threads(t.pid)
		if err != nil {
			return nil // the child is gone: wait collects it
		}
		added := 0
		for _, tid := range tids {
			if t.threads[tid] {
				continue
			}
			err := ptrace(unix.PTRACE_SEIZE, tid, 0, traceOptions)
			switch {
			case err == nil:
			case err == unix.ESRCH:
				continue
			case err == unix.EPERM && tracerOf(t.pid, tid) == unix.Gettid():
				// attached already, as a thread a seized one started
			default:
				return fmt.Errorf("PTRACE_SEIZE of thread %d: %w", tid, err)
			}
			t.threads[tid] = true
			added++
		}
		if added == 0 {
			return nil
		}
	}
}

// wait follows the child until its thread group leader is reaped, and
// returns the leader's (the process's) wait status.
func (t *tracer) wait() (unix.WaitStatus, error) {
	for {
		var ws unix.WaitStatus
		// The child leads a process group of its own: this waits for its
		// threads, as their tracer, and for it, as its parent, and for no
		// other child of this process.
		wpid, err := unix.Wait4(-t.pid, &ws, unix.WALL, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		switch {
		case ws.Exited() || ws.Signaled():
			delete(t.threads, wpid)
			if wpid == t.pid {
				return ws, nil
			}
		case ws.Stopped():
			t.stopped(wpid, ws)
		}
	}
}

// stopped handles a ptrace-stop of thread tid and restarts the thread.
func (t *tracer) stopped(tid int, ws unix.WaitStatus) {
	sig := ws.StopSignal()
	inject := 0
	switch uint32(ws) >> 16 {
	case unix.PTRACE_EVENT_CLONE:
		if msg, err := unix.PtraceGetEventMsg(tid); err == nil {
			t.threads[int(msg)] = true
		}
	case unix.PTRACE_EVENT_EXIT:
		t.exiting(tid)
	case unix.PTRACE_EVENT_STOP:
		if sig != unix.SIGTRAP {
			// A group-stop (SIGSTOP and the like): stay stopped, as
			// without a tracer, until SIGCONT.
			ptrace(unix.PTRACE_LISTEN, tid, 0, 0)
			return
		}
	case 0:
		if sig == unix.SIGSYS {
			t.trapped(tid)
		}
		inject = int(sig)
	}
	ptrace(unix.PTRACE_CONT, tid, 0, uintptr(inject))
}

// trapped reads the siginfo of a SIGSYS about to be delivered to tid: for a
// seccomp TRAP it holds the call's number, arch and address.
func (t *tracer) trapped(tid int) {
	var si unix.Siginfo
	if ptrace(unix.PTRACE_GETSIGINFO, tid, 0, uintptr(unsafe.Pointer(&si))) != nil || si.Code != sysSeccomp || t.sigsys != nil {
		return
	}
	// The SIGSYS fields of siginfo: void *call_addr; int syscall;
	// unsigned int arch, after signo, errno, code and padding.
	raw := (*[unsafe.Sizeof(si)]byte)(unsafe.Pointer(&si))[:]
	d := seccomp.Data{
		InstructionPointer: binary.NativeEndian.Uint64(raw[16:]),
		Nr:                 int32(binary.NativeEndian.Uint32(raw[24:])),
		Arch:               seccomp.AuditArch(binary.NativeEndian.Uint32(raw[28:])),
	}
	if c, ok := callRegs(tid); ok && int32(c.nr) == d.Nr {
		d.Args = c.args
	}
	t.sigsys = &Syscall{Name: syscallName(t.native, d.Nr), Data: d, Action: seccomp.Trap(uint16(si.Errno)), Thread: tid}
}

// sysSeccomp is si_code SYS_SECCOMP.
const sysSeccomp = 1

// exiting looks at the registers of thread tid as it exits: if they hold a
// call the program kills, with the marks the kernel leaves on a killed
// call (its registers rolled back, or the return value still -ENOSYS as
// set at entry), that call killed it.
func (t *tracer) exiting(tid int) {
	if t.sigsys != nil || t.native == nil {
		return
	}
	c, ok := callRegs(tid)
	if !ok || c.nr == -1 || (c.ret != c.nr && c.ret != -int64(unix.ENOSYS)) {
		return
	}
	d := seccomp.Data{Nr: int32(c.nr), Arch: t.native.AuditArch, InstructionPointer: c.ip, Args: c.args}
	a := t.emu.Action(d)
	switch a.Kind() {
	case seccomp.ActKillProcess, seccomp.ActKillThread:
	default:
		return
	}
	t.sigsys = &Syscall{Name: syscallName(t.native, d.Nr), Data: d, Action: a, Thread: tid}
	if a.Kind() == seccomp.ActKillThread && c.ret == -int64(unix.ENOSYS) {
		// One thread killed, the others live on: a Go program is wedged.
		t.threadKilled = true
		t.kill()
	}
}

// tracerOf returns the TracerPid of thread tid of process pid: the id of
// the thread that traces it (0 if none or unknown).
func tracerOf(pid, tid int) int {
	s, err := procfs.ReadStatus(procfs.StatusPath(pid, tid))
	if err != nil {
		return 0
	}
	n, _ := s.Int("TracerPid")
	return n
}

// callInfo is what a tracee's registers say about its current (or last)
// system call: its number (-1 when none), the return register, the address
// after the system call instruction, and the arguments.
type callInfo struct {
	nr, ret int64
	ip      uint64
	args    [6]uint64
}
