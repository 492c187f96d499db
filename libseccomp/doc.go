// Package seccomp is a drop-in for github.com/seccomp/libseccomp-golang
// v0.11, in pure Go: the same names, types, constant values, methods,
// errors and behaviour, built on this module's Filter, compiler, installer
// and user-notification code instead of libseccomp through cgo. A program
// switches by changing one import path, and then builds with CGO_ENABLED=0,
// statically, for any GOOS and GOARCH, with no libseccomp at build or run
// time.
//
// # Migrating
//
// Change the import path; the package name is seccomp in both:
//
//	import seccomp "github.com/seccomp/libseccomp-golang"    // before
//	import seccomp "github.com/seccomp-go/seccomp/libseccomp" // after
//
// (A file that also imports this module's own package, also named seccomp,
// imports one of them under another name.) Nothing else changes: a
// container runtime that builds a filter from a profile, rule by rule, and
// loads it, works as it did; see the examples. What is different is below
// ("Differences"), and is mostly about libseccomp's bugs, which are not
// reproduced.
//
// # What it does
//
// A filter keeps, for each ABI it covers, the rules added to it, merged as
// libseccomp merges them: into a tree of comparisons per system call
// (internal/ruletree), whose first matching branch decides. So rules of a
// system call that overlap mean what they mean under libseccomp, in its
// order, which is defined by the comparisons rather than by the actions or
// the order the rules were added in: with "arg2 > 128 → ERRNO(5)" and
// "arg2 > 4096 → ERRNO(10)", read(fd, buf, 8000) fails with ERRNO(10). The
// errors of AddRule are libseccomp's, in libseccomp-golang's words (EEXIST
// where the tree cannot hold a rule, EDOM, "two checks on same syscall
// argument" for every EINVAL, ...), and a rule refused changes nothing.
// ExportPFC writes the trees as libseccomp's seccomp_export_pfc does, byte
// for byte (checked against libseccomp on random filters).
//
// The program (ExportBPF, Load) is this module's: the filter's rules go to
// a seccomp.Filter that resolves them as libseccomp does
// (seccomp.ResolveLibseccomp) and compiles them. It decides every call as
// libseccomp's trees say, and is laid out its own way (usually much
// shorter than libseccomp's). Load installs it with seccomp.Install or
// seccomp.InstallListener, with the flags the attributes ask for, after
// checking everything the kernel would refuse.
//
// The API level (GetAPI) is computed as libseccomp 2.6 computes it, from
// what the running kernel supports, each feature asked of the kernel (never
// inferred from its version): 1 for filters without seccomp(2), 2 with
// TSYNC, 3 with LOG and KILL_PROCESS, 4 with SPEC_ALLOW, 5 with user
// notification, 6 with TSYNC_ESRCH, 7 with WAIT_KILLABLE_RECV. The
// functions that need a level check it as libseccomp-golang does and return
// a *VersionError below it. GetLibraryVersion reports 2.6.0, the
// libseccomp release whose API this package provides in full: callers that
// gate features on the version (libseccomp-golang itself: ActLog and the
// log bit from 2.4.0; SSB, optimization, raw return codes and notification
// from 2.5.0; wait-killable notifications, Precompute, transactions and
// ExportBPFMem from 2.6.0) find them all; what the kernel supports is
// GetAPI's to say. runc gates notification on GetAPI (level 6) and reports
// the version as the libseccomp version in its features.
//
// Every ABI libseccomp-golang names is supported: this module has a
// syscall table for each, big-endian ones included (mips, ppc64, s390x,
// ...). As in libseccomp, the ABIs of one filter share a byte order:
// AddArch of an ABI of the other order returns EDOM, so a filter for
// s390x built on an amd64 machine starts with RemoveArch(ArchNative).
// Its exported program is in that byte order, as libseccomp's is.
//
// # What is the same, and may surprise
//
// These are libseccomp's behaviour, reproduced:
//
//   - A masked-equal condition compares the argument masked with the value
//     masked: MakeCondition(0, CompareMaskedEqual, 0xff00, 1000) holds for
//     the arguments whose bits 8 to 15 are those of 1000 & 0xff00. A
//     masked-equal whose mask has no bit in the words compared holds
//     always: it is dropped, and may make a rule unconditional on 32-bit
//     ABIs only.
//   - On 32-bit ABIs and on x32, conditions compare the low 32 bits of
//     arguments and values.
//   - Rules are added to the ABIs the filter covers when they are added:
//     AddArch after AddRule gives the new ABI none of the rules before it.
//     A rule's system call number is the native ABI's (GetSyscallFromName);
//     it is translated by name for the other ABIs, where a call an ABI lacks
//     is skipped (AddRuleExact refuses it: EDOM). On the native ABI the
//     number is taken as given, known or not.
//   - A call the native ABI lacks has a negative number (a pseudo number),
//     which names it for the ABIs that have it.
//   - Overlapping rules of one call: the order described above; an
//     unconditional rule replaces the call's conditional rules, and once a
//     call has one, later rules of the call change nothing; a rule that
//     extends an earlier one is dropped when the earlier one decides alone
//     (or refused, EEXIST, when it has another action); rules no call can
//     match still take part in the merging. Where libseccomp's merge gives
//     two branches of one comparison a shared continuation, another rule
//     merged into one branch is reached from the other too, and a call can
//     get the action of a rule whose conditions it does not meet; this is
//     reproduced as well (a filter here decides what it decides under
//     libseccomp-golang).
//   - On x86, a rule for a socket or SysV IPC call applies to the call and
//     to its multiplexer (socketcall, ipc) with the call's number as first
//     argument, replacing any condition on that argument, as libseccomp 2.6
//     does; GetSyscallFromNameByArch gives such calls libseccomp's fixed
//     pseudo numbers on x86 (socket is -101).
//   - NewFilter turns TSYNC on, and Reset turns it off (seccomp_reset
//     restores every attribute's default). At API level 1 (a kernel
//     without seccomp(2), or SetAPI(1)) there is no TSYNC: NewFilter
//     leaves it off, and Load filters the calling thread only, as
//     libseccomp does; the program's other threads run unfiltered.
//   - The user-notification listener is the process's, as in libseccomp:
//     the first filter loaded with an ActNotify rule gets it, and
//     GetNotifFd returns it from any filter (-14, -EFAULT, before; -22,
//     -EINVAL, from a filter that covers no ABI, with a nil error, as
//     libseccomp-golang passes libseccomp's return on).
//   - Load returns ECANCELED when the kernel refuses the filter (its errno
//     with SetRawRC), ESRCH when a thread cannot be synchronized.
//
// # Differences
//
// Every difference from libseccomp-golang v0.11 on libseccomp 2.5 and 2.6
// that is known (bench/compat_test.go finds those of its random calls):
//
//   - Syscall tables: this module's, newer than libseccomp's (calls such as
//     uretprobe, mseal or listmount are known here, and direct socket calls
//     on x86 unknown to libseccomp 2.5.4); libseccomp's pseudo-calls
//     without a kernel number anywhere (send and recv on most ABIs) are
//     unknown (ErrSyscallDoesNotExist).
//   - Pseudo numbers of calls an ABI lacks are -10001, -10002, ... in the
//     order of the names of all tables, not libseccomp's values (but for
//     x86's multiplexed calls, which are libseccomp's).
//   - The program is this module's (see above): ExportBPF writes other
//     instructions than libseccomp, deciding the same. SetOptimize and
//     SetSyscallPriority change only ExportPFC's layout, which follows
//     libseccomp's (by priority, or a binary tree); priority hints also
//     become the hot system calls of the program's layout
//     (seccomp.Filter.SetHotSyscalls).
//   - libseccomp 2.5.4's program bugs are not reproduced: comparisons on
//     the wrong half of an argument (a missing reload of the accumulator)
//     and comparisons of the arch token with system call numbers (a missing
//     load of the number). The program decides what the trees (ExportPFC)
//     say.
//   - A rule whose merge makes libseccomp's tree loop (a comparison linked
//     into a level it is already on): libseccomp 2.5 and 2.6 never return
//     from seccomp_rule_add; AddRule returns ELOOP here, and the filter is
//     unchanged.
//   - After AddArch, RemoveArch or Merge, a rule libseccomp refuses makes
//     it restore the ABIs of a stale snapshot (its state at the last rule
//     added): the ABI added since is dropped, or the one removed comes back
//     with its rules (and libseccomp 2.5.4 may crash adding a rule after
//     RemoveArch). Here a refused rule changes nothing.
//   - Transactions restore the rules and ABIs of TransactionStart (without
//     priority hints, as libseccomp). TransactionReject without a
//     transaction does nothing.
//   - A filter whose program is longer than the kernel takes (4096
//     instructions): Precompute, ExportBPF, ExportBPFMem and Load return
//     ECANCELED (EINVAL with SetRawRC); libseccomp exports such a program,
//     and the kernel refuses it at load.
//   - Load checks everything it can before changing the kernel (the
//     program, the flags, the privileges), and a Load with TSYNC that fails
//     leaves no_new_privs as it was; libseccomp sets no_new_privs first and
//     leaves it set when the kernel then refuses the filter. The errors are
//     the same.
//   - NotifReceive skips a notification whose caller went away before it
//     was received (libseccomp returns ENOENT, and callers receive again);
//     on a listener no process uses any more it returns ECANCELED
//     (libseccomp's receive blocks).
//   - NotifRespond refuses, with ECANCELED, an Error that is not an errno
//     (below 0 or above 4095), which the kernel would pass on as the call's
//     return value.
//   - ExportPFC and ExportBPF write at the file's offset; libseccomp writes
//     through fdopen(fd, "a"), which sets O_APPEND on the descriptor.
//   - GetAPI reaches 7 where the kernel has WAIT_KILLABLE_RECV (libseccomp
//     2.5 stops at 6), and the levels are asked of the kernel when first
//     needed, not when the package is loaded.
//   - There is no C memory to free: Release only makes the filter
//     unusable, and no finalizer is set.
package seccomp
