package seccomp

import (
	"math/rand/v2"
	"testing"
)

// randSetFilter returns a filter whose rules are mostly single comparisons
// on a few arguments of a few system calls with few actions, the shape the
// compiler merges into value sets (set, search): values spread over a few
// high words, ranges that touch, overlap and cross high-word boundaries,
// 32-bit comparisons mixed in, and some rules with several conditions.
func randSetFilter(rng *rand.Rand) *Filter {
	arches := []*Arch{ArchX86_64, ArchI386, ArchAArch64, ArchX32}
	arches = arches[:1+rng.IntN(len(arches))]
	acts := []Action{ActAllow, Errno(1), Trap(1), ActLog}
	acts = acts[:1+rng.IntN(len(acts))]
	f := NewFilter(acts[rng.IntN(len(acts))], arches...)
	f.SetUnknownSyscallENOSYS(rng.IntN(2) == 0)
	his := []uint64{0, 1, 2, 0xffffffff, uint64(rng.Uint32())}
	los := []uint64{0, 1, 2, 3, 7, 8, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, uint64(rng.Uint32())}
	val := func() uint64 { return his[rng.IntN(len(his))]<<32 | los[rng.IntN(len(los))] }
	ops := []Op{OpEq, OpEq, OpEq, OpNe, OpLt, OpLe, OpGt, OpGe}
	cond := func(arg int) Cond {
		c := Cond{Arg: arg, Op: ops[rng.IntN(len(ops))], Value: val(), Width32: rng.IntN(5) == 0}
		if rng.IntN(12) == 0 {
			c.Op, c.Mask = OpMaskedEq, val()
			c.Value &= c.Mask
		}
		return c
	}
	names := []string{"socket", "personality", "ioctl"}
	if rng.IntN(3) == 0 {
		// Every combination of a few flag bits (the shape flagCube turns
		// into one jset), sometimes with one left out or one more value.
		var three uint64 // up to three random bits
		for range 3 {
			three |= 1 << rng.IntN(32)
		}
		masks := []uint64{0x3, 0x7, 0x20008, 0x10101, 0x80000001, three}
		m := masks[rng.IntN(len(masks))]
		hi := his[rng.IntN(len(his))] << 32
		r := Rule{Syscall: names[rng.IntN(len(names))], Action: acts[rng.IntN(len(acts))]}
		skip := uint64(1 << 40) // none
		if rng.IntN(4) == 0 {
			skip = m & rng.Uint64()
		}
		for sub := m; ; sub = (sub - 1) & m {
			if sub != skip {
				c := Cond{Arg: 0, Op: OpEq, Value: hi | sub, Width32: hi == 0 && rng.IntN(3) == 0}
				f.Add(Rule{Syscall: r.Syscall, Action: r.Action, Conds: []Cond{c}})
			}
			if sub == 0 {
				break
			}
		}
		if rng.IntN(2) == 0 {
			f.Add(Rule{Syscall: r.Syscall, Action: r.Action, Conds: []Cond{Arg(0).Eq(val())}})
		}
	}
	n := 1 + rng.IntN(40)
	for i := 0; i < n; i++ {
		r := Rule{Syscall: names[rng.IntN(len(names))], Action: acts[rng.IntN(len(acts))]}
		arg := rng.IntN(2)
		r.Conds = []Cond{cond(arg)}
		if rng.IntN(8) == 0 {
			r.Conds = append(r.Conds, cond(rng.IntN(3)))
		}
		f.Add(r)
	}
	return f
}

// randSetInput returns a call to one of the filter's system calls with
// arguments at and around the rules' values.
func randSetInput(rng *rand.Rand, f *Filter) Data {
	rules := f.Rules()
	r := rules[rng.IntN(len(rules))]
	arches := f.Arches()
	a := arches[rng.IntN(len(arches))]
	d := Data{Arch: a.AuditArch}
	d.Nr, _ = a.Syscall(r.Syscall)
	for k := 0; k < 3; k++ {
		o := rules[rng.IntN(len(rules))]
		for _, c := range o.Conds {
			v := c.Value
			switch rng.IntN(7) {
			case 6:
				v ^= 1 << rng.IntN(32) // in or out of a set of flags
			case 0:
				v++
			case 1:
				v--
			case 2:
				v ^= 1 << 32
			case 3:
				v = rng.Uint64()
			}
			d.Args[c.Arg] = v
		}
	}
	return d
}

func TestCompileSetsAgreeWithEvaluate(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	rng := rand.New(rand.NewPCG(7, 7))
	compiled := 0
	for i := 0; i < n; i++ {
		f := randSetFilter(rng)
		k := 0
		if checkCompiled(t, f, func() (Data, bool) { k++; return randSetInput(rng, f), k <= 300 }) {
			compiled++
		}
	}
	t.Logf("%d random filters, %d compiled and agreed on 300 inputs each", n, compiled)
	if compiled < n/3 {
		t.Fatalf("only %d of %d random filters were valid: the generator needs fixing", compiled, n)
	}
}

// FuzzCompileSets: FuzzCompile with filters of many alternatives on the
// same arguments (randSetFilter).
func FuzzCompileSets(f *testing.F) {
	for s := uint64(0); s < 20; s++ {
		f.Add(s, s*104729)
	}
	f.Fuzz(func(t *testing.T, seed, inputSeed uint64) {
		flt := randSetFilter(rand.New(rand.NewPCG(seed, 1)))
		in := rand.New(rand.NewPCG(inputSeed, 2))
		k := 0
		checkCompiled(t, flt, func() (Data, bool) { k++; return randSetInput(in, flt), k <= 200 })
	})
}
