package sysnum

import (
	"cmp"
	"slices"
	"sync"
)

// A Table is the syscall table of one kernel ABI. Tables are read-only and
// safe for concurrent use.
type Table struct {
	arch    string
	entries []entry // sorted by nr, strictly ascending; never empty

	once   sync.Once
	byName map[string]int32 // built on first use of Number
}

type entry struct {
	nr   int32
	name string
}

// Arch returns the kernel's name for the table's ABI, e.g. "x86_64".
func (t *Table) Arch() string { return t.arch }

// Number returns the number of the syscall called name, and whether the table
// has it.
func (t *Table) Number(name string) (int32, bool) {
	t.once.Do(t.index)
	nr, ok := t.byName[name]
	return nr, ok
}

func (t *Table) index() {
	m := make(map[string]int32, len(t.entries))
	for _, e := range t.entries {
		m[e.name] = e.nr
	}
	t.byName = m
}

// Name returns the name of syscall nr, and whether the table has it.
func (t *Table) Name(nr int32) (string, bool) {
	i, ok := slices.BinarySearchFunc(t.entries, nr, func(e entry, nr int32) int {
		return cmp.Compare(e.nr, nr)
	})
	if !ok {
		return "", false
	}
	return t.entries[i].name, true
}

// Names returns a new slice of all syscall names, sorted by number.
func (t *Table) Names() []string {
	names := make([]string, len(t.entries))
	for i, e := range t.entries {
		names[i] = e.name
	}
	return names
}

// Len returns the number of syscalls in the table.
func (t *Table) Len() int { return len(t.entries) }

// Max returns the highest syscall number in the table; for x32 it includes
// the x32 bit.
func (t *Table) Max() int32 { return t.entries[len(t.entries)-1].nr }

// ByArch returns the table for a kernel arch name: "x86_64", "i386", "x32",
// "aarch64", "arm" or "riscv64". GOARCH names such as "amd64" are not
// accepted.
func ByArch(name string) (*Table, bool) {
	for _, t := range All() {
		if t.arch == name {
			return t, true
		}
	}
	return nil, false
}

// All returns every table in a fixed order: x86_64, i386, x32, aarch64, arm,
// riscv64. The slice is new on each call.
func All() []*Table {
	return []*Table{X86_64, I386, X32, AArch64, ARM, RISCV64}
}
