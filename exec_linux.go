//go:build linux

package seccomp

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// Exec installs p on every thread of the process (see Install) and then
// replaces the process with the program at path (syscall.Exec), which runs
// under the filter, as do its children. The filter must allow execve (or
// execveat) and what the program needs. path is checked before anything is
// installed; if execve still fails, Exec returns the error with the filter
// in place.
func Exec(p Program, opts InstallOptions, path string, argv, envv []string) error {
	if err := checkExecutable(path); err != nil {
		return err
	}
	if err := Install(p, opts); err != nil {
		return err
	}
	if err := syscall.Exec(path, argv, envv); err != nil {
		return fmt.Errorf("seccomp: exec %s after installing the filter: %w", path, err)
	}
	return nil // not reached
}

func checkExecutable(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("seccomp: exec: %w", err)
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("seccomp: exec %s: not an executable file", path)
	}
	return nil
}

// execHelperArg is os.Args[1] of a process started by Command: this
// program run again to install a filter and exec the real command.
const execHelperArg = "-seccomp-go-exec-helper-v1"

// execRequest is what Command passes to the helper process.
type execRequest struct {
	Prog []byte         // raw program, host byte order
	Opts InstallOptions //
	Path string         // resolved path of the command
	Argv []string       // its argv, argv[0] included
}

// Command returns an *exec.Cmd that runs the named program with args under
// filter p, installed with opts. Go has no hook between fork and exec, so
// the command first runs this same executable again (os.Executable): as
// this package initialises, it installs p on every thread (no_new_privs
// included unless opts.KeepNewPrivs) and execs the command, whose
// environment, working directory, files and attributes are those set on
// the returned Cmd. The filter must allow execve. If the install or the
// exec fails, the helper writes the reason to the command's standard error
// and exits with status 126 (127 if the command is not found).
//
// name is looked up in PATH now, so a missing command is an error here.
// Change the Cmd's fields as usual, but not Path or Args.
func Command(p Program, opts InstallOptions, name string, args ...string) (*exec.Cmd, error) {
	if err := checkInstall(p, flagsFor(opts, false)); err != nil {
		return nil, err
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("seccomp: Command needs this program's own path: %w", err)
	}
	raw, _ := p.MarshalBinary()
	req, err := json.Marshal(execRequest{Prog: raw, Opts: opts, Path: path, Argv: append([]string{name}, args...)})
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, execHelperArg, base64.StdEncoding.EncodeToString(req))
	cmd.Args[0] = name
	return cmd, nil
}

func init() {
	if len(os.Args) == 3 && os.Args[1] == execHelperArg {
		os.Exit(runExecHelper(os.Args[2]))
	}
}

// runExecHelper is the helper side of Command. It returns only on failure.
func runExecHelper(arg string) int {
	fail := func(status int, format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "seccomp: "+format+"\n", a...)
		return status
	}
	b, err := base64.StdEncoding.DecodeString(arg)
	if err != nil {
		return fail(126, "exec helper: bad request: %v", err)
	}
	var req execRequest
	if err := json.Unmarshal(b, &req); err != nil {
		return fail(126, "exec helper: bad request: %v", err)
	}
	p, err := ParseRaw(req.Prog)
	if err != nil {
		return fail(126, "exec helper: %v", err)
	}
	if err := checkExecutable(req.Path); err != nil {
		return fail(127, "%v", err)
	}
	if err := Install(p, req.Opts); err != nil {
		return fail(126, "installing the filter for %s: %v", req.Path, err)
	}
	err = syscall.Exec(req.Path, req.Argv, os.Environ())
	return fail(126, "exec %s under the filter: %v", req.Path, err)
}
