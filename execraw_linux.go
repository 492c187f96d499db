//go:build linux

package seccomp

import (
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The last steps of Exec and of Command's helper: install a filter on one
// thread and execve from it, with nothing in between.
//
// The filter goes on the one thread that calls execve, without TSYNC: execve
// ends every other thread, and the new program keeps exactly the calling
// thread's filters. So the filter never judges the Go runtime's own calls,
// and needs to allow nothing of this program's, only execve (or execveat).
// For that, no code may run on that thread between seccomp(2) and execve(2)
// that can make a system call, which Go code can do almost anywhere (stack
// growth, preemption, the scheduler, the race detector). The steps are
// therefore written as nosplit, norace functions that make raw system calls
// on arguments prepared beforehand, and touch only memory prepared
// beforehand, without write barriers (no pointer stores).
//
// Two threads take part:
//
//   - the exec thread (the goroutine started by run, locked to a thread
//     that is not the main thread, see goLocked) makes the calls;
//   - the watching thread (the goroutine that called run) stays outside
//     the filter. It reports what the exec thread cannot: if execve fails
//     once the filter is in place, or the exec thread dies there (see
//     Signals), it writes the reason to standard error and ends the
//     process, as the exec thread must not run anything the filter may
//     deny. For Command it also sends the filter's listener to
//     the parent (sendmsg), so that the exec thread never needs sendmsg.
//
// While the exec thread is in its last steps, the runtime cannot stop it
// (a stop-the-world waits for it, and would wait for ever if execve failed
// and the thread had to stay off Go code), so the watching thread must not
// need the runtime then either: it polls in a nosplit loop too. The two
// meet by a handshake on x.state (rendezvous): each waits a little for the
// other in its nosplit loop and goes back to ordinary Go code if the other
// does not come, so that a stop-the-world that caught one of them outside
// can complete; only once both are in (stCommitted) does the exec thread go
// on.
//
// Signals. A signal delivered to the exec thread between seccomp(2) and
// execve(2) runs the Go handler on it, which ends in rt_sigreturn, a call
// the filter may deny. Blocking signals is no way out (the new program
// would inherit the blocked mask). Instead:
//   - the runtime's own preemption signal, SIGURG, which it sends to a
//     thread it wants to stop, gets the default disposition (rt_sigaction,
//     raw): its default action is to discard it, so the kernel drops it
//     before it reaches any thread, and the new program inherits the
//     default as it would from any exec. Until the exec, the process does
//     without asynchronous preemption (the runtime falls back to
//     cooperative preemption); if the install fails, the handler is put
//     back.
//   - signals sent to the process (SIGCHLD, SIGINT, SIGWINCH, ...) go to the
//     main thread whenever it does not block them and has none pending; the
//     exec thread is not the main thread (unless the calling thread
//     execs, see run: then every signal sent to the process is a hazard).
//     A second such signal arriving while the first is pending can still
//     land on the exec thread during the few instructions between the two
//     calls; so can a signal sent to that very thread (tgkill) or a thread
//     CPU-time timer (CPU profiling).
//     These are the hazards that remain: a filter that allows rt_sigreturn
//     is immune to them.

// States of execPlan.state. The low byte is the state; some carry a value
// (an errno, a file descriptor) in the bits above.
const (
	stIdle           = iota // the exec thread is not in its last steps
	stArmed                 // the exec thread waits for the watcher
	stCommitted             // both are in: the exec thread goes on
	stFailedBefore          // refused before the filter was on (stage, errno in the plan)
	stListener              // the filter is on; its listener (value) waits to be sent
	stListenerSent          // the watcher sent the listener
	stListenerFailed        // the watcher could not send it (and ends the process)
	stExecFailed            // execve failed (value: errno) under the filter
)

// Stages at which the exec thread can fail before the filter is on.
const (
	stageSigaction = iota + 1
	stageNoNewPrivs
	stageInstall
)

// rendezvousSpins is how many pauses of rendezvousPause one side of the
// handshake waits for the other: about 10ms for the exec thread, twice that
// for the watcher.
const rendezvousSpins = 200

var rendezvousPause = unix.Timespec{Nsec: 50_000}

// watchPause is the watcher's pause while it waits for the outcome.
var watchPause = unix.Timespec{Nsec: 200_000}

// sigaction is room for the kernel's struct sigaction on every arch; all
// zero, it is SIG_DFL with no flags and an empty mask whatever the layout.
type sigaction [8]uint64

//go:nosplit
//go:norace
func pause(ts *unix.Timespec) {
	syscall.RawSyscall6(unix.SYS_CLOCK_NANOSLEEP, unix.CLOCK_MONOTONIC, 0, uintptr(unsafe.Pointer(ts)), 0, 0, 0)
}

// load32 and store32 read and write the state from the exec thread once
// its filter is on: plain 32-bit accesses (atomic on every arch Go runs
// on), since sync/atomic goes through the race detector's runtime in race
// builds, which may make system calls of its own. noinline keeps the
// compiler from hoisting a load out of a loop.
//
//go:nosplit
//go:norace
//go:noinline
func load32(p *uint32) uint32 { return *p }

//go:nosplit
//go:norace
//go:noinline
func store32(p *uint32, v uint32) { *p = v }

//go:nosplit
//go:norace
func spinForever() {
	//lint:ignore SA5002 spinning is the point: see the callers
	for {
	}
}

// enter is the exec thread's side: it arms, waits for the watcher to
// commit, and runs the last steps. It returns false if the watcher did not
// come in time (the caller goes back to Go code and tries again), true if
// the install failed before the filter was on (see x.stage, x.errno). It
// does not return otherwise.
//
//go:nosplit
//go:norace
func (x *execPlan) enter() bool {
	if !atomic.CompareAndSwapUint32(&x.state, stIdle, stArmed) {
		return false
	}
	for i := 0; atomic.LoadUint32(&x.state) != stCommitted; i++ {
		if i == rendezvousSpins && atomic.CompareAndSwapUint32(&x.state, stArmed, stIdle) {
			return false
		}
		pause(&rendezvousPause)
	}
	x.last()
	return true
}

// last runs the exec thread's last steps. It returns only if they failed
// before the filter was on, the thread unchanged but for no_new_privs.
//
//go:nosplit
//go:norace
func (x *execPlan) last() {
	_, _, e := syscall.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGURG), uintptr(unsafe.Pointer(&x.dflAction)), uintptr(unsafe.Pointer(&x.urgAction)), sigsetSize, 0, 0)
	if e != 0 {
		x.failBefore(stageSigaction, e)
		return
	}
	if x.nnp {
		_, _, e = syscall.RawSyscall6(unix.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0)
		if e != 0 {
			x.restoreURG()
			x.failBefore(stageNoNewPrivs, e)
			return
		}
	}
	var r uintptr
	if x.useSeccomp {
		r, _, e = syscall.RawSyscall6(unix.SYS_SECCOMP, seccompSetModeFilter, x.flags, uintptr(unsafe.Pointer(&x.fprog)), 0, 0, 0)
	} else {
		_, _, e = syscall.RawSyscall6(unix.SYS_PRCTL, unix.PR_SET_SECCOMP, seccompModeFilter, uintptr(unsafe.Pointer(&x.fprog)), 0, 0, 0)
	}
	if e != 0 {
		x.restoreURG()
		x.failBefore(stageInstall, e)
		return
	}
	// The filter is on this thread: nothing but execve from here on.
	if x.listener {
		store32(&x.state, stListener|uint32(r)<<8)
		for {
			s := load32(&x.state)
			if s == stListenerSent {
				break
			}
			if s == stListenerFailed {
				spinForever() // the watcher ends the process
			}
		}
	}
	_, _, e = syscall.RawSyscall6(x.execNr, x.execArgs[0], x.execArgs[1], x.execArgs[2], x.execArgs[3], x.execArgs[4], 0)
	store32(&x.state, stExecFailed|uint32(e)<<8)
	spinForever() // the watcher reports and ends the process
}

//go:nosplit
//go:norace
func (x *execPlan) restoreURG() {
	syscall.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGURG), uintptr(unsafe.Pointer(&x.urgAction)), 0, sigsetSize, 0, 0)
}

// failBefore records a failure before the filter was on; the thread may
// still make any call.
//
//go:nosplit
//go:norace
func (x *execPlan) failBefore(stage int, e syscall.Errno) {
	x.stage, x.errno = stage, e
	atomic.StoreUint32(&x.state, stFailedBefore)
}

// watch is the watcher's side: it commits when the exec thread is armed,
// then waits for the outcome. It returns false if the exec thread did not
// arm in time (the caller goes back to Go code and tries again), true when
// the install failed before the filter was on. It does not return
// otherwise: the process execs, or the watcher ends it.
//
//go:nosplit
//go:norace
func (x *execPlan) watch() bool {
	for i := 0; !atomic.CompareAndSwapUint32(&x.state, stArmed, stCommitted); i++ {
		if i == 2*rendezvousSpins {
			return false
		}
		pause(&rendezvousPause)
	}
	// The exec thread needs microseconds to install the filter: watch
	// closely meanwhile, so that with a listener it waits as little as
	// possible under the filter; then more calmly, while execve runs.
	for fast := 1 << 20; ; {
		s := atomic.LoadUint32(&x.state)
		if s == stCommitted && fast > 0 {
			fast--
			continue
		}
		switch s & 0xff {
		case stFailedBefore:
			return true
		case stListener:
			x.sendListener(int32(s >> 8))
		case stExecFailed:
			e := syscall.Errno(s >> 8)
			status := uintptr(126)
			if e == unix.ENOENT {
				status = 127
			}
			x.report(x.execFailed, e, status)
		}
		// The exec thread gone without a word (its state unchanged since
		// it ended: a failure before the filter, stored before it ends,
		// is seen on the next round): the filter killed it (KILL_THREAD)
		// for a call made by a signal's handler before execve. It never
		// will exec; the process must not wait for it for ever. A thread
		// that execs takes the process's id only after every other
		// thread, this one included, has ended. The main thread, once
		// ended, stays a zombie that tgkill finds: mainThreadEnded tells
		// (and pauses).
		var gone bool
		if x.tid != x.pid {
			_, _, e := syscall.RawSyscall6(unix.SYS_TGKILL, uintptr(x.pid), uintptr(x.tid), 0, 0, 0, 0)
			gone = e == unix.ESRCH
			pause(&watchPause)
		} else {
			gone = x.mainThreadEnded()
		}
		if gone {
			if atomic.LoadUint32(&x.state) != s {
				continue
			}
			x.report(x.threadDied, unix.ESRCH, 126)
		}
	}
}

// mainThreadEnded pauses like the watcher's other rounds, and tells
// whether the exec thread, the main thread, has ended: its stat file says
// Z (zombie) or X (dead), see watchMainThread. The file is read in rounds
// further and further apart (after 1, 2, 4, ... rounds, up to about a
// second), as an execve that succeeds takes a few rounds only. Without
// /proc (statPath nil) it cannot tell.
//
//go:nosplit
//go:norace
func (x *execPlan) mainThreadEnded() bool {
	pause(&watchPause)
	if x.statPath == nil {
		return false
	}
	if x.statRound++; x.statRound < x.statNext {
		return false
	}
	x.statRound = 0
	x.statNext = min(2*x.statNext, statRoundsMax)
	cwd := unix.AT_FDCWD
	fd, _, e := syscall.RawSyscall6(unix.SYS_OPENAT, uintptr(cwd), uintptr(unsafe.Pointer(x.statPath)), unix.O_RDONLY|unix.O_CLOEXEC, 0, 0, 0)
	if e != 0 {
		return false
	}
	n, _, e := syscall.RawSyscall6(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&x.statBuf[0])), uintptr(len(x.statBuf)), 0, 0, 0)
	syscall.RawSyscall6(unix.SYS_CLOSE, fd, 0, 0, 0, 0, 0)
	if e != 0 {
		return false
	}
	// "pid (comm) S ...": the state follows the last ')' (comm may hold
	// any byte; the fields after it are numbers).
	b := x.statBuf[:n]
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == ')' {
			return i+2 < len(b) && (b[i+2] == 'Z' || b[i+2] == 'X')
		}
	}
	return false
}

// statRoundsMax is the most rounds of watchPause between two reads of the
// main thread's stat file: about a second.
const statRoundsMax = 5000

// sendListener sends the listener to the parent over the request channel.
//
//go:nosplit
//go:norace
func (x *execPlan) sendListener(fd int32) {
	*(*int32)(unsafe.Pointer(&x.lctl[x.lfdOff])) = fd
	for {
		_, _, e := syscall.RawSyscall6(unix.SYS_SENDMSG, uintptr(x.sock), uintptr(unsafe.Pointer(&x.lmsg)), unix.MSG_NOSIGNAL, 0, 0, 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			atomic.StoreUint32(&x.state, stListenerFailed)
			x.report(x.sendFailed, e, 126)
		}
		break
	}
	atomic.StoreUint32(&x.state, stListenerSent)
}

// report writes prefix, the text of e and a newline to standard error and
// ends the process with status.
//
//go:nosplit
//go:norace
func (x *execPlan) report(prefix []byte, e syscall.Errno, status uintptr) {
	n := copy(x.msg, prefix)
	if int(e) < len(x.errText) {
		n += copy(x.msg[n:], x.errText[e])
	} else {
		n += copy(x.msg[n:], "unknown error")
	}
	n += copy(x.msg[n:], "\n")
	syscall.RawSyscall6(unix.SYS_WRITE, 2, uintptr(unsafe.Pointer(&x.msg[0])), uintptr(n), 0, 0, 0)
	syscall.RawSyscall6(unix.SYS_EXIT_GROUP, status, 0, 0, 0, 0, 0)
	spinForever()
}
