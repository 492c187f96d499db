package kerneltest

import (
	"github.com/seccomp-go/seccomp/internal/ebpflen"
	"golang.org/x/net/bpf"
)

// MaxStack and StackPenalty are the kernel's limits on stacked filters.
const (
	MaxStack     = ebpflen.MaxStack
	StackPenalty = ebpflen.StackPenalty
)

// TranslatedLen is the length the kernel counts for p against MaxStack
// (see ebpflen.Len).
func TranslatedLen(p []bpf.RawInstruction) int { return ebpflen.Len(p) }

// AllowFilter returns a filter of n instructions that allows everything:
// n-1 loads of the system call number and RET ALLOW. The kernel's action
// cache proves it allows every system call, so a thread carrying many of
// them still makes its system calls at full speed.
func AllowFilter(n int) []bpf.RawInstruction {
	p := make([]bpf.RawInstruction, n)
	for i := range p {
		p[i] = bpf.RawInstruction{Op: opLdWAbs, K: 0}
	}
	if n > 0 {
		p[n-1] = bpf.RawInstruction{Op: opRetK, K: retAllow}
	}
	return p
}

// StackFits reports whether the kernel attaches a filter whose translated
// length is newLen on top of filters whose translated lengths are attached.
func StackFits(attached []int, newLen int) bool { return ebpflen.Fits(attached, newLen) }
