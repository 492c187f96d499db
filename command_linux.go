//go:build linux

package seccomp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// commandHelperArg is argv[1] of a process started by Command: this
// program run again as the helper that installs the filter and execs the
// command. It only says "look at descriptor 3": the request itself never
// travels in argv or the environment.
const commandHelperArg = "-seccomp-go-command-helper-v2"

// commandHelperOn records that the program called RunCommandHelper.
var commandHelperOn atomic.Bool

// RunCommandHelper makes this program able to run commands for Command and
// CommandListener. Call it first thing in main, before flags are parsed and
// anything else is done (as moby's reexec.Init):
//
//	func main() {
//		seccomp.RunCommandHelper()
//		...
//	}
//
// In a process started by Command it is the helper: it installs the filter,
// execs the command and never returns; if it cannot, it writes the reason to
// standard error and exits with status 126 (127 if the command is not
// found). Anywhere else it returns at once and changes nothing. Command
// starts this same executable again (/proc/self/exe), so a program that
// does not call it cannot use Command, which says so (ErrNoCommandHelper)
// rather than start a child that would run this program's main. The
// package has no init function: a program that does not call
// RunCommandHelper never acts as a helper, whatever its arguments.
//
// Threat model. Anyone who can run this executable can run it as a helper,
// with any arguments, environment and open files; only its parent can give
// it the request channel (see Command). The helper acts only when argv is
// exactly [name, "-seccomp-go-command-helper-v2"] and descriptor 3 is that
// channel: a unix SEQPACKET socket whose peer is the parent process (in a
// PID namespace of the helper's own, where neither can be seen, a process
// outside it: Cmd.SysProcAttr may ask for one), holding one message with
// the protocol's header and version and one descriptor, a memfd sealed
// against writes, growing and shrinking that holds the request. Anything
// else is refused before anything is done. This proves the request came
// from the parent, not that the parent is benign, and it need not: the
// helper does only what the parent could do itself (set no_new_privs
// unless the request says KeepNewPrivs, which the kernel then allows only
// with CAP_SYS_ADMIN; install a filter; exec a program), with the
// privileges the parent gave it. So it refuses to act, status 126, in a
// process that has more than its parent: set-user-ID or set-group-ID
// (real and effective ids differ), AT_SECURE set in its auxiliary vector
// by the kernel (set-user-ID, set-group-ID, file capabilities, a security
// module's transition; if the vector cannot be read, it refuses too), or a
// parent that is not root and has other user or group ids than the helper
// (the program became another user before its exec: a set-user-ID wrapper
// that sets all its ids, then execs this program for its caller). A
// privileged executable that calls RunCommandHelper cannot be made to exec
// anything by whoever runs it; it cannot use Command either (its helper
// refuses). What the helper cannot see is privilege gained before its exec
// under the same ids (capabilities or supplementary groups that a wrapper
// adds, keeping the user and group): a program that calls
// RunCommandHelper must not be run that way for others. The request never
// appears in /proc/PID/cmdline or /proc/PID/environ, and its size is
// bound by no limit on arguments.
func RunCommandHelper() {
	commandHelperOn.Store(true)
	if len(os.Args) != 2 || os.Args[1] != commandHelperArg {
		return
	}
	os.Exit(runCommandHelper())
}

// ErrNoCommandHelper is the error of Command and CommandListener in a
// program that did not call RunCommandHelper.
var ErrNoCommandHelper = errors.New("seccomp: this program does not call seccomp.RunCommandHelper first thing in main: Command runs this program again as its helper, which would run main instead")

// Command returns an *exec.Cmd that runs the named program with args under
// filter p, installed with opts. The program must call RunCommandHelper
// first thing in main (Command returns ErrNoCommandHelper otherwise).
//
// Go has no hook between fork and exec, so the Cmd first runs this same
// executable again (/proc/self/exe: exactly this program's file, even if it
// has been replaced on disk since) as a helper. The helper gets the request
// over a channel that only this process can give it, installs the filter
// on the one thread that execs the command and execs it, exactly as Exec
// does in place (see Exec for the thread, the flags, the checks and the
// signals): the filter must allow execve (or execveat) and what the command
// calls, nothing of the helper's own; no_new_privs is set unless
// opts.KeepNewPrivs; FlagTSync, FlagTSyncESRCH and opts.ThisThreadOnly are
// ignored, and FlagNewListener is CommandListener's. If the install or the
// exec fails, the helper writes the reason to the command's standard error
// and exits with status 126 (127 if the command is not found).
//
// Threat model (more in RunCommandHelper). The helper trusts nothing but
// the channel: descriptor 3, a unix socket whose peer is its parent,
// holding a sealed memfd with the request; argv only says where to look,
// and the environment plays no part. It refuses to run in a process that
// has more privileges than its parent (set-user-ID, set-group-ID, file
// capabilities: anything that sets AT_SECURE; other ids than a parent
// that is not root), so that whoever can run the executable, with any
// arguments, environment and descriptors, gets nothing from it they could
// not do themselves. So a Cmd whose SysProcAttr.Credential changes the
// user or group works only from a root parent. The request is not visible
// in the helper's command line or environment.
//
// The command's environment, working directory, standard files and process
// attributes are those set on the returned Cmd; change its fields as usual,
// except Path, Args and ExtraFiles[0]. ExtraFiles[0] is the helper's
// request channel: append your own files after it. As always with os/exec,
// ExtraFiles[i] becomes the command's descriptor 3+i; descriptor 3 is
// closed in the command. The channel's descriptor in this process is
// closed when the Cmd is garbage collected.
//
// name is looked up in PATH now, so a missing command is an error here; so
// is a filter that allows neither execve nor execveat (checked with the
// emulator on the native arch, with the pointer arguments zero; the helper
// checks again with the real ones).
func Command(p Program, opts InstallOptions, name string, args ...string) (*exec.Cmd, error) {
	cmd, _, err := newCommand(p, opts, false, name, args)
	return cmd, err
}

// CommandListener is Command for a filter with a user-notification
// listener (FlagNewListener, added to opts.Flags): the helper installs the
// filter, and before it execs the command, sends the listener to this
// process. Start the command, then call receive, which waits for the
// listener and returns it (close-on-exec); serve it with package notify.
// Call receive once, after Start returned and before Wait. If the helper
// ends before it sent the listener, receive returns an error, and the
// reason is on the command's standard error.
//
// Nothing but execve runs under the filter before the command: the
// listener is sent from a thread of the helper that does not have the
// filter. So a filter that hands every call to the supervisor works: the
// first call the supervisor sees is the execve of the command (when the
// filter notifies execve, which receive must then be called for, and the
// listener served, for the command to start).
func CommandListener(p Program, opts InstallOptions, name string, args ...string) (cmd *exec.Cmd, receive func() (*os.File, error), err error) {
	cmd, parent, err := newCommand(p, opts, true, name, args)
	if err != nil {
		return nil, nil, err
	}
	child := cmd.ExtraFiles[0]
	var once sync.Once
	receive = func() (l *os.File, err error) {
		err = errors.New("seccomp: the listener of a command can be received only once")
		once.Do(func() { l, err = receiveListener(cmd, parent, child) })
		return l, err
	}
	return cmd, receive, nil
}

// receiveListener receives the listener the helper sends on the request
// channel.
func receiveListener(cmd *exec.Cmd, parent, child *os.File) (*os.File, error) {
	defer parent.Close()
	if cmd.Process == nil {
		child.Close()
		return nil, errors.New("seccomp: the listener of a command is received after cmd.Start")
	}
	// The parent's copy of the helper's end: closed, the helper's exit
	// (or exec) is the end of the channel.
	child.Close()
	buf := make([]byte, 16)
	oob := make([]byte, unix.CmsgSpace(4*2))
	var n, oobn, flags int
	var err error
	for {
		// A blocking socket: this waits on an OS thread of its own.
		n, oobn, flags, _, err = unix.Recvmsg(int(parent.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("seccomp: receiving the listener from the command's helper: %w", err)
	}
	fds, ferr := rightsOf(oob[:oobn])
	switch {
	case n == 0 && oobn == 0:
		return nil, errors.New("seccomp: the command's helper ended before it installed the filter; its standard error says why")
	case ferr != nil:
		closeAll(fds)
		return nil, fmt.Errorf("seccomp: the command's helper sent no listener: %w", ferr)
	case n != 1 || buf[0] != listenerTag || len(fds) != 1 || flags&(unix.MSG_TRUNC|unix.MSG_CTRUNC) != 0:
		closeAll(fds)
		return nil, errors.New("seccomp: the command's helper sent something else than its listener")
	}
	return os.NewFile(uintptr(fds[0]), "seccomp-listener"), nil
}

// requestMemfd names the memfd of a request; requestSealsAll are its
// seals.
const (
	requestMemfd    = "seccomp-go-command-request"
	requestSealsAll = unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
)

func newCommand(p Program, opts InstallOptions, listener bool, name string, args []string) (*exec.Cmd, *os.File, error) {
	if !commandHelperOn.Load() {
		return nil, nil, ErrNoCommandHelper
	}
	flags, err := execFlags(opts, listener)
	if err != nil {
		return nil, nil, err
	}
	if err := checkInstall(p, flags); err != nil {
		return nil, nil, err
	}
	if _, err := checkKernelFlags(flags); err != nil {
		return nil, nil, err
	}
	if _, _, err := execCall(p, listener, 0, 0, 0); err != nil {
		return nil, nil, err
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, nil, err
	}
	payload, err := encodeRequest(commandRequest{Prog: p, Flags: flags, KeepNewPrivs: opts.KeepNewPrivs, Path: path, Argv: append([]string{name}, args...)})
	if err != nil {
		return nil, nil, err
	}
	parent, child, err := requestChannel(payload)
	if err != nil {
		return nil, nil, fmt.Errorf("seccomp: Command: %w", err)
	}
	if !listener {
		parent.Close() // the request stays queued for the helper
		parent = nil
	}
	cmd := exec.Command("/proc/self/exe", commandHelperArg)
	cmd.Args[0] = name
	cmd.ExtraFiles = []*os.File{child}
	return cmd, parent, nil
}

// requestChannel makes the channel: a socket pair with the request queued
// on the helper's end.
func requestChannel(payload []byte) (parent, child *os.File, err error) {
	mfd, err := unix.MemfdCreate(requestMemfd, unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, nil, fmt.Errorf("memfd_create: %w", err)
	}
	defer unix.Close(mfd)
	for rest := payload; len(rest) > 0; {
		n, err := unix.Write(mfd, rest)
		if err != nil {
			return nil, nil, fmt.Errorf("writing the request: %w", err)
		}
		rest = rest[n:]
	}
	if _, err := unix.FcntlInt(uintptr(mfd), unix.F_ADD_SEALS, requestSealsAll); err != nil {
		return nil, nil, fmt.Errorf("sealing the request: %w", err)
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("socketpair: %w", err)
	}
	parent = os.NewFile(uintptr(fds[0]), "seccomp-command-request")
	child = os.NewFile(uintptr(fds[1]), "seccomp-command-helper")
	if err := unix.Sendmsg(fds[0], requestHeader(len(payload)), unix.UnixRights(mfd), nil, 0); err != nil {
		parent.Close()
		child.Close()
		return nil, nil, fmt.Errorf("sending the request: %w", err)
	}
	return parent, child, nil
}

// runCommandHelper is the helper side of Command. It returns the exit
// status when it could not exec the command.
func runCommandHelper() int {
	fail := func(status int, err error) int {
		msg := err.Error()
		if !strings.HasPrefix(msg, "seccomp: ") {
			msg = "seccomp: the helper of seccomp.Command: " + msg
		}
		fmt.Fprintln(os.Stderr, msg)
		return status
	}
	if err := checkUnprivileged(); err != nil {
		return fail(126, err)
	}
	req, err := readRequest(3)
	if err != nil {
		return fail(126, err)
	}
	p := req.Prog
	// The command must not inherit the channel.
	sock := -1
	if req.Flags&FlagNewListener != 0 {
		sock = 3
		unix.CloseOnExec(3)
	} else {
		unix.Close(3)
	}
	opts := InstallOptions{Flags: req.Flags &^ FlagNewListener, KeepNewPrivs: req.KeepNewPrivs}
	x, err := newExecPlan(p, opts, req.Path, req.Argv, os.Environ(), sock)
	if err != nil {
		return fail(execStatus(err), err)
	}
	err = x.run()
	return fail(126, err)
}

// checkUnprivileged refuses a process with more privileges than its parent
// gave it: set-user-ID or set-group-ID, or AT_SECURE set by the kernel.
func checkUnprivileged() error {
	const refuse = "refusing to act in a privileged process"
	if os.Getuid() != os.Geteuid() || os.Getgid() != os.Getegid() {
		return fmt.Errorf("%s: set-user-ID or set-group-ID (real ids %d/%d, effective %d/%d)", refuse, os.Getuid(), os.Getgid(), os.Geteuid(), os.Getegid())
	}
	secure, err := atSecure()
	if err != nil {
		return fmt.Errorf("%s: cannot tell whether the kernel set AT_SECURE: %w", refuse, err)
	}
	if secure {
		return fmt.Errorf("%s: the kernel set AT_SECURE (set-user-ID, set-group-ID, file capabilities or a security module's transition)", refuse)
	}
	return nil
}

// atSecure reads AT_SECURE from the process's auxiliary vector.
func atSecure() (bool, error) {
	const atSecure = 23 // AT_SECURE, include/uapi/linux/auxvec.h
	auxv, err := unix.Auxv()
	if err != nil {
		// The runtime has no copy: read the kernel's.
		b, rerr := os.ReadFile("/proc/self/auxv")
		if rerr != nil {
			return false, fmt.Errorf("%w; /proc/self/auxv: %w", err, rerr)
		}
		w := 8
		if ^uint(0)>>32 == 0 {
			w = 4
		}
		for i := 0; i+2*w <= len(b); i += 2 * w {
			k, v := auxvWord(b[i:], w), auxvWord(b[i+w:], w)
			auxv = append(auxv, [2]uintptr{uintptr(k), uintptr(v)})
		}
	}
	for _, kv := range auxv {
		if kv[0] == atSecure {
			return kv[1] != 0, nil
		}
	}
	return false, errors.New("the auxiliary vector has no AT_SECURE")
}

func auxvWord(b []byte, w int) uint64 {
	if w == 4 {
		return uint64(binary.NativeEndian.Uint32(b))
	}
	return binary.NativeEndian.Uint64(b)
}

// readRequest checks that fd is the request channel of Command and reads
// the request from it.
func readRequest(fd int) (*commandRequest, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("started as a helper (argument %s), but descriptor %d is not the request channel seccomp.Command provides: %s", commandHelperArg, fd, fmt.Sprintf(format, a...))
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, bad("%v", err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFSOCK {
		return nil, bad("not a socket")
	}
	if d, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DOMAIN); err != nil || d != unix.AF_UNIX {
		return nil, bad("not a unix socket")
	}
	if t, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE); err != nil || t != unix.SOCK_SEQPACKET {
		return nil, bad("not a SEQPACKET socket")
	}
	cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil || int(cred.Pid) != os.Getppid() {
		return nil, bad("its peer is not the parent process")
	}
	// A process can have more than its parent without AT_SECURE: a
	// set-user-ID wrapper that set all its ids, then exec'd this program
	// for its caller. Act only for a parent that is root or has this
	// process's user and group.
	uid, gid := os.Getuid(), os.Getgid()
	if cred.Uid != 0 && (int(cred.Uid) != uid || int(cred.Gid) != gid) {
		return nil, fmt.Errorf("refusing to act for a parent with other ids (uid %d, gid %d) than this process (uid %d, gid %d), and not root: this process has privileges its parent did not have", cred.Uid, cred.Gid, uid, gid)
	}
	hdr := make([]byte, requestHdrLen+1)
	oob := make([]byte, unix.CmsgSpace(4*2))
	n, oobn, flags, _, err := unix.Recvmsg(fd, hdr, oob, unix.MSG_DONTWAIT|unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return nil, bad("no request: %v", err)
	}
	fds, ferr := rightsOf(oob[:oobn])
	defer closeAll(fds)
	if flags&(unix.MSG_TRUNC|unix.MSG_CTRUNC) != 0 {
		return nil, bad("no request header")
	}
	size, err := parseRequestHeader(hdr[:n])
	switch {
	case err != nil:
		return nil, bad("%v", err)
	case ferr != nil || len(fds) != 1:
		return nil, bad("the request comes with %d descriptors, want 1", len(fds))
	}
	mfd := fds[0]
	if err := unix.Fstat(mfd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || uint64(st.Size) != size {
		return nil, bad("the request is not a file of the size announced")
	}
	seals, err := unix.FcntlInt(uintptr(mfd), unix.F_GET_SEALS, 0)
	if err != nil || seals&requestSealsAll != requestSealsAll {
		return nil, bad("the request is not a sealed memfd")
	}
	payload := make([]byte, size)
	if _, err := io.ReadFull(io.NewSectionReader(fdReaderAt(mfd), 0, int64(size)), payload); err != nil {
		return nil, bad("reading the request: %v", err)
	}
	req, err := parseRequest(payload)
	if err != nil {
		return nil, bad("%v", err)
	}
	return req, nil
}

// fdReaderAt reads a file descriptor with pread.
type fdReaderAt int

func (f fdReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := unix.Pread(int(f), p, off)
	if err == nil && n == 0 && len(p) > 0 {
		err = io.EOF
	}
	return n, err
}

// rightsOf returns the descriptors of the SCM_RIGHTS messages in oob.
func rightsOf(oob []byte) ([]int, error) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, err
	}
	var fds []int
	for i := range msgs {
		f, err := unix.ParseUnixRights(&msgs[i])
		if err != nil {
			return fds, err
		}
		fds = append(fds, f...)
	}
	return fds, nil
}

func closeAll(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}
