package seccomp

// SetNoNewPrivs sets no_new_privs on the calling OS thread
// (prctl(PR_SET_NO_NEW_PRIVS, 1)). It is one-way and inherited by threads
// and processes created afterwards; execve then grants no new privileges
// (set-user-ID and set-group-ID bits and file capabilities are ignored).
// The kernel installs filters only for threads that have it or
// CAP_SYS_ADMIN. Install sets it itself: call this only to set it without
// a filter. Lock the goroutine to its thread (runtime.LockOSThread) around
// it if the thread matters. On other systems than Linux it returns an error
// wrapping errors.ErrUnsupported.
func SetNoNewPrivs() error { return setNoNewPrivs() }

// NoNewPrivs reports whether the calling OS thread has no_new_privs
// (prctl(PR_GET_NO_NEW_PRIVS)).
func NoNewPrivs() (bool, error) { return getNoNewPrivs() }
