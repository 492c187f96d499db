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
//   - mkdir of a name starting with "denied": EACCES (an errno);
//   - mkdir of a name starting with "emulated": the supervisor makes the
//     directory itself, from its copy of the path, and answers with the
//     result. This is how a supervisor allows a call because of what a
//     pointer argument holds;
//   - any other mkdir: CONTINUE, the kernel runs the call. The path is
//     only logged: the target can change the path after the supervisor
//     read it, so CONTINUE must never depend on what was read.
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
	// live: it is the target's.
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
	base := filepath.Base(path)
	switch {
	case strings.HasPrefix(base, "denied"):
		return say(what, notify.Errno(unix.EACCES))
	case strings.HasPrefix(base, "emulated"):
		return say(what, emulateMkdir(r, dirfd, path, uint32(modeArg)))
	}
	return say(what+" (logged only)", notify.Continue())
}

// emulateMkdir makes the directory on the target's behalf, from the copy
// of its path, relative to the target's working directory or dirfd. (A
// real supervisor also takes the target's credentials, umask and root
// into account; this one makes the directory as itself.)
func emulateMkdir(r *notify.Request, dirfd int32, path string, mode uint32) notify.Response {
	dir := "/proc/" + strconv.Itoa(int(r.Pid)) + "/cwd"
	if dirfd != unix.AT_FDCWD {
		dir = "/proc/" + strconv.Itoa(int(r.Pid)) + "/fd/" + strconv.Itoa(int(dirfd))
	}
	d, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return notify.Errno(err.(syscall.Errno))
	}
	defer unix.Close(d)
	// The directory opened through /proc is the target's only if the
	// target is still there: check after opening, before acting.
	if err := r.Valid(); err != nil {
		return notify.Errno(unix.ENOENT)
	}
	if err := unix.Mkdirat(d, path, mode&0o7777); err != nil {
		return notify.Errno(err.(syscall.Errno))
	}
	return notify.Return(0)
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
	for _, name := range []string{"plain", "denied-dir", "emulated-dir"} {
		p := filepath.Join(dir, name)
		err := os.Mkdir(p, 0o755)
		_, statErr := os.Stat(p)
		fmt.Printf("target: mkdir %s: %v (exists: %v)\n", name, err, statErr == nil)
	}
}
