package seccomp

import (
	"errors"
	"fmt"
)

// Arch is a system call ABI a filter can cover: its audit arch token and its
// syscall table. x32 is an ABI of its own: it shares AuditArchX86_64 with
// x86_64, and its numbers carry X32SyscallBit.
type Arch struct {
	Name      string    // kernel name: x86_64, i386, x32, aarch64, arm, riscv64
	AuditArch AuditArch // seccomp_data.arch of its calls
	table     syscallTable
}

type syscallTable interface {
	Number(name string) (int32, bool)
	Name(nr int32) (string, bool)
}

// ErrNoNativeArch is returned by NativeArch on a GOARCH that has no syscall
// table here.
var ErrNoNativeArch = errors.New("seccomp: no native arch for this GOARCH")

// Syscall returns the number of the named system call on a, as seccomp
// sees it (with X32SyscallBit for x32).
func (a *Arch) Syscall(name string) (int32, bool) { return a.table.Number(name) }

// SyscallName returns the name of system call nr on a.
func (a *Arch) SyscallName(nr int32) (string, bool) { return a.table.Name(nr) }

func (a *Arch) String() string { return a.Name }

// LookupArch returns the arch with the given kernel name (x86_64, i386, x32,
// aarch64, arm, riscv64) or Go name (amd64, 386, arm64).
func LookupArch(name string) (*Arch, error) {
	for _, a := range Arches() {
		if a.Name == name {
			return a, nil
		}
	}
	return nil, fmt.Errorf("seccomp: unknown arch %q", name)
}

// Arches returns every arch with a syscall table.
func Arches() []*Arch { return nil } // TODO(tables): being written.

// NativeArch returns the arch of the running program, or ErrNoNativeArch.
func NativeArch() (*Arch, error) {
	if nativeArch == nil {
		return nil, ErrNoNativeArch
	}
	return nativeArch, nil
}

var nativeArch *Arch
