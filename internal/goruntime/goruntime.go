// Package goruntime is what the derivation of the Go-runtime baseline
// (internal/cmd/mkgoruntime) and its tests share: the exercise program in
// testdata/goruntime-exercise, its workloads, the calls each workload makes
// of its own (as opposed to the runtime's), and running the exercise under
// a filter with a supervisor.
package goruntime

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
)

// Workload is a workload of the exercise program.
type Workload struct {
	Name string
	// Own are the system calls the workload's code makes itself, through
	// the syscall, os and net packages: they are the program's, not the
	// runtime's, and a program that does the same allows them itself.
	Own []string
	// Children says the workload starts other processes; Own then counts
	// the calls of the process itself only, and the children's calls are
	// the programs' they run.
	Children bool
}

// Workloads are the exercise's workloads. The calls listed as Own were
// read from the code of the packages named (Go 1.22 to 1.26).
var Workloads = []Workload{
	{Name: "goroutines"},
	{Name: "gc"},
	{Name: "bigalloc"},
	{Name: "timers"},
	// net: the sockets, their options and addresses, accept and connect
	// (getsockopt for SO_ERROR after a non-blocking connect), the data.
	// io.Copy between TCP connections splices through a pipe of its own,
	// enlarged with fcntl(F_SETPIPE_SZ); net.Listen reads
	// /proc/sys/net/core/somaxconn.
	{Name: "netpoll-tcp", Own: []string{"socket", "setsockopt", "getsockopt", "bind", "listen", "getsockname",
		"getpeername", "accept4", "connect", "read", "write", "close", "shutdown", "splice", "pipe2", "fcntl", "openat"}},
	// os.Pipe and its reads and writes.
	{Name: "netpoll-pipe", Own: []string{"pipe2", "read", "write", "close", "fcntl"}},
	// syscall.Kill(syscall.Getpid(), SIGUSR1).
	{Name: "signals", Own: []string{"kill", "getpid"}},
	{Name: "preempt"},
	{Name: "lockedthread"},
	// os/exec: the pipe for the output, /dev/null for the input, the
	// child started with clone(CLONE_VFORK|CLONE_VM|CLONE_PIDFD) (and its
	// check of CLONE_PIDFD; never clone3, without a cgroup to start in),
	// waited for through its pidfd; the child's
	// calls between clone and execve, and true's, are the children's.
	{Name: "exec", Children: true, Own: []string{"pipe2", "openat", "read", "write", "close", "fcntl", "clone",
		"wait4", "waitid", "pidfd_open", "pidfd_send_signal", "newfstatat", "fstat", "faccessat2", "access",
		"dup3", "execve", "ioctl"}},
	{Name: "idle"},
}

// Lookup returns the workload named name, or nil.
func Lookup(name string) *Workload {
	i := slices.IndexFunc(Workloads, func(w Workload) bool { return w.Name == name })
	if i < 0 {
		return nil
	}
	return &Workloads[i]
}

// Names returns the names of the workloads.
func Names() []string {
	var out []string
	for _, w := range Workloads {
		out = append(out, w.Name)
	}
	return out
}

// ExerciseDir returns the directory of the exercise program's module,
// found from this source file's.
func ExerciseDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("goruntime: cannot locate the source")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "..", "testdata", "goruntime-exercise")
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
		return "", fmt.Errorf("goruntime: the exercise program: %w", err)
	}
	return dir, nil
}

// Mode is how the exercise is built: the runtime differs.
type Mode int

// The modes.
const (
	// Pure is CGO_ENABLED=0: the runtime makes its own threads (clone).
	Pure Mode = iota
	// Cgo is CGO_ENABLED=1: the net and os/user packages link the C
	// library, and threads are made by pthread_create.
	Cgo
	// Race is -race (which needs cgo): the race detector's runtime (LLVM's
	// ThreadSanitizer) makes calls of its own.
	Race
)

// Modes are the modes, in order.
var Modes = []Mode{Pure, Cgo, Race}

func (m Mode) String() string {
	switch m {
	case Pure:
		return "pure"
	case Cgo:
		return "cgo"
	case Race:
		return "race"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Build builds the exercise program into out with the go command gotool,
// in mode m, in the environment env added to this process's
// (GOTOOLCHAIN=go1.25.0 to build with another toolchain).
func Build(gotool, out string, m Mode, env ...string) error {
	dir, err := ExerciseDir()
	if err != nil {
		return err
	}
	args := []string{"build", "-o", out}
	cmd := exec.Command(gotool)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	switch m {
	case Pure:
		cmd.Env = append(cmd.Env, "CGO_ENABLED=0")
	case Cgo:
		cmd.Env = append(cmd.Env, "CGO_ENABLED=1")
	case Race:
		cmd.Env = append(cmd.Env, "CGO_ENABLED=1")
		args = append(args, "-race")
	}
	cmd.Args = append(append(cmd.Args, args...), ".")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("goruntime: building the exercise (%v, %q): %v\n%s", m, env, err, b)
	}
	return nil
}
