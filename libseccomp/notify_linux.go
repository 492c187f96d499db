//go:build linux

package seccomp

import (
	"context"
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp/notify"
)

// listenerOn returns a notify.Listener on a copy of fd (the caller's fd
// stays the caller's), to be closed after use.
func listenerOn(fd ScmpFd) (*notify.Listener, error) {
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	l, err := notify.NewListener(os.NewFile(uintptr(dup), "seccomp listener"))
	if err != nil {
		unix.Close(dup)
		return nil, err
	}
	return l, nil
}

// notifReady is libseccomp's check before a notification call: the kernel
// has seccomp(2) and user notification.
func notifReady() error {
	if err := notifSupported(); err != nil {
		return err
	}
	sup.mu.Lock()
	defer sup.mu.Unlock()
	if !sup.hasSyscall() || !sup.actionValid(retUserNotif) {
		return syscall.EOPNOTSUPP
	}
	return nil
}

// NotifReceive waits for a notification on the listener fd and returns it.
// A notification whose caller went away before it was received is
// skipped.
func NotifReceive(fd ScmpFd) (*ScmpNotifReq, error) {
	if err := notifReady(); err != nil {
		return nil, err
	}
	l, err := listenerOn(fd)
	if err != nil {
		return nil, syscall.ECANCELED
	}
	defer l.Close()
	n, err := l.Receive(context.Background())
	if err != nil {
		if errors.Is(err, notify.ErrGone) {
			return nil, syscall.ENOENT
		}
		return nil, syscall.ECANCELED
	}
	arch, err := archFromToken(uint32(n.Data.Arch))
	if err != nil {
		return nil, err
	}
	return &ScmpNotifReq{
		ID:    n.ID,
		Pid:   n.Pid,
		Flags: n.Flags,
		Data: ScmpNotifData{
			Syscall:      ScmpSyscall(n.Data.Nr),
			Arch:         arch,
			InstrPointer: n.Data.InstructionPointer,
			Args:         n.Data.Args[:],
		},
	}, nil
}

// NotifRespond answers a notification received with NotifReceive: with
// Flags NotifRespFlagContinue the kernel runs the call (Error and Val must
// be 0); otherwise the call fails with Error when it is not 0, and returns
// Val when it is. ENOENT means the caller is gone (or was interrupted).
func NotifRespond(fd ScmpFd, scmpResp *ScmpNotifResp) error {
	if err := notifReady(); err != nil {
		return err
	}
	var r notify.Response
	switch {
	case scmpResp.Flags&^NotifRespFlagContinue != 0:
		return syscall.ECANCELED // flags the kernel does not know
	case scmpResp.Flags&NotifRespFlagContinue != 0:
		if scmpResp.Error != 0 || scmpResp.Val != 0 {
			return syscall.ECANCELED // the kernel refuses CONTINUE with a value
		}
		r = notify.Continue()
	case scmpResp.Error != 0:
		if scmpResp.Error < 0 || scmpResp.Error > 4095 {
			return syscall.ECANCELED // not an errno (see the package documentation)
		}
		r = notify.Errno(syscall.Errno(scmpResp.Error))
	default:
		r = notify.Return(int64(scmpResp.Val))
	}
	l, err := listenerOn(fd)
	if err != nil {
		return syscall.ECANCELED
	}
	defer l.Close()
	if err := l.Respond(scmpResp.ID, r); err != nil {
		if errors.Is(err, notify.ErrGone) {
			return syscall.ENOENT
		}
		return syscall.ECANCELED
	}
	return nil
}

// NotifIDValid returns nil if notification id is still live (received, not
// yet answered, its caller still waiting), ENOENT otherwise. Check it after
// reading the caller's memory, before acting on what was read.
func NotifIDValid(fd ScmpFd, id uint64) error {
	if err := notifReady(); err != nil {
		return err
	}
	l, err := listenerOn(fd)
	if err != nil {
		return syscall.ENOENT
	}
	defer l.Close()
	if err := l.Valid(id); err != nil {
		return syscall.ENOENT
	}
	return nil
}
