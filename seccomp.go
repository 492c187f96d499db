package seccomp

import (
	"encoding/binary"
	"fmt"

	"github.com/seccomp-go/seccomp/internal/uapi"
)

// Action is the 32-bit value a seccomp filter returns: an action in the high
// 16 bits (SECCOMP_RET_ACTION_FULL) and data in the low 16 bits
// (SECCOMP_RET_DATA).
type Action uint32

// The actions the kernel knows, most restrictive first. Their values are the
// kernel's SECCOMP_RET_* constants with zero data; use the constructors
// (Errno, Trap, Trace) to attach data.
const (
	ActKillProcess Action = 0x80000000 // SECCOMP_RET_KILL_PROCESS (4.14)
	ActKillThread  Action = 0x00000000 // SECCOMP_RET_KILL_THREAD, formerly SECCOMP_RET_KILL; unsafe in Go programs: it kills one runtime thread and wedges the program (use ActKillProcess)
	ActTrap        Action = 0x00030000 // SECCOMP_RET_TRAP: SIGSYS with si_errno = data
	ActErrno       Action = 0x00050000 // SECCOMP_RET_ERRNO: the call fails with errno = data
	ActUserNotif   Action = 0x7fc00000 // SECCOMP_RET_USER_NOTIF (5.0)
	ActTrace       Action = 0x7ff00000 // SECCOMP_RET_TRACE: ptrace event with message = data
	ActLog         Action = 0x7ffc0000 // SECCOMP_RET_LOG (4.14)
	ActAllow       Action = 0x7fff0000 // SECCOMP_RET_ALLOW
)

// Masks of an Action value.
const (
	RetActionFull Action = 0xffff0000 // SECCOMP_RET_ACTION_FULL
	RetData       Action = 0x0000ffff // SECCOMP_RET_DATA
)

// MaxErrno is the largest errno the kernel returns for an ERRNO action;
// larger data is clamped to it.
const MaxErrno = 4095

// Errno returns the ERRNO action with data n: the call fails with errno n.
// n is any integer, syscall.Errno and unix.Errno included, so
// Errno(syscall.EPERM), Errno(unix.EACCES), Errno(1) and Errno(ENOSYS) all
// work. Data above MaxErrno is kept as it is (the kernel returns MaxErrno
// for it); a value that does not fit the 16 bits of the data (negative, or
// above 0xffff) gives ERRNO(MaxErrno), so that it still fails the call
// rather than wrapping around to another errno (65536 to 0, a call that
// seems to succeed).
func Errno[N ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr](n N) Action {
	if n < 0 || uint64(n) > uint64(RetData) {
		return ActErrno | MaxErrno
	}
	return ActErrno | Action(n)
}

// Trap returns the TRAP action with data n, delivered as si_errno of SIGSYS.
func Trap(n uint16) Action { return ActTrap | Action(n) }

// Trace returns the TRACE action with data n, delivered to the tracer as the
// PTRACE_EVENT_SECCOMP message.
func Trace(n uint16) Action { return ActTrace | Action(n) }

// Kind returns the action part (SECCOMP_RET_ACTION_FULL) of a.
func (a Action) Kind() Action { return a & RetActionFull }

// Data returns the 16-bit data part (SECCOMP_RET_DATA) of a.
func (a Action) Data() uint16 { return uint16(a & RetData) }

// Known reports whether the action part of a is one of the eight actions
// the kernel knows.
func (a Action) Known() bool { return uapi.Known(uint32(a)) }

// Effective returns the action as the kernel carries it out. An action part
// the kernel does not know is treated as KILL_PROCESS (since Linux 4.14), and
// so Effective returns ActKillProcess for it; known actions are returned
// unchanged, data included.
func (a Action) Effective() Action {
	if !a.Known() {
		return ActKillProcess
	}
	return a
}

// Precedes reports whether a takes precedence over b when several filters
// return a value for one system call: the kernel keeps the value whose action
// part is lowest as a signed 32-bit number (KILL_PROCESS first, ALLOW last).
// Values with equal action parts do not precede each other.
func (a Action) Precedes(b Action) bool { return uapi.Precedes(uint32(a), uint32(b)) }

// String prints the action as KILL_PROCESS, KILL_THREAD, TRAP(n), ERRNO(n),
// USER_NOTIF, TRACE(n), LOG or ALLOW, with n the 16-bit data in decimal.
// Data that the kernel ignores (for KILL_*, USER_NOTIF, LOG and ALLOW) is not
// printed. An action part the kernel does not know prints as what the kernel
// does with it: KILL_PROCESS. Use RawString to see such a value.
func (a Action) String() string { return uapi.ActionString(uint32(a)) }

// RawString is like String, but keeps what String drops: an unknown action
// prints as its hexadecimal value, and ignored data bits are shown, e.g.
// "ALLOW|0x5" or "0x10000000".
func (a Action) RawString() string { return uapi.ActionRawString(uint32(a)) }

// AuditArch is an AUDIT_ARCH_* token: the calling convention of a system
// call, as seccomp_data.arch holds it.
type AuditArch uint32

// Audit arch tokens (include/uapi/linux/audit.h).
const (
	AuditArchX86_64      AuditArch = 0xc000003e
	AuditArchI386        AuditArch = 0x40000003
	AuditArchAArch64     AuditArch = 0xc00000b7
	AuditArchARM         AuditArch = 0x40000028
	AuditArchARMEB       AuditArch = 0x00000028
	AuditArchRISCV64     AuditArch = 0xc00000f3
	AuditArchRISCV32     AuditArch = 0x400000f3
	AuditArchLoongArch64 AuditArch = 0xc0000102
	AuditArchPPC64LE     AuditArch = 0xc0000015
	AuditArchPPC64       AuditArch = 0x80000015
	AuditArchPPC         AuditArch = 0x00000014
	AuditArchS390X       AuditArch = 0x80000016
	AuditArchS390        AuditArch = 0x00000016
	AuditArchMIPS        AuditArch = 0x00000008
	AuditArchMIPSEL      AuditArch = 0x40000008
	AuditArchMIPS64      AuditArch = 0x80000008
	AuditArchMIPSEL64    AuditArch = 0xc0000008
	AuditArchMIPS64N32   AuditArch = 0xa0000008
	AuditArchMIPSEL64N32 AuditArch = 0xe0000008
	AuditArchPARISC      AuditArch = 0x0000000f
	AuditArchPARISC64    AuditArch = 0x8000000f
	AuditArchSPARC64     AuditArch = 0x8000002b
	AuditArchCSKY        AuditArch = 0x400000fc
	AuditArchM68K        AuditArch = 0x00000004
	AuditArchSH          AuditArch = 0x0000002a
	AuditArchSHEL        AuditArch = 0x4000002a
)

// Name returns the token's name without the AUDIT_ARCH_ prefix (X86_64,
// AARCH64, ...), and false for a value that is not a known token.
func (a AuditArch) Name() (string, bool) { return uapi.AuditArchName(uint32(a)) }

// AuditArchByName returns the token named name, with or without the
// AUDIT_ARCH_ prefix, in any case (x86_64, AUDIT_ARCH_AARCH64).
func AuditArchByName(name string) (AuditArch, bool) {
	t, ok := uapi.AuditArchByName(name)
	return AuditArch(t), ok
}

// String returns "AUDIT_ARCH_X86_64" and so on, or the hexadecimal value of
// an unknown token.
func (a AuditArch) String() string {
	if n, ok := a.Name(); ok {
		return "AUDIT_ARCH_" + n
	}
	return fmt.Sprintf("%#x", uint32(a))
}

// LittleEndian reports whether the token says its calling convention is
// little-endian (the __AUDIT_ARCH_LE bit). The kernel fills seccomp_data in
// the CPU's byte order, which this bit describes for every arch but a
// big-endian arm64 kernel (whose token still says little-endian).
func (a AuditArch) LittleEndian() bool { return uint32(a)&uapi.AuditArchLE != 0 }

// ByteOrder returns the byte order the token's little-endian bit names
// (binary.LittleEndian or binary.BigEndian): the layout of seccomp_data
// Emulator.Run assumes for a call with this token.
func (a AuditArch) ByteOrder() binary.ByteOrder {
	if a.LittleEndian() {
		return binary.LittleEndian
	}
	return binary.BigEndian
}

// Is64Bit reports whether the token has the __AUDIT_ARCH_64BIT bit.
func (a AuditArch) Is64Bit() bool { return uint32(a)&uapi.AuditArch64Bit != 0 }

// X32SyscallBit is __X32_SYSCALL_BIT: x32 system calls reach seccomp under
// AUDIT_ARCH_X86_64 with this bit set in the number.
const X32SyscallBit = 0x40000000

// Data is struct seccomp_data: the only input a filter sees.
type Data struct {
	Nr                 int32     // system call number (seccomp_data.nr)
	Arch               AuditArch // calling convention (seccomp_data.arch)
	InstructionPointer uint64    // user PC at the system call
	Args               [6]uint64 // the six argument registers
}

// Offsets of the fields of struct seccomp_data, the valid operands of a
// 32-bit absolute load. OffsetArgHalves gives the halves of a 64-bit
// argument for a byte order.
const (
	OffsetNr                 = 0
	OffsetArch               = 4
	OffsetInstructionPointer = 8
	OffsetArgs               = 16
	SizeofData               = 64
)

// OffsetArg returns the offset of args[i] in seccomp_data.
func OffsetArg(i int) uint32 { return uint32(OffsetArgs + 8*i) }

// OffsetArgHalves returns the offsets of the low and high 32 bits of
// args[i] in seccomp_data laid out in the given byte order, usually an
// Arch's ByteOrder: a 64-bit comparison loads both.
func OffsetArgHalves(i int, order binary.ByteOrder) (low, high uint32) {
	return uapi.ArgHalves(i, uapi.LittleEndian(order))
}

// OffsetArgLow returns the offset of the low 32 bits of args[i] for a
// little-endian (le) or big-endian target.
//
// Deprecated: Use OffsetArgHalves, which takes the byte order as a
// binary.ByteOrder (an Arch's ByteOrder).
func OffsetArgLow(i int, le bool) uint32 {
	low, _ := uapi.ArgHalves(i, le)
	return low
}

// OffsetArgHigh returns the offset of the high 32 bits of args[i] for a
// little-endian (le) or big-endian target.
//
// Deprecated: Use OffsetArgHalves, which takes the byte order as a
// binary.ByteOrder (an Arch's ByteOrder).
func OffsetArgHigh(i int, le bool) uint32 {
	_, high := uapi.ArgHalves(i, le)
	return high
}

// WordIn returns the 32-bit word at byte offset off (a multiple of 4 below
// 64) of the data laid out in memory in the given byte order, as a
// BPF_LD|BPF_W|BPF_ABS load reads it. It reports false for an offset the
// kernel does not allow.
func (d *Data) WordIn(off uint32, order binary.ByteOrder) (uint32, bool) {
	if off >= SizeofData || off%4 != 0 {
		return 0, false
	}
	return d.word(off, uapi.LittleEndian(order)), true
}

// Word returns the 32-bit word at byte offset off of the data laid out
// little-endian (le) or big-endian; see WordIn.
//
// Deprecated: Use WordIn, which takes the byte order as a
// binary.ByteOrder.
func (d *Data) Word(off uint32, le bool) (uint32, bool) {
	if off >= SizeofData || off%4 != 0 {
		return 0, false
	}
	return d.word(off, le), true
}

func (d *Data) word(off uint32, le bool) uint32 {
	var v uint64
	switch {
	case off == OffsetNr:
		return uint32(d.Nr)
	case off == OffsetArch:
		return uint32(d.Arch)
	case off < OffsetArgs:
		v = d.InstructionPointer
	default:
		v = d.Args[(off-OffsetArgs)/8]
	}
	if (off%8 == 0) == le {
		return uint32(v)
	}
	return uint32(v >> 32)
}

// BytesIn returns the 64-byte struct seccomp_data in the given byte order.
func (d *Data) BytesIn(order binary.ByteOrder) []byte {
	b := make([]byte, SizeofData)
	order.PutUint32(b[OffsetNr:], uint32(d.Nr))
	order.PutUint32(b[OffsetArch:], uint32(d.Arch))
	order.PutUint64(b[OffsetInstructionPointer:], d.InstructionPointer)
	for i, a := range d.Args {
		order.PutUint64(b[OffsetArg(i):], a)
	}
	return b
}

// Bytes returns the 64-byte struct seccomp_data, little-endian (le) or
// big-endian.
//
// Deprecated: Use BytesIn, which takes the byte order as a
// binary.ByteOrder.
func (d *Data) Bytes(le bool) []byte {
	if le {
		return d.BytesIn(binary.LittleEndian)
	}
	return d.BytesIn(binary.BigEndian)
}
