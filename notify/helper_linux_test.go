package notify

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/childcase"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
)

// The targets of these tests are child processes: the test binary run
// again with -test.run naming TestNotifyHelper and the case in
// SECCOMP_NOTIFY_CASE. A target installs a filter that sends some system
// calls to a listener and passes the listener to the test process over a
// unix socket (its fd 3): the test process is the supervisor, and installs
// nothing. The target prints what it saw on stdout.

var targetCases = childcase.New("SECCOMP_NOTIFY_CASE")

// TestNotifyHelper runs a target case in a child process; it does nothing
// in a normal run.
func TestNotifyHelper(t *testing.T) { targetCases.Helper(t) }

// installAndSend is the target's start: it installs a filter on every
// thread that sends the named system calls to a listener (and allows the
// rest), and sends the listener to the test process over fd 3.
func installAndSend(names ...string) error {
	f := seccomp.NewFilter(seccomp.ActAllow)
	f.AddSyscalls(seccomp.ActUserNotif, names...)
	p, err := f.Compile()
	if err != nil {
		return err
	}
	lf, err := seccomp.InstallListener(p, seccomp.InstallOptions{})
	if err != nil {
		return err
	}
	l, err := NewListener(lf)
	if err != nil {
		return err
	}
	defer l.Close()
	sock := os.NewFile(3, "supervisor")
	defer sock.Close()
	c, err := net.FileConn(sock)
	if err != nil {
		return err
	}
	defer c.Close()
	return SendListener(c.(*net.UnixConn), l)
}

func skipUnlessNotify(t *testing.T) {
	t.Helper()
	if _, err := seccomp.NativeArch(); err != nil {
		t.Skip(err)
	}
	ok, err := seccomp.FlagSupported(seccomp.FlagNewListener)
	if err != nil || !ok {
		kernelskip.Skipf(t, "no user notification here: %v", err)
	}
}

// target is a child process running a case, and the listener it sent.
type target struct {
	t     *testing.T
	cmd   *exec.Cmd
	l     *Listener
	stdin io.WriteCloser
	lines chan string

	mu  sync.Mutex
	out strings.Builder

	done    chan struct{}
	waitErr error
}

// startTarget starts case name and receives its listener.
func startTarget(t *testing.T, name string, env ...string) *target {
	t.Helper()
	skipUnlessNotify(t)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	parent, child := os.NewFile(uintptr(fds[0]), "target"), os.NewFile(uintptr(fds[1]), "supervisor")
	defer parent.Close()
	cmd := targetCases.Command("TestNotifyHelper", name, env...)
	cmd.ExtraFiles = []*os.File{child}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child.Close()
	pw.Close()
	tg := &target{t: t, cmd: cmd, stdin: stdin, lines: make(chan string, 1<<16), done: make(chan struct{})}
	go func() {
		s := bufio.NewScanner(pr)
		for s.Scan() {
			tg.mu.Lock()
			tg.out.WriteString(s.Text() + "\n")
			tg.mu.Unlock()
			select {
			case tg.lines <- s.Text():
			default:
			}
		}
		pr.Close()
		tg.waitErr = cmd.Wait()
		close(tg.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-tg.done
		if tg.l != nil {
			tg.l.Close()
		}
	})

	c, err := net.FileConn(parent)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	uc := c.(*net.UnixConn)
	uc.SetReadDeadline(time.Now().Add(20 * time.Second))
	l, err := ReceiveListener(uc)
	if err != nil {
		cmd.Process.Kill()
		<-tg.done
		t.Fatalf("case %s: receiving the listener: %v\n%s", name, err, tg.output())
	}
	tg.l = l
	return tg
}

func (tg *target) output() string {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return tg.out.String()
}

// wait waits for the target to exit and returns its output; it fails the
// test unless the target exited 0.
func (tg *target) wait(timeout time.Duration) string {
	tg.t.Helper()
	select {
	case <-tg.done:
	case <-time.After(timeout):
		tg.cmd.Process.Kill()
		<-tg.done
		tg.t.Fatalf("target did not exit within %v:\n%s", timeout, tg.output())
	}
	if tg.waitErr != nil {
		tg.t.Fatalf("target: %v\n%s", tg.waitErr, tg.output())
	}
	return tg.output()
}

// waitLine returns the first line of output, from now on, with the prefix.
func (tg *target) waitLine(prefix string, timeout time.Duration) string {
	tg.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case l := <-tg.lines:
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-tg.done:
			// The scanner finished: drain what is left.
			for {
				select {
				case l := <-tg.lines:
					if strings.HasPrefix(l, prefix) {
						return l
					}
				default:
					tg.t.Fatalf("target exited without printing %q: %v\n%s", prefix, tg.waitErr, tg.output())
				}
			}
		case <-deadline:
			tg.t.Fatalf("no line %q within %v:\n%s", prefix, timeout, tg.output())
		}
	}
}

func (tg *target) send(line string) {
	tg.t.Helper()
	if _, err := io.WriteString(tg.stdin, line+"\n"); err != nil {
		tg.t.Fatal(err)
	}
}

// serve runs Serve in a goroutine. stop cancels it and returns how long it
// took to return after the cancellation, and its error; done is closed
// when it has returned (stop then returns its error at once).
func serve(t *testing.T, l *Listener, s *Server) (stop func() (time.Duration, error), done <-chan struct{}) {
	t.Helper()
	if s.ErrorLog == nil {
		s.ErrorLog = func(n *Notif, err error) { t.Errorf("serve: notification %#x: %v", n.ID, err) }
	}
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan struct{})
	var err error
	go func() {
		err = s.Serve(ctx, l)
		close(res)
	}()
	var once sync.Once
	var took time.Duration
	stop = func() (time.Duration, error) {
		once.Do(func() {
			start := time.Now()
			cancel()
			select {
			case <-res:
				took = time.Since(start)
			case <-time.After(20 * time.Second):
				t.Fatal("Serve did not return within 20s of cancel")
			}
		})
		return took, err
	}
	t.Cleanup(func() { stop() })
	return stop, res
}

// syscallNr returns the native number of a system call.
func syscallNr(t testing.TB, name string) int32 {
	a, err := seccomp.NativeArch()
	if err != nil {
		t.Fatal(err)
	}
	nr, ok := a.Syscall(name)
	if !ok {
		t.Fatalf("no %s on %s", name, a)
	}
	return nr
}

// tgidOf returns the thread group (process) of thread tid.
func tgidOf(tid uint32) (int, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(int(tid)) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Tgid:"); ok {
			return strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return 0, errors.New("no Tgid")
}

// getppid makes a raw getppid with arguments (which getppid ignores but
// the filter and the supervisor see).
func getppid(a0, a1 uintptr) (uintptr, syscall.Errno) {
	r, _, e := syscall.Syscall(unix.SYS_GETPPID, a0, a1, 0)
	return r, e
}

// signalFlood sends SIGURG, the Go runtime's preemption signal, to every
// thread of this process until stop is called, so that every blocking
// call of the supervisor is interrupted (EINTR) now and then.
func signalFlood() (stop func() int) {
	quit := make(chan struct{})
	var n int
	done := make(chan struct{})
	go func() {
		defer close(done)
		pid := os.Getpid()
		for {
			select {
			case <-quit:
				return
			default:
			}
			ents, _ := os.ReadDir("/proc/self/task")
			for _, e := range ents {
				if tid, err := strconv.Atoi(e.Name()); err == nil {
					if unix.Tgkill(pid, tid, unix.SIGURG) == nil {
						n++
					}
				}
			}
			time.Sleep(200 * time.Microsecond)
		}
	}()
	return func() int {
		close(quit)
		<-done
		return n
	}
}
