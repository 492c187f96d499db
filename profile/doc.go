// Package profile reads and writes seccomp profiles in JSON, the OCI
// runtime-spec LinuxSeccomp object and Docker's superset of it, and turns
// them into a seccomp.Filter that means what the profile means to runc and
// crun, which hand it to libseccomp. Docker's default profile is embedded
// (Default).
//
// # Formats
//
// Seccomp is the OCI object: defaultAction, defaultErrnoRet,
// architectures (SCMP_ARCH_* names), flags, listenerPath and
// listenerMetadata (kept as they are, for whoever sets up notification),
// and syscalls: entries of names, an action, an errnoRet and args (index,
// value, valueTwo, op). ParseOCI reads it and Seccomp.Marshal writes it
// back.
//
// Docker is Docker's format (github.com/moby/profiles/seccomp): the OCI
// fields plus archMap (a native arch and its sub-arches) and, per entry,
// the older single name, a comment, and includes and excludes (Selector)
// by capabilities, arches and minKernel. Podman's format is Docker's with
// errno names (errno, defaultErrno), which Resolve honours as Podman does
// on the arches whose errnos are asm-generic's: a name is that number
// whatever the target (EDEADLK is 35, ENOSYS 38), where Podman on mips or
// parisc would give that arch's own (ENOSYS is 89 and 251 there); give
// such a profile numbers.
// Parse reads any of them (the OCI one is a subset) and Docker.Format tells
// which it is. Fields no format has are ignored, as runc and crun ignore
// them, with a warning.
//
// A profile means what Go's encoding/json, which runc, Docker and Podman
// read profiles with, makes of it: keys match field names without regard
// to case, and a field given twice takes its last value (a later object
// merged into the earlier one), with a warning (WarnDuplicateField), since
// a reviewer reads the first. A whole OCI runtime config (config.json) is
// read as the profile under linux.seccomp; JSON that is not an object, and
// the formats that are recognized as something else (a Firecracker filter,
// a Kubernetes object), get an error that says what they are.
//
// # From Docker's format to OCI's
//
// Docker.Resolve applies moby's rules for a target arch (Options.Arch), a
// capability set (Options.Caps, by default DefaultCaps, Docker's default
// set) and a kernel version (Options.Kernel, by default the running
// kernel, read only if an entry has a minKernel; off Linux it must be
// given):
//
//   - architectures come from the archMap entry of the target arch (the
//     target and its sub-arches); a profile may give architectures or
//     archMap, not both;
//   - an entry is dropped when its excludes match: the target arch among
//     its arches (libseccomp's names: amd64, x86, x32, arm64, arm, riscv64,
//     ...; only the target's own name counts, not its sub-arches'), any of
//     its caps in the set, or a kernel at least its minKernel;
//   - an entry is kept only when its includes all match: the target among
//     its arches, every one of its caps in the set, a kernel at least its
//     minKernel;
//   - a profile with neither defaultAction nor syscalls means "no filter"
//     to Docker: an error here.
//
// # From a profile to a filter
//
// Seccomp.Build resolves an OCI profile for the target arch the way runc
// and crun do through libseccomp:
//
//   - Actions: SCMP_ACT_KILL and SCMP_ACT_KILL_THREAD are KILL_THREAD,
//     SCMP_ACT_KILL_PROCESS is KILL_PROCESS, SCMP_ACT_TRAP is TRAP(0),
//     SCMP_ACT_ERRNO and SCMP_ACT_TRACE carry errnoRet (EPERM when absent;
//     at most 4094 for ERRNO, as libseccomp refuses 4095, and 65535 for
//     TRACE), SCMP_ACT_LOG, SCMP_ACT_ALLOW,
//     and SCMP_ACT_NOTIFY is USER_NOTIF. defaultErrnoRet applies to the
//     default action only. errnoRet on another action is an error (the OCI
//     spec says a runtime must fail; runc ignores it). SCMP_ACT_NOTIFY is
//     refused as the default action and for write, as runc refuses it, and
//     it adds the NEW_LISTENER flag to Result.Flags.
//   - An entry whose action (errno included) equals the default action is
//     dropped.
//   - Names are resolved on each arch the filter covers; a name an arch
//     does not have is skipped there (WarnSyscallNotOnArch), and a name no
//     covered arch has is skipped (WarnUnknownSyscall): libseccomp skips
//     them alike, and runc ignores names libseccomp does not know.
//   - The conditions of an entry are ANDed; but when an argument index
//     repeats in one entry, each condition becomes a rule of its own
//     (ORed), as runc and crun do (libseccomp takes one condition per
//     argument). SCMP_CMP_MASKED_EQ takes the mask in value and the datum
//     in valueTwo and compares (arg & mask) == (datum & mask), as
//     libseccomp does; the other operators ignore valueTwo (with a warning
//     when it is set). On 32-bit arches (i386, arm, mips o32, ppc, s390,
//     parisc, m68k, sh) and on x32 and mips n32 (the arches whose
//     Arch.WordSize is 32) only the low 32 bits of arguments and values
//     count, as in libseccomp: the
//     conditions are 32-bit ones (seccomp.Cond.Width32), whose meaning is
//     the same in the Filter API. A value that does not fit in 32 bits is
//     cut there (arg2 <= 0x100000005 means arg2 <= 5, as under runc),
//     with a warning (WarnValueWidth). The Filter API gives a 64-bit
//     condition on i386, arm and the other 32-bit ABIs the meaning of the
//     zero-extended argument instead, and compares x32's and n32's full
//     registers: write such rules with
//     seccomp.Arg32 to mean what a profile means.
//   - For one system call named by several entries, the first
//     unconditional entry decides it and beats every conditional one,
//     before it or after it, as in libseccomp. Conditional rules that
//     overlap with different actions are resolved in libseccomp's order
//     (seccomp.ResolveLibseccomp): libseccomp merges a call's rules into a
//     tree of comparisons whose first matching branch decides, in an order
//     defined by the comparisons (higher argument index first; on one
//     argument EQ, NE and MASKED_EQ, then LT and LE from the smallest
//     bound, then GT and GE from the largest), not by the actions or the
//     order of the entries. So with entries "arg2 > 128: ERRNO(5)" and
//     "arg2 > 4096: ERRNO(10)", read(4, buf, 8000) fails with ERRNO(10),
//     as under runc. A conditional rule that extends an earlier one with
//     the same action is dropped, as in libseccomp. The profiles
//     libseccomp refuses (EEXIST: the same conditions with different
//     actions, and the other overlaps its tree cannot represent) are an
//     error naming the entry, as runc fails on them.
//     Options.StricterWins resolves such overlaps by the stricter action
//     instead (seccomp.ResolveStricter: the action the kernel ranks first,
//     KILL_PROCESS, KILL_THREAD, TRAP, ERRNO, USER_NOTIF, TRACE, LOG,
//     ALLOW, the lowest errno between two ERRNOs), whatever the order;
//     then only the same conditions with different actions are an
//     error.
//   - A rule whose conditions no call can meet (arg0 < 0) is kept with a
//     warning: it never matches, but libseccomp keeps it in its tree, where
//     it takes part in merging the other rules. With StricterWins it is
//     skipped.
//   - Arches: the filter covers the target arch and every arch the profile
//     lists (every SCMP_ARCH_* name has a table here: seccomp.Arches) whose
//     byte order is the target's. libseccomp cannot mix byte orders in one
//     filter (runc fails on a profile that does, EDOM): an arch of the
//     other byte order (s390x in a profile compiled for x86_64) is skipped
//     with WarnArchSkipped, and so is SCMP_ARCH_RISCV32, which has no table
//     here; calls from them get the bad-arch action, as from any arch not
//     listed. An unknown name is an error.
//   - Multiplexed calls: on the arches that have socketcall(2) and ipc(2)
//     (i386, mips o32, ppc, ppc64, ppc64le, s390, s390x, m68k, sh), a rule
//     on a socket call (socket, connect, ...) or a System V IPC call
//     (semop, shmget, ...) applies to the multiplexer too, as libseccomp
//     applies it (seccomp.Filter.SetMultiplexing in libseccomp's
//     resolution): a rule on socketcall whose first argument is the call's
//     number (SYS_SOCKET, ...), with the entry's condition on argument 0
//     dropped and its conditions on the other arguments kept, although
//     they then compare socketcall's own arguments. So an entry that
//     allows socket for every family but AF_VSOCK allows
//     socketcall(SYS_SOCKET, ...) for every family, as under runc: the
//     arguments of a multiplexed call are in memory, out of a filter's
//     reach. With Options.StricterWins a multiplexed call gets the
//     strictest action its direct call can get instead (never more than
//     the direct call allows). A name the arch lacks but its multiplexer
//     makes (semop on ppc64) applies through the multiplexer alone.
//   - Calls from arches the filter does not cover get KILL_THREAD, whatever
//     the default action: libseccomp's bad-arch action, which neither runc
//     nor crun changes (Options.BadArchAction changes it). On x86_64, x32
//     calls (numbers with the x32 bit) are such calls unless
//     SCMP_ARCH_X32 is covered, except number -1 (what a tracer sets to
//     skip a call), which gets the default action as in libseccomp's
//     programs (seccomp.Filter.SetNrMinusOneDefault).
//   - Options.ENOSYSAboveHighest adds runc's stub (runc, and only runc,
//     prepends it to libseccomp's program): on each covered arch, a call
//     whose number is above the highest number of any name in the profile
//     (any entry, whatever its action) gets ERRNO(ENOSYS), unless the
//     default action is ALLOW, LOG or TRACE. On x86_64 it tells x32 calls
//     by the x32 bit, as runc does. runc makes the stub for the arches the
//     profile lists; here it covers the target arch too, which a profile
//     without architectures would otherwise leave out.
//   - Options.ENOSYSAfterKernel gives the system calls that the kernel the
//     profile is resolved for lacks ERRNO(ENOSYS) unless an entry decides
//     them: those Linux added after that release on their arch, by the
//     syscall tables' dates (seccomp.Filter.SetENOSYSAfter). It is the
//     kernel Docker's minKernel looks at (Options.Kernel, or the running
//     one), so one release decides both which entries apply and which
//     calls do not exist yet. Neither runc nor crun does this.
//   - Errors name the entry and the field (*Error): unknown action,
//     operator, flag or architecture, argument index above 5, errnoRet out
//     of range, malformed JSON. Every error is reported at once, and
//     nothing is built from a profile with an error. Errors and warnings
//     name the entry as the file numbers it (syscalls[3].names[1]), even
//     when includes and excludes left out entries before it, and prefix
//     the path with linux.seccomp for a whole config.json.
//
// Result.Compile compiles the filter (and the stub); Result.Evaluate gives
// its decision for one call without BPF.
//
// # Differences from libseccomp
//
// The filter means the same as the program libseccomp 2.5 generates for
// the profile as runc adds it (with runc's stub when it is on), with the
// differences below. The bench module checks this with libseccomp through
// cgo: random profiles and calls, and Docker's default profile on every
// system call number and argument rule; it counts each difference.
//
//   - With Options.StricterWins, conditional rules of one system call that
//     overlap with different actions mean the stricter action, not what
//     libseccomp's order gives (see above), and the overlapping profiles
//     libseccomp refuses are accepted (but for the same conditions with
//     different actions). Without it they mean what they mean to
//     libseccomp.
//   - libseccomp merges the rules of a system call on the ABIs that lack
//     it too (under a pseudo number, left out of its program), and may
//     refuse conflicting ones there (EEXIST); here they are skipped on
//     those ABIs (WarnSyscallNotOnArch), and the profile is accepted.
//   - libseccomp 2.5.4 does not know the direct socket calls of i386
//     (numbers 359 to 373): a rule on socket applies to socketcall only
//     there, where here (as in libseccomp 2.6) it applies to both.
//   - The tables: system calls newer than libseccomp's tables (uretprobe,
//     statmount, listmount, mseal, the *xattrat calls for 2.5.4) are
//     compiled here, where runc ignores them (libseccomp 2.5.4 lacks more;
//     the bench module lists them). The ARM-private calls (breakpoint,
//     cacheflush, usr26, usr32, set_tls, get_tls) are in the arm table, as
//     in libseccomp's; recv and send, which libseccomp knows on x86 only
//     through socketcall, apply through socketcall here too.
//   - Checks: errnoRet on an action that takes none is an error (the OCI
//     spec says a runtime must fail; runc ignores it), and so is anything
//     wrong in an entry whose action equals the default action (runc drops
//     the entry before it looks at it).
//   - libseccomp 2.5.4 has bugs that the differential tests meet and
//     count: rules lost or garbled when merged (its program then answers
//     what its rules, compiled one at a time, do not say), comparisons made
//     on the wrong half of an argument (a missing reload of the
//     accumulator), and programs that compare the arch token with system
//     call numbers (a missing load of the number, when the arch has no
//     system call of the highest priority). The filters here have none of
//     them.
//
// What is the same and may surprise: libseccomp takes x32 for a 32-bit
// ABI, so its rules compare only the low 32 bits of arguments on x32,
// although x32 calls pass 64-bit registers, and so do the filters here
// (32-bit conditions; a rule that checks a length or a pointer does not see
// the high half there); SCMP_CMP_MASKED_EQ with a mask that has no bits
// in the half an arch compares always holds and is dropped, which can make
// a rule unconditional on the arches whose word is 32 bits only (i386,
// arm, x32, ...); libseccomp refuses an
// ERRNO of 4095, so the largest errnoRet is 4094.
package profile
