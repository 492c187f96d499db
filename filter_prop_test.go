package seccomp

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/seccomp-go/seccomp/internal/cond"
	"github.com/seccomp-go/seccomp/internal/opcode"
)

var edgeValues = []uint64{0, 1, 2, 1<<31 - 1, 1 << 31, 1<<32 - 1, 1 << 32, 1<<32 + 1, 1 << 63, 1<<64 - 1, 0xffffffff00000000, 0x00000001_00000001}

// randValue returns an edge value, a neighbour of one, or a random value.
func randValue(rng *rand.Rand) uint64 {
	switch rng.IntN(4) {
	case 0:
		return rng.Uint64()
	case 1:
		return uint64(rng.IntN(16))
	}
	v := edgeValues[rng.IntN(len(edgeValues))]
	switch rng.IntN(3) {
	case 0:
		v++
	case 1:
		v--
	}
	return v
}

var allActions = []Action{ActKillProcess, ActKillThread, Trap(1), Trap(7), Errno(1), Errno(13), Errno(4095), ActUserNotif, Trace(0), Trace(3), ActLog, ActAllow}

func randAction(rng *rand.Rand) Action { return allActions[rng.IntN(len(allActions))] }

// randCond returns a random condition; a few share an argument and value
// with others so that ranges and overlaps appear.
func randCond(rng *rand.Rand, arg int) Cond {
	op := Op(1 + rng.IntN(int(OpMaskedNe)))
	c := Cond{Arg: arg, Op: op, Value: randValue(rng), Width32: rng.IntN(4) == 0}
	if op == OpMaskedEq || op == OpMaskedNe {
		c.Mask = randValue(rng)
		if rng.IntN(10) != 0 {
			c.Value &= c.Mask // satisfiable
		}
	}
	// Mostly keep single conditions satisfiable.
	if n := c.internal().Normalize(false); rng.IntN(10) != 0 {
		switch {
		case c.Op == OpLt && n.Value == 0:
			c.Value++
		case c.Op == OpGt && (n.Value == 1<<64-1 || c.Width32 && n.Value == 0xffffffff):
			c.Value--
		}
	}
	return c
}

// randFilter returns a random filter over a random subset of the arches.
// syscalls lists, per rule, a pool of names to draw from.
func randFilter(rng *rand.Rand) *Filter {
	all := Arches()
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	// Up to four arches, so that programs stay within the kernel's
	// length; over many filters every arch and byte order is drawn.
	arches := all[:1+rng.IntN(4)]
	f := NewFilter(randAction(rng), arches...)
	f.SetBadArchAction(randAction(rng))
	f.SetUnknownSyscallENOSYS(rng.IntN(2) == 0)
	if rng.IntN(4) == 0 {
		f.SetENOSYSAfter(Release{3 + rng.IntN(5), rng.IntN(20)})
	}
	f.SetNrMinusOneDefault(rng.IntN(2) == 0)
	// A small pool of syscalls so that several rules share one.
	pool := []string{"read", "write", "openat", "personality", "socket", "ioctl", "mprotect", "clone", "futex", "exit_group"}
	if rng.IntN(4) == 0 {
		// Multiplexed calls, and their multiplexers.
		f.SetMultiplexing(true)
		pool = append(pool, "socket", "connect", "shmat", "semop", "socketcall", "ipc")
	}
	switch rng.IntN(3) {
	case 0: // DefaultHotSyscalls
	case 1:
		f.SetHotSyscalls(map[string]float64{})
	case 2:
		hot := map[string]float64{}
		for k := rng.IntN(5); k >= 0; k-- {
			hot[pool[rng.IntN(len(pool))]] = 1 + 100*rng.Float64()
		}
		f.SetHotSyscalls(hot)
	}
	nRules := rng.IntN(25)
	uncond := map[string]bool{}
	for i := 0; i < nRules; i++ {
		r := Rule{Syscall: pool[rng.IntN(len(pool))], Action: randAction(rng)}
		if rng.IntN(6) == 0 {
			a := arches[rng.IntN(len(arches))]
			r.Arch = a
			if rng.IntN(2) == 0 {
				// By number: a known one or one beyond the table.
				r.Syscall = ""
				r.Number = a.MaxSyscall() + int32(rng.IntN(3))
				if rng.IntN(2) == 0 {
					names := a.Syscalls()
					r.Number, _ = a.Syscall(names[rng.IntN(len(names))])
				}
			}
		}
		nConds := rng.IntN(4)
		if nConds == 0 {
			key := r.Syscall
			if uncond[key] || r.Syscall == "" {
				nConds = 1
			}
			uncond[key] = true
		}
		arg := rng.IntN(3)
		for j := 0; j < nConds; j++ {
			if rng.IntN(3) != 0 {
				arg = rng.IntN(6)
			}
			r.Conds = append(r.Conds, randCond(rng, arg))
		}
		f.Add(r)
	}
	return f
}

// randInput returns a call the filter's rules are likely to care about:
// from one of its arches or another, x32 numbers, numbers beyond the
// tables, and arguments near the rules' values, differing in one half.
func randInput(rng *rand.Rand, f *Filter) Data {
	var d Data
	arches := f.Arches()
	a := arches[rng.IntN(len(arches))]
	if rng.IntN(8) == 0 {
		all := Arches()
		a = all[rng.IntN(len(all))]
	}
	d.Arch = a.AuditArch
	if rng.IntN(16) == 0 {
		d.Arch = AuditArch(rng.Uint32())
	}
	rules := f.Rules()
	switch k := rng.IntN(10); {
	case k < 6 && len(rules) > 0:
		r := rules[rng.IntN(len(rules))]
		if r.Syscall == "" {
			d.Nr = r.Number
		} else if nr, ok := a.Syscall(r.Syscall); ok {
			d.Nr = nr
		}
		for _, c := range r.Conds {
			v := c.Value
			switch rng.IntN(5) {
			case 0:
				v ^= 1 << 32 // differs in the high half only
			case 1:
				v++
			case 2:
				v = randValue(rng)
			}
			d.Args[c.Arg] = v
		}
		if mux, sub, ok := a.table.MultiplexedBy(r.Syscall); ok && rng.IntN(2) == 0 {
			// The same call through its multiplexer, its number in the
			// low half (a version in ipc's high 16 bits) or not.
			d.Nr, d.Args[0] = mux, uint64(sub)
			switch rng.IntN(4) {
			case 0:
				d.Args[0] |= uint64(rng.IntN(3)) << 16
			case 1:
				d.Args[0] |= 1 << 32
			case 2:
				d.Args[0]++
			}
		}
	case k < 7:
		d.Nr = a.MaxSyscall() + int32(rng.IntN(3)) - 1
	case k < 8: // any call of the arch, old or new
		names := a.Syscalls()
		d.Nr, _ = a.Syscall(names[rng.IntN(len(names))])
	default:
		d.Nr = int32(rng.Uint32())
		switch rng.IntN(4) {
		case 0, 1:
			d.Nr = int32(X32SyscallBit + rng.IntN(600))
		case 2:
			d.Nr = -1 // what a tracer writes to skip a call
		}
	}
	for i := range d.Args {
		if d.Args[i] == 0 && rng.IntN(3) == 0 {
			d.Args[i] = randValue(rng)
		}
	}
	return d
}

// checkCompiled compiles f and compares the emulated program with
// f.Evaluate on inputs. It reports whether f compiled.
func checkCompiled(t *testing.T, f *Filter, inputs func() (Data, bool)) bool {
	t.Helper()
	p, err := f.Compile()
	if err != nil {
		if f.Validate() == nil {
			t.Fatalf("Compile failed on a valid filter: %v", err)
		}
		return false
	}
	if dead := unreachable(p); len(dead) > 0 {
		t.Fatalf("compiled program has unreachable instructions %v\n%s", dead, Disassemble(p))
	}
	e := MustEmulator(p)
	for {
		d, ok := inputs()
		if !ok {
			return true
		}
		got, want := e.Action(d), f.Evaluate(d)
		if got != want {
			t.Fatalf("input %+v: compiled program says %v, the filter means %v\nrules: %+v\n%s", d, got, want, f.Rules(), Disassemble(p))
		}
		if f.resolution != ResolveStricter {
			continue // libseccomp's resolution has its own reference (resolve_test.go's treeDecides)
		}
		if m := meaning(f, d); m != want {
			t.Fatalf("input %+v: Evaluate says %v, the filter's definition %v\nrules: %+v", d, want, m, f.Rules())
		}
	}
}

// meaning is what a valid filter (of the stricter resolution) decides for
// d, written from the doc of
// Filter and Cond, without the plan that Evaluate and the compiler share:
// the call's arch by its token (and, under AUDIT_ARCH_X86_64, numbers from
// X32SyscallBit on for x32), among the rules for its
// number whose conditions all hold the one whose action ranks first, else
// the fallback. A condition compares the argument register, or its low
// 32 bits with Width32 (Value and Mask cut to 32 bits); on a 32-bit ABI
// (i386, arm) the argument is its zero-extended low 32 bits, compared with
// the full 64-bit Value.
func meaning(f *Filter, d Data) Action {
	var arch *Arch
	x32 := uint32(d.Nr) >= X32SyscallBit
	for _, a := range f.arches {
		if a.AuditArch == d.Arch && (d.Arch != AuditArchX86_64 || x32 == (a == ArchX32)) {
			arch = a
			break
		}
	}
	if arch == nil {
		if f.minusOne && d.Arch == AuditArchX86_64 && d.Nr == -1 && slices.Contains(f.arches, ArchX86_64) {
			return f.defaultAction
		}
		return f.badArch
	}
	var best Action
	found := false
	for _, r := range f.rules {
		if r.Arch != nil && r.Arch != arch {
			continue
		}
		nr := r.Number
		if r.Syscall != "" {
			var ok bool
			if nr, ok = arch.Syscall(r.Syscall); !ok {
				continue
			}
		}
		if nr != d.Nr {
			continue
		}
		all := true
		for _, c := range r.Conds {
			all = all && condMeans(c, arch, d.Args[c.Arg])
		}
		// The action the kernel ranks first wins; between equal action
		// parts, the lowest value.
		if all && (!found || r.Action.Precedes(best) || !best.Precedes(r.Action) && int32(r.Action) < int32(best)) {
			best, found = r.Action, true
		}
	}
	if a, ok := muxMeaning(f, arch, d); ok && (!found || a.Precedes(best) || !best.Precedes(a) && int32(a) < int32(best)) {
		best, found = a, true
	}
	switch {
	case found:
		return best
	case f.enosys && uint32(d.Nr) > uint32(arch.MaxSyscall()):
		return enosysIn(arch)
	}
	// A call the tables date after the release of SetENOSYSAfter.
	if name, ok := arch.SyscallName(d.Nr); ok && f.enosysAfter != (Release{}) {
		if since, _ := arch.SyscallSince(name); f.enosysAfter.Before(since) {
			return enosysIn(arch)
		}
	}
	return f.defaultAction
}

// muxMeaning is what the rules on the calls multiplexed by d's system call
// (socketcall, ipc) decide for d with SetMultiplexing in the stricter
// resolution, as its doc says: among the rules of the call d's first
// argument selects (its low 32 bits for socketcall, 16 for ipc) that some
// call can match, the strictest action, and the default action too unless
// one of them is unconditional on the arch. False when none applies.
func muxMeaning(f *Filter, arch *Arch, d Data) (Action, bool) {
	if !f.multiplex || f.resolution != ResolveStricter {
		return 0, false
	}
	abi32 := !arch.AuditArch.Is64Bit()
	var best Action
	found, uncond := false, false
	for _, r := range f.rules {
		if r.Arch != nil && r.Arch != arch {
			continue
		}
		name := r.Syscall
		if name == "" {
			name, _ = arch.SyscallName(r.Number)
		}
		mux, sub, ok := arch.table.MultiplexedBy(name)
		if !ok || mux != d.Nr {
			continue
		}
		if ipc, _ := arch.table.IPC(); mux == ipc && d.Args[0]&0xffff != uint64(sub) || mux != ipc && uint32(d.Args[0]) != uint32(sub) {
			continue
		}
		var conds []cond.Cond
		never := false
		for _, c := range r.Conds {
			rc, truth := c.internal().Resolve(abi32)
			switch truth {
			case cond.Never:
				never = true
			case cond.Always:
			default:
				conds = append(conds, rc)
			}
		}
		if never || cond.Unsatisfiable(conds) != "" {
			continue
		}
		uncond = uncond || len(conds) == 0
		if !found || r.Action.Precedes(best) || !best.Precedes(r.Action) && int32(r.Action) < int32(best) {
			best, found = r.Action, true
		}
	}
	if found && !uncond && (f.defaultAction.Precedes(best) || !best.Precedes(f.defaultAction) && int32(f.defaultAction) < int32(best)) {
		best = f.defaultAction
	}
	return best, found
}

// condMeans says whether c holds for the argument register v of a call of
// arch a.
func condMeans(c Cond, a *Arch, v uint64) bool {
	val, mask := c.Value, c.Mask
	if !a.AuditArch.Is64Bit() {
		v &= 0xffffffff // zero-extended
	}
	if c.Width32 {
		v, val, mask = v&0xffffffff, val&0xffffffff, mask&0xffffffff
	}
	switch c.Op {
	case OpEq:
		return v == val
	case OpNe:
		return v != val
	case OpLt:
		return v < val
	case OpLe:
		return v <= val
	case OpGt:
		return v > val
	case OpGe:
		return v >= val
	case OpMaskedEq:
		return v&mask == val
	case OpMaskedNe:
		return v&mask != val
	}
	panic("unknown operator")
}

func TestCompileAgreesWithEvaluate(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 200
	}
	seed := uint64(1)
	rng := rand.New(rand.NewPCG(seed, 42))
	compiled := 0
	seen := map[*Arch]int{}
	for i := 0; i < n; i++ {
		f := randFilter(rng)
		k := 0
		if checkCompiled(t, f, func() (Data, bool) { k++; return randInput(rng, f), k <= 200 }) {
			compiled++
			for _, a := range f.Arches() {
				seen[a]++
			}
		}
	}
	t.Logf("%d random filters, %d compiled and agreed on 200 inputs each (seed %d)", n, compiled, seed)
	for _, a := range Arches() { // big-endian ones included
		if seen[a] == 0 {
			t.Errorf("no random filter covered %s", a.Name)
		}
	}
	if compiled < n/3 {
		t.Fatalf("only %d of %d random filters were valid: the generator needs fixing", compiled, n)
	}
}

// FuzzCompile: random filters from a seed; the compiled program agrees with
// the filter's meaning.
func FuzzCompile(f *testing.F) {
	for s := uint64(0); s < 20; s++ {
		f.Add(s, s*7919)
	}
	f.Fuzz(func(t *testing.T, seed, inputSeed uint64) {
		rng := rand.New(rand.NewPCG(seed, 1))
		flt := randFilter(rng)
		in := rand.New(rand.NewPCG(inputSeed, 2))
		k := 0
		checkCompiled(t, flt, func() (Data, bool) { k++; return randInput(in, flt), k <= 100 })
	})
}

// unreachable returns the instructions no jump or fall-through leads to.
func unreachable(p Program) []int {
	reach := make([]bool, len(p))
	reach[0] = true
	for pc, in := range p {
		if !reach[pc] {
			continue
		}
		switch {
		case in.Op == opcode.Ja:
			reach[pc+1+int(in.K)] = true
		case opcode.IsCondJump(in.Op):
			reach[pc+1+int(in.Jt)] = true
			reach[pc+1+int(in.Jf)] = true
		case in.Op == opcode.RetK || in.Op == opcode.RetA:
		default:
			reach[pc+1] = true
		}
	}
	var dead []int
	for pc, r := range reach {
		if !r {
			dead = append(dead, pc)
		}
	}
	return dead
}
