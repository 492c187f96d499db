//go:build !linux

package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"syscall"

	"github.com/seccomp-go/seccomp"
)

func errNotLinux(what string) error {
	return fmt.Errorf("notify: %s: seccomp user notification exists only on Linux, not on %s: %w", what, runtime.GOOS, errors.ErrUnsupported)
}

// Listener is a user-notification listener. Seccomp exists only on Linux:
// elsewhere none can be made.
type Listener struct{}

// ErrNoTargets is returned by Receive when no process uses the filter any
// more.
var ErrNoTargets = errors.New("notify: no process uses the filter any more")

// NewListener wraps a listener. Seccomp exists only on Linux: here it
// returns an error wrapping errors.ErrUnsupported.
func NewListener(f *os.File) (*Listener, error) { return nil, errNotLinux("NewListener") }

// File returns the listener's file: nil here.
func (l *Listener) File() *os.File { return nil }

// Sizes returns the kernel's sizes of the notification structures: none
// here.
func (l *Listener) Sizes() seccomp.NotifSizes { return seccomp.NotifSizes{} }

// Close closes the listener. Here it returns an error wrapping
// errors.ErrUnsupported.
func (l *Listener) Close() error { return errNotLinux("Close") }

// Receive receives a notification. Here it returns an error wrapping
// errors.ErrUnsupported.
func (l *Listener) Receive(ctx context.Context) (*Notif, error) {
	return nil, errNotLinux("Receive")
}

// Respond answers a notification. Here it returns an error wrapping
// errors.ErrUnsupported.
func (l *Listener) Respond(id uint64, r Response) error {
	if r.file != nil {
		r.file.Close()
	}
	return errNotLinux("Respond")
}

// AddFD installs a descriptor in a target. Here it returns an error
// wrapping errors.ErrUnsupported.
func (l *Listener) AddFD(id uint64, fd int, opts FDOptions) (int, error) {
	return -1, errNotLinux("AddFD")
}

// Valid checks that a notification is live. Here it returns an error
// wrapping errors.ErrUnsupported.
func (l *Listener) Valid(id uint64) error { return errNotLinux("Valid") }

// OpenMem opens a target's memory. Here it returns an error wrapping
// errors.ErrUnsupported.
func (l *Listener) OpenMem(n *Notif) (*Mem, error) { return nil, errNotLinux("OpenMem") }

// Serve runs a supervisor loop. Here it returns an error wrapping
// errors.ErrUnsupported.
func (l *Listener) Serve(ctx context.Context, h Handler) error { return errNotLinux("Serve") }

// Serve runs a supervisor loop. Here it returns an error wrapping
// errors.ErrUnsupported.
func (s *Server) Serve(ctx context.Context, l *Listener) error { return errNotLinux("Serve") }

// SendListener sends a listener over a unix socket. Here it returns an
// error wrapping errors.ErrUnsupported.
func SendListener(conn *net.UnixConn, l *Listener) error { return errNotLinux("SendListener") }

// SendListenerMsg sends a listener and data over a unix socket. Here it
// returns an error wrapping errors.ErrUnsupported.
func SendListenerMsg(conn *net.UnixConn, l *Listener, msg []byte) error {
	return errNotLinux("SendListenerMsg")
}

// ReceiveListener receives a listener from a unix socket. Here it returns
// an error wrapping errors.ErrUnsupported.
func ReceiveListener(conn *net.UnixConn) (*Listener, error) {
	return nil, errNotLinux("ReceiveListener")
}

// ReceiveListenerMsg receives a listener and data from a unix socket. Here
// it returns an error wrapping errors.ErrUnsupported.
func ReceiveListenerMsg(conn *net.UnixConn, buf []byte) (*Listener, int, error) {
	return nil, 0, errNotLinux("ReceiveListenerMsg")
}

func errnoName(e syscall.Errno) string { return strconv.Itoa(int(e)) }
