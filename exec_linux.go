//go:build linux

package seccomp

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Exec replaces the process with the program at path, run under filter p:
// argv is its argument list (argv[0] included) and envv its environment,
// as for syscall.Exec. It returns only if the program could not be started.
//
// The filter goes on one thread only, the one that calls execve(2), right
// before the call and with no other system call in between: execve ends
// every other thread, and the program keeps exactly that thread's filters.
// So the filter never applies to this process's Go runtime: it must allow
// execve (or execveat, which Exec uses if the filter allows it and not
// execve) and what the program itself calls, nothing else. The program's
// children stay under the filter. That thread is a new one, never the main
// thread, unless the calling thread differs from a new one in something
// execve passes on: filters a new one would not have (installed with
// ThisThreadOnly from a locked goroutine), no_new_privs a new one lacks,
// credentials, capabilities, namespaces, directories, umask, personality,
// signal mask, affinity or security-module exec context set on it alone.
// The program keeps those, as from syscall.Exec, so then the calling
// thread execs; it does too where /proc is not mounted (nothing tells the
// threads apart).
//
// no_new_privs is set on that thread right before the filter (unless
// opts.KeepNewPrivs), and kept across execve. (With KeepNewPrivs, a
// set-user-ID program can still, rarely, start without its privileges:
// the kernel withholds them when the runtime is creating a thread at the
// moment of the exec, which syscall.Exec avoids by holding a lock of the
// runtime that a package cannot take.) opts.ThisThreadOnly and the
// flags FlagTSync and FlagTSyncESRCH mean nothing here and are ignored: the
// program gets the filter, nothing else does. The other flags are passed to
// the kernel; FlagNewListener is refused, since nothing would receive the
// listener (see CommandListener).
//
// Everything that can be checked is checked before anything changes, and is
// returned as an error with the process as it was: the filter and flags (as
// for Install), that the filter allows execve or execveat (with the
// emulator, on the native arch, with the call's real arguments), that path
// is an executable file (an error wrapping fs.ErrNotExist when it does not
// exist: shells exit with 127 then, and 126 for the rest); a filter the
// kernel refuses is returned the same way. But once the filter is on the
// thread, nothing may run there but execve, which the filter allows: if
// execve then fails (the file changed since the check, is no program the
// kernel runs, E2BIG, ...), another thread, outside the filter, writes the
// reason to standard error and ends the process with status 127 for ENOENT
// and 126 otherwise, without deferred functions or exit hooks. So it does,
// with 126, if the filter kills that thread before execve (see Signals).
// When that thread is the main thread, which stays a zombie while other
// threads live, only /proc shows its end: the other thread sees it there
// within about a second; where no /proc of the process's PID namespace is
// mounted, nothing does, and Exec then never returns.
//
// Signals: from the moment the filter is on until execve, a signal handled
// on that thread would end in rt_sigreturn, which the filter may deny (and
// blocking signals is no remedy: the program would inherit the mask).
// Exec gives SIGURG, which the Go runtime sends to threads to preempt them,
// its default disposition (discarded by the kernel; the program inherits
// it as from any exec), so the runtime's own signals never arrive there;
// the process runs without asynchronous preemption until the exec. Signals
// sent to the process go to the main thread first, whenever it does not
// block them and has none pending. What remains is a signal sent to the
// process while the main thread has one pending, one sent to that very
// thread, or a thread CPU-time timer (CPU profiling), in the few
// instructions between the two calls: a filter that allows rt_sigreturn is
// immune to those. When the calling thread execs and is the main thread
// (see above), it is the one that signals sent to the process go to
// first: any of them (SIGCHLD from a child that ends, SIGWINCH, ...) in
// those instructions is then a hazard, unless the filter allows
// rt_sigreturn.
//
// Exec sets RLIMIT_NOFILE back to the value the process started with, as
// syscall.Exec and os/exec do for the programs they start (the Go runtime
// raises it for itself), and needs GOMAXPROCS of at least 2, which it sets
// for the moment if need be.
func Exec(p Program, opts InstallOptions, path string, argv, envv []string) error {
	x, err := newExecPlan(p, opts, path, argv, envv, -1)
	if err != nil {
		return err
	}
	return x.run()
}

// execFlags returns the flags of an install before exec: opts.Flags without
// the TSYNC flags, which mean nothing on a thread about to exec, and with
// FlagNewListener for a listener.
func execFlags(opts InstallOptions, listener bool) (FilterFlag, error) {
	f := opts.Flags &^ (FlagTSync | FlagTSyncESRCH)
	if f&FlagNewListener != 0 && !listener {
		return 0, &FlagError{Flag: FlagNewListener, Reason: "nothing would receive the listener of a filter installed before exec: use CommandListener"}
	}
	if listener {
		f |= FlagNewListener
	}
	return f, nil
}

// checkExecutable checks that path names a file execve could run: it
// exists (an error wrapping fs.ErrNotExist otherwise), is a regular file,
// and may be executed.
func checkExecutable(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("seccomp: exec: %w", err)
	}
	switch {
	case st.IsDir():
		err = unix.EISDIR
	case !st.Mode().IsRegular():
		err = unix.EACCES
	default:
		err = unix.Faccessat(unix.AT_FDCWD, path, unix.X_OK, unix.AT_EACCESS)
	}
	if err != nil {
		return fmt.Errorf("seccomp: exec: %w", &fs.PathError{Op: "exec", Path: path, Err: err})
	}
	return nil
}

// execStatus is the exit status a shell gives for a program that could not
// be started: 127 when it does not exist, 126 otherwise.
func execStatus(err error) int {
	if errors.Is(err, fs.ErrNotExist) {
		return 127
	}
	return 126
}

// allowsExec tells whether action a lets execve run for the program: ALLOW
// and LOG do, USER_NOTIF does when the filter's listener goes to a
// supervisor (which may let it run), TRACE does when the process is traced
// (the tracer decides).
func allowsExec(a Action, listener, traced bool) bool {
	switch a.Effective().Kind() {
	case ActAllow, ActLog:
		return true
	case ActUserNotif:
		return listener
	case ActTrace:
		return traced
	}
	return false
}

// execCall returns the call Exec makes, execve or else execveat, whichever
// the filter lets run (see allowsExec) on the native arch with these
// arguments. Where there is no native arch, it is execve unchecked.
func execCall(p Program, listener bool, path, argv, envv uintptr) (nr uintptr, args [5]uintptr, err error) {
	execve := [5]uintptr{path, argv, envv}
	atFDCWD := -100
	execveat := [5]uintptr{uintptr(atFDCWD), path, argv, envv, 0}
	arch, aerr := NativeArch()
	if aerr != nil {
		return unix.SYS_EXECVE, execve, nil
	}
	em, err := NewEmulator(p)
	if err != nil {
		return 0, args, err
	}
	traced := threadStatus()["TracerPid"] != "0"
	run := func(nr uintptr, a [5]uintptr) Action {
		d := Data{Nr: int32(nr), Arch: arch.AuditArch}
		for i, v := range a {
			d.Args[i] = uint64(v)
		}
		return em.Action(d)
	}
	ae := run(unix.SYS_EXECVE, execve)
	if allowsExec(ae, listener, traced) {
		return unix.SYS_EXECVE, execve, nil
	}
	aat := run(unix.SYS_EXECVEAT, execveat)
	if allowsExec(aat, listener, traced) {
		return unix.SYS_EXECVEAT, execveat, nil
	}
	return 0, args, fmt.Errorf("seccomp: the filter returns %v for execve and %v for execveat on %s: the program could never start; the filter must allow one of them", ae, aat, arch.Name)
}

// execPlan is everything the last steps before execve need (see
// execraw_linux.go), prepared beforehand.
type execPlan struct {
	prog       Program
	nnp        bool
	useSeccomp bool
	flags      uintptr
	fprog      unix.SockFprog

	execNr   uintptr
	execArgs [5]uintptr
	// The memory execArgs points to, kept alive here.
	pathp        *byte
	argvp, envvp []*byte

	dflAction, urgAction sigaction

	// The listener's hand-off (Command's helper): the request channel and
	// the message the watcher sends on it.
	listener bool
	sock     int
	lmsg     unix.Msghdr
	liov     unix.Iovec
	lbuf     []byte
	lctl     []byte
	lfdOff   int

	// Reports of the watcher: message prefixes, errno texts, and room.
	execFailed, sendFailed, threadDied []byte
	errText                            []string
	msg                                []byte

	state uint32
	stage int
	errno syscall.Errno

	// The process and the exec thread, for the watcher to tell whether
	// the exec thread is still there; tid is set before the handshake.
	pid, tid int

	// When the exec thread is the main thread (see watchMainThread): its
	// stat file (nil if /proc cannot tell), room to read it, and when.
	statPath            *byte
	statBuf             []byte
	statRound, statNext int
}

// newExecPlan checks everything that can be checked before the install
// and prepares the last steps. sock is the request channel of Command's
// helper, to send the listener on, or -1.
func newExecPlan(p Program, opts InstallOptions, path string, argv, envv []string, sock int) (*execPlan, error) {
	listener := sock >= 0
	flags, err := execFlags(opts, listener)
	if err != nil {
		return nil, err
	}
	if err := checkInstall(p, flags); err != nil {
		return nil, err
	}
	hasSeccomp, err := checkKernelFlags(flags)
	if err != nil {
		return nil, err
	}
	if err := checkExecutable(path); err != nil {
		return nil, err
	}
	x := &execPlan{
		prog:       append(Program(nil), p...),
		nnp:        !opts.KeepNewPrivs,
		useSeccomp: hasSeccomp,
		flags:      uintptr(flags),
		listener:   listener,
		sock:       sock,
	}
	x.fprog = unix.SockFprog{Len: uint16(len(x.prog)), Filter: (*unix.SockFilter)(unsafe.Pointer(&x.prog[0]))}
	if x.pathp, err = syscall.BytePtrFromString(path); err != nil {
		return nil, fmt.Errorf("seccomp: exec %q: %w", path, err)
	}
	if x.argvp, err = syscall.SlicePtrFromStrings(argv); err != nil {
		return nil, fmt.Errorf("seccomp: exec %s: an argument: %w", path, err)
	}
	if x.envvp, err = syscall.SlicePtrFromStrings(envv); err != nil {
		return nil, fmt.Errorf("seccomp: exec %s: the environment: %w", path, err)
	}
	x.execNr, x.execArgs, err = execCall(x.prog, listener,
		uintptr(unsafe.Pointer(x.pathp)), uintptr(unsafe.Pointer(&x.argvp[0])), uintptr(unsafe.Pointer(&x.envvp[0])))
	if err != nil {
		return nil, fmt.Errorf("%w (exec %s)", err, path)
	}
	if listener {
		x.lbuf = []byte{listenerTag}
		x.liov = unix.Iovec{Base: &x.lbuf[0]}
		x.liov.SetLen(len(x.lbuf))
		x.lctl = unix.UnixRights(-1)
		x.lfdOff = unix.CmsgLen(0)
		x.lmsg = unix.Msghdr{Iov: &x.liov, Control: &x.lctl[0]}
		x.lmsg.SetIovlen(1)
		x.lmsg.SetControllen(len(x.lctl))
	}
	x.execFailed = []byte("seccomp: exec " + path + " after installing the filter: ")
	x.threadDied = []byte("seccomp: exec " + path + ": the thread that was to exec it died under the filter before execve (a signal handled there makes calls the filter may kill for, see seccomp.Exec): ")
	x.sendFailed = []byte("seccomp: sending the filter's listener to the parent process: ")
	x.errText = make([]string, 256)
	longest := 0
	for i := range x.errText {
		x.errText[i] = syscall.Errno(i).Error()
		longest = max(longest, len(x.errText[i]))
	}
	x.msg = make([]byte, max(len(x.execFailed), len(x.sendFailed), len(x.threadDied))+max(longest, len("unknown error"))+1)
	x.pid = unix.Getpid()
	return x, nil
}

// run installs the filter on a thread of its own and execs from there (see
// execraw_linux.go). It returns only if the install failed.
//
// The exec thread is a new one, never the main thread, if it is the same as
// the calling thread in everything execve passes on (see execState).
// Otherwise the calling thread execs: it may have been set up for the
// program (a filter with ThisThreadOnly, namespaces, credentials,
// capabilities, on a locked goroutine), and the program must get that, as
// from syscall.Exec.
func (x *execPlan) run() error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	caller := execState(unix.Gettid())
	procs := runtime.GOMAXPROCS(0)
	if procs < 2 {
		runtime.GOMAXPROCS(2) // the exec thread and the watcher each hold one
	}
	undoNofile := restoreNofileForExec()
	prepared := make(chan error, 1)
	done := goLocked(func() bool {
		if caller == nil || !maps.Equal(caller, execState(unix.Gettid())) {
			prepared <- errExecOnCaller
			return true // nothing changed
		}
		if err := x.prepareThread(); err != nil {
			prepared <- err
			return true
		}
		x.tid = unix.Gettid()
		prepared <- nil
		for !x.enter() {
			runtime.Gosched()
		}
		return false // the thread may have no_new_privs: it goes
	})
	err := <-prepared
	if err == nil {
		for !x.watch() {
			runtime.Gosched()
		}
		err = x.errBefore()
	}
	<-done
	if err == errExecOnCaller {
		err = x.runOnThisThread()
	}
	undoNofile()
	if procs < 2 {
		runtime.GOMAXPROCS(procs)
	}
	return err
}

var errExecOnCaller = errors.New("exec from the calling thread")

// runOnThisThread execs from the calling thread, locked, watched by a new
// goroutine (which runs on another thread). If the install fails, the
// calling thread keeps no_new_privs.
func (x *execPlan) runOnThisThread() error {
	if err := x.prepareThread(); err != nil {
		return err
	}
	x.tid = unix.Gettid()
	if x.tid == x.pid {
		x.watchMainThread()
	}
	watched := make(chan struct{})
	go func() {
		for !x.watch() {
			runtime.Gosched()
		}
		close(watched)
	}()
	for !x.enter() {
		runtime.Gosched()
	}
	<-watched
	return x.errBefore()
}

// watchMainThread prepares the watcher to tell whether the exec thread,
// the main thread, has ended (see mainThreadEnded). A signal of 0 cannot
// tell: the main thread, once ended, stays a zombie until every other
// thread has ended too, and the signal finds it. Neither can a pidfd: the
// kernel does not report the end of a thread-group leader while other
// threads live, even for a pidfd of that one thread (PIDFD_THREAD; seen
// on Linux 6.18), since a thread that execs would take its place. Its
// state in its stat file does: Z (zombie) or X (dead).
//
// That needs a /proc of this process's PID namespace, where the ids are
// this process's own: without one, nothing tells, and the watcher waits.
func (x *execPlan) watchMainThread() {
	x.statPath = nil
	if self, err := os.Readlink("/proc/self"); err != nil || self != strconv.Itoa(x.pid) {
		return
	}
	x.statPath, _ = syscall.BytePtrFromString("/proc/self/task/" + strconv.Itoa(x.tid) + "/stat")
	// "pid (comm) S ...": comm has at most 15 bytes.
	x.statBuf = make([]byte, 64)
	x.statRound, x.statNext = 0, 1
}

// execStatusFields are the fields of a thread's status file that execve
// passes on to the program and that can differ between the threads of a
// process.
var execStatusFields = map[string]bool{
	"Umask": true, "Uid": true, "Gid": true, "Groups": true,
	"CapInh": true, "CapPrm": true, "CapEff": true, "CapBnd": true, "CapAmb": true,
	"NoNewPrivs": true, "Seccomp": true, "Seccomp_filters": true,
	"Speculation_Store_Bypass": true, "SpeculationIndirectBranch": true,
	"SigBlk": true, "Cpus_allowed": true, "Mems_allowed": true,
}

// execState returns what execve passes on from thread tid of this process
// to the program, as far as threads can differ in it: the fields of
// execStatusFields, its namespaces, working and root directories,
// personality and the security module's exec context, and (from prctl, for
// the calling thread) its seccomp mode and no_new_privs. It returns nil
// when /proc cannot tell.
func execState(tid int) map[string]string {
	base := "/proc/self/task/" + strconv.Itoa(tid) + "/"
	b, err := os.ReadFile(base + "status")
	if err != nil {
		return nil
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && execStatusFields[k] {
			m[k] = strings.TrimSpace(v)
		}
	}
	for _, ns := range []string{"cgroup", "ipc", "mnt", "net", "pid_for_children", "time_for_children", "user", "uts"} {
		m["ns/"+ns], _ = os.Readlink(base + "ns/" + ns)
	}
	m["cwd"], _ = os.Readlink(base + "cwd")
	m["root"], _ = os.Readlink(base + "root")
	for _, f := range []string{"personality", "attr/exec"} {
		b, _ := os.ReadFile(base + f)
		m[f] = string(b)
	}
	if tid == unix.Gettid() {
		m["prctl/seccomp"] = strconv.Itoa(probeThreadMode())
		nnp, _ := getNoNewPrivs()
		m["prctl/no_new_privs"] = strconv.FormatBool(nnp)
	}
	return m
}

// prepareThread does the checks that concern the exec thread itself.
func (x *execPlan) prepareThread() error {
	a := attacher{prog: x.prog, nnp: x.nnp}
	if err := a.checkPrivileges(); err != nil {
		return err
	}
	return checkStackOfThisThread(x.prog)
}

// errBefore is the error of an install that failed before the filter was
// on.
func (x *execPlan) errBefore() error {
	switch x.stage {
	case stageSigaction:
		return &InstallError{Op: "rt_sigaction(SIGURG, SIG_DFL)", Err: x.errno}
	case stageNoNewPrivs:
		return &InstallError{Op: "prctl(PR_SET_NO_NEW_PRIVS)", Err: x.errno}
	}
	if x.useSeccomp {
		return installErrno(fmt.Sprintf("seccomp(SECCOMP_SET_MODE_FILTER, %v)", FilterFlag(x.flags)), x.errno)
	}
	return installErrno("prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER)", x.errno)
}

// restoreNofileForExec sets RLIMIT_NOFILE back to the value the process
// started with, as syscall.Exec and os/exec do for the programs they start:
// the Go runtime raises the soft limit for itself at start-up and keeps the
// old value where only the syscall package reads it. syscall.Exec sets it
// back right before its execve, so an execve bound to fail (an empty path:
// ENOENT, nothing else done) makes it do just that. It returns a function
// that puts the raised limit back, for when the exec is called off.
func restoreNofileForExec() (undo func()) {
	var now unix.Rlimit
	if err := unix.Prlimit(0, unix.RLIMIT_NOFILE, nil, &now); err != nil {
		return func() {}
	}
	_ = syscall.Exec("", nil, nil)
	return func() { unix.Prlimit(0, unix.RLIMIT_NOFILE, &now, nil) }
}
