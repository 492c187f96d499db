// Package seccomptest checks seccomp filters on the running kernel, from
// go test, without installing anything in the test process: every filter
// goes into a child process, the test binary run again.
//
//   - Decide asks the kernel what a program returns for seccomp_data
//     inputs, without running the system calls they describe.
//   - Run runs a registered function in a child under a filter and reports
//     what happened: it returned (or returned an error), it panicked, the
//     process exited or was killed by a signal, and for a SIGSYS the system
//     call the filter killed or trapped, with its arguments.
//
// The emulator (seccomp.Emulator) answers the first question without a
// kernel, for every arch; Decide is the check that the kernel agrees, on
// the machine the tests run on. Run answers what only a real process can:
// does my program still start under this policy, and which call kills it?
//
// # Setting up
//
// A package whose tests use Decide or Run calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { seccomptest.Main(m) }
//
// Main runs the tests as usual; in a child started by Decide or Run it does
// that child's work instead and exits. The children are recognized by
// variables Decide and Run put in their environment, and only Main looks at
// them: a program that merely imports the package is not affected. The
// functions Run can run are registered by name, from package-level
// variables or init functions, so that the child, which starts from
// scratch, has them too:
//
//	var startServer = seccomptest.Register("start-server", func() error { ... })
//
// Where the kernel has no seccomp filters (or a sandbox forbids them, or
// the OS is not Linux), Decide and Run return an error wrapping
// ErrUnsupported (which wraps errors.ErrUnsupported), and MustDecide,
// MustRun and the Assert functions skip the test with that message.
//
// # Decide and its limits
//
// Decide loads the program into a child, rewritten so that every return
// becomes a distinct ERRNO (the original value is decoded from the errno,
// in up to three runs when the program returns a computed value with
// RET A), and gated on the address the child makes its test calls from:
// calls from anywhere else, the Go runtime's own, are let through, and
// every call made from there is answered by the rewritten program with an
// error, so that none of them runs, whatever its number and arguments
// (exit_group and execve included). What the kernel fills in itself sets
// the limits:
//
//   - Arch: only the native arch's calling convention can be issued (on
//     x86_64, x32 numbers too: they carry the x32 bit and the x86_64 token).
//     An input with another arch token is refused.
//   - Instruction pointer: the kernel fills it with the address of the
//     child's system call instruction. A program that reads
//     instruction_pointer is refused, since its answers would be those for
//     that address rather than the input's; InstructionPointer in the
//     inputs is otherwise ignored.
//   - Numbers: the number and the six arguments are issued exactly as given
//     (64-bit registers on 64-bit arches). On x86_64 the kernel runs
//     uretprobe and uprobe (335 and 336) without consulting any filter, and
//     they kill a caller that is not a probe trampoline: inputs with those
//     numbers are refused.
//   - Length: the rewrite adds ten instructions, so the program may have at
//     most 4086.
//   - Stacked filters: if the test process itself runs under a filter (a
//     container's), the child inherits it; the answers are still exact
//     unless that filter kills or traps one of the calls, which Decide then
//     reports as an error.
//
// A KILL_THREAD is reported as seccomp.ActKillThread (the value 0), whether
// the program returned it or divided by a zero X register, which the kernel
// treats alike.
//
// # Run and what it reports
//
// Run starts the child, installs the program on all its threads (with TSYNC
// and no_new_privs, as seccomp.Install does by default, plus any flags in
// Options), runs the function on the child's main goroutine, and waits. The
// kit's own code in the child runs under the filter too, but needs no more
// than the function does: it reports through memory mapped beforehand, and
// ends the process with exit_group, which the filter must allow (as it must
// the calls the Go runtime makes; see seccomp.Install). Run reports how the
// function ended (returned, with the error it returned,
// or panicked, with the value and the stack), how the process ended (exit
// status or signal), and its standard output and error. The child's core
// dumps are disabled.
//
// To say which call a SIGSYS came from, Run traces the child with ptrace
// (PTRACE_SEIZE of every thread, without stopping at system calls): for a
// TRAP, the tracer reads the signal's siginfo, which holds the number, the
// arch and the address of the call; for KILL_PROCESS and KILL_THREAD, whose
// signal cannot be intercepted, it reads the registers of each thread as it
// exits and reports the thread whose registers hold a system call that the
// program, emulated, kills, with the marks the kernel leaves on a killed
// call (the registers rolled back to the call, or the return value still
// the -ENOSYS set at entry). The arguments come from the registers too. This works on amd64; on other arches only a TRAP's number, arch and
// address are reported. A KILL_THREAD leaves a Go program wedged (one of
// its threads is gone), so Run kills the process at once when it sees one.
// Where ptrace is not allowed (or with Options.NoTrace), Run reports the
// signal only. A traced child cannot be traced by anything else (a
// debugger, or seccomp.Dump), and must stay in its process group.
//
// Calls made by other processes the function starts are not reported:
// their SIGSYS shows up in the function as the child's failure (exec's
// "signal: bad system call").
package seccomptest
