//go:build !linux

package seccomp

import "os/exec"

// Exec installs p and execs path. Seccomp exists only on Linux: here it
// returns an error wrapping errors.ErrUnsupported.
func Exec(p Program, opts InstallOptions, path string, argv, envv []string) error {
	return errNotLinux("Exec")
}

// Command returns a command that runs under filter p. Seccomp exists only
// on Linux: here it returns an error wrapping errors.ErrUnsupported.
func Command(p Program, opts InstallOptions, name string, args ...string) (*exec.Cmd, error) {
	return nil, errNotLinux("Command")
}
