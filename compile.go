package seccomp

import (
	"fmt"

	"github.com/seccomp-go/seccomp/internal/compiler"
)

// CompileError is a valid filter whose program cannot be built, because it
// would be longer than the kernel accepts.
type CompileError struct {
	Instructions int // length of the program that was built
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("seccomp filter: compiled program has %d instructions, more than the kernel's limit of %d", e.Instructions, MaxInstructions)
}

// Compile returns the filter as a verified program, or every error in the
// filter at once (errors.Join of *Problem; see Validate), or a
// *CompileError when the program would be too long for the kernel.
//
// The program checks the audit arch first, then dispatches on the syscall
// number with a search over ranges of numbers that share a decision. The
// search has the least longest path any search over those ranges could
// have, counting each range's own code, and within that bound decides the
// hot system calls (SetHotSyscalls) first. The alternatives of one
// argument become one search over its values. System calls whose decision
// does not depend on arguments are decided without loading an argument,
// in the shape the kernel's action cache recognises, so that allowed ones
// cost nothing at run time. Rules that can never decide (see Lint) get no
// code, and neither does anything else no input reaches: every
// instruction of the program is on the path of some call (in system calls
// whose tests have up to a few thousand paths). The output is
// deterministic: the same filter gives the same bytes.
func (f *Filter) Compile() (Program, error) {
	cf, probs := f.cachedPlan()
	if err := problemsError(probs, SeverityError); err != nil {
		return nil, err
	}
	raw, err := compiler.Compile(cf).Assemble()
	if err != nil {
		return nil, fmt.Errorf("seccomp filter: internal error: %w", err)
	}
	p := Program(raw)
	if len(p) > MaxInstructions {
		return nil, &CompileError{Instructions: len(p)}
	}
	if err := Verify(p); err != nil {
		return nil, fmt.Errorf("seccomp filter: internal error: compiled program does not verify: %w", err)
	}
	return p, nil
}
