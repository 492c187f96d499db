package text

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/opcode"
	"github.com/seccomp-go/seccomp/internal/uapi"
)

// Syscalls names system call nr under the audit arch token: "name
// (arch)", or "" when no table knows it.
type Syscalls func(token, nr uint32) string

// Print returns the text form of any program, valid or not (see
// seccomp.Disassemble): one line per instruction, "NNNN: mnemonic
// operands", with a comment where there is something to say. le is the
// byte order the .lo and .hi of the comments of loads name; for big-endian
// the text starts with ".order big". names, if not nil, names the system
// calls compared with nr.
func Print(p []bpf.RawInstruction, le bool, names Syscalls) string {
	d := printer{p: p, le: le, names: names}
	d.flow()
	return d.print()
}

// PrintNative is Print in the byte order of the arches the program checks
// for: big-endian when every audit arch token it compares arch with is a
// big-endian one (none has __AUDIT_ARCH_LE), little-endian otherwise.
func PrintNative(p []bpf.RawInstruction, names Syscalls) string {
	d := printer{p: p, le: true, names: names}
	d.flow()
	d.le = !d.allBigEndian()
	return d.print()
}

// allBigEndian reports whether the program compares arch with some
// token, and only with big-endian ones.
func (d *printer) allBigEndian() bool {
	some := false
	for i, in := range d.p {
		if in.Op == opcode.JeqK && d.state[i].reached && d.state[i].a == aArch {
			if in.K&uapi.AuditArchLE != 0 {
				return false
			}
			some = true
		}
	}
	return some
}

func (d *printer) print() string {
	p, le := d.p, d.le
	var b strings.Builder
	if !le {
		b.WriteString(".order big\n")
	}
	for i := range p {
		text, comment := d.insn(i)
		start := b.Len()
		fmt.Fprintf(&b, "%04d: %s", i, text)
		if comment != "" {
			pad := commentColumn - (b.Len() - start)
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

// Insn returns instruction in, at index pc of a program, in the text form
// without comments and with single blanks: "ld [64]", "jeq #1, 0007,
// 0003" (targets as absolute indices), or ".insn 0xff, 0, 0, 0x0" for what
// has no readable form. For error messages.
func Insn(pc int, in bpf.RawInstruction) string {
	p := make([]bpf.RawInstruction, pc+1)
	p[pc] = in
	d := printer{p: p, le: true, state: make([]flowState, len(p))}
	text, _ := d.insn(pc)
	return strings.Join(strings.Fields(text), " ")
}

// commentColumn is the column of the comments of Print.
const commentColumn = 36

type printer struct {
	p     []bpf.RawInstruction
	le    bool
	state []flowState
	names Syscalls
}

// insn returns the text and the comment of instruction i.
func (d *printer) insn(i int) (text, comment string) {
	in := d.p[i]
	mn, ops, comment, bad := d.decode(i)
	if mn != "" && len(bad) == 0 {
		return joinInsn(mn, ops), comment
	}
	text = fmt.Sprintf(".insn 0x%02x, %d, %d, %#x", in.Op, in.Jt, in.Jf, in.K)
	if mn == "" {
		return text, "unknown opcode"
	}
	return text, joinInsn(mn, ops) + " (" + strings.Join(bad, ", ") + ")"
}

func joinInsn(mn, ops string) string {
	if ops == "" {
		return mn
	}
	return fmt.Sprintf("%-4s %s", mn, ops)
}

var (
	aluNames = map[uint16]string{
		opcode.AluADD: "add", opcode.AluSUB: "sub", opcode.AluMUL: "mul", opcode.AluDIV: "div", opcode.AluMOD: "mod",
		opcode.AluAND: "and", opcode.AluOR: "or", opcode.AluXOR: "xor", opcode.AluLSH: "lsh", opcode.AluRSH: "rsh",
	}
	loadNames = map[uint16]string{opcode.SzW: "ld", opcode.SzH: "ldh", opcode.SzB: "ldb"}
	jumpNames = map[uint16]string{
		opcode.JmpJEQ: "jeq", opcode.JmpJGT: "jgt", opcode.JmpJGE: "jge", opcode.JmpJSET: "jset",
	}
	// The ancillary loads of socket filters (SKF_AD_*), by (k-SKF_AD_OFF)/4.
	ancillaryNames = [...]string{
		"SKF_AD_PROTOCOL", "SKF_AD_PKTTYPE", "SKF_AD_IFINDEX", "SKF_AD_NLATTR",
		"SKF_AD_NLATTR_NEST", "SKF_AD_MARK", "SKF_AD_QUEUE", "SKF_AD_HATYPE",
		"SKF_AD_RXHASH", "SKF_AD_CPU", "SKF_AD_ALU_XOR_X", "SKF_AD_VLAN_TAG",
		"SKF_AD_VLAN_TAG_PRESENT", "SKF_AD_PAY_OFFSET", "SKF_AD_RANDOM", "SKF_AD_VLAN_TPID",
	}
	// bpf_asm's names of the ancillary loads ("ld #proto"), read by
	// AssembleText; the offsets are from SKF_AD_OFF.
	extensions = map[string]uint32{
		"proto": 0, "type": 4, "ifidx": 8, "nla": 12, "nlan": 16, "mark": 20,
		"queue": 24, "hatype": 28, "rxhash": 32, "cpu": 36, "vlan_tci": 44,
		"vlan_avail": 48, "poff": 52, "rand": 56, "vlan_tpid": 60,
	}
)

// num prints an immediate: decimal below 0x10000, else hexadecimal.
func num(k uint32) string {
	if k < 0x10000 {
		return strconv.FormatUint(uint64(k), 10)
	}
	return fmt.Sprintf("%#x", k)
}

func targetText(t uint64) string { return fmt.Sprintf("%04d", t) }

// decode returns the readable form of instruction i (mnemonic, operands,
// comment), and what stops it from standing for the instruction exactly
// (bad). mn is empty for an unknown opcode.
func (d *printer) decode(i int) (mn, ops, comment string, bad []string) {
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
		mn, ops = loadNames[op&0x18], "["+num(k)+"]"
		comment = d.loadComment(i, op, k)
	case opcode.LdWInd, opcode.LdHInd, opcode.LdBInd:
		mn, ops = loadNames[op&0x18], "[x + "+num(k)+"]"
	case opcode.LdLen, opcode.LdxLen:
		mn, ops = "ld", "#len"
		if op == opcode.LdxLen {
			mn = "ldx"
		}
		noK()
	case opcode.LdImm:
		mn, ops = "ld", "#"+num(k)
	case opcode.LdxImm:
		mn, ops = "ldx", "#"+num(k)
	case opcode.LdMem:
		mn, ops = "ld", "M["+num(k)+"]"
	case opcode.LdxMem:
		mn, ops = "ldx", "M["+num(k)+"]"
	case opcode.LdxMsh:
		mn, ops = "ldx", "4*(["+num(k)+"]&0xf)"
	case opcode.St:
		mn, ops = "st", "M["+num(k)+"]"
	case opcode.Stx:
		mn, ops = "stx", "M["+num(k)+"]"
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
		ops, comment = retOperand(k)
	case opcode.Ja:
		t := uint64(i) + 1 + uint64(k)
		mn, ops = "ja", targetText(t)
		if t >= n {
			bad = append(bad, "target past the end")
		}
	default:
		if op&0x07 == opcode.ClsALU {
			mn = aluNames[op&0xf0]
			if op&opcode.SrcX != 0 {
				ops = "x"
				noK()
			} else if op&0xf0 == opcode.AluAND || op&0xf0 == opcode.AluOR || op&0xf0 == opcode.AluXOR {
				ops = fmt.Sprintf("#%#x", k)
			} else {
				ops = "#" + num(k)
			}
			break
		}
		// A conditional jump.
		cond = true
		mn = jumpNames[op&0xf0]
		if op&opcode.SrcX != 0 {
			ops = "x"
			noK()
		} else {
			var operand string
			operand, comment = d.compare(i, op&0xf0, k)
			ops = operand
		}
		tT, tF := uint64(i)+1+uint64(in.Jt), uint64(i)+1+uint64(in.Jf)
		ops += ", " + targetText(tT) + ", " + targetText(tF)
		if tT >= n || tF >= n {
			bad = append(bad, "target past the end")
		}
	}
	if !cond && (in.Jt != 0 || in.Jf != 0) {
		bad = append(bad, fmt.Sprintf("unused jt=%d jf=%d", in.Jt, in.Jf))
	}
	return mn, ops, comment, bad
}

// retOperand prints the operand of "ret #k".
func retOperand(a uint32) (ops, comment string) {
	if !uapi.Known(a) {
		return fmt.Sprintf("#%#x", a), "unknown action: the kernel kills the process"
	}
	if a&uapi.RetActionFull == uapi.RetErrno && a&uapi.RetData > uapi.MaxErrno {
		comment = fmt.Sprintf("the kernel clamps the errno to %d", uapi.MaxErrno)
	}
	return uapi.ActionRawString(a), comment
}

// loadComment names what the absolute load at instruction i reads. The
// halves of the 64-bit fields are named in the byte order of the arch
// tokens possible there, when the data flow knows them and they agree
// (seccomp_data follows the token's byte order): with a note when that is
// not the order of the text (.order), whose operands the names would
// otherwise mean.
func (d *printer) loadComment(i int, op uint16, k uint32) string {
	if op == opcode.LdWAbs && k < uapi.SizeofData && k%4 == 0 {
		le, known := d.state[i].order()
		if !known || k < uapi.OffsetInstructionPointer {
			le = d.le
		}
		name := fieldName(k, le)
		switch {
		case le == d.le:
		case le:
			name += " (little-endian)"
		default:
			name += " (big-endian)"
		}
		return name
	}
	if k >= opcode.SkfAdOff && opcode.KnownAncillary(k) {
		return ancillaryNames[(k-opcode.SkfAdOff)/4]
	}
	return ""
}

// fieldName names the seccomp_data word at offset k (a multiple of 4
// below 64) for the given byte order.
func fieldName(k uint32, le bool) string {
	switch k {
	case uapi.OffsetNr:
		return "nr"
	case uapi.OffsetArch:
		return "arch"
	}
	half := ".hi"
	if (k%8 == 0) == le {
		half = ".lo"
	}
	if k < uapi.OffsetArgs {
		return "instruction_pointer" + half
	}
	return fmt.Sprintf("args[%d]%s", (k-uapi.OffsetArgs)/8, half)
}

// compare prints the operand #k of a conditional jump (jmp is its jmpJ*
// bits) at instruction i, with what the data flow knows about A.
func (d *printer) compare(i int, jmp uint16, k uint32) (operand, comment string) {
	operand = "#" + num(k)
	if jmp == opcode.JmpJSET {
		operand = fmt.Sprintf("#%#x", k)
	}
	st := &d.state[i]
	switch st.a {
	case aArch:
		if jmp != opcode.JmpJSET {
			if name, ok := uapi.AuditArchName(k); ok {
				operand = "#AUDIT_ARCH_" + name
			}
		}
	case aNr:
		if jmp != opcode.JmpJEQ && k == uapi.X32SyscallBit && st.mayBe(uapi.AuditArchX86_64) {
			return "#X32_SYSCALL_BIT", ""
		}
		// Only a test of equality is about the system call k: jgt and jge
		// split the numbers at a boundary, which names no call.
		if jmp == opcode.JmpJEQ {
			if arch, ok := st.single(); ok && d.names != nil {
				comment = d.names(arch, k)
			}
		}
	}
	return operand, comment
}
