package analyze

import "github.com/seccomp-go/seccomp/internal/solve"

// An atom is one readable condition on one 32-bit word w of seccomp_data:
//
//	opEq:  w & m == k
//	opGt:  w & m >  k
//	opSet: w & m != 0
//
// negated when neg is set. Every comparison of a word (or of a word ANDed
// with a constant) with a constant is one atom; the path conditions of the
// symbolic execution are conjunctions of atoms, and the words are
// independent variables, so a conjunction is satisfiable when the atoms of
// each word are. Package solve decides them (solve.Atom, with the word as
// its index).
type atom struct {
	w   word
	m   uint32
	op  aop
	k   uint32
	neg bool
}

type aop = solve.Op

const (
	opEq  = solve.OpEq
	opGt  = solve.OpGt
	opSet = solve.OpSet
)

func (a atom) not() atom { a.neg = !a.neg; return a }

func (a atom) solve() solve.Atom {
	return solve.Atom{W: uint8(a.w), M: a.m, Op: a.op, K: a.k, Neg: a.neg}
}

func fromSolve(a solve.Atom) atom {
	return atom{w: word(a.W), m: a.M, op: a.Op, k: a.K, neg: a.Neg}
}

// plain reports whether the atom is an unmasked comparison (==, !=, <, <=,
// >, >=) of the word.
func (a atom) plain() bool { return a.solve().Plain() }

// Jump kinds, as BPF_JMP|op with the source bit cleared.
const (
	jmpJeq  = solve.JmpJeq
	jmpJgt  = solve.JmpJgt
	jmpJge  = solve.JmpJge
	jmpJset = solve.JmpJset
)

// jumpAtom returns the atom for "w & m OP k" (OP a conditional jump), or
// reports that the jump is decided whatever w holds: decided is 1 for
// always taken, 0 for never, -1 for an atom.
func jumpAtom(jop uint16, w word, m, k uint32) (atom, int) {
	a, d := solve.JumpAtom(jop, uint8(w), m, k)
	return fromSolve(a), d
}

// jumpAtomSwapped returns the atom for "c OP (w & m)", the constant on the
// left (a jump of a known A against X holding a word).
func jumpAtomSwapped(jop uint16, c uint32, w word, m uint32) (atom, int) {
	a, d := solve.JumpAtomSwapped(jop, c, uint8(w), m)
	return fromSolve(a), d
}

// A satisfiability answer.
type answer = solve.Answer

const (
	unsat   = solve.Unsat
	sat     = solve.Sat
	unknown = solve.Unknown // the solver ran out of budget: assume satisfiable
)

// solver decides conjunctions of atoms with package solve, within a budget
// of nodes over its life, after which it answers unknown.
type solver struct {
	budget int
}

func toSolve(as []atom) []solve.Atom {
	out := make([]solve.Atom, len(as))
	for i, a := range as {
		out[i] = a.solve()
	}
	return out
}

// run runs f with the solver's budget and takes what it used.
func (s *solver) run(f func(*solve.Solver)) {
	ss := solve.Solver{Budget: s.budget}
	f(&ss)
	s.budget = ss.Budget
}

// search finds the least (high false) or greatest (high true) value of the
// word that satisfies every atom (all on one word).
func (s *solver) search(as []atom, high bool) (v uint32, a answer) {
	s.run(func(ss *solve.Solver) { v, a = ss.Search(toSolve(as), high) })
	return v, a
}

// satisfiable answers whether the atoms (all on one word) can all hold.
func (s *solver) satisfiable(as []atom) (a answer) {
	s.run(func(ss *solve.Solver) { a = ss.Satisfiable(toSolve(as)) })
	return a
}

// implies answers whether the atoms imply c: unsat means they do.
func (s *solver) implies(as []atom, c atom) (ok bool) {
	s.run(func(ss *solve.Solver) { ok = ss.Implies(toSolve(as), c.solve()) })
	return ok
}

// onWord returns the atoms of as on word w, appended to dst.
func onWord(dst, as []atom, w word) []atom {
	for _, a := range as {
		if a.w == w {
			dst = append(dst, a)
		}
	}
	return dst
}

// satAll answers whether a conjunction of atoms on any words is satisfiable.
func (s *solver) satAll(as []atom) (a answer) {
	s.run(func(ss *solve.Solver) { a = ss.SatAll(toSolve(as)) })
	return a
}
