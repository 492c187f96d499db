package cond

import (
	"math/rand/v2"
	"testing"

	"github.com/seccomp-go/seccomp/internal/solve"
)

// termsHold evaluates a disjunction of conjunctions of atoms on the
// arguments.
func termsHold(t [][]solve.Atom, args *[6]uint64) bool {
	for _, conj := range t {
		all := true
		for _, a := range conj {
			v := args[a.W/2]
			if a.W%2 == 1 {
				v >>= 32
			}
			all = all && a.Holds(uint32(v))
		}
		if all {
			return true
		}
	}
	return false
}

// Terms and Not mean what Holds means.
func TestTerms(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 50000 {
		c := Cond{Arg: rng.IntN(2), Op: Op(1 + rng.IntN(8)), Value: randValue(rng), Width32: rng.IntN(3) == 0}
		if c.Op.Masked() {
			c.Mask = randValue(rng)
		}
		c = c.Normalize(false)
		for _, v := range append(candidates([]Cond{c}), rng.Uint64()) {
			var args [6]uint64
			args[c.Arg] = v
			if got, want := termsHold(c.Terms(), &args), c.Holds(&args); got != want {
				t.Fatalf("%v with %#x: terms %v hold %v, want %v", c, v, c.Terms(), got, want)
			}
			if got, want := c.Not().Holds(&args), !c.Holds(&args); got != want {
				t.Fatalf("%v with %#x: Not holds %v, want %v", c, v, got, want)
			}
		}
	}
}

// small draws a value whose high half is below 3 and low half below 16:
// conditions with such values (and masks of bits 0-3 and 32-33) decide
// the same for every argument as for one of the 256 values of domain.
func small(rng *rand.Rand) uint64 { return uint64(rng.IntN(3))<<32 | uint64(rng.IntN(16)) }

var domain = func() []uint64 {
	var d []uint64
	for h := range uint64(8) {
		for l := range uint64(32) {
			d = append(d, h<<32|l)
		}
	}
	return d
}()

func smallCond(rng *rand.Rand) Cond {
	c := Cond{Arg: rng.IntN(2), Op: Op(1 + rng.IntN(8)), Value: small(rng), Width32: rng.IntN(4) == 0}
	if c.Op.Masked() {
		c.Mask = uint64(rng.IntN(4))<<32 | uint64(rng.IntN(16))
		if rng.IntN(4) != 0 {
			c.Value &= c.Mask
		}
	}
	return c.Normalize(false)
}

// Covered against brute force over a domain that decides the conditions.
func TestCovered(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	covered := 0
	for range 3000 {
		var conds []Cond
		for range 1 + rng.IntN(2) {
			conds = append(conds, smallCond(rng))
		}
		var before [][]Cond
		for range rng.IntN(5) {
			var q []Cond
			for range 1 + rng.IntN(2) {
				q = append(q, smallCond(rng))
			}
			before = append(before, q)
		}
		want := true
		var args [6]uint64
		for _, a0 := range domain {
			args[0] = a0
			for _, a1 := range domain {
				args[1] = a1
				if !All(conds, &args) {
					continue
				}
				hit := false
				for _, q := range before {
					hit = hit || All(q, &args)
				}
				if !hit {
					want = false
					goto done
				}
			}
		}
	done:
		budget := 1 << 20
		got, ok := Covered(conds, before, &budget)
		if !ok {
			t.Fatalf("out of budget: %v before %v", conds, before)
		}
		if got != want {
			t.Fatalf("%s covered by %v: %v, want %v", List(conds), before, got, want)
		}
		// The solver alone, on the plain comparisons the ranges decide too.
		budget = 1 << 20
		if got, ok := coveredSolve(conds, before, &budget); !ok || got != want {
			t.Fatalf("%s covered by %v: the solver says %v (%v), want %v", List(conds), before, got, ok, want)
		}
		if got {
			covered++
		}
	}
	if covered < 100 {
		t.Fatalf("only %d covered sets generated", covered)
	}
	budget := 0
	if _, ok := Covered([]Cond{{Op: MaskedEq, Value: 1, Mask: 3}}, [][]Cond{{{Op: Lt, Value: 5}}}, &budget); ok {
		t.Error("Covered answered with no budget")
	}
}

// Disjoint never says so of conditions some arguments satisfy together.
func TestDisjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	found := 0
	for range 3000 {
		var a, b []Cond
		for range 1 + rng.IntN(2) {
			a = append(a, smallCond(rng))
		}
		for range 1 + rng.IntN(2) {
			b = append(b, smallCond(rng))
		}
		if !Disjoint(a, b) {
			continue
		}
		found++
		var args [6]uint64
		for _, a0 := range domain {
			args[0] = a0
			for _, a1 := range domain {
				args[1] = a1
				if All(a, &args) && All(b, &args) {
					t.Fatalf("%s and %s: disjoint, but %#x, %#x satisfies both", List(a), List(b), a0, a1)
				}
			}
		}
	}
	if found < 100 {
		t.Fatalf("only %d disjoint pairs generated", found)
	}
}
