//go:build linux

package kerneltest

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp/internal/procfs"
)

// envHelper is set in the environment of helper processes.
const envHelper = "SECCOMP_KERNELTEST_HELPER"

// Helper turns the running test into a helper process when Start started
// it, and returns at once otherwise. Call it first thing in the helper test
// (the one Start names):
//
//	func TestKernelHelper(t *testing.T) { kerneltest.Helper() }
//
// In a helper process it serves requests until the parent closes the pipe,
// then ends the process; it never returns.
func Helper() {
	if os.Getenv(envHelper) != "1" {
		return
	}
	os.Exit(serve())
}

type opcode int

const (
	opInfo opcode = iota + 1
	opAttach
	opFill
	opLoad
	opRun
)

type request struct {
	Op       opcode
	Lengths  []int                  // opAttach: lengths of the ALLOW filters to attach
	Flags    uintptr                // opAttach: seccomp flags
	Progs    [][]bpf.RawInstruction // opLoad, opAttach (instead of Lengths)
	Jobs     []Job                  // opRun
	Parallel int                    // opLoad, opRun: threads at work at once
}

// Job is a program to install on a fresh thread and the calls to make from
// that thread, in order. If a call kills the thread, the remaining calls are
// made from another fresh thread with the same program.
type Job struct {
	Prog  []bpf.RawInstruction
	Calls []Call
	// RealCalls allows calls the kernel implements. The caller answers for
	// what they do to the helper process (they run unless the program
	// denies them); without it, only numbers TestNr accepts are called.
	RealCalls bool
}

// JobResult is what a Job gave: one Outcome per call, or the errno with
// which the kernel refused to install the program.
type JobResult struct {
	Outcomes     []Outcome
	InstallErrno unix.Errno
}

// Attach is the result of one attempt to attach a filter.
type Attach struct {
	Len   int
	Ret   uintptr // raw result: 0 on success; with TSYNC a positive TID on failure
	Errno unix.Errno
}

// OK reports whether the filter was attached.
func (a Attach) OK() bool { return a.Ret == 0 && a.Errno == 0 }

// Info describes a helper process.
type Info struct {
	Pid         int
	Mode        int        // Seccomp: from /proc/self/status (0 none, 1 strict, 2 filter)
	Filters     int        // Seccomp_filters: (-1 when the kernel does not say)
	ActionAvail unix.Errno // seccomp(SECCOMP_GET_ACTION_AVAIL, ALLOW): 0 when filters are supported
}

type response struct {
	Err      string
	Info     Info
	Attached []Attach
	Errnos   []unix.Errno
	Results  []JobResult
	Kills    int // threads killed in this helper so far
}

type helper struct {
	attached []int // translated lengths of the filters this helper attached
	full     bool  // the filter budget is used up: loads cannot attach
	kills    atomic.Int64
}

func serve() int {
	// The serving goroutine keeps its thread: attach installs filters on it.
	runtime.LockOSThread()
	if runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
	in, out := os.NewFile(3, "kerneltest-requests"), os.NewFile(4, "kerneltest-responses")
	if in == nil || out == nil {
		fmt.Fprintln(os.Stderr, "kerneltest: helper started without its pipes")
		return 2
	}
	dec := gob.NewDecoder(bufio.NewReader(in))
	bw := bufio.NewWriter(out)
	enc := gob.NewEncoder(bw)
	h := &helper{}
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return 0
			}
			fmt.Fprintln(os.Stderr, "kerneltest: helper:", err)
			return 2
		}
		resp := h.handle(&req)
		resp.Kills = int(h.kills.Load())
		if err := enc.Encode(resp); err != nil {
			fmt.Fprintln(os.Stderr, "kerneltest: helper:", err)
			return 2
		}
		if err := bw.Flush(); err != nil {
			fmt.Fprintln(os.Stderr, "kerneltest: helper:", err)
			return 2
		}
	}
}

func (h *helper) handle(req *request) *response {
	resp := &response{}
	var err error
	switch req.Op {
	case opInfo:
		resp.Info, err = info()
	case opAttach:
		progs := req.Progs
		if progs == nil {
			for _, n := range req.Lengths {
				progs = append(progs, AllowFilter(n))
			}
		}
		resp.Attached, err = h.attach(progs, req.Flags)
	case opFill:
		resp.Attached, err = h.fill()
	case opLoad:
		resp.Errnos, err = h.load(req.Progs, req.Parallel)
	case opRun:
		resp.Results, err = h.run(req.Jobs, req.Parallel)
	default:
		err = fmt.Errorf("unknown request %d", req.Op)
	}
	if err != nil {
		resp.Err = err.Error()
	}
	return resp
}

func info() (Info, error) {
	in := Info{Pid: os.Getpid(), Filters: -1}
	s, err := procfs.ReadStatus("/proc/self/status")
	if err != nil {
		return in, err
	}
	in.Mode, _ = s.Int("Seccomp")
	if n, ok := s.Int("Seccomp_filters"); ok {
		in.Filters = n
	}
	in.ActionAvail = actionAvail(retAllow)
	return in, nil
}

func (h *helper) attach(progs [][]bpf.RawInstruction, flags uintptr) ([]Attach, error) {
	if e := setNoNewPrivs(); e != 0 {
		return nil, fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", e)
	}
	res := make([]Attach, len(progs))
	for i, p := range progs {
		r, e := seccompFilter(p, flags, true)
		res[i] = Attach{Len: len(p), Ret: r, Errno: e}
		if res[i].OK() {
			h.attached = append(h.attached, TranslatedLen(p))
		}
	}
	return res, nil
}

// fill attaches ALLOW filters with TSYNC until not even a one-instruction
// filter fits: 4096-instruction filters while they fit, then one filter
// that takes exactly the room they left (see TranslatedLen: 7 x 4096 +
// 4036 on a thread that had no filter), then, in case the model is off or
// inherited filters took some room, filters of halving lengths.
func (h *helper) fill() ([]Attach, error) {
	if e := setNoNewPrivs(); e != 0 {
		return nil, fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", e)
	}
	var res []Attach
	try := func(n int) (bool, error) {
		r, e := seccompFilter(AllowFilter(n), unix.SECCOMP_FILTER_FLAG_TSYNC, true)
		a := Attach{Len: n, Ret: r, Errno: e}
		res = append(res, a)
		if a.OK() {
			h.attached = append(h.attached, TranslatedLen(AllowFilter(n)))
			return true, nil
		}
		if e != unix.ENOMEM {
			return false, fmt.Errorf("attaching an ALLOW filter of %d instructions: ret %d, errno %d (%v)", n, r, int(e), e)
		}
		return false, nil
	}
	for {
		ok, err := try(maxInsns)
		if err != nil {
			return res, err
		}
		if !ok {
			break
		}
	}
	room := MaxStack - (TranslatedLen(AllowFilter(1)) - 1) // what the new filter's own length may be
	for _, n := range h.attached {
		room -= n + StackPenalty
	}
	if room >= 1 && room < maxInsns {
		if _, err := try(room); err != nil {
			return res, err
		}
	}
	for n := maxInsns / 2; n >= 1; n /= 2 {
		for {
			ok, err := try(n)
			if err != nil {
				return res, err
			}
			if !ok {
				break
			}
		}
	}
	h.full = true // the last try, of one instruction, got ENOMEM
	return res, nil
}

// load asks the kernel to load each program, on threads whose filter
// budget is full, and returns the errnos: ENOMEM for a program the kernel
// accepted (and then could not attach), EINVAL for one it refused.
func (h *helper) load(progs [][]bpf.RawInstruction, parallel int) ([]unix.Errno, error) {
	if !h.full {
		return nil, errors.New("load before fill: a valid program would be attached")
	}
	for i, p := range progs {
		if len(p) > 0xffff {
			return nil, fmt.Errorf("program %d: %d instructions do not fit sock_fprog.len", i, len(p))
		}
	}
	res := make([]unix.Errno, len(progs))
	var next atomic.Int64
	var attached atomic.Int64
	attached.Store(-1)
	var wg sync.WaitGroup
	for range max(parallel, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A thread of its own, thrown away afterwards: if a load ever
			// attached a filter after all, only this thread would carry it.
			runtime.LockOSThread()
			if err := blockSignals(); err != nil {
				panic(err)
			}
			for {
				i := int(next.Add(1) - 1)
				if i >= len(progs) {
					return
				}
				r, e := seccompFilter(progs[i], 0, false)
				if r == 0 && e == 0 {
					attached.CompareAndSwap(-1, int64(i))
					return
				}
				res[i] = e
			}
		}()
	}
	wg.Wait()
	if i := attached.Load(); i >= 0 {
		return nil, fmt.Errorf("program %d was attached: the filter budget was not full", i)
	}
	return res, nil
}

func (h *helper) run(jobs []Job, parallel int) ([]JobResult, error) {
	for i, j := range jobs {
		if len(j.Prog) > 0xffff {
			return nil, fmt.Errorf("job %d: %d instructions do not fit sock_fprog.len", i, len(j.Prog))
		}
		for _, c := range j.Calls {
			if !j.RealCalls && !TestNr(c.Nr) {
				return nil, fmt.Errorf("job %d: refusing to make system call %d: it may be implemented", i, c.Nr)
			}
		}
	}
	res := make([]JobResult, len(jobs))
	errs := make([]error, len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(parallel, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				res[i], errs[i] = h.runJob(jobs[i])
			}
		}()
	}
	wg.Wait()
	return res, errors.Join(errs...)
}

// workerTimeout bounds how long a worker thread may take for its calls.
const workerTimeout = 2 * time.Minute

func (h *helper) runJob(j Job) (JobResult, error) {
	res := JobResult{Outcomes: make([]Outcome, len(j.Calls))}
	start := 0
	for first := true; first || start < len(j.Calls); first = false {
		w := &worker{prog: j.Prog, calls: j.Calls[start:], out: make([]Outcome, len(j.Calls)-start), ready: make(chan struct{})}
		efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
		if err != nil {
			return res, fmt.Errorf("eventfd: %w", err)
		}
		w.efd = efd
		go w.run()
		killed, err := w.wait(workerTimeout)
		unix.Close(efd)
		if err != nil {
			return res, err
		}
		if w.state.Load() == stateInstallFailed {
			res.InstallErrno = unix.Errno(w.installErrno.Load())
			return res, nil
		}
		n := int(w.done.Load())
		copy(res.Outcomes[start:], w.out[:n])
		start += n
		if killed {
			h.kills.Add(1)
			res.Outcomes[start] = Outcome{Killed: true}
			start++
		}
	}
	return res, nil
}

const (
	stateRunning = iota
	stateFinished
	stateInstallFailed
)

// worker is one thread that installs a program and makes calls under it.
type worker struct {
	prog  []bpf.RawInstruction
	calls []Call
	out   []Outcome // out[:done] are valid once done is loaded

	done         atomic.Int32
	state        atomic.Int32
	installErrno atomic.Int32

	ready chan struct{} // closed when tid and pidfd are set
	tid   int
	pidfd int // -1 when the kernel has no thread pidfds (before 6.9)
	efd   int // eventfd the worker writes when it is done, killed threads never
}

func (w *worker) run() {
	// Never unlocked: when the goroutine ends, its thread ends with it, and
	// the filter with the thread.
	runtime.LockOSThread()
	w.tid = unix.Gettid()
	w.pidfd = -1
	if fd, err := unix.PidfdOpen(w.tid, unix.PIDFD_THREAD); err == nil {
		w.pidfd = fd
	}
	close(w.ready)
	if err := blockSignals(); err != nil {
		w.fail(unix.Errno(0))
		return
	}
	if e := setNoNewPrivs(); e != 0 {
		w.fail(e)
		return
	}
	// Raw: nothing may run between the install and the first call.
	if r, e := seccompFilter(w.prog, 0, true); r != 0 || e != 0 {
		w.fail(e)
		return
	}
	for i, c := range w.calls {
		w.out[i] = call(c)
		w.done.Store(int32(i + 1))
	}
	w.state.Store(stateFinished)
	w.notify()
}

func (w *worker) fail(e unix.Errno) {
	w.installErrno.Store(int32(e))
	w.state.Store(stateInstallFailed)
	w.notify()
}

// notify tells wait that the worker is done. The state is stored first;
// the write is the worker's last use of the eventfd, so wait may close it
// as soon as it is readable.
func (w *worker) notify() {
	one := [8]byte{1}
	unix.Write(w.efd, one[:])
}

// wait waits until the worker is done or its thread is gone, and reports
// whether the thread died before it was done. It notices a thread's death
// through the thread's pidfd at once, or by looking at /proc every 10ms
// (kernels without thread pidfds, and the thread group leader, which stays
// a zombie while other threads live and so never signals its pidfd).
func (w *worker) wait(timeout time.Duration) (killed bool, err error) {
	<-w.ready
	fds := []unix.PollFd{{Fd: int32(w.efd), Events: unix.POLLIN}}
	if w.pidfd >= 0 {
		fds = append(fds, unix.PollFd{Fd: int32(w.pidfd), Events: unix.POLLIN})
		defer unix.Close(w.pidfd)
	}
	deadline := time.Now().Add(timeout)
	for {
		n, err := unix.Poll(fds, 10)
		if err != nil && err != unix.EINTR {
			return false, fmt.Errorf("poll: %w", err)
		}
		if n > 0 && fds[0].Revents != 0 {
			return false, nil
		}
		gone := n > 0 && len(fds) > 1 && fds[1].Revents != 0
		if !gone && n <= 0 {
			gone = threadGone(w.tid)
		}
		if gone {
			// A thread that finished wrote the eventfd before it exited,
			// unless its own filter refused the write (a program gated
			// on the instruction pointer judges every call the worker
			// makes through the syscall package): then it stored its
			// state first.
			if k, err := unix.Poll(fds[:1], 0); err == nil && k > 0 {
				return false, nil
			}
			return w.state.Load() == stateRunning, nil
		}
		if time.Now().After(deadline) {
			return false, fmt.Errorf("worker thread %d neither finished nor died within %v", w.tid, timeout)
		}
	}
}
