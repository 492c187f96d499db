package progen

import (
	"fmt"
	"strings"

	"golang.org/x/net/bpf"
)

// Format prints p as a C array of struct sock_filter, one instruction a
// line with its index and a mnemonic, so that a failing case can be pasted
// into a bug report or a C test as it is.
func Format(p []bpf.RawInstruction) string {
	var b strings.Builder
	fmt.Fprintf(&b, "struct sock_filter prog[%d] = {\n", len(p))
	for i, in := range p {
		fmt.Fprintf(&b, "\t/* %4d */ { 0x%02x, %3d, %3d, 0x%08x }, // %s\n", i, in.Op, in.Jt, in.Jf, in.K, Mnemonic(in))
	}
	b.WriteString("};")
	return b.String()
}

// Mnemonic is a short bpf_asm-like form of one instruction.
func Mnemonic(in bpf.RawInstruction) string {
	k := in.K
	alu := map[uint16]string{0x00: "add", 0x10: "sub", 0x20: "mul", 0x30: "div", 0x40: "or", 0x50: "and",
		0x60: "lsh", 0x70: "rsh", 0x90: "mod", 0xa0: "xor"}
	jmp := map[uint16]string{0x10: "jeq", 0x20: "jgt", 0x30: "jge", 0x40: "jset"}
	switch op := in.Op; {
	case op == OpLdWAbs:
		return fmt.Sprintf("ld [%d]", k)
	case op == OpLdHAbs:
		return fmt.Sprintf("ldh [%d]", k)
	case op == OpLdBAbs:
		return fmt.Sprintf("ldb [%d]", k)
	case op == OpLdWInd || op == OpLdHInd || op == OpLdBInd:
		return fmt.Sprintf("ld%s [x+%d]", map[uint16]string{OpLdWInd: "", OpLdHInd: "h", OpLdBInd: "b"}[op], k)
	case op == OpLdLen:
		return "ld len"
	case op == OpLdxLen:
		return "ldx len"
	case op == OpLdImm:
		return fmt.Sprintf("ld #%#x", k)
	case op == OpLdxImm:
		return fmt.Sprintf("ldx #%#x", k)
	case op == OpLdMem:
		return fmt.Sprintf("ld M[%d]", k)
	case op == OpLdxMem:
		return fmt.Sprintf("ldx M[%d]", k)
	case op == OpLdxMsh:
		return fmt.Sprintf("ldxb 4*([%d]&0xf)", k)
	case op == OpSt:
		return fmt.Sprintf("st M[%d]", k)
	case op == OpStx:
		return fmt.Sprintf("stx M[%d]", k)
	case op == OpTax:
		return "tax"
	case op == OpTxa:
		return "txa"
	case op == OpRetK:
		return fmt.Sprintf("ret #%#x", k)
	case op == OpRetA:
		return "ret a"
	case op == OpNeg:
		return "neg"
	case op == OpJa:
		return fmt.Sprintf("ja +%d", k)
	case op < 0x100 && op&0x07 == 0x04 && alu[op&0xf0] != "":
		if op&0x08 != 0 {
			return alu[op&0xf0] + " x"
		}
		return fmt.Sprintf("%s #%#x", alu[op&0xf0], k)
	case IsCondJump(op):
		src := fmt.Sprintf("#%#x", k)
		if op&0x08 != 0 {
			src = "x"
		}
		return fmt.Sprintf("%s %s, +%d, +%d", jmp[op&0xf0], src, in.Jt, in.Jf)
	}
	return fmt.Sprintf("(opcode %#x)", in.Op)
}

// String prints an input as a Go composite literal.
func (d Input) String() string {
	return fmt.Sprintf("{Nr: %d /* %#x */, Arch: %#x, IP: %#x, Args: [6]uint64{%#x, %#x, %#x, %#x, %#x, %#x}}",
		d.Nr, uint32(d.Nr), d.Arch, d.IP, d.Args[0], d.Args[1], d.Args[2], d.Args[3], d.Args[4], d.Args[5])
}

var opNames = map[uint16]string{
	OpLdWAbs: "ld [k]", OpLdHAbs: "ldh [k]", OpLdBAbs: "ldb [k]", OpLdWInd: "ld [x+k]", OpLdHInd: "ldh [x+k]",
	OpLdBInd: "ldb [x+k]", OpLdLen: "ld len", OpLdxLen: "ldx len", OpLdImm: "ld #k", OpLdxImm: "ldx #k",
	OpLdMem: "ld M[k]", OpLdxMem: "ldx M[k]", OpLdxMsh: "ldxb 4*([k]&0xf)", OpSt: "st M[k]", OpStx: "stx M[k]",
	OpTax: "tax", OpTxa: "txa", OpRetK: "ret #k", OpRetA: "ret a", OpJa: "ja",
	OpJeqK: "jeq #k", OpJeqX: "jeq x", OpJgtK: "jgt #k", OpJgtX: "jgt x", OpJgeK: "jge #k", OpJgeX: "jge x",
	OpJsetK: "jset #k", OpJsetX: "jset x", OpAddK: "add #k", OpAddX: "add x", OpSubK: "sub #k", OpSubX: "sub x",
	OpMulK: "mul #k", OpMulX: "mul x", OpDivK: "div #k", OpDivX: "div x", OpOrK: "or #k", OpOrX: "or x",
	OpAndK: "and #k", OpAndX: "and x", OpLshK: "lsh #k", OpLshX: "lsh x", OpRshK: "rsh #k", OpRshX: "rsh x",
	OpNeg: "neg", OpModK: "mod #k", OpModX: "mod x", OpXorK: "xor #k", OpXorX: "xor x",
}

// OpName names an opcode without its operands ("jeq #k", "div x"), or
// returns "" for an opcode classic BPF does not know.
func OpName(op uint16) string { return opNames[op] }
