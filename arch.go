package seccomp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/seccomp-go/seccomp/internal/sysnum"
	"github.com/seccomp-go/seccomp/internal/uapi"
)

// Arch is a system call ABI a filter can cover: its audit arch token and its
// syscall table. x32 is an ABI of its own: it shares AuditArchX86_64 with
// x86_64, and its numbers carry X32SyscallBit.
//
// The arches are those of internal/sysnum's registry: every arch of the OCI
// runtime-spec's SCMP_ARCH_* list that Linux still has (see Arches). Their
// tables are generated from the kernel's own syscall tables (Linux 7.2;
// s390 from 6.12) and are usable on every GOOS and GOARCH: a filter for
// s390x can be built and emulated on amd64.
type Arch struct {
	// Name is the table's name: the kernel's (x86_64, i386, x32, aarch64,
	// arm, riscv64) or libseccomp's (loongarch64, mips, mipsel, mips64,
	// mipsel64, mips64n32, mipsel64n32, ppc, ppc64, ppc64le, s390, s390x,
	// parisc, parisc64, m68k, sh, sheb).
	Name string
	// AuditArch is seccomp_data.arch for calls of this ABI.
	AuditArch AuditArch
	// GoArch is the GOARCH whose programs use this ABI natively, or "" (x32,
	// the mips n32 ABIs, ppc, s390, parisc, parisc64, m68k, sh, sheb).
	GoArch string

	table *sysnum.Table
	order binary.ByteOrder
}

// arches are the arches, one per table of internal/sysnum, in its order.
var arches = func() []*Arch {
	var out []*Arch
	for _, t := range sysnum.All() {
		out = append(out, &Arch{Name: t.Arch(), AuditArch: AuditArch(t.AuditArch()), GoArch: t.GOARCH(), table: t, order: t.ByteOrder()})
	}
	return out
}()

// archOf returns the Arch of table t.
func archOf(t *sysnum.Table) *Arch {
	for _, a := range arches {
		if a.table == t {
			return a
		}
	}
	panic("seccomp: no Arch for table " + t.Arch())
}

// The arches with syscall tables.
var (
	ArchX86_64      = archOf(sysnum.X86_64)
	ArchI386        = archOf(sysnum.I386)
	ArchX32         = archOf(sysnum.X32)
	ArchAArch64     = archOf(sysnum.AArch64)
	ArchARM         = archOf(sysnum.ARM)
	ArchRISCV64     = archOf(sysnum.RISCV64)
	ArchLoongArch64 = archOf(sysnum.LoongArch64)
	ArchMIPS        = archOf(sysnum.MIPS)        // o32, big-endian
	ArchMIPSEL      = archOf(sysnum.MIPSEL)      // o32, little-endian
	ArchMIPS64      = archOf(sysnum.MIPS64)      // n64, big-endian
	ArchMIPSEL64    = archOf(sysnum.MIPSEL64)    // n64, little-endian
	ArchMIPS64N32   = archOf(sysnum.MIPS64N32)   // n32, big-endian
	ArchMIPSEL64N32 = archOf(sysnum.MIPSEL64N32) // n32, little-endian
	ArchPPC         = archOf(sysnum.PPC)
	ArchPPC64       = archOf(sysnum.PPC64)
	ArchPPC64LE     = archOf(sysnum.PPC64LE)
	ArchS390        = archOf(sysnum.S390) // 31-bit; Linux 6.19 removed it
	ArchS390X       = archOf(sysnum.S390X)
	ArchPARISC      = archOf(sysnum.PARISC)
	ArchPARISC64    = archOf(sysnum.PARISC64)
	ArchM68K        = archOf(sysnum.M68K)
	ArchSH          = archOf(sysnum.SH)   // little-endian
	ArchSHEB        = archOf(sysnum.SHEB) // big-endian
)

// siblings are the other ABIs a kernel running an arch's programs may run
// too: the compat ABIs of the 64-bit kernels (SECCOMP_ARCH_COMPAT of their
// asm/seccomp.h; both 32-bit ABIs of a 64-bit mips kernel), and for the
// ABIs that only a 64-bit kernel runs (x32, mips n32) that kernel's other
// ABIs. They are the sub-architectures of Docker's archMap, which has no
// entry for the arches whose kernels run one ABI (riscv64, loongarch64;
// ppc64le, whose compat ABI would be a little-endian ppc that no table
// has).
var siblings = map[*Arch][]*Arch{
	ArchX86_64:      {ArchI386, ArchX32},
	ArchX32:         {ArchX86_64, ArchI386},
	ArchAArch64:     {ArchARM},
	ArchMIPS64:      {ArchMIPS, ArchMIPS64N32},
	ArchMIPS64N32:   {ArchMIPS, ArchMIPS64},
	ArchMIPSEL64:    {ArchMIPSEL, ArchMIPSEL64N32},
	ArchMIPSEL64N32: {ArchMIPSEL, ArchMIPSEL64},
	ArchPPC64:       {ArchPPC},
	ArchS390X:       {ArchS390},
	ArchPARISC64:    {ArchPARISC},
}

// ErrNoNativeArch is returned by NativeArch on a GOARCH that has no syscall
// table here.
var ErrNoNativeArch = errors.New("seccomp: no syscall table for this GOARCH: name an arch explicitly")

// Syscall returns the number of the named system call on a, as seccomp
// sees it (with X32SyscallBit for x32, with the ABI's bias on mips: 4000
// for o32, 5000 for n64, 6000 for n32). Aliases are accepted (arm's
// sync_file_range2 for arm_sync_file_range).
func (a *Arch) Syscall(name string) (int32, bool) { return a.table.Number(name) }

// SyscallName returns the name of system call nr on a.
func (a *Arch) SyscallName(nr int32) (string, bool) { return a.table.Name(nr) }

// Syscalls returns the names of every system call a's table knows, sorted
// by number.
func (a *Arch) Syscalls() []string { return a.table.Names() }

// MaxSyscall returns the highest system call number a's table knows (with
// X32SyscallBit for x32; for arm, the ARM-private get_tls, 0xf0006).
func (a *Arch) MaxSyscall() int32 { return a.table.Max() }

// ByteOrder returns the byte order of seccomp_data for calls of this ABI,
// as the kernel lays it out: which half of a 64-bit argument comes first
// (see OffsetArgHalves). It is big-endian on mips, mips64, mips64n32, ppc,
// ppc64, s390, s390x, parisc, parisc64, m68k and sheb. The compiler, the
// text form and the analyzers take it from here.
func (a *Arch) ByteOrder() binary.ByteOrder { return a.order }

// SCMPArch returns the ABI's name in the OCI runtime-spec and libseccomp:
// "SCMP_ARCH_X86_64", "SCMP_ARCH_X86" for i386, "SCMP_ARCH_MIPSEL64".
func (a *Arch) SCMPArch() string { return a.table.SCMPArch() }

// WordSize returns the size in bits of the ABI's long and pointers: 64, or
// 32 for i386, x32, arm, mips (o32 and n32), ppc, s390, parisc, m68k, sh
// and sheb. On x32 and mips n32 seccomp_data still holds 64-bit registers
// (their AuditArch has the 64-bit bit); libseccomp compares only the low
// 32 bits of arguments wherever the word is 32 bits.
func (a *Arch) WordSize() int { return a.table.WordSize() }

// Siblings returns the other ABIs that a kernel running a's programs may
// run too, which a process can switch to: x86_64's i386 and x32, aarch64's
// arm, mips64's o32 and n32, ppc64's ppc, s390x's s390 (up to Linux 6.18),
// parisc64's parisc; for x32 and the mips n32 ABIs, which only a 64-bit
// kernel runs, that kernel's other ABIs. A filter that covers a alone
// gives their calls the bad-arch action; one meant to let a's programs use
// them covers them too. These are the sub-architectures of Docker's
// archMap. Other arches have none: their kernels run one ABI (riscv64 and
// loongarch64; ppc64le, whose compat ABI is a little-endian ppc that no
// table has), or they run on 32-bit kernels (i386, arm, mips, ppc, s390,
// parisc, m68k, sh). The slice is new on each call.
func (a *Arch) Siblings() []*Arch { return append([]*Arch(nil), siblings[a]...) }

// String returns a.Name.
func (a *Arch) String() string { return a.Name }

// LookupArch returns the arch a name denotes, in any case: the table's
// name (x86_64, i386, x32, aarch64, arm, riscv64, loongarch64, mips,
// mipsel64, ppc64le, s390x, ...), the GOARCH (amd64, 386, arm64, loong64,
// mipsle, mips64le, ...), libseccomp's name (x86 for i386) or the OCI and
// libseccomp SCMP_ARCH_* name (SCMP_ARCH_X86_64, SCMP_ARCH_MIPSEL64, ...).
func LookupArch(name string) (*Arch, error) {
	if t, ok := sysnum.Lookup(name); ok {
		return archOf(t), nil
	}
	return nil, fmt.Errorf("seccomp: unknown arch %q (known: %s)", name, archNameList())
}

// archNameList lists the names of the arches, for messages.
func archNameList() string {
	names := make([]string, len(arches))
	for i, a := range arches {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

// Arches returns every arch with a syscall table, in a fixed order:
// x86_64, i386, x32, aarch64, arm, riscv64, loongarch64, mips, mipsel,
// mips64, mipsel64, mips64n32, mipsel64n32, ppc, ppc64, ppc64le, s390,
// s390x, parisc, parisc64, m68k, sh, sheb.
func Arches() []*Arch { return append([]*Arch(nil), arches...) }

// ArchesOf returns the arches whose calls carry the audit arch token t:
// x86_64 and x32 for AuditArchX86_64, one arch for the other tokens of
// Arches, none for a token without a table.
func ArchesOf(t AuditArch) []*Arch {
	var out []*Arch
	for _, a := range arches {
		if a.AuditArch == t {
			out = append(out, a)
		}
	}
	return out
}

// nativeArch is the ABI of programs built for this GOARCH, or nil.
var nativeArch = archByGOARCH(runtime.GOARCH)

func archByGOARCH(goarch string) *Arch {
	if t, ok := sysnum.ByGOARCH(goarch); ok {
		return archOf(t)
	}
	return nil
}

// NativeArch returns the arch of the running program, the ABI of its
// GOARCH on Linux (i386 for 386, arm for arm, mips for mips, mipsel64 for
// mips64le, s390x, ppc64le, loongarch64 for loong64, ...), or
// ErrNoNativeArch for a GOARCH Linux does not run (wasm).
func NativeArch() (*Arch, error) {
	if nativeArch == nil {
		return nil, ErrNoNativeArch
	}
	return nativeArch, nil
}

// ENOSYS returns the action that answers a call "no such system call" on
// the arch: ERRNO(ENOSYS) in its own errno numbers, ERRNO(89) on mips and
// ERRNO(251) on parisc, ERRNO(38) elsewhere. A rule that should make a C
// library fall back to an older call (clone3 to clone) uses it rather than
// Errno(ENOSYS), which is 38 everywhere.
func (a *Arch) ENOSYS() Action { return Errno(uapi.ENOSYSOf(uint32(a.AuditArch))) }
