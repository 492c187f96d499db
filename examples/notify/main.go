//go:build linux

// Command notify runs a program under a filter that sends its mkdir and
// getppid calls to a supervisor, this program, which answers them in the
// kernel's place (seccomp user notification, Linux 5.0 and later).
//
//	go run ./examples/notify                                 # a built-in demonstration
//	go run ./examples/notify mkdir /tmp/a /tmp/denied-b      # any program (b is refused)
//
// The hand-over is the one OCI runtimes use with the seccomp listenerPath:
// the supervisor listens on a unix socket; the target (this program run
// again) installs the filter with a listener, connects to the socket and
// sends the listener over it (SCM_RIGHTS) with its state, closes its own
// copy, and then runs the demonstration or execs the program, which keeps
// the filter.
//
// The supervisor answers:
//   - getppid: 1, as if the target had been orphaned (a value);
//   - mkdir: the supervisor decides from its own copy of the path and
//     carries the decision out itself. A name starting with "denied" gets
//     EACCES; any other name is made by the supervisor, from the same copy,
//     and the call answered with the result.
//
// Why not check the path and answer CONTINUE (let the kernel run the call)?
// Because the kernel would read the path again from the target's memory,
// and another thread of the target can change it between the supervisor's
// read and the kernel's: "denied-x" gets past a check made on "x". The
// kernel's documentation says it plainly: CONTINUE after inspecting memory
// is not a security boundary. A supervisor that decides on what a pointer
// argument holds must act on its own copy (make the directory, or open the
// file and hand the descriptor over with ADDFD, notify.Request.AddFD) and
// answer with the result. CONTINUE is only for decisions that read no
// memory; this example does not use it.
//
// Acting for the target must not lend it the supervisor's powers: this
// supervisor acts only for a target with exactly its own credentials (user
// and group ids, capabilities, security-module context), its own root
// directory and its own mount and user namespaces (it starts the target
// itself, so that is the case unless the target changed them: ran a
// setuid program, dropped capabilities, entered a namespace where a
// directory is read-only); for any other target it answers EPERM. Same
// ids are not enough: root without capabilities, or in a mount namespace
// of its own, could have the supervisor do what it cannot.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/notify"
)

const (
	targetArg = "-notify-example-target"
	socketEnv = "NOTIFY_EXAMPLE_SOCKET"
	dirEnv    = "NOTIFY_EXAMPLE_DIR"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == targetArg {
		os.Exit(target(os.Args[2:]))
	}
	os.Exit(supervise(os.Args[1:]))
}

// supervise starts the target and answers its calls until it exits; it
// returns the target's exit status.
func supervise(args []string) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "supervisor:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "notify-example")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)

	// The listenerPath: where the target sends its listener.
	sock := filepath.Join(dir, "listener.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		return fail(err)
	}
	defer ln.Close()

	self, err := os.Executable()
	if err != nil {
		return fail(err)
	}
	cmd := exec.Command(self, append([]string{targetArg}, args...)...)
	cmd.Env = append(os.Environ(), socketEnv+"="+sock, dirEnv+"="+dir)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return fail(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		ln.Close() // a target that died before connecting ends the Accept
		close(exited)
	}()

	l, err := receive(ln)
	if err != nil {
		<-exited
		return fail(err)
	}
	defer l.Close()

	// Serve until the target has exited (Serve also returns by itself once
	// no process uses the filter, on Linux 5.9 and later).
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-exited
		cancel()
	}()
	if err := l.Serve(ctx, notify.HandlerFunc(answer)); err != nil && !errors.Is(err, context.Canceled) {
		return fail(err)
	}
	<-exited
	var ee *exec.ExitError
	if errors.As(waitErr, &ee) {
		return ee.ExitCode()
	}
	if waitErr != nil {
		return fail(waitErr)
	}
	return 0
}

// receive accepts the target's connection and receives the listener and
// the state sent with it.
func receive(ln *net.UnixListener) (*notify.Listener, error) {
	conn, err := ln.AcceptUnix()
	if err != nil {
		return nil, fmt.Errorf("the target did not send its listener: %w", err)
	}
	defer conn.Close()
	state := make([]byte, 4096)
	l, n, err := notify.ReceiveListenerMsg(conn, state)
	if err != nil {
		return nil, err
	}
	fmt.Printf("supervisor: received the listener, with state %s\n", state[:n])
	return l, nil
}

// answer is the handler: it runs in a goroutine of its own for each call.
func answer(ctx context.Context, r *notify.Request) notify.Response {
	name := r.SyscallName()
	say := func(what string, resp notify.Response) notify.Response {
		fmt.Printf("supervisor: %s from pid %d%s: %v\n", name, r.Pid, what, resp)
		return resp
	}
	if name == "getppid" {
		return say("", notify.Return(1))
	}
	// mkdir(path, mode) or mkdirat(dirfd, path, mode).
	dirfd, pathArg, modeArg := int32(unix.AT_FDCWD), r.Data.Args[0], r.Data.Args[1]
	if name == "mkdirat" {
		dirfd, pathArg, modeArg = int32(r.Data.Args[0]), r.Data.Args[1], r.Data.Args[2]
	}
	// A copy of the path, read after which the notification was still
	// live: it is the target's. Everything below decides on this copy and
	// acts on it; the target's memory is not read again.
	path, err := r.ReadString(pathArg, unix.PathMax-1)
	switch {
	case errors.Is(err, notify.ErrGone):
		return notify.Errno(unix.ENOENT) // the target is gone: nobody reads this
	case errors.Is(err, unix.ENAMETOOLONG):
		return say("", notify.Errno(unix.ENAMETOOLONG))
	case err != nil:
		return say("", notify.Errno(unix.EFAULT))
	}
	what := fmt.Sprintf(" %q", path)
	if strings.HasPrefix(filepath.Base(path), "denied") {
		return say(what, notify.Errno(unix.EACCES))
	}
	return say(what, mkdirFor(r, dirfd, path, uint32(modeArg)))
}

// mkdirFor makes the directory on the target's behalf, from the copy of
// its path, relative to the target's working directory or dirfd, if the
// target has the supervisor's own credentials and root (see the package
// doc); otherwise it answers EPERM.
func mkdirFor(r *notify.Request, dirfd int32, path string, mode uint32) notify.Response {
	proc := "/proc/" + strconv.Itoa(int(r.Pid))
	if ok, err := sameIdentity(proc); err != nil || !ok {
		return notify.Errno(unix.EPERM)
	}
	dir := proc + "/cwd"
	if dirfd != unix.AT_FDCWD {
		dir = proc + "/fd/" + strconv.Itoa(int(dirfd))
	}
	d, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return notify.Errno(err.(syscall.Errno))
	}
	defer unix.Close(d)
	// What was read through /proc is the target's only if the target
	// (whose pid could otherwise be reused) is still there: check after
	// reading, before acting.
	if err := r.Valid(); err != nil {
		return notify.Errno(unix.ENOENT)
	}
	// The target's umask is not applied: a real supervisor reads it from
	// /proc/PID/status (Umask) and clears those bits.
	if err := unix.Mkdirat(d, path, mode&0o7777); err != nil {
		return notify.Errno(err.(syscall.Errno))
	}
	return notify.Return(0)
}

// sameIdentity reports whether the process at proc (a /proc/PID path) has
// exactly this process's user and group ids (real, effective, saved and
// filesystem), supplementary groups, capabilities (all five sets),
// security-module context, root directory, and mount and user namespaces.
func sameIdentity(proc string) (bool, error) {
	keys := []string{"Uid:", "Gid:", "Groups:", "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:"}
	ids := func(status []byte) (string, error) {
		var out []string
		for _, line := range strings.Split(string(status), "\n") {
			for _, key := range keys {
				if strings.HasPrefix(line, key) {
					out = append(out, strings.Join(strings.Fields(line), " "))
				}
			}
		}
		if len(out) != len(keys) {
			return "", fmt.Errorf("%d of %d id lines in status", len(out), len(keys))
		}
		return strings.Join(out, "; "), nil
	}
	for _, ns := range []string{"ns/mnt", "ns/user"} {
		theirs, err := os.Readlink(proc + "/" + ns)
		if err != nil {
			return false, err
		}
		ours, err := os.Readlink("/proc/self/" + ns)
		if err != nil {
			return false, err
		}
		if theirs != ours {
			return false, nil
		}
	}
	// The security module's context (AppArmor, SELinux, ...): read as
	// it comes, or failing the same way where no module provides one.
	theirCtx, err1 := os.ReadFile(proc + "/attr/current")
	ourCtx, err2 := os.ReadFile("/proc/self/attr/current")
	if (err1 == nil) != (err2 == nil) || string(theirCtx) != string(ourCtx) {
		return false, nil
	}
	theirs, err := os.ReadFile(proc + "/status")
	if err != nil {
		return false, err
	}
	ours, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false, err
	}
	a, err := ids(theirs)
	if err != nil {
		return false, err
	}
	b, err := ids(ours)
	if err != nil {
		return false, err
	}
	var rootA, rootB unix.Stat_t
	if err := unix.Stat(proc+"/root", &rootA); err != nil {
		return false, err
	}
	if err := unix.Stat("/", &rootB); err != nil {
		return false, err
	}
	return a == b && rootA.Dev == rootB.Dev && rootA.Ino == rootB.Ino, nil
}

// target installs the filter, hands the listener to the supervisor and
// runs the demonstration or execs args.
func target(args []string) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "target:", err)
		return 126
	}
	path := ""
	if len(args) > 0 {
		var err error
		if path, err = exec.LookPath(args[0]); err != nil {
			fmt.Fprintln(os.Stderr, "target:", err)
			return 127
		}
	}
	arch, err := seccomp.NativeArch()
	if err != nil {
		return fail(err)
	}
	f := seccomp.NewFilter(seccomp.ActAllow, arch)
	for _, name := range []string{"mkdir", "mkdirat", "getppid"} {
		if _, ok := arch.Syscall(name); ok { // arm64 has no mkdir
			f.AddSyscalls(seccomp.ActUserNotif, name)
		}
	}
	prog, err := f.Compile()
	if err != nil {
		return fail(err)
	}
	lf, err := seccomp.InstallListener(prog, seccomp.InstallOptions{})
	if err != nil {
		return fail(err)
	}
	l, err := notify.NewListener(lf)
	if err != nil {
		return fail(err)
	}
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: os.Getenv(socketEnv), Net: "unix"})
	if err != nil {
		return fail(err)
	}
	// What an OCI runtime sends is the container's state; this is a
	// smaller one.
	state, _ := json.Marshal(struct {
		Pid  int      `json:"pid"`
		Argv []string `json:"argv"`
	}{os.Getpid(), append([]string{}, args...)})
	if err := notify.SendListenerMsg(conn, l, state); err != nil {
		return fail(err)
	}
	conn.Close()
	// Only the supervisor holds the listener now: if it dies, the calls
	// fail with ENOSYS instead of waiting for ever.
	l.Close()

	if path != "" {
		err := syscall.Exec(path, args, os.Environ())
		return fail(err)
	}
	demo(os.Getenv(dirEnv))
	return 0
}

func demo(dir string) {
	fmt.Printf("target: getppid() = %d\n", os.Getppid())
	for _, name := range []string{"plain", "denied-dir"} {
		p := filepath.Join(dir, name)
		err := os.Mkdir(p, 0o755)
		_, statErr := os.Stat(p)
		fmt.Printf("target: mkdir %s: %v (exists: %v)\n", name, err, statErr == nil)
	}
}
