//go:build linux

package seccomp

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Probes ask the kernel what it supports without changing anything: every
// question is one the kernel answers before it would install anything.
// seccomp(SECCOMP_SET_MODE_FILTER, flags, NULL) fails copying the program
// (EFAULT) once the flags passed its checks, or refuses the flags (EINVAL);
// both come before the kernel checks no_new_privs or CAP_SYS_ADMIN, so the
// probes need no privilege. SECCOMP_GET_ACTION_AVAIL and
// SECCOMP_GET_NOTIF_SIZES only read and write the caller's memory.

// The kernel's constants (include/uapi/linux/seccomp.h, prctl.h).
const (
	probeOpSetModeFilter  = 1 // SECCOMP_SET_MODE_FILTER
	probeOpGetActionAvail = 2 // SECCOMP_GET_ACTION_AVAIL
	probeOpGetNotifSizes  = 3 // SECCOMP_GET_NOTIF_SIZES
	// probeModeFilter is SECCOMP_MODE_FILTER for prctl(PR_SET_SECCOMP).
	// Never 1 there: SECCOMP_MODE_STRICT would be installed, NULL or not.
	probeModeFilter = 2
)

// probeError is a probe that got no answer from the kernel's seccomp code.
type probeError struct {
	why         string     // what the failure means
	op          string     // the call, e.g. "seccomp(SECCOMP_GET_ACTION_AVAIL)"
	errno       unix.Errno // the call's errno, 0 if it "succeeded"
	ret         uintptr    // the call's result when errno is 0
	unsupported bool       // the kernel lacks what was asked for
}

func (e *probeError) Error() string {
	s := "seccomp: " + e.why + ": " + e.op + ": "
	if e.errno == 0 {
		return s + "returned " + strconv.Itoa(int(e.ret))
	}
	return s + unix.ErrnoName(e.errno) + " (" + e.errno.Error() + ")"
}

// Unwrap returns the errno (compare with errors.Is, or get it with
// errors.As), and errors.ErrUnsupported when the kernel lacks what was
// asked for, and only then: ENOSYS from a filter is no "unsupported".
func (e *probeError) Unwrap() []error {
	var errs []error
	if e.errno != 0 {
		errs = append(errs, probeErrno{e.errno})
	}
	if e.unsupported {
		errs = append(errs, errors.ErrUnsupported)
	}
	return errs
}

// probeErrno is an errno that matches only itself: unlike unix.Errno,
// ENOSYS and EOPNOTSUPP do not match errors.ErrUnsupported.
type probeErrno struct{ errno unix.Errno }

func (e probeErrno) Error() string { return e.errno.Error() }

func (e probeErrno) Is(target error) bool {
	t, ok := target.(unix.Errno)
	return ok && t == e.errno
}

func (e probeErrno) As(target any) bool {
	t, ok := target.(*unix.Errno)
	if ok {
		*t = e.errno
	}
	return ok
}

// probeSeccomp calls seccomp(op, flags, arg).
func probeSeccomp(op, flags uintptr, arg unsafe.Pointer) (uintptr, unix.Errno) {
	// Not a raw system call: if a filter already installed kills the
	// thread for it, the Go runtime must know the thread was in a call.
	r, _, e := unix.Syscall(unix.SYS_SECCOMP, op, flags, uintptr(arg))
	return r, e
}

// probeThreadMode returns PR_GET_SECCOMP of the calling thread, or -1.
func probeThreadMode() int {
	r, _, e := unix.RawSyscall6(unix.SYS_PRCTL, unix.PR_GET_SECCOMP, 0, 0, 0, 0, 0)
	switch {
	case e == unix.EINVAL:
		return 0 // a kernel without CONFIG_SECCOMP
	case e != 0:
		return -1
	}
	return int(r)
}

// probeFailure explains a result of seccomp(2) call op that is not one of
// the kernel's answers to it (those are handled by the caller): ENOSYS, an
// errno the kernel's seccomp code does not give for the call, or success
// where there can be none.
func probeFailure(op string, r uintptr, e unix.Errno) error {
	err := &probeError{op: op, errno: e, ret: r}
	mode := probeThreadMode()
	switch {
	case e == unix.ENOSYS && !probeHasSeccompSysctl():
		err.why = "this kernel has no seccomp(2) (added in Linux 3.17; or built without CONFIG_SECCOMP)"
		if mode == 2 {
			err.why += ", or a filter already installed denies seccomp(2) with ENOSYS"
		}
		err.unsupported = true
	case mode == 2 && e == 0:
		err.why = "a filter already installed answers seccomp(2) in the kernel's place"
	case mode == 2:
		err.why = "seccomp(2) is denied by a filter already installed"
	case e == 0:
		err.why = "seccomp(2) returned what the kernel never returns for this call; this thread has no seccomp filter: something else answers for the kernel"
	default:
		err.why = "seccomp(2) failed with an errno the kernel does not give for this call, and this thread has no seccomp filter: something else denies it (a sandbox?)"
	}
	return err
}

// probeHasSeccompSysctl reports whether the kernel has
// /proc/sys/kernel/seccomp/actions_avail, and so seccomp(2): the file came
// in Linux 4.14 with filter mode, seccomp(2) in 3.17. It tells ENOSYS from
// a filter (or from a tracer's RET_TRACE, or a missing listener's
// RET_USER_NOTIF) from a kernel without seccomp(2), where /proc is mounted.
func probeHasSeccompSysctl() bool {
	_, err := os.Stat("/proc/sys/kernel/seccomp/actions_avail")
	return err == nil
}

// ActionAvailable asks the kernel (SECCOMP_GET_ACTION_AVAIL) whether it
// knows the action part of a; the data part is ignored.
//
// When the kernel cannot be asked, it returns false and an error wrapping
// errors.ErrUnsupported: the kernel has no seccomp(2) (ENOSYS), or no
// SECCOMP_GET_ACTION_AVAIL (EINVAL: Linux before 4.14, which knows only
// KILL_THREAD, TRAP, ERRNO, TRACE and ALLOW). Any other error means that
// something denied the question, typically a filter already installed that
// denies seccomp(2): it wraps the errno it got, not errors.ErrUnsupported,
// and says nothing about the kernel. (ENOSYS means "no seccomp(2)" only
// where /proc/sys/kernel/seccomp/actions_avail is missing: a kernel with
// that file has seccomp(2), and its ENOSYS comes from a filter.)
func ActionAvailable(a Action) (bool, error) {
	const op = "seccomp(SECCOMP_GET_ACTION_AVAIL)"
	action := uint32(a.Kind())
	r, e := probeSeccomp(probeOpGetActionAvail, 0, unsafe.Pointer(&action))
	runtime.KeepAlive(&action)
	switch {
	case e == 0 && r == 0:
		return true, nil
	case e == unix.EOPNOTSUPP:
		return false, nil
	case e == unix.EINVAL:
		// The flags are 0: the operation is what the kernel does not know.
		return false, &probeError{why: "this kernel has no SECCOMP_GET_ACTION_AVAIL (added in Linux 4.14)", op: op, errno: e, unsupported: true}
	}
	return false, probeFailure(op, r, e)
}

// FlagSupported reports whether the kernel knows filter flag f, a single
// flag. It asks seccomp(SECCOMP_SET_MODE_FILTER, f, NULL): the kernel
// refuses unknown flags with EINVAL, and fails copying the NULL program with
// EFAULT once the flags passed. FlagWaitKillableRecv is asked together with
// FlagNewListener, which it requires (so it is unsupported where
// FlagNewListener is). Nothing is ever installed, and no privilege is
// needed.
//
// A bit the kernel does not define is reported unsupported; f of zero or
// several bits is an error. When the kernel has no seccomp(2) the error
// wraps errors.ErrUnsupported (and ENOSYS): no flags can be passed then. Any
// other error means that something denied the question, typically a
// filter already installed that denies seccomp(2): it wraps the errno it
// got, not errors.ErrUnsupported.
func FlagSupported(f FilterFlag) (bool, error) {
	const op = "seccomp(SECCOMP_SET_MODE_FILTER, flag, NULL)"
	if f == 0 || f&(f-1) != 0 {
		return false, fmt.Errorf("seccomp: FlagSupported(%v): want a single flag", f)
	}
	if uint64(f) > 1<<31 {
		return false, nil // the kernel's flags are 32 bits
	}
	ask := f
	if f == FlagWaitKillableRecv {
		ask |= FlagNewListener
	}
	r, e := probeSeccomp(probeOpSetModeFilter, uintptr(ask), nil)
	switch e {
	case unix.EFAULT:
		return true, nil
	case unix.EINVAL:
		return false, nil
	}
	return false, probeFailure(op, r, e)
}

// GetNotifSizes returns the sizes of the user-notification structures in
// the running kernel (SECCOMP_GET_NOTIF_SIZES). A kernel without user
// notification (before Linux 5.0, EINVAL) or without seccomp(2) (ENOSYS)
// gives an error wrapping errors.ErrUnsupported; any other error means that
// something denied the question (see ActionAvailable).
func GetNotifSizes() (NotifSizes, error) {
	const op = "seccomp(SECCOMP_GET_NOTIF_SIZES)"
	var s NotifSizes // the layout of struct seccomp_notif_sizes: three u16
	r, e := probeSeccomp(probeOpGetNotifSizes, 0, unsafe.Pointer(&s))
	runtime.KeepAlive(&s)
	switch {
	case e == 0 && r == 0:
		return s, nil
	case e == unix.EINVAL:
		return NotifSizes{}, &probeError{why: "this kernel has no SECCOMP_GET_NOTIF_SIZES (added in Linux 5.0 with user notification)", op: op, errno: e, unsupported: true}
	}
	return NotifSizes{}, probeFailure(op, r, e)
}

var _ = [1]struct{}{}[unsafe.Sizeof(NotifSizes{})-6] // struct seccomp_notif_sizes

// ProbeFeatures asks the kernel what it supports: whether seccomp(2) and
// filter mode exist, each action (ActionAvailable), each flag
// (FlagSupported) and the notification sizes (GetNotifSizes), and reads the
// calling thread's state and /proc/sys/kernel/seccomp/actions_logged. It
// installs nothing and needs no privilege.
//
// When seccomp(2) gives no answer, filter mode is asked of
// prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL), which fails with EFAULT
// where filter mode exists and EINVAL where it does not.
//
// The report is always returned, filled as far as the kernel answered. The
// error is nil when every question got an answer from the kernel, a
// kernel's "I have no such thing" (errors.ErrUnsupported) included;
// otherwise it is the first failure that is no answer, typically "seccomp(2)
// is denied by a filter already installed", and the questions concerned
// have their Err fields set.
func ProbeFeatures() (*Features, error) {
	// The thread's state is read with prctl and from /proc: one thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	f := &Features{Mode: -1, Filters: -1}
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		f.Kernel = unix.ByteSliceToString(u.Release[:])
	}
	status := threadStatus()
	var threadErr error
	f.Mode, f.NoNewPrivs, threadErr = probeThread(status)
	if n, err := strconv.Atoi(status["Seccomp_filters"]); err == nil {
		f.Filters = n
	}

	r, e := probeSeccomp(probeOpSetModeFilter, 0, nil)
	switch e {
	case unix.EFAULT:
		f.SeccompSyscall, f.Filter = true, true
	case unix.EINVAL:
		f.SeccompSyscall = true // without CONFIG_SECCOMP_FILTER
	default:
		f.SeccompErr = probeFailure("seccomp(SECCOMP_SET_MODE_FILTER, 0, NULL)", r, e)
		f.Filter, f.FilterErr = probePrctlFilter(f.Mode)
	}
	for _, n := range actionNames {
		ok, err := ActionAvailable(n.action)
		f.Actions = append(f.Actions, ActionSupport{Action: n.action, Name: n.name, Available: ok, Err: err})
	}
	for _, fl := range AllFilterFlags() {
		ok, err := FlagSupported(fl)
		f.Flags = append(f.Flags, FlagSupport{Flag: fl, Supported: ok, Err: err})
	}
	if s, err := GetNotifSizes(); err == nil {
		f.NotifSizes = &s
	} else {
		f.NotifSizesErr = err
	}
	if b, err := os.ReadFile("/proc/sys/kernel/seccomp/actions_logged"); err == nil {
		f.ActionsLogged = append([]string{}, strings.Fields(string(b))...)
	}

	errs := []error{f.SeccompErr, f.FilterErr}
	for _, a := range f.Actions {
		errs = append(errs, a.Err)
	}
	for _, fl := range f.Flags {
		errs = append(errs, fl.Err)
	}
	errs = append(errs, f.NotifSizesErr, threadErr)
	for _, err := range errs {
		if err != nil && !errors.Is(err, errors.ErrUnsupported) {
			return f, err
		}
	}
	return f, nil
}

// probePrctlFilter asks prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL)
// whether filter mode exists, for when seccomp(2) gave no answer; if prctl
// gives none either, a thread in filter mode (mode 2) is the answer.
func probePrctlFilter(mode int) (bool, error) {
	r, _, e := unix.Syscall6(unix.SYS_PRCTL, unix.PR_SET_SECCOMP, probeModeFilter, 0, 0, 0, 0)
	switch {
	case e == unix.EFAULT:
		return true, nil
	case e == unix.EINVAL:
		return false, nil // no CONFIG_SECCOMP_FILTER, or no CONFIG_SECCOMP
	case mode == 2:
		return true, nil
	}
	err := &probeError{op: "prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL)", errno: e, ret: r}
	if e == 0 {
		err.why = "prctl(2) returned what the kernel never returns for this call"
	} else {
		err.why = "prctl(2) failed with an errno the kernel does not give for this call: something denies it (a sandbox?)"
	}
	return false, err
}

// probeThread returns the calling thread's seccomp mode and no_new_privs,
// from prctl, or from its status file where prctl fails.
func probeThread(status map[string]string) (mode int, nnp bool, err error) {
	mode = probeThreadMode()
	if mode < 0 {
		if n, err := strconv.Atoi(status["Seccomp"]); err == nil {
			mode = n
		}
	}
	r, _, e := unix.RawSyscall6(unix.SYS_PRCTL, unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0, 0)
	switch {
	case e == 0:
		nnp = r == 1
	case e == unix.EINVAL:
		// Linux before 3.5: no such thing as no_new_privs.
	case status["NoNewPrivs"] != "":
		nnp = status["NoNewPrivs"] == "1"
	default:
		err = &probeError{why: "prctl(2) failed and the thread's status has no NoNewPrivs", op: "prctl(PR_GET_NO_NEW_PRIVS)", errno: e}
	}
	return mode, nnp, err
}
