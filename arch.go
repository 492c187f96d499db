package seccomp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/seccomp-go/seccomp/internal/sysnum"
)

// Arch is a system call ABI a filter can cover: its audit arch token and its
// syscall table. x32 is an ABI of its own: it shares AuditArchX86_64 with
// x86_64, and its numbers carry X32SyscallBit.
//
// The tables are generated from pinned sources (see internal/sysnum) and are
// usable on every GOOS and GOARCH: a filter for arm64 can be built and
// emulated on amd64.
type Arch struct {
	// Name is the kernel's name: x86_64, i386, x32, aarch64, arm, riscv64.
	Name string
	// AuditArch is seccomp_data.arch for calls of this ABI.
	AuditArch AuditArch
	// GoArch is the GOARCH whose programs use this ABI natively, or "" (x32).
	GoArch string

	table *sysnum.Table
	order binary.ByteOrder
}

// The arches with syscall tables.
var (
	ArchX86_64  = &Arch{Name: "x86_64", AuditArch: AuditArchX86_64, GoArch: "amd64", table: sysnum.X86_64, order: binary.LittleEndian}
	ArchI386    = &Arch{Name: "i386", AuditArch: AuditArchI386, GoArch: "386", table: sysnum.I386, order: binary.LittleEndian}
	ArchX32     = &Arch{Name: "x32", AuditArch: AuditArchX86_64, table: sysnum.X32, order: binary.LittleEndian}
	ArchAArch64 = &Arch{Name: "aarch64", AuditArch: AuditArchAArch64, GoArch: "arm64", table: sysnum.AArch64, order: binary.LittleEndian}
	ArchARM     = &Arch{Name: "arm", AuditArch: AuditArchARM, GoArch: "arm", table: sysnum.ARM, order: binary.LittleEndian}
	ArchRISCV64 = &Arch{Name: "riscv64", AuditArch: AuditArchRISCV64, GoArch: "riscv64", table: sysnum.RISCV64, order: binary.LittleEndian}
)

var arches = []*Arch{ArchX86_64, ArchI386, ArchX32, ArchAArch64, ArchARM, ArchRISCV64}

// ErrNoNativeArch is returned by NativeArch on a GOARCH that has no syscall
// table here.
var ErrNoNativeArch = errors.New("seccomp: no syscall table for this GOARCH: name an arch explicitly")

// Syscall returns the number of the named system call on a, as seccomp
// sees it (with X32SyscallBit for x32).
func (a *Arch) Syscall(name string) (int32, bool) { return a.table.Number(name) }

// SyscallName returns the name of system call nr on a.
func (a *Arch) SyscallName(nr int32) (string, bool) { return a.table.Name(nr) }

// Syscalls returns the names of every system call a's table knows, sorted
// by number.
func (a *Arch) Syscalls() []string { return a.table.Names() }

// MaxSyscall returns the highest system call number a's table knows (with
// X32SyscallBit for x32).
func (a *Arch) MaxSyscall() int32 { return a.table.Max() }

// ByteOrder returns the byte order of seccomp_data for calls of this ABI,
// as the kernel lays it out: which half of a 64-bit argument comes first
// (see OffsetArgHalves). The compiler, the text form and the analyzers
// take it from here.
func (a *Arch) ByteOrder() binary.ByteOrder { return a.order }

// String returns a.Name.
func (a *Arch) String() string { return a.Name }

// LookupArch returns the arch a name denotes, in any case: the kernel's
// name (x86_64, i386, x32, aarch64, arm, riscv64), the GOARCH (amd64, 386,
// arm64, arm, riscv64), libseccomp's name (x86 for i386) or the OCI and
// libseccomp SCMP_ARCH_* name (SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, ...).
//
// A name of an ABI that has a syscall table here but is not an Arch yet
// (mips, ppc64le, s390x, loongarch64, ...) gets an error that says it is
// not supported yet; any other name, one that says it is unknown. Both
// list the names of the supported arches.
func LookupArch(name string) (*Arch, error) {
	if t, ok := sysnum.Lookup(name); ok {
		for _, a := range arches {
			if a.table == t {
				return a, nil
			}
		}
		return nil, fmt.Errorf("seccomp: arch %q (%s) is not supported yet (supported: %s)", name, t.SCMPArch(), archNameList())
	}
	return nil, fmt.Errorf("seccomp: unknown arch %q (known: %s)", name, archNameList())
}

// archNameList lists the kernel names of the arches, for messages.
func archNameList() string {
	names := make([]string, len(arches))
	for i, a := range arches {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

// Arches returns every arch with a syscall table, in a fixed order.
func Arches() []*Arch { return append([]*Arch(nil), arches...) }

// ArchesOf returns the arches whose calls carry the audit arch token t:
// x86_64 and x32 for AuditArchX86_64, one arch for the others, none for a
// token without a table.
func ArchesOf(t AuditArch) []*Arch {
	var out []*Arch
	for _, a := range arches {
		if a.AuditArch == t {
			out = append(out, a)
		}
	}
	return out
}

// NativeArch returns the arch of the running program, or ErrNoNativeArch.
func NativeArch() (*Arch, error) {
	if nativeArch == nil {
		return nil, ErrNoNativeArch
	}
	return nativeArch, nil
}
