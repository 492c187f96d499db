//go:build linux

package notify

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
)

// The ioctls on a listener (include/uapi/linux/seccomp.h). golang.org/x/sys
// has them for each arch: powerpc, mips and sparc encode _IOW differently.
const (
	ioctlRecv    = unix.SECCOMP_IOCTL_NOTIF_RECV
	ioctlSend    = unix.SECCOMP_IOCTL_NOTIF_SEND
	ioctlIDValid = unix.SECCOMP_IOCTL_NOTIF_ID_VALID // _IOW('!', 2, __u64) since Linux 5.9
	ioctlAddFD   = unix.SECCOMP_IOCTL_NOTIF_ADDFD
	// ioctlIDValidLegacy is the number ID_VALID had before Linux 5.9,
	// _IOR('!', 2, __u64), which kernels still accept: the same with the
	// read and write direction bits swapped. On every arch _IOW sets one of
	// the top two bits and _IOR the other.
	ioctlIDValidLegacy = ioctlIDValid ^ 0xc0000000

	oCloexec = unix.O_CLOEXEC
)

// The sizes of the structures this package knows (the kernel's may be
// larger, never smaller).
const (
	sizeofNotif = 80
	sizeofResp  = 24
	sizeofData  = 64
	sizeofAddFD = 24
)

// Listener is a user-notification listener: the file descriptor that
// seccomp.InstallListener returns, or that ReceiveListener receives. Its
// methods may be called from several goroutines, but only one Serve or
// Receive at a time receives from it.
type Listener struct {
	f     *os.File
	rc    syscall.RawConn
	sizes seccomp.NotifSizes

	recv sync.Mutex // held by the Serve or Receive receiving

	mu     sync.Mutex
	closed bool
	wakers map[*waker]struct{}

	legacyIDValid atomic.Bool // the kernel knows only the old ID_VALID number
	noAddFDSend   atomic.Bool // the kernel has ADDFD without SECCOMP_ADDFD_FLAG_SEND
}

// NewListener wraps a listener, which it takes over: Close closes f. It
// checks that f is a seccomp listener (where /proc says so) and asks the
// kernel the sizes of its structures (SECCOMP_GET_NOTIF_SIZES), so that
// every buffer handed to it is at least as large as the kernel's structure.
func NewListener(f *os.File) (*Listener, error) {
	if f == nil {
		return nil, errors.New("notify: NewListener: nil file")
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("notify: NewListener: %w", err)
	}
	var link string
	if err := rc.Control(func(fd uintptr) {
		link, _ = os.Readlink("/proc/self/fd/" + strconv.Itoa(int(fd)))
	}); err != nil {
		return nil, fmt.Errorf("notify: NewListener: %w", err)
	}
	if link != "" && link != "anon_inode:seccomp notify" {
		return nil, fmt.Errorf("notify: NewListener: %s is %s, not a seccomp listener", f.Name(), link)
	}
	sizes, err := seccomp.GetNotifSizes()
	if err != nil {
		return nil, fmt.Errorf("notify: NewListener: %w", err)
	}
	if sizes.Notif < sizeofNotif || sizes.Resp < sizeofResp || sizes.Data < sizeofData {
		return nil, fmt.Errorf("notify: the kernel's structures are smaller than this package's: seccomp_notif %d (want %d), seccomp_notif_resp %d (want %d), seccomp_data %d (want %d)",
			sizes.Notif, sizeofNotif, sizes.Resp, sizeofResp, sizes.Data, sizeofData)
	}
	return &Listener{f: f, rc: rc, sizes: sizes, wakers: map[*waker]struct{}{}}, nil
}

// File returns the listener's file, to pass it on (to a child in
// exec.Cmd.ExtraFiles, say). It stays the Listener's: do not close it.
func (l *Listener) File() *os.File { return l.f }

// Sizes returns the kernel's sizes of the notification structures.
func (l *Listener) Sizes() seccomp.NotifSizes { return l.sizes }

// Close closes the listener. A Serve or Receive in progress returns (an
// error wrapping os.ErrClosed) once its current step is done. When no copy
// of the listener is left open, the targets' pending and later notified
// calls fail with ENOSYS.
func (l *Listener) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return fmt.Errorf("notify: close listener: %w", os.ErrClosed)
	}
	l.closed = true
	for w := range l.wakers {
		w.wake()
	}
	l.mu.Unlock()
	// The descriptor is closed once no call holds it (os.File counts its
	// users), so no ioctl or poll ever runs on a reused number.
	return l.f.Close()
}

var errClosed = fmt.Errorf("notify: listener: %w", os.ErrClosed)

// ErrNoTargets is returned by Receive when no process uses the filter any
// more (its last task exited and was reaped; Linux 5.9 reports it, older
// kernels never do): no notification can come. Serve returns nil then.
var ErrNoTargets = errors.New("notify: no process uses the filter any more")

// ioctl runs ioctl(fd, req, arg) on the listener, holding the descriptor
// for the duration. With retry, EINTR is retried.
func (l *Listener) ioctl(req uint, arg unsafe.Pointer, retry bool) (uintptr, syscall.Errno, error) {
	var r uintptr
	var errno syscall.Errno
	err := l.rc.Control(func(fd uintptr) {
		for {
			r, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, uintptr(req), uintptr(arg))
			if errno != unix.EINTR || !retry {
				return
			}
		}
	})
	if err != nil {
		return 0, 0, errClosed
	}
	return r, errno, nil
}

// waker wakes a poll on the listener: an eventfd, written when the context
// is done or the listener closed.
type waker struct {
	mu sync.Mutex
	fd int // -1 once closed
}

func (w *waker) wake() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fd >= 0 {
		one := uint64(1)
		unix.Write(w.fd, (*[8]byte)(unsafe.Pointer(&one))[:])
	}
}

// drain resets the eventfd.
func (w *waker) drain() {
	var b [8]byte
	unix.Read(w.fd, b[:])
}

func (l *Listener) addWaker() (*waker, error) {
	fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("notify: eventfd: %w", err)
	}
	w := &waker{fd: fd}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		unix.Close(fd)
		return nil, errClosed
	}
	l.wakers[w] = struct{}{}
	return w, nil
}

func (l *Listener) dropWaker(w *waker) {
	l.mu.Lock()
	delete(l.wakers, w)
	l.mu.Unlock()
	w.mu.Lock()
	unix.Close(w.fd)
	w.fd = -1
	w.mu.Unlock()
}

func (l *Listener) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

type event int

const (
	evRetry    event = iota // nothing to act on: poll again
	evReadable              // a notification waits to be received
	evWoken                 // the waker fired
	evHangup                // no task uses the filter
)

// wait polls the listener and the waker. EINTR (the Go runtime's
// preemption signals, SIGURG) is retried.
func (l *Listener) wait(w *waker) (event, error) {
	var ev event
	var perr error
	err := l.rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{
			{Fd: int32(fd), Events: unix.POLLIN},
			{Fd: int32(w.fd), Events: unix.POLLIN},
		}
		for {
			_, err := unix.Poll(fds, -1)
			if err == unix.EINTR {
				continue
			}
			if err != nil {
				perr = &OpError{Op: "poll", Err: err}
				return
			}
			break
		}
		switch r := fds[0].Revents; {
		case fds[1].Revents != 0:
			ev = evWoken
		case r&unix.POLLNVAL != 0:
			perr = &OpError{Op: "poll", Err: unix.EBADF}
		case r&unix.POLLIN != 0:
			ev = evReadable
		case r&unix.POLLHUP != 0:
			ev = evHangup
		default:
			// POLLERR: the kernel's lock wait was interrupted.
			ev = evRetry
		}
	})
	if err != nil {
		return 0, errClosed
	}
	return ev, perr
}

var errInterrupted = errors.New("notify: interrupted")

// recvOne receives one notification; the caller saw it waiting. Its
// errors: ErrGone (the target went away between poll and receive),
// errInterrupted (EINTR: poll again), errClosed, an *OpError.
func (l *Listener) recvOne() (*Notif, error) {
	// A zeroed buffer of the kernel's size (RECV refuses a dirty one), in
	// 8-byte words for the alignment of Notif.
	buf := make([]uint64, (int(l.sizes.Notif)+7)/8)
	_, errno, err := l.ioctl(ioctlRecv, unsafe.Pointer(&buf[0]), false)
	switch {
	case err != nil:
		return nil, err
	case errno == unix.EINTR:
		return nil, errInterrupted
	case errno != 0:
		return nil, &OpError{Op: "SECCOMP_IOCTL_NOTIF_RECV", Err: errno}
	}
	n := *(*Notif)(unsafe.Pointer(&buf[0]))
	return &n, nil
}

// next returns the next notification, polling first so that a cancelled
// context or a closed listener is noticed without delay.
func (l *Listener) next(ctx context.Context, w *waker) (*Notif, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if l.isClosed() {
			return nil, errClosed
		}
		ev, err := l.wait(w)
		if err != nil {
			return nil, err
		}
		switch ev {
		case evWoken:
			if ctx.Err() == nil && !l.isClosed() {
				w.drain()
			}
		case evHangup:
			return nil, ErrNoTargets
		case evReadable:
			n, err := l.recvOne()
			if err == nil {
				return n, nil
			}
			if !errors.Is(err, ErrGone) && err != errInterrupted {
				return nil, err
			}
		}
	}
}

// Receive waits for a notification and receives it
// (SECCOMP_IOCTL_NOTIF_RECV). It returns ctx's error when ctx is done
// first, ErrNoTargets when no process uses the filter any more, an error
// wrapping os.ErrClosed when the listener is closed, ErrBusy when another
// Serve or Receive is receiving from l. A notification whose target went
// away before it was received is skipped.
//
// Every notification received must be answered once (Respond), or its
// target waits until the listener is closed.
func (l *Listener) Receive(ctx context.Context) (*Notif, error) {
	if !l.recv.TryLock() {
		return nil, ErrBusy
	}
	defer l.recv.Unlock()
	w, err := l.addWaker()
	if err != nil {
		return nil, err
	}
	defer l.dropWaker(w)
	stop := context.AfterFunc(ctx, w.wake)
	defer stop()
	return l.next(ctx, w)
}

// Respond answers notification id with r (SECCOMP_IOCTL_NOTIF_SEND, or
// SECCOMP_IOCTL_NOTIF_ADDFD for SendFD). An error matching ErrGone means
// the target went away or was interrupted: there is nobody to answer.
// When the descriptor of a SendFD cannot be installed in the target, the
// call fails with the installation's error instead, and Respond returns
// that error too.
func (l *Listener) Respond(id uint64, r Response) error {
	_, err := l.respond(id, r)
	return err
}

// respond is Respond, and reports whether the notification was answered
// (or is gone): when it was not, the caller must answer it otherwise.
func (l *Listener) respond(id uint64, r Response) (answered bool, err error) {
	if r.kind == respSendFD {
		return l.sendFD(id, r)
	}
	resp, err := r.raw(id)
	if err != nil {
		return false, err
	}
	if err := l.send(resp); err != nil {
		return errors.Is(err, ErrGone), err
	}
	return true, nil
}

func (l *Listener) send(resp rawResp) error {
	buf := make([]uint64, (int(l.sizes.Resp)+7)/8)
	*(*rawResp)(unsafe.Pointer(&buf[0])) = resp
	_, errno, err := l.ioctl(ioctlSend, unsafe.Pointer(&buf[0]), true)
	if err != nil {
		return err
	}
	if errno != 0 {
		return &OpError{Op: "SECCOMP_IOCTL_NOTIF_SEND", ID: resp.ID, Err: errno}
	}
	return nil
}

func (l *Listener) sendFD(id uint64, r Response) (bool, error) {
	if r.file == nil {
		return false, errors.New("notify: SendFD with a nil file")
	}
	defer r.file.Close()
	// (The errors of a closed file are not wrapped: os.ErrClosed here
	// would read as a closed listener.)
	rc, err := r.file.SyscallConn()
	if err != nil {
		return false, fmt.Errorf("notify: SendFD: %v", err)
	}
	var addErr, sendErr error
	if err := rc.Control(func(fd uintptr) {
		if !l.noAddFDSend.Load() {
			_, addErr = l.addFD(id, int(fd), r.fd, true)
			if !errors.Is(addErr, unix.EINVAL) {
				return
			}
			// Linux 5.9 to 5.13 have ADDFD without SEND: install, then
			// answer with the number.
			l.noAddFDSend.Store(true)
		}
		var newfd int
		newfd, addErr = l.addFD(id, int(fd), r.fd, false)
		if addErr == nil {
			sendErr = l.send(rawResp{ID: id, Val: int64(newfd)})
		}
	}); err != nil {
		return false, fmt.Errorf("notify: SendFD: %v", err)
	}
	switch {
	case addErr == nil && sendErr == nil:
		return true, nil
	case errors.Is(addErr, ErrGone) || errors.Is(sendErr, ErrGone):
		return true, errors.Join(addErr, sendErr)
	case sendErr != nil:
		return false, sendErr
	}
	// The target could not take the descriptor (EMFILE; EBADF for a number
	// above its limit): its call fails with that error.
	var e syscall.Errno
	if errors.As(addErr, &e) && e > 0 && e <= maxErrno && e != unix.EINVAL && e != unix.EINPROGRESS {
		if err := l.send(rawResp{ID: id, Error: -int32(e)}); err == nil || errors.Is(err, ErrGone) {
			return true, fmt.Errorf("%w; the call fails with %s", addErr, unix.ErrnoName(e))
		}
	}
	return false, addErr
}

// AddFD installs fd (the supervisor's; it stays open) in the target of
// notification id without answering it, and returns its number in the
// target (SECCOMP_IOCTL_NOTIF_ADDFD, Linux 5.9). The call waits until the
// target has installed it.
func (l *Listener) AddFD(id uint64, fd int, opts FDOptions) (int, error) {
	return l.addFD(id, fd, opts, false)
}

func (l *Listener) addFD(id uint64, fd int, opts FDOptions, send bool) (int, error) {
	a, err := opts.raw(id, fd, send)
	if err != nil {
		return -1, err
	}
	// EINTR is retried: the kernel withdraws an interrupted request that
	// the target has not served yet.
	r, errno, err := l.ioctl(ioctlAddFD, unsafe.Pointer(&a), true)
	if err != nil {
		return -1, err
	}
	if errno != 0 {
		return -1, &OpError{Op: "SECCOMP_IOCTL_NOTIF_ADDFD", ID: id, Err: errno}
	}
	return int(r), nil
}

func (o FDOptions) raw(id uint64, srcfd int, send bool) (rawAddFD, error) {
	a := rawAddFD{ID: id, SrcFD: uint32(srcfd)}
	if srcfd < 0 {
		return a, fmt.Errorf("notify: bad descriptor %d", srcfd)
	}
	if o.SetFD {
		if o.NewFD < 0 || int64(o.NewFD) > 1<<31-1 {
			return a, fmt.Errorf("notify: bad target descriptor number %d", o.NewFD)
		}
		a.Flags |= addFDFlagSetFD
		a.NewFD = uint32(o.NewFD)
	}
	if send {
		a.Flags |= addFDFlagSend
	}
	if o.CloseOnExec {
		a.NewFDFlags = oCloexec
	}
	return a, nil
}

// Valid returns nil if notification id is live: received, not yet
// answered, its target still waiting (SECCOMP_IOCTL_NOTIF_ID_VALID). It
// returns an error matching ErrGone otherwise. Check it after reading the
// target's memory or opening its /proc files, before acting on them.
func (l *Listener) Valid(id uint64) error {
	req := uint(ioctlIDValid)
	if l.legacyIDValid.Load() {
		req = ioctlIDValidLegacy
	}
	_, errno, err := l.ioctl(req, unsafe.Pointer(&id), true)
	if err != nil {
		return err
	}
	if errno == unix.EINVAL && req == ioctlIDValid {
		// Linux 5.0 to 5.8 know only the old number.
		_, errno2, err := l.ioctl(ioctlIDValidLegacy, unsafe.Pointer(&id), true)
		if err != nil {
			return err
		}
		if errno2 != unix.EINVAL {
			l.legacyIDValid.Store(true)
			errno = errno2
		}
	}
	if errno != 0 {
		return &OpError{Op: "SECCOMP_IOCTL_NOTIF_ID_VALID", ID: id, Err: errno}
	}
	return nil
}

// OpenMem opens the memory of n's target (/proc/<tid>/mem) and checks that
// n is still live, so that the file is the target's and not that of a
// process that reused its id. Every read checks again (see Mem). Opening
// needs the permission to ptrace the target.
func (l *Listener) OpenMem(n *Notif) (*Mem, error) {
	if n.Pid == 0 {
		return nil, errors.New("notify: the target is not visible in this pid namespace: its memory cannot be read")
	}
	f, err := os.Open("/proc/" + strconv.FormatUint(uint64(n.Pid), 10) + "/mem")
	if err != nil {
		if verr := l.Valid(n.ID); verr != nil {
			return nil, verr
		}
		return nil, fmt.Errorf("notify: %w", err)
	}
	if err := l.Valid(n.ID); err != nil {
		f.Close()
		return nil, err
	}
	id := n.ID
	return newMem(f, f, func() error { return l.Valid(id) }), nil
}

// Serve receives notifications and answers each, once, with what h
// returns; see Server.Serve.
func (l *Listener) Serve(ctx context.Context, h Handler) error {
	return (&Server{Handler: h}).Serve(ctx, l)
}

// Serve receives the notifications of l and runs s.Handler on each in a
// goroutine of its own, then answers it, once, with the Response the
// handler returns. A failed answer is logged (s.ErrorLog), and when the
// notification is still unanswered it is answered with ENOSYS. An answer
// to a target that went away is no error.
//
// Serve returns:
//   - ctx's error once ctx is done: it stops receiving at once (it polls
//     the listener and an eventfd that ctx's cancellation writes, and never
//     blocks anywhere else), cancels the handlers' context and waits for
//     the running handlers to return and their answers to be sent.
//     Notifications not received stay queued in the kernel: a later Serve
//     on l receives them;
//   - nil once no process uses the filter any more (Linux 5.9 and later;
//     older kernels do not say so, and Serve runs until ctx is done);
//   - an error wrapping os.ErrClosed if l is closed;
//   - ErrBusy if another Serve or Receive is receiving from l.
//
// EINTR is retried everywhere: the Go runtime interrupts system calls
// with its own signals. Serve keeps no global state: several listeners can
// be served at once, by several Serve calls.
func (s *Server) Serve(ctx context.Context, l *Listener) error {
	if s.Handler == nil {
		return errors.New("notify: Serve: nil handler")
	}
	if !l.recv.TryLock() {
		return ErrBusy
	}
	defer l.recv.Unlock()
	w, err := l.addWaker()
	if err != nil {
		return err
	}
	defer l.dropWaker(w)
	stop := context.AfterFunc(ctx, w.wake)
	defer stop()

	hctx, hcancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		hcancel()
		wg.Wait()
	}()
	if s.Inline {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for {
			n, err := l.next(ctx, w)
			if err != nil {
				if err == ErrNoTargets {
					return nil
				}
				return err
			}
			s.handle(hctx, l, n)
		}
	}
	var sem chan struct{}
	if s.Workers > 0 {
		sem = make(chan struct{}, s.Workers)
	}
	for {
		if sem != nil {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		n, err := l.next(ctx, w)
		if err != nil {
			if err == ErrNoTargets {
				return nil
			}
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if sem != nil {
				defer func() { <-sem }()
			}
			s.handle(hctx, l, n)
		}()
	}
}

func (s *Server) handle(ctx context.Context, l *Listener, n *Notif) {
	r := &Request{Notif: *n, l: l}
	resp := s.Handler.Handle(ctx, r)
	answered, err := l.respond(n.ID, resp)
	if err == nil || errors.Is(err, ErrGone) || errors.Is(err, os.ErrClosed) {
		// Answered, or nobody to answer: the target went away, or the
		// listener was closed (the call then fails with ENOSYS).
		return
	}
	s.logError(n, fmt.Errorf("answering %s with %v: %w", n.SyscallName(), resp, err))
	if !answered {
		if _, err := l.respond(n.ID, Errno(unix.ENOSYS)); err != nil && !errors.Is(err, ErrGone) {
			s.logError(n, fmt.Errorf("answering %s with ENOSYS: %w", n.SyscallName(), err))
		}
	}
}

func (s *Server) logError(n *Notif, err error) {
	if s.ErrorLog != nil {
		s.ErrorLog(n, err)
		return
	}
	log.Printf("seccomp notify: notification %#x from pid %d: %v", n.ID, n.Pid, err)
}

func errnoName(e syscall.Errno) string {
	if n := unix.ErrnoName(e); n != "" {
		return n
	}
	return strconv.Itoa(int(e))
}

// The structures' sizes, checked at compile time.
var (
	_ = [1]struct{}{}[unsafe.Sizeof(Notif{})-sizeofNotif]
	_ = [1]struct{}{}[unsafe.Sizeof(rawResp{})-sizeofResp]
	_ = [1]struct{}{}[unsafe.Sizeof(rawAddFD{})-sizeofAddFD]
	_ = [1]struct{}{}[unsafe.Sizeof(seccomp.Data{})-sizeofData]
)
