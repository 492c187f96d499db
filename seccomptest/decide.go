package seccomptest

import (
	"fmt"

	"github.com/seccomp-go/seccomp"
)

// maxDecideLen is the longest program Decide takes: the rewrite adds a
// gate of 6 instructions and a tail of 4 (internal/kerneltest.MaxLenAt).
const maxDecideLen = seccomp.MaxInstructions - 10

// Decide asks the running kernel what p returns for each input: the 32-bit
// value, as seccomp.Emulator.Action gives it. The program is loaded into a
// child process, rewritten so that no call it judges ever runs, and each
// input is issued there as a real system call; see the package
// documentation for how, and for the inputs it refuses (another arch than
// the native one, uretprobe and uprobe on x86_64) and the programs it
// refuses (reading the instruction pointer, longer than 4086
// instructions). p must pass seccomp.Verify. Each call starts one child;
// Decide is safe for concurrent use.
//
// The test binary must call Main from its TestMain.
func Decide(p seccomp.Program, inputs ...seccomp.Data) ([]seccomp.Action, error) {
	native, err := seccomp.NativeArch()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	if err := checkDecide(p, inputs, native); err != nil {
		return nil, err
	}
	if len(inputs) == 0 {
		return []seccomp.Action{}, nil
	}
	return decide(p, inputs)
}

// checkDecide refuses what Decide cannot issue or answer.
func checkDecide(p seccomp.Program, inputs []seccomp.Data, native *seccomp.Arch) error {
	if err := seccomp.Verify(p); err != nil {
		return fmt.Errorf("seccomptest: Decide: %w", err)
	}
	if len(p) > maxDecideLen {
		return fmt.Errorf("seccomptest: Decide: a program of %d instructions is too long to rewrite: at most %d", len(p), maxDecideLen)
	}
	for pc, in := range p {
		if in.Op == 0x20 && (in.K == seccomp.OffsetInstructionPointer || in.K == seccomp.OffsetInstructionPointer+4) {
			return fmt.Errorf("seccomptest: Decide: instruction %d reads the instruction pointer, which the kernel fills with the child's own address: Decide cannot answer for the inputs' addresses", pc)
		}
	}
	for i, d := range inputs {
		if d.Arch != native.AuditArch {
			return fmt.Errorf("seccomptest: Decide: input %d: arch %v: only calls of the native arch (%v) can be issued", i, d.Arch, native.AuditArch)
		}
		if native == seccomp.ArchX86_64 && (d.Nr == 335 || d.Nr == 336) {
			return fmt.Errorf("seccomptest: Decide: input %d: x86_64 call %d (%s) is run by the kernel without consulting any filter, and kills the caller: it cannot be issued", i, d.Nr, syscallName(native, d.Nr))
		}
	}
	return nil
}
