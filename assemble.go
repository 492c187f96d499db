package seccomp

import (
	"fmt"

	"golang.org/x/net/bpf"
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
	items []srcItem
	nInsn int
}

type srcItem struct {
	label string // a label definition when insn is nil and !isJump
	insn  bpf.Instruction
	// For jumps written with labels:
	isJump     bool
	op         uint16 // opJa or a conditional opcode
	k          uint32
	swap       bool // true and false targets swapped (pseudo-conditions)
	jt, jf     string
	line       int // source line, for errors from the text assembler
	hasNumeric bool
	numT, numF int // numeric skips, when hasNumeric
}

// Label defines name as the position of the next instruction added.
func (s *Source) Label(name string) {
	s.items = append(s.items, srcItem{label: name})
}

// Add appends instructions. Instructions are encoded with their Assemble
// method; anything they refuse is reported by Source.Assemble.
func (s *Source) Add(ins ...bpf.Instruction) {
	for _, in := range ins {
		s.items = append(s.items, srcItem{insn: in})
		s.nInsn++
	}
}

// Jump appends an unconditional jump (BPF_JA) to the label to.
func (s *Source) Jump(to string) {
	s.items = append(s.items, srcItem{isJump: true, op: opJa, jt: to})
	s.nInsn++
}

// JumpIf appends a conditional jump comparing A with val: to the label
// ifTrue when cond holds, else to ifFalse. Either may be "" for the next
// instruction. The pseudo-conditions (bpf.JumpNotEqual, JumpLessThan,
// JumpLessOrEqual, JumpBitsNotSet) are encoded by swapping the targets.
func (s *Source) JumpIf(cond bpf.JumpTest, val uint32, ifTrue, ifFalse string) {
	s.addCond(cond, srcK, val, ifTrue, ifFalse)
}

// JumpIfX is JumpIf comparing A with the X register.
func (s *Source) JumpIfX(cond bpf.JumpTest, ifTrue, ifFalse string) {
	s.addCond(cond, srcX, 0, ifTrue, ifFalse)
}

func (s *Source) addCond(cond bpf.JumpTest, src uint16, val uint32, t, f string) {
	op, swap, ok := condOp(cond)
	it := srcItem{isJump: true, op: op | src, k: val, swap: swap, jt: t, jf: f}
	if !ok {
		// Keep the position so that Assemble can name it.
		it = srcItem{insn: bpf.JumpIf{Cond: cond, Val: val}}
	}
	s.items = append(s.items, it)
	s.nInsn++
}

// condOp maps a bpf.JumpTest to its opcode, and says whether the targets
// are swapped.
func condOp(cond bpf.JumpTest) (op uint16, swap, ok bool) {
	switch cond {
	case bpf.JumpEqual:
		return clsJMP | jmpJEQ, false, true
	case bpf.JumpNotEqual:
		return clsJMP | jmpJEQ, true, true
	case bpf.JumpGreaterThan:
		return clsJMP | jmpJGT, false, true
	case bpf.JumpLessOrEqual:
		return clsJMP | jmpJGT, true, true
	case bpf.JumpGreaterOrEqual:
		return clsJMP | jmpJGE, false, true
	case bpf.JumpLessThan:
		return clsJMP | jmpJGE, true, true
	case bpf.JumpBitsSet:
		return clsJMP | jmpJSET, false, true
	case bpf.JumpBitsNotSet:
		return clsJMP | jmpJSET, true, true
	}
	return 0, false, false
}

// Len returns the number of instructions added so far (long jumps that
// Assemble may insert not counted).
func (s *Source) Len() int { return s.nInsn }

// AssembleError is a Source that cannot be assembled.
type AssembleError struct {
	Insn   int    // index of the instruction among those added, -1 if none
	Line   int    // line in the text form, 0 if not from text
	Label  string // the label concerned, if any
	Reason string
}

func (e *AssembleError) Error() string {
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
}

// Assemble resolves the labels and returns the program. A conditional jump
// whose target is more than 255 instructions away is routed through an
// unconditional jump (JA, 32-bit offset) inserted right after it, so
// programs of any length assemble. Jumping backward, to an undefined label,
// or past the last instruction, and defining a label twice are errors
// (*AssembleError) that name the label. Assemble does not verify the
// program: see Verify.
func (s *Source) Assemble() (Program, error) {
	// Bind labels to instruction indices.
	labels := make(map[string]int)
	idx := 0
	for _, it := range s.items {
		if it.insn == nil && !it.isJump {
			if it.label == "" {
				return nil, &AssembleError{Insn: -1, Line: it.line, Reason: "empty label name"}
			}
			if _, dup := labels[it.label]; dup {
				return nil, &AssembleError{Insn: -1, Line: it.line, Label: it.label, Reason: "defined twice"}
			}
			labels[it.label] = idx
			continue
		}
		idx++
	}
	n := idx
	prog := make([]asmInsn, 0, n)
	target := func(pc int, it srcItem, name string) (int, error) {
		if name == "" {
			return pc + 1, nil
		}
		t, ok := labels[name]
		switch {
		case !ok:
			return 0, &AssembleError{Insn: pc, Line: it.line, Label: name, Reason: "not defined"}
		case t <= pc:
			return 0, &AssembleError{Insn: pc, Line: it.line, Label: name, Reason: fmt.Sprintf("jump backward (label at instruction %d); BPF jumps only forward", t)}
		case t >= n:
			return 0, &AssembleError{Insn: pc, Line: it.line, Label: name, Reason: "defined after the last instruction; a jump needs an instruction to land on"}
		}
		return t, nil
	}
	for _, it := range s.items {
		if it.insn == nil && !it.isJump {
			continue
		}
		pc := len(prog)
		var ai asmInsn
		if it.isJump {
			t, f := it.jt, it.jf
			if it.swap {
				t, f = f, t
			}
			var err error
			ai = asmInsn{raw: bpf.RawInstruction{Op: it.op, K: it.k}, jump: true, cond: it.op != opJa}
			if ai.tT, err = target(pc, it, t); err != nil {
				return nil, err
			}
			if ai.cond {
				if ai.tF, err = target(pc, it, f); err != nil {
					return nil, err
				}
			}
		} else {
			raw, err := it.insn.Assemble()
			if err != nil {
				return nil, &AssembleError{Insn: pc, Line: it.line, Reason: err.Error()}
			}
			ai = asmInsn{raw: raw}
			// Numeric jumps: bind their skips to instruction indices.
			switch {
			case raw.Op == opJa:
				ai.jump, ai.tT = true, pc+1+int(raw.K)
				if uint64(pc)+1+uint64(raw.K) >= uint64(n) {
					return nil, &AssembleError{Insn: pc, Line: it.line, Reason: fmt.Sprintf("jump skips %d instructions, past the last instruction", raw.K)}
				}
				ai.raw.K = 0
			case isCondJump(raw.Op):
				ai.jump, ai.cond = true, true
				ai.tT, ai.tF = pc+1+int(raw.Jt), pc+1+int(raw.Jf)
				if ai.tT >= n || ai.tF >= n {
					return nil, &AssembleError{Insn: pc, Line: it.line, Reason: fmt.Sprintf("jump skips %d/%d instructions, past the last instruction", raw.Jt, raw.Jf)}
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
func layout(prog []asmInsn) Program {
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
			if !ai.trT && addr[ai.tT]-next > 255 {
				ai.trT, changed = true, true
			}
			if !ai.trF && addr[ai.tF]-next > 255 {
				ai.trF, changed = true, true
			}
		}
		if !changed {
			break
		}
	}
	out := make(Program, 0, addr[len(prog)])
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
				out = append(out, bpf.RawInstruction{Op: opJa, K: uint32(addr[t] - (next + j + 1))})
			}
		}
	}
	return out
}

// fallsThroughLast reports whether the last item is a labelled conditional
// jump that falls through on exactly one side.
func (s *Source) fallsThroughLast() bool {
	if len(s.items) == 0 {
		return false
	}
	it := s.items[len(s.items)-1]
	return it.isJump && it.op != opJa && (it.jt == "") != (it.jf == "")
}

// retargetFallthrough makes the last item, a conditional jump that falls
// through on one side (see fallsThroughLast), jump to label on that side
// instead, so that what follows is no longer reached from it.
func (s *Source) retargetFallthrough(label string) {
	it := &s.items[len(s.items)-1]
	if it.jt == "" {
		it.jt = label
	} else {
		it.jf = label
	}
}

// jumpTargets returns the labels that jumps added with labels refer to.
func (s *Source) jumpTargets() map[string]bool {
	m := make(map[string]bool)
	for _, it := range s.items {
		if it.isJump {
			m[it.jt], m[it.jf] = true, true
		}
	}
	return m
}
