package analyze

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
// each word are.
type atom struct {
	w   word
	m   uint32
	op  aop
	k   uint32
	neg bool
}

type aop uint8

const (
	opEq aop = iota
	opGt
	opSet
)

func (a atom) not() atom { a.neg = !a.neg; return a }

// holds evaluates the atom on the word's value v.
func (a atom) holds(v uint32) bool {
	x := v & a.m
	var r bool
	switch a.op {
	case opEq:
		r = x == a.k
	case opGt:
		r = x > a.k
	case opSet:
		r = x != 0
	}
	return r != a.neg
}

// plain reports whether the atom is an unmasked comparison (==, !=, <, <=,
// >, >=) of the word.
func (a atom) plain() bool { return a.m == 0xffffffff && a.op != opSet }

// Jump kinds, as BPF_JMP|op with the source bit cleared.
const (
	jmpJeq  = 0x15
	jmpJgt  = 0x25
	jmpJge  = 0x35
	jmpJset = 0x45
)

// jumpAtom returns the atom for "w & m OP k" (OP a conditional jump), or
// reports that the jump is decided whatever w holds: decided is 1 for
// always taken, 0 for never, -1 for an atom.
func jumpAtom(jop uint16, w word, m, k uint32) (atom, int) {
	switch jop {
	case jmpJeq:
		if k&^m != 0 {
			return atom{}, 0
		}
		return atom{w: w, m: m, op: opEq, k: k}, -1
	case jmpJge:
		if k == 0 {
			return atom{}, 1
		}
		k--
		fallthrough
	case jmpJgt:
		if k >= m {
			return atom{}, 0
		}
		return atom{w: w, m: m, op: opGt, k: k}, -1
	case jmpJset:
		if m&k == 0 {
			return atom{}, 0
		}
		return atom{w: w, m: m & k, op: opSet}, -1
	}
	return atom{}, 0
}

// jumpAtomSwapped returns the atom for "c OP (w & m)", the constant on the
// left (a jump of a known A against X holding a word).
func jumpAtomSwapped(jop uint16, c uint32, w word, m uint32) (atom, int) {
	switch jop {
	case jmpJeq, jmpJset:
		return jumpAtom(jop, w, m, c)
	case jmpJgt: // c > x  <=>  !(x >= c)
		a, d := jumpAtom(jmpJge, w, m, c)
		return a.not(), flip(d)
	case jmpJge: // c >= x  <=>  !(x > c)
		a, d := jumpAtom(jmpJgt, w, m, c)
		return a.not(), flip(d)
	}
	return atom{}, 0
}

func flip(d int) int {
	if d < 0 {
		return d
	}
	return 1 - d
}

// A satisfiability answer.
type answer uint8

const (
	unsat answer = iota
	sat
	unknown // the solver ran out of budget: assume satisfiable
)

// solver decides conjunctions of atoms on one word by a depth-first search
// over its bits, from the most significant, pruning a subtree as soon as
// one atom can hold for none of its values (each atom's possible values
// over a subtree form a range that is computed exactly). It is complete;
// the budget bounds the nodes visited over the solver's life, after which
// it answers unknown.
type solver struct {
	budget int
}

// possible reports whether a can hold for some value whose bits above the
// free bits are those of v (v's free bits are zero).
func possible(a atom, v, free uint32) bool {
	fm := free & a.m
	lo := v & a.m
	hi := lo | fm
	switch a.op {
	case opEq:
		if !a.neg {
			return a.k&^a.m == 0 && (lo^a.k)&^fm == 0
		}
		return fm != 0 || lo != a.k
	case opGt:
		if !a.neg {
			return hi > a.k
		}
		return lo <= a.k
	default: // opSet
		if !a.neg {
			return hi != 0
		}
		return lo == 0
	}
}

// search finds the least (high false) or greatest (high true) value of the
// word that satisfies every atom. Only the bits some atom looks at are
// searched; the others are 0 in the least value and 1 in the greatest.
//
// Whether a subtree has a solution depends only on the bit reached and on
// where each atom stands on the bits decided so far (an equality still
// possible or already false, a comparison still undecided or already won
// or lost, a bit test already met or not): subtrees found empty are
// remembered by that state, so the search is polynomial in the bits for a
// fixed number of atoms.
func (s *solver) search(as []atom, high bool) (uint32, answer) {
	var rel uint32
	for _, a := range as {
		rel |= a.m
	}
	v := uint32(0)
	if high {
		v = ^rel
	}
	d := &dfsState{s: s, as: as, rel: rel, high: high}
	return d.dfs(31, v)
}

type dfsState struct {
	s     *solver
	as    []atom
	rel   uint32
	high  bool
	dead  map[string]bool // states whose subtree has no solution
	key   []byte
	nodes int
}

// memoAfter is the number of nodes a search visits before it starts
// remembering dead states (most searches end well before).
const memoAfter = 64

// stateKey encodes bit and each atom's standing on the bits above it.
func (d *dfsState) stateKey(bit int, v uint32) string {
	above := ^uint32(0)
	if bit >= 0 {
		above = ^(uint32(1)<<(bit+1) - 1)
	}
	d.key = append(d.key[:0], byte(bit+1))
	for _, a := range d.as {
		x := v & a.m & above
		var st byte
		switch a.op {
		case opSet:
			if x != 0 {
				st = 1
			}
		case opEq:
			if x != a.k&a.m&above || a.k&^a.m != 0 {
				st = 1
			}
		default:
			y := a.k & above
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
func (d *dfsState) dfs(bit int, v uint32) (uint32, answer) {
	for bit >= 0 && d.rel&(1<<bit) == 0 {
		bit--
	}
	s := d.s
	if s.budget <= 0 {
		return 0, unknown
	}
	s.budget--
	var free uint32
	if bit >= 0 {
		free = (uint32(1)<<(bit+1) - 1) & d.rel
	}
	for _, a := range d.as {
		if !possible(a, v, free) {
			return 0, unsat
		}
	}
	if bit < 0 {
		return v, sat
	}
	d.nodes++
	if d.dead == nil && d.nodes > memoAfter && len(d.as) > 1 {
		d.dead = map[string]bool{}
	}
	var key string
	if d.dead != nil {
		key = d.stateKey(bit, v)
		if d.dead[key] {
			return 0, unsat
		}
	}
	first, second := v, v|1<<bit
	if d.high {
		first, second = second, first
	}
	r, ans := d.dfs(bit-1, first)
	if ans != unsat {
		return r, ans
	}
	r, ans = d.dfs(bit-1, second)
	if ans == unsat && d.dead != nil {
		d.dead[key] = true
	}
	return r, ans
}

// satisfiable answers whether the atoms (all on one word) can all hold.
func (s *solver) satisfiable(as []atom) answer {
	_, a := s.search(as, false)
	return a
}

// implies answers whether the atoms imply c: unsat means they do.
func (s *solver) implies(as []atom, c atom) bool {
	tmp := make([]atom, len(as)+1)
	copy(tmp, as)
	tmp[len(as)] = c.not()
	return s.satisfiable(tmp) == unsat
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
func (s *solver) satAll(as []atom) answer {
	var seen [numWords]bool
	res := sat
	var buf []atom
	for _, a := range as {
		if seen[a.w] {
			continue
		}
		seen[a.w] = true
		buf = onWord(buf[:0], as, a.w)
		switch s.satisfiable(buf) {
		case unsat:
			return unsat
		case unknown:
			res = unknown
		}
	}
	return res
}
