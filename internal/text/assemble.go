package text

import (
	"fmt"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/asm"
	"github.com/seccomp-go/seccomp/internal/opcode"
)

// Assemble assembles the text form of a program (see
// seccomp.AssembleText): the lines are lexed (lexer.go), each parsed into
// an item (parser.go), and the items assembled with asm.Source. Errors are
// *asm.Error with the line at fault.
func Assemble(src string) ([]bpf.RawInstruction, error) {
	a := assembler{le: true}
	lines, err := splitLines(src)
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

// assemble turns the parsed items into a program with asm.Source.
func (a *assembler) assemble() ([]bpf.RawInstruction, error) {
	// Numeric targets must name an instruction.
	idx := 0
	for _, it := range a.items {
		if it.kind == itemLabel {
			continue
		}
		idx++
		for _, t := range []jumpTarget{it.t, it.f} {
			switch {
			case t.name == "" || t.num < 0:
				// The next instruction, or a label.
			case a.numbered:
				if _, ok := a.indices[t.name]; !ok {
					return nil, &asm.Error{Insn: idx - 1, Line: it.line,
						Reason: fmt.Sprintf("jump target %s: no instruction is numbered %d", t.name, t.num)}
				}
			case t.num >= a.nInsn:
				return nil, &asm.Error{Insn: idx - 1, Line: it.line,
					Reason: fmt.Sprintf("jump target %s: no instruction %d (the program has %d)", t.name, t.num, a.nInsn)}
			}
		}
	}
	raw, err := a.source(false).Assemble()
	if err != nil {
		return nil, err
	}
	prog := raw
	// Put the raw jumps in place of their stand-ins.
	var addr []int
	if len(prog) != a.nInsn {
		if addr, err = a.addresses(); err != nil {
			return nil, err
		}
	}
	idx = 0
	for _, it := range a.items {
		if it.kind == itemLabel {
			continue
		}
		if it.kind == itemRaw && relocated(it.raw.Op) {
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

// relocated reports whether Source treats an instruction with opcode op as
// a jump to relocate.
func relocated(op uint16) bool { return op == opcode.Ja || opcode.IsCondJump(op) }

// source builds the Source of the text. A raw jump (.insn with a jump
// opcode) must not be relocated, so it is represented by a stand-in that is
// not a jump and put in place after assembly. With marks set, every
// instruction but the conditional jumps is such a stand-in; see addresses.
func (a *assembler) source(marks bool) *asm.Source {
	s := new(asm.Source)
	standIn := bpf.RawInstruction{Op: opcode.LdImm}
	idx := 0
	for _, it := range a.items {
		if it.kind == itemLabel {
			s.Label(it.label)
			s.SetLine(it.line)
			continue
		}
		if !a.numbered {
			s.Label(indexLabel(idx))
			s.SetLine(it.line)
		}
		switch {
		case it.kind == itemCond && it.x:
			s.JumpIfX(it.cond, it.t.name, it.f.name)
		case it.kind == itemCond:
			s.JumpIf(it.cond, it.k, it.t.name, it.f.name)
		case marks || it.kind == itemRaw && relocated(it.raw.Op):
			s.Add(standIn)
		case it.kind == itemJump:
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
func (a *assembler) addresses() ([]int, error) {
	prog, err := a.source(true).Assemble()
	if err != nil {
		return nil, err
	}
	addr := make([]int, 0, a.nInsn)
	for i, in := range prog {
		if in.Op != opcode.Ja {
			addr = append(addr, i)
		}
	}
	if len(addr) != a.nInsn {
		return nil, &asm.Error{Insn: -1, Reason: "internal error: cannot place the .insn jumps"}
	}
	return addr, nil
}
