package solve

import (
	"math/rand/v2"
	"testing"
)

// The solver against brute force: atoms whose masks and constants stay in
// the low 12 bits have solutions that depend on those bits only, so 4096
// values decide them.
func TestSolverLowBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 20000 {
		var as []Atom
		for range 1 + rng.IntN(4) {
			m := uint32(rng.IntN(0x1000))
			if m == 0 {
				m = 0xfff
			}
			a := Atom{M: m, Op: Op(rng.IntN(3)), K: uint32(rng.IntN(0x1000)), Neg: rng.IntN(2) == 0}
			if rng.IntN(3) == 0 {
				a.K &= m // often satisfiable
			}
			as = append(as, a)
		}
		holds := func(v uint32) bool {
			for _, a := range as {
				if !a.Holds(v) {
					return false
				}
			}
			return true
		}
		lo, hi, any := uint32(0), uint32(0), false
		for v := uint32(0); v < 0x1000; v++ {
			if holds(v) {
				if !any {
					lo = v
				}
				hi = v
				any = true
			}
		}
		s := &Solver{Budget: 1 << 20}
		gotLo, a1 := s.Search(as, false)
		gotHi, a2 := s.Search(as, true)
		if !any {
			if a1 != Unsat || a2 != Unsat {
				t.Fatalf("case %d %+v: unsatisfiable, solver says %d %d", n, as, a1, a2)
			}
			continue
		}
		// The upper bits are free: the greatest solution has them all set.
		if a1 != Sat || a2 != Sat || gotLo != lo || gotHi != hi|0xfffff000 {
			t.Fatalf("case %d %+v: least %#x greatest %#x, solver %#x (%d) %#x (%d)", n, as, lo, hi|0xfffff000, gotLo, a1, gotHi, a2)
		}
	}
}

// Unmasked comparisons over the whole word: the solutions found satisfy
// the atoms, and are the least and greatest among the constants and their
// neighbours (where the bounds of such sets lie).
func TestSolverFullWord(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 20000 {
		var as []Atom
		var cands []uint32
		for range 1 + rng.IntN(5) {
			k := rng.Uint32()
			if rng.IntN(2) == 0 {
				k = uint32(rng.IntN(20))
			}
			a := Atom{M: 0xffffffff, Op: Op(rng.IntN(2)), K: k, Neg: rng.IntN(2) == 0}
			as = append(as, a)
			cands = append(cands, k-1, k, k+1)
		}
		cands = append(cands, 0, 0xffffffff)
		holds := func(v uint32) bool {
			for _, a := range as {
				if !a.Holds(v) {
					return false
				}
			}
			return true
		}
		s := &Solver{Budget: 1 << 20}
		lo, a1 := s.Search(as, false)
		hi, a2 := s.Search(as, true)
		if a1 == Unsat {
			for _, c := range cands {
				if holds(c) {
					t.Fatalf("case %d %+v: Unsat, but %#x satisfies", n, as, c)
				}
			}
			continue
		}
		if a1 != Sat || a2 != Sat || !holds(lo) || !holds(hi) {
			t.Fatalf("case %d %+v: %#x (%d) %#x (%d)", n, as, lo, a1, hi, a2)
		}
		for _, c := range cands {
			if holds(c) && (c < lo || c > hi) {
				t.Fatalf("case %d %+v: %#x satisfies, outside [%#x, %#x]", n, as, c, lo, hi)
			}
		}
	}
}

// The budget is honoured: the solver answers Unknown, never hangs.
func TestSolverBudget(t *testing.T) {
	var as []Atom
	for k := range 64 {
		as = append(as, Atom{M: 0xffffffff, Op: OpEq, K: uint32(k), Neg: true})
	}
	as = append(as, Atom{M: 0xffffffff, Op: OpGt, K: 63, Neg: true}) // < 64 and none of 0..63
	s := &Solver{Budget: 100}
	if _, a := s.Search(as, false); a != Unknown {
		t.Errorf("with a budget of 100 nodes: %d, want Unknown", a)
	}
	s = &Solver{Budget: 1 << 20}
	if _, a := s.Search(as, false); a != Unsat {
		t.Errorf("with a large budget: %d, want Unsat", a)
	}
}
