package seccomp

import (
	"encoding/binary"

	"github.com/seccomp-go/seccomp/internal/text"
	"github.com/seccomp-go/seccomp/internal/uapi"
)

// The text form of a program.
//
// Disassemble prints one instruction per line in a bpf_asm flavoured syntax,
// and AssembleText reads that syntax back, with labels and comments for
// programs written by hand. For every program p, whatever its instructions,
// AssembleText(Disassemble(p)) returns p exactly.

// String returns the text form of p: Disassemble(p).
func (p Program) String() string { return Disassemble(p) }

// Disassemble returns the text form of any program, valid or not: one line
// per instruction, "NNNN: mnemonic operands", followed by a comment where
// there is something to say. AssembleText(Disassemble(p)) returns exactly p,
// so the text is a faithful, editable copy of the program. The syntax is
// described at AssembleText. A sample:
//
//	0000: ld   [4]                      ; arch
//	0001: jeq  #AUDIT_ARCH_X86_64, 0002, 0007
//	0002: ld   [0]                      ; nr
//	0003: jge  #X32_SYSCALL_BIT, 0007, 0004
//	0004: jeq  #1, 0006, 0005           ; write (x86_64)
//	0005: ret  ERRNO(38)
//	0006: ret  ALLOW
//	0007: ret  KILL_PROCESS
//
// What it prints:
//
//   - Every line starts with the instruction's index, and jump targets are
//     printed as absolute indices ("0006"), both targets of a conditional
//     jump always. Indices have at least four digits.
//   - Loads from seccomp_data are commented with the field loaded: nr,
//     arch, instruction_pointer.lo/.hi, args[i].lo/.hi. The halves of the
//     64-bit fields are named in the byte order of the arch the program
//     has checked for there (seccomp_data follows the audit arch token's
//     byte order: s390x, ppc64, mips are big-endian). The text's order is
//     big-endian when every arch the program checks for is (it then starts
//     with ".order big"), little-endian otherwise (see DisassembleIn);
//     a load named in the other order has " (big-endian)" or
//     " (little-endian)" after its name, in a program that covers both.
//   - A simple forward data flow tracks whether A holds nr or arch, and
//     which arch tokens are possible at each instruction (from jeq tests of
//     arch). A value compared with arch prints as its AUDIT_ARCH_* name; a
//     jge, jgt or jset of nr against 0x40000000 prints as X32_SYSCALL_BIT
//     where x86_64 is possible; and a number nr is tested for equality
//     with (jeq) is commented with the system call's name when exactly one
//     arch is possible there and that arch's table (see Arches) knows the
//     number. A jgt or jge of nr splits the numbers at a boundary, which is
//     not about the call of that number: it has no name.
//     Under AUDIT_ARCH_X86_64 a number with X32SyscallBit is looked up in
//     the x32 table (see ArchesOf).
//   - "ret #k" prints the action by name with its data (Action.RawString):
//     ALLOW, ERRNO(1), KILL_PROCESS, ALLOW|0x5 for data the kernel ignores.
//     A value whose action part the kernel does not know prints as a
//     number, with a comment.
//   - Immediates are decimal below 0x10000 and hexadecimal from there on,
//     and always hexadecimal for the bitwise and, or, xor and jset.
//   - Anything the readable form cannot carry is printed raw with the
//     .insn directive, and a comment says what the instruction would be:
//     opcodes classic BPF does not know, jt, jf or k set where the opcode
//     does not use them, and jumps whose target is past the last
//     instruction.
//
// The comments are for people; AssembleText ignores them, and they may
// change between versions (the syscall names come from the tables of
// Arches). The rest of the text is stable.
func Disassemble(p Program) string { return text.PrintNative(p, syscallName) }

// DisassembleIn is Disassemble for a target with the given byte order (an
// Arch's ByteOrder): it changes only which half of instruction_pointer and
// args[i] the comments of loads name as .lo and .hi where the program has
// not checked the arch (and which ones get a note that their arch's order
// is the other). For a big-endian target the text starts with the
// directive ".order big", so that the field names of the comments mean the
// same thing when used as load operands (but those with a note);
// AssembleText(DisassembleIn(p, order)) is p for either order.
func DisassembleIn(p Program, order binary.ByteOrder) string {
	return text.Print(p, uapi.LittleEndian(order), syscallName)
}

// DisassembleOrder is DisassembleIn for a little-endian (le) or big-endian
// target.
//
// Deprecated: Use DisassembleIn, which takes the byte order as a
// binary.ByteOrder.
func DisassembleOrder(p Program, le bool) string { return text.Print(p, le, syscallName) }

// syscallName names system call nr under the audit arch token for the
// comments of the text form: "name (arch)", or "" if no table knows it.
// Under AUDIT_ARCH_X86_64 a number with X32SyscallBit is looked up in the
// x32 table.
func syscallName(token, nr uint32) string {
	x32 := AuditArch(token) == AuditArchX86_64 && nr&X32SyscallBit != 0
	for _, a := range arches {
		if a.AuditArch != AuditArch(token) || (a == ArchX32) != x32 {
			continue
		}
		if name, ok := a.SyscallName(int32(nr)); ok {
			return name + " (" + a.Name + ")"
		}
	}
	return ""
}

// AssembleText assembles the text form of a program: what Disassemble
// prints, or a program written by hand in the same syntax, which is close to
// the kernel's bpf_asm. It never panics. Errors are *AssembleError values
// whose Line is the line at fault (counted from 1), Insn the position in the
// text of the instruction concerned (-1 if none), and Reason what is wrong.
// AssembleText does not verify the program: see Verify.
//
// # Lines
//
// The text is a sequence of lines; each holds, all optional and in this
// order, prefixes, one statement and a comment:
//
//	line      = { prefix ":" } [ statement ] [ comment ]
//	prefix    = label | index
//	label     = letter { letter | digit | "." }    (letter: A-Z a-z _)
//	index     = digit { digit }                    (decimal)
//	statement = mnemonic [ operand { "," operand } ] | directive
//	comment   = ";" ... | "//" ... | "/*" ... "*/"
//
// A comment starting with ";" or "//" runs to the end of the line; one
// between "/*" and "*/" may span lines. A line whose first non-blank
// character is "#" is a comment too (bpf_asm style); elsewhere "#" starts
// an immediate. Blanks may separate any two tokens. Mnemonics, directives
// and keywords (x, a, M, len, field names, actions, constants) may be
// written in any case; labels are case-sensitive.
//
// A label prefix names the position of the next instruction: the one on the
// same line, or the first on a later line. An index prefix ("0012:") does
// the same for a jump target written as a number, and says which
// instruction "0012" designates: when the text numbers its instructions (has
// any index prefix), a numeric jump target names the instruction with that
// number, whatever its position, so numbered text stays correct when lines
// are inserted or removed. Text without index prefixes uses positions: a
// numeric target N is the instruction at index N (from 0). Disassemble's
// text numbers every instruction with its index, so both readings agree on
// it. Numbers and labels must be unique.
//
// # Statements
//
// In the table, k is an immediate, "#" followed by a number or a symbol;
// T and F are jump targets, labels or decimal instruction numbers:
//
//	ld   [k]           A = 32-bit word at offset k   BPF_LD|BPF_W|BPF_ABS
//	ldh  [k]           A = 16-bit half word at k     BPF_LD|BPF_H|BPF_ABS
//	ldb  [k]           A = byte at k                 BPF_LD|BPF_B|BPF_ABS
//	ld   [x + k]       the same at offset X + k      BPF_IND (also ldh, ldb)
//	ld   #k            A = k                         BPF_LD|BPF_IMM
//	ld   #len          A = length of the data (64)   BPF_LD|BPF_W|BPF_LEN
//	ld   #proto        ancillary load, as bpf_asm: #proto #type #ifidx #nla
//	                   #nlan #mark #queue #hatype #rxhash #cpu #vlan_tci
//	                   #vlan_avail #poff #rand #vlan_tpid = ld [0xfffff000+...]
//	ld   M[k]          A = scratch word k            BPF_LD|BPF_MEM
//	ldx  #k, ldx #len, ldx M[k]    the same into X
//	ldx  4*([k]&0xf)   X = 4 * (byte at k & 0xf)     BPF_LDX|BPF_B|BPF_MSH
//	                   ("ldxb" is accepted too)
//	st   M[k]          M[k] = A
//	stx  M[k]          M[k] = X
//	tax                X = A
//	txa                A = X
//	add  #k | x        A = A + k (or X); also sub, mul, div, mod, and, or,
//	                   xor, lsh, rsh
//	neg                A = -A
//	ja   T             jump to T ("jmp" is accepted too)
//	jeq  #k | x, T [, F]   to T if A == k (or X), else to F
//	jgt  #k | x, T [, F]   to T if A > k
//	jge  #k | x, T [, F]   to T if A >= k
//	jset #k | x, T [, F]   to T if A & k != 0
//	jne, jneq, jlt, jle, jnset #k | x, T [, F]
//	                   the negations, encoded as the tests above with
//	                   the targets swapped
//	ret  action | #k   return the value
//	ret  a             return A
//
// A missing F is the next instruction. The comparisons are unsigned. Jumps
// go forward only; a conditional jump whose target lies more than 255
// instructions ahead is routed through an unconditional jump inserted after
// it, as Source.Assemble does. Jump targets count the instructions of the
// text, not the inserted ones.
//
// # Operands
//
// A number is decimal (leading zeros allowed, still decimal) or hexadecimal
// with 0x, at most 0xffffffff. An immediate is "#" followed by a number, by
// "-" and a number (its two's complement, down to -0x80000000), or by a
// symbol: AUDIT_ARCH_X86_64 and the other AUDIT_ARCH_* tokens (see
// AuditArch), or X32_SYSCALL_BIT. An offset in "[...]" may be a number or a
// field of seccomp_data: nr, arch, instruction_pointer.lo,
// instruction_pointer.hi, args[0].lo ... args[5].hi, where .lo and .hi are
// the low and high 32 bits in the byte order the .order directive sets
// (little-endian unless told otherwise).
//
// An action is one of KILL_PROCESS, KILL_THREAD (or KILL), TRAP(n),
// ERRNO(n), USER_NOTIF, TRACE(n), LOG and ALLOW, with n a number below
// 0x10000 (0 if the parentheses are left out), or "-" and a number, its
// two's complement in the 16 bits of the data (down to -0x8000), as for
// immediates: ERRNO(-1) is ERRNO(65535), as #-1 is #0xffffffff. The
// actions without data take "|n" to set the data bits the kernel ignores:
// ALLOW|0x5. This is the form of Action.RawString.
//
// # Directives
//
//	.insn code, jt, jf, k
//	      one instruction with the four fields given as numbers (code below
//	      0x10000, jt and jf below 256), emitted as is: for anything the
//	      other statements cannot express. Its jump offsets are used
//	      verbatim, not recomputed when long jumps are inserted.
//	.order little | big
//	      the byte order in which the following .lo and .hi offsets are
//	      read.
//
// A sample, written by hand:
//
//	        ld   [arch]
//	        jne  #AUDIT_ARCH_X86_64, kill
//	        ld   [nr]
//	        jge  #X32_SYSCALL_BIT, kill
//	        jeq  #1, allow          ; write
//	        jeq  #60, allow         ; exit
//	        ret  ERRNO(1)
//	allow:  ret  ALLOW
//	kill:   ret  KILL_PROCESS
func AssembleText(src string) (Program, error) {
	p, err := text.Assemble(src)
	if err != nil {
		return nil, assembleError(err)
	}
	return Program(p), nil
}
