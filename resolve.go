package seccomp

import (
	"errors"
	"fmt"

	"github.com/seccomp-go/seccomp/internal/compiler"
	"github.com/seccomp-go/seccomp/internal/cond"
	"github.com/seccomp-go/seccomp/internal/ruletree"
)

// Resolution is how a Filter decides between the rules of one system call
// that all match a call (their conditions all hold) and give different
// actions.
//
// With ResolveStricter, the Filter's default, the action the kernel ranks
// first wins: KILL_PROCESS, KILL_THREAD, TRAP, ERRNO, USER_NOTIF, TRACE,
// LOG, ALLOW, and between two values of one action the lowest (ERRNO(1)
// before ERRNO(13)). The result never depends on the order of the rules,
// and overlapping rules never make a filter more permissive than the
// strictest of them.
//
// With ResolveLibseccomp, the rules mean what libseccomp (2.5 and 2.6)
// makes of them when they are added to it one by one, in the order they
// were added to the Filter: libseccomp merges the rules of a system call
// into a tree of comparisons, and the first branch that matches decides.
// Its order is defined by the comparisons, not by the actions: on one
// argument, EQ, NE and masked EQ are tried first, then LT and LE with the
// smallest bound first, then GT and GE with the largest bound first, and
// arguments of higher index are tried before lower ones. So with the rules
// "arg2 > 128 → ERRNO(5)" and "arg2 > 4096 → ERRNO(10)", read(4, buf, 8000)
// gets ERRNO(10) under libseccomp and ERRNO(5) with ResolveStricter. An
// unconditional rule of a system call replaces its conditional rules, and
// once a system call has one, later rules of that call change nothing; a
// rule whose conditions extend an earlier rule with the same action is
// dropped, and one that extends it with another action may be refused.
// This is what a seccomp profile means to runc and crun, which hand its
// entries to libseccomp (package profile resolves profiles this way by
// default), and what the libseccomp-golang drop-in (package libseccomp)
// uses.
//
// In libseccomp's resolution:
//   - a rule gives at most one condition per argument (libseccomp refuses
//     more with EINVAL): more is an error;
//   - a rule libseccomp refuses (EEXIST: the same conditions as an earlier
//     rule with another action, and similar overlaps its tree cannot
//     represent) is an error, as is a rule with which libseccomp never
//     returns (its tree would loop), and the rules after it mean what
//     they mean without it;
//   - a rule no call can match is kept, with a warning (libseccomp keeps
//     it, and it takes part in the merging of the other rules), except a
//     masked comparison whose value has bits outside the mask, which is an
//     error: libseccomp would compare with the value masked, which means
//     something else (package libseccomp masks it, as libseccomp's API
//     does);
//   - a condition compares 64 bits on a 64-bit ABI unless it is a 32-bit
//     condition (Arg32). libseccomp compares only 32 bits on x32, as on
//     i386 and arm: give x32 rules 32-bit conditions to match it (package
//     profile and package libseccomp do). On i386 and arm it compares the
//     low 32 bits of the value too: a value of 2^32 or more is cut, where
//     ResolveStricter gives it its meaning for the zero-extended argument
//     (see Cond);
//   - masked-not-equal (OpMaskedNe), which libseccomp does not have, is
//     merged the way libseccomp merges not-equal, with a mask;
//   - a rule whose action is the default action is merged like any other
//     (libseccomp refuses such rules with EACCES; their callers skip them).
//
// Lint does not report shadowed rules in this resolution.
type Resolution int

const (
	// ResolveStricter: among the rules of a call that match, the action the
	// kernel ranks first wins.
	ResolveStricter Resolution = iota
	// ResolveLibseccomp: the rules mean what libseccomp makes of them,
	// added in order.
	ResolveLibseccomp
)

func (r Resolution) String() string {
	switch r {
	case ResolveStricter:
		return "stricter"
	case ResolveLibseccomp:
		return "libseccomp"
	}
	return fmt.Sprintf("Resolution(%d)", int(r))
}

// SetResolution sets how the filter decides between the rules of a system
// call that match the same call (see Resolution). The default is
// ResolveStricter.
func (f *Filter) SetResolution(r Resolution) *Filter { f.resolution = r; f.changed(); return f }

// Resolution returns how the filter decides between overlapping rules.
func (f *Filter) Resolution() Resolution { return f.resolution }

var libseccompOps = [...]ruletree.Op{
	OpEq: ruletree.EQ, OpNe: ruletree.NE, OpLt: ruletree.LT, OpLe: ruletree.LE,
	OpGt: ruletree.GT, OpGe: ruletree.GE, OpMaskedEq: ruletree.MaskedEQ, OpMaskedNe: ruletree.MaskedNE,
}

// resolveLibseccomp replaces the rules of each system call of the plan
// (in the order added, conditions normalized) with the paths of
// libseccomp's tree, in the order it tries them, and returns the problems
// found.
func (p *archPlan) resolveLibseccomp() []*Problem {
	var probs []*Problem
	name := func(nr int32) string {
		if n, ok := p.arch.SyscallName(nr); ok {
			return n
		}
		return fmt.Sprintf("#%d", nr)
	}
	for _, nr := range p.Keys {
		rs := p.Calls[nr]
		tree := ruletree.New(p.w32())
		accepted := make([]ruletree.Rule, 0, len(rs))
		for _, r := range rs {
			problem := func(sev Severity, format string, args ...any) {
				probs = append(probs, &Problem{Rule: r.Index, Syscall: name(nr), Arch: p.arch.Name, Severity: sev, Reason: fmt.Sprintf(format, args...)})
			}
			tr := ruletree.Rule{Action: r.Action, Index: r.Index, Conds: make([]ruletree.Cond, 0, len(r.Conds))}
			bad := false
			for _, c := range r.Conds {
				if c.Op.Masked() && c.Value&^c.Mask != 0 {
					problem(SeverityError, "%s: the value has bits outside the mask: libseccomp compares with the value masked (%#x); give that value", c, c.Value&c.Mask)
					bad = true
				}
				tr.Conds = append(tr.Conds, ruletree.Cond{Arg: c.Arg, Op: libseccompOps[Op(c.Op)], Mask: c.Mask, Datum: c.Value, Narrow: c.Width32})
			}
			if bad {
				continue
			}
			if why := cond.Unsatisfiable(r.Conds); why != "" {
				problem(SeverityWarning, "no call can match: %s (libseccomp keeps the rule, and it takes part in merging the others)", why)
			}
			err := tree.Add(tr)
			switch {
			case err == nil:
				accepted = append(accepted, tr)
				continue
			case errors.Is(err, ruletree.ErrInvalid):
				problem(SeverityError, "libseccomp refuses the rule (EINVAL): %v", err)
			case errors.Is(err, ruletree.ErrExist):
				problem(SeverityError, "libseccomp refuses the rule (EEXIST): it gives %s where libseccomp's tree of the call's rules cannot tell it from an earlier rule's action", Action(r.Action))
			default:
				problem(SeverityError, "libseccomp refuses the rule: %v", err)
			}
			tree = ruletree.Replay(p.w32(), 0, accepted)
		}
		paths := tree.Paths()
		out := make([]compiler.Rule, 0, len(paths))
		for _, path := range paths {
			pc, ok := pathConds(path.Tests)
			if !ok {
				continue // a way through the tree no call takes
			}
			conds := make([]cond.Cond, len(pc))
			for i, c := range pc {
				conds[i] = c.internal()
			}
			if cond.Unsatisfiable(conds) != "" {
				continue
			}
			out = append(out, compiler.Rule{Index: path.Rule, Action: path.Action, Conds: conds})
		}
		if len(out) == 0 {
			delete(p.Calls, nr)
		} else {
			p.Calls[nr] = out
		}
	}
	if len(p.Calls) != len(p.Keys) {
		keys := p.Keys[:0]
		for _, nr := range p.Keys {
			if _, ok := p.Calls[nr]; ok {
				keys = append(keys, nr)
			}
		}
		p.Keys = keys
	}
	return probs
}

// pathConds returns the tests of a path as conditions, and false when no
// call can take the path. The tests of the two halves of an argument are
// joined where they make a range of the 64-bit argument (the high word
// equal and the low word in a range, or the high word in a range), or
// both halves equal under masks: one or two 64-bit comparisons instead of
// one per test.
func pathConds(tests []ruletree.Test) ([]Cond, bool) {
	var out []Cond
	done := make([]bool, len(tests))
	for i, t := range tests {
		if done[i] {
			continue
		}
		var idx []int
		for j := i; j < len(tests); j++ {
			if !done[j] && tests[j].Arg == t.Arg {
				idx = append(idx, j)
			}
		}
		if conds, ok, joined := joinArg(tests, idx); joined {
			if !ok {
				return nil, false
			}
			out = append(out, conds...)
			for _, j := range idx {
				done[j] = true
			}
			continue
		}
		done[i] = true
		out = append(out, testCond(t))
	}
	return out, true
}

// wordRange is a range of 32-bit words, empty when lo > hi.
type wordRange struct{ lo, hi uint64 }

func (s wordRange) and(o wordRange) wordRange { return wordRange{max(s.lo, o.lo), min(s.hi, o.hi)} }

// joinArg joins the tests idx of one argument (see pathConds): joined
// reports whether it could, ok whether any value passes them.
func joinArg(tests []ruletree.Test, idx []int) (conds []Cond, ok, joined bool) {
	arg := tests[idx[0]].Arg
	var hiEq, loEq *ruletree.Test
	full := func(t ruletree.Test) bool { return t.Op != ruletree.MaskedEQ && t.Mask == 0xffffffff }
	allFull := true
	for _, j := range idx {
		t := tests[j]
		if !full(t) {
			allFull = false
		}
		if t.Holds && (t.Op == ruletree.EQ || t.Op == ruletree.MaskedEQ) {
			if t.Hi {
				hiEq = &tests[j]
			} else {
				loEq = &tests[j]
			}
		}
	}
	if !allFull {
		// Both halves equal under masks, and nothing else: one masked
		// comparison.
		if len(idx) == 2 && hiEq != nil && loEq != nil {
			mask := uint64(hiEq.Mask)<<32 | uint64(loEq.Mask)
			return []Cond{{Arg: arg, Op: OpMaskedEq, Mask: mask, Value: uint64(hiEq.Datum)<<32 | uint64(loEq.Datum)}}, true, true
		}
		return nil, false, false
	}
	// Ranges of the high and low words; words excluded one by one (a
	// failed ==) only at an end of the range.
	words := [2]wordRange{{0, 0xffffffff}, {0, 0xffffffff}} // high, low
	var excluded [2][]uint64
	has := [2]bool{}
	for _, j := range idx {
		t := tests[j]
		w := 1
		if t.Hi {
			w = 0
		}
		has[w] = true
		d := uint64(t.Datum)
		switch {
		case t.Op == ruletree.EQ && t.Holds:
			words[w] = words[w].and(wordRange{d, d})
		case t.Op == ruletree.EQ:
			excluded[w] = append(excluded[w], d)
		case t.Op == ruletree.GT && t.Holds:
			words[w] = words[w].and(wordRange{d + 1, 0xffffffff})
		case t.Op == ruletree.GT:
			words[w] = words[w].and(wordRange{0, d})
		case t.Op == ruletree.GE && t.Holds:
			words[w] = words[w].and(wordRange{d, 0xffffffff})
		case t.Op == ruletree.GE:
			if d == 0 {
				return nil, false, true
			}
			words[w] = words[w].and(wordRange{0, d - 1})
		}
	}
	for w := range 2 {
		for changed := true; changed; {
			changed = false
			for _, d := range excluded[w] {
				switch {
				case words[w].lo > words[w].hi:
				case d == words[w].lo:
					words[w].lo++
					changed = true
				case d == words[w].hi:
					words[w].hi--
					changed = true
				}
			}
		}
		for _, d := range excluded[w] {
			if words[w].lo < d && d < words[w].hi {
				return nil, false, false // a hole inside the range: keep the tests
			}
		}
		if words[w].lo > words[w].hi {
			return nil, false, true // no word passes
		}
	}
	if !has[0] {
		return nil, false, false // 32-bit tests only: they are conditions already
	}
	hi, lo := words[0], words[1]
	var from, to uint64
	switch {
	case hi.lo == hi.hi:
		from, to = hi.lo<<32|lo.lo, hi.lo<<32|lo.hi
	case lo == wordRange{0, 0xffffffff}:
		from, to = hi.lo<<32, hi.hi<<32|0xffffffff
	default:
		return nil, false, false
	}
	switch {
	case from == to:
		return []Cond{{Arg: arg, Op: OpEq, Value: from}}, true, true
	case from > 0:
		conds = append(conds, Cond{Arg: arg, Op: OpGe, Value: from})
	}
	if to < 1<<64-1 {
		conds = append(conds, Cond{Arg: arg, Op: OpLe, Value: to})
	}
	return conds, true, true
}

// testCond is a comparison of libseccomp's tree, on the branch a path
// takes, as a condition.
func testCond(t ruletree.Test) Cond {
	c := Cond{Arg: t.Arg}
	if !t.Hi {
		c.Width32 = true
		c.Value = uint64(t.Datum)
		switch t.Op {
		case ruletree.EQ:
			c.Op = pick(t.Holds, OpEq, OpNe)
		case ruletree.MaskedEQ:
			c.Op, c.Mask = pick(t.Holds, OpMaskedEq, OpMaskedNe), uint64(t.Mask)
		case ruletree.GT:
			c.Op = pick(t.Holds, OpGt, OpLe)
		case ruletree.GE:
			c.Op = pick(t.Holds, OpGe, OpLt)
		}
		return c
	}
	// The high word, as a comparison of the 64-bit argument.
	d := uint64(t.Datum) << 32
	switch t.Op {
	case ruletree.EQ, ruletree.MaskedEQ:
		c.Op, c.Mask, c.Value = pick(t.Holds, OpMaskedEq, OpMaskedNe), uint64(t.Mask)<<32, d
	case ruletree.GT: // high > d  ⇔  arg > d<<32 | 0xffffffff
		c.Op, c.Value = pick(t.Holds, OpGt, OpLe), d|0xffffffff
	case ruletree.GE: // high >= d  ⇔  arg >= d<<32
		c.Op, c.Value = pick(t.Holds, OpGe, OpLt), d
	}
	return c
}

func pick(b bool, yes, no Op) Op {
	if b {
		return yes
	}
	return no
}
