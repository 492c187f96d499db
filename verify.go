package seccomp

import (
	"fmt"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/ebpflen"
	"github.com/seccomp-go/seccomp/internal/opcode"
	"github.com/seccomp-go/seccomp/internal/text"
)

// VerifyRule names one of the kernel's load-time checks of a seccomp filter.
type VerifyRule int

// The checks, in the order the kernel applies them (bpf_check_classic and
// check_load_and_stores in net/core/filter.c, then seccomp_check_filter in
// kernel/seccomp.c). Every one of them makes seccomp(2) fail with EINVAL.
const (
	RuleLength         VerifyRule = iota + 1 // 1..4096 instructions
	RuleOpcode                               // opcode unknown to classic BPF
	RuleDivisionByZero                       // DIV or MOD by the constant 0
	RuleShift                                // LSH or RSH by a constant of 32 or more
	RuleScratchIndex                         // scratch memory index of 16 or more
	RuleJumpRange                            // jump target beyond the last instruction
	RuleAncillary                            // unknown ancillary load (k >= SKF_AD_OFF)
	RuleNoReturn                             // last instruction is not a return
	RuleScratchRead                          // scratch slot read before it is written
	RuleSeccompOpcode                        // opcode classic BPF knows but seccomp refuses
	RuleLoadOffset                           // 32-bit load outside seccomp_data or unaligned
)

var ruleText = map[VerifyRule]string{
	RuleLength:         "program length must be 1 to 4096 instructions",
	RuleOpcode:         "opcode is not classic BPF",
	RuleDivisionByZero: "division by constant zero",
	RuleShift:          "shift by a constant of 32 or more",
	RuleScratchIndex:   "scratch memory index must be below 16",
	RuleJumpRange:      "jump target past the last instruction",
	RuleAncillary:      "unknown ancillary load",
	RuleNoReturn:       "last instruction must be a return (RET K or RET A)",
	RuleScratchRead:    "scratch memory slot read before it is written on every path",
	RuleSeccompOpcode:  "opcode not allowed in seccomp filters",
	RuleLoadOffset:     "load must be a 4-byte aligned offset inside seccomp_data (0..60)",
}

// String describes the rule in a few words.
func (r VerifyRule) String() string {
	if s, ok := ruleText[r]; ok {
		return s
	}
	return fmt.Sprintf("VerifyRule(%d)", int(r))
}

// VerifyError is a program the kernel would refuse, with the first check it
// fails in the kernel's order. The kernel answers every one of them with
// EINVAL.
type VerifyError struct {
	Index int                // instruction index (0-based), -1 for the program as a whole
	Insn  bpf.RawInstruction // the instruction, when Index >= 0
	Rule  VerifyRule         // the check that failed
	Len   int                // program length
}

func (e *VerifyError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("invalid filter: %s (has %d)", e.Rule, e.Len)
	}
	return fmt.Sprintf("invalid filter: instruction %d (%s): %s%s", e.Index, text.Insn(e.Index, e.Insn), e.Rule, e.detail())
}

func (e *VerifyError) detail() string {
	in := e.Insn
	switch e.Rule {
	case RuleScratchIndex, RuleScratchRead:
		return fmt.Sprintf(" (M[%d])", in.K)
	case RuleJumpRange:
		if in.Op == opcode.Ja {
			return fmt.Sprintf(" (target %d, program has %d instructions)", uint64(e.Index)+1+uint64(in.K), e.Len)
		}
		return fmt.Sprintf(" (targets %d and %d, program has %d instructions)", e.Index+1+int(in.Jt), e.Index+1+int(in.Jf), e.Len)
	case RuleLoadOffset:
		return fmt.Sprintf(" (offset %d)", in.K)
	}
	return ""
}

// Verify applies every check the kernel applies when a seccomp filter is
// attached, in the kernel's order, and returns a *VerifyError for the first
// that fails, or nil when the kernel would accept the program. The attach-time
// limit on the total length of a thread's filters is separate: see
// CheckStackLimit.
func Verify(p Program) error {
	n := len(p)
	if n == 0 || n > MaxInstructions {
		return &VerifyError{Index: -1, Rule: RuleLength, Len: n}
	}
	fail := func(pc int, r VerifyRule) error {
		return &VerifyError{Index: pc, Insn: p[pc], Rule: r, Len: n}
	}
	// bpf_check_classic: per-instruction checks.
	for pc, in := range p {
		if in.Op >= opcode.NumOpcode || !opcode.GenericAllowed[in.Op] {
			return fail(pc, RuleOpcode)
		}
		switch in.Op {
		case opcode.DivK, opcode.ModK:
			if in.K == 0 {
				return fail(pc, RuleDivisionByZero)
			}
		case opcode.LshK, opcode.RshK:
			if in.K >= 32 {
				return fail(pc, RuleShift)
			}
		case opcode.LdMem, opcode.LdxMem, opcode.St, opcode.Stx:
			if in.K >= opcode.MemWords {
				return fail(pc, RuleScratchIndex)
			}
		case opcode.Ja:
			if in.K >= uint32(n-pc-1) {
				return fail(pc, RuleJumpRange)
			}
		case opcode.JeqK, opcode.JeqX, opcode.JgeK, opcode.JgeX, opcode.JgtK, opcode.JgtX, opcode.JsetK, opcode.JsetX:
			if pc+int(in.Jt)+1 >= n || pc+int(in.Jf)+1 >= n {
				return fail(pc, RuleJumpRange)
			}
		case opcode.LdWAbs, opcode.LdHAbs, opcode.LdBAbs:
			if in.K >= opcode.SkfAdOff && !opcode.KnownAncillary(in.K) {
				return fail(pc, RuleAncillary)
			}
		}
	}
	if last := p[n-1].Op; last != opcode.RetK && last != opcode.RetA {
		return fail(n-1, RuleNoReturn)
	}
	if pc := checkLoadAndStores(p); pc >= 0 {
		return fail(pc, RuleScratchRead)
	}
	// seccomp_check_filter: the seccomp allowlist.
	for pc, in := range p {
		if !opcode.SeccompAllowed[in.Op] {
			return fail(pc, RuleSeccompOpcode)
		}
		if in.Op == opcode.LdWAbs && (in.K >= SizeofData || in.K&3 != 0) {
			return fail(pc, RuleLoadOffset)
		}
	}
	return nil
}

// opRetK is RET K, for install_linux.go.
const opRetK = opcode.RetK

// checkLoadAndStores mirrors check_load_and_stores in net/core/filter.c
// literally, quirks included: a single forward pass in which each
// instruction's set of written scratch slots is the set along the
// fall-through ANDed with those of the jumps that target it, and every
// instruction right after a jump starts from "all written". It returns the
// index of the first read of a slot not known to be written, or -1.
func checkLoadAndStores(p Program) int {
	masks := make([]uint16, len(p))
	for i := range masks {
		masks[i] = 0xffff
	}
	valid := uint16(0)
	for pc, in := range p {
		valid &= masks[pc]
		switch in.Op {
		case opcode.St, opcode.Stx:
			valid |= 1 << in.K
		case opcode.LdMem, opcode.LdxMem:
			if valid&(1<<in.K) == 0 {
				return pc
			}
		case opcode.Ja:
			masks[pc+1+int(in.K)] &= valid
			valid = 0xffff
		case opcode.JeqK, opcode.JeqX, opcode.JgeK, opcode.JgeX, opcode.JgtK, opcode.JgtX, opcode.JsetK, opcode.JsetX:
			masks[pc+1+int(in.Jt)] &= valid
			masks[pc+1+int(in.Jf)] &= valid
			valid = 0xffff
		}
	}
	return -1
}

// Stacking limits (kernel/seccomp.c, seccomp_attach_filter).
const (
	// MaxStackInstructions is MAX_INSNS_PER_PATH: the most instructions all
	// filters of a thread may count together, penalties included, in the
	// kernel's measure (see KernelLen).
	MaxStackInstructions = ebpflen.MaxStack
	// StackPenalty is the number of instructions each already attached
	// filter counts for beyond its own length.
	StackPenalty = ebpflen.StackPenalty
)

// KernelLen returns the length the kernel counts for a valid program p
// against the limit on a thread's filters. The kernel counts its internal
// translation of the program, not the classic instructions: a RET K counts
// 2, a conditional jump up to 3, a division by X 5, every filter 3 more; so
// at most 3641 one-instruction filters can be stacked, not 6554 as a count
// of classic instructions would say. The model is checked against the
// running kernel by the repository's tests (Linux 6.x, without
// net.core.bpf_jit_harden, which lengthens programs).
func KernelLen(p Program) int { return ebpflen.Len(p) }

// StackLimitError is a filter that would exceed the limit on the total
// length of a thread's filters. The kernel answers it with ENOMEM.
type StackLimitError struct {
	Total int // what the kernel would count, penalties included (see KernelLen)
	New   int // KernelLen of the new filter
}

func (e *StackLimitError) Error() string {
	return fmt.Sprintf("seccomp: filter does not fit: with it the thread's filters would count %d instructions (the new one %d), more than the kernel's limit of %d (the kernel counts each filter's translated length, plus %d for each attached one)",
		e.Total, e.New, MaxStackInstructions, StackPenalty)
}

// StackTotal returns what the kernel counts when p is attached on top of
// the attached filters (oldest first, inherited ones included): KernelLen
// of p plus, for each attached filter, its KernelLen plus StackPenalty.
func StackTotal(attached []Program, p Program) int {
	lens := make([]int, len(attached))
	for i, a := range attached {
		lens[i] = KernelLen(a)
	}
	return ebpflen.Total(lens, KernelLen(p))
}

// CheckStackLimit reports whether p can still be attached on top of the
// attached filters (inherited ones included), and returns a
// *StackLimitError when the kernel would refuse it with ENOMEM.
func CheckStackLimit(attached []Program, p Program) error {
	if t := StackTotal(attached, p); t > MaxStackInstructions {
		return &StackLimitError{Total: t, New: KernelLen(p)}
	}
	return nil
}
