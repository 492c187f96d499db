package analyze

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/seccomp-go/seccomp"
)

// Field is a field of struct seccomp_data that a condition looks at.
type Field uint8

// The fields of seccomp_data. Nr and Arch are 32 bits wide, the others 64.
const (
	FieldNr   Field = iota // seccomp_data.nr
	FieldArch              // seccomp_data.arch
	FieldIP                // seccomp_data.instruction_pointer
	FieldArg0              // seccomp_data.args[0]
	FieldArg1
	FieldArg2
	FieldArg3
	FieldArg4
	FieldArg5
	numFields
)

// ArgField returns the field of argument i (0 to 5).
func ArgField(i int) Field { return FieldArg0 + Field(i) }

// String returns nr, arch, ip or arg0 to arg5.
func (f Field) String() string {
	switch {
	case f == FieldNr:
		return "nr"
	case f == FieldArch:
		return "arch"
	case f == FieldIP:
		return "ip"
	case f >= FieldArg0 && f < numFields:
		return fmt.Sprintf("arg%d", int(f-FieldArg0))
	}
	return fmt.Sprintf("Field(%d)", int(f))
}

// Wide reports whether the field is 64 bits wide.
func (f Field) Wide() bool { return f >= FieldIP }

// value returns the field's value in d.
func (f Field) value(d *seccomp.Data) uint64 {
	switch f {
	case FieldNr:
		return uint64(uint32(d.Nr))
	case FieldArch:
		return uint64(uint32(d.Arch))
	case FieldIP:
		return d.InstructionPointer
	}
	return d.Args[f-FieldArg0]
}

// Part says which bits of a field a condition compares.
type Part uint8

// The parts of a field.
const (
	WholeField Part = iota // the whole field (32 or 64 bits)
	LowHalf                // the low 32 bits of a 64-bit field, written .lo
	HighHalf               // the high 32 bits of a 64-bit field, written .hi
)

// word identifies one 32-bit word of seccomp_data independently of the byte
// order: 0 nr, 1 arch, then the low and high halves of the instruction
// pointer (2, 3) and of each argument (4+2i, 5+2i).
type word uint8

const numWords = 16

func (w word) field() Field {
	switch w {
	case 0:
		return FieldNr
	case 1:
		return FieldArch
	}
	return Field(int(w)/2 + 1)
}

func (w word) part() Part {
	if w < 2 {
		return WholeField
	}
	if w%2 == 0 {
		return LowHalf
	}
	return HighHalf
}

func (w word) String() string {
	f := w.field()
	switch w.part() {
	case LowHalf:
		return f.String() + ".lo"
	case HighHalf:
		return f.String() + ".hi"
	}
	return f.String()
}

// wordOf returns the word a 32-bit load at offset off reads in the given
// byte order.
func wordOf(off uint32, le bool) word {
	slot := word(off / 4)
	if slot < 2 {
		return slot
	}
	base := slot &^ 1
	if (slot%2 == 0) == le {
		return base // the low half
	}
	return base + 1
}

// wordsOf returns the 16 words of d.
func wordsOf(d *seccomp.Data) [numWords]uint32 {
	var w [numWords]uint32
	w[0] = uint32(d.Nr)
	w[1] = uint32(d.Arch)
	w[2], w[3] = uint32(d.InstructionPointer), uint32(d.InstructionPointer>>32)
	for i, a := range d.Args {
		w[4+2*i], w[5+2*i] = uint32(a), uint32(a>>32)
	}
	return w
}

// vkind is the kind of a symbolic value.
type vkind uint8

const (
	vConst vkind = iota // a known constant
	vWord               // a word of seccomp_data ANDed with a mask
	vExpr               // anything else computed from the input
)

// val is a symbolic 32-bit value: what A, X and the scratch words hold.
type val struct {
	kind vkind
	c    uint32 // vConst: the value
	w    word   // vWord: the word
	m    uint32 // vWord: the mask
	e    *node  // vExpr
}

func constVal(c uint32) val { return val{kind: vConst, c: c} }

func wordVal(w word) val { return val{kind: vWord, w: w, m: 0xffffffff} }

// node is an operation on symbolic values.
type node struct {
	op   uint16 // an ALU opcode with its source bit cleared (BPF_ALU|op)
	a, b val    // operands; b unused for NEG
	size int    // nodes in the tree, saturating
	id   int    // its number in the interner, to key it
}

// ALU operations, as BPF_ALU|BPF_op.
const (
	aluAdd = 0x04
	aluSub = 0x14
	aluMul = 0x24
	aluDiv = 0x34
	aluOr  = 0x44
	aluAnd = 0x54
	aluLsh = 0x64
	aluRsh = 0x74
	aluNeg = 0x84
	aluXor = 0xa4
)

var aluSym = map[uint16]string{
	aluAdd: "+", aluSub: "-", aluMul: "*", aluDiv: "/", aluOr: "|",
	aluAnd: "&", aluLsh: "<<", aluRsh: ">>", aluXor: "^",
}

// aluConst computes op on constants as the kernel does. Division by zero
// is the caller's business.
func aluConst(op uint16, a, b uint32) uint32 {
	switch op {
	case aluAdd:
		return a + b
	case aluSub:
		return a - b
	case aluMul:
		return a * b
	case aluDiv:
		if b == 0 {
			return 0
		}
		return a / b
	case aluOr:
		return a | b
	case aluAnd:
		return a & b
	case aluLsh:
		return a << (b & 31)
	case aluRsh:
		return a >> (b & 31)
	case aluNeg:
		return -a
	case aluXor:
		return a ^ b
	}
	return 0
}

func (v val) size() int {
	if v.kind == vExpr {
		return v.e.size
	}
	return 1
}

// valKey identifies a symbolic value, for interning.
type valKey struct {
	kind vkind
	c    uint32
	w    word
	m    uint32
	e    *node
}

func (v val) id() valKey { return valKey(v) }

type nodeKey struct {
	op   uint16
	a, b valKey
}

// nodeIDs numbers nodes across analyses, so that the conditions of two
// programs (see Diff) never share a key by accident.
var nodeIDs atomic.Int64

// interner makes structurally equal computations share one node, across
// runs, so that identity compares them.
type interner map[nodeKey]*node

// alu returns op applied to a and b, folding constants and the simple
// identities, and keeping AND of a word with a constant readable.
func (in interner) alu(op uint16, a, b val) val {
	if a.kind == vConst && (b.kind == vConst || op == aluNeg) {
		return constVal(aluConst(op, a.c, b.c))
	}
	if b.kind == vConst && op != aluNeg {
		k := b.c
		switch op {
		case aluAnd:
			if k == 0 {
				return constVal(0)
			}
			if a.kind == vWord {
				a.m &= k
				if a.m == 0 {
					return constVal(0)
				}
				return a
			}
			if k == 0xffffffff {
				return a
			}
		case aluOr:
			if k == 0 {
				return a
			}
			if k == 0xffffffff {
				return constVal(k)
			}
		case aluAdd, aluSub, aluXor:
			if k == 0 {
				return a
			}
		case aluLsh, aluRsh:
			if k&31 == 0 {
				return a
			}
		case aluMul:
			if k == 0 {
				return constVal(0)
			}
			if k == 1 {
				return a
			}
		case aluDiv:
			if k == 1 {
				return a
			}
		}
	}
	if a.kind == vConst && op != aluNeg {
		switch {
		case op == aluAnd && a.c == 0, op == aluMul && a.c == 0:
			return constVal(0)
		case op == aluAnd && b.kind == vWord:
			b.m &= a.c
			if b.m == 0 {
				return constVal(0)
			}
			return b
		}
	}
	if op == aluNeg {
		b = val{}
	}
	k := nodeKey{op, a.id(), b.id()}
	if n, ok := in[k]; ok {
		return val{kind: vExpr, e: n}
	}
	n := &node{op: op, a: a, b: b, id: int(nodeIDs.Add(1))}
	n.size = a.size() + 1
	if op != aluNeg {
		n.size += b.size()
	}
	n.size = min(n.size, 1<<20)
	in[k] = n
	return val{kind: vExpr, e: n}
}

// eval computes v on the input words. memo caches shared nodes.
func (v val) eval(w *[numWords]uint32, memo map[*node]uint32) uint32 {
	switch v.kind {
	case vConst:
		return v.c
	case vWord:
		return w[v.w] & v.m
	}
	if r, ok := memo[v.e]; ok {
		return r
	}
	n := v.e
	a := n.a.eval(w, memo)
	var b uint32
	if n.op != aluNeg {
		b = n.b.eval(w, memo)
	}
	r := aluConst(n.op, a, b)
	memo[v.e] = r
	return r
}

// same reports whether a and b are the same symbolic value (structurally
// for words and constants, by identity for computed ones).
func (v val) same(o val) bool {
	if v.kind != o.kind {
		return false
	}
	switch v.kind {
	case vConst:
		return v.c == o.c
	case vWord:
		return v.w == o.w && v.m == o.m
	}
	return v.e == o.e
}

// equal reports whether v and o compute the same thing from the input,
// structurally (across analyses, whose nodes differ). It answers false when
// the budget of steps runs out.
func (v val) equal(o val, budget *int) bool {
	*budget--
	if *budget < 0 || v.kind != o.kind {
		return false
	}
	switch v.kind {
	case vConst:
		return v.c == o.c
	case vWord:
		return v.w == o.w && v.m == o.m
	}
	if v.e == o.e {
		return true
	}
	return v.e.op == o.e.op && v.e.a.equal(o.e.a, budget) && (v.e.op == aluNeg || v.e.b.equal(o.e.b, budget))
}

// maxExprText is the largest expression (in nodes) printed in full.
const maxExprText = 24

// text renders v for people, e.g. "(arg0.lo + 4) & 0xff".
func (v val) text() string {
	if v.size() > maxExprText {
		return "…"
	}
	var b strings.Builder
	v.write(&b, true)
	return b.String()
}

func (v val) write(b *strings.Builder, top bool) {
	switch v.kind {
	case vConst:
		b.WriteString(num(uint64(v.c)))
		return
	case vWord:
		if v.m == 0xffffffff {
			b.WriteString(v.w.String())
			return
		}
		if !top {
			b.WriteByte('(')
		}
		fmt.Fprintf(b, "%s & %#x", v.w, v.m)
		if !top {
			b.WriteByte(')')
		}
		return
	}
	n := v.e
	if n.op == aluNeg {
		b.WriteString("-")
		n.a.write(b, false)
		return
	}
	if !top {
		b.WriteByte('(')
	}
	n.a.write(b, false)
	b.WriteString(" " + aluSym[n.op] + " ")
	n.b.write(b, false)
	if !top {
		b.WriteByte(')')
	}
}

// num prints a number as the disassembler does: decimal below 0x10000,
// hexadecimal from there on.
func num(v uint64) string {
	if v < 0x10000 {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%#x", v)
}
