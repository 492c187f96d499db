package ruletree

import (
	"fmt"
	"strings"
)

// Test is one comparison on a path, and the branch the path takes.
type Test struct {
	Arg   int
	Hi    bool   // the high 32 bits of the argument; else the low 32 bits
	Op    Op     // EQ, MaskedEQ, GT or GE
	Mask  uint32 // the word is masked with it first (all ones but for MaskedEQ)
	Datum uint32 // masked
	Holds bool   // the path takes the branch where the comparison holds
}

// Word returns the word of args the test compares.
func (t Test) Word(args *[6]uint64) uint32 {
	if t.Hi {
		return uint32(args[t.Arg] >> 32)
	}
	return uint32(args[t.Arg])
}

// Compare reports whether the comparison holds for word w (whatever the
// branch).
func (t Test) Compare(w uint32) bool {
	w &= t.Mask
	switch t.Op {
	case EQ, MaskedEQ:
		return w == t.Datum
	case GT:
		return w > t.Datum
	case GE:
		return w >= t.Datum
	}
	return false
}

// Path is a way through a call's tree to an action: the comparisons on
// the way and the branches taken. A call's paths, tried in order, decide
// as the tree does: the first whose tests all pass gives the action.
type Path struct {
	Tests  []Test
	Action uint32
	Rule   int // Rule.Index of the rule that gave the action
}

// Paths returns the call's paths in the order the tree tries them, nil
// for a call without rules. A branch with both a further level and an
// action (which no rule makes) continues to the level, as libseccomp's
// program does.
func (s *Syscall) Paths() []Path {
	if !s.hasRule {
		return nil
	}
	if s.flat != nil {
		return s.flat.paths()
	}
	if s.chains == nil {
		return []Path{{Action: s.action, Rule: s.rule}}
	}
	var out []Path
	var walk func(n *node, prefix []Test)
	walk = func(n *node, prefix []Test) {
		for m := levelStart(n); m != nil; m = m.next {
			base := Test{Arg: m.arg, Hi: m.hi, Op: m.op, Mask: m.mask, Datum: m.datum}
			for _, holds := range [2]bool{true, false} {
				next, act, has, rule := m.onFalse, m.actFalse, m.hasFalse, m.ruleFalse
				if holds {
					next, act, has, rule = m.onTrue, m.actTrue, m.hasTrue, m.ruleTrue
				}
				t := base
				t.Holds = holds
				p := append(prefix[:len(prefix):len(prefix)], t)
				switch {
				case next != nil:
					walk(next, p)
				case has:
					out = append(out, Path{Tests: p, Action: act, Rule: rule})
				}
			}
		}
	}
	walk(s.chains, nil)
	return out
}

// Decide returns what the call's tree decides for the arguments, walking
// the tree itself (Paths is the same, as a list): the action and true, or
// false when no branch decides (the filter's default action then
// applies).
func (s *Syscall) Decide(args *[6]uint64) (uint32, bool) {
	if !s.hasRule {
		return 0, false
	}
	if s.flat != nil {
		return s.flat.decide(args)
	}
	if s.chains == nil {
		return s.action, true
	}
	return decide(s.chains, args)
}

func decide(n *node, args *[6]uint64) (uint32, bool) {
	for m := levelStart(n); m != nil; m = m.next {
		t := Test{Arg: m.arg, Hi: m.hi, Op: m.op, Mask: m.mask, Datum: m.datum}
		next, act, has := m.onFalse, m.actFalse, m.hasFalse
		if t.Compare(t.Word(args)) {
			next, act, has = m.onTrue, m.actTrue, m.hasTrue
		}
		if next != nil {
			if a, ok := decide(next, args); ok {
				return a, true
			}
			continue
		}
		if has {
			return act, true
		}
	}
	return 0, false
}

// Holds reports whether every test of the path passes for args.
func (p Path) Holds(args *[6]uint64) bool {
	for _, t := range p.Tests {
		if t.Compare(t.Word(args)) != t.Holds {
			return false
		}
	}
	return true
}

// WritePFC writes the call's tree as libseccomp's seccomp_export_pfc does,
// indented by indent levels: name and nr head the call, action formats an
// action. wideNames names words $aN.hi32 and $aN.lo32 (a 64-bit ABI);
// otherwise $aN.
func (s *Syscall) WritePFC(b *strings.Builder, indent int, name string, nr uint32, wideNames bool, action func(uint32) string) {
	pad(b, indent)
	fmt.Fprintf(b, "# filter for syscall \"%s\" (%d) [priority: %d]\n", name, nr, int32(s.priority))
	pad(b, indent)
	fmt.Fprintf(b, "if ($syscall == %d)\n", nr)
	if s.flat != nil {
		s.flat.writePFC(b, indent+1, wideNames, action)
		return
	}
	if s.chains == nil {
		pad(b, indent+1)
		b.WriteString(action(s.action))
		return
	}
	writeLevel(b, s.chains, indent+1, wideNames, action)
}

func pad(b *strings.Builder, n int) {
	for range n {
		b.WriteString("  ")
	}
}

func writeLevel(b *strings.Builder, n *node, indent int, wide bool, action func(uint32) string) {
	for m := levelStart(n); m != nil; m = m.next {
		pad(b, indent)
		b.WriteString("if (")
		switch {
		case !wide:
			fmt.Fprintf(b, "$a%d", m.arg)
		case m.hi:
			fmt.Fprintf(b, "$a%d.hi32", m.arg)
		default:
			fmt.Fprintf(b, "$a%d.lo32", m.arg)
		}
		switch m.op {
		case EQ:
			b.WriteString(" == ")
		case GE:
			b.WriteString(" >= ")
		case GT:
			b.WriteString(" > ")
		case MaskedEQ:
			fmt.Fprintf(b, " & 0x%.8x == ", m.mask)
		default:
			b.WriteString(" ??? ")
		}
		fmt.Fprintf(b, "%d)\n", m.datum)
		if m.hasTrue {
			pad(b, indent+1)
			b.WriteString(action(m.actTrue))
		} else if m.onTrue != nil {
			writeLevel(b, m.onTrue, indent+1, wide, action)
		}
		if m.hasFalse {
			pad(b, indent)
			b.WriteString("else\n")
			pad(b, indent+1)
			b.WriteString(action(m.actFalse))
		} else if m.onFalse != nil {
			pad(b, indent)
			b.WriteString("else\n")
			writeLevel(b, m.onFalse, indent+1, wide, action)
		}
	}
}
