package analyze

import (
	"fmt"

	"github.com/seccomp-go/seccomp"
)

// Opcodes the symbolic execution distinguishes (include/uapi/linux/filter.h).
const (
	opLdWAbs = 0x20
	opLdLen  = 0x80
	opLdxLen = 0x81
	opLdImm  = 0x00
	opLdxImm = 0x01
	opLdMem  = 0x60
	opLdxMem = 0x61
	opSt     = 0x02
	opStx    = 0x03
	opTax    = 0x07
	opTxa    = 0x87
	opJa     = 0x05
	opRetK   = 0x06
	opRetA   = 0x16
	opNegA   = 0x84

	clsMask = 0x07
	clsLD   = 0x00
	clsALU  = 0x04
	clsJMP  = 0x05
	srcX    = 0x08
)

// catom is a condition the solver cannot read: a jump on a value computed
// from the input (or on two symbolic values). It is kept to evaluate the
// path's condition on concrete inputs and to print it.
type catom struct {
	jop  uint16 // jmpJeq, jmpJgt, jmpJge or jmpJset
	a, b val
	neg  bool // the jump was not taken
}

func (c catom) holds(w *[numWords]uint32, memo map[*node]uint32) bool {
	a, b := c.a.eval(w, memo), c.b.eval(w, memo)
	var r bool
	switch c.jop {
	case jmpJeq:
		r = a == b
	case jmpJgt:
		r = a > b
	case jmpJge:
		r = a >= b
	case jmpJset:
		r = a&b != 0
	}
	return r != c.neg
}

func (c catom) sameTest(o catom) bool {
	return c.jop == o.jop && c.a.same(o.a) && c.b.same(o.b)
}

func (c catom) text() string {
	var op string
	switch c.jop {
	case jmpJeq:
		op = "=="
		if c.neg {
			op = "!="
		}
	case jmpJgt:
		op = ">"
		if c.neg {
			op = "<="
		}
	case jmpJge:
		op = ">="
		if c.neg {
			op = "<"
		}
	case jmpJset:
		if c.neg {
			return fmt.Sprintf("(%s) & (%s) == 0", c.a.text(), c.b.text())
		}
		return fmt.Sprintf("(%s) & (%s) != 0", c.a.text(), c.b.text())
	}
	return fmt.Sprintf("%s %s %s", c.a.text(), op, c.b.text())
}

// path is one way through the program for a run: the conditions on the
// input that lead there and what it returns.
type path struct {
	action  seccomp.Action
	retA    *val // the returned value when it is computed from the input
	atoms   []atom
	comps   []catom
	archLd  bool   // the path loads seccomp_data.arch
	noCache string // why the kernel's action cache cannot serve it ("" if it can)

	from, to *path // for Diff: the paths of the two programs this one joins
}

// runSpec is one symbolic execution: which words are known and what every
// input of the run satisfies.
type runSpec struct {
	le    bool
	known [numWords]bool
	vals  [numWords]uint32
	given []atom
}

type state struct {
	pc      int
	a, x    val
	mem     [16]val
	atoms   []atom
	comps   []catom
	archLd  bool
	noCache string
}

// engine runs the program symbolically.
type engine struct {
	prog     seccomp.Program
	maxPaths int
	sol      *solver
	visited  []bool
	intern   interner
	memo     map[string][]Decision // decisions by the paths they come from
}

// perCall bounds the nodes of one satisfiability question.
const perCall = 1 << 14

// sat answers, with the run's given conditions, whether the atoms on word
// w of st plus extra can hold; unknown counts as yes.
func (e *engine) sat(spec *runSpec, st []atom, extra atom) bool {
	as := onWord(nil, spec.given, extra.w)
	as = onWord(as, st, extra.w)
	as = append(as, extra)
	return e.limited(func() answer { return e.sol.satisfiable(as) }) != unsat
}

// limited runs f with at most perCall nodes of the global budget.
func (e *engine) limited(f func() answer) answer {
	saved := e.sol.budget
	lim := min(saved, perCall)
	e.sol.budget = lim
	r := f()
	used := lim - e.sol.budget
	e.sol.budget = saved - used
	if r == unknown && e.sol.budget > 0 {
		return unknown // only this question was too hard
	}
	return r
}

func (st *state) fork() *state {
	c := *st
	c.atoms = append([]atom(nil), st.atoms...)
	c.comps = append([]catom(nil), st.comps...)
	return &c
}

func (st *state) uncached(format string, a ...any) {
	if st.noCache == "" {
		st.noCache = fmt.Sprintf(format, a...)
	}
}

// run executes the program on every input spec allows and returns its
// paths; complete is false when it gave up (too many paths, or the work
// budget ran out).
func (e *engine) run(spec *runSpec) (paths []path, complete bool) {
	stack := []*state{{}}
	for i := range stack[0].mem {
		stack[0].mem[i] = constVal(0)
	}
	p := e.prog
	for len(stack) > 0 {
		st := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
	steps:
		for {
			if e.sol.budget <= 0 {
				return paths, false
			}
			e.sol.budget--
			if st.pc < 0 || st.pc >= len(p) {
				break // not reachable for a verified program
			}
			e.visited[st.pc] = true
			pc := st.pc
			in := p[pc]
			st.pc++
			switch {
			case in.Op == opLdWAbs:
				w := wordOf(in.K&(seccomp.SizeofData-4), spec.le)
				if w == 1 {
					st.archLd = true
				}
				if w > 1 {
					st.uncached("instruction %d loads %s", pc, w)
				}
				if spec.known[w] {
					st.a = constVal(spec.vals[w])
				} else {
					st.a = wordVal(w)
				}
			case in.Op == opLdLen:
				st.a = constVal(seccomp.SizeofData)
				st.uncached("instruction %d loads the length", pc)
			case in.Op == opLdxLen:
				st.x = constVal(seccomp.SizeofData)
				st.uncached("instruction %d uses X", pc)
			case in.Op == opLdImm:
				st.a = constVal(in.K)
				st.uncached("instruction %d loads a constant", pc)
			case in.Op == opLdxImm:
				st.x = constVal(in.K)
				st.uncached("instruction %d uses X", pc)
			case in.Op == opLdMem:
				st.a = st.mem[in.K&15]
				st.uncached("instruction %d uses scratch memory", pc)
			case in.Op == opLdxMem:
				st.x = st.mem[in.K&15]
				st.uncached("instruction %d uses scratch memory", pc)
			case in.Op == opSt:
				st.mem[in.K&15] = st.a
				st.uncached("instruction %d uses scratch memory", pc)
			case in.Op == opStx:
				st.mem[in.K&15] = st.x
				st.uncached("instruction %d uses scratch memory", pc)
			case in.Op == opTax:
				st.x = st.a
				st.uncached("instruction %d uses X", pc)
			case in.Op == opTxa:
				st.a = st.x
				st.uncached("instruction %d uses X", pc)
			case in.Op == opRetK:
				pa := path{action: seccomp.Action(in.K), atoms: st.atoms, comps: st.comps, archLd: st.archLd, noCache: st.noCache}
				if pa.noCache == "" && in.K != uint32(seccomp.ActAllow) {
					if seccomp.Action(in.K).Kind() == seccomp.ActAllow {
						pa.noCache = fmt.Sprintf("instruction %d returns ALLOW with data bits (%#x)", pc, in.K)
					} else {
						pa.noCache = "not ALLOW"
					}
				}
				paths = append(paths, pa)
				break steps
			case in.Op == opRetA:
				st.uncached("instruction %d returns A", pc)
				pa := path{atoms: st.atoms, comps: st.comps, archLd: st.archLd, noCache: st.noCache}
				if st.a.kind == vConst {
					pa.action = seccomp.Action(st.a.c)
				} else {
					v := st.a
					pa.retA = &v
				}
				paths = append(paths, pa)
				break steps
			case in.Op == opJa:
				st.pc += int(in.K)
			case in.Op&clsMask == clsALU:
				op := in.Op &^ srcX
				b := constVal(in.K)
				if in.Op&srcX != 0 {
					b = st.x
					st.uncached("instruction %d uses X", pc)
				} else if op != aluAnd {
					st.uncached("instruction %d computes", pc)
				}
				if op == aluDiv && in.Op&srcX != 0 && b.kind != vConst {
					// Division by a symbolic X: the program returns 0 when
					// X is 0.
					zero, cont := e.branch(spec, st, jmpJeq, b, constVal(0))
					if zero != nil {
						paths = append(paths, path{action: 0, atoms: zero.atoms, comps: zero.comps, archLd: zero.archLd, noCache: "KILL_THREAD"})
						if len(paths) > e.maxPaths {
							return paths, false
						}
					}
					if cont == nil {
						break steps
					}
					st = cont
				}
				if op == aluDiv && b.kind == vConst && b.c == 0 {
					paths = append(paths, path{action: 0, atoms: st.atoms, comps: st.comps, archLd: st.archLd, noCache: "KILL_THREAD"})
					break steps
				}
				st.a = e.intern.alu(op, st.a, b)
			case in.Op&clsMask == clsJMP:
				jop := in.Op &^ srcX
				b := constVal(in.K)
				if in.Op&srcX != 0 {
					b = st.x
					st.uncached("instruction %d uses X", pc)
				}
				t, f := e.branch(spec, st, jop, st.a, b)
				if t != nil {
					t.pc = pc + 1 + int(in.Jt)
				}
				if f != nil {
					f.pc = pc + 1 + int(in.Jf)
				}
				switch {
				case t == nil && f == nil:
					break steps // no input gets here
				case t == nil:
					st = f
				case f == nil:
					st = t
				default:
					stack = append(stack, f)
					st = t
				}
			default:
				break steps // not reachable for a verified program
			}
		}
		if len(paths) > e.maxPaths {
			return paths, false
		}
	}
	return paths, true
}

// branch evaluates the test "a JOP b" in state st and returns the states
// for the inputs that take the jump and for those that do not (nil when no
// input does). It may return st itself for one of them.
func (e *engine) branch(spec *runSpec, st *state, jop uint16, a, b val) (t, f *state) {
	var at atom
	decided := -1
	switch {
	case a.kind == vConst && b.kind == vConst:
		if (catom{jop: jop, a: a, b: b}).holds(nil, nil) {
			decided = 1
		} else {
			decided = 0
		}
	case a.kind == vWord && b.kind == vConst:
		at, decided = jumpAtom(jop, a.w, a.m, b.c)
	case a.kind == vConst && b.kind == vWord:
		at, decided = jumpAtomSwapped(jop, a.c, b.w, b.m)
	default:
		c := catom{jop: jop, a: a, b: b}
		for _, o := range st.comps {
			if o.sameTest(c) {
				if o.neg {
					return nil, st
				}
				return st, nil
			}
		}
		t = st.fork()
		t.comps = append(t.comps, c)
		c.neg = true
		st.comps = append(st.comps, c)
		return t, st
	}
	switch decided {
	case 1:
		return st, nil
	case 0:
		return nil, st
	}
	canT := e.sat(spec, st.atoms, at)
	canF := e.sat(spec, st.atoms, at.not())
	switch {
	case canT && canF:
		t = st.fork()
		t.atoms = append(t.atoms, at)
		st.atoms = append(st.atoms, at.not())
		return t, st
	case canT:
		return st, nil
	case canF:
		return nil, st
	}
	return nil, nil
}
