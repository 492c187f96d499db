//go:build !linux

package seccomp

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

func errNotLinux(what string) error {
	return fmt.Errorf("seccomp: %s: seccomp filters exist only on Linux, not on %s: %w", what, runtime.GOOS, errors.ErrUnsupported)
}

// Install attaches p as a seccomp filter. Seccomp exists only on Linux:
// here it returns an error wrapping errors.ErrUnsupported.
func Install(p Program, opts InstallOptions) error { return errNotLinux("Install") }

// InstallListener is Install with a user-notification listener. Seccomp
// exists only on Linux: here it returns an error wrapping
// errors.ErrUnsupported.
func InstallListener(p Program, opts InstallOptions) (*os.File, error) {
	return nil, errNotLinux("InstallListener")
}

func setNoNewPrivs() error         { return errNotLinux("SetNoNewPrivs") }
func getNoNewPrivs() (bool, error) { return false, errNotLinux("NoNewPrivs") }
