//go:build linux

package seccomp

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp/internal/procfs"
)

// dumpHook, set by tests, is called after the first listing of the threads
// ("listed", 0) and after each thread is stopped ("stopped", tid), on the
// dumping thread.
var dumpHook func(stage string, tid int)

// taskStatus is what Dump reads from /proc/PID/task/TID/status.
type taskStatus struct {
	tgid, tracer int
	mode, count  int
	nnp          bool
}

func readTaskStatus(pid, tid int) (taskStatus, error) {
	path := procfs.StatusPath(pid, tid)
	s, err := procfs.ReadStatus(path)
	if err != nil {
		return taskStatus{}, err
	}
	st := taskStatus{mode: -1, count: -1}
	st.tgid, _ = s.Int("Tgid")
	st.tracer, _ = s.Int("TracerPid")
	if n, ok := s.Int("Seccomp"); ok {
		st.mode = n
	}
	if n, ok := s.Int("Seccomp_filters"); ok {
		st.count = n
	}
	nnp, _ := s.Int("NoNewPrivs")
	st.nnp = nnp == 1
	if st.mode < 0 {
		return st, fmt.Errorf("%s: no Seccomp field: the kernel has no seccomp", path)
	}
	return st, nil
}

// procStat is what Dump needs from /proc/PID/stat.
type procStat struct {
	state byte
	ppid  int
	flags uint64
}

func readProcStat(pid int) (procStat, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	// After the command: state ppid pgrp session tty_nr tpgid flags ...
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 7 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	st := procStat{state: f[0][0]}
	st.ppid, _ = strconv.Atoi(f[1])
	st.flags, _ = strconv.ParseUint(f[6], 10, 64)
	return st, nil
}

// pfKthread is PF_KTHREAD in the flags of /proc/PID/stat.
const pfKthread = 0x00200000

// checkDumpPrivilege says why this process cannot read filters, if it can
// tell: the kernel requires CAP_SYS_ADMIN (in the initial user namespace,
// which it checks itself) and no seccomp on the reader.
func checkDumpPrivilege() error {
	s, err := procfs.ReadStatus("/proc/thread-self/status")
	if err != nil {
		return nil // the kernel will say
	}
	if caps, err := strconv.ParseUint(s["CapEff"], 16, 64); err == nil && caps&(1<<unix.CAP_SYS_ADMIN) == 0 {
		return fmt.Errorf("%w: this process has not got CAP_SYS_ADMIN (run it as root)", ErrDumpPrivilege)
	}
	if mode, ok := s["Seccomp"]; ok && mode != "0" {
		return fmt.Errorf("%w: this process runs under seccomp itself (mode %s)", ErrDumpPrivilege, mode)
	}
	return nil
}

// si_code values of SIGCHLD (CLD_*).
const (
	cldExited = 1
	cldKilled = 2
	cldDumped = 3
)

// errThreadGone is a thread that exited while Dump looked at it.
var errThreadGone = errors.New("thread gone")

// dumper holds the threads Dump has seized. Its methods run on the locked
// thread that seized them.
type dumper struct {
	pid      int
	ourChild bool                   // pid is a child of this process
	seized   map[int]syscall.Signal // seized threads: the signal to re-deliver on detach
}

func rawPtrace(req int, tid int, addr, data uintptr) (uintptr, error) {
	r, _, e := unix.Syscall6(unix.SYS_PTRACE, uintptr(req), uintptr(tid), addr, data, 0, 0)
	if e != 0 {
		return r, e
	}
	return r, nil
}

// stop seizes thread tid and waits until it is stopped.
func (d *dumper) stop(tid int) error {
	if _, err := rawPtrace(unix.PTRACE_SEIZE, tid, 0, 0); err != nil {
		switch {
		case err == unix.ESRCH:
			return errThreadGone
		case err == unix.EPERM && taskGone(d.pid, tid):
			return errThreadGone // exiting: the kernel refuses to attach to it
		case err == unix.EPERM:
			st, _ := readTaskStatus(d.pid, tid)
			// TracerPid is the tracing thread: name its process.
			if tr, err := readTaskStatus(st.tracer, st.tracer); err == nil && st.tracer != 0 {
				st.tracer = tr.tgid
			}
			switch {
			case st.tracer == os.Getpid():
				return dumpError(d.pid, "thread %d is already traced by this process (another dump at the same time?): %w", tid, err)
			case st.tracer != 0:
				return dumpError(d.pid, "thread %d is already traced by process %d%s: a thread has one tracer at a time (a debugger, strace, a test kit or another dump): %w", tid, st.tracer, commOf(st.tracer), err)
			}
			return dumpError(d.pid, "not allowed to trace thread %d: it belongs to another user or is not dumpable, or ptrace is restricted here (Yama ptrace_scope, a security module, a seccomp filter): tracing it needs CAP_SYS_PTRACE: %w", tid, err)
		}
		return dumpError(d.pid, "PTRACE_SEIZE of thread %d: %w", tid, err)
	}
	d.seized[tid] = 0
	if _, err := rawPtrace(unix.PTRACE_INTERRUPT, tid, 0, 0); err != nil && err != unix.ESRCH {
		return dumpError(d.pid, "PTRACE_INTERRUPT of thread %d: %w", tid, err)
	}
	ws, err := d.wait(tid)
	if err != nil {
		return err
	}
	if uint32(ws)>>16 == 0 {
		// A signal-delivery-stop came first: the signal goes back on detach.
		d.seized[tid] = ws.StopSignal()
	}
	return nil
}

// wait waits for the next stop of tracee tid and consumes it. If tid exits
// instead, it returns errThreadGone and forgets tid; the exit is consumed
// (which hands a process's exit to its real parent) unless tid leads a
// process that is this process's own child, whose exit is its parent's to
// collect.
func (d *dumper) wait(tid int) (unix.WaitStatus, error) {
	for {
		var si unix.Siginfo
		err := unix.Waitid(unix.P_PID, tid, &si, unix.WEXITED|unix.WSTOPPED|unix.WALL|unix.WNOWAIT, nil)
		if err == unix.EINTR {
			continue
		}
		if err == unix.ECHILD {
			delete(d.seized, tid)
			return 0, errThreadGone
		}
		if err != nil {
			return 0, dumpError(d.pid, "waiting for thread %d: %w", tid, err)
		}
		switch si.Code {
		case cldExited, cldKilled, cldDumped:
			if tid != d.pid || !d.ourChild {
				var ws unix.WaitStatus
				unix.Wait4(tid, &ws, unix.WALL|unix.WNOHANG, nil)
			}
			delete(d.seized, tid)
			return 0, errThreadGone
		}
		var ws unix.WaitStatus
		if _, err := unix.Wait4(tid, &ws, unix.WALL, nil); err != nil {
			if err == unix.EINTR {
				continue
			}
			return 0, dumpError(d.pid, "waiting for thread %d: %w", tid, err)
		}
		if ws.Stopped() {
			return ws, nil
		}
	}
}

// release detaches every seized thread. One that cannot be detached is
// dying (a stopped tracee leaves its stop only when killed): its exit is
// waited for.
func (d *dumper) release() {
	for tid, sig := range d.seized {
		for {
			_, err := rawPtrace(unix.PTRACE_DETACH, tid, 0, uintptr(sig))
			if err == nil {
				delete(d.seized, tid)
				break
			}
			if _, err := d.wait(tid); err != nil {
				delete(d.seized, tid)
				break
			}
		}
	}
}

// seccompMetadata is struct seccomp_metadata.
type seccompMetadata struct {
	filterOff uint64
	flags     uint64
}

// readFilters reads the filters of the stopped thread tid, oldest first.
func (d *dumper) readFilters(tid int) (threadStack, error) {
	var st threadStack
	for i := 0; ; i++ {
		n, err := rawPtrace(unix.PTRACE_SECCOMP_GET_FILTER, tid, uintptr(i), 0)
		if err == nil && (n == 0 || n > MaxInstructions) {
			err = fmt.Errorf("the kernel reports %d instructions", n)
		}
		if err != nil {
			return st, d.filterError(tid, i, err)
		}
		p := make(Program, n)
		if _, err := rawPtrace(unix.PTRACE_SECCOMP_GET_FILTER, tid, uintptr(i), uintptr(unsafe.Pointer(&p[0]))); err != nil {
			return st, d.filterError(tid, i, err)
		}
		runtime.KeepAlive(p)
		md := seccompMetadata{filterOff: uint64(i)}
		var flags FilterFlag
		_, err = rawPtrace(unix.PTRACE_SECCOMP_GET_METADATA, tid, unsafe.Sizeof(md), uintptr(unsafe.Pointer(&md)))
		switch {
		case err == nil:
			if md.flags&unix.SECCOMP_FILTER_FLAG_LOG != 0 {
				flags |= FlagLog
			}
		case err == unix.EIO: // before Linux 4.16: no flags to read
		default:
			return st, d.filterError(tid, i, err)
		}
		st.progs = append(st.progs, p)
		st.flags = append(st.flags, flags)
	}
}

// filterError turns the errno of reading filter i of tid into an error;
// ENOENT (no filter i) ends the stack and is nil.
func (d *dumper) filterError(tid, i int, err error) error {
	switch err {
	case unix.ENOENT:
		return nil
	case unix.EINVAL:
		if i == 0 {
			return nil // not in filter mode any more: nothing to read
		}
	case unix.ESRCH:
		return errThreadGone
	case unix.EACCES:
		return dumpError(d.pid, "%w: the kernel refused (CAP_SYS_ADMIN is checked in the initial user namespace)", ErrDumpPrivilege)
	case unix.EIO:
		return dumpError(d.pid, "this kernel cannot read filters back (it lacks CONFIG_CHECKPOINT_RESTORE or is older than 4.4): %w", err)
	case unix.EMEDIUMTYPE:
		return dumpError(d.pid, "thread %d: the kernel kept no copy of filter %d: %w", tid, i, err)
	}
	return dumpError(d.pid, "thread %d: reading filter %d: %w", tid, i, err)
}

// taskGone reports whether thread tid of pid has exited or is exiting.
func taskGone(pid, tid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/stat", pid, tid))
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return true
	}
	return b[i+2] == 'Z' || b[i+2] == 'X' || b[i+2] == 'x'
}

func commOf(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return ""
	}
	return " (" + strings.TrimSpace(string(b)) + ")"
}

func gone(pid int) error {
	return dumpError(pid, "the process is gone: %w", os.ErrProcessDone)
}

func dump(pid int) (*ProcessFilters, error) {
	if pid <= 0 {
		return nil, dumpError(pid, "not a process id")
	}
	if pid == os.Getpid() {
		return nil, dumpError(pid, "a process cannot dump itself (it cannot trace its own threads): dump it from another process")
	}
	stat, err := readProcStat(pid)
	if errors.Is(err, os.ErrNotExist) {
		return nil, gone(pid)
	}
	if err != nil {
		return nil, dumpError(pid, "%w", err)
	}
	if stat.state == 'Z' || stat.state == 'X' {
		return nil, gone(pid)
	}
	if stat.flags&pfKthread != 0 {
		return nil, dumpError(pid, "it is a kernel thread, which runs no user code and has no filters")
	}
	if st, err := readTaskStatus(pid, pid); err == nil && st.tgid != pid {
		return nil, dumpError(pid, "it is a thread of process %d: dump that process", st.tgid)
	}

	// ptrace is per thread: every request, and the detaching, must come
	// from the thread that seized.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	d := &dumper{pid: pid, ourChild: stat.ppid == os.Getpid(), seized: map[int]syscall.Signal{}}
	defer d.release()

	// Stop every thread in filter mode, listing the threads again until no
	// new one shows up (a running thread may start others).
	threads := map[int]taskStatus{}
	privChecked := false
	for round := 0; ; round++ {
		tids, err := procfs.Threads(pid)
		if err != nil {
			return nil, gone(pid)
		}
		if round == 0 && dumpHook != nil {
			dumpHook("listed", 0)
		}
		added := false
		for _, tid := range tids {
			if _, ok := threads[tid]; ok {
				continue
			}
			st, err := readTaskStatus(pid, tid)
			if errors.Is(err, os.ErrNotExist) || errors.Is(err, unix.ESRCH) {
				continue // gone, or exiting (its status reads ESRCH)
			}
			if err != nil {
				return nil, dumpError(pid, "%w", err)
			}
			threads[tid] = st
			added = true
			if st.mode != 2 {
				continue
			}
			if !privChecked {
				if err := checkDumpPrivilege(); err != nil {
					return nil, dumpError(pid, "%w", err)
				}
				privChecked = true
			}
			if err := d.stop(tid); err == errThreadGone {
				delete(threads, tid)
				continue
			} else if err != nil {
				return nil, err
			}
			if dumpHook != nil {
				dumpHook("stopped", tid)
			}
		}
		if !added {
			break
		}
	}

	// Read the stopped threads, all stopped at once.
	res := &ProcessFilters{Pid: pid}
	var stacks []threadStack
	lost := false
	tids := make([]int, 0, len(threads))
	for tid := range threads {
		tids = append(tids, tid)
	}
	slices.Sort(tids)
	for _, tid := range tids {
		st := threads[tid]
		var stack threadStack
		if _, ok := d.seized[tid]; ok {
			if now, err := readTaskStatus(pid, tid); err == nil {
				st = now
			}
			var err error
			stack, err = d.readFilters(tid)
			if err == errThreadGone {
				lost = true
				continue
			}
			if err != nil {
				return nil, err
			}
		} else if _, err := os.Stat(fmt.Sprintf("/proc/%d/task/%d", pid, tid)); err != nil {
			continue
		}
		res.Threads = append(res.Threads, ThreadFilters{Tid: tid, Mode: st.mode, Count: st.count, NoNewPrivs: st.nnp})
		stacks = append(stacks, stack)
	}
	if lost {
		// A stopped thread vanished: killed, alone or with its process.
		// Once the others that are dying are reaped too, the process's
		// state tells.
		d.release()
		if st, err := readProcStat(pid); err != nil || st.state == 'Z' || st.state == 'X' {
			return nil, gone(pid)
		}
	}
	if len(res.Threads) == 0 {
		return nil, gone(pid)
	}
	res.Filters = shareFilters(res.Threads, stacks)
	return res, nil
}
