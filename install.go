package seccomp

import (
	"errors"
	"fmt"
)

// InstallOptions say how Install attaches a filter.
type InstallOptions struct {
	// Flags are extra filter flags (FlagLog, FlagSpecAllow, ...). FlagTSync
	// is added unless ThisThreadOnly is set (with ThisThreadOnly, FlagTSync
	// and FlagTSyncESRCH are refused); FlagNewListener is InstallListener's.
	Flags FilterFlag
	// ThisThreadOnly attaches the filter to the calling OS thread only
	// (and to the threads and processes it creates later), not to every
	// thread of the process. Lock the goroutine to its thread first
	// (runtime.LockOSThread) and keep it locked: otherwise the Go runtime
	// moves goroutines between filtered and unfiltered threads at will.
	ThisThreadOnly bool
	// KeepNewPrivs leaves no_new_privs alone. The kernel then requires
	// CAP_SYS_ADMIN in the current user namespace; without it Install fails
	// before changing anything. By default no_new_privs is set, which the
	// kernel requires of unprivileged callers (it is one-way: execve then
	// grants no new privileges through set-user-ID bits or file
	// capabilities).
	KeepNewPrivs bool
}

// ErrUnsupportedFlag is matched (errors.Is) by a *FlagError.
var ErrUnsupportedFlag = errors.New("seccomp: filter flag not supported by this kernel")

// FlagError is a filter flag the running kernel does not know, or a
// combination of flags the kernel refuses.
type FlagError struct {
	Flag   FilterFlag
	Reason string // for a refused combination
}

func (e *FlagError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("seccomp: filter flags %v: %s", e.Flag, e.Reason)
	}
	return fmt.Sprintf("seccomp: the running kernel does not support SECCOMP_FILTER_FLAG_%v (added in Linux %s)", e.Flag, e.Flag.Since())
}

// Is makes errors.Is(err, ErrUnsupportedFlag) true for an unsupported flag.
func (e *FlagError) Is(target error) bool { return target == ErrUnsupportedFlag && e.Reason == "" }

// TSyncError is a filter that could not be installed on every thread: the
// kernel names the first thread that cannot take it (it installed a filter
// of its own, or is in strict mode). Nothing was installed.
type TSyncError struct {
	TID int // the thread's id, 0 when the kernel only said ESRCH (FlagTSyncESRCH)
}

func (e *TSyncError) Error() string {
	if e.TID == 0 {
		return "seccomp: a thread of the process could not be synchronised (its filters diverged from this thread's); nothing was installed"
	}
	return fmt.Sprintf("seccomp: thread %d could not be synchronised (its filters diverged from this thread's, or it is in strict mode); nothing was installed", e.TID)
}

// ErrPrivilege is matched (errors.Is) by a *PrivilegeError.
var ErrPrivilege = errors.New("seccomp: installing a filter needs no_new_privs or CAP_SYS_ADMIN")

// PrivilegeError is an install that the kernel would refuse with EACCES:
// the calling thread has neither no_new_privs nor CAP_SYS_ADMIN.
type PrivilegeError struct{}

func (*PrivilegeError) Error() string {
	return "seccomp: KeepNewPrivs is set but the process lacks CAP_SYS_ADMIN: the kernel installs filters only for threads with no_new_privs or CAP_SYS_ADMIN; nothing was changed"
}

// Is makes errors.Is(err, ErrPrivilege) true.
func (*PrivilegeError) Is(target error) bool { return target == ErrPrivilege }

// InstallError is a failed seccomp(2) or prctl(2) call: Op names it, Err
// is the errno (compare it with errors.Is).
type InstallError struct {
	Op  string
	Err error
}

func (e *InstallError) Error() string { return "seccomp: " + e.Op + ": " + e.Err.Error() }
func (e *InstallError) Unwrap() error { return e.Err }

// Install compiles the filter and installs it (see the package-level
// Install).
func (f *Filter) Install(opts InstallOptions) error {
	p, err := f.Compile()
	if err != nil {
		return err
	}
	return Install(p, opts)
}

// checkInstall does every check that can be done before the kernel is
// touched: the program, the flags' combination.
func checkInstall(p Program, flags FilterFlag) error {
	if err := Verify(p); err != nil {
		return err
	}
	if why := checkFlagCombination(flags); why != "" {
		return &FlagError{Flag: flags, Reason: why}
	}
	return nil
}

// checkThreadFlags refuses ThisThreadOnly with FlagTSync or FlagTSyncESRCH:
// the one attaches the filter to the calling thread, the others to every
// thread, and a refused TSYNC install would then leave no_new_privs on the
// calling thread, which Install with TSYNC promises never to do.
func checkThreadFlags(opts InstallOptions) error {
	if both := opts.Flags & (FlagTSync | FlagTSyncESRCH); opts.ThisThreadOnly && both != 0 {
		return &FlagError{Flag: both, Reason: "ThisThreadOnly attaches the filter to the calling thread only, these flags to every thread: set one or the other"}
	}
	return nil
}

// flagsFor returns the flags an install uses.
func flagsFor(opts InstallOptions, listener bool) FilterFlag {
	f := opts.Flags
	if !opts.ThisThreadOnly {
		f |= FlagTSync
		if listener {
			f |= FlagTSyncESRCH
		}
	}
	if listener {
		f |= FlagNewListener
	}
	return f
}
