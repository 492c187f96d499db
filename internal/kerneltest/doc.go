// Package kerneltest runs seccomp filters in the real kernel, for tests that
// use the kernel as the oracle: does it accept a program, what does a
// program return for a system call, how many filters fit on a thread.
//
// Nothing here ever installs a filter in the calling process. A test starts
// a helper process (Start), which is the test binary itself run again with
// -test.run naming a helper test that calls Helper (or, with StartProgram,
// any arguments that reach Helper, as a TestMain that calls it does); the two talk over pipes
// (fds 3 and 4, gob-encoded). The helper installs filters on threads made
// for the purpose and reports what the kernel did. A package that uses
// kerneltest needs the helper test:
//
//	func TestKernelHelper(t *testing.T) { kerneltest.Helper() }
//
// Building blocks, for tests of installation and the like: Child.Attach and
// Child.AttachPrograms (attach filters to the helper, with any flags) and
// Child.Run (install a program on fresh threads and make system calls under
// it, telling a killed thread from a returned error). On top of them:
//
//   - Loader judges programs the way seccomp(2) does at load time. Its
//     helpers first use up their filter budget (MAX_INSNS_PER_PATH) with
//     harmless ALLOW filters attached with TSYNC, so that every further
//     load is only checked: the kernel validates a program (EINVAL when it
//     is invalid) before it checks the total length (ENOMEM), and a valid
//     program then attaches nothing. One helper judges any number of
//     programs.
//
//   - Runner runs programs on system calls. It instruments a verified
//     program (Instrument) so that every return is observable as a distinct
//     errno, installs it on fresh threads, makes real system calls with
//     numbers the kernel does not implement (TestNr), and decodes what the
//     program returned; a division by a zero X, which kills the thread, is
//     seen as the thread's death. RunAnyNr does the same for calls of any
//     number, real system calls included: it gates the instrumented
//     program on the instruction pointer of the helpers' calls
//     (InstrumentAt) instead of on the number, so every call made for a
//     case is answered by the program with an ERRNO and none runs.
//
// TranslatedLen models what the kernel counts against MAX_INSNS_PER_PATH:
// the length of a program after its translation to eBPF, not its classic
// length.
//
// The process machinery is Linux-only; elsewhere the package has only the
// parts that do not touch the kernel (Instrument, TranslatedLen and their
// types).
package kerneltest
