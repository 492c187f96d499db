// Package analyze recovers what a seccomp filter decides from its program
// alone, whoever wrote it: this module's compiler, libseccomp's
// seccomp_export_bpf, a hand-written program. On top of that it audits a
// filter for known weaknesses, compares two filters, and draws a program's
// control flow.
//
//   - Analyze returns a Report: for every arch the program covers and every
//     system call of that arch's table, the decisions the program takes
//     (ALLOW, ERRNO(1), ..., each with the conditions on the arguments
//     under which it is taken); the same for the numbers the table does not
//     have and for calls from arches the program does not accept; and
//     whether the kernel's action cache can serve each call.
//   - Audit returns findings with a severity: no arch check, x32 or i386
//     calls reachable, a call denied while a sibling that does the same is
//     allowed, KILL_THREAD as a default, allowed calls that lead out of a
//     sandbox, unreachable instructions, always-allowed calls the action
//     cache cannot serve, and, for a target kernel (Options.Kernel), the
//     allowed calls it lacks. Through socketcall and ipc a call is judged
//     by what the multiplexer decides for its number.
//   - Diff returns the calls, and the argument conditions, on which two
//     programs decide differently.
//   - Dot returns the control flow as a Graphviz graph.
//
// # How
//
// The program is executed symbolically. For an arch and a system call
// number, seccomp_data.nr and seccomp_data.arch are known and the other 14
// words (the halves of the instruction pointer and of the six arguments)
// are unknowns. A, X and the 16 scratch words hold symbolic values: a
// constant, a word of seccomp_data ANDed with a mask, or an expression
// computed from them by other arithmetic. A conditional jump on a constant
// goes one way; a jump comparing a word (or a masked word) with a constant
// forks, each way recording its condition (an "atom"), unless the
// conditions already recorded decide it; a jump on a computed value forks
// with a condition that is kept for evaluation but that the solver cannot
// read ("computed"). A return records the action and the conditions: a
// path. Numbers the arch's table lacks, in ranges, and calls whose arch
// token is none of the analyzed arches', are executed the same way with nr
// (and arch) unknown, within their range.
//
// Every condition is on one 32-bit word, and the words are independent, so
// a conjunction of conditions is satisfiable when the conditions on each
// word are. The solver decides that exactly by a search over the bits of
// the word, from the most significant, that prunes a branch as soon as one
// condition can hold for none of its values and remembers the states it
// found empty; it also finds the least and greatest solution.
//
// Paths become decisions by simplification, keeping the exact set of
// inputs at every step: the conditions on each word are made canonical
// (the least and greatest value replace the unmasked comparisons, and any
// condition the others imply is dropped), the two halves of a 64-bit
// argument are joined where the result is again a set of intervals or a
// mask (hi == 0 && lo < 3 is arg0 < 3), and paths with the same action are
// merged while they differ in one field whose conditions unite (two
// intervals, a mask and its negation, "a fails, or a holds and b fails").
// The decisions of a call partition its inputs: exactly one holds for any
// input, and it gives what the program returns (the tests check this
// against seccomp.Emulator on random programs and inputs).
//
// # Limits
//
//   - A call whose program has more than Options.MaxPaths paths (1024 by
//     default) is reported as too complex (Syscall.TooComplex), and so is
//     everything left when the work budget (Options.MaxWork) runs out; the
//     analysis never hangs. Report.Decide then answers false, and Audit
//     says what it could not check.
//   - Computed conditions are exact but not simplified, and the solver
//     cannot tell that two of them contradict each other, so a decision
//     may list an alternative no input meets. Programs compiled from
//     filters (this module's, libseccomp's) have none.
//   - The byte order of seccomp_data is the one the audit arch token names,
//     as in seccomp.Emulator.
//   - Audit knows the arches with syscall tables here (seccomp.Arches:
//     x86_64, x32, i386, aarch64, arm, riscv64, loongarch64, the mips,
//     ppc, s390, parisc, m68k and sh ABIs); its tables of sibling and
//     dangerous system calls are judgement, written down in tables.go.
package analyze
