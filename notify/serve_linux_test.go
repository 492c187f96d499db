package notify

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func init() {
	// mkdir, openat and getppid go to the supervisor.
	targetCases.Add("answers", func() error {
		dir := os.Getenv("NOTIFY_DIR")
		if err := installAndSend("mkdirat", "openat", "getppid"); err != nil {
			return err
		}
		r, e := getppid(0, 0)
		fmt.Printf("getppid: %d errno %d\n", int(r), int(e))
		for _, name := range []string{"denied", "allowed", "emulated"} {
			fmt.Printf("mkdir %s: %v\n", name, os.Mkdir(filepath.Join(dir, name), 0o755))
		}
		_, err := os.Open(filepath.Join(dir, "secret"))
		fmt.Printf("open secret: %v\n", err)
		b, err := os.ReadFile(filepath.Join(dir, "plain"))
		fmt.Printf("open plain: %q %v\n", b, err)
		// A path argument the supervisor cannot read.
		fdcwd := unix.AT_FDCWD
		_, _, e = syscall.Syscall6(unix.SYS_OPENAT, uintptr(fdcwd), 8, unix.O_RDONLY, 0, 0, 0)
		fmt.Printf("openat bad pointer: %v\n", e)
		return nil
	})
}

// TestAnswers: a target whose mkdir, openat and getppid are answered by
// the supervisor with a value, errnos, continue, and an emulation.
func TestAnswers(t *testing.T) {
	badPointer := (&MemError{Addr: 8, Err: syscall.EIO}).Error()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "secret"), []byte("secret"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "plain"), []byte("plain"), 0o644))
	tg := startTarget(t, "answers", "NOTIFY_DIR="+dir)
	var mu sync.Mutex
	seen := map[string]string{}
	record := func(what string, resp Response) Response {
		mu.Lock()
		seen[what] = resp.String()
		mu.Unlock()
		return resp
	}
	h := HandlerFunc(func(ctx context.Context, r *Request) Response {
		switch name := r.SyscallName(); name {
		case "getppid":
			return record(name, Return(4242))
		case "mkdirat", "openat":
			path, err := r.ReadString(r.Data.Args[1], 4095)
			if errors.Is(err, ErrGone) {
				return Errno(unix.ENOSYS) // nobody waits for the answer
			}
			if err != nil {
				return record(name+" "+err.Error(), Errno(unix.EFAULT))
			}
			if !strings.HasPrefix(path, dir+"/") {
				return Continue() // the Go runtime's own files
			}
			name += " " + filepath.Base(path)
			switch filepath.Base(path) {
			case "denied", "secret":
				return record(name, Errno(unix.EACCES))
			case "emulated":
				// The safe way to allow a call because of its memory: do
				// it here, on the copy, and answer with the result.
				if err := os.Mkdir(path, 0o755); err != nil {
					return record(name, Errno(err.(*os.PathError).Err.(syscall.Errno)))
				}
				return record(name, Return(0))
			}
			return record(name, Continue())
		}
		return Errno(unix.ENOSYS)
	})
	stop, _ := serve(t, tg.l, &Server{Handler: h})
	out := tg.wait(20 * time.Second)
	// Serve returned nil when the target was reaped (Linux 5.9+), or
	// returns on cancellation.
	if _, err := stop(); err != nil {
		assert.ErrorIs(t, err, context.Canceled)
	}
	for _, want := range []string{
		"getppid: 4242 errno 0",
		"mkdir denied: mkdir " + dir + "/denied: permission denied",
		"mkdir allowed: <nil>",
		"mkdir emulated: <nil>",
		"open secret: open " + dir + "/secret: permission denied",
		`open plain: "plain" <nil>`,
		"openat bad pointer: bad address",
	} {
		assert.Contains(t, out, want)
	}
	assert.NoDirExists(t, filepath.Join(dir, "denied"))
	assert.DirExists(t, filepath.Join(dir, "allowed"))
	assert.DirExists(t, filepath.Join(dir, "emulated"))
	assert.Equal(t, map[string]string{
		"getppid":              "return 4242",
		"mkdirat denied":       "errno EACCES",
		"mkdirat allowed":      "continue",
		"mkdirat emulated":     "return 0",
		"openat secret":        "errno EACCES",
		"openat plain":         "continue",
		"openat " + badPointer: "errno EFAULT",
	}, seen)
}

func init() {
	// openat goes to the supervisor, which injects descriptors.
	targetCases.Add("addfd", func() error {
		dir := os.Getenv("NOTIFY_DIR")
		devnull, err := os.Open(os.DevNull)
		if err != nil {
			return err
		}
		if err := unix.Dup3(int(devnull.Fd()), 60, 0); err != nil {
			return err
		}
		if err := installAndSend("openat"); err != nil {
			return err
		}
		for _, name := range []string{"send", "send-setfd", "addfd", "badfd"} {
			f, err := os.Open(filepath.Join(dir, name))
			if err != nil {
				fmt.Printf("%s: %v\n", name, err)
				continue
			}
			flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFD, 0)
			if err != nil {
				return err
			}
			b := make([]byte, 64)
			n, err := f.Read(b)
			fmt.Printf("%s: fd %d %q %v cloexec=%v\n", name, f.Fd(), b[:n], err, flags&unix.FD_CLOEXEC != 0)
		}
		return nil
	})
}

// TestAddFD: descriptors injected with ADDFD, with SEND (the call returns
// the number) and without (the handler answers), at a number of the
// supervisor's choosing (SETFD, replacing the target's fd 60), and a
// failed injection (a number above the target's limit: the call fails
// with EBADF).
func TestAddFD(t *testing.T) {
	dir := t.TempDir()
	tg := startTarget(t, "addfd", "NOTIFY_DIR="+dir)
	var logged []string
	var mu sync.Mutex
	h := HandlerFunc(func(ctx context.Context, r *Request) Response {
		path, err := r.ReadString(r.Data.Args[1], 4095)
		if err != nil || !strings.HasPrefix(path, dir+"/") {
			return Continue()
		}
		name := filepath.Base(path)
		src := filepath.Join(t.TempDir(), "content")
		if err := os.WriteFile(src, []byte("content for "+name), 0o644); err != nil {
			return Errno(unix.EIO)
		}
		f, err := os.Open(src)
		if err != nil {
			return Errno(unix.EIO)
		}
		switch name {
		case "send":
			return SendFD(f, FDOptions{CloseOnExec: true})
		case "send-setfd":
			return SendFD(f, FDOptions{SetFD: true, NewFD: 70})
		case "addfd":
			defer f.Close()
			n, err := r.AddFD(int(f.Fd()), FDOptions{SetFD: true, NewFD: 60, CloseOnExec: true})
			if err != nil {
				return Errno(unix.EIO)
			}
			return Return(int64(n))
		case "badfd":
			return SendFD(f, FDOptions{SetFD: true, NewFD: 1 << 30})
		}
		f.Close()
		return Continue()
	})
	stop, _ := serve(t, tg.l, &Server{Handler: h, ErrorLog: func(n *Notif, err error) {
		mu.Lock()
		logged = append(logged, err.Error())
		mu.Unlock()
	}})
	out := tg.wait(20 * time.Second)
	stop()
	for _, want := range []string{
		`send: fd 3 "content for send" <nil> cloexec=true`,
		`send-setfd: fd 70 "content for send-setfd" <nil> cloexec=false`,
		`addfd: fd 60 "content for addfd" <nil> cloexec=true`,
		"badfd: open " + dir + "/badfd: bad file descriptor",
	} {
		assert.Contains(t, out, want)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, logged, 1, "only the failed injection is logged: %q", logged)
	assert.Contains(t, logged[0], "EBADF")
}

func init() {
	// The hub starts victims, which inherit its filter, and waits for them.
	targetCases.Add("hub", func() error {
		if err := installAndSend("getppid"); err != nil {
			return err
		}
		in := bufio.NewScanner(os.Stdin)
		for _, victim := range []string{"victim1", "victim2"} {
			if !in.Scan() {
				return errors.New("stdin closed")
			}
			cmd := newHelperCmd("victim")
			cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
			if err := cmd.Start(); err != nil {
				return err
			}
			fmt.Printf("%s pid %d\n", victim, cmd.Process.Pid)
			err := cmd.Wait()
			fmt.Printf("%s: %v\n", victim, err)
		}
		for i := 0; i < 100; i++ {
			if r, e := getppid(0, 0); r != 4242 || e != 0 {
				return fmt.Errorf("getppid after the kills: %d errno %d", int(r), int(e))
			}
		}
		fmt.Println("after: 100 answers")
		return nil
	})
	targetCases.Add("victim", func() error {
		r, e := getppid(0xdead, 0)
		fmt.Printf("victim: getppid %d errno %d\n", int(r), int(e))
		return nil
	})
}

func newHelperCmd(name string) *exec.Cmd {
	cmd := targetCases.Command("TestNotifyHelper", name)
	return cmd
}

// TestTargetKilled: targets killed with a notification pending, before the
// supervisor received it and while a handler holds it; the supervisor goes
// on answering the other process of the filter.
func TestTargetKilled(t *testing.T) {
	tg := startTarget(t, "hub")
	l := tg.l

	// 1. Killed before the notification is received.
	tg.send("go")
	pid, _ := strconv.Atoi(strings.Fields(tg.waitLine("victim1 pid ", 20*time.Second))[2])
	waitReadable(t, l, 20*time.Second)
	require.NoError(t, unix.Kill(pid, unix.SIGKILL))
	assert.Equal(t, "victim1: signal: killed", tg.waitLine("victim1: ", 20*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	n, err := l.Receive(ctx)
	cancel()
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the dead target's notification is gone: %+v", n)

	// 2. Killed while the handler holds the notification.
	held := make(chan *Request)
	release := make(chan struct{})
	afterKill := make(chan [2]error, 1)
	h := HandlerFunc(func(ctx context.Context, r *Request) Response {
		if r.Data.Args[0] != 0xdead {
			return Return(4242)
		}
		held <- r
		<-release
		// The notification is gone: checking or answering it says so.
		afterKill <- [2]error{r.Valid(), r.Listener().Respond(r.ID, Return(1))}
		return Return(1)
	})
	stop, done := serve(t, l, &Server{Handler: h})
	tg.send("go")
	var r *Request
	select {
	case r = <-held:
	case <-time.After(20 * time.Second):
		t.Fatalf("no notification from victim2:\n%s", tg.output())
	}
	require.NoError(t, r.Valid())
	tgid, err := tgidOf(r.Pid)
	require.NoError(t, err)
	require.NoError(t, unix.Kill(tgid, unix.SIGKILL))
	assert.Equal(t, "victim2: signal: killed", tg.waitLine("victim2: ", 20*time.Second))
	close(release)

	// 3. The supervisor goes on.
	out := tg.wait(20 * time.Second)
	assert.Contains(t, out, "after: 100 answers")
	assert.NotContains(t, out, "victim: getppid")
	errs := <-afterKill
	assert.ErrorIs(t, errs[0], ErrGone)
	assert.ErrorIs(t, errs[1], ErrGone)
	assert.ErrorIs(t, errs[1], syscall.ENOENT)
	// No process uses the filter any more: Serve returns nil by itself
	// (Linux 5.9 and later).
	select {
	case <-done:
		_, err := stop()
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		_, err := stop()
		t.Logf("Serve did not see the filter's last user go (kernel before 5.9?); cancelled: %v", err)
	}
}

// waitReadable polls the listener until a notification waits.
func waitReadable(t *testing.T, l *Listener, timeout time.Duration) {
	t.Helper()
	var rev int16
	err := l.rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			_, err := unix.Poll(fds, int(timeout/time.Millisecond))
			if err != unix.EINTR {
				break
			}
		}
		rev = fds[0].Revents
	})
	require.NoError(t, err)
	require.NotZero(t, rev&unix.POLLIN, "no notification within %v", timeout)
}

const (
	stormThreads = 8
	stormCalls   = 1250 // per thread: 10,000 in all
)

func init() {
	// 8 threads make 10,000 getppid calls, each with its own arguments,
	// and check that each gets its own answer.
	targetCases.Add("storm", func() error {
		if err := installAndSend("getppid"); err != nil {
			return err
		}
		var wg, ready sync.WaitGroup
		var mu sync.Mutex
		tids := map[int]bool{}
		wrong, calls := 0, 0
		ready.Add(stormThreads)
		for i := 0; i < stormThreads; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Locked and never unlocked: the thread ends with the
				// goroutine, so no other goroutine of the storm runs on
				// it after (that made 7 threads of 8 when the calls were
				// answered fast). All start together.
				runtime.LockOSThread()
				ready.Done()
				ready.Wait()
				bad, n := 0, 0
				for j := 0; j < stormCalls; j++ {
					r, e := getppid(uintptr(i), uintptr(j))
					n++
					if e != 0 || r != stormAnswer(uint64(i), uint64(j)) {
						bad++
					}
				}
				mu.Lock()
				tids[unix.Gettid()] = true
				wrong += bad
				calls += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		fmt.Printf("storm: calls %d wrong %d threads %d\n", calls, wrong, len(tids))
		return nil
	})
}

func stormAnswer(thread, call uint64) uintptr { return uintptr(thread<<20 | call + 1) }

// TestStorm: 10,000 notifications from 8 threads of the target, handled
// concurrently, none lost, none answered twice, while the supervisor's
// threads are flooded with the Go runtime's preemption signal; with no
// bound on the handlers, with 3 workers, and inline (one at a time, on
// the receiving thread).
func TestStorm(t *testing.T) {
	for _, workers := range []int{0, 3} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) { storm(t, workers, false) })
	}
	t.Run("inline", func(t *testing.T) { storm(t, 0, true) })
}

func storm(t *testing.T, workers int, inline bool) {
	tg := startTarget(t, "storm")
	var mu sync.Mutex
	ids := map[uint64]int{}
	calls := map[[2]uint64]int{}
	pids := map[uint32]bool{}
	handled, running, maxRunning := 0, 0, 0
	h := HandlerFunc(func(ctx context.Context, r *Request) Response {
		a0, a1 := r.Data.Args[0], r.Data.Args[1]
		mu.Lock()
		ids[r.ID]++
		calls[[2]uint64{a0, a1}]++
		pids[r.Pid] = true
		handled++
		running++
		maxRunning = max(maxRunning, running)
		mu.Unlock()
		defer func() {
			mu.Lock()
			running--
			mu.Unlock()
		}()
		if a0 >= stormThreads || a1 >= stormCalls {
			return Errno(unix.EINVAL)
		}
		if !inline {
			time.Sleep(20 * time.Microsecond) // a little work: more handlers at once
		}
		return Return(int64(stormAnswer(a0, a1)))
	})
	flood := signalFlood()
	start := time.Now()
	stop, _ := serve(t, tg.l, &Server{Handler: h, Workers: workers, Inline: inline})
	out := tg.wait(120 * time.Second)
	took := time.Since(start)
	signals := flood()
	stop()
	assert.Contains(t, out, fmt.Sprintf("storm: calls %d wrong 0 threads %d", stormThreads*stormCalls, stormThreads))
	mu.Lock()
	defer mu.Unlock()
	for id, n := range ids {
		if n != 1 {
			t.Errorf("notification %#x handled %d times", id, n)
		}
	}
	assert.Len(t, calls, stormThreads*stormCalls, "every call reached the supervisor")
	assert.Len(t, pids, stormThreads, "from 8 threads")
	// A call interrupted by a signal in the target comes back as a new
	// notification (SA_RESTART): handled may exceed the calls, by those.
	assert.GreaterOrEqual(t, handled, stormThreads*stormCalls)
	if workers > 0 {
		assert.LessOrEqual(t, maxRunning, workers)
	}
	if inline {
		assert.Equal(t, 1, maxRunning, "inline: one handler at a time")
	}
	t.Logf("storm: %d notifications (%d calls) in %v, %.1f µs each; at most %d handlers at once; %d SIGURG sent to the supervisor",
		handled, len(calls), took, float64(took.Microseconds())/float64(handled), maxRunning, signals)
}

func init() {
	// The idle target makes a getppid call for each line on stdin and
	// prints the answer; it exits at the end of stdin.
	targetCases.Add("idle", func() error {
		if err := installAndSend("getppid"); err != nil {
			return err
		}
		in := bufio.NewScanner(os.Stdin)
		for in.Scan() {
			r, e := getppid(0, 0)
			fmt.Printf("getppid: %d errno %d\n", int(r), int(e))
		}
		return nil
	})
}

// TestCancel: cancelling Serve's context stops it (serve's stop allows 20 s:
// a bound, not a measure),
// whether idle or with a handler running (which gets the cancellation and
// whose answer is still sent); the listener can be served again after.
func TestCancel(t *testing.T) {
	tg := startTarget(t, "idle")
	entered := make(chan struct{})
	h := HandlerFunc(func(ctx context.Context, r *Request) Response {
		close(entered)
		<-ctx.Done()
		return Return(7)
	})
	stop, _ := serve(t, tg.l, &Server{Handler: h})
	tg.send("call")
	<-entered
	took, err := stop() // within 20 s, or serve's stop fails the test
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, "getppid: 7 errno 0", tg.waitLine("getppid:", 20*time.Second))
	t.Logf("cancel with a handler running: Serve returned in %v", took)

	// Idle.
	stop, _ = serve(t, tg.l, &Server{Handler: HandlerFunc(func(context.Context, *Request) Response { return Return(8) })})
	time.Sleep(100 * time.Millisecond)
	took, err = stop()
	assert.ErrorIs(t, err, context.Canceled)
	t.Logf("cancel idle: Serve returned in %v", took)

	// Receive with a deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	_, err = tg.l.Receive(ctx)
	cancel()
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	// Served again; two at once is refused.
	stop, done := serve(t, tg.l, &Server{Handler: HandlerFunc(func(context.Context, *Request) Response { return Return(9) })})
	tg.send("call")
	assert.Equal(t, "getppid: 9 errno 0", tg.waitLine("getppid:", 20*time.Second))
	assert.ErrorIs(t, tg.l.Serve(context.Background(), h), ErrBusy)
	_, err = tg.l.Receive(context.Background())
	assert.ErrorIs(t, err, ErrBusy)

	// The target exits: Serve returns nil by itself (Linux 5.9+).
	tg.stdin.Close()
	tg.wait(20 * time.Second)
	start := time.Now()
	select {
	case <-done:
		_, err := stop()
		assert.NoError(t, err)
		t.Logf("Serve returned %v after the target was reaped", time.Since(start))
	case <-time.After(5 * time.Second):
		t.Log("Serve did not see the filter's last user go (kernel before 5.9?)")
	}
}

// TestClose: closing the listener stops Serve; the target's calls then
// fail with ENOSYS.
func TestClose(t *testing.T) {
	tg := startTarget(t, "idle")
	stop, done := serve(t, tg.l, &Server{Handler: HandlerFunc(func(context.Context, *Request) Response { return Return(5) })})
	tg.send("call")
	assert.Equal(t, "getppid: 5 errno 0", tg.waitLine("getppid:", 20*time.Second))
	start := time.Now()
	require.NoError(t, tg.l.Close())
	select {
	case <-done:
		_, err := stop()
		assert.ErrorIs(t, err, os.ErrClosed)
		t.Logf("close: Serve returned in %v", time.Since(start))
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after Close")
	}
	assert.ErrorIs(t, tg.l.Close(), os.ErrClosed)
	_, err := tg.l.Receive(context.Background())
	assert.ErrorIs(t, err, os.ErrClosed)
	tg.send("call")
	assert.Equal(t, "getppid: -1 errno 38", tg.waitLine("getppid:", 20*time.Second))
	tg.l = nil
}

// TestSeveralListeners: two targets, two listeners, served at once.
func TestSeveralListeners(t *testing.T) {
	const n = 3
	var tgs []*target
	for i := 0; i < n; i++ {
		tg := startTarget(t, "idle")
		v := int64(100 + i)
		serve(t, tg.l, &Server{Handler: HandlerFunc(func(context.Context, *Request) Response { return Return(v) })})
		tgs = append(tgs, tg)
	}
	for round := 0; round < 50; round++ {
		for _, tg := range tgs {
			tg.send("call")
		}
		for i, tg := range tgs {
			assert.Equal(t, fmt.Sprintf("getppid: %d errno 0", 100+i), tg.waitLine("getppid:", 20*time.Second))
		}
	}
}

// TestReceiveRespond: the single steps, without Serve.
func TestReceiveRespond(t *testing.T) {
	tg := startTarget(t, "idle")
	tg.send("call")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	n, err := tg.l.Receive(ctx)
	require.NoError(t, err)
	assert.Equal(t, "getppid", n.SyscallName())
	assert.Equal(t, syscallNr(t, "getppid"), n.Data.Nr)
	assert.Zero(t, n.Flags)
	tgid, err := tgidOf(n.Pid)
	require.NoError(t, err)
	assert.Equal(t, tg.cmd.Process.Pid, tgid)
	assert.NoError(t, tg.l.Valid(n.ID))
	assert.ErrorIs(t, tg.l.Valid(n.ID+1), ErrGone, "a notification not yet sent is not live")

	require.NoError(t, tg.l.Respond(n.ID, Return(3)))
	assert.Equal(t, "getppid: 3 errno 0", tg.waitLine("getppid:", 20*time.Second))
	assert.ErrorIs(t, tg.l.Valid(n.ID), ErrGone, "answered")
	err = tg.l.Respond(n.ID, Return(4))
	var oe *OpError
	require.ErrorAs(t, err, &oe, "answered twice")
	t.Logf("second answer: %v", err)

	// An errno out of range is refused before the kernel sees it.
	tg.send("call")
	n, err = tg.l.Receive(ctx)
	require.NoError(t, err)
	assert.Error(t, tg.l.Respond(n.ID, Errno(5000)))
	require.NoError(t, tg.l.Respond(n.ID, Errno(unix.EPERM)))
	assert.Equal(t, "getppid: -1 errno 1", tg.waitLine("getppid:", 20*time.Second))
}
