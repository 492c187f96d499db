//go:build linux

package kerneltest

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"unsafe"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// bpf.RawInstruction must have the layout of struct sock_filter, since
// programs are handed to the kernel as they are.
var _ = [1]struct{}{}[unsafe.Sizeof(bpf.RawInstruction{})-8]
var _ = [1]struct{}{}[unsafe.Offsetof(bpf.RawInstruction{}.K)-4]

// sockFprog is struct sock_fprog.
type sockFprog struct {
	len    uint16
	filter *bpf.RawInstruction
}

// seccompFilter calls seccomp(SECCOMP_SET_MODE_FILTER, flags, p) and
// returns the raw result and errno. With raw it makes the system call
// without telling the Go scheduler (nothing at all runs between it and the
// caller's next instruction); otherwise through syscall.Syscall, which lets
// the scheduler hand the P to another thread while the kernel works.
func seccompFilter(p []bpf.RawInstruction, flags uintptr, raw bool) (uintptr, unix.Errno) {
	prog := sockFprog{len: uint16(len(p))}
	if len(p) > 0 {
		prog.filter = &p[0]
	} else {
		var dummy bpf.RawInstruction
		prog.filter = &dummy // a valid pointer: length 0 is refused first
	}
	var r uintptr
	var e syscall.Errno
	if raw {
		r, _, e = unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, flags, uintptr(unsafe.Pointer(&prog)))
	} else {
		r, _, e = unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, flags, uintptr(unsafe.Pointer(&prog)))
	}
	runtime.KeepAlive(p)
	runtime.KeepAlive(&prog)
	return r, e
}

// actionAvail calls seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &action).
func actionAvail(action uint32) unix.Errno {
	_, _, e := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_GET_ACTION_AVAIL, 0, uintptr(unsafe.Pointer(&action)))
	runtime.KeepAlive(&action)
	return e
}

// setNoNewPrivs sets no_new_privs on the calling thread.
func setNoNewPrivs() unix.Errno {
	_, _, e := unix.RawSyscall6(unix.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0)
	return e
}

// blockSignals blocks every signal on the calling thread, so that none of
// the Go runtime's (preemption, profiling) can run on it.
func blockSignals() error {
	var all unix.Sigset_t
	for i := range all.Val {
		all.Val[i] = ^all.Val[i]
	}
	return unix.PthreadSigmask(unix.SIG_BLOCK, &all, nil)
}

// threadGone reports whether thread tid of this process has exited. A
// thread that is not the group leader disappears at once; the leader stays
// a zombie until the whole group exits, so the state in stat counts too.
func threadGone(tid int) bool {
	b, err := os.ReadFile("/proc/self/task/" + strconv.Itoa(tid) + "/stat")
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return true
	}
	switch b[i+2] {
	case 'Z', 'X', 'x':
		return true
	}
	return false
}

// call makes a test call. It goes through syscall.Syscall6 rather than a
// raw system call on purpose: if the filter kills the thread, a raw call
// would die holding its P and the Go runtime would never get the P back
// (the next stop-the-world hangs forever); Syscall6 marks the goroutine as
// in a system call first, and sysmon retakes the P of a thread that never
// returns. The scheduler work it does before the call makes no system call
// a filter could see but the ones the instrumented prefix lets through.
func call(c Call) Outcome {
	r, _, e := syscall.Syscall6(uintptr(int64(c.Nr)),
		uintptr(c.Args[0]), uintptr(c.Args[1]), uintptr(c.Args[2]),
		uintptr(c.Args[3]), uintptr(c.Args[4]), uintptr(c.Args[5]))
	if e == 0 && int(r) < 0 && int(r) >= -maxErrno {
		// The kernel's errors are -1 .. -4095 (MAX_ERRNO), but Go's
		// system call stub only takes -1 .. -4094 for errors: it returns
		// -4095 as a result with no errno.
		e = syscall.Errno(-int(r))
		r = ^uintptr(0)
	}
	return Outcome{Ret: r, Errno: uint16(e)}
}

// maxErrno is MAX_ERRNO, the largest errno a system call returns.
const maxErrno = 4095
