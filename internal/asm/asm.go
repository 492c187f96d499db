// Package asm assembles programs written with symbolic labels: the
// machinery behind seccomp.Source, used by the compiler and by the text
// assembler. A conditional jump farther than 255 instructions is routed
// through a long jump (JA) inserted after it.
package asm

import (
	"fmt"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/opcode"
)

// Source is a program being written with symbolic labels as jump targets.
// Add instructions and labels in order, then call Assemble, which resolves
// labels into skip counts.
//
// A jump target is a label name; the empty name means the next instruction
// (fall through). Jump instructions added with Add that carry numeric skips
// (bpf.Jump, bpf.JumpIf, bpf.JumpIfX or a raw jump) keep their meaning: the
// skip counts are taken relative to the instructions added, and are
// recomputed if Assemble has to insert long jumps.
//
// The zero Source is empty and ready to use.
type Source struct {
	// Items are the labels and instructions in order. Code that changes
	// them directly must call Recount.
	Items []Item
	nInsn int
}

// Item is a label, an instruction or a jump written with labels.
type Item struct {
	Label string // a label definition when Insn is nil and !IsJump
	Insn  bpf.Instruction
	// For jumps written with labels:
	IsJump bool
	Op     uint16 // opcode.Ja or a conditional opcode
	K      uint32
	Swap   bool   // true and false targets swapped (pseudo-conditions)
	JT, JF string // the targets; "" is the next instruction
	Line   int    // source line, for errors from the text assembler

	// What the compiler found no input reaches (see its prune): the item
	// itself, or the branch a jump takes when its test holds (NoTrue) or
	// does not (NoFalse).
	Dead            bool
	NoTrue, NoFalse bool
}

// IsLabel reports whether the item defines a label.
func (it *Item) IsLabel() bool { return it.Insn == nil && !it.IsJump }

// Targets returns the labels a jump leads to: for a conditional jump, where
// it goes when its test holds and when not (Swap applied), "" meaning the
// next instruction; for JA, its target twice.
func (it *Item) Targets() (ifTrue, ifFalse string) {
	if it.Op == opcode.Ja {
		return it.JT, it.JT
	}
	if it.Swap {
		return it.JF, it.JT
	}
	return it.JT, it.JF
}

// Recount recomputes the instruction count after Items were changed.
func (s *Source) Recount() {
	s.nInsn = 0
	for i := range s.Items {
		if !s.Items[i].IsLabel() {
			s.nInsn++
		}
	}
}

// Grow makes room for n more items.
func (s *Source) Grow(n int) {
	if cap(s.Items)-len(s.Items) < n {
		items := make([]Item, len(s.Items), len(s.Items)+n)
		copy(items, s.Items)
		s.Items = items
	}
}

// SetLine records the text line of the item added last, for errors.
func (s *Source) SetLine(line int) {
	if len(s.Items) > 0 {
		s.Items[len(s.Items)-1].Line = line
	}
}

// Label defines name as the position of the next instruction added.
func (s *Source) Label(name string) {
	s.Items = append(s.Items, Item{Label: name})
}

// Add appends instructions. Instructions are encoded with their Assemble
// method; anything they refuse is reported by Source.Assemble.
func (s *Source) Add(ins ...bpf.Instruction) {
	for _, in := range ins {
		s.Items = append(s.Items, Item{Insn: in})
		s.nInsn++
	}
}

// Jump appends an unconditional jump (BPF_JA) to the label to.
func (s *Source) Jump(to string) {
	s.Items = append(s.Items, Item{IsJump: true, Op: opcode.Ja, JT: to})
	s.nInsn++
}

// JumpIf appends a conditional jump comparing A with val: to the label
// ifTrue when cond holds, else to ifFalse. Either may be "" for the next
// instruction. The pseudo-conditions (bpf.JumpNotEqual, JumpLessThan,
// JumpLessOrEqual, JumpBitsNotSet) are encoded by swapping the targets.
func (s *Source) JumpIf(cond bpf.JumpTest, val uint32, ifTrue, ifFalse string) {
	s.addCond(cond, opcode.SrcK, val, ifTrue, ifFalse)
}

// JumpIfX is JumpIf comparing A with the X register.
func (s *Source) JumpIfX(cond bpf.JumpTest, ifTrue, ifFalse string) {
	s.addCond(cond, opcode.SrcX, 0, ifTrue, ifFalse)
}

func (s *Source) addCond(cond bpf.JumpTest, src uint16, val uint32, t, f string) {
	op, swap, ok := condOp(cond)
	it := Item{IsJump: true, Op: op | src, K: val, Swap: swap, JT: t, JF: f}
	if !ok {
		// Keep the position so that Assemble can name it.
		it = Item{Insn: bpf.JumpIf{Cond: cond, Val: val}}
	}
	s.Items = append(s.Items, it)
	s.nInsn++
}

// condOp maps a bpf.JumpTest to its opcode, and says whether the targets
// are swapped.
func condOp(cond bpf.JumpTest) (op uint16, swap, ok bool) {
	switch cond {
	case bpf.JumpEqual:
		return opcode.ClsJMP | opcode.JmpJEQ, false, true
	case bpf.JumpNotEqual:
		return opcode.ClsJMP | opcode.JmpJEQ, true, true
	case bpf.JumpGreaterThan:
		return opcode.ClsJMP | opcode.JmpJGT, false, true
	case bpf.JumpLessOrEqual:
		return opcode.ClsJMP | opcode.JmpJGT, true, true
	case bpf.JumpGreaterOrEqual:
		return opcode.ClsJMP | opcode.JmpJGE, false, true
	case bpf.JumpLessThan:
		return opcode.ClsJMP | opcode.JmpJGE, true, true
	case bpf.JumpBitsSet:
		return opcode.ClsJMP | opcode.JmpJSET, false, true
	case bpf.JumpBitsNotSet:
		return opcode.ClsJMP | opcode.JmpJSET, true, true
	}
	return 0, false, false
}

// Len returns the number of instructions added so far (long jumps that
// Assemble may insert not counted).
func (s *Source) Len() int { return s.nInsn }

// Error is a Source that cannot be assembled.
type Error struct {
	Insn   int    // index of the instruction among those added, -1 if none
	Line   int    // line in the text form, 0 if not from text
	Label  string // the label concerned, if any
	Reason string
}

func (e *Error) Error() string {
	where := "assemble"
	if e.Line > 0 {
		where += fmt.Sprintf(": line %d", e.Line)
	}
	if e.Insn >= 0 {
		where += fmt.Sprintf(": instruction %d", e.Insn)
	}
	if e.Label != "" {
		return fmt.Sprintf("%s: label %q: %s", where, e.Label, e.Reason)
	}
	return where + ": " + e.Reason
}

// asmInsn is one instruction after labels are bound to instruction indices.
type asmInsn struct {
	raw    bpf.RawInstruction // the encoding, jumps without their offsets
	jump   bool               // JA or conditional jump with targets below
	cond   bool
	tT, tF int // target instruction indices (tT only for JA)
	// Long-jump trampolines needed for the true and false target.
	trT, trF bool
	// Branches no input takes (Item.NoTrue, NoFalse): one that is too far
	// goes where the other branch goes instead of through a trampoline
	// that no input would reach.
	neverT, neverF bool
}

// Assemble resolves the labels and returns the program. A conditional jump
// whose target is more than 255 instructions away is routed through an
// unconditional jump (JA, 32-bit offset) inserted right after it, so
// programs of any length assemble. Jumping backward, to an undefined label,
// or past the last instruction, and defining a label twice are errors
// (*Error) that name the label. Assemble does not verify the
// program: see Verify.
func (s *Source) Assemble() ([]bpf.RawInstruction, error) {
	// Bind labels to instruction indices.
	labels := make(map[string]int)
	idx := 0
	for _, it := range s.Items {
		if it.Insn == nil && !it.IsJump {
			if it.Label == "" {
				return nil, &Error{Insn: -1, Line: it.Line, Reason: "empty label name"}
			}
			if _, dup := labels[it.Label]; dup {
				return nil, &Error{Insn: -1, Line: it.Line, Label: it.Label, Reason: "defined twice"}
			}
			labels[it.Label] = idx
			continue
		}
		idx++
	}
	n := idx
	prog := make([]asmInsn, 0, n)
	target := func(pc int, it Item, name string) (int, error) {
		if name == "" {
			return pc + 1, nil
		}
		t, ok := labels[name]
		switch {
		case !ok:
			return 0, &Error{Insn: pc, Line: it.Line, Label: name, Reason: "not defined"}
		case t <= pc:
			return 0, &Error{Insn: pc, Line: it.Line, Label: name, Reason: fmt.Sprintf("jump backward (label at instruction %d); BPF jumps only forward", t)}
		case t >= n:
			return 0, &Error{Insn: pc, Line: it.Line, Label: name, Reason: "defined after the last instruction; a jump needs an instruction to land on"}
		}
		return t, nil
	}
	for _, it := range s.Items {
		if it.Insn == nil && !it.IsJump {
			continue
		}
		pc := len(prog)
		var ai asmInsn
		if it.IsJump {
			t, f := it.JT, it.JF
			if it.Swap {
				t, f = f, t
			}
			var err error
			ai = asmInsn{raw: bpf.RawInstruction{Op: it.Op, K: it.K}, jump: true, cond: it.Op != opcode.Ja,
				neverT: it.NoTrue, neverF: it.NoFalse} // as Targets has them: the raw jt and jf
			if ai.tT, err = target(pc, it, t); err != nil {
				return nil, err
			}
			if ai.cond {
				if ai.tF, err = target(pc, it, f); err != nil {
					return nil, err
				}
			}
		} else {
			raw, err := it.Insn.Assemble()
			if err != nil {
				return nil, &Error{Insn: pc, Line: it.Line, Reason: err.Error()}
			}
			ai = asmInsn{raw: raw}
			// Numeric jumps: bind their skips to instruction indices.
			switch {
			case raw.Op == opcode.Ja:
				ai.jump, ai.tT = true, pc+1+int(raw.K)
				if uint64(pc)+1+uint64(raw.K) >= uint64(n) {
					return nil, &Error{Insn: pc, Line: it.Line, Reason: fmt.Sprintf("jump skips %d instructions, past the last instruction", raw.K)}
				}
				ai.raw.K = 0
			case opcode.IsCondJump(raw.Op):
				ai.jump, ai.cond = true, true
				ai.tT, ai.tF = pc+1+int(raw.Jt), pc+1+int(raw.Jf)
				if ai.tT >= n || ai.tF >= n {
					return nil, &Error{Insn: pc, Line: it.Line, Reason: fmt.Sprintf("jump skips %d/%d instructions, past the last instruction", raw.Jt, raw.Jf)}
				}
				ai.raw.Jt, ai.raw.Jf = 0, 0
			}
		}
		prog = append(prog, ai)
	}
	return layout(prog), nil
}

// layout assigns addresses, inserting long-jump trampolines until every
// conditional offset fits in 8 bits, then encodes the program. Trampolines
// are only ever added, so the loop ends.
func layout(prog []asmInsn) []bpf.RawInstruction {
	addr := make([]int, len(prog)+1)
	size := func(ai *asmInsn) int {
		s := 1
		if ai.trT {
			s++
		}
		if ai.trF && !(ai.trT && ai.tT == ai.tF) {
			s++
		}
		return s
	}
	for {
		a := 0
		for i := range prog {
			addr[i] = a
			a += size(&prog[i])
		}
		addr[len(prog)] = a
		changed := false
		for i := range prog {
			ai := &prog[i]
			if !ai.cond {
				continue
			}
			next := addr[i] + 1
			switch {
			case ai.trT || addr[ai.tT]-next <= 255:
			case ai.neverT && ai.tT != ai.tF:
				ai.tT, changed = ai.tF, true
			default:
				ai.trT, changed = true, true
			}
			switch {
			case ai.trF || addr[ai.tF]-next <= 255:
			case ai.neverF && ai.tF != ai.tT:
				ai.tF, changed = ai.tT, true
			default:
				ai.trF, changed = true, true
			}
		}
		if !changed {
			break
		}
	}
	out := make([]bpf.RawInstruction, 0, addr[len(prog)])
	for i := range prog {
		ai := &prog[i]
		raw := ai.raw
		next := addr[i] + 1
		switch {
		case !ai.jump:
			out = append(out, raw)
		case !ai.cond:
			raw.K = uint32(addr[ai.tT] - next)
			out = append(out, raw)
		default:
			shared := ai.trT && ai.trF && ai.tT == ai.tF
			var tramps []int // targets of the trampolines, in order
			if ai.trT {
				raw.Jt = uint8(len(tramps))
				tramps = append(tramps, ai.tT)
			} else {
				raw.Jt = uint8(addr[ai.tT] - next)
			}
			switch {
			case shared:
				raw.Jf = raw.Jt
			case ai.trF:
				raw.Jf = uint8(len(tramps))
				tramps = append(tramps, ai.tF)
			default:
				raw.Jf = uint8(addr[ai.tF] - next)
			}
			out = append(out, raw)
			for j, t := range tramps {
				out = append(out, bpf.RawInstruction{Op: opcode.Ja, K: uint32(addr[t] - (next + j + 1))})
			}
		}
	}
	return out
}

// FallsThroughLast reports whether the last item is a labelled conditional
// jump that falls through on exactly one side.
func (s *Source) FallsThroughLast() bool {
	if len(s.Items) == 0 {
		return false
	}
	it := s.Items[len(s.Items)-1]
	return it.IsJump && it.Op != opcode.Ja && (it.JT == "") != (it.JF == "")
}

// RetargetFallthrough makes the last item, a conditional jump that falls
// through on one side (see FallsThroughLast), jump to label on that side
// instead, so that what follows is no longer reached from it.
func (s *Source) RetargetFallthrough(label string) {
	it := &s.Items[len(s.Items)-1]
	if it.JT == "" {
		it.JT = label
	} else {
		it.JF = label
	}
}
