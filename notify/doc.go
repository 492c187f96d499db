// Package notify is a supervisor for seccomp user notification
// (SECCOMP_RET_USER_NOTIF, Linux 5.0 and later): system calls a filter
// sends to another process, which answers them in the kernel's place.
//
// # The pieces
//
// A filter installed with seccomp.InstallListener (SECCOMP_FILTER_FLAG_NEW_LISTENER)
// yields a listener: a file descriptor from which the supervisor receives
// the calls the filter answered with seccomp.ActUserNotif. NewListener wraps
// it. The listener is usually created in the target process, which hands it
// to the supervisor: SendListener and ReceiveListener pass it over a unix
// socket (SCM_RIGHTS), the way OCI runtimes pass it to the agent listening
// at the seccomp listenerPath. A process holding a listener only reads
// notifications: it installs nothing and is not filtered itself.
//
// Listener.Serve runs a supervisor loop: it receives each notification,
// runs a Handler on it in a goroutine of its own, and answers it with the
// Response the handler returns, exactly once:
//
//   - Return(v): the call returns v without being run;
//   - Errno(e): the call fails with e without being run;
//   - Continue(): the kernel runs the call as if no filter had been there
//     (see the warning below);
//   - SendFD(f, opts): a file descriptor of the supervisor is installed in
//     the target and its number returned by the call (ADDFD with
//     SECCOMP_ADDFD_FLAG_SEND; Request.AddFD installs one without
//     answering).
//
// Serve stops when its context is cancelled, when the listener is closed,
// or when no process uses the filter any more. A target that dies or is
// interrupted while its call is pending is no error: its notification is
// just gone (the kernel's ENOENT, ErrGone here). Serve keeps no global
// state: any number of listeners can be served at once.
//
// Listener.Receive, Listener.Respond, Listener.AddFD and Listener.Valid
// are the single steps, for supervisors that run their own loop.
//
// # Reading the target's memory, and time of check
//
// seccomp_data has the argument registers only: a path, a sockaddr or any
// other pointed-to argument must be read from the target's memory
// (Request.ReadString, Request.OpenMem: /proc/<tid>/mem). The readers here
// check after every read that the notification is still live
// (SECCOMP_IOCTL_NOTIF_ID_VALID) and return ErrGone instead of the bytes
// otherwise: the thread id in the notification may name another process
// once the target has died, and this check is what makes the bytes the
// target's. Reading needs the permission to ptrace the target
// (PTRACE_MODE_ATTACH: the same user and, under Yama's ptrace_scope 1, an
// ancestor of the target, or CAP_SYS_PTRACE).
//
// Even so, what was read is a copy, and it is only a copy: the target, or
// any other thread or process sharing its memory, can change the memory
// after the supervisor read it and before the kernel uses it. Hence:
//
//   - CONTINUE MUST NEVER BE A SECURITY DECISION ABOUT POINTER ARGUMENTS.
//     A supervisor that reads a path, finds it harmless and answers
//     Continue() lets the kernel read the path again, and the kernel may
//     then find another path there. Continue is for calls the supervisor
//     does not care about, or whose registers (seccomp_data) alone decide.
//     To allow a call based on memory, emulate it: do the operation in the
//     supervisor with the copied arguments (mkdir the copied path, open the
//     copied path and SendFD the result) and answer with its result.
//   - Check liveness between reading and acting, again after any slow
//     step: Request.Valid. The readers check after reading; an action
//     taken on the target's behalf (opening /proc/<tid>/..., sending a
//     descriptor) should be preceded by another check.
//   - The supervisor is not told when the target's call is interrupted by
//     a signal: the notification just becomes invalid (and with SA_RESTART
//     the call is restarted as a new notification, with a new id). A
//     handler that emulates a blocking call should poll Request.Valid (or
//     its context) to give up, and release what it holds.
//   - Acting for the target lends it the supervisor's powers. An emulated
//     call runs with the supervisor's credentials: its user and group ids,
//     capabilities, security-module context, root directory and mount,
//     user and network namespaces, not the target's. A target that has
//     less of any of these (it ran a set-user-ID program or dropped
//     capabilities, it is confined by AppArmor or SELinux, it entered a
//     namespace where a directory is read-only) gets through the
//     supervisor what it could not do itself, unless the supervisor checks
//     (compare /proc/<tid>/status, /proc/<tid>/ns/*, /proc/<tid>/root and
//     /proc/<tid>/attr/current with its own, then Request.Valid) or takes
//     the target's identity for the operation. examples/notify does the
//     former.
//   - Precedence: a newer filter of the target that also returns
//     USER_NOTIF for the call wins over an older one, and its supervisor's
//     Continue overrides the older supervisor; any action of higher
//     precedence (KILL, TRAP, ERRNO) means the supervisor is never asked.
//     A supervisor is not a sandbox boundary on its own: pair it with a
//     filter that denies what must never run.
//
// # The target's side
//
// The target's thread sleeps until the answer: a slow supervisor blocks
// it, and a supervisor that never answers blocks it for ever. A signal
// interrupts the wait: the call is withdrawn and, with SA_RESTART (which
// the Go runtime uses), made again as a new notification; the Go
// runtime's own signals do that to Go targets now and then.
// seccomp.FlagWaitKillableRecv among the install's flags (Linux 5.19)
// makes a target ignore non-fatal signals once its notification has been
// received, so that a handler's work is not thrown away. When every copy
// of the listener is closed, pending and later notified calls fail with
// ENOSYS. The Go runtime of a Go target makes system calls of its own on
// every thread: a filter that sends futex, mmap or rt_sigreturn to a
// supervisor in the same process deadlocks it. Notify only the calls the
// supervisor is there for.
//
// Everything but the types needs Linux; elsewhere the functions return
// errors wrapping errors.ErrUnsupported.
package notify
