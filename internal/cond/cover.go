package cond

import (
	"slices"

	"github.com/seccomp-go/seccomp/internal/solve"
)

// The words of the conditions' atoms: argument i's low half is word 2i,
// its high half word 2i+1.
func loWord(arg int) uint8 { return uint8(2 * arg) }
func hiWord(arg int) uint8 { return uint8(2*arg + 1) }

const full = 0xffffffff

func eq(w uint8, m, k uint32) solve.Atom { return solve.Atom{W: w, M: m, Op: solve.OpEq, K: k} }
func gt(w uint8, k uint32) solve.Atom    { return solve.Atom{W: w, M: full, Op: solve.OpGt, K: k} }
func le(w uint8, k uint32) solve.Atom    { return gt(w, k).Not() }

// Not returns the condition that holds exactly when c does not.
func (c Cond) Not() Cond {
	switch c.Op {
	case Eq:
		c.Op = Ne
	case Ne:
		c.Op = Eq
	case Lt:
		c.Op = Ge
	case Ge:
		c.Op = Lt
	case Le:
		c.Op = Gt
	case Gt:
		c.Op = Le
	case MaskedEq:
		c.Op = MaskedNe
	case MaskedNe:
		c.Op = MaskedEq
	}
	return c
}

// Terms returns a resolved condition as a disjunction of conjunctions of
// atoms on the halves of the arguments (argument i's low half is word 2i,
// its high half 2i+1), as a program tests it: none for a condition that
// never holds, one empty conjunction for one that always does.
func (c Cond) Terms() [][]solve.Atom {
	lo, hi := loWord(c.Arg), hiWord(c.Arg)
	always, never := [][]solve.Atom{{}}, [][]solve.Atom(nil)
	if c.Width32 {
		v, m := uint32(c.Value), uint32(c.Mask)
		switch c.Op {
		case Eq:
			return [][]solve.Atom{{eq(lo, full, v)}}
		case Ne:
			return [][]solve.Atom{{eq(lo, full, v).Not()}}
		case Lt:
			if v == 0 {
				return never
			}
			return [][]solve.Atom{{le(lo, v-1)}}
		case Le:
			return [][]solve.Atom{{le(lo, v)}}
		case Gt:
			if v == full {
				return never
			}
			return [][]solve.Atom{{gt(lo, v)}}
		case Ge:
			if v == 0 {
				return always
			}
			return [][]solve.Atom{{gt(lo, v-1)}}
		case MaskedEq, MaskedNe:
			var t [][]solve.Atom
			switch {
			case v&^m != 0:
				t = never
			case m == 0:
				t = always
			default:
				t = [][]solve.Atom{{eq(lo, m, v)}}
			}
			if c.Op == MaskedNe {
				return negate(t)
			}
			return t
		}
		return never
	}
	vh, vl := uint32(c.Value>>32), uint32(c.Value)
	mh, ml := uint32(c.Mask>>32), uint32(c.Mask)
	var t [][]solve.Atom
	switch c.Op {
	case Eq:
		return [][]solve.Atom{{eq(hi, full, vh), eq(lo, full, vl)}}
	case Ne:
		return [][]solve.Atom{{eq(hi, full, vh).Not()}, {eq(lo, full, vl).Not()}}
	case Lt, Le:
		if vh > 0 {
			t = append(t, []solve.Atom{le(hi, vh-1)})
		}
		switch {
		case c.Op == Le:
			t = append(t, []solve.Atom{eq(hi, full, vh), le(lo, vl)})
		case vl > 0:
			t = append(t, []solve.Atom{eq(hi, full, vh), le(lo, vl-1)})
		}
		return t
	case Gt, Ge:
		if vh < full {
			t = append(t, []solve.Atom{gt(hi, vh)})
		}
		switch {
		case c.Op == Ge && vl == 0:
			t = append(t, []solve.Atom{eq(hi, full, vh)})
		case c.Op == Ge:
			t = append(t, []solve.Atom{eq(hi, full, vh), gt(lo, vl-1)})
		case vl < full:
			t = append(t, []solve.Atom{eq(hi, full, vh), gt(lo, vl)})
		}
		return t
	case MaskedEq, MaskedNe:
		if c.Value&^c.Mask != 0 {
			t = never
		} else {
			var conj []solve.Atom
			if mh != 0 {
				conj = append(conj, eq(hi, mh, vh))
			}
			if ml != 0 {
				conj = append(conj, eq(lo, ml, vl))
			}
			t = [][]solve.Atom{conj}
		}
		if c.Op == MaskedNe {
			return negate(t)
		}
		return t
	}
	return never
}

// negate returns the negation of a disjunction of conjunctions of at most
// one atom each... or of one conjunction: what Terms needs for &!=.
func negate(t [][]solve.Atom) [][]solve.Atom {
	switch len(t) {
	case 0:
		return [][]solve.Atom{{}}
	case 1:
		if len(t[0]) == 0 {
			return nil
		}
		out := make([][]solve.Atom, len(t[0]))
		for i, a := range t[0] {
			out[i] = []solve.Atom{a.Not()}
		}
		return out
	}
	panic("cond: negate of a disjunction")
}

// MaxCover bounds the rules Covered takes before a rule: its work can grow
// exponentially with them.
const MaxCover = 64

// Covered reports whether every argument values that satisfy all the
// resolved conditions conds also satisfy all the conditions of one of the
// rules before (each a list of resolved conditions): then a rule with
// conds never decides when those rules are tried first. ok is false when
// the solver ran out of its budget, which Covered decrements (the answer
// is then unknown), or when before has more than MaxCover rules.
func Covered(conds []Cond, before [][]Cond, budget *int) (covered, ok bool) {
	if len(before) > MaxCover {
		return false, false
	}
	if covered, ok := coveredSpans(conds, before); ok {
		return covered, true
	}
	return coveredSolve(conds, before, budget)
}

// coveredSolve is Covered by the solver: whether conds and, for each rule
// before, the negation of one of its conditions can hold together.
func coveredSolve(conds []Cond, before [][]Cond, budget *int) (covered, ok bool) {
	var clauses [][][]solve.Atom
	for _, c := range conds {
		clauses = append(clauses, c.Terms())
	}
	for _, q := range before {
		var clause [][]solve.Atom
		for _, c := range q {
			clause = append(clause, c.Not().Terms()...)
		}
		clauses = append(clauses, clause)
	}
	s := &solve.Solver{Budget: *budget}
	clauses = independent(s, clauses)
	slices.SortStableFunc(clauses, func(a, b [][]solve.Atom) int { return len(a) - len(b) })
	ans := search(s, clauses, nil)
	*budget = s.Budget
	switch ans {
	case solve.Unsat:
		return true, true
	case solve.Sat:
		return false, true
	}
	return false, false
}

// independent leaves out the clauses that can be met whatever the others
// choose: those with a term that can hold and whose words no other clause
// looks at.
func independent(s *solve.Solver, clauses [][][]solve.Atom) [][][]solve.Atom {
	for changed := true; changed; {
		changed = false
		var uses [64]int // clauses that look at each word
		words := make([]uint64, len(clauses))
		for i, cl := range clauses {
			for _, term := range cl {
				for _, a := range term {
					words[i] |= 1 << a.W
				}
			}
			for w := range 64 {
				if words[i]&(1<<w) != 0 {
					uses[w]++
				}
			}
		}
		for i, cl := range clauses {
			own := false // every word of one of its terms is its own
			for _, term := range cl {
				own = true
				for _, a := range term {
					own = own && uses[a.W] == 1
				}
				if own && s.SatAll(term) == solve.Sat {
					break
				}
				own = false
			}
			if own {
				clauses = slices.Delete(clauses, i, i+1)
				changed = true
				break
			}
		}
	}
	return clauses
}

// search answers whether one term of every clause can hold together with
// the atoms of cur, by trying the terms of each clause in turn.
func search(s *solve.Solver, clauses [][][]solve.Atom, cur []solve.Atom) solve.Answer {
	if len(clauses) == 0 {
		return solve.Sat
	}
	res := solve.Unsat
	for _, term := range clauses[0] {
		next := append(cur[:len(cur):len(cur)], term...)
		ok := solve.Sat
		var buf []solve.Atom
		for _, a := range term {
			buf = solve.OnWord(buf[:0], next, a.W)
			if ok = s.Satisfiable(buf); ok != solve.Sat {
				break
			}
		}
		if ok == solve.Unsat {
			continue
		}
		if ok == solve.Unknown {
			return solve.Unknown
		}
		switch search(s, clauses[1:], next) {
		case solve.Sat:
			return solve.Sat
		case solve.Unknown:
			res = solve.Unknown
		}
	}
	return res
}

// span is a range of argument values [lo, hi].
type span struct{ lo, hi uint64 }

// spans returns the values of one argument (on one width) that meet the
// plain comparisons conds, as sorted disjoint ranges, and false when conds
// are not all plain comparisons of one argument on one width.
func spans(conds []Cond, arg int, w32 bool) ([]span, bool) {
	top := top(w32)
	set := []span{{0, top}}
	for _, c := range conds {
		if c.Arg != arg || c.Width32 != w32 || c.Value > top {
			return nil, false
		}
		v := c.Value
		var in []span
		switch c.Op {
		case Eq:
			in = []span{{v, v}}
		case Ne:
			if v > 0 {
				in = append(in, span{0, v - 1})
			}
			if v < top {
				in = append(in, span{v + 1, top})
			}
		case Lt:
			if v > 0 {
				in = []span{{0, v - 1}}
			}
		case Le:
			in = []span{{0, v}}
		case Gt:
			if v < top {
				in = []span{{v + 1, top}}
			}
		case Ge:
			in = []span{{v, top}}
		default:
			return nil, false
		}
		set = intersect(set, in)
	}
	return set, true
}

// intersect returns the values in both a and b (sorted disjoint ranges).
func intersect(a, b []span) []span {
	var out []span
	for i, j := 0, 0; i < len(a) && j < len(b); {
		lo, hi := max(a[i].lo, b[j].lo), min(a[i].hi, b[j].hi)
		if lo <= hi {
			out = append(out, span{lo, hi})
		}
		if a[i].hi < b[j].hi {
			i++
		} else {
			j++
		}
	}
	return out
}

// coveredSpans is Covered for rules of plain comparisons of one argument
// on one width, which ranges of values decide exactly; ok is false for
// other rules.
func coveredSpans(conds []Cond, before [][]Cond) (covered, ok bool) {
	if len(conds) == 0 {
		return false, false
	}
	arg, w32 := conds[0].Arg, conds[0].Width32
	left, ok := spans(conds, arg, w32)
	if !ok {
		return false, false
	}
	for _, q := range before {
		qs, ok := spans(q, arg, w32)
		if !ok || len(q) == 0 {
			return false, false
		}
		left = intersect(left, complement(qs, top(w32)))
	}
	return len(left) == 0, true
}

// top is the largest value of an argument on a width.
func top(w32 bool) uint64 {
	if w32 {
		return 0xffffffff
	}
	return 1<<64 - 1
}

// complement returns the values 0..top not in set (sorted disjoint ranges).
func complement(set []span, top uint64) []span {
	var out []span
	next := uint64(0)
	for _, sp := range set {
		if sp.lo > next {
			out = append(out, span{next, sp.lo - 1})
		}
		if sp.hi == top {
			return out
		}
		next = sp.hi + 1
	}
	return append(out, span{next, top})
}
