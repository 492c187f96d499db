package kerneltest

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/net/bpf"
)

// Call is one system call: its number and six argument registers. The
// kernel fills seccomp_data's arch and instruction_pointer itself.
type Call struct {
	Nr   int32
	Args [6]uint64
}

// Outcome is what one call gave on the thread that made it.
type Outcome struct {
	Killed bool    // the thread died in the call (SECCOMP_RET_KILL_THREAD)
	Ret    uintptr // the return register, when the thread survived
	Errno  uint16  // the error number, 0 when the call did not fail
}

func (o Outcome) String() string {
	if o.Killed {
		return "killed"
	}
	if o.Errno != 0 {
		return fmt.Sprintf("errno %d", o.Errno)
	}
	return fmt.Sprintf("returned %#x", o.Ret)
}

// MinTestNr is the lowest system call number (unsigned) a test call may
// use. Instrumented programs let every call below it through, so that the
// thread's own system calls (futex, sigaltstack, exit, ...) keep working.
const MinTestNr = 1000

// TestNr reports whether nr may be used for a test call: at least MinTestNr
// as an unsigned number, not -1, and not an x32 number below
// 0x40000000+MinTestNr. On x86_64 none of those is implemented, so an
// allowed call returns ENOSYS whatever its arguments.
func TestNr(nr int32) bool {
	u := uint32(nr)
	return u >= MinTestNr && u != 0xffffffff && (u < 0x40000000 || u >= 0x40000000+MinTestNr)
}

// Opcodes and values the instrumentation uses.
const (
	opLdWAbs = 0x20
	opLdImm  = 0x00
	opJgtK   = 0x25
	opJeqK   = 0x15
	opJa     = 0x05
	opRetK   = 0x06
	opRetA   = 0x16
	opRshK   = 0x74
	opAndK   = 0x54
	opOrK    = 0x44

	retAllow = 0x7fff0000
	retErrno = 0x00050000

	maxInsns = 4096
)

// The errno an instrumented program returns encodes what the original
// program returned:
//
//	codeBase+i             the i-th distinct RET K value of the program
//	tailBase | 11 bits     RET A: bits [s, s+11) of A, s = tailShifts[variant]
//
// Every code is above ENOSYS (38) and below MAX_ERRNO (4095), and no code is
// 0, so an allowed call (ENOSYS) or an ERRNO(0) (success) can only mean the
// instrumentation is broken.
const (
	codeBase = 100
	tailBase = 0x800
	tailBits = 11
	// MaxRetValues is the most distinct RET K values an instrumented
	// program may have.
	MaxRetValues = tailBase - codeBase
	prefixLen    = 4
	ipPrefixLen  = 6
	tailLen      = 4
	// MaxLen is the longest program Instrument takes.
	MaxLen = maxInsns - prefixLen - tailLen
	// MaxLenAt is the longest program InstrumentAt takes.
	MaxLenAt = maxInsns - ipPrefixLen - tailLen
)

var tailShifts = [...]uint32{0, tailBits, 2 * tailBits}

// prefix lets every call with a number below MinTestNr through, then sets A
// back to 0 as the original program expects (X is still 0 and no scratch
// cell is written). Its conditional jump leaves the kernel's scratch-memory
// analysis in the state it has at the start of a program (nothing written),
// so the body is checked exactly as the original program was.
var prefix = [prefixLen]bpf.RawInstruction{
	{Op: opLdWAbs, K: 0},
	{Op: opJgtK, Jt: 1, Jf: 0, K: MinTestNr - 1},
	{Op: opRetK, K: retAllow},
	{Op: opLdImm, K: 0},
}

// Instrumented is a program rewritten for the Runner. Variants[0] is run on
// every call; when the program has a RET A and a call takes it, the other
// variants are run on that call too, each exposing other bits of A.
type Instrumented struct {
	Variants [][]bpf.RawInstruction
	retK     []uint32 // RET K value of each code
}

// Instrument rewrites p, which must be a program the kernel accepts, as
// prefix + body + tail: the prefix lets the thread's own system calls
// through; in the body every RET K returns ERRNO(code of k) and every RET A
// jumps to the tail, which returns ERRNO(tailBase | 11 bits of A). All other
// instructions and all jump offsets are unchanged, and the variants differ
// only in the tail's shift.
//
// The rewrite keeps the kernel's verdict on valid programs: replacing RET A
// by JA only widens what the scratch-memory analysis accepts after it. It
// is not meant for invalid programs, which it might turn valid.
func Instrument(p []bpf.RawInstruction) (*Instrumented, error) {
	return instrument(p, prefix[:])
}

// ipPrefix returns the prefix of InstrumentAt: it lets every call made from
// an instruction pointer other than ip through, then sets A back to 0. Its
// jumps leave the scratch-memory analysis as at the start of a program, as
// prefix does. le says where the low word of the instruction pointer is.
func ipPrefix(ip uint64, le bool) []bpf.RawInstruction {
	lo, hi := uint32(offIP), uint32(offIP+4)
	if !le {
		lo, hi = hi, lo
	}
	return []bpf.RawInstruction{
		{Op: opLdWAbs, K: lo},
		{Op: opJeqK, Jt: 0, Jf: 2, K: uint32(ip)},
		{Op: opLdWAbs, K: hi},
		{Op: opJeqK, Jt: 1, Jf: 0, K: uint32(ip >> 32)},
		{Op: opRetK, K: retAllow},
		{Op: opLdImm, K: 0},
	}
}

// offIP is the offset of seccomp_data.instruction_pointer.
const offIP = 8

// nativeLittleEndian reports whether this machine is little-endian, as the
// seccomp_data its kernel fills then is.
var nativeLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// InstrumentAt is Instrument for calls of any number: its prefix lets
// through every call made from an instruction pointer other than ip, and
// the body judges every call made from ip, whatever its number. Since every
// return of the body is an ERRNO, no call made from ip ever runs: a helper
// whose calls are all made from ip (see Runner.IP) can issue the numbers of
// real system calls without running them. le says whether seccomp_data is
// little-endian (the native byte order of the kernel that runs it).
func InstrumentAt(p []bpf.RawInstruction, ip uint64, le bool) (*Instrumented, error) {
	return instrument(p, ipPrefix(ip, le))
}

func instrument(p, prefix []bpf.RawInstruction) (*Instrumented, error) {
	maxLen := maxInsns - len(prefix) - tailLen
	if len(p) == 0 || len(p) > maxLen {
		return nil, fmt.Errorf("kerneltest: cannot instrument a program of %d instructions (1 to %d)", len(p), maxLen)
	}
	prefixLen := len(prefix)
	codes := map[uint32]uint32{}
	in := &Instrumented{}
	hasRetA := false
	for _, ins := range p {
		switch ins.Op {
		case opRetK:
			if _, ok := codes[ins.K]; !ok {
				if len(in.retK) == MaxRetValues {
					return nil, errors.New("kerneltest: too many distinct RET K values to instrument")
				}
				codes[ins.K] = codeBase + uint32(len(in.retK))
				in.retK = append(in.retK, ins.K)
			}
		case opRetA:
			hasRetA = true
		}
	}
	variants := 1
	if hasRetA {
		variants = len(tailShifts)
	}
	tail := prefixLen + len(p)
	for v := range variants {
		q := make([]bpf.RawInstruction, 0, tail+tailLen)
		q = append(q, prefix...)
		for pc, ins := range p {
			switch ins.Op {
			case opRetK:
				ins = bpf.RawInstruction{Op: opRetK, K: retErrno | codes[ins.K]}
			case opRetA:
				ins = bpf.RawInstruction{Op: opJa, K: uint32(tail - (prefixLen + pc) - 1)}
			}
			q = append(q, ins)
		}
		if hasRetA {
			q = append(q,
				bpf.RawInstruction{Op: opRshK, K: tailShifts[v]},
				bpf.RawInstruction{Op: opAndK, K: 1<<tailBits - 1},
				bpf.RawInstruction{Op: opOrK, K: retErrno | tailBase},
				bpf.RawInstruction{Op: opRetA},
			)
		}
		in.Variants = append(in.Variants, q)
	}
	return in, nil
}

// NeedsAllVariants reports whether o, the outcome of Variants[0] on a call,
// came from a RET A, so that the call must be run under every variant to
// learn all of A.
func (in *Instrumented) NeedsAllVariants(o Outcome) bool {
	return !o.Killed && o.Errno >= tailBase && len(in.Variants) > 1
}

// Decode returns the value the original program returned for one call,
// from the outcomes of that call under Variants[0] and, when
// NeedsAllVariants says so, under all the variants in order. A killed
// thread stands for the value 0 (KILL_THREAD), which only a division by a
// zero X can produce in an instrumented program; killed reports it.
func (in *Instrumented) Decode(outs []Outcome) (value uint32, killed bool, err error) {
	if len(outs) == 0 {
		return 0, false, errors.New("kerneltest: no outcome to decode")
	}
	o := outs[0]
	for _, x := range outs[1:] {
		if x != o && !(in.NeedsAllVariants(o) && in.NeedsAllVariants(x)) {
			return 0, false, fmt.Errorf("kerneltest: variants disagree: %v", outs)
		}
	}
	switch {
	case o.Killed:
		return 0, true, nil
	case o.Errno == 0:
		return 0, false, fmt.Errorf("kerneltest: call returned %#x: the instrumented program never returns ERRNO(0)", o.Ret)
	case o.Errno >= codeBase && int(o.Errno) < codeBase+len(in.retK):
		return in.retK[o.Errno-codeBase], false, nil
	case in.NeedsAllVariants(o):
		if len(outs) != len(in.Variants) {
			return 0, false, fmt.Errorf("kerneltest: RET A taken: need the outcomes of all %d variants, have %d", len(in.Variants), len(outs))
		}
		for i, x := range outs {
			bits := uint32(x.Errno) - tailBase
			if i == len(outs)-1 && bits>>(32-tailShifts[i]) != 0 {
				return 0, false, fmt.Errorf("kerneltest: variant %d: errno %d has bits beyond 32", i, x.Errno)
			}
			value |= bits << tailShifts[i]
		}
		return value, false, nil
	}
	return 0, false, fmt.Errorf("kerneltest: unexpected outcome %v (38 = ENOSYS means the call was allowed)", o)
}
