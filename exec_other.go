//go:build !linux

package seccomp

import (
	"os"
	"os/exec"
)

// Exec installs p and execs path. Seccomp exists only on Linux: here it
// returns an error wrapping errors.ErrUnsupported.
func Exec(p Program, opts InstallOptions, path string, argv, envv []string) error {
	return errNotLinux("Exec")
}

// RunCommandHelper makes this program able to run commands for Command
// (see its Linux documentation). Seccomp exists only on Linux: here it does
// nothing.
func RunCommandHelper() {}

// ErrNoCommandHelper is the error of Command and CommandListener in a
// program that did not call RunCommandHelper.
var ErrNoCommandHelper = errNotLinux("Command")

// Command returns a command that runs under filter p. Seccomp exists only
// on Linux: here it returns an error wrapping errors.ErrUnsupported.
func Command(p Program, opts InstallOptions, name string, args ...string) (*exec.Cmd, error) {
	return nil, errNotLinux("Command")
}

// CommandListener is Command with a user-notification listener. Seccomp
// exists only on Linux: here it returns an error wrapping
// errors.ErrUnsupported.
func CommandListener(p Program, opts InstallOptions, name string, args ...string) (*exec.Cmd, func() (*os.File, error), error) {
	return nil, nil, errNotLinux("CommandListener")
}
