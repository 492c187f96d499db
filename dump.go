package seccomp

import (
	"errors"
	"fmt"
	"slices"
)

// ErrDumpPrivilege is wrapped by the error of Dump when the kernel does not
// let the calling process read filters: that needs CAP_SYS_ADMIN (in the
// initial user namespace) and no seccomp filter or strict mode on the
// caller itself.
var ErrDumpPrivilege = errors.New("seccomp: reading another process's filters needs CAP_SYS_ADMIN and a reader without seccomp")

// ProcessFilters is what Dump read from a process: the seccomp state of
// each of its threads and the filters they have.
type ProcessFilters struct {
	Pid int
	// Threads are the process's threads, by thread id.
	Threads []ThreadFilters
	// Filters are the distinct filters of all the threads (see Dump for
	// when two threads share one), ordered by stack position, then by the
	// first thread that has them. A ThreadFilters.Stack points into it.
	Filters []*DumpedFilter
}

// ThreadFilters is the seccomp state of one thread.
type ThreadFilters struct {
	Tid int
	// Mode is the thread's seccomp mode, from the Seccomp field of
	// /proc/PID/task/TID/status: 0 none, 1 strict (only read, write,
	// _exit and sigreturn are allowed; there is no filter), 2 filter.
	Mode int
	// Count is the number of filters the kernel says the thread has (the
	// Seccomp_filters field, Linux 5.9), or -1 where it does not say.
	Count int
	// NoNewPrivs is the thread's no_new_privs bit.
	NoNewPrivs bool
	// Stack is the thread's filters, oldest first: Stack[0] was attached
	// first (by the thread or an ancestor), the last one most recently.
	// This is the kernel's numbering in PTRACE_SECCOMP_GET_FILTER, and the
	// order of a Stack; the kernel runs every filter of a call and takes
	// the strictest action, whatever their order.
	Stack []*DumpedFilter
}

// DumpedFilter is a filter as the kernel keeps it.
type DumpedFilter struct {
	// Program is the program as it was attached (the kernel keeps the
	// original, before its own rewriting).
	Program Program
	// Flags are the filter flags the kernel remembers for it: FlagLog is
	// the only one it reports (PTRACE_SECCOMP_GET_METADATA).
	Flags FilterFlag
	// Position is the filter's index in the stacks that hold it (0: the
	// oldest).
	Position int
	// Threads are the ids of the threads whose stacks hold it, ascending.
	Threads []int
}

// Dump reads the seccomp state of process pid: the mode, the filter count
// and no_new_privs of each thread from /proc/PID/task/TID/status, and the
// filters of each thread in filter mode, with their flags, through ptrace
// (PTRACE_SECCOMP_GET_FILTER and PTRACE_SECCOMP_GET_METADATA). A process
// without filters is not an error: its threads have Mode 0 (or 1, strict
// mode, which has no filter) and no Stack.
//
// The kernel lets a process read filters only if it has CAP_SYS_ADMIN and
// runs without seccomp itself (else the error wraps ErrDumpPrivilege), and
// only from threads it traces and that are stopped. Dump seizes each thread
// in filter mode (PTRACE_SEIZE), stops it (PTRACE_INTERRUPT), reads its
// filters and detaches it, re-delivering a signal the stop caught, all
// from one OS thread locked for the whole dump (ptrace is per thread).
// Whatever happens, every thread is detached before Dump returns, and left
// running, or stopped if a signal had stopped it before. The threads are
// stopped only while Dump reads them, all at the same time, so that the
// stacks are read as one state. A thread that exits during the dump is left
// out; a process that exits is an error wrapping os.ErrProcessDone. The
// caller cannot dump itself, nor a kernel thread, nor a process that is
// already traced (by a debugger, strace, or another dump: an error
// wrapping EPERM that says which process traces it).
//
// The kernel gives a filter no identity Dump could read, so which threads
// share a filter is decided by content: threads share the filter at
// position i when their stacks hold the same programs with the same flags
// at positions 0 to i. Filters attached once and inherited (or synced with
// TSYNC) are shown once this way; identical filters that threads attached
// each for itself, with identical ones before them, are shown once too,
// since nothing tells them apart.
//
// Dump is Linux-only; elsewhere it returns an error wrapping
// errors.ErrUnsupported.
func Dump(pid int) (*ProcessFilters, error) { return dump(pid) }

// threadStack is one thread's filters as read, before they are matched
// with the other threads'.
type threadStack struct {
	progs []Program
	flags []FilterFlag
}

// shareFilters fills the Stack of each thread from what was read (stacks,
// by thread index) and returns the distinct filters. Two threads share the
// filter at position i when their stacks are the same from position 0 to
// i: same programs, same flags.
func shareFilters(threads []ThreadFilters, stacks []threadStack) []*DumpedFilter {
	type key struct {
		parent int // index in all of the filter below, -1 at position 0
		flags  FilterFlag
		prog   string
	}
	index := map[key]int{}
	var all []*DumpedFilter
	for ti := range threads {
		parent := -1
		threads[ti].Stack = nil
		for pos, p := range stacks[ti].progs {
			raw, _ := p.MarshalBinary()
			k := key{parent, stacks[ti].flags[pos], string(raw)}
			i, ok := index[k]
			if !ok {
				i = len(all)
				index[k] = i
				all = append(all, &DumpedFilter{Program: p, Flags: k.flags, Position: pos})
			}
			f := all[i]
			f.Threads = append(f.Threads, threads[ti].Tid)
			threads[ti].Stack = append(threads[ti].Stack, f)
			parent = i
		}
	}
	for _, f := range all {
		slices.Sort(f.Threads)
	}
	slices.SortStableFunc(all, func(a, b *DumpedFilter) int {
		if a.Position != b.Position {
			return a.Position - b.Position
		}
		return a.Threads[0] - b.Threads[0]
	})
	return all
}

func dumpError(pid int, format string, a ...any) error {
	return fmt.Errorf("seccomp: dump of process %d: "+format, append([]any{pid}, a...)...)
}
