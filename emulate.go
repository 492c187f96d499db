package seccomp

import (
	"encoding/binary"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/opcode"
	"github.com/seccomp-go/seccomp/internal/uapi"
)

// Result is what running a filter on one seccomp_data gives.
type Result struct {
	Action   Action // the 32-bit value returned, exactly as the kernel sees it
	Executed int    // instructions executed, the return included
}

// Emulator runs a verified program as the kernel runs it. It is safe for
// concurrent use and allocates nothing per run.
type Emulator struct {
	prog Program
}

// NewEmulator verifies p (see Verify) and returns an emulator for it.
func NewEmulator(p Program) (*Emulator, error) {
	if err := Verify(p); err != nil {
		return nil, err
	}
	return &Emulator{prog: append(Program(nil), p...)}, nil
}

// MustEmulator is NewEmulator for programs known to be valid; it panics on
// an invalid one. It suits tests and package-level variables.
func MustEmulator(p Program) *Emulator {
	e, err := NewEmulator(p)
	if err != nil {
		panic(err)
	}
	return e
}

// Program returns the program the emulator runs.
func (e *Emulator) Program() Program { return append(Program(nil), e.prog...) }

// Run runs the program on d as the kernel would, and returns the value it
// returns and the number of instructions executed. seccomp_data is laid out
// in the byte order that d.Arch names (see AuditArch.ByteOrder); use RunIn
// to choose it.
func (e *Emulator) Run(d Data) Result {
	return run(e.prog, &d, d.Arch.LittleEndian())
}

// Action is Run(d).Action: the value the program returns for d.
func (e *Emulator) Action(d Data) Action { return e.Run(d).Action }

// RunIn is Run with seccomp_data laid out in the given byte order,
// whatever d.Arch says: for a kernel whose token does not tell its byte
// order (a big-endian arm64 kernel reports AUDIT_ARCH_AARCH64).
func (e *Emulator) RunIn(d Data, order binary.ByteOrder) Result {
	return run(e.prog, &d, uapi.LittleEndian(order))
}

// RunOrder is Run with seccomp_data laid out little-endian (le) or
// big-endian, whatever d.Arch says.
//
// Deprecated: Use RunIn, which takes the byte order as a binary.ByteOrder.
func (e *Emulator) RunOrder(d Data, le bool) Result {
	return run(e.prog, &d, le)
}

// run executes a verified program. Registers and scratch memory start at
// zero; arithmetic is modulo 2^32; jumps and compares are unsigned; a
// division by a zero X register ends the program with 0 (KILL_THREAD), as
// the kernel's translation of classic BPF does; shifts by X use X & 31.
func run(p Program, d *Data, le bool) Result {
	var a, x uint32
	var mem [opcode.MemWords]uint32
	pc := 0
	n := 0
	for pc < len(p) {
		in := p[pc]
		n++
		pc++
		switch in.Op {
		case opcode.LdWAbs:
			a = d.word(in.K&(SizeofData-4), le)
		case opcode.LdLen:
			a = SizeofData
		case opcode.LdxLen:
			x = SizeofData
		case opcode.LdImm:
			a = in.K
		case opcode.LdxImm:
			x = in.K
		case opcode.LdMem:
			a = mem[in.K&(opcode.MemWords-1)]
		case opcode.LdxMem:
			x = mem[in.K&(opcode.MemWords-1)]
		case opcode.St:
			mem[in.K&(opcode.MemWords-1)] = a
		case opcode.Stx:
			mem[in.K&(opcode.MemWords-1)] = x
		case opcode.Tax:
			x = a
		case opcode.Txa:
			a = x
		case opcode.AddK:
			a += in.K
		case opcode.AddX:
			a += x
		case opcode.SubK:
			a -= in.K
		case opcode.SubX:
			a -= x
		case opcode.MulK:
			a *= in.K
		case opcode.MulX:
			a *= x
		case opcode.DivK:
			a /= in.K
		case opcode.DivX:
			if x == 0 {
				return Result{Action: 0, Executed: n}
			}
			a /= x
		case opcode.AndK:
			a &= in.K
		case opcode.AndX:
			a &= x
		case opcode.OrK:
			a |= in.K
		case opcode.OrX:
			a |= x
		case opcode.XorK:
			a ^= in.K
		case opcode.XorX:
			a ^= x
		case opcode.LshK:
			a <<= in.K & 31
		case opcode.LshX:
			a <<= x & 31
		case opcode.RshK:
			a >>= in.K & 31
		case opcode.RshX:
			a >>= x & 31
		case opcode.Neg:
			a = -a
		case opcode.Ja:
			pc += int(in.K)
		case opcode.JeqK:
			pc += jump(a == in.K, in)
		case opcode.JeqX:
			pc += jump(a == x, in)
		case opcode.JgtK:
			pc += jump(a > in.K, in)
		case opcode.JgtX:
			pc += jump(a > x, in)
		case opcode.JgeK:
			pc += jump(a >= in.K, in)
		case opcode.JgeX:
			pc += jump(a >= x, in)
		case opcode.JsetK:
			pc += jump(a&in.K != 0, in)
		case opcode.JsetX:
			pc += jump(a&x != 0, in)
		case opcode.RetK:
			return Result{Action: Action(in.K), Executed: n}
		case opcode.RetA:
			return Result{Action: Action(a), Executed: n}
		default:
			// Not reachable for a verified program.
			return Result{Action: ActKillProcess, Executed: n}
		}
	}
	// Not reachable for a verified program: its last instruction returns.
	return Result{Action: ActKillProcess, Executed: n}
}

func jump(cond bool, in bpf.RawInstruction) int {
	if cond {
		return int(in.Jt)
	}
	return int(in.Jf)
}

// StackResult is what a stack of filters decides for one system call.
type StackResult struct {
	// Action is the combined value, as the kernel acts on it. An ALLOW
	// result is always exactly ActAllow.
	Action Action
	// Filter is the index in the stack of the filter whose value was taken
	// (whose listener gets a USER_NOTIF, whose LOG flag counts), or -1 when
	// the result is ALLOW.
	Filter int
	// Executed is the number of instructions executed, all filters together.
	Executed int
}

// Stack is the filters attached to a thread, oldest first (the order they
// were installed in).
type Stack []*Emulator

// Run runs every filter of the stack on d and combines their results as
// seccomp_run_filters does: from the newest filter to the oldest, a value
// replaces the current one when its action part is lower as a signed 32-bit
// number, so KILL_PROCESS beats everything, ALLOW loses to everything, and
// between equal action parts the newest filter's value (with its data) wins.
//
// The kernel's action cache does not change the outcome, except that
// kernels since 6.14 let x86_64's uretprobe (and later uprobe) through every
// filter; Run does not model that.
func (s Stack) Run(d Data) StackResult {
	res := StackResult{Action: ActAllow, Filter: -1}
	for i := len(s) - 1; i >= 0; i-- {
		r := s[i].Run(d)
		res.Executed += r.Executed
		if r.Action.Precedes(res.Action) {
			res.Action = r.Action
			res.Filter = i
		}
	}
	return res
}
