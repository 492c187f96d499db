package cond

import (
	"math/rand/v2"
	"testing"
)

func TestCompare(t *testing.T) {
	for _, tc := range []struct {
		op           Op
		v, val, mask uint64
		want         bool
	}{
		{Eq, 5, 5, 0, true}, {Eq, 5, 6, 0, false},
		{Ne, 5, 6, 0, true}, {Ne, 5, 5, 0, false},
		{Lt, 4, 5, 0, true}, {Lt, 5, 5, 0, false},
		{Le, 5, 5, 0, true}, {Le, 6, 5, 0, false},
		{Gt, 6, 5, 0, true}, {Gt, 5, 5, 0, false},
		{Ge, 5, 5, 0, true}, {Ge, 4, 5, 0, false},
		{MaskedEq, 0x13, 0x3, 0xf, true}, {MaskedEq, 0x14, 0x3, 0xf, false},
		{MaskedNe, 0x14, 0x3, 0xf, true}, {MaskedNe, 0x13, 0x3, 0xf, false},
		{Lt, 1 << 63, 1<<64 - 1, 0, true}, // unsigned
		{Op(0), 0, 0, 0, false}, {Op(9), 0, 0, 0, false},
	} {
		if got := Compare(tc.op, tc.v, tc.val, tc.mask); got != tc.want {
			t.Errorf("%#x %v %#x (mask %#x): %v, want %v", tc.v, tc.op, tc.val, tc.mask, got, tc.want)
		}
	}
}

var edges = []uint64{0, 1, 2, 7, 8, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 32, 1<<32 + 1, 1 << 63, 1<<64 - 2, 1<<64 - 1}

func randValue(rng *rand.Rand) uint64 {
	v := edges[rng.IntN(len(edges))]
	switch rng.IntN(4) {
	case 0:
		v++
	case 1:
		v--
	case 2:
		v = rng.Uint64()
	}
	return v
}

// candidates returns argument values near every value of the conditions:
// where a satisfiable set of range conditions has a solution.
func candidates(cs []Cond) []uint64 {
	out := append([]uint64(nil), edges...)
	for _, c := range cs {
		for _, d := range []uint64{0, 1, 2} {
			out = append(out, c.Value+d, c.Value-d, c.Value|1<<32, c.Value&0xffffffff, c.Value&c.Mask, (c.Value+d)|^c.Mask)
		}
	}
	return out
}

// Unsatisfiable never says that conditions some value satisfies cannot
// hold, and finds the contradictions of range conditions on one argument.
func TestUnsatisfiableIsSound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	found := 0
	for range 200000 {
		w32 := rng.IntN(3) == 0
		var cs []Cond
		for range 1 + rng.IntN(3) {
			c := Cond{Arg: rng.IntN(2), Op: Op(1 + rng.IntN(8)), Value: randValue(rng), Width32: rng.IntN(4) == 0}
			if c.Op.Masked() {
				c.Mask = randValue(rng)
			}
			cs = append(cs, c.Normalize(w32))
		}
		why := Unsatisfiable(cs)
		if why != "" {
			found++
		}
		cand := candidates(cs)
		var args [6]uint64
		for _, a0 := range cand {
			args[0] = a0
			for _, a1 := range cand {
				args[1] = a1
				if All(cs, &args) {
					if why != "" {
						t.Fatalf("%s: unsatisfiable (%s), but arg0=%#x arg1=%#x satisfies it", List(cs), why, a0, a1)
					}
					goto next
				}
			}
		}
		if why == "" && onlyRanges(cs) {
			t.Fatalf("%s: no candidate satisfies these range conditions, but Unsatisfiable finds nothing", List(cs))
		}
	next:
	}
	if found == 0 {
		t.Fatal("no unsatisfiable set generated")
	}
}

// onlyRanges reports whether cs holds only ==, <, <=, > and >=, each
// argument compared on one width: the sets the range analysis decides.
func onlyRanges(cs []Cond) bool {
	width := map[int]bool{}
	for _, c := range cs {
		switch c.Op {
		case Eq, Lt, Le, Gt, Ge:
		default:
			return false
		}
		if w, ok := width[c.Arg]; ok && w != c.Width32 {
			return false
		}
		width[c.Arg] = c.Width32
	}
	return true
}

func TestNormalize(t *testing.T) {
	c := Cond{Arg: 1, Op: MaskedEq, Value: 0x1_00000003, Mask: 0x3_0000000f}
	if got, want := c.Normalize(true), (Cond{Arg: 1, Op: MaskedEq, Value: 3, Mask: 0xf, Width32: true}); got != want {
		t.Errorf("Normalize(true) = %+v, want %+v", got, want)
	}
	if got := c.Normalize(false); got != c {
		t.Errorf("Normalize(false) = %+v, want it unchanged", got)
	}
	if got := (Cond{Op: Eq, Value: 1, Mask: 7}).Normalize(false); got.Mask != 0 {
		t.Errorf("Normalize keeps the mask of ==: %+v", got)
	}
}

// On a 32-bit ABI a resolved condition means the comparison of the
// zero-extended argument with the full value (the low 32 bits and the
// value cut to 32 bits with Width32), whatever the high half of the
// register holds; on a 64-bit ABI Resolve is Normalize.
func TestResolve(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		c := Cond{Arg: rng.IntN(6), Op: Op(1 + rng.IntN(8)), Value: randValue(rng), Width32: rng.IntN(4) == 0}
		if c.Op.Masked() {
			c.Mask = randValue(rng)
		}
		if rc, truth := c.Resolve(false); truth != Depends || rc != c.Normalize(false) {
			t.Fatalf("%v on a 64-bit ABI: %v, %v", c, rc, truth)
		}
		rc, truth := c.Resolve(true)
		for _, v := range append(candidates([]Cond{c}), rng.Uint64()) {
			lo := v & 0xffffffff
			want := Compare(c.Op, lo, c.Value, c.Mask)
			if c.Width32 {
				want = Compare(c.Op, lo, c.Value&0xffffffff, c.Mask&0xffffffff)
			}
			var args [6]uint64
			args[c.Arg] = v // the high half, if any, is not the argument's
			got := truth == Always || truth == Depends && rc.Holds(&args)
			if got != want {
				t.Fatalf("%v on a 32-bit ABI with %#x: resolved to %v (%v) holds %v, want %v", c, v, rc, truth, got, want)
			}
		}
	}
}

// TestKey: Key(a) == Key(b) exactly when Same(a, b), on random sets with
// repeats in any order.
func TestKey(t *testing.T) {
	pool := []Cond{
		{Arg: 0, Op: Eq, Value: 1}, {Arg: 0, Op: Eq, Value: 2}, {Arg: 1, Op: Lt, Value: 7}, {Arg: 1, Op: Lt, Value: 7, Width32: true},
		{Arg: 2, Op: MaskedEq, Mask: 3, Value: 1}, {Arg: 2, Op: MaskedEq, Mask: 1, Value: 1}, {Arg: 3, Op: Ne, Value: 0},
	}
	rng := rand.New(rand.NewPCG(7, 8))
	pick := func() []Cond {
		var cs []Cond
		for range rng.IntN(5) {
			cs = append(cs, pool[rng.IntN(len(pool))])
		}
		return cs
	}
	same := 0
	for range 20000 {
		a, b := pick(), pick()
		if (Key(a) == Key(b)) != Same(a, b) {
			t.Fatalf("%v and %v: Key equal %v, Same %v", a, b, Key(a) == Key(b), Same(a, b))
		}
		if Same(a, b) {
			same++
		}
	}
	if same < 100 {
		t.Errorf("only %d equal sets drawn", same)
	}
}
