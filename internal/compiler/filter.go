// Package compiler turns a filter resolved per arch into a classic BPF
// program, and defines what such a filter decides (Evaluate), which the
// program reproduces exactly. Package seccomp resolves a Filter's rules
// (names to numbers, conditions normalized for each arch, rules sorted by
// precedence) into a Filter of this package; this package knows nothing of
// names, syscall tables or checks.
//
// The input is small on purpose: per arch, the rules of each system call
// number in the order they are tried, the arch's audit token, byte order
// and highest known number, and the hot numbers to lay the search out for.
// A new way to resolve rules (multiplexed calls, another ABI) plugs in by
// producing these; a new shape of code, by changing how Compile lays out a
// system call's argument block (argBlock) or the search over numbers
// (layout).
package compiler

import (
	"cmp"
	"encoding/binary"
	"slices"

	"github.com/seccomp-go/seccomp/internal/cond"
	"github.com/seccomp-go/seccomp/internal/uapi"
)

// Constants of the kernel's ABI the compiler needs.
const (
	auditArchX86_64 = uapi.AuditArchX86_64
	x32SyscallBit   = uapi.X32SyscallBit

	offsetNr   = uapi.OffsetNr
	offsetArch = uapi.OffsetArch
)

// Filter is a filter resolved for compilation: what Compile compiles and
// Evaluate evaluates.
type Filter struct {
	Default  uint32 // the default action
	BadArch  uint32 // the action of calls from arches the filter does not cover
	ENOSYS   bool   // numbers above an arch's Max get ERRNO(ENOSYS), in the arch's errno numbers
	MinusOne bool   // -1 under AUDIT_ARCH_X86_64 gets Default when x32 is not covered
	Arches   []*Arch
}

// Arch is what a filter decides on one arch.
type Arch struct {
	Token uint32           // the audit arch token (seccomp_data.arch)
	X32   bool             // the x32 ABI: numbers with x32SyscallBit under AUDIT_ARCH_X86_64
	Order binary.ByteOrder // the byte order of seccomp_data
	Max   uint32           // the highest number the arch's syscall table knows
	// Newer are numbers below Max, in increasing order, that get
	// ERRNO(ENOSYS) when no rule decides them (calls newer than a kernel
	// release), whatever Filter.ENOSYS says.
	Newer []int32
	// Calls are the rules of each system call number, in the order they
	// are tried: by precedence of their actions, then as added. The first
	// whose conditions all hold decides.
	Calls map[int32][]Rule
	// Keys are the numbers of Calls in unsigned order.
	Keys []int32
	// Hot are the numbers to decide in few comparisons, each with its
	// weight (at most 1), in the order their weights are summed.
	Hot []Hot
}

// Rule is one rule of a system call on an arch.
type Rule struct {
	Index  int         // the rule's index in the filter, for messages
	Action uint32      // what the kernel does when the rule decides
	Conds  []cond.Cond // normalized for the arch; all must hold
}

// Hot is a hot system call number and its weight.
type Hot struct {
	Nr     int32
	Weight float64
}

// For returns the arch a call with number nr under token belongs to, or
// nil: under AUDIT_ARCH_X86_64, numbers with x32SyscallBit belong to x32
// and the others to x86_64.
func (f *Filter) For(nr int32, token uint32) *Arch {
	x32 := uint32(nr) >= x32SyscallBit
	for _, p := range f.Arches {
		if p.Token != token {
			continue
		}
		if token == auditArchX86_64 && x32 != p.X32 {
			continue
		}
		return p
	}
	return nil
}

// coversNative64 reports whether the filter covers x86_64 (an arch under
// AUDIT_ARCH_X86_64 that is not x32). For returning nil for an
// AUDIT_ARCH_X86_64 call then means x32 is not covered.
func (f *Filter) coversNative64() bool {
	for _, p := range f.Arches {
		if p.Token == auditArchX86_64 && !p.X32 {
			return true
		}
	}
	return false
}

// unknownAbove reports whether nr is above every number the arch's table
// knows, within the arch's number space.
func (p *Arch) unknownAbove(nr int32) bool { return uint32(nr) > p.Max }

// newer reports whether nr is one of p.Newer.
func (p *Arch) newer(nr int32) bool {
	_, ok := slices.BinarySearchFunc(p.Newer, uint32(nr), func(a int32, b uint32) int { return cmp.Compare(uint32(a), b) })
	return ok
}

// enosys is ERRNO(ENOSYS) in the arch's errno numbers.
func (p *Arch) enosys() uint32 { return uapi.RetErrno | uapi.ENOSYSOf(p.Token) }

// fallback is what a call with number nr gets when no rule decides it.
func (f *Filter) fallback(p *Arch, nr int32) uint32 {
	if f.ENOSYS && p.unknownAbove(nr) || p.newer(nr) {
		return p.enosys()
	}
	return f.Default
}

// Evaluate returns what the filter decides for a call: the reference
// meaning, which the compiled program reproduces.
func (f *Filter) Evaluate(nr int32, token uint32, args *[6]uint64) uint32 {
	p := f.For(nr, token)
	if p == nil {
		if f.MinusOne && token == auditArchX86_64 && nr == -1 && f.coversNative64() {
			return f.Default
		}
		return f.BadArch
	}
	for _, r := range p.Calls[nr] { // by precedence: the first match wins
		if cond.All(r.Conds, args) {
			return r.Action
		}
	}
	return f.fallback(p, nr)
}
