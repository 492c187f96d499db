package gen

// The arches and their numberings. Everything here is a fact about a kernel
// ABI; each is either read from the pinned kernel files (numbers, audit arch
// values) or stated here with the reason beside it.

// A Numbering is one syscall numbering: one kernel table with its ABI filter.
// Several arches can share a numbering (mips and mipsel, ppc64 and ppc64le,
// sh and sheb): they differ only in byte order and audit arch token.
type Numbering struct {
	Key string // Go identifier fragment and file-name part, e.g. "mips_o32"
	// Tbl is the kernel table, a path under testdata/.
	Tbl string
	// Release is the kernel release Tbl comes from.
	Release string
	// ABIs are the values of the table's ABI column this numbering takes,
	// as the arch's syscalls Makefile passes them to scripts/syscallhdr.sh
	// (--abis). Empty means every row: mips, m68k and sh pass no --abis
	// (and mips's n64 table has a row marked "common", 450
	// set_mempolicy_home_node, which n64 has). For the generic numbering
	// each arch has its own list, from its Makefile.syscalls.
	ABIs []string
	// Bias is added to every number of the table: mips's __NR_Linux (4000,
	// 5000, 6000, the --offset of its syscallhdr.sh) or x32's
	// __X32_SYSCALL_BIT.
	Bias int32
	// Generic marks scripts/syscall.tbl, shared by the asm-generic arches.
	Generic bool
}

// Numberings lists every numbering in a fixed order.
var Numberings = []Numbering{
	{Key: "x86_64", Tbl: linux72 + "arch/x86/entry/syscalls/syscall_64.tbl", Release: "7.2", ABIs: []string{"common", "64"}},
	{Key: "x32", Tbl: linux72 + "arch/x86/entry/syscalls/syscall_64.tbl", Release: "7.2", ABIs: []string{"common", "x32"}, Bias: X32SyscallBit},
	{Key: "i386", Tbl: linux72 + "arch/x86/entry/syscalls/syscall_32.tbl", Release: "7.2", ABIs: []string{"i386"}},
	// arm: the EABI table (common,eabi, as arch/arm/tools/Makefile builds
	// unistd-eabi.h), plus the ARM-private calls of
	// arch/arm/include/uapi/asm/unistd.h (see armPrivate).
	{Key: "arm", Tbl: linux72 + "arch/arm/tools/syscall.tbl", Release: "7.2", ABIs: []string{"common", "eabi"}},
	{Key: "generic", Tbl: linux72 + "scripts/syscall.tbl", Release: "7.2", Generic: true},
	// mips: arch/mips/kernel/syscalls/Makefile runs syscallhdr.sh with
	// --offset __NR_Linux and no --abis: every row of each file.
	{Key: "mips_o32", Tbl: linux72 + "arch/mips/kernel/syscalls/syscall_o32.tbl", Release: "7.2", Bias: 4000},
	{Key: "mips_n64", Tbl: linux72 + "arch/mips/kernel/syscalls/syscall_n64.tbl", Release: "7.2", Bias: 5000},
	{Key: "mips_n32", Tbl: linux72 + "arch/mips/kernel/syscalls/syscall_n32.tbl", Release: "7.2", Bias: 6000},
	{Key: "ppc32", Tbl: linux72 + "arch/powerpc/kernel/syscalls/syscall.tbl", Release: "7.2", ABIs: []string{"common", "nospu", "32"}},
	{Key: "ppc64", Tbl: linux72 + "arch/powerpc/kernel/syscalls/syscall.tbl", Release: "7.2", ABIs: []string{"common", "nospu", "64"}},
	// s390 (31-bit) is gone from Linux 6.19 on ("s390: Remove compat
	// support"), so its table comes from 6.12, the newest release here
	// that has it, plus the calls 6.13 to 6.18 added (s390Additions).
	{Key: "s390", Tbl: linux612 + "arch/s390/kernel/syscalls/syscall.tbl", Release: "6.12", ABIs: []string{"common", "32"}},
	{Key: "s390x", Tbl: linux72 + "arch/s390/kernel/syscalls/syscall.tbl", Release: "7.2", ABIs: []string{"common", "64"}},
	{Key: "parisc32", Tbl: linux72 + "arch/parisc/kernel/syscalls/syscall.tbl", Release: "7.2", ABIs: []string{"common", "32"}},
	{Key: "parisc64", Tbl: linux72 + "arch/parisc/kernel/syscalls/syscall.tbl", Release: "7.2", ABIs: []string{"common", "64"}},
	{Key: "m68k", Tbl: linux72 + "arch/m68k/kernel/syscalls/syscall.tbl", Release: "7.2"},
	{Key: "sh", Tbl: linux72 + "arch/sh/kernel/syscalls/syscall.tbl", Release: "7.2"},
}

const (
	linux72  = "linux-7.2/"
	linux612 = "linux-6.12/"
)

// Spec describes one arch: one ABI as seccomp sees it.
type Spec struct {
	Name  string // the table's name: libseccomp's, except "i386" (libseccomp: "x86")
	Ident string // exported variable in package sysnum
	// SCMP is the OCI runtime-spec / libseccomp name, e.g. "SCMP_ARCH_X86_64".
	SCMP string
	// GOARCH is the Go port whose programs use this ABI on Linux, or "".
	GOARCH string
	// Audit is the AUDIT_ARCH_* macro of include/uapi/linux/audit.h.
	Audit     string
	BigEndian bool
	// WordSize is the ABI's long and pointer size in bits.
	WordSize  int
	Numbering string
	// MakefileSyscalls is, for a generic arch, its Makefile.syscalls under
	// testdata (syscall_abis_32/64 there extend the default "common,32" or
	// "common,64" of scripts/Makefile.asm-headers).
	MakefileSyscalls string
	// Libseccomp is the arch's column in libseccomp's syscalls.csv.
	Libseccomp string
	// Birth is the first kernel release with this ABI; no call of the
	// table is older.
	Birth string
	// Doc completes "<Ident> is the syscall table of ".
	Doc string
}

// Specs lists the arches in the order sysnum.All returns them: the six
// older tables first, in their old order, then the rest.
var Specs = []Spec{
	{Name: "x86_64", Ident: "X86_64", SCMP: "SCMP_ARCH_X86_64", GOARCH: "amd64", Audit: "AUDIT_ARCH_X86_64", WordSize: 64, Numbering: "x86_64", Libseccomp: "x86_64", Birth: "3.0", Doc: "the x86_64 ABI (GOARCH amd64)"},
	{Name: "i386", Ident: "I386", SCMP: "SCMP_ARCH_X86", GOARCH: "386", Audit: "AUDIT_ARCH_I386", WordSize: 32, Numbering: "i386", Libseccomp: "x86", Birth: "3.0", Doc: "the i386 ABI (GOARCH 386), also run by x86_64 kernels"},
	// x32 shares AUDIT_ARCH_X86_64 with x86_64; its numbers carry the x32
	// bit. It was merged in Linux 3.4.
	{Name: "x32", Ident: "X32", SCMP: "SCMP_ARCH_X32", Audit: "AUDIT_ARCH_X86_64", WordSize: 32, Numbering: "x32", Libseccomp: "x32", Birth: "3.4", Doc: "the x32 ABI (x86_64 with 32-bit pointers)"},
	// arm64 was merged in Linux 3.7.
	{Name: "aarch64", Ident: "AArch64", SCMP: "SCMP_ARCH_AARCH64", GOARCH: "arm64", Audit: "AUDIT_ARCH_AARCH64", WordSize: 64, Numbering: "generic", MakefileSyscalls: linux72 + "arch/arm64/kernel/Makefile.syscalls", Libseccomp: "aarch64", Birth: "3.7", Doc: "the aarch64 ABI (GOARCH arm64)"},
	{Name: "arm", Ident: "ARM", SCMP: "SCMP_ARCH_ARM", GOARCH: "arm", Audit: "AUDIT_ARCH_ARM", WordSize: 32, Numbering: "arm", Libseccomp: "arm", Birth: "3.0", Doc: "the 32-bit little-endian arm EABI (GOARCH arm), also run by arm64 kernels"},
	// riscv was merged in Linux 4.15.
	{Name: "riscv64", Ident: "RISCV64", SCMP: "SCMP_ARCH_RISCV64", GOARCH: "riscv64", Audit: "AUDIT_ARCH_RISCV64", WordSize: 64, Numbering: "generic", MakefileSyscalls: linux72 + "arch/riscv/kernel/Makefile.syscalls", Libseccomp: "riscv64", Birth: "4.15", Doc: "the riscv64 ABI (GOARCH riscv64)"},
	// loongarch was merged in Linux 5.19.
	{Name: "loongarch64", Ident: "LoongArch64", SCMP: "SCMP_ARCH_LOONGARCH64", GOARCH: "loong64", Audit: "AUDIT_ARCH_LOONGARCH64", WordSize: 64, Numbering: "generic", MakefileSyscalls: linux72 + "arch/loongarch/kernel/Makefile.syscalls", Libseccomp: "loongarch64", Birth: "5.19", Doc: "the loongarch64 ABI (GOARCH loong64)"},
	{Name: "mips", Ident: "MIPS", SCMP: "SCMP_ARCH_MIPS", GOARCH: "mips", Audit: "AUDIT_ARCH_MIPS", BigEndian: true, WordSize: 32, Numbering: "mips_o32", Libseccomp: "mips", Birth: "3.0", Doc: "the big-endian mips o32 ABI (GOARCH mips)"},
	{Name: "mipsel", Ident: "MIPSEL", SCMP: "SCMP_ARCH_MIPSEL", GOARCH: "mipsle", Audit: "AUDIT_ARCH_MIPSEL", WordSize: 32, Numbering: "mips_o32", Libseccomp: "mips", Birth: "3.0", Doc: "the little-endian mips o32 ABI (GOARCH mipsle)"},
	{Name: "mips64", Ident: "MIPS64", SCMP: "SCMP_ARCH_MIPS64", GOARCH: "mips64", Audit: "AUDIT_ARCH_MIPS64", BigEndian: true, WordSize: 64, Numbering: "mips_n64", Libseccomp: "mips64", Birth: "3.0", Doc: "the big-endian mips n64 ABI (GOARCH mips64)"},
	{Name: "mipsel64", Ident: "MIPSEL64", SCMP: "SCMP_ARCH_MIPSEL64", GOARCH: "mips64le", Audit: "AUDIT_ARCH_MIPSEL64", WordSize: 64, Numbering: "mips_n64", Libseccomp: "mips64", Birth: "3.0", Doc: "the little-endian mips n64 ABI (GOARCH mips64le)"},
	{Name: "mips64n32", Ident: "MIPS64N32", SCMP: "SCMP_ARCH_MIPS64N32", Audit: "AUDIT_ARCH_MIPS64N32", BigEndian: true, WordSize: 32, Numbering: "mips_n32", Libseccomp: "mips64n32", Birth: "3.0", Doc: "the big-endian mips n32 ABI (64-bit registers, 32-bit pointers)"},
	{Name: "mipsel64n32", Ident: "MIPSEL64N32", SCMP: "SCMP_ARCH_MIPSEL64N32", Audit: "AUDIT_ARCH_MIPSEL64N32", WordSize: 32, Numbering: "mips_n32", Libseccomp: "mips64n32", Birth: "3.0", Doc: "the little-endian mips n32 ABI (64-bit registers, 32-bit pointers)"},
	{Name: "ppc", Ident: "PPC", SCMP: "SCMP_ARCH_PPC", Audit: "AUDIT_ARCH_PPC", BigEndian: true, WordSize: 32, Numbering: "ppc32", Libseccomp: "ppc", Birth: "3.0", Doc: "the 32-bit big-endian powerpc ABI"},
	{Name: "ppc64", Ident: "PPC64", SCMP: "SCMP_ARCH_PPC64", GOARCH: "ppc64", Audit: "AUDIT_ARCH_PPC64", BigEndian: true, WordSize: 64, Numbering: "ppc64", Libseccomp: "ppc64", Birth: "3.0", Doc: "the big-endian ppc64 ABI (GOARCH ppc64)"},
	{Name: "ppc64le", Ident: "PPC64LE", SCMP: "SCMP_ARCH_PPC64LE", GOARCH: "ppc64le", Audit: "AUDIT_ARCH_PPC64LE", WordSize: 64, Numbering: "ppc64", Libseccomp: "ppc64", Birth: "3.0", Doc: "the little-endian ppc64 ABI (GOARCH ppc64le)"},
	{Name: "s390", Ident: "S390", SCMP: "SCMP_ARCH_S390", Audit: "AUDIT_ARCH_S390", BigEndian: true, WordSize: 32, Numbering: "s390", Libseccomp: "s390", Birth: "3.0", Doc: "the 31-bit s390 ABI, run by s390x kernels up to Linux 6.18"},
	{Name: "s390x", Ident: "S390X", SCMP: "SCMP_ARCH_S390X", GOARCH: "s390x", Audit: "AUDIT_ARCH_S390X", BigEndian: true, WordSize: 64, Numbering: "s390x", Libseccomp: "s390x", Birth: "3.0", Doc: "the s390x ABI (GOARCH s390x)"},
	{Name: "parisc", Ident: "PARISC", SCMP: "SCMP_ARCH_PARISC", Audit: "AUDIT_ARCH_PARISC", BigEndian: true, WordSize: 32, Numbering: "parisc32", Libseccomp: "parisc", Birth: "3.0", Doc: "the 32-bit parisc ABI"},
	{Name: "parisc64", Ident: "PARISC64", SCMP: "SCMP_ARCH_PARISC64", Audit: "AUDIT_ARCH_PARISC64", BigEndian: true, WordSize: 64, Numbering: "parisc64", Libseccomp: "parisc64", Birth: "3.0", Doc: "the 64-bit parisc ABI"},
	{Name: "m68k", Ident: "M68K", SCMP: "SCMP_ARCH_M68K", Audit: "AUDIT_ARCH_M68K", BigEndian: true, WordSize: 32, Numbering: "m68k", Libseccomp: "m68k", Birth: "3.0", Doc: "the m68k ABI"},
	// libseccomp's "sh" is little-endian (AUDIT_ARCH_SHEL); "sheb" is
	// big-endian (AUDIT_ARCH_SH).
	{Name: "sh", Ident: "SH", SCMP: "SCMP_ARCH_SH", Audit: "AUDIT_ARCH_SHEL", WordSize: 32, Numbering: "sh", Libseccomp: "sh", Birth: "3.0", Doc: "the little-endian SuperH ABI"},
	{Name: "sheb", Ident: "SHEB", SCMP: "SCMP_ARCH_SHEB", Audit: "AUDIT_ARCH_SH", BigEndian: true, WordSize: 32, Numbering: "sh", Libseccomp: "sh", Birth: "3.0", Doc: "the big-endian SuperH ABI"},
}

// The files of package sysnum the generator reads besides the tables.
const (
	armUnistd        = linux72 + "arch/arm/include/uapi/asm/unistd.h"
	asmHeadersMake   = linux72 + "scripts/Makefile.asm-headers"
	auditH           = linux72 + "include/uapi/linux/audit.h"
	elfEmH           = linux72 + "include/uapi/linux/elf-em.h"
	netH             = linux72 + "include/uapi/linux/net.h"
	ipcH             = linux72 + "include/uapi/linux/ipc.h"
	libseccompKver   = "libseccomp-kver.txt"
	sinceExtra       = "since-extra.txt"
	absentFile       = "absent.txt"
	s390AdditionsTxt = "s390-additions.txt"
)

// InputFiles lists every file under testdata/ that Generate reads.
func InputFiles() []string {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, n := range Numberings {
		add(n.Tbl)
	}
	for _, s := range Specs {
		add(s.MakefileSyscalls)
	}
	for _, p := range []string{armUnistd, asmHeadersMake, auditH, elfEmH, netH, ipcH, libseccompKver, sinceExtra, absentFile, s390AdditionsTxt} {
		add(p)
	}
	return out
}

func numbering(key string) *Numbering {
	for i := range Numberings {
		if Numberings[i].Key == key {
			return &Numberings[i]
		}
	}
	return nil
}
