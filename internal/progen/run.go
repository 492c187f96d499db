package progen

import "golang.org/x/net/bpf"

// Step is one executed instruction, as Run reports it to its visitor.
type Step struct {
	PC    int
	Insn  bpf.RawInstruction
	A, X  uint32 // registers before the instruction
	Taken bool   // for a conditional jump: the condition held
}

// Run executes a program that passes the kernel's checks on in, the way
// the kernel's seccomp runs it (32-bit little-endian words, shifts by X &
// 31, a division by a zero X returns 0), calls visit (if not nil) for every
// instruction executed, and returns the program's value. It is a second,
// independent implementation for tests that want to see which paths their
// inputs take; it does not check the program.
func Run(p []bpf.RawInstruction, in Input, visit func(Step)) uint32 {
	word := func(off uint32) uint32 {
		switch off {
		case 0:
			return uint32(in.Nr)
		case 4:
			return in.Arch
		case 8:
			return uint32(in.IP)
		case 12:
			return uint32(in.IP >> 32)
		}
		v := in.Args[(off-16)/8]
		if off%8 != 0 {
			return uint32(v >> 32)
		}
		return uint32(v)
	}
	var a, x uint32
	var mem [MemWords]uint32
	for pc := 0; pc < len(p); pc++ {
		ins := p[pc]
		st := Step{PC: pc, Insn: ins, A: a, X: x}
		src := ins.K
		if ins.Op&0x08 != 0 {
			src = x
		}
		jump := func(cond bool) {
			st.Taken = cond
			if cond {
				pc += int(ins.Jt)
			} else {
				pc += int(ins.Jf)
			}
		}
		switch ins.Op {
		case OpLdWAbs:
			a = word(ins.K & 0x3c)
		case OpLdLen:
			a = SizeData
		case OpLdxLen:
			x = SizeData
		case OpLdImm:
			a = ins.K
		case OpLdxImm:
			x = ins.K
		case OpLdMem:
			a = mem[ins.K%MemWords]
		case OpLdxMem:
			x = mem[ins.K%MemWords]
		case OpSt:
			mem[ins.K%MemWords] = a
		case OpStx:
			mem[ins.K%MemWords] = x
		case OpTax:
			x = a
		case OpTxa:
			a = x
		case OpAddK, OpAddX:
			a += src
		case OpSubK, OpSubX:
			a -= src
		case OpMulK, OpMulX:
			a *= src
		case OpDivK, OpDivX:
			if src == 0 {
				if visit != nil {
					visit(st)
				}
				return 0
			}
			a /= src
		case OpOrK, OpOrX:
			a |= src
		case OpAndK, OpAndX:
			a &= src
		case OpXorK, OpXorX:
			a ^= src
		case OpLshK, OpLshX:
			a <<= src & 31
		case OpRshK, OpRshX:
			a >>= src & 31
		case OpNeg:
			a = -a
		case OpJa:
			pc += int(ins.K)
		case OpJeqK, OpJeqX:
			jump(a == src)
		case OpJgtK, OpJgtX:
			jump(a > src)
		case OpJgeK, OpJgeX:
			jump(a >= src)
		case OpJsetK, OpJsetX:
			jump(a&src != 0)
		case OpRetK:
			if visit != nil {
				visit(st)
			}
			return ins.K
		case OpRetA:
			if visit != nil {
				visit(st)
			}
			return a
		}
		if visit != nil {
			visit(st)
		}
	}
	return RetKillP // not reached by a valid program
}

// StepName classifies an executed instruction for the coverage tally: its
// opcode, with the outcome of a conditional jump, the field a load reads,
// and the operand values that matter (shifts by X of 32 or more, division
// by a zero X).
func StepName(st Step) string {
	name := OpName(st.Insn.Op)
	switch op := st.Insn.Op; {
	case IsCondJump(op):
		if st.Taken {
			return name + " (true)"
		}
		return name + " (false)"
	case op == OpLdWAbs:
		switch k := st.Insn.K; {
		case k == 0:
			return "ld [k] nr"
		case k == 4:
			return "ld [k] arch"
		case k < 16:
			return "ld [k] instruction_pointer"
		default:
			return "ld [k] args"
		}
	case (op == OpLshX || op == OpRshX) && st.X >= 32:
		return name + " (X >= 32)"
	case op == OpDivX && st.X == 0:
		return name + " (X == 0)"
	}
	return name
}

// Harmless turns a valid program into one that allows every system call,
// with the same shape: RETs become RET ALLOW and DIV X (which may kill)
// becomes DIV #1.
func Harmless(p []bpf.RawInstruction) []bpf.RawInstruction {
	for i, in := range p {
		switch in.Op {
		case OpRetK, OpRetA:
			p[i] = bpf.RawInstruction{Op: OpRetK, K: RetAllow}
		case OpDivX:
			p[i] = bpf.RawInstruction{Op: OpDivK, K: 1}
		}
	}
	return p
}
