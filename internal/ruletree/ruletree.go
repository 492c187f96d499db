// Package ruletree decides the rules of one system call the way libseccomp
// does: it merges them, one by one in the order they are added, into a tree
// of 32-bit comparisons whose first matching branch decides, and refuses
// the rules libseccomp refuses (EEXIST). The result is a list of paths
// through the tree, tried in order: the meaning of the rules under
// libseccomp, which package seccomp compiles like any other list of rules
// (Filter's libseccomp resolution) and which the libseccomp-golang
// drop-in uses.
//
// # The tree
//
// Each condition of a rule becomes comparisons of 32-bit words of its
// argument: one comparison when it is a 32-bit condition (every condition
// on a 32-bit ABI), two for ==, != and masked == on 64 bits (high word,
// then low word), three for <, <=, > and >= on 64 bits (high word greater,
// high word equal, low word). A rule is a chain of such comparisons, its
// conditions in the order of their argument index, with the rule's action
// on the branches where the whole rule holds.
//
// Comparisons that share a parent form a level, kept in a fixed order: by
// argument, highest index first, the high word before the low word; then
// by operator: ==, != and masked == first, then < and <=, then > and >=;
// then by value: the largest first for > and >= (and the others), the
// smallest first for < and <=. A call's comparisons are tried in that
// order; the first branch that leads to an action decides, and a branch
// that leads nowhere falls through to the next comparison of the level
// (and, at the end of a level, to the next comparison of the level above).
// This is what makes the rules "a2 > 128 → ERRNO(5)" and "a2 > 4096 →
// ERRNO(10)" decide 8000 as ERRNO(10), whatever their order.
//
// Adding a rule merges its chain into the tree: a comparison equal to one
// already on the level (same word, operator, mask and value) is shared;
// where both give an action to the same branch and differ, the rule is
// refused (ErrExist) unless one of them continues further; a rule that is
// a prefix of the tree with the same action replaces the longer branches
// (they could only give that action); a rule longer than a branch that
// already decides is dropped. An unconditional rule replaces every
// conditional one; once a call has an unconditional rule, later rules are
// dropped.
//
// The steps follow the behaviour of libseccomp 2.5 and 2.6 (src/db.c),
// including the bookkeeping of node counts that orders system calls by
// priority. The differential tests in the bench module compare the trees
// with libseccomp's own export (seccomp_export_pfc) and the decisions with
// its programs.
package ruletree

import (
	"errors"
	"fmt"
	"slices"
)

// Op is a comparison: libseccomp's SCMP_CMP_* values, and MaskedNE.
type Op uint8

// The comparisons of a condition.
const (
	NE       Op = 1 // arg != datum
	LT       Op = 2 // arg < datum
	LE       Op = 3 // arg <= datum
	EQ       Op = 4 // arg == datum
	GE       Op = 5 // arg >= datum
	GT       Op = 6 // arg > datum
	MaskedEQ Op = 7 // arg & mask == datum & mask
	// MaskedNE (arg & mask != datum & mask) is not libseccomp's: it is
	// merged as != is, with a mask.
	MaskedNE Op = 8
)

var opNames = [...]string{NE: "!=", LT: "<", LE: "<=", EQ: "==", GE: ">=", GT: ">", MaskedEQ: "&==", MaskedNE: "&!="}

func (o Op) String() string {
	if int(o) < len(opNames) && opNames[o] != "" {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// Valid reports whether o is one of the comparisons.
func (o Op) Valid() bool { return o >= NE && o <= MaskedNE }

// Cond is one condition of a rule, as libseccomp keeps it: for masked
// operators Mask is the mask (and Datum is masked with it when compared),
// for the others Mask is ignored.
type Cond struct {
	Arg   int // 0 to 5
	Op    Op
	Mask  uint64
	Datum uint64
	// Narrow compares only the low 32 bits of the argument, as every
	// condition does on a 32-bit ABI (and on x32, in libseccomp).
	Narrow bool
}

// Rule is a rule of the system call: an action and conditions on distinct
// arguments, all of which must hold.
type Rule struct {
	Action uint32
	Conds  []Cond
	// Index identifies the rule to the caller (in Path.Rule).
	Index int
}

// ErrExist is libseccomp's EEXIST: the rule gives another action than a
// rule already added where the tree cannot tell them apart.
var ErrExist = errors.New("conflicts with a rule already added")

// ErrLoop is returned where libseccomp loops forever: some merges link a
// comparison into a level it is already on, and the level then leads back
// to itself. libseccomp 2.5 and 2.6 never return from such an add (or from
// exporting the filter); here the rule is refused instead.
var ErrLoop = errors.New("libseccomp's merge of this rule makes its tree loop (libseccomp never returns)")

// ErrInvalid is libseccomp's EINVAL for a rule: two conditions on one
// argument, an argument index above 5, or an unknown operator.
var ErrInvalid = errors.New("invalid rule")

// Check returns why libseccomp refuses r with EINVAL, or nil.
func (r Rule) Check() error {
	var seen [6]bool
	for _, c := range r.Conds {
		switch {
		case c.Arg < 0 || c.Arg > 5:
			return fmt.Errorf("%w: argument index %d (0 to 5)", ErrInvalid, c.Arg)
		case !c.Op.Valid():
			return fmt.Errorf("%w: unknown operator %d", ErrInvalid, int(c.Op))
		case seen[c.Arg]:
			return fmt.Errorf("%w: two conditions on argument %d (libseccomp takes one per argument)", ErrInvalid, c.Arg)
		}
		seen[c.Arg] = true
	}
	return nil
}

// node is one 32-bit comparison of the tree.
type node struct {
	// The level: siblings in the order they are tried.
	prev, next *node
	// What follows each branch: a further level, or an action.
	onTrue, onFalse   *node
	actTrue, actFalse uint32
	hasTrue, hasFalse bool
	// The rule whose action each branch has (Path.Rule).
	ruleTrue, ruleFalse int

	arg    int
	hi     bool // the high word of a 64-bit argument
	op     Op   // EQ, MaskedEQ, GT or GE: the comparison made
	origOp Op   // the condition's operator: orders the level
	mask   uint32
	datum  uint32 // masked
	full   uint64 // the condition's 64-bit datum

	refs int // references from parents, siblings and the call
}

// rank orders a level: comparisons of higher rank are tried first.
func argRank(n *node) int {
	r := n.arg * 2
	if n.hi {
		r++
	}
	return r
}

func opRank(op Op) int {
	switch op {
	case EQ, NE, MaskedEQ, MaskedNE:
		return 3
	case LT, LE:
		return 2
	case GT, GE:
		return 1
	}
	return 0
}

// below reports whether a is tried after b on a level.
func below(a, b *node) bool {
	if ra, rb := argRank(a), argRank(b); ra != rb {
		return ra < rb
	}
	if ra, rb := opRank(a.origOp), opRank(b.origOp); ra != rb {
		return ra < rb
	}
	if a.origOp == LT || a.origOp == LE {
		return a.datum > b.datum // smaller bounds first
	}
	return a.datum < b.datum // larger values first
}

// same reports whether a and b make the same comparison.
func same(a, b *node) bool {
	return argRank(a) == argRank(b) && a.op == b.op && a.datum == b.datum && a.mask == b.mask
}

func (n *node) leaf() bool { return n.onTrue == nil && n.onFalse == nil }

// dead reports a leaf without actions: it decides nothing.
func (n *node) dead() bool { return n.leaf() && !n.hasTrue && !n.hasFalse }

func hold(n *node) *node {
	if n != nil {
		n.refs++
	}
	return n
}

func (s *Syscall) first(n *node) *node {
	steps := 0
	for n.prev != nil {
		s.step(&steps)
		n = n.prev
	}
	return n
}

// levelStart is first for a tree known to be sound (see check).
func levelStart(n *node) *node {
	for n.prev != nil {
		n = n.prev
	}
	return n
}

// errLoop is raised (panic) inside Add when the tree loops: libseccomp
// links a comparison into a level it is already on in some merges, and
// then loops forever. Add recovers it and returns ErrLoop.
type errLoop struct{}

// step counts a step along a level, and raises errLoop past the number of
// nodes the call ever had: the level loops.
func (s *Syscall) step(n *int) {
	*n++
	if *n > s.made+1 {
		panic(errLoop{})
	}
}

// enter counts a level of recursion, and raises errLoop past any depth a
// tree can have (six arguments of three comparisons each, many times
// over): the tree loops.
func (s *Syscall) enter() {
	s.depth++
	if s.depth > 256 {
		panic(errLoop{})
	}
}

func (s *Syscall) leave() { s.depth-- }

// release drops a reference to *p. When it was the last, the node leaves
// its level (*p then points to a sibling, or nil) and its branches are
// released; release returns how many nodes were discarded.
func (s *Syscall) release(p **node) int {
	n := *p
	if n == nil {
		return 0
	}
	n.refs--
	if n.refs != 0 { // (an unsigned count in libseccomp: below zero is no release)
		return 0
	}
	s.enter()
	defer s.leave()
	count := 0
	before, after := n.prev, n.next
	if before != nil {
		before.next = nil
	}
	if after != nil {
		after.prev = nil
	}
	if before != nil {
		count += s.release(&before)
	}
	if after != nil {
		count += s.release(&after)
	}
	if before != nil {
		before.next = hold(after)
	}
	if after != nil {
		after.prev = hold(before)
	}
	switch {
	case before != nil:
		*p = before
	case after != nil:
		*p = after
	default:
		*p = nil
	}
	t, f := n.onTrue, n.onFalse
	count += s.releaseTree(&t)
	count += s.releaseTree(&f)
	return count + 1
}

// releaseTree releases *p and then its whole level, if nothing but the
// level itself refers to it any more.
func (s *Syscall) releaseTree(p **node) int {
	count := s.release(p)
	if *p != nil {
		count += s.sweepLevel(*p)
	}
	return count
}

func (s *Syscall) sweepLevel(n *node) int {
	start := s.first(n)
	steps := 0
	for m := start; m != nil; m = m.next {
		s.step(&steps)
		links := 0
		if m.prev != nil {
			links++
		}
		if m.next != nil {
			links++
		}
		if m.refs > links {
			return 0
		}
	}
	count := 0
	steps = 0
	for m := start; m != nil; {
		s.step(&steps)
		count += s.release(&m)
	}
	return count
}

// remove takes target (and what hangs from it) out of the tree at *p,
// dropping leaves without actions met on the way; it returns the number of
// nodes discarded.
func (s *Syscall) remove(p **node, target *node) int {
	if p == nil || *p == nil || target == nil {
		return 0
	}
	s.enter()
	defer s.leave()
	count := 0
	n := s.first(*p)
	steps := 0
	for {
		s.step(&steps)
		if n == target {
			break
		}
		count += s.remove(&n.onTrue, target)
		count += s.remove(&n.onFalse, target)
		if n.dead() {
			break
		}
		n = n.next
		if n == nil || count != 0 {
			return count
		}
	}
	if n == *p {
		if n.prev != nil {
			*p = n.prev
		} else {
			*p = n.next
		}
	}
	if n.prev != nil {
		n.prev.next = n.next
	}
	if n.next != nil {
		n.next.prev = n.prev
	}
	n.prev, n.next = nil, nil
	return count + s.release(&n)
}

// agrees reports whether every action in the tree at n is act.
func (s *Syscall) agrees(n *node, act uint32) bool {
	if n == nil {
		return true
	}
	s.enter()
	defer s.leave()
	steps := 0
	for m := s.first(n); m != nil; m = m.next {
		s.step(&steps)
		if m.hasTrue && m.actTrue != act || m.hasFalse && m.actFalse != act {
			return false
		}
		if !s.agrees(m.onTrue, act) || !s.agrees(m.onFalse, act) {
			return false
		}
	}
	return true
}

// The state of a walk comparing a new chain with the tree (prune).
const (
	stMatch       = 1 << 0 // the chain matched the tree so far
	stMatchedOnce = 1 << 1 // ... at some point
	stTreeEnds    = 1 << 4 // the tree's branch ended where the chain matched
	stChainEnds   = 1 << 5 // the chain ended where it matched
	stTreeLonger  = 1 << 8 // the tree had comparisons the chain lacks
	stChainLonger = 1 << 9 // the chain had comparisons the tree lacks

	stMatchSet  = stMatch | stMatchedOnce
	stRedundant = stMatch | stTreeEnds | stChainLonger
)

type walk struct {
	flags  int
	action uint32
	call   *Syscall
}

// prune removes from the tree at *p the branches the chain at n makes
// useless (the chain is shorter and has their action), and records in w
// whether the tree already decides everything the chain would (then the
// chain is redundant). It returns the number of nodes removed.
func (s *Syscall) prune(p **node, n *node, w *walk) int {
	count := 0
	cur := *w
	x := *p
	if n == nil || x == nil {
		return s.finishPrune(w, cur, count)
	}
	if w.flags&stMatchSet == stMatchedOnce {
		return s.finishPrune(w, cur, count)
	}
	s.enter()
	defer s.leave()
	steps := 0
	descend := func(x **node, into **node, chain *node, set, clear int) (int, bool) {
		hold(*x)
		sub := *w
		sub.flags &^= clear
		sub.flags |= set
		c := s.prune(into, chain, &sub)
		c += s.release(x)
		if sub.flags&stMatch != 0 {
			cur.flags |= sub.flags
			return c, true
		}
		return c, false
	}
	for x = s.first(x); x != nil; {
		s.step(&steps)
		after := x.next
		switch {
		case same(x, n):
			cur.flags |= stMatchSet
			if n.leaf() {
				cur.flags |= stChainEnds
			}
			if x.leaf() {
				cur.flags |= stTreeEnds
			}
			if (x.hasTrue || x.onTrue != nil) && !(n.hasTrue || n.onTrue != nil) ||
				(x.hasFalse || x.onFalse != nil) && !(n.hasFalse || n.onFalse != nil) {
				return s.finishPrune(w, cur, count)
			}
			if cur.flags&stChainEnds != 0 && cur.flags&stTreeEnds != 0 {
				if n.hasTrue != x.hasTrue || n.actTrue != x.actTrue || n.hasFalse != x.hasFalse || n.actFalse != x.actFalse {
					return s.finishPrune(w, cur, count)
				}
			}
			gone := false
			for _, side := range [2]bool{true, false} {
				chain, into := n.onFalse, &x.onFalse
				if side {
					chain, into = n.onTrue, &x.onTrue
				}
				if chain == nil {
					continue
				}
				// The match continues below: descend with the match kept.
				hold(x)
				sub := *w
				sub.flags |= stMatchSet
				count += s.prune(into, chain, &sub)
				count += s.release(&x)
				if sub.flags&stMatch != 0 {
					cur.flags |= sub.flags
				}
				if x == nil {
					gone = true
					break
				}
			}
			if gone {
				break
			}
			if s.agrees(x, cur.action) && cur.flags&stMatch != 0 && cur.flags&stChainEnds != 0 && cur.flags&stTreeLonger != 0 {
				// The chain is shorter and gives the same action.
				count += s.remove(&w.call.chains, x)
				if w.call.chains == nil {
					return s.finishPrune(w, cur, count)
				}
			} else if s.agrees(x, cur.action) && cur.flags&stMatch != 0 && cur.flags&stTreeEnds != 0 && cur.flags&stChainLonger != 0 {
				// The chain is longer.
				return s.finishPrune(w, cur, count)
			}
		case below(x, n):
			if w.flags&stChainLonger != 0 {
				return s.finishPrune(w, cur, count)
			}
			for _, into := range [2]**node{&x.onTrue, &x.onFalse} {
				if *into == nil {
					continue
				}
				c, matched := descend(&x, into, n, stTreeLonger, stMatch)
				count += c
				if matched {
					return s.finishPrune(w, cur, count)
				}
				if x == nil {
					break
				}
			}
		default:
			if w.flags&stTreeLonger != 0 {
				return s.finishPrune(w, cur, count)
			}
			for _, chain := range [2]*node{n.onTrue, n.onFalse} {
				if chain == nil {
					continue
				}
				xx := x
				c, matched := descend(&xx, &xx, chain, stChainLonger, stMatch)
				x = xx
				count += c
				if matched {
					return s.finishPrune(w, cur, count)
				}
				if x == nil {
					break
				}
			}
		}
		x = after
	}
	cur.flags &^= stMatch
	return s.finishPrune(w, cur, count)
}

func (s *Syscall) finishPrune(w *walk, cur walk, count int) int {
	if cur.flags&stMatch != 0 {
		w.flags |= cur.flags
	} else {
		w.flags &^= stMatch
	}
	return count
}

// merge adds the chain at n to the tree at *p.
func (s *Syscall) merge(p **node, n *node, call *Syscall) error {
	s.enter()
	defer s.leave()
	x := *p
	steps := 0
	for x != nil {
		s.step(&steps)
		switch {
		case same(x, n):
			if n.hasTrue {
				if !x.hasTrue {
					if !s.agrees(x.onTrue, n.actTrue) {
						return ErrExist
					}
					call.nodes -= s.release(&x.onTrue)
					x.onTrue = nil
					x.actTrue, x.hasTrue, x.ruleTrue = n.actTrue, true, n.ruleTrue
				} else if n.actTrue != x.actTrue {
					// On the high word of a 64-bit > or >=, the larger
					// bound decides (so the order does not matter).
					if n.hi && n.full > x.full {
						x.actTrue, x.ruleTrue = n.actTrue, n.ruleTrue
					}
					if x.leaf() || n.leaf() {
						return ErrExist
					}
				}
			}
			if n.hasFalse {
				if !x.hasFalse {
					if !s.agrees(x.onFalse, n.actFalse) {
						return ErrExist
					}
					call.nodes -= s.release(&x.onFalse)
					x.onFalse = nil
					x.actFalse, x.hasFalse, x.ruleFalse = n.actFalse, true, n.ruleFalse
				} else if n.actFalse != x.actFalse {
					// libseccomp means to let the smaller bound of a
					// 64-bit < or <= decide here, but sets the true
					// branch's action (which such nodes do not use).
					if n.hi && n.full < x.full {
						x.actTrue, x.ruleTrue = n.actTrue, n.ruleTrue
					}
					if x.leaf() || n.leaf() {
						return ErrExist
					}
				}
			}
			if n.onTrue != nil {
				switch {
				case x.onTrue != nil:
					if err := s.merge(&x.onTrue, n.onTrue, call); err != nil {
						return err
					}
				case !x.hasTrue:
					x.onTrue = hold(n.onTrue)
				default:
					return nil // the tree's branch is shorter: it decides
				}
			}
			if n.onFalse != nil {
				switch {
				case x.onFalse != nil:
					if err := s.merge(&x.onFalse, n.onFalse, call); err != nil {
						return err
					}
				case !x.hasFalse:
					x.onFalse = hold(n.onFalse)
				default:
					return nil
				}
			}
			return nil
		case !below(x, n):
			if x.next == nil {
				n.prev = hold(x)
				x.next = hold(n)
				return nil
			}
			x = x.next
		default:
			// n goes before x.
			if x.prev != nil {
				x.prev.next = hold(n)
				n.prev = x.prev
				x.prev = hold(n)
				n.next = x
			} else {
				x.prev = hold(n)
				n.next = hold(x)
			}
			if *p == x {
				*p = hold(n)
				s.release(&x)
			}
			return nil
		}
	}
	return nil
}

// chain is a rule turned into comparisons.
type chain struct {
	head   *node // nil: the rule is unconditional (after dropping no-ops)
	action uint32
	rule   int
	nodes  int
}

func lo(v uint64) uint32 { return uint32(v) }
func hi(v uint64) uint32 { return uint32(v >> 32) }

// build turns r into a chain of comparisons.
func build(r Rule, narrowABI bool) chain {
	c := chain{action: r.Action, rule: r.Index}
	conds := slices.Clone(r.Conds)
	slices.SortStableFunc(conds, func(a, b Cond) int { return a.Arg - b.Arg })
	// The previous level: its nodes and how the next one hangs from it.
	var prev []*node
	var prevOp Op
	prevNarrow := false
	link := func(level []*node, op Op, narrow bool) {
		head := level[0]
		switch {
		case prev == nil:
			c.head = hold(head)
		case prevNarrow:
			if continuesOnTrue(prevOp) {
				prev[0].onTrue = hold(head)
			} else {
				prev[0].onFalse = hold(head)
			}
		default:
			switch prevOp {
			case GT, GE:
				prev[0].onTrue = hold(head)
				prev[2].onTrue = hold(head)
			case EQ, MaskedEQ:
				prev[1].onTrue = hold(head)
			case LE, LT:
				prev[1].onFalse = hold(head)
				prev[2].onFalse = hold(head)
			case NE, MaskedNE:
				prev[0].onFalse = hold(head)
				prev[1].onFalse = hold(head)
			}
		}
		prev, prevOp, prevNarrow = level, op, narrow
	}
	for _, cd := range conds {
		mask := cd.Mask
		if cd.Op != MaskedEQ && cd.Op != MaskedNE {
			mask = ^uint64(0)
		}
		narrow := cd.Narrow || narrowABI
		if cd.Op == MaskedEQ && (lo(mask) == 0 && (narrow || hi(mask) == 0)) {
			continue // always true: libseccomp makes no comparison
		}
		mk := func(isHi bool, op Op) *node {
			n := &node{arg: cd.Arg, hi: isHi, op: op, origOp: cd.Op, full: cd.Datum, ruleTrue: -1, ruleFalse: -1}
			if isHi {
				n.mask, n.datum = hi(mask), hi(cd.Datum)
			} else {
				n.mask, n.datum = lo(mask), lo(cd.Datum)
			}
			n.datum &= n.mask
			return n
		}
		if narrow {
			var op Op
			switch cd.Op {
			case NE:
				op = EQ
			case LT:
				op = GE
			case LE:
				op = GT
			case MaskedNE:
				op = MaskedEQ
			default:
				op = cd.Op
			}
			n := mk(false, op)
			link([]*node{n}, cd.Op, true)
			c.nodes++
			continue
		}
		switch cd.Op {
		case GT, GE, LE, LT:
			last := GT
			if cd.Op == GE || cd.Op == LT {
				last = GE
			}
			l := []*node{mk(true, GT), mk(true, EQ), mk(false, last)}
			l[0].onFalse = hold(l[1])
			l[1].onTrue = hold(l[2])
			link(l, cd.Op, false)
			c.nodes += 3
		default: // EQ, NE, MaskedEQ, MaskedNE
			op := EQ
			if cd.Op == MaskedEQ || cd.Op == MaskedNE {
				op = MaskedEQ
			}
			l := []*node{mk(true, op), mk(false, op)}
			l[0].onTrue = hold(l[1])
			link(l, cd.Op, false)
			c.nodes += 2
		}
	}
	if prev == nil {
		return c
	}
	setT := func(n *node) { n.actTrue, n.hasTrue, n.ruleTrue = r.Action, true, r.Index }
	setF := func(n *node) { n.actFalse, n.hasFalse, n.ruleFalse = r.Action, true, r.Index }
	switch {
	case prevNarrow:
		if continuesOnTrue(prevOp) {
			setT(prev[0])
		} else {
			setF(prev[0])
		}
	case prevOp == GT || prevOp == GE:
		setT(prev[0])
		setT(prev[2])
	case prevOp == LE || prevOp == LT:
		setF(prev[1])
		setF(prev[2])
	case prevOp == EQ || prevOp == MaskedEQ:
		setT(prev[1])
	default: // NE, MaskedNE
		setF(prev[0])
		setF(prev[1])
	}
	return c
}

// continuesOnTrue reports whether a 32-bit comparison made for op holds on
// its true branch (NE, LT, LE and MaskedNE compare the opposite and hold on
// the false branch).
func continuesOnTrue(op Op) bool {
	switch op {
	case NE, LT, LE, MaskedNE:
		return false
	}
	return true
}

// chainMask is the part of a call's priority that favours short trees.
const chainMask = 0xffff

// Syscall is the rules of one system call on one arch, merged.
type Syscall struct {
	// Narrow says the ABI is 32-bit: every condition compares 32 bits.
	Narrow bool

	chains   *node
	action   uint32 // when chains is nil and the call has a rule
	rule     int
	hasRule  bool // a rule was merged (else only a priority was set)
	nodes    int
	priority uint32

	made  int // nodes ever made for the call: bounds a level's length
	depth int // recursion depth inside Add

	flat *flat // the rules, while they are all flat (see flat.go)
}

// New returns an empty system call for an ABI that is 32-bit when narrow.
func New(narrow bool) *Syscall { return &Syscall{Narrow: narrow} }

// Add merges r (checked with Rule.Check) into the call. On an error the
// call is left in an undefined state: discard it (Replay).
func (s *Syscall) Add(r Rule) (err error) {
	if err := r.Check(); err != nil {
		return err
	}
	if done, err := s.addFlat(r); done {
		return err
	}
	s.unflatten()
	return s.addTree(r)
}

// addTree merges r into the tree.
func (s *Syscall) addTree(r Rule) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(errLoop); !ok {
				panic(v)
			}
			err = ErrLoop
		}
	}()
	if err := s.add(r); err != nil {
		return err
	}
	if !s.sound() {
		return ErrLoop
	}
	return nil
}

func (s *Syscall) add(r Rule) error {
	s.depth = 0
	c := build(r, s.Narrow)
	s.made += c.nodes
	pruned := false
	for {
		switch {
		case s.chains == nil:
			if pruned || !s.hasRule {
				s.chains, s.action, s.rule = c.head, c.action, c.rule
				s.nodes = c.nodes
				if s.hasRule {
					s.priority = chainMask - uint32(c.nodes)
				}
				s.hasRule = true
			} else {
				// Unconditional already: the new rule changes nothing.
				s.releaseTree(&c.head)
			}
			s.updatePriority()
			return nil
		case c.head == nil:
			s.releaseTree(&s.chains)
			s.chains, s.nodes, s.action, s.rule = nil, 0, r.Action, r.Index
			s.updatePriority()
			return nil
		}
		w := walk{action: r.Action, call: s}
		n := s.prune(&s.chains, c.head, &w)
		if n > 0 {
			pruned = true
			s.nodes -= n
			if s.chains == nil {
				continue
			}
		} else if w.flags&stRedundant == stRedundant {
			s.releaseTree(&c.head)
			s.updatePriority()
			return nil
		}
		break
	}
	if err := s.merge(&s.chains, c.head, s); err != nil {
		return err
	}
	s.nodes += c.nodes
	s.nodes -= s.releaseTree(&c.head)
	s.updatePriority()
	return nil
}

func (s *Syscall) updatePriority() {
	s.priority = s.priority&^chainMask | (chainMask-uint32(s.nodes))&chainMask
}

// SetPriority records a priority hint (seccomp_syscall_priority): the
// highest hint given is kept. It may be given before any rule.
func (s *Syscall) SetPriority(p uint8) {
	v := uint32(p) << 16
	if v > s.priority&^chainMask {
		s.priority = s.priority&chainMask | v
	}
}

// Priority is the call's priority: the highest hint in bits 16 to 23, and
// 0xffff less the number of comparisons in the low bits (fewer first).
func (s *Syscall) Priority() uint32 { return s.priority }

// HasRule reports whether a rule was merged (a call with only a priority
// hint has none, and is not in the program).
func (s *Syscall) HasRule() bool { return s.hasRule }

// Replay returns a call made by adding rules in order to New(narrow), with
// the priority hint hint (0 for none); the rules must all have been
// accepted before.
func Replay(narrow bool, hint uint8, rules []Rule) *Syscall {
	s := New(narrow)
	if hint != 0 {
		s.SetPriority(hint)
	}
	for _, r := range rules {
		if err := s.Add(r); err != nil {
			panic(fmt.Sprintf("ruletree: replaying an accepted rule failed: %v", err))
		}
	}
	return s
}

// sound reports whether the tree can be walked: no level leads back to
// itself, and no branch leads back to a comparison it comes from.
func (s *Syscall) sound() bool {
	limit := s.made + 1
	state := map[*node]int{} // 1: being walked, 2: done
	var visit func(n *node) bool
	visit = func(n *node) bool {
		if n == nil {
			return true
		}
		// The level, both ways, within bounds.
		start := n
		for i := 0; start.prev != nil; i++ {
			if i > limit {
				return false
			}
			start = start.prev
		}
		i := 0
		for m := start; m != nil; m = m.next {
			if i++; i > limit {
				return false
			}
			switch state[m] {
			case 1:
				return false
			case 2:
				continue
			}
			state[m] = 1
			if !visit(m.onTrue) || !visit(m.onFalse) {
				return false
			}
			state[m] = 2
		}
		return true
	}
	return visit(s.chains)
}
