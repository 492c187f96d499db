package seccomp

import (
	"encoding/binary"
	"errors"
	"os"
	"syscall"

	scmp "github.com/seccomp-go/seccomp"
)

// Load installs the filter in the kernel (seccomp.Install): with
// no_new_privs unless SetNoNewPrivsBit(false), on every thread of the
// process when TSYNC is on (NewFilter turns it on) and on the calling
// thread only otherwise, with the LOG and SPEC_ALLOW flags set by
// SetLogBit and SetSSB. The first filter loaded with an ActNotify rule gets
// a user-notification listener (GetNotifFd); later ones do not. Everything
// is checked before the kernel is changed.
//
// When the kernel refuses the filter, Load returns ECANCELED, or with
// SetRawRC the kernel's errno; ESRCH when a thread could not be
// synchronized (TSYNC).
func (f *ScmpFilter) Load() error {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid {
		return errBadFilter
	}
	c := f.filterCtx
	if !c.valid() {
		return syscall.EINVAL
	}
	raw, err := c.program()
	if err != nil {
		return err
	}
	prog, err := scmp.ParseRaw(raw)
	if err != nil {
		return syscall.EFAULT
	}
	if c.dbs[0].info.bigEndian() != nativeBigEndian() {
		// A program for another byte order cannot be loaded here.
		return c.sysErr(syscall.EINVAL)
	}

	sup.mu.Lock()
	defer sup.mu.Unlock()
	opts := scmp.InstallOptions{KeepNewPrivs: !c.nnp, ThisThreadOnly: true}
	if !sup.hasSyscall() {
		// prctl(PR_SET_SECCOMP): the calling thread only, no flags.
		return c.loadErr(scmp.Install(prog, opts))
	}
	// What libseccomp found out about the kernel so far (NewFilter asked).
	tsyncNotify := sup.tsyncESRCH > 0 && sup.listener == nil
	listener := sup.userNotif > 0 && c.notifyUsed && sup.listener == nil
	switch {
	case tsyncNotify:
		opts.ThisThreadOnly = !c.tsync
	case c.tsync:
		if listener {
			return syscall.EFAULT // the attributes should have prevented it
		}
		opts.ThisThreadOnly = false
	}
	if listener && c.waitKill {
		opts.Flags |= scmp.FlagWaitKillableRecv
	}
	if c.log {
		opts.Flags |= scmp.FlagLog
	}
	if c.ssb {
		opts.Flags |= scmp.FlagSpecAllow
	}
	if !listener {
		return c.loadErr(scmp.Install(prog, opts))
	}
	l, err := scmp.InstallListener(prog, opts)
	if err != nil {
		return c.loadErr(err)
	}
	sup.listener = l
	return nil
}

// loadErr is the error Load returns for an error of Install.
func (c *collection) loadErr(err error) error {
	if err == nil {
		return nil
	}
	var tsync *scmp.TSyncError
	if errors.As(err, &tsync) {
		return syscall.ESRCH
	}
	var errno syscall.Errno
	switch {
	case errors.As(err, &errno):
	case errors.Is(err, scmp.ErrPrivilege):
		errno = syscall.EACCES
	case errors.Is(err, errors.ErrUnsupported):
		errno = syscall.ENOSYS
	default:
		errno = syscall.EINVAL // a flag or a program the kernel would refuse
	}
	return c.sysErr(errno)
}

// GetNotifFd returns the user-notification listener of the first filter
// loaded with an ActNotify rule, in this process (libseccomp keeps one per
// process, whatever the filter asked). Before such a load it returns
// -EFAULT (-14), as libseccomp does.
func (f *ScmpFilter) GetNotifFd() (ScmpFd, error) {
	f.lock.Lock()
	defer f.lock.Unlock()
	if !f.valid {
		return -1, errBadFilter
	}
	if err := notifSupported(); err != nil {
		return -1, err
	}
	if !f.filterCtx.valid() {
		return -ScmpFd(syscall.EINVAL), nil
	}
	sup.mu.Lock()
	defer sup.mu.Unlock()
	if sup.listener == nil {
		return -ScmpFd(syscall.EFAULT), nil
	}
	return ScmpFd(fdOf(sup.listener)), nil
}

// fdOf returns the descriptor number of a listener the package keeps open
// for the life of the process.
func fdOf(f *os.File) int {
	rc, err := f.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	rc.Control(func(u uintptr) { fd = int(u) })
	return fd
}

func nativeBigEndian() bool {
	var b [2]byte
	binary.NativeEndian.PutUint16(b[:], 1)
	return b[0] == 0
}
