// Package ebpflen models the length of the kernel's translation of a
// classic BPF seccomp program to its internal eBPF form: the length the
// kernel counts against its limit on the total size of a thread's filters.
package ebpflen

import "golang.org/x/net/bpf"

// Limits of seccomp_attach_filter in kernel/seccomp.c.
const (
	MaxStack     = 32768 // MAX_INSNS_PER_PATH
	StackPenalty = 4     // counted for each filter already attached
)

// Len returns the number of instructions the kernel counts for a valid
// seccomp program p when it checks the total length of a thread's filters.
// seccomp_attach_filter adds up filter->prog->len, and by then the classic
// program has been translated to eBPF (bpf_migrate_filter ->
// bpf_convert_filter in net/core/filter.c), whose length is not the
// classic one:
//
//   - 3 instructions of prologue (A = 0, X = 0, the context register);
//   - RET K: 2 (move the value, exit); RET A: 1;
//   - DIV X: 5 (the X == 0 check returning 0 comes first);
//   - a conditional jump: 1, plus 1 when K is negative as an int32 (the
//     constant goes through a scratch register), plus 1 when it needs an
//     extra JA: jf != 0, unless jt == 0 and the test can be inverted
//     (JEQ, JGT, JGE: not JSET);
//   - every other instruction: 1.
//
// This mirrors Linux 6.x, checked against the running kernel by the
// repository's kernel tests. Constant blinding (net.core.bpf_jit_harden)
// would make programs longer.
func Len(p []bpf.RawInstruction) int {
	n := 3
	for _, in := range p {
		switch in.Op {
		case opRetK:
			n += 2
		case opRetA:
			n++
		case opDivX:
			n += 5
		case opJeqK, opJgtK, opJgeK, opJsetK, opJeqX, opJgtX, opJgeX, opJsetX:
			if in.Op&srcX == 0 && int32(in.K) < 0 {
				n++
			}
			switch {
			case in.Jf == 0:
				n++
			case in.Jt == 0 && in.Op&0xf0 != jmpJSET:
				n++
			default:
				n += 2
			}
		default:
			n++
		}
	}
	return n
}

// Fits reports whether the kernel attaches a filter whose length (Len) is
// newLen on top of filters whose lengths are attached.
func Fits(attached []int, newLen int) bool { return Total(attached, newLen) <= MaxStack }

// Total is what the kernel compares with MaxStack: newLen plus, for each
// attached filter, its length plus StackPenalty.
func Total(attached []int, newLen int) int {
	total := newLen
	for _, n := range attached {
		total += n + StackPenalty
	}
	return total
}

const (
	srcX    = 0x08
	jmpJSET = 0x40
	opRetK  = 0x06
	opRetA  = 0x16
	opDivX  = 0x3c
	opJeqK  = 0x15
	opJeqX  = 0x1d
	opJgtK  = 0x25
	opJgtX  = 0x2d
	opJgeK  = 0x35
	opJgeX  = 0x3d
	opJsetK = 0x45
	opJsetX = 0x4d
)
