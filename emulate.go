package seccomp

import "golang.org/x/net/bpf"

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
// in the byte order that d.Arch names (see AuditArch.LittleEndian); use
// RunOrder to choose it.
func (e *Emulator) Run(d Data) Result {
	return e.RunOrder(d, d.Arch.LittleEndian())
}

// Action is Run(d).Action: the value the program returns for d.
func (e *Emulator) Action(d Data) Action { return e.Run(d).Action }

// RunOrder is Run with seccomp_data laid out little-endian (le) or
// big-endian, whatever d.Arch says.
func (e *Emulator) RunOrder(d Data, le bool) Result {
	return run(e.prog, &d, le)
}

// run executes a verified program. Registers and scratch memory start at
// zero; arithmetic is modulo 2^32; jumps and compares are unsigned; a
// division by a zero X register ends the program with 0 (KILL_THREAD), as
// the kernel's translation of classic BPF does; shifts by X use X & 31.
func run(p Program, d *Data, le bool) Result {
	var a, x uint32
	var mem [memWords]uint32
	pc := 0
	n := 0
	for pc < len(p) {
		in := p[pc]
		n++
		pc++
		switch in.Op {
		case opLdWAbs:
			a = d.word(in.K&(SizeofData-4), le)
		case opLdLen:
			a = SizeofData
		case opLdxLen:
			x = SizeofData
		case opLdImm:
			a = in.K
		case opLdxImm:
			x = in.K
		case opLdMem:
			a = mem[in.K&(memWords-1)]
		case opLdxMem:
			x = mem[in.K&(memWords-1)]
		case opSt:
			mem[in.K&(memWords-1)] = a
		case opStx:
			mem[in.K&(memWords-1)] = x
		case opTax:
			x = a
		case opTxa:
			a = x
		case opAddK:
			a += in.K
		case opAddX:
			a += x
		case opSubK:
			a -= in.K
		case opSubX:
			a -= x
		case opMulK:
			a *= in.K
		case opMulX:
			a *= x
		case opDivK:
			a /= in.K
		case opDivX:
			if x == 0 {
				return Result{Action: 0, Executed: n}
			}
			a /= x
		case opAndK:
			a &= in.K
		case opAndX:
			a &= x
		case opOrK:
			a |= in.K
		case opOrX:
			a |= x
		case opXorK:
			a ^= in.K
		case opXorX:
			a ^= x
		case opLshK:
			a <<= in.K & 31
		case opLshX:
			a <<= x & 31
		case opRshK:
			a >>= in.K & 31
		case opRshX:
			a >>= x & 31
		case opNeg:
			a = -a
		case opJa:
			pc += int(in.K)
		case opJeqK:
			pc += jump(a == in.K, in)
		case opJeqX:
			pc += jump(a == x, in)
		case opJgtK:
			pc += jump(a > in.K, in)
		case opJgtX:
			pc += jump(a > x, in)
		case opJgeK:
			pc += jump(a >= in.K, in)
		case opJgeX:
			pc += jump(a >= x, in)
		case opJsetK:
			pc += jump(a&in.K != 0, in)
		case opJsetX:
			pc += jump(a&x != 0, in)
		case opRetK:
			return Result{Action: Action(in.K), Executed: n}
		case opRetA:
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
