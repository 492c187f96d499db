package seccomp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/asm"
	"github.com/seccomp-go/seccomp/internal/opcode"
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
//     64-bit fields are named for a little-endian target; see
//     DisassembleOrder.
//   - A simple forward data flow tracks whether A holds nr or arch, and
//     which arch tokens are possible at each instruction (from jeq tests of
//     arch). A value compared with arch prints as its AUDIT_ARCH_* name; a
//     jge, jgt or jset of nr against 0x40000000 prints as X32_SYSCALL_BIT
//     where x86_64 is possible; and a number compared with nr (jeq, jgt,
//     jge) is commented with the system call's name when exactly one arch is
//     possible there and that arch's table (see Arches) knows the number.
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
func Disassemble(p Program) string { return DisassembleOrder(p, true) }

// DisassembleOrder is Disassemble for a target with the given byte order
// (le for little-endian): it changes only which half of instruction_pointer
// and args[i] the comments of loads name as .lo and .hi. For a big-endian
// target (le false) the text starts with the directive ".order big", so that
// the field names of the comments mean the same thing when used as load
// operands; AssembleText(DisassembleOrder(p, le)) is p for either order.
func DisassembleOrder(p Program, le bool) string {
	d := textDisassembler{p: p, le: le}
	d.flow()
	var b strings.Builder
	if !le {
		b.WriteString(".order big\n")
	}
	for i := range p {
		text, comment := d.insn(i)
		start := b.Len()
		fmt.Fprintf(&b, "%04d: %s", i, text)
		if comment != "" {
			pad := textCommentColumn - (b.Len() - start)
			if pad < 2 {
				pad = 2
			}
			b.WriteString(strings.Repeat(" ", pad))
			b.WriteString("; ")
			b.WriteString(comment)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// textCommentColumn is the column of the comments of Disassemble.
const textCommentColumn = 36

type textDisassembler struct {
	p     Program
	le    bool
	state []textFlow

	arches map[AuditArch][]*Arch // ArchesOf, cached
}

// insn returns the text and the comment of instruction i.
func (d *textDisassembler) insn(i int) (text, comment string) {
	in := d.p[i]
	mn, ops, comment, bad := d.decode(i)
	if mn != "" && len(bad) == 0 {
		return textJoinInsn(mn, ops), comment
	}
	text = fmt.Sprintf(".insn 0x%02x, %d, %d, %#x", in.Op, in.Jt, in.Jf, in.K)
	if mn == "" {
		return text, "unknown opcode"
	}
	return text, textJoinInsn(mn, ops) + " (" + strings.Join(bad, ", ") + ")"
}

func textJoinInsn(mn, ops string) string {
	if ops == "" {
		return mn
	}
	return fmt.Sprintf("%-4s %s", mn, ops)
}

var (
	textALUNames = map[uint16]string{
		opcode.AluADD: "add", opcode.AluSUB: "sub", opcode.AluMUL: "mul", opcode.AluDIV: "div", opcode.AluMOD: "mod",
		opcode.AluAND: "and", opcode.AluOR: "or", opcode.AluXOR: "xor", opcode.AluLSH: "lsh", opcode.AluRSH: "rsh",
	}
	textLoadNames = map[uint16]string{opcode.SzW: "ld", opcode.SzH: "ldh", opcode.SzB: "ldb"}
	textJumpNames = map[uint16]string{
		opcode.JmpJEQ: "jeq", opcode.JmpJGT: "jgt", opcode.JmpJGE: "jge", opcode.JmpJSET: "jset",
	}
	// The ancillary loads of socket filters (SKF_AD_*), by (k-SKF_AD_OFF)/4.
	textAncillary = [...]string{
		"SKF_AD_PROTOCOL", "SKF_AD_PKTTYPE", "SKF_AD_IFINDEX", "SKF_AD_NLATTR",
		"SKF_AD_NLATTR_NEST", "SKF_AD_MARK", "SKF_AD_QUEUE", "SKF_AD_HATYPE",
		"SKF_AD_RXHASH", "SKF_AD_CPU", "SKF_AD_ALU_XOR_X", "SKF_AD_VLAN_TAG",
		"SKF_AD_VLAN_TAG_PRESENT", "SKF_AD_PAY_OFFSET", "SKF_AD_RANDOM", "SKF_AD_VLAN_TPID",
	}
	// bpf_asm's names of the ancillary loads ("ld #proto"), read by
	// AssembleText; the offsets are from SKF_AD_OFF.
	textExtensions = map[string]uint32{
		"proto": 0, "type": 4, "ifidx": 8, "nla": 12, "nlan": 16, "mark": 20,
		"queue": 24, "hatype": 28, "rxhash": 32, "cpu": 36, "vlan_tci": 44,
		"vlan_avail": 48, "poff": 52, "rand": 56, "vlan_tpid": 60,
	}
)

// textNum prints an immediate: decimal below 0x10000, else hexadecimal.
func textNum(k uint32) string {
	if k < 0x10000 {
		return strconv.FormatUint(uint64(k), 10)
	}
	return fmt.Sprintf("%#x", k)
}

func textTarget(t uint64) string { return fmt.Sprintf("%04d", t) }

// decode returns the readable form of instruction i (mnemonic, operands,
// comment), and what stops it from standing for the instruction exactly
// (bad). mn is empty for an unknown opcode.
func (d *textDisassembler) decode(i int) (mn, ops, comment string, bad []string) {
	in := d.p[i]
	n := uint64(len(d.p))
	k := in.K
	if in.Op >= opcode.NumOpcode || !opcode.GenericAllowed[in.Op] {
		return "", "", "", nil
	}
	op := in.Op
	noK := func() {
		if k != 0 {
			bad = append(bad, fmt.Sprintf("unused k=%#x", k))
		}
	}
	cond := false
	switch op {
	case opcode.LdWAbs, opcode.LdHAbs, opcode.LdBAbs:
		mn, ops = textLoadNames[op&0x18], "["+textNum(k)+"]"
		comment = d.loadComment(op, k)
	case opcode.LdWInd, opcode.LdHInd, opcode.LdBInd:
		mn, ops = textLoadNames[op&0x18], "[x + "+textNum(k)+"]"
	case opcode.LdLen, opcode.LdxLen:
		mn, ops = "ld", "#len"
		if op == opcode.LdxLen {
			mn = "ldx"
		}
		noK()
	case opcode.LdImm:
		mn, ops = "ld", "#"+textNum(k)
	case opcode.LdxImm:
		mn, ops = "ldx", "#"+textNum(k)
	case opcode.LdMem:
		mn, ops = "ld", "M["+textNum(k)+"]"
	case opcode.LdxMem:
		mn, ops = "ldx", "M["+textNum(k)+"]"
	case opcode.LdxMsh:
		mn, ops = "ldx", "4*(["+textNum(k)+"]&0xf)"
	case opcode.St:
		mn, ops = "st", "M["+textNum(k)+"]"
	case opcode.Stx:
		mn, ops = "stx", "M["+textNum(k)+"]"
	case opcode.Tax:
		mn = "tax"
		noK()
	case opcode.Txa:
		mn = "txa"
		noK()
	case opcode.Neg:
		mn = "neg"
		noK()
	case opcode.RetA:
		mn, ops = "ret", "a"
		noK()
	case opcode.RetK:
		mn = "ret"
		ops, comment = textRetOperand(Action(k))
	case opcode.Ja:
		t := uint64(i) + 1 + uint64(k)
		mn, ops = "ja", textTarget(t)
		if t >= n {
			bad = append(bad, "target past the end")
		}
	default:
		if op&0x07 == opcode.ClsALU {
			mn = textALUNames[op&0xf0]
			if op&opcode.SrcX != 0 {
				ops = "x"
				noK()
			} else if op&0xf0 == opcode.AluAND || op&0xf0 == opcode.AluOR || op&0xf0 == opcode.AluXOR {
				ops = fmt.Sprintf("#%#x", k)
			} else {
				ops = "#" + textNum(k)
			}
			break
		}
		// A conditional jump.
		cond = true
		mn = textJumpNames[op&0xf0]
		if op&opcode.SrcX != 0 {
			ops = "x"
			noK()
		} else {
			var operand string
			operand, comment = d.compare(i, op&0xf0, k)
			ops = operand
		}
		tT, tF := uint64(i)+1+uint64(in.Jt), uint64(i)+1+uint64(in.Jf)
		ops += ", " + textTarget(tT) + ", " + textTarget(tF)
		if tT >= n || tF >= n {
			bad = append(bad, "target past the end")
		}
	}
	if !cond && (in.Jt != 0 || in.Jf != 0) {
		bad = append(bad, fmt.Sprintf("unused jt=%d jf=%d", in.Jt, in.Jf))
	}
	return mn, ops, comment, bad
}

// textRetOperand prints the operand of "ret #k".
func textRetOperand(a Action) (ops, comment string) {
	if !a.Known() {
		return fmt.Sprintf("#%#x", uint32(a)), "unknown action: the kernel kills the process"
	}
	if a.Kind() == ActErrno && a.Data() > MaxErrno {
		comment = fmt.Sprintf("the kernel clamps the errno to %d", MaxErrno)
	}
	return a.RawString(), comment
}

// loadComment names what an absolute load reads.
func (d *textDisassembler) loadComment(op uint16, k uint32) string {
	if op == opcode.LdWAbs && k < SizeofData && k%4 == 0 {
		return textFieldName(k, d.le)
	}
	if k >= opcode.SkfAdOff && knownAncillary(k) {
		return textAncillary[(k-opcode.SkfAdOff)/4]
	}
	return ""
}

// textFieldName names the seccomp_data word at offset k (a multiple of 4
// below 64) for the given byte order.
func textFieldName(k uint32, le bool) string {
	switch k {
	case OffsetNr:
		return "nr"
	case OffsetArch:
		return "arch"
	}
	half := ".hi"
	if (k%8 == 0) == le {
		half = ".lo"
	}
	if k < OffsetArgs {
		return "instruction_pointer" + half
	}
	return fmt.Sprintf("args[%d]%s", (k-OffsetArgs)/8, half)
}

// compare prints the operand #k of a conditional jump (jmp is its jmpJ*
// bits) at instruction i, with what the data flow knows about A.
func (d *textDisassembler) compare(i int, jmp uint16, k uint32) (operand, comment string) {
	operand = "#" + textNum(k)
	if jmp == opcode.JmpJSET {
		operand = fmt.Sprintf("#%#x", k)
	}
	st := &d.state[i]
	switch st.a {
	case textAArch:
		if jmp != opcode.JmpJSET {
			if name, ok := AuditArch(k).Name(); ok {
				operand = "#AUDIT_ARCH_" + name
			}
		}
	case textANr:
		if jmp != opcode.JmpJEQ && k == X32SyscallBit && st.mayBe(AuditArchX86_64) {
			return "#X32_SYSCALL_BIT", ""
		}
		if jmp != opcode.JmpJSET {
			if arch, ok := st.single(); ok {
				comment = d.syscallName(arch, k)
			}
		}
	}
	return operand, comment
}

// syscallName returns "name (arch)" for system call nr under the audit
// arch token, or "" if no table knows it.
func (d *textDisassembler) syscallName(arch AuditArch, nr uint32) string {
	if d.arches == nil {
		d.arches = make(map[AuditArch][]*Arch)
	}
	as, ok := d.arches[arch]
	if !ok {
		as = ArchesOf(arch)
		d.arches[arch] = as
	}
	x32 := arch == AuditArchX86_64 && nr&X32SyscallBit != 0
	for _, a := range as {
		if a.table == nil || (a.Name == "x32") != x32 {
			continue
		}
		if name, ok := a.SyscallName(int32(nr)); ok {
			return name + " (" + a.Name + ")"
		}
	}
	return ""
}

// What the accumulator is known to hold.
type textAHolds uint8

const (
	textAOther textAHolds = iota // anything
	textANr                      // seccomp_data.nr
	textAArch                    // seccomp_data.arch
)

// textMaxArches bounds the set of arches the data flow tracks; beyond it,
// any arch is possible.
const textMaxArches = 32

// textFlow is what the data flow knows on entry to an instruction.
type textFlow struct {
	reached bool
	a       textAHolds
	anyArch bool        // any arch token is possible
	arches  []AuditArch // else the possible ones; shared, never modified
}

func (s *textFlow) single() (AuditArch, bool) {
	if s.anyArch || len(s.arches) != 1 {
		return 0, false
	}
	return s.arches[0], true
}

func (s *textFlow) mayBe(a AuditArch) bool {
	if s.anyArch {
		return true
	}
	for _, b := range s.arches {
		if a == b {
			return true
		}
	}
	return false
}

// flow computes d.state with one forward pass: BPF jumps only forward, so
// every predecessor of an instruction comes before it.
func (d *textDisassembler) flow() {
	n := len(d.p)
	d.state = make([]textFlow, n)
	if n == 0 {
		return
	}
	d.state[0] = textFlow{reached: true, anyArch: true}
	for i, in := range d.p {
		st := d.state[i]
		if !st.reached {
			continue
		}
		switch in.Op {
		case opcode.RetK, opcode.RetA:
			continue
		case opcode.Ja:
			if t := uint64(i) + 1 + uint64(in.K); t < uint64(n) {
				d.join(int(t), st)
			}
			continue
		case opcode.JeqK, opcode.JeqX, opcode.JgtK, opcode.JgtX, opcode.JgeK, opcode.JgeX, opcode.JsetK, opcode.JsetX:
			sT, sF := st, st
			okT, okF := true, true
			if in.Op == opcode.JeqK && st.a == textAArch {
				sT, okT = st.withArch(AuditArch(in.K))
				sF, okF = st.withoutArch(AuditArch(in.K))
			}
			if t := i + 1 + int(in.Jt); okT && t < n {
				d.join(t, sT)
			}
			if f := i + 1 + int(in.Jf); okF && f < n {
				d.join(f, sF)
			}
			continue
		case opcode.LdWAbs:
			switch in.K {
			case OffsetNr:
				st.a = textANr
			case OffsetArch:
				st.a = textAArch
			default:
				st.a = textAOther
			}
		case opcode.LdxLen, opcode.LdxImm, opcode.LdxMem, opcode.LdxMsh, opcode.St, opcode.Stx, opcode.Tax:
			// A unchanged.
		default:
			// Other loads into A, ALU operations, txa, unknown opcodes.
			st.a = textAOther
		}
		if i+1 < n {
			d.join(i+1, st)
		}
	}
}

// join merges the state s flowing into instruction t.
func (d *textDisassembler) join(t int, s textFlow) {
	dst := &d.state[t]
	if !dst.reached {
		*dst = s
		return
	}
	if dst.a != s.a {
		dst.a = textAOther
	}
	if dst.anyArch || s.anyArch {
		dst.anyArch, dst.arches = true, nil
		return
	}
	var added []AuditArch
	for _, a := range s.arches {
		if !dst.mayBe(a) {
			added = append(added, a)
		}
	}
	if len(added) == 0 {
		return
	}
	union := append(append([]AuditArch(nil), dst.arches...), added...)
	if len(union) > textMaxArches {
		dst.anyArch, dst.arches = true, nil
		return
	}
	dst.arches = union
}

// withArch is s where arch == a, and false if that cannot be.
func (s textFlow) withArch(a AuditArch) (textFlow, bool) {
	if !s.mayBe(a) {
		return s, false
	}
	s.anyArch, s.arches = false, []AuditArch{a}
	return s, true
}

// withoutArch is s where arch != a, and false if that cannot be.
func (s textFlow) withoutArch(a AuditArch) (textFlow, bool) {
	if s.anyArch {
		return s, true
	}
	var rest []AuditArch
	for _, b := range s.arches {
		if b != a {
			rest = append(rest, b)
		}
	}
	s.arches = rest
	return s, len(rest) > 0
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
// 0x10000 (0 if the parentheses are left out). The actions without data
// take "|n" to set the data bits the kernel ignores: ALLOW|0x5. This is the
// form of Action.RawString.
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
	a := textAssembler{le: true}
	lines, err := textLines(src)
	if err != nil {
		return nil, err
	}
	for i, line := range lines {
		if err := a.line(i+1, line); err != nil {
			return nil, err
		}
	}
	return a.assemble()
}

// textLines splits src into lines with the comments blanked out.
func textLines(src string) ([]string, error) {
	var lines []string
	var cur strings.Builder
	inBlock, blockLine := false, 0
	lineStart := true // only blanks so far on this line
	for i := 0; i < len(src); i++ {
		c := src[i]
		next := byte(0)
		if i+1 < len(src) {
			next = src[i+1]
		}
		if c == '\n' {
			lines = append(lines, cur.String())
			cur.Reset()
			lineStart = true
			continue
		}
		if inBlock {
			if c == '*' && next == '/' {
				inBlock = false
				i++
			}
			continue
		}
		switch {
		case c == ';' || c == '/' && next == '/' || c == '#' && lineStart:
			for i+1 < len(src) && src[i+1] != '\n' {
				i++
			}
			continue
		case c == '/' && next == '*':
			inBlock, blockLine = true, len(lines)+1
			cur.WriteByte(' ')
			i++
			continue
		}
		if !textBlank(c) {
			lineStart = false
		}
		cur.WriteByte(c)
	}
	if inBlock {
		return nil, &AssembleError{Insn: -1, Line: blockLine, Reason: "comment /* not closed"}
	}
	return append(lines, cur.String()), nil
}

func textBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// A token of the text form: an identifier ('i'), a number ('n'), or the
// punctuation character itself.
type textToken struct {
	kind byte
	text string
}

func textIdentStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '.'
}

func textDigit(c byte) bool { return '0' <= c && c <= '9' }

func textLex(s string) ([]textToken, error) {
	var toks []textToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case textBlank(c):
			i++
		case textIdentStart(c) || textDigit(c):
			j := i + 1
			for j < len(s) && (textIdentStart(s[j]) || textDigit(s[j])) {
				j++
			}
			kind := byte('i')
			if textDigit(c) {
				kind = 'n'
			}
			toks = append(toks, textToken{kind, s[i:j]})
			i = j
		case strings.IndexByte("#[]()+*&,:|-", c) >= 0:
			toks = append(toks, textToken{c, s[i : i+1]})
			i++
		default:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return nil, fmt.Errorf("unexpected character %q", r)
		}
	}
	return toks, nil
}

// textParser reads the tokens of one statement.
type textParser struct {
	toks []textToken
	pos  int
}

func (p *textParser) peek() textToken {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return textToken{}
}

func (p *textParser) next() textToken {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

// accept consumes the next token if it has the given kind.
func (p *textParser) accept(kind byte) bool {
	if p.peek().kind == kind {
		p.pos++
		return true
	}
	return false
}

// acceptWord consumes the next token if it is the identifier w, in any
// case.
func (p *textParser) acceptWord(w string) bool {
	if t := p.peek(); t.kind == 'i' && strings.EqualFold(t.text, w) {
		p.pos++
		return true
	}
	return false
}

func (t textToken) String() string {
	if t.kind == 0 {
		return "end of line"
	}
	return strconv.Quote(t.text)
}

func (p *textParser) expect(kind byte) error {
	if t := p.next(); t.kind != kind {
		return fmt.Errorf("expected %q, found %v", string(kind), t)
	}
	return nil
}

func (p *textParser) end() error {
	if t := p.peek(); t.kind != 0 {
		return fmt.Errorf("unexpected %v after the operands", t)
	}
	return nil
}

// number reads a number no larger than max.
func (p *textParser) number(max uint32) (uint32, error) {
	t := p.next()
	if t.kind != 'n' {
		return 0, fmt.Errorf("expected a number, found %v", t)
	}
	return textParseNum(t.text, max)
}

func textParseNum(s string, max uint32) (uint32, error) {
	var v uint64
	var err error
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		v, err = strconv.ParseUint(s[2:], 16, 64)
	} else {
		v, err = strconv.ParseUint(s, 10, 64)
	}
	switch {
	case errors.Is(err, strconv.ErrRange) || err == nil && v > uint64(max):
		return 0, fmt.Errorf("number %s is out of range (at most %#x)", s, max)
	case err != nil:
		return 0, fmt.Errorf("bad number %q", s)
	}
	return uint32(v), nil
}

// imm reads an immediate after its "#".
func (p *textParser) imm() (uint32, error) {
	switch t := p.peek(); t.kind {
	case '-':
		p.next()
		v, err := p.number(0x80000000)
		return -v, err
	case 'n':
		return p.number(0xffffffff)
	case 'i':
		p.next()
		if strings.EqualFold(t.text, "X32_SYSCALL_BIT") {
			return X32SyscallBit, nil
		}
		if len(t.text) > 11 && strings.EqualFold(t.text[:11], "AUDIT_ARCH_") {
			if a, ok := AuditArchByName(t.text); ok {
				return uint32(a), nil
			}
		}
		return 0, fmt.Errorf("unknown constant %q", t.text)
	default:
		return 0, fmt.Errorf("expected a number or a constant after '#', found %v", t)
	}
}

// operandK reads "#k" or "x", and says which.
func (p *textParser) operandK() (k uint32, x bool, err error) {
	if p.acceptWord("x") {
		return 0, true, nil
	}
	if !p.accept('#') {
		return 0, false, fmt.Errorf("expected #k or x, found %v", p.peek())
	}
	k, err = p.imm()
	return k, false, err
}

// scratch reads "M[k]".
func (p *textParser) scratch() (uint32, error) {
	if !p.acceptWord("M") {
		return 0, fmt.Errorf("expected M[k], found %v", p.peek())
	}
	if err := p.expect('['); err != nil {
		return 0, err
	}
	k, err := p.number(0xffffffff)
	if err != nil {
		return 0, err
	}
	return k, p.expect(']')
}

// msh reads "4*([k]&0xf)".
func (p *textParser) msh() (uint32, error) {
	if t := p.peek(); t.kind != 'n' || t.text != "4" {
		return 0, fmt.Errorf("expected 4*([k]&0xf), found %v", t)
	}
	p.next()
	for _, c := range "*([" {
		if err := p.expect(byte(c)); err != nil {
			return 0, err
		}
	}
	k, err := p.number(0xffffffff)
	if err != nil {
		return 0, err
	}
	for _, c := range "]&" {
		if err := p.expect(byte(c)); err != nil {
			return 0, err
		}
	}
	if m, err := p.number(0xffffffff); err != nil || m != 0xf {
		return 0, errors.New("expected 4*([k]&0xf): the mask must be 0xf")
	}
	return k, p.expect(')')
}

// target reads a jump target.
func (p *textParser) target() (textJumpTarget, error) {
	t := p.next()
	switch {
	case t.kind == 'i' && t.text[0] != '.':
		return textJumpTarget{name: t.text, num: -1}, nil
	case t.kind == 'n':
		n, err := textIndex(t.text)
		if err != nil {
			return textJumpTarget{}, err
		}
		return textJumpTarget{name: textIndexLabel(n), num: n}, nil
	}
	return textJumpTarget{}, fmt.Errorf("expected a jump target (a label or an instruction number), found %v", t)
}

// textIndex parses a decimal instruction number.
func textIndex(s string) (int, error) {
	for i := 0; i < len(s); i++ {
		if !textDigit(s[i]) {
			return 0, fmt.Errorf("bad instruction number %q: must be decimal", s)
		}
	}
	n, err := strconv.ParseUint(s, 10, 31)
	if err != nil {
		return 0, fmt.Errorf("instruction number %s is too large", s)
	}
	return int(n), nil
}

// textIndexLabel is the Source label of instruction number n. It cannot
// clash with a label of the text, which starts with a letter.
func textIndexLabel(n int) string { return fmt.Sprintf("%04d", n) }

type textItemKind uint8

const (
	textLabel textItemKind = iota // a label definition
	textPlain                     // an instruction with no target
	textJump                      // ja
	textCond                      // a conditional jump
	textRaw                       // .insn
)

type textJumpTarget struct {
	name string // Source label; "" for the next instruction
	num  int    // the instruction number, when name is one
}

type textItem struct {
	kind  textItemKind
	line  int
	label string             // textLabel
	raw   bpf.RawInstruction // textPlain, textRaw
	cond  bpf.JumpTest       // textCond
	x     bool               // textCond: compare with X
	k     uint32             // textCond
	t, f  textJumpTarget     // textJump (t), textCond
}

type textAssembler struct {
	le       bool // byte order of .lo and .hi
	items    []textItem
	nInsn    int
	numbered bool           // the text has index prefixes
	indices  map[string]int // index label -> line
}

// line parses one line, comments removed.
func (a *textAssembler) line(n int, s string) error {
	toks, err := textLex(s)
	if err != nil {
		return &AssembleError{Insn: -1, Line: n, Reason: err.Error()}
	}
	p := &textParser{toks: toks}
	for len(p.toks) > p.pos+1 && p.toks[p.pos+1].kind == ':' {
		t := p.toks[p.pos]
		var name string
		switch {
		case t.kind == 'n':
			idx, err := textIndex(t.text)
			if err != nil {
				return &AssembleError{Insn: -1, Line: n, Reason: err.Error()}
			}
			name = textIndexLabel(idx)
			a.numbered = true
			if a.indices == nil {
				a.indices = make(map[string]int)
			}
			a.indices[name] = n
		case t.kind == 'i' && t.text[0] != '.':
			name = t.text
		default:
			return &AssembleError{Insn: -1, Line: n, Reason: fmt.Sprintf("bad label %v", t)}
		}
		a.items = append(a.items, textItem{kind: textLabel, line: n, label: name})
		p.pos += 2
	}
	if p.peek().kind == 0 {
		return nil
	}
	it, err := a.statement(p)
	if err == nil {
		err = p.end()
	}
	if err != nil {
		return &AssembleError{Insn: a.nInsn, Line: n, Reason: err.Error()}
	}
	if it.kind == textLabel { // a directive
		return nil
	}
	it.line = n
	a.items = append(a.items, it)
	a.nInsn++
	return nil
}

var textConds = map[string]bpf.JumpTest{
	"jeq": bpf.JumpEqual, "jne": bpf.JumpNotEqual, "jneq": bpf.JumpNotEqual,
	"jgt": bpf.JumpGreaterThan, "jle": bpf.JumpLessOrEqual,
	"jge": bpf.JumpGreaterOrEqual, "jlt": bpf.JumpLessThan,
	"jset": bpf.JumpBitsSet, "jnset": bpf.JumpBitsNotSet,
}

var textALUOps = map[string]uint16{
	"add": opcode.AluADD, "sub": opcode.AluSUB, "mul": opcode.AluMUL, "div": opcode.AluDIV, "mod": opcode.AluMOD,
	"and": opcode.AluAND, "or": opcode.AluOR, "xor": opcode.AluXOR, "lsh": opcode.AluLSH, "rsh": opcode.AluRSH,
}

// statement parses a statement. A directive that emits nothing returns an
// item of kind textLabel.
func (a *textAssembler) statement(p *textParser) (textItem, error) {
	t := p.next()
	if t.kind != 'i' {
		return textItem{}, fmt.Errorf("expected an instruction, found %v", t)
	}
	mn := strings.ToLower(t.text)
	plain := func(op uint16, k uint32) (textItem, error) {
		return textItem{kind: textPlain, raw: bpf.RawInstruction{Op: op, K: k}}, nil
	}
	if cond, ok := textConds[mn]; ok {
		k, x, err := p.operandK()
		if err != nil {
			return textItem{}, err
		}
		if err := p.expect(','); err != nil {
			return textItem{}, err
		}
		it := textItem{kind: textCond, cond: cond, x: x, k: k}
		if it.t, err = p.target(); err != nil {
			return textItem{}, err
		}
		if p.accept(',') {
			if it.f, err = p.target(); err != nil {
				return textItem{}, err
			}
		}
		return it, nil
	}
	if alu, ok := textALUOps[mn]; ok {
		k, x, err := p.operandK()
		if err != nil {
			return textItem{}, err
		}
		if x {
			return plain(opcode.ClsALU|alu|opcode.SrcX, 0)
		}
		return plain(opcode.ClsALU|alu|opcode.SrcK, k)
	}
	switch mn {
	case "ld", "ldh", "ldb":
		return a.load(p, mn)
	case "ldx":
		switch {
		case p.accept('#'):
			if p.acceptWord("len") {
				return plain(opcode.LdxLen, 0)
			}
			k, err := p.imm()
			return textItem{kind: textPlain, raw: bpf.RawInstruction{Op: opcode.LdxImm, K: k}}, err
		case p.peek().kind == 'n':
			k, err := p.msh()
			return textItem{kind: textPlain, raw: bpf.RawInstruction{Op: opcode.LdxMsh, K: k}}, err
		}
		if t := p.peek(); t.kind != 'i' || !strings.EqualFold(t.text, "M") {
			return textItem{}, fmt.Errorf("ldx takes #k, #len, M[k] or 4*([k]&0xf), found %v", t)
		}
		k, err := p.scratch()
		return textItem{kind: textPlain, raw: bpf.RawInstruction{Op: opcode.LdxMem, K: k}}, err
	case "ldxb":
		k, err := p.msh()
		return textItem{kind: textPlain, raw: bpf.RawInstruction{Op: opcode.LdxMsh, K: k}}, err
	case "st", "stx":
		k, err := p.scratch()
		op := uint16(opcode.St)
		if mn == "stx" {
			op = opcode.Stx
		}
		return textItem{kind: textPlain, raw: bpf.RawInstruction{Op: op, K: k}}, err
	case "tax":
		return plain(opcode.Tax, 0)
	case "txa":
		return plain(opcode.Txa, 0)
	case "neg":
		return plain(opcode.Neg, 0)
	case "ja", "jmp":
		tgt, err := p.target()
		return textItem{kind: textJump, t: tgt}, err
	case "ret":
		switch {
		case p.acceptWord("a"):
			return plain(opcode.RetA, 0)
		case p.accept('#'):
			k, err := p.imm()
			return textItem{kind: textPlain, raw: bpf.RawInstruction{Op: opcode.RetK, K: k}}, err
		}
		act, err := p.action()
		return textItem{kind: textPlain, raw: bpf.RawInstruction{Op: opcode.RetK, K: uint32(act)}}, err
	case ".insn":
		var f [4]uint32
		for i, max := range [4]uint32{0xffff, 0xff, 0xff, 0xffffffff} {
			if i > 0 {
				if err := p.expect(','); err != nil {
					return textItem{}, err
				}
			}
			v, err := p.number(max)
			if err != nil {
				return textItem{}, err
			}
			f[i] = v
		}
		return textItem{kind: textRaw, raw: bpf.RawInstruction{Op: uint16(f[0]), Jt: uint8(f[1]), Jf: uint8(f[2]), K: f[3]}}, nil
	case ".order":
		switch {
		case p.acceptWord("little"):
			a.le = true
		case p.acceptWord("big"):
			a.le = false
		default:
			return textItem{}, fmt.Errorf(".order takes little or big, found %v", p.peek())
		}
		return textItem{kind: textLabel}, nil
	}
	if mn[0] == '.' {
		return textItem{}, fmt.Errorf("unknown directive %q", t.text)
	}
	return textItem{}, fmt.Errorf("unknown mnemonic %q", t.text)
}

// load parses the operand of ld, ldh and ldb.
func (a *textAssembler) load(p *textParser, mn string) (textItem, error) {
	size := uint16(opcode.SzW)
	switch mn {
	case "ldh":
		size = opcode.SzH
	case "ldb":
		size = opcode.SzB
	}
	item := func(op uint16, k uint32, err error) (textItem, error) {
		return textItem{kind: textPlain, raw: bpf.RawInstruction{Op: op, K: k}}, err
	}
	switch tok := p.peek(); {
	case tok.kind == '[':
		p.next()
		if p.acceptWord("x") {
			var k uint32
			if p.accept('+') {
				var err error
				if k, err = p.number(0xffffffff); err != nil {
					return textItem{}, err
				}
			}
			return item(opcode.ClsLD|size|opcode.ModeIND, k, p.expect(']'))
		}
		var k uint32
		var err error
		if p.peek().kind == 'i' {
			k, err = a.field(p)
		} else {
			k, err = p.number(0xffffffff)
		}
		if err != nil {
			return textItem{}, err
		}
		return item(opcode.ClsLD|size|opcode.ModeABS, k, p.expect(']'))
	case mn != "ld":
		return textItem{}, fmt.Errorf("%s takes [k] or [x + k], found %v", mn, tok)
	case tok.kind == '#':
		p.next()
		if t := p.peek(); t.kind == 'i' {
			if strings.EqualFold(t.text, "len") {
				p.next()
				return item(opcode.LdLen, 0, nil)
			}
			if off, ok := textExtensions[strings.ToLower(t.text)]; ok {
				p.next()
				return item(opcode.LdWAbs, opcode.SkfAdOff+off, nil)
			}
		}
		k, err := p.imm()
		return item(opcode.LdImm, k, err)
	}
	if t := p.peek(); t.kind != 'i' || !strings.EqualFold(t.text, "M") {
		return textItem{}, fmt.Errorf("ld takes [k], [x + k], #k, #len or M[k], found %v", t)
	}
	k, err := p.scratch()
	return item(opcode.LdMem, k, err)
}

// field reads the name of a seccomp_data word inside [...].
func (a *textAssembler) field(p *textParser) (uint32, error) {
	t := p.next()
	name := strings.ToLower(t.text)
	var base uint32
	var half string
	switch {
	case name == "nr":
		return OffsetNr, nil
	case name == "arch":
		return OffsetArch, nil
	case strings.HasPrefix(name, "instruction_pointer."):
		base, half = OffsetInstructionPointer, name[len("instruction_pointer"):]
	case name == "args":
		if err := p.expect('['); err != nil {
			return 0, err
		}
		i, err := p.number(5)
		if err != nil {
			return 0, fmt.Errorf("bad argument index: %v", err)
		}
		if err := p.expect(']'); err != nil {
			return 0, err
		}
		base = OffsetArg(int(i))
		if h := p.next(); h.kind == 'i' {
			half = strings.ToLower(h.text)
		}
	default:
		return 0, fmt.Errorf("unknown field %q: expected nr, arch, instruction_pointer.lo/.hi or args[i].lo/.hi", t.text)
	}
	switch half {
	case ".lo":
		if !a.le {
			base += 4
		}
	case ".hi":
		if a.le {
			base += 4
		}
	default:
		return 0, errors.New("a 64-bit field needs .lo or .hi: a load reads 32 bits")
	}
	return base, nil
}

// action reads an action: NAME, NAME(n) or NAME|n.
func (p *textParser) action() (Action, error) {
	t := p.next()
	if t.kind != 'i' {
		return 0, fmt.Errorf("expected a, #k or an action, found %v", t)
	}
	var act Action
	withData := false
	switch strings.ToUpper(t.text) {
	case "KILL_PROCESS":
		act = ActKillProcess
	case "KILL_THREAD", "KILL":
		act = ActKillThread
	case "USER_NOTIF":
		act = ActUserNotif
	case "LOG":
		act = ActLog
	case "ALLOW":
		act = ActAllow
	case "TRAP":
		act, withData = ActTrap, true
	case "ERRNO":
		act, withData = ActErrno, true
	case "TRACE":
		act, withData = ActTrace, true
	default:
		return 0, fmt.Errorf("unknown action %q", t.text)
	}
	if withData {
		if p.accept('(') {
			n, err := p.number(0xffff)
			if err != nil {
				return 0, err
			}
			act |= Action(n)
			if err := p.expect(')'); err != nil {
				return 0, err
			}
		}
	} else if p.accept('|') {
		n, err := p.number(0xffff)
		if err != nil {
			return 0, err
		}
		act |= Action(n)
	}
	return act, nil
}

// assemble turns the parsed items into a program with Source.
func (a *textAssembler) assemble() (Program, error) {
	// Numeric targets must name an instruction.
	idx := 0
	for _, it := range a.items {
		if it.kind == textLabel {
			continue
		}
		idx++
		for _, t := range []textJumpTarget{it.t, it.f} {
			switch {
			case t.name == "" || t.num < 0:
				// The next instruction, or a label.
			case a.numbered:
				if _, ok := a.indices[t.name]; !ok {
					return nil, &AssembleError{Insn: idx - 1, Line: it.line,
						Reason: fmt.Sprintf("jump target %s: no instruction is numbered %d", t.name, t.num)}
				}
			case t.num >= a.nInsn:
				return nil, &AssembleError{Insn: idx - 1, Line: it.line,
					Reason: fmt.Sprintf("jump target %s: no instruction %d (the program has %d)", t.name, t.num, a.nInsn)}
			}
		}
	}
	raw, err := a.source(false).Assemble()
	if err != nil {
		return nil, assembleError(err)
	}
	prog := Program(raw)
	// Put the raw jumps in place of their stand-ins.
	var addr []int
	if len(prog) != a.nInsn {
		if addr, err = a.addresses(); err != nil {
			return nil, err
		}
	}
	idx = 0
	for _, it := range a.items {
		if it.kind == textLabel {
			continue
		}
		if it.kind == textRaw && textJumpOp(it.raw.Op) {
			at := idx
			if addr != nil {
				at = addr[idx]
			}
			prog[at] = it.raw
		}
		idx++
	}
	return prog, nil
}

// textJumpOp reports whether Source treats an instruction with opcode op as
// a jump to relocate.
func textJumpOp(op uint16) bool { return op == opcode.Ja || opcode.IsCondJump(op) }

// source builds the Source of the text. A raw jump (.insn with a jump
// opcode) must not be relocated, so it is represented by a stand-in that is
// not a jump and put in place after assembly. With marks set, every
// instruction but the conditional jumps is such a stand-in; see addresses.
func (a *textAssembler) source(marks bool) *asm.Source {
	s := new(asm.Source)
	standIn := bpf.RawInstruction{Op: opcode.LdImm}
	idx := 0
	for _, it := range a.items {
		if it.kind == textLabel {
			s.Label(it.label)
			s.SetLine(it.line)
			continue
		}
		if !a.numbered {
			s.Label(textIndexLabel(idx))
			s.SetLine(it.line)
		}
		switch {
		case it.kind == textCond && it.x:
			s.JumpIfX(it.cond, it.t.name, it.f.name)
		case it.kind == textCond:
			s.JumpIf(it.cond, it.k, it.t.name, it.f.name)
		case marks || it.kind == textRaw && textJumpOp(it.raw.Op):
			s.Add(standIn)
		case it.kind == textJump:
			s.Jump(it.t.name)
		default:
			s.Add(it.raw)
		}
		s.SetLine(it.line)
		idx++
	}
	return s
}

// addresses returns where each instruction of the text lands in the
// assembled program when Source inserted long jumps. The layout depends only
// on the conditional jumps, so a Source in which every other instruction is
// a stand-in that is not JA lays out the same way, and there every JA is an
// inserted long jump.
func (a *textAssembler) addresses() ([]int, error) {
	prog, err := a.source(true).Assemble()
	if err != nil {
		return nil, assembleError(err)
	}
	addr := make([]int, 0, a.nInsn)
	for i, in := range prog {
		if in.Op != opcode.Ja {
			addr = append(addr, i)
		}
	}
	if len(addr) != a.nInsn {
		return nil, &AssembleError{Insn: -1, Reason: "internal error: cannot place the .insn jumps"}
	}
	return addr, nil
}
