// Package seccomp builds, checks, tests and installs seccomp-BPF filters, in
// pure Go.
//
// # Getting started
//
// A program that sandboxes itself, or the commands it runs, needs three
// things:
//
//   - a Filter: NewFilter takes the default action (what calls no rule
//     names get: ActKillProcess, Errno(syscall.EPERM), ...) and the arches
//     it covers (the native one by default); AddSyscalls and Add add rules,
//     with conditions on the arguments (Cond). SetENOSYSAfter(release)
//     makes the calls newer than a kernel release that no rule decides
//     fail with ENOSYS, so that glibc and the Go runtime fall back to
//     older ones (clone3 to clone, ...); SetUnknownSyscallENOSYS does it
//     only for numbers above the arch's syscall table, calls newer than
//     this package;
//   - its Program: Filter.Compile;
//   - a way to attach it. Install puts it on every thread of the process
//     (a Go program's goroutines move between threads), after setting
//     no_new_privs; Exec replaces the process with a command under the
//     filter, installed on the one thread that execs it right before
//     execve, so that the filter needs nothing of this program's calls;
//     Command returns an *exec.Cmd that does the same in a child (main
//     calls RunCommandHelper first).
//
// Package profile reads OCI, Docker and Podman JSON profiles into Filters
// with the meaning runc gives them (profile.Load; Docker's default profile
// is profile.Default). Package notify serves the calls a filter hands to a
// supervisor (ActUserNotif); package analyze says what any program decides
// and finds its weaknesses; package seccomptest checks filters on the
// running kernel from go test; package libseccomp is a drop-in for
// libseccomp-golang. The command seccomp (cmd/seccomp) does all of it
// from a shell. The lower layers below are for programs that write BPF
// themselves, or look at programs they did not compile.
//
// # The model
//
// A seccomp filter is a classic BPF program the kernel runs on every system
// call of a thread. Its only input is struct seccomp_data (Data): the
// syscall number, the AUDIT_ARCH_* token of the calling convention, the
// instruction pointer and the six argument registers, in the CPU's byte
// order (Arch.ByteOrder). It can load 32-bit words of that struct (a 64-bit
// argument is two loads, OffsetArgHalves), compute in two 32-bit registers A
// and X and sixteen scratch words, jump forward only, and must end in a
// return whose 32-bit value is an Action: an action in the high 16 bits,
// data (an errno, a signal's si_errno, a tracer's message) in the low 16.
//
// # The layers
//
//   - Filter is a policy: a default action, the arches it covers and
//     rules with conditions (Cond) on the arguments. Evaluate is what it
//     means for one call; Validate and Lint report what is wrong or
//     useless in it; Compile turns it into a Program that decides exactly
//     as Evaluate does. Between overlapping rules it decides by the
//     stricter action or, with ResolveLibseccomp, in libseccomp's order
//     (Resolution). Package profile makes Filters from OCI and Docker
//     profiles, package libseccomp is a drop-in for libseccomp-golang.
//   - Program is the form the kernel takes, []bpf.RawInstruction; ParseRaw
//     and MarshalBinary read and write it as raw bytes (the format of
//     libseccomp's seccomp_export_bpf).
//   - Source writes programs with symbolic labels; Assemble resolves them,
//     routing conditional jumps farther than 255 instructions through long
//     jumps, so programs of any length assemble.
//   - Verify applies every check the kernel applies when a filter is
//     attached, in the kernel's order, and names the instruction and rule a
//     program breaks. CheckStackLimit answers whether a filter still fits
//     on top of those a thread already has.
//   - Emulator runs a verified program exactly as the kernel would, and
//     Stack combines several filters with the kernel's precedence rule, so
//     a unit test can ask what a filter decides without installing it.
//   - Disassemble and AssembleText are the text form.
//   - Dump reads back the filters installed in a running process (Linux,
//     with CAP_SYS_ADMIN), per thread, oldest first. Package seccomptest
//     checks filters on the running kernel from go test, in child processes.
//   - Install, InstallListener, Exec and Command attach programs to
//     threads (Linux only), and ProbeFeatures asks the kernel what it
//     supports.
//
// The machinery behind them is in internal packages, which import
// nothing of this one: internal/cond (what a condition means, when
// conditions can never hold or always do, when rules cover another),
// internal/solve (the exact solver for conditions on the words of
// seccomp_data, shared with package analyze), internal/compiler (the
// compiler, its layout search and the pruning of code no input reaches,
// and the reference meaning of a resolved filter), internal/ruletree
// (libseccomp's merge of a system call's rules), internal/asm (labels to
// jumps), internal/text (the text form's lexer, parser, assembler and
// printer), internal/opcode and internal/uapi (the kernel's opcodes and
// ABI constants) and internal/sysnum (the syscall tables). ARCHITECTURE.md
// in the repository says which package owns what.
//
// # Precedence of actions
//
// When several filters are attached, all run, and the value whose action
// part is lowest as a signed 32-bit number wins (Action.Precedes). First
// to last, with some action parts the kernel does not know among them:
//
//	0x80000000  KILL_PROCESS
//	0xffff0000  (unknown)
//	0x00000000  KILL_THREAD
//	0x00010000  (unknown)
//	0x00030000  TRAP
//	0x00040000  (unknown)
//	0x00050000  ERRNO
//	0x7fc00000  USER_NOTIF
//	0x7fe00000  (unknown)
//	0x7ff00000  TRACE
//	0x7ffc0000  LOG
//	0x7fff0000  ALLOW
//
// An unknown action part ranks by its signed value like any other:
// 0x80010000 to 0xffff0000 come after KILL_PROCESS and before KILL_THREAD,
// 0x00040000 after TRAP and before ERRNO, and so on. When such a value
// wins, the kernel carries it out as KILL_PROCESS, and so does
// Action.Effective. Between equal action parts the most recently installed
// filter's value (with its data) wins.
//
// # Security considerations
//
// The emulator and the verifier are checked against the running kernel on
// hundreds of thousands of random programs (see BENCHMARKS.md), but they
// model the kernel, they are not it. Known differences:
//   - The emulator lays out seccomp_data in the byte order the audit arch
//     token names. A big-endian arm64 kernel still reports the
//     little-endian AUDIT_ARCH_AARCH64; use Emulator.RunIn for it.
//   - Kernels since 6.14 let x86_64's uretprobe system call (and, later,
//     uprobe) through every filter via the action cache; Stack.Run runs the
//     filters regardless.
//   - The instruction pointer the kernel reports is the address after the
//     system call instruction; an emulated input has whatever the caller
//     puts there.
package seccomp
