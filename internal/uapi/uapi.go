// Package uapi holds the constants of the kernel's seccomp ABI
// (include/uapi/linux/seccomp.h, audit.h) as plain numbers, with their
// names: for the packages below package seccomp, which re-exports them
// with types (seccomp.Action, seccomp.AuditArch) and checks in a test that
// its constants equal these.
package uapi

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// SECCOMP_RET_* values with zero data, and the masks of a return value.
const (
	RetKillProcess uint32 = 0x80000000
	RetKillThread  uint32 = 0x00000000
	RetTrap        uint32 = 0x00030000
	RetErrno       uint32 = 0x00050000
	RetUserNotif   uint32 = 0x7fc00000
	RetTrace       uint32 = 0x7ff00000
	RetLog         uint32 = 0x7ffc0000
	RetAllow       uint32 = 0x7fff0000

	RetActionFull uint32 = 0xffff0000
	RetData       uint32 = 0x0000ffff
)

// MaxErrno is the largest errno the kernel returns for an ERRNO action.
const MaxErrno = 4095

// ENOSYS is the errno of a system call the kernel does not know, on the
// arches whose errno numbers are asm-generic's (all but those ENOSYSOf
// names).
const ENOSYS = 38

// ENOSYSOf returns the number of ENOSYS on the arch of audit arch token t:
// mips (all its ABIs), parisc, sparc and alpha number their errnos their
// own way (arch/*/include/uapi/asm/errno.h); the others use ENOSYS. An
// ERRNO action carries the number the calling program compares with, so a
// filter that answers "no such call" on mips returns ERRNO(89): ERRNO(38)
// would be EL2NSYNC there, and no C library would fall back.
func ENOSYSOf(t uint32) uint32 {
	switch t & 0xffff { // the ELF machine, EM_*
	case 8: // EM_MIPS
		return 89
	case 15: // EM_PARISC
		return 251
	case 2, 43: // EM_SPARC, EM_SPARCV9
		return 90
	case 0x9026: // EM_ALPHA
		return 78
	}
	return ENOSYS
}

// X32SyscallBit is __X32_SYSCALL_BIT.
const X32SyscallBit = 0x40000000

// Offsets of the fields of struct seccomp_data, and its size.
const (
	OffsetNr                 = 0
	OffsetArch               = 4
	OffsetInstructionPointer = 8
	OffsetArgs               = 16
	SizeofData               = 64
)

// OffsetArg returns the offset of args[i].
func OffsetArg(i int) uint32 { return uint32(OffsetArgs + 8*i) }

// ArgHalves returns the offsets of the low and high 32 bits of args[i] in
// the given byte order (little-endian when le).
func ArgHalves(i int, le bool) (low, high uint32) {
	off := OffsetArg(i)
	if le {
		return off, off + 4
	}
	return off + 4, off
}

// LittleEndian reports whether order lays out a 16-bit 1 as 01 00: how
// the packages tell a binary.ByteOrder's order, whatever its type
// (binary.NativeEndian is not binary.LittleEndian, but lays out the same).
func LittleEndian(order binary.ByteOrder) bool {
	var b [2]byte
	order.PutUint16(b[:], 1)
	return b[0] == 1
}

// Known reports whether the action part of a is one the kernel knows.
func Known(a uint32) bool {
	switch a & RetActionFull {
	case RetKillProcess, RetKillThread, RetTrap, RetErrno, RetUserNotif, RetTrace, RetLog, RetAllow:
		return true
	}
	return false
}

// Precedes reports whether a takes precedence over b between stacked
// filters: its action part is lower as a signed 32-bit number.
func Precedes(a, b uint32) bool { return int32(a&RetActionFull) < int32(b&RetActionFull) }

// ActionString prints a return value as KILL_PROCESS, KILL_THREAD,
// TRAP(n), ERRNO(n), USER_NOTIF, TRACE(n), LOG or ALLOW; an unknown action
// part as KILL_PROCESS, what the kernel does with it.
func ActionString(a uint32) string {
	data := strconv.Itoa(int(a & RetData))
	switch a & RetActionFull {
	case RetKillThread:
		return "KILL_THREAD"
	case RetTrap:
		return "TRAP(" + data + ")"
	case RetErrno:
		return "ERRNO(" + data + ")"
	case RetUserNotif:
		return "USER_NOTIF"
	case RetTrace:
		return "TRACE(" + data + ")"
	case RetLog:
		return "LOG"
	case RetAllow:
		return "ALLOW"
	}
	return "KILL_PROCESS"
}

// ActionRawString is ActionString keeping what it drops: an unknown value
// prints in hexadecimal, ignored data as "|0x5".
func ActionRawString(a uint32) string {
	if !Known(a) {
		return fmt.Sprintf("%#x", a)
	}
	switch a & RetActionFull {
	case RetTrap, RetErrno, RetTrace:
		return ActionString(a)
	}
	if d := a & RetData; d != 0 {
		return fmt.Sprintf("%s|%#x", ActionString(a), d)
	}
	return ActionString(a)
}

// AUDIT_ARCH_* tokens.
const (
	AuditArchX86_64      uint32 = 0xc000003e
	AuditArchI386        uint32 = 0x40000003
	AuditArchAArch64     uint32 = 0xc00000b7
	AuditArchARM         uint32 = 0x40000028
	AuditArchARMEB       uint32 = 0x00000028
	AuditArchRISCV64     uint32 = 0xc00000f3
	AuditArchRISCV32     uint32 = 0x400000f3
	AuditArchLoongArch64 uint32 = 0xc0000102
	AuditArchPPC64LE     uint32 = 0xc0000015
	AuditArchPPC64       uint32 = 0x80000015
	AuditArchPPC         uint32 = 0x00000014
	AuditArchS390X       uint32 = 0x80000016
	AuditArchS390        uint32 = 0x00000016
	AuditArchMIPS        uint32 = 0x00000008
	AuditArchMIPSEL      uint32 = 0x40000008
	AuditArchMIPS64      uint32 = 0x80000008
	AuditArchMIPSEL64    uint32 = 0xc0000008
	AuditArchMIPS64N32   uint32 = 0xa0000008
	AuditArchMIPSEL64N32 uint32 = 0xe0000008
	AuditArchPARISC      uint32 = 0x0000000f
	AuditArchPARISC64    uint32 = 0x8000000f
	AuditArchSPARC64     uint32 = 0x8000002b
	AuditArchCSKY        uint32 = 0x400000fc
	AuditArchM68K        uint32 = 0x00000004
	AuditArchSH          uint32 = 0x0000002a
	AuditArchSHEL        uint32 = 0x4000002a

	AuditArch64Bit uint32 = 0x80000000 // __AUDIT_ARCH_64BIT
	AuditArchLE    uint32 = 0x40000000 // __AUDIT_ARCH_LE
)

// AuditArchNames are the tokens with their names (AUDIT_ARCH_ left out).
var AuditArchNames = []struct {
	Token uint32
	Name  string
}{
	{AuditArchX86_64, "X86_64"},
	{AuditArchI386, "I386"},
	{AuditArchAArch64, "AARCH64"},
	{AuditArchARM, "ARM"},
	{AuditArchARMEB, "ARMEB"},
	{AuditArchRISCV64, "RISCV64"},
	{AuditArchRISCV32, "RISCV32"},
	{AuditArchLoongArch64, "LOONGARCH64"},
	{AuditArchPPC64LE, "PPC64LE"},
	{AuditArchPPC64, "PPC64"},
	{AuditArchPPC, "PPC"},
	{AuditArchS390X, "S390X"},
	{AuditArchS390, "S390"},
	{AuditArchMIPS, "MIPS"},
	{AuditArchMIPSEL, "MIPSEL"},
	{AuditArchMIPS64, "MIPS64"},
	{AuditArchMIPSEL64, "MIPSEL64"},
	{AuditArchMIPS64N32, "MIPS64N32"},
	{AuditArchMIPSEL64N32, "MIPSEL64N32"},
	{AuditArchPARISC, "PARISC"},
	{AuditArchPARISC64, "PARISC64"},
	{AuditArchSPARC64, "SPARC64"},
	{AuditArchCSKY, "CSKY"},
	{AuditArchM68K, "M68K"},
	{AuditArchSH, "SH"},
	{AuditArchSHEL, "SHEL"},
}

// AuditArchName returns the name of token t without the AUDIT_ARCH_
// prefix, and false for an unknown token.
func AuditArchName(t uint32) (string, bool) {
	for _, n := range AuditArchNames {
		if n.Token == t {
			return n.Name, true
		}
	}
	return "", false
}

// AuditArchByName returns the token named name, with or without the
// AUDIT_ARCH_ prefix, in any case.
func AuditArchByName(name string) (uint32, bool) {
	const prefix = "AUDIT_ARCH_"
	s := upperASCII(name)
	if len(s) > len(prefix) && strings.HasPrefix(s, prefix) {
		s = s[len(prefix):]
	}
	for _, n := range AuditArchNames {
		if s == n.Name {
			return n.Token, true
		}
	}
	return 0, false
}

// upperASCII upper-cases the ASCII letters of s only, so that no other
// character maps to a letter of a name.
func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
