// Package record writes seccomp profiles from real runs: it records the
// system calls a command makes, through seccomp user notification, and
// turns the recording into an OCI or Docker profile that allows exactly
// those calls. The command "seccomp record" is built on it.
//
// # Recording
//
// Command runs a program under a filter of one instruction, RET
// USER_NOTIF: every system call of the program, of every thread and every
// process it starts, of every arch, goes to a Recorder in this process,
// which counts it and answers "continue" (SECCOMP_USER_NOTIF_FLAG_CONTINUE):
// the kernel then runs the call as if there were no filter. The recorder
// watches, it enforces nothing; a program misbehaving while recorded is
// not stopped. It needs no privilege beyond no_new_privs (which the filter
// sets, as any unprivileged filter does), and Linux 5.5.
//
// The filter is installed by seccomp.CommandListener's helper, on the one
// thread that execs the program, right before execve: nothing of the
// helper's own calls is recorded, and the first call recorded is the
// program's execve, which a profile must allow to start it. So a test
// suite can record what its own binary does:
//
//	func TestMain(m *testing.M) {
//		seccomp.RunCommandHelper() // Command's helper is the test binary
//		os.Exit(m.Run())
//	}
//
//	c, _ := record.Command(nil, os.Args[0], "-test.run=^TestServe$")
//	rec, err := c.Run()
//	prof, report, err := rec.Profile(record.ProfileOptions{})
//
// Recorder.Serve records the calls arriving on any listener, and
// Recorder.Handle is a notify.Handler, for a supervisor that records some
// calls and answers others itself.
//
// A Recording has, per arch and system call, the number of calls, and the
// values of the arguments that profiles usually constrain (ArgSpecs):
// clone's and unshare's flags, socket's address family, socketcall's call,
// personality's persona, prctl's option, ioctl's request. With
// Options.ReadMemory it also reads clone3's flags and exit signal from
// the caller's struct clone_args (they are not in registers). Counts are
// notifications: a call a signal interrupts while the recorder holds it,
// and that the target then restarts, counts twice. Where the kernel has
// SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux 5.19), a call the recorder
// holds cannot be interrupted by a non-fatal signal, so that a program
// recorded sees no EINTR it would not see unrecorded.
//
// # Profiles
//
// Recording.Profile writes a profile that allows the recorded calls by
// name, on the arches they were made on, with ERRNO(EPERM) (or another
// default action) for everything else. Without ProfileOptions.Args, each
// call is allowed whatever its arguments. With it, the calls of ArgSpecs
// are allowed only with the values recorded: flag sets (clone, unshare)
// with any combination of the bits seen, in one SCMP_CMP_MASKED_EQ
// condition whose mask is the bits never seen; other values exactly, one
// SCMP_CMP_EQ entry per value, as Docker's default lists socket families.
// clone3's flags are in memory, where no seccomp filter can look: with
// Args, clone3 is answered with ERRNO(ENOSYS), as Docker's default does,
// and clone is allowed with the flags (and exit signal) the clone3 calls
// had, to which glibc, musl and the language runtimes fall back.
//
// A profile started from ProfileOptions.Base (a profile recorded before,
// to merge runs, or Docker's default) keeps Base's entries, first, and
// adds entries for the recorded calls Base does not allow, checked with
// package profile's meaning of Base (resolved for the target arch with
// Docker's default capabilities). An entry of Base that denies a recorded
// call keeps denying it (libseccomp's first unconditional entry wins); the
// Report says so.
//
// # What the recorded program controls
//
// The program recorded is not sandboxed, and it decides what is recorded:
// a program that wants to can make its recording say what it likes (call
// anything, with any arguments, change clone3's struct clone_args after
// the recorder read it), and the profile then allows what it chose.
// Record programs you would run unconfined anyway, and read the profile.
// What a program can make the recorder keep is bounded: Options.MaxValues
// distinct values per argument, MaxUnnamedCalls numbers without a name,
// 100 errors; Cmd.Wait waits for every process left under the filter,
// as long as they run.
//
// A profile made from one run allows what that run did. A call made only
// on another path (an error, another terminal, a signal handler's
// rt_sigreturn, a restarted sleep's restart_syscall) is not in it: record
// the runs the program will have, and merge them.
package record
