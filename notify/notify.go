package notify

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/seccomp-go/seccomp"
)

// Notif is a notification: struct seccomp_notif, 80 bytes on every ABI.
type Notif struct {
	// ID is the kernel's cookie for the notification, unique per filter.
	ID uint64
	// Pid is the thread id of the target in the supervisor's pid
	// namespace, 0 when the target is not visible there.
	Pid uint32
	// Flags is always 0 so far.
	Flags uint32
	// Data is what the filter saw: the system call number, the audit arch,
	// the instruction pointer and the six argument registers.
	Data seccomp.Data
}

// SyscallName returns the name of the notified system call, or its number
// when the arch has no syscall table here.
func (n *Notif) SyscallName() string {
	for _, a := range seccomp.ArchesOf(n.Data.Arch) {
		if (a.Name == "x32") != (n.Data.Nr&seccomp.X32SyscallBit != 0) {
			continue
		}
		if name, ok := a.SyscallName(n.Data.Nr); ok {
			return name
		}
	}
	return fmt.Sprintf("syscall %d", n.Data.Nr)
}

// rawResp is struct seccomp_notif_resp: 24 bytes.
type rawResp struct {
	ID    uint64
	Val   int64
	Error int32 // 0 or a negative errno
	Flags uint32
}

// rawAddFD is struct seccomp_notif_addfd: 24 bytes
// (SECCOMP_NOTIFY_ADDFD_SIZE_VER0).
type rawAddFD struct {
	ID         uint64
	Flags      uint32
	SrcFD      uint32
	NewFD      uint32
	NewFDFlags uint32
}

// The kernel's constants (include/uapi/linux/seccomp.h).
const (
	userNotifFlagContinue = 1 // SECCOMP_USER_NOTIF_FLAG_CONTINUE
	addFDFlagSetFD        = 1 // SECCOMP_ADDFD_FLAG_SETFD
	addFDFlagSend         = 2 // SECCOMP_ADDFD_FLAG_SEND
	maxErrno              = 4095
)

// FDOptions say how a file descriptor is installed in the target.
type FDOptions struct {
	// SetFD installs the descriptor as number NewFD, replacing (atomically)
	// whatever the target had there. Without it the kernel picks the
	// lowest free number.
	SetFD bool
	NewFD int
	// CloseOnExec sets FD_CLOEXEC on the target's descriptor.
	CloseOnExec bool
}

type respKind uint8

const (
	respUnset respKind = iota
	respReturn
	respErrno
	respContinue
	respSendFD
)

// Response is how a notification is answered. Make one with Return, Errno,
// Continue or SendFD. The zero Response fails the call with ENOSYS, as the
// kernel does when no supervisor listens.
type Response struct {
	kind  respKind
	val   int64
	errno syscall.Errno
	file  *os.File
	fd    FDOptions
}

// Return answers that the call returns v (a non-negative value, by the
// convention of system calls) without being run.
func Return(v int64) Response { return Response{kind: respReturn, val: v} }

// Errno answers that the call fails with e without being run. Errno(0) is
// Return(0); e above 4095 is refused when the answer is sent.
func Errno(e syscall.Errno) Response {
	if e == 0 {
		return Return(0)
	}
	return Response{kind: respErrno, errno: e}
}

// Continue answers that the kernel runs the call as usual
// (SECCOMP_USER_NOTIF_FLAG_CONTINUE, Linux 5.5).
//
// Never use Continue as a security decision about pointer arguments: the
// kernel reads the target's memory again when it runs the call, and the
// target (or another thread sharing its memory) may have changed what the
// supervisor read and checked. Continue is safe only for calls the
// supervisor lets through whatever their memory says; to allow a call
// because of what its memory holds, emulate the call in the supervisor
// with the copied arguments and answer with the result. See the package
// documentation.
func Continue() Response { return Response{kind: respContinue} }

// SendFD answers by installing f in the target (ADDFD with
// SECCOMP_ADDFD_FLAG_SEND, Linux 5.14): the call returns the target's new
// descriptor number, atomically with the installation. On kernels without
// SEND, the descriptor is installed first and the number returned in a
// second step. If the installation fails (the target is out of
// descriptors: EMFILE), the call fails with that error.
//
// SendFD takes f over: it is closed once the answer has been sent, or has
// failed.
func SendFD(f *os.File, opts FDOptions) Response {
	return Response{kind: respSendFD, file: f, fd: opts}
}

// String describes r: "return 5", "errno EACCES", "continue",
// "send file /etc/hosts" (the file's name).
func (r Response) String() string {
	switch r.kind {
	case respReturn:
		return fmt.Sprintf("return %d", r.val)
	case respErrno:
		return "errno " + errnoName(r.errno)
	case respContinue:
		return "continue"
	case respSendFD:
		if r.file == nil {
			return "send file <nil>"
		}
		return "send file " + r.file.Name()
	}
	return "errno ENOSYS (unset response)"
}

// raw returns the struct seccomp_notif_resp for r (not for SendFD).
func (r Response) raw(id uint64) (rawResp, error) {
	resp := rawResp{ID: id}
	switch r.kind {
	case respReturn:
		resp.Val = r.val
	case respErrno:
		if r.errno <= 0 || r.errno > maxErrno {
			return resp, fmt.Errorf("notify: errno %d out of range 1..%d", int(r.errno), maxErrno)
		}
		resp.Error = -int32(r.errno)
	case respContinue:
		resp.Flags = userNotifFlagContinue
	case respUnset:
		resp.Error = -int32(syscall.ENOSYS)
	default:
		return resp, errors.New("notify: internal error: no raw response for SendFD")
	}
	return resp, nil
}

// Handler answers notifications. Serve calls Handle in a goroutine of its
// own for each notification, so calls run concurrently; it sends the
// returned Response, once. ctx is done when Serve's context is: a
// handler doing slow work should then give up and answer (Errno of EINTR,
// say), since Serve waits for running handlers before it returns.
//
// The Request is valid only during the call. A handler that panics
// crashes the program, like any goroutine's panic (its target's call then
// fails with ENOSYS, the listener being closed).
type Handler interface {
	Handle(ctx context.Context, r *Request) Response
}

// HandlerFunc is a function as a Handler.
type HandlerFunc func(ctx context.Context, r *Request) Response

// Handle calls f(ctx, r).
func (f HandlerFunc) Handle(ctx context.Context, r *Request) Response { return f(ctx, r) }

// Server is a supervisor loop with options; Listener.Serve is a Server
// with none.
type Server struct {
	// Handler answers the notifications.
	Handler Handler
	// Workers bounds the handlers running at once; 0 means no bound (there
	// can be no more notifications in flight than the targets have
	// threads). When the bound is reached, Serve stops receiving until a
	// handler returns, and the targets wait.
	Workers int
	// Inline runs the handler on the goroutine that receives, locked to
	// its OS thread, one notification at a time, instead of in a goroutine
	// per notification; Workers is then ignored. For handlers that answer
	// at once without blocking (a recorder that counts calls and lets them
	// run): it saves a goroutine and the switches between threads on every
	// notification, which cost more than the rest of the round trip (see
	// BENCHMARKS.md). A handler that blocks holds up every target.
	Inline bool
	// ErrorLog receives the errors of answering a notification, other than
	// ErrGone (the target went away or was interrupted, which is normal).
	// Nil means the log package's standard logger.
	ErrorLog func(n *Notif, err error)
}

// Request is a notification being handled, with helpers that act on it.
type Request struct {
	Notif
	l *Listener
}

// Listener returns the listener the request came from.
func (r *Request) Listener() *Listener { return r.l }

// Valid returns nil if the notification is still live (received and not
// yet answered, its target still waiting), ErrGone otherwise
// (SECCOMP_IOCTL_NOTIF_ID_VALID).
func (r *Request) Valid() error { return r.l.Valid(r.ID) }

// OpenMem opens the target's memory; see Listener.OpenMem.
func (r *Request) OpenMem() (*Mem, error) { return r.l.OpenMem(&r.Notif) }

// ReadString reads a NUL-terminated string of at most max bytes (the NUL
// not counted) at addr in the target's memory, typically a path argument:
// ReadString(r.Data.Args[1], 4095) for openat. It returns ErrGone if the
// notification is no longer live after the read: the bytes could then be
// another process's. See the package documentation on time of check.
func (r *Request) ReadString(addr uint64, max int) (string, error) {
	m, err := r.OpenMem()
	if err != nil {
		return "", err
	}
	defer m.Close()
	return m.ReadString(addr, max)
}

// AddFD installs fd (the supervisor's; it stays open) in the target
// without answering the notification, and returns its number in the
// target (SECCOMP_IOCTL_NOTIF_ADDFD, Linux 5.9). The handler then answers
// as it likes, typically with Return of that number.
func (r *Request) AddFD(fd int, opts FDOptions) (int, error) { return r.l.AddFD(r.ID, fd, opts) }

// ErrGone is matched (errors.Is) by the errors of acting on a notification
// that is no longer live: its target died, or a signal interrupted its
// call (with SA_RESTART the call comes back as a new notification), or it
// was answered already. It is the kernel's ENOENT, and normal: a
// supervisor just forgets the notification.
var ErrGone = errors.New("notify: the notification is no longer live (target gone or interrupted)")

// ErrBusy is returned by Serve and Receive when another Serve or Receive
// is receiving from the same Listener.
var ErrBusy = errors.New("notify: another Serve or Receive is receiving from this listener")

// OpError is a failed operation on a listener: Op names the ioctl, Err is
// the errno. It matches ErrGone for ENOENT.
type OpError struct {
	Op  string
	ID  uint64 // the notification's id, 0 for RECV
	Err error
}

func (e *OpError) Error() string {
	msg := e.Err.Error()
	if errno, ok := e.Err.(syscall.Errno); ok {
		msg = errnoName(errno) + " (" + msg + ")"
	}
	if e.ID != 0 {
		return fmt.Sprintf("notify: %s (id %#x): %s", e.Op, e.ID, msg)
	}
	return "notify: " + e.Op + ": " + msg
}

func (e *OpError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrGone) true for ENOENT.
func (e *OpError) Is(target error) bool {
	return target == ErrGone && errors.Is(e.Err, syscall.ENOENT)
}
