package seccomp

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	scmp "github.com/seccomp-go/seccomp"
)

// Pseudo numbers. libseccomp gives every system call name it knows a
// number on every ABI: the real one, or a negative "pseudo" number where
// the ABI lacks the call, so that a rule for a name can be added to a
// filter covering several ABIs and apply where the call exists. Here the
// pseudo numbers are -10001, -10002, ... in the order of the names of all
// the tables (their values differ from libseccomp's).
const pseudoBase = -10000

var allNames = sync.OnceValue(func() []string {
	var names []string
	for _, a := range scmp.Arches() {
		names = append(names, a.Syscalls()...)
	}
	slices.Sort(names)
	return slices.Compact(names)
})

func pseudoOf(name string) (int32, bool) {
	if i, ok := slices.BinarySearch(allNames(), name); ok {
		return int32(pseudoBase - 1 - i), true
	}
	return 0, false
}

func pseudoName(nr int32) (string, bool) {
	i := int(pseudoBase - 1 - nr)
	if nr >= 0 || i < 0 || i >= len(allNames()) {
		return "", false
	}
	return allNames()[i], true
}

// number returns the number of the named call on the ABI: its own, or a
// pseudo number when the ABI lacks it, and false for a name no table knows.
func (i *archInfo) number(name string) (int32, bool) {
	if i.multiplexes() {
		if nr, ok := muxPseudo(name); ok {
			return nr, true // libseccomp's number for a multiplexed call
		}
	}
	if nr, ok := i.table().Syscall(name); ok {
		return nr, true
	}
	return pseudoOf(name)
}

// name returns the name of call nr on the ABI (a pseudo number's name for
// a negative number). On x32, numbers are taken with or without the x32
// bit, as libseccomp takes them.
func (i *archInfo) callName(nr int32) (string, bool) {
	if nr < 0 {
		if n, ok := muxName(nr); ok && i.multiplexes() {
			return n, true
		}
		return pseudoName(nr)
	}
	if i.arch == ArchX32 {
		nr |= scmp.X32SyscallBit
	}
	return i.table().SyscallName(nr)
}

// GetName returns the name of the system call on the native ABI.
func (s ScmpSyscall) GetName() (string, error) {
	return s.GetNameByArch(ArchNative)
}

// GetNameByArch returns the name of the system call on an ABI, or
// ErrSyscallDoesNotExist.
func (s ScmpSyscall) GetNameByArch(arch ScmpArch) (string, error) {
	i, err := resolve(arch)
	if err != nil {
		return "", err
	}
	if n, ok := i.callName(int32(s)); ok {
		return n, nil
	}
	return "", ErrSyscallDoesNotExist
}

// GetSyscallFromName returns the number of the named system call on the
// native ABI: a negative pseudo number when the native ABI lacks it but
// another ABI has it (a rule for it then applies on the ABIs that have
// it), ErrSyscallDoesNotExist when no ABI has it.
func GetSyscallFromName(name string) (ScmpSyscall, error) {
	i, err := native()
	if err != nil || i.table() == nil {
		return 0, ErrSyscallDoesNotExist
	}
	nr, ok := i.number(name)
	if !ok {
		return 0, ErrSyscallDoesNotExist
	}
	return ScmpSyscall(nr), nil
}

// GetSyscallFromNameByArch returns the number of the named system call on
// an ABI, as GetSyscallFromName does on the native ABI.
func GetSyscallFromNameByArch(name string, arch ScmpArch) (ScmpSyscall, error) {
	i, err := resolve(arch)
	if err != nil {
		return 0, err
	}
	nr, ok := i.number(name)
	if !ok {
		return 0, ErrSyscallDoesNotExist
	}
	return ScmpSyscall(nr), nil
}

// MakeCondition returns the condition "argument arg compares by comparison
// with values[0]"; CompareMaskedEqual takes the mask in values[0] and the
// value in values[1] (the argument masked equals the value masked). arg is
// 0 to 5; one or two values must be given.
func MakeCondition(arg uint, comparison ScmpCompareOp, values ...uint64) (ScmpCondition, error) {
	var c ScmpCondition
	if err := sanitizeCompareOp(comparison); err != nil {
		return c, err
	} else if arg > 5 {
		return c, fmt.Errorf("syscalls only have up to 6 arguments (%d given)", arg)
	} else if len(values) > 2 {
		return c, fmt.Errorf("conditions can have at most 2 arguments (%d given)", len(values))
	} else if len(values) == 0 {
		return c, errors.New("must provide at least one value to compare against")
	}
	c.Argument = arg
	c.Op = comparison
	c.Operand1 = values[0]
	if len(values) == 2 {
		c.Operand2 = values[1]
	}
	return c, nil
}
