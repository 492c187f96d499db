//go:build linux

package seccomp

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp/internal/procfs"
)

// Install verifies p and attaches it as a seccomp filter: to every thread
// of the process (FlagTSync) unless opts.ThisThreadOnly, after setting
// no_new_privs unless opts.KeepNewPrivs.
//
// Everything that can be checked is checked before the kernel is changed:
// the program (Verify), the flags (known to this kernel, a combination it
// accepts), the privileges, and the limit on the total length of the
// thread's filters (CheckStackLimit, against the filters this package
// installed and, for the others the thread has, the least they can count).
// With TSYNC, no_new_privs is set and the filter attached from a thread of
// their own, never the main thread (which the Go runtime cannot end), from
// whatever goroutine Install is called, main included: if the kernel
// refuses, that thread is ended with its no_new_privs before Install
// returns, and the process is as it was. With ThisThreadOnly, a refusal
// from the kernel leaves no_new_privs set on the calling thread.
//
// A TSYNC failure is a *TSyncError naming the thread; an unsupported flag a
// *FlagError; missing privileges a *PrivilegeError; other refusals an
// *InstallError wrapping the errno.
//
// Filters cannot be removed. Mind the actions a Go program meets: the
// runtime makes system calls of its own on every thread (futex, mmap,
// sigaltstack, rt_sigreturn, ...), and KILL_THREAD kills one runtime thread
// and leaves the program wedged; prefer KILL_PROCESS or ERRNO.
func Install(p Program, opts InstallOptions) error {
	_, err := install(p, opts, false)
	return err
}

// InstallListener is Install with FlagNewListener: it returns the filter's
// user-notification listener (close-on-exec). With TSYNC it also sets
// FlagTSyncESRCH, which the kernel requires for the combination.
func InstallListener(p Program, opts InstallOptions) (*os.File, error) {
	return install(p, opts, true)
}

// The kernel's constants, from include/uapi/linux/seccomp.h and prctl.h.
const (
	seccompSetModeFilter  = 1
	seccompGetActionAvail = 2
	seccompModeFilter     = 2
	capSysAdmin           = 21
)

func install(p Program, opts InstallOptions, listener bool) (*os.File, error) {
	if err := checkThreadFlags(opts); err != nil {
		return nil, err
	}
	flags := flagsFor(opts, listener)
	if err := checkInstall(p, flags); err != nil {
		return nil, err
	}
	hasSeccomp, err := checkKernelFlags(flags)
	if err != nil {
		return nil, err
	}
	a := attacher{prog: p, flags: flags, nnp: !opts.KeepNewPrivs, seccomp: hasSeccomp}
	if opts.ThisThreadOnly {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if a.err = a.checkPrivileges(); a.err != nil {
			return nil, a.err
		}
		a.attach()
		if a.err == nil {
			recordThreadFilter(p)
		}
		return a.listener, a.err
	}
	// With TSYNC the filter and no_new_privs are set from a thread of
	// their own, which is thrown away if the kernel refuses: no_new_privs,
	// set first, then goes with it (see goLocked).
	<-goLocked(func() bool {
		if a.err = a.checkPrivileges(); a.err != nil {
			return true // nothing changed
		}
		a.attach()
		if a.err != nil {
			return false
		}
		recordProcessFilter(p)
		// Every thread now has the filter and no_new_privs: this one is
		// like the others again.
		return true
	})
	return a.listener, a.err
}

// checkKernelFlags checks that the running kernel takes flags, and tells
// whether it has seccomp(2) (or only prctl(PR_SET_SECCOMP), before Linux
// 3.17).
func checkKernelFlags(flags FilterFlag) (hasSeccomp bool, err error) {
	hasSeccomp, err = seccompSyscallExists()
	if err != nil {
		return false, err
	}
	if !hasSeccomp && flags != 0 {
		if flags&FlagTSync != 0 {
			return false, &FlagError{Flag: FlagTSync, Reason: "this kernel has no seccomp(2) (Linux before 3.17): prctl(PR_SET_SECCOMP) cannot install on every thread; use ThisThreadOnly"}
		}
		return false, &FlagError{Flag: flags, Reason: "this kernel has no seccomp(2) (Linux before 3.17): prctl(PR_SET_SECCOMP) cannot pass flags"}
	}
	if hasSeccomp {
		for _, f := range AllFilterFlags() {
			if flags&f == 0 {
				continue
			}
			ok, err := FlagSupported(f)
			if err != nil {
				return false, err
			}
			if !ok {
				return false, &FlagError{Flag: f}
			}
		}
	}
	return hasSeccomp, nil
}

// attacher sets no_new_privs and attaches a filter on the calling thread,
// which must be locked to its goroutine.
type attacher struct {
	prog     Program
	flags    FilterFlag
	nnp      bool
	seccomp  bool
	listener *os.File
	err      error
}

// checkPrivileges checks, without KeepNewPrivs nothing, with it that the
// calling thread may install a filter without setting no_new_privs.
func (a *attacher) checkPrivileges() error {
	if a.nnp {
		return nil
	}
	ok, err := mayInstallWithoutNNP()
	if err != nil {
		return err
	}
	if !ok {
		return &PrivilegeError{}
	}
	return nil
}

func (a *attacher) attach() {
	if err := checkStackOfThisThread(a.prog); err != nil {
		a.err = err
		return
	}
	if a.nnp {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			a.err = &InstallError{Op: "prctl(PR_SET_NO_NEW_PRIVS)", Err: err}
			return
		}
	}
	fprog := unix.SockFprog{Len: uint16(len(a.prog)), Filter: (*unix.SockFilter)(unsafe.Pointer(&a.prog[0]))}
	if !a.seccomp {
		_, _, errno := unix.RawSyscall6(unix.SYS_PRCTL, unix.PR_SET_SECCOMP, seccompModeFilter, uintptr(unsafe.Pointer(&fprog)), 0, 0, 0)
		runtime.KeepAlive(a.prog)
		if errno != 0 {
			a.err = installErrno("prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER)", errno)
		}
		return
	}
	r, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, seccompSetModeFilter, uintptr(a.flags), uintptr(unsafe.Pointer(&fprog)))
	runtime.KeepAlive(a.prog)
	switch {
	case errno == unix.ESRCH && a.flags&FlagTSyncESRCH != 0:
		a.err = &TSyncError{}
	case errno != 0:
		a.err = installErrno(fmt.Sprintf("seccomp(SECCOMP_SET_MODE_FILTER, %v)", a.flags), errno)
	case a.flags&FlagNewListener != 0:
		a.listener = os.NewFile(r, "seccomp-listener")
	case r != 0:
		// With TSYNC and without TSYNC_ESRCH, a positive return is the id
		// of the thread that could not be synchronised.
		a.err = &TSyncError{TID: int(r)}
	}
}

func installErrno(op string, errno unix.Errno) error {
	if errno == unix.EACCES {
		return fmt.Errorf("%w (%w)", &PrivilegeError{}, &InstallError{Op: op, Err: errno})
	}
	return &InstallError{Op: op, Err: errno}
}

// seccompSyscallExists tells seccomp(2) from a kernel without it.
func seccompSyscallExists() (bool, error) {
	action := uint32(ActAllow)
	_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, seccompGetActionAvail, 0, uintptr(unsafe.Pointer(&action)))
	switch errno {
	case 0:
		return true, nil
	case unix.ENOSYS:
		return false, nil
	case unix.EINVAL:
		// Linux 3.17 to 4.13: seccomp(2) exists, GET_ACTION_AVAIL not.
		return true, nil
	}
	return false, &InstallError{Op: "seccomp(SECCOMP_GET_ACTION_AVAIL)", Err: errno}
}

// mayInstallWithoutNNP reports whether the calling thread may install a
// filter without setting no_new_privs: it has it already, or CAP_SYS_ADMIN.
func mayInstallWithoutNNP() (bool, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if nnp, err := getNoNewPrivs(); err != nil || nnp {
		return nnp, err
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return false, &InstallError{Op: "capget", Err: err}
	}
	return data[0].Effective&(1<<capSysAdmin) != 0, nil
}

func setNoNewPrivs() error {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return &InstallError{Op: "prctl(PR_SET_NO_NEW_PRIVS)", Err: err}
	}
	return nil
}

func getNoNewPrivs() (bool, error) {
	r, _, errno := unix.RawSyscall6(unix.SYS_PRCTL, unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0, 0)
	if errno != 0 {
		return false, &InstallError{Op: "prctl(PR_GET_NO_NEW_PRIVS)", Err: errno}
	}
	return r == 1, nil
}

// What this package installed, for the stacking limit: the kernel's
// length (KernelLen) of each filter installed on every thread, oldest
// first, and of each filter installed on a single thread, by thread. A
// thread is named by its id and start time, since the kernel reuses ids;
// the records of threads that have ended are dropped now and then (see
// pruneThreadRecords), so that they take room in proportion to the threads
// alive, not to the installs ever made.
var installed struct {
	sync.Mutex
	all      []int
	byThread map[threadKey][]int
	pruneAt  int // prune when byThread has this many entries
}

// threadKey names a thread for good: its id and its start time.
type threadKey struct {
	tid   int
	start uint64
}

// minPruneAt is the least number of thread records kept before pruning.
const minPruneAt = 64

// recordProcessFilter records a filter installed on every thread.
func recordProcessFilter(p Program) {
	installed.Lock()
	defer installed.Unlock()
	installed.all = append(installed.all, KernelLen(p))
}

// recordThreadFilter records a filter installed on the calling thread
// only. Without the thread's start time (no /proc) nothing is recorded:
// the check that reads the records needs /proc too.
func recordThreadFilter(p Program) {
	tid := unix.Gettid()
	start, ok := threadStartTime(tid)
	if !ok {
		return
	}
	installed.Lock()
	defer installed.Unlock()
	if installed.byThread == nil {
		installed.byThread = map[threadKey][]int{}
	}
	k := threadKey{tid, start}
	installed.byThread[k] = append(installed.byThread[k], KernelLen(p))
	if len(installed.byThread) >= max(installed.pruneAt, minPruneAt) {
		pruneThreadRecords()
		// Prune again only when the records have doubled: the work stays
		// in proportion to the installs.
		installed.pruneAt = 2 * len(installed.byThread)
	}
}

// pruneThreadRecords drops the records of threads that have ended. The
// caller holds installed's lock.
func pruneThreadRecords() {
	for k := range installed.byThread {
		if start, ok := threadStartTime(k.tid); !ok || start != k.start {
			delete(installed.byThread, k)
		}
	}
}

// threadRecords returns the recorded lengths of the calling thread's own
// filters: none when the thread's id was recorded for another thread
// (same id, another start time).
func threadRecords() []int {
	tid := unix.Gettid()
	start, ok := threadStartTime(tid)
	if !ok {
		return nil
	}
	installed.Lock()
	defer installed.Unlock()
	return append([]int(nil), installed.byThread[threadKey{tid, start}]...)
}

// minKernelLen is the least a filter can count against the limit: a
// single return.
var minKernelLen = KernelLen(Program{{Op: opRetK}})

// checkStackOfThisThread checks the limit on the total length of the
// calling thread's filters, with p on top. The filters this package
// installed are known; any others the thread has (inherited, or installed
// by other code) count the least a filter can, so an install the kernel
// would refuse may pass this check, never the reverse.
func checkStackOfThisThread(p Program) error {
	n, err := threadFilterCount()
	if err != nil || n < 0 {
		return err // no Seccomp_filters (Linux before 5.9): the kernel decides
	}
	own := threadRecords()
	installed.Lock()
	known := append([]int(nil), installed.all...)
	installed.Unlock()
	if len(known)+len(own) == n {
		// Trusted only when the count agrees: other code may have
		// installed filters of its own, or this thread may have been
		// created by one with filters of its own.
		known = append(known, own...)
	}
	if len(known) > n {
		known = nil // the record does not describe this thread
	}
	total := KernelLen(p)
	for i := 0; i < n; i++ {
		l := minKernelLen
		if i < len(known) {
			l = known[i]
		}
		total += l + StackPenalty
	}
	if total > MaxStackInstructions {
		return &StackLimitError{Total: total, New: KernelLen(p)}
	}
	return nil
}

// threadFilterCount returns Seccomp_filters of the calling thread, or -1
// when the kernel does not report it.
func threadFilterCount() (int, error) {
	v, ok := threadStatus()["Seccomp_filters"]
	if !ok {
		return -1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1, fmt.Errorf("seccomp: the thread's status file has Seccomp_filters %q: %w", v, err)
	}
	return n, nil
}

// threadStatus returns the fields of the calling thread's status file
// (/proc/self/task/TID/status); empty when it cannot be read.
func threadStatus() procfs.Status {
	s, err := procfs.ReadStatus(procfs.StatusPath(0, unix.Gettid()))
	if err != nil {
		return procfs.Status{}
	}
	return s
}
