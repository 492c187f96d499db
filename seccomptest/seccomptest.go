package seccomptest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/seccomp-go/seccomp"
)

// ErrUnsupported is wrapped by the errors of Decide and Run where seccomp
// filters cannot be used: another OS, a kernel without them, a sandbox that
// forbids them. It wraps errors.ErrUnsupported.
var ErrUnsupported = fmt.Errorf("seccomptest: seccomp filters cannot be used here: %w", errors.ErrUnsupported)

// Func is a function Run can run in a child process (see Register).
type Func struct {
	name string
	fn   func() error
}

// Name returns the name f was registered under.
func (f *Func) Name() string { return f.name }

var registry struct {
	sync.Mutex
	funcs map[string]*Func
}

// Register registers fn under name for Run, and returns the handle Run
// takes. Call it from a package-level variable's initializer or an init
// function of the test package, so that the child process, which runs the
// same test binary from its start, registers it too:
//
//	var serve = seccomptest.Register("serve", func() error { ... })
//
// In the child, fn runs on the main goroutine after the filter is
// installed; returning nil means success, an error or a panic failure.
// Register panics if name is empty or already registered, or fn is nil.
func Register(name string, fn func() error) *Func {
	if name == "" || fn == nil {
		panic("seccomptest: Register needs a name and a function")
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.funcs == nil {
		registry.funcs = map[string]*Func{}
	}
	if _, ok := registry.funcs[name]; ok {
		panic(fmt.Sprintf("seccomptest: %q registered twice", name))
	}
	f := &Func{name: name, fn: fn}
	registry.funcs[name] = f
	return f
}

func lookup(name string) *Func {
	registry.Lock()
	defer registry.Unlock()
	return registry.funcs[name]
}

// Options say how Run runs a function. The zero value (and nil) is the
// default.
type Options struct {
	// Flags are filter flags to install with, besides TSYNC (which Run
	// always uses): seccomp.FlagLog, seccomp.FlagSpecAllow.
	Flags seccomp.FilterFlag
	// Timeout bounds how long the child may run; 0 means DefaultTimeout.
	// Run kills a child that runs longer, and says so (Result.TimedOut).
	Timeout time.Duration
	// NoTrace runs the child without tracing it: a SIGSYS is then
	// reported without its system call (see the package documentation).
	NoTrace bool
}

// DefaultTimeout is the timeout of Run when Options.Timeout is 0.
const DefaultTimeout = 2 * time.Minute

// Result is what happened in a child that Run started.
type Result struct {
	// Installed reports whether the filter was installed and the function
	// started.
	Installed bool
	// Returned reports whether the function returned; Err is the error it
	// returned ("" for nil).
	Returned bool
	Err      string
	// Panic is the value the function panicked with, printed, and Stack
	// the panicking goroutine's stack ("" unless it panicked on the
	// goroutine Run called it on; a panic on another goroutine ends the
	// process with exit status 2 and the trace in Output).
	Panic string
	Stack string
	// ExitCode is the process's exit status, -1 when a signal ended it.
	ExitCode int
	// Signal is the signal that ended the process, 0 when it exited.
	Signal syscall.Signal
	// SIGSYS is the system call the filter killed or trapped, when the
	// process got a SIGSYS from seccomp and Run could tell which call it
	// was (see the package documentation); nil otherwise.
	SIGSYS *Syscall
	// TimedOut reports that Run killed the process after Options.Timeout,
	// and ThreadKilled that it killed it after a KILL_THREAD, which leaves
	// a Go program wedged (SIGSYS has the call).
	TimedOut     bool
	ThreadKilled bool
	// Output is what the child wrote to its standard output and error
	// (the last MiB).
	Output string
	// Untraced says why the child was not traced, when Run could not
	// trace it ("" when it was, or Options.NoTrace was set).
	Untraced string
}

// Syscall is a system call as the kernel saw it when a filter stopped it.
type Syscall struct {
	// Name is the call's name on its arch ("" when the tables have none).
	Name string
	// Data is what the filter saw: the number, the arch token, the address
	// after the system call instruction and the arguments. The arguments
	// are zero where Run cannot read them (TRAP on arches other than
	// amd64).
	Data seccomp.Data
	// Action is what the filter returned: KILL_PROCESS, KILL_THREAD or
	// TRAP(n).
	Action seccomp.Action
	// Thread is the id of the thread that made the call.
	Thread int
}

func (s *Syscall) String() string {
	name := s.Name
	if name == "" {
		name = fmt.Sprintf("system call %d", s.Data.Nr)
	}
	return fmt.Sprintf("%s (%v)", name, s.Action)
}

// Succeeded reports whether the function returned nil and the process
// exited with status 0.
func (r *Result) Succeeded() bool {
	return r.Returned && r.Err == "" && r.ExitCode == 0 && r.Signal == 0
}

// String says in one line how the child ended.
func (r *Result) String() string {
	var parts []string
	switch {
	case !r.Installed:
		parts = append(parts, "the filter was not installed")
	case r.Returned && r.Err == "":
		parts = append(parts, "returned")
	case r.Returned:
		parts = append(parts, "returned error: "+r.Err)
	case r.Panic != "":
		parts = append(parts, "panicked: "+r.Panic)
	}
	switch {
	case r.TimedOut:
		parts = append(parts, "killed after the timeout")
	case r.ThreadKilled:
		parts = append(parts, "killed after a KILL_THREAD")
	case r.Signal != 0:
		parts = append(parts, "killed by "+signalName(r.Signal))
	case !r.Returned || r.ExitCode != 0:
		parts = append(parts, fmt.Sprintf("exit status %d", r.ExitCode))
	}
	if r.SIGSYS != nil {
		parts = append(parts, "SIGSYS in "+r.SIGSYS.String())
	}
	return strings.Join(parts, "; ")
}

func signalName(s syscall.Signal) string {
	if s == syscall.Signal(31) {
		return "SIGSYS"
	}
	return fmt.Sprintf("signal %d (%v)", int(s), s)
}

// syscallName names call nr of the native arch (x32 for numbers with the
// x32 bit on x86_64).
func syscallName(native *seccomp.Arch, nr int32) string {
	if native == nil {
		return ""
	}
	a := native
	if a == seccomp.ArchX86_64 && uint32(nr)&seccomp.X32SyscallBit != 0 {
		a = seccomp.ArchX32
	}
	name, _ := a.SyscallName(nr)
	return name
}
