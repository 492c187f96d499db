// Package bench holds the tests that compare this module with libseccomp,
// through cgo, and with gVisor's pkg/seccomp: a module of its own, so that
// the library stays pure Go.
//
// It needs a C compiler and libseccomp's headers and library (Debian's
// libseccomp-dev; .ci/run installs it). Without cgo the package builds but
// has nothing to test. gVisor's pkg/seccomp builds programs only for the
// arch it is compiled for, so its x86_64 comparison runs on linux/amd64
// only (gvisor.go; gvisor_other.go elsewhere).
//
// The tests:
//
//   - TestDifferentialRandom: random OCI profiles and random calls,
//     compiled by package profile and by libseccomp (the way runc adds the
//     rules), both programs run in seccomp.Emulator: the same decisions,
//     except the documented differences of package profile and libseccomp
//     2.5.4's program bugs, which are counted and logged.
//   - TestCompatDifferential: random sequences of calls (filters, ABIs,
//     attributes, priorities, rules with overlapping and invalid
//     conditions, Reset, Merge) made on libseccomp-golang v0.11 and on
//     package libseccomp, its drop-in: the same result for every call
//     (errors compared by errno, type or message), the same pseudo filter
//     code (ExportPFC, byte for byte), and programs that decide the same
//     for random calls of every ABI both have, except where libseccomp
//     2.5.4's program contradicts its own tree (its accumulator bugs,
//     counted). Sequences stop where libseccomp would loop for ever
//     (package libseccomp says ELOOP) or restore a stale snapshot after a
//     change of ABIs (documented differences), and never remove an ABI
//     after a rule (libseccomp 2.5.4 may crash).
//   - TestDockerDefaultAgainstLibseccomp: Docker's default profile
//     resolved for every arch libseccomp knows (2.5.4: all but
//     loongarch64, m68k, sh and sheb), each with its archMap sub-arches:
//     the same decisions for every system call number of each arch (arm's
//     private calls 0xf0001 ... included), every call through socketcall
//     and ipc, and every argument rule at the edges of its values, but for
//     the names one table lacks, which are listed. libseccomp 2.5.4
//     builds big-endian programs on a little-endian host with some return
//     values byte-swapped (those of the default action and of
//     unconditional rules); the test puts them back (Ctx.Export).
//   - TestTablesAgainstLibseccomp: every arch's table against
//     libseccomp's, both ways (name to number and number to name): no
//     number differs; the calls libseccomp 2.5.4 lacks (those newer than
//     its tables) are listed, and the one number it names that the
//     kernel's tables do not have (parisc64's _llseek).
//   - TestSpecialCallsAgainstLibseccomp: per arch, a profile allowing the
//     calls issue 14 found wrong or missing (arm's private calls and
//     sync_file_range2, x32's uprobe and calls from 463 on, the socket
//     and IPC calls, some under conditions) decides as libseccomp's
//     program for every number, every multiplexed call and the
//     conditions' edges, where libseccomp knows the call (the names it
//     lacks are listed).
//   - TestOverlapResearch: what libseccomp does with conditional rules of
//     one system call that overlap with different actions, pinned next to
//     what package profile does by default (the same) and with
//     StricterWins.
//   - TestResolveAgainstMoby: package profile's Docker resolution against
//     github.com/moby/profiles/seccomp's, on Docker's default profile and
//     random Docker profiles (for the arch the test runs on, which is all
//     moby can resolve for).
//   - TestLayoutTable: the side-by-side table of BENCHMARKS.md, for
//     Docker's default profile resolved for amd64: instructions, paths run
//     in the emulator, argument-free allows on a path the kernel's action
//     cache accepts, compile time (with -v or SECCOMP_LAYOUT_TIMES=1), for
//     this module, libseccomp (default layout and binary tree) and gVisor's
//     pkg/seccomp (x86_64 only); every program checked against the
//     profile's meaning on every x86_64 call measured.
//   - TestGVisorAgainstEvaluate: the program gVisor's pkg/seccomp builds
//     from the same resolved profile's x86_64 rules decides as the profile
//     means on every x86_64 number and every x86_64 argument rule at the
//     edges of its values; the i386 and x32 calls it cannot allow (it
//     covers x86_64 only) are pinned: the bad-arch action and the default.
//   - TestKernelBenchChildWorks: the kernel benchmarks' child processes,
//     run with few calls, one per peer (this module, libseccomp's default
//     layout and binary tree, gVisor, no filter) and one with every peer
//     on a thread of its own: under each program getpid and
//     personality(0xffffffff) return what they return unfiltered and
//     umount2 fails with EPERM (EINVAL unfiltered); each program decides
//     the three calls as Docker's default profile does in the emulator.
//
// The benchmarks (go test -run '^$' -bench BenchmarkKernel; kernel_test.go):
//
//   - BenchmarkKernelDocker and BenchmarkKernelDockerThreads: the kernel's
//     cost of an unconditional allow (getpid, which the action cache
//     answers), an argument-checked allow (personality(0xffffffff)) and a
//     denied call (umount2) under each peer's program for Docker's default
//     profile, against no filter, with our program twice as a control;
//     each program installed in a child process only, peers interleaved in
//     one run: a child per peer in rotated rounds, or one child per round
//     with every peer on its own thread taking turns block by block.
//
// peersuite.sh, not run by CI (it needs the module proxy and root), runs
// the peers' own tests against package libseccomp in a temporary
// directory: libseccomp-golang's seccomp_test.go (v0.11.1 and v0.12.0),
// from outside the package and inside it, and runc's libcontainer/seccomp
// and specconv tests with libseccomp-golang replaced by a module that
// re-exports package libseccomp; with BUSYBOX set to a static busybox,
// also runc's TestSeccomp integration tests and its seccomp bats files.
// The script's comment says which results are expected.
package bench
