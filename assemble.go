package seccomp

import (
	"errors"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/asm"
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
	s asm.Source
}

// Label defines name as the position of the next instruction added.
func (s *Source) Label(name string) { s.s.Label(name) }

// Add appends instructions. Instructions are encoded with their Assemble
// method; anything they refuse is reported by Source.Assemble.
func (s *Source) Add(ins ...bpf.Instruction) { s.s.Add(ins...) }

// Jump appends an unconditional jump (BPF_JA) to the label to.
func (s *Source) Jump(to string) { s.s.Jump(to) }

// JumpIf appends a conditional jump comparing A with val: to the label
// ifTrue when cond holds, else to ifFalse. Either may be "" for the next
// instruction. The pseudo-conditions (bpf.JumpNotEqual, JumpLessThan,
// JumpLessOrEqual, JumpBitsNotSet) are encoded by swapping the targets.
func (s *Source) JumpIf(cond bpf.JumpTest, val uint32, ifTrue, ifFalse string) {
	s.s.JumpIf(cond, val, ifTrue, ifFalse)
}

// JumpIfX is JumpIf comparing A with the X register.
func (s *Source) JumpIfX(cond bpf.JumpTest, ifTrue, ifFalse string) {
	s.s.JumpIfX(cond, ifTrue, ifFalse)
}

// Len returns the number of instructions added so far (long jumps that
// Assemble may insert not counted).
func (s *Source) Len() int { return s.s.Len() }

// Assemble resolves the labels and returns the program. A conditional jump
// whose target is more than 255 instructions away is routed through an
// unconditional jump (JA, 32-bit offset) inserted right after it, so
// programs of any length assemble. Jumping backward, to an undefined label,
// or past the last instruction, and defining a label twice are errors
// (*AssembleError) that name the label. Assemble does not verify the
// program: see Verify.
func (s *Source) Assemble() (Program, error) {
	p, err := s.s.Assemble()
	if err != nil {
		return nil, assembleError(err)
	}
	return Program(p), nil
}

// AssembleError is a Source that cannot be assembled.
type AssembleError struct {
	Insn   int    // index of the instruction among those added, -1 if none
	Line   int    // line in the text form, 0 if not from text
	Label  string // the label concerned, if any
	Reason string
}

func (e *AssembleError) Error() string {
	return (&asm.Error{Insn: e.Insn, Line: e.Line, Label: e.Label, Reason: e.Reason}).Error()
}

// assembleError returns the error of the internal assembler as an
// *AssembleError.
func assembleError(err error) error {
	var e *asm.Error
	if errors.As(err, &e) {
		return &AssembleError{Insn: e.Insn, Line: e.Line, Label: e.Label, Reason: e.Reason}
	}
	return err
}
