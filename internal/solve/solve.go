// Package solve decides conjunctions of conditions on the 32-bit words of
// seccomp_data, exactly: when a set of conditions, as a program tests them,
// can hold. Package analyze uses it to follow a program's paths, and the
// compiler to find the code no input reaches; package cond turns rule
// conditions into its atoms.
package solve

// An Atom is one readable condition on one 32-bit word w of seccomp_data:
//
//	OpEq:  w & m == k
//	OpGt:  w & m >  k
//	OpSet: w & m != 0
//
// negated when Neg is set. Every comparison of a word (or of a word ANDed
// with a constant) with a constant is one Atom; the path conditions of the
// symbolic execution are conjunctions of atoms, and the words are
// independent variables, so a conjunction is satisfiable when the atoms of
// each word are.
type Atom struct {
	W   uint8 // the word: its index among those of the conjunction's caller
	M   uint32
	Op  Op
	K   uint32
	Neg bool
}

// Op is the test of an Atom.
type Op uint8

// The tests.
const (
	OpEq  Op = iota // w & m == k
	OpGt            // w & m > k
	OpSet           // w & m != 0
)

// Not returns the negation of a.
func (a Atom) Not() Atom { a.Neg = !a.Neg; return a }

// Holds evaluates the Atom on the word's value v.
func (a Atom) Holds(v uint32) bool {
	x := v & a.M
	var r bool
	switch a.Op {
	case OpEq:
		r = x == a.K
	case OpGt:
		r = x > a.K
	case OpSet:
		r = x != 0
	}
	return r != a.Neg
}

// Plain reports whether the Atom is an unmasked comparison (==, !=, <, <=,
// >, >=) of the word.
func (a Atom) Plain() bool { return a.M == 0xffffffff && a.Op != OpSet }

// Jump kinds, as BPF_JMP|op with the source bit cleared: the jop of
// JumpAtom.
const (
	JmpJeq  = 0x15
	JmpJgt  = 0x25
	JmpJge  = 0x35
	JmpJset = 0x45
)

// JumpAtom returns the Atom for "w & m OP k" (OP a conditional jump), or
// reports that the jump is decided whatever w holds: decided is 1 for
// always taken, 0 for never, -1 for an Atom.
func JumpAtom(jop uint16, w uint8, m, k uint32) (Atom, int) {
	switch jop {
	case JmpJeq:
		if k&^m != 0 {
			return Atom{}, 0
		}
		return Atom{W: w, M: m, Op: OpEq, K: k}, -1
	case JmpJge:
		if k == 0 {
			return Atom{}, 1
		}
		k--
		fallthrough
	case JmpJgt:
		if k >= m {
			return Atom{}, 0
		}
		return Atom{W: w, M: m, Op: OpGt, K: k}, -1
	case JmpJset:
		if m&k == 0 {
			return Atom{}, 0
		}
		return Atom{W: w, M: m & k, Op: OpSet}, -1
	}
	return Atom{}, 0
}

// JumpAtomSwapped returns the Atom for "c OP (w & m)", the constant on the
// left (a jump of a known A against X holding a word).
func JumpAtomSwapped(jop uint16, c uint32, w uint8, m uint32) (Atom, int) {
	switch jop {
	case JmpJeq, JmpJset:
		return JumpAtom(jop, w, m, c)
	case JmpJgt: // c > x  <=>  !(x >= c)
		a, d := JumpAtom(JmpJge, w, m, c)
		return a.Not(), Flip(d)
	case JmpJge: // c >= x  <=>  !(x > c)
		a, d := JumpAtom(JmpJgt, w, m, c)
		return a.Not(), Flip(d)
	}
	return Atom{}, 0
}

// Flip turns a decided jump (see JumpAtom) into the decision of its
// negation.
func Flip(d int) int {
	if d < 0 {
		return d
	}
	return 1 - d
}

// Answer is a satisfiability answer.
type Answer uint8

// The answers.
const (
	Unsat   Answer = iota // no value satisfies the atoms
	Sat                   // some value does
	Unknown               // the Solver ran out of budget: assume satisfiable
)

// Solver decides conjunctions of atoms on one word by a depth-first search
// over its bits, from the most significant, pruning a subtree as soon as
// one Atom can hold for none of its values (each Atom's possible values
// over a subtree form a range that is computed exactly). It is complete;
// the Budget bounds the nodes visited over the Solver's life, after which
// it answers Unknown.
type Solver struct {
	Budget int
}

// possible reports whether a can hold for some value whose bits above the
// free bits are those of v (v's free bits are zero).
func possible(a Atom, v, free uint32) bool {
	fm := free & a.M
	lo := v & a.M
	hi := lo | fm
	switch a.Op {
	case OpEq:
		if !a.Neg {
			return a.K&^a.M == 0 && (lo^a.K)&^fm == 0
		}
		return fm != 0 || lo != a.K
	case OpGt:
		if !a.Neg {
			return hi > a.K
		}
		return lo <= a.K
	default: // OpSet
		if !a.Neg {
			return hi != 0
		}
		return lo == 0
	}
}

// Search finds the least (high false) or greatest (high true) value of the
// word that satisfies every Atom. Only the bits some Atom looks at are
// searched; the others are 0 in the least value and 1 in the greatest.
//
// Whether a subtree has a solution depends only on the bit reached and on
// where each Atom stands on the bits decided so far (an equality still
// possible or already false, a comparison still undecided or already won
// or lost, a bit test already met or not): subtrees found empty are
// remembered by that state, so the search is polynomial in the bits for a
// fixed number of atoms.
func (s *Solver) Search(as []Atom, high bool) (uint32, Answer) {
	var rel uint32
	for _, a := range as {
		rel |= a.M
	}
	v := uint32(0)
	if high {
		v = ^rel
	}
	d := &dfsState{s: s, as: as, rel: rel, high: high}
	return d.dfs(31, v)
}

type dfsState struct {
	s     *Solver
	as    []Atom
	rel   uint32
	high  bool
	dead  map[string]bool // states whose subtree has no solution
	key   []byte
	nodes int
}

// memoAfter is the number of nodes a search visits before it starts
// remembering dead states (most searches end well before).
const memoAfter = 64

// stateKey encodes bit and each Atom's standing on the bits above it.
func (d *dfsState) stateKey(bit int, v uint32) string {
	above := ^uint32(0)
	if bit >= 0 {
		above = ^(uint32(1)<<(bit+1) - 1)
	}
	d.key = append(d.key[:0], byte(bit+1))
	for _, a := range d.as {
		x := v & a.M & above
		var st byte
		switch a.Op {
		case OpSet:
			if x != 0 {
				st = 1
			}
		case OpEq:
			if x != a.K&a.M&above || a.K&^a.M != 0 {
				st = 1
			}
		default:
			y := a.K & above
			if x > y {
				st = 1
			} else if x < y {
				st = 2
			}
		}
		d.key = append(d.key, st)
	}
	return string(d.key)
}

// dfs decides bit and the lower bits of rel, the bits above being those of
// v (whose bits of rel at and below bit are zero).
func (d *dfsState) dfs(bit int, v uint32) (uint32, Answer) {
	for bit >= 0 && d.rel&(1<<bit) == 0 {
		bit--
	}
	s := d.s
	if s.Budget <= 0 {
		return 0, Unknown
	}
	s.Budget--
	var free uint32
	if bit >= 0 {
		free = (uint32(1)<<(bit+1) - 1) & d.rel
	}
	for _, a := range d.as {
		if !possible(a, v, free) {
			return 0, Unsat
		}
	}
	if bit < 0 {
		return v, Sat
	}
	d.nodes++
	if d.dead == nil && d.nodes > memoAfter && len(d.as) > 1 {
		d.dead = map[string]bool{}
	}
	var key string
	if d.dead != nil {
		key = d.stateKey(bit, v)
		if d.dead[key] {
			return 0, Unsat
		}
	}
	first, second := v, v|1<<bit
	if d.high {
		first, second = second, first
	}
	r, ans := d.dfs(bit-1, first)
	if ans != Unsat {
		return r, ans
	}
	r, ans = d.dfs(bit-1, second)
	if ans == Unsat && d.dead != nil {
		d.dead[key] = true
	}
	return r, ans
}

// Satisfiable answers whether the atoms (all on one word) can all hold.
func (s *Solver) Satisfiable(as []Atom) Answer {
	_, a := s.Search(as, false)
	return a
}

// Implies answers whether the atoms imply c: Unsat means they do.
func (s *Solver) Implies(as []Atom, c Atom) bool {
	tmp := make([]Atom, len(as)+1)
	copy(tmp, as)
	tmp[len(as)] = c.Not()
	return s.Satisfiable(tmp) == Unsat
}

// OnWord returns the atoms of as on word w, appended to dst.
func OnWord(dst, as []Atom, w uint8) []Atom {
	for _, a := range as {
		if a.W == w {
			dst = append(dst, a)
		}
	}
	return dst
}

// SatAll answers whether a conjunction of atoms on any words is satisfiable.
func (s *Solver) SatAll(as []Atom) Answer {
	var seen [256]bool
	res := Sat
	var buf []Atom
	for _, a := range as {
		if seen[a.W] {
			continue
		}
		seen[a.W] = true
		buf = OnWord(buf[:0], as, a.W)
		switch s.Satisfiable(buf) {
		case Unsat:
			return Unsat
		case Unknown:
			res = Unknown
		}
	}
	return res
}
